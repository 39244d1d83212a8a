"""Building events outside pytest: seeds, world (region/account) and time."""

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import freezegun
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pytest_lambda_events import (
    BuildContext,
    EventConfigError,
    UnknownSourceError,
    build_event,
    building,
    source_ids,
    timefmt,
)


def test_same_seed_gives_the_same_event_and_other_seeds_differ():
    first = build_event("sqs", seed=11, count=3)
    assert json.dumps(first) == json.dumps(build_event("sqs", seed=11, count=3))
    assert first != build_event("sqs", seed=12, count=3)


def test_unseeded_builds_differ():
    assert build_event("sqs") != build_event("sqs")


def test_region_and_account_reach_every_arn():
    event = build_event("sqs", seed=1, region="eu-central-1", account_id="210987654321")
    record = event["Records"][0]
    assert record["awsRegion"] == "eu-central-1"
    assert record["eventSourceARN"].startswith("arn:aws:sqs:eu-central-1:210987654321:")


def test_china_regions_use_the_aws_cn_partition():
    record = build_event("sqs", seed=1, region="cn-north-1")["Records"][0]
    assert record["eventSourceARN"].startswith("arn:aws-cn:sqs:cn-north-1:")


def test_default_time_comes_from_the_seed_and_a_frozen_clock_wins():
    sent = int(build_event("sqs", seed=5)["Records"][0]["attributes"]["SentTimestamp"])
    assert sent == int(build_event("sqs", seed=5)["Records"][0]["attributes"]["SentTimestamp"])
    # Powertools' lazy parser module must not be imported mid-freeze (see tests/harness)
    with freezegun.freeze_time("2030-06-01T12:00:00Z", ignore=["aws_lambda_powertools"]):
        frozen = build_event("sqs", seed=5)["Records"][0]["attributes"]
    received = int(frozen["ApproximateFirstReceiveTimestamp"])
    assert abs(received - datetime(2030, 6, 1, 12, tzinfo=UTC).timestamp() * 1000) < 10


def test_explicit_time_override():
    at = datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)
    attrs = build_event("sqs", seed=1, time=at)["Records"][0]["attributes"]
    assert int(attrs["SentTimestamp"]) < at.timestamp() * 1000


def test_source_ids_are_sorted_and_unknown_ids_suggest_a_match():
    ids = source_ids()
    assert ids == sorted(ids) and "sqs" in ids
    with pytest.raises(UnknownSourceError, match=r"'sqs_fifo'.*registered sources: "):
        build_event("sqs_fifo")
    with pytest.raises(EventConfigError, match=r"did you mean 'sqs'"):
        build_event("sq")


# --- the two streams of draws (issue 8: a small event must not pay for seeding a Mersenne
# Twister, which costs more than json.loads of the whole event) ---


def _context(seed: int = 7, **world: Any) -> BuildContext:
    return BuildContext("test", seed, **world)


def test_the_pool_gives_the_same_bits_however_a_build_splits_its_draws():
    whole = _context().getrandbits(3000)  # crosses two refills
    ctx = _context()
    low, middle, high = ctx.getrandbits(300), ctx.getrandbits(1700), ctx.getrandbits(1000)
    assert whole == low | middle << 300 | high << 2000
    assert whole.bit_length() > 2900  # really random bits, not zeros from an empty pool


def test_the_pool_depends_on_the_seed_and_differs_from_the_mersenne_twister():
    draws = {_context(seed).getrandbits(64) for seed in range(200)}
    assert len(draws) == 200
    ctx = _context(5)
    assert ctx.randbytes(16) != _context(5).rng.randbytes(16)
    assert len(ctx.uuid()) == 36 and len(ctx.hex(13)) == 13


def test_the_random_random_is_seeded_only_when_a_builder_asks_for_it():
    ctx = _context(9)
    ctx.getrandbits(100), ctx.random(), ctx.randbytes(3)
    assert ctx._rng is None
    assert ctx.rng.random() == random.Random(9).random()
    assert ctx.rng is ctx.rng


def test_floats_from_the_pool_are_in_the_unit_interval():
    ctx = _context(3)
    values = [ctx.random() for _ in range(2000)]
    assert all(0.0 <= v < 1.0 for v in values)
    assert 0.45 < sum(values) / len(values) < 0.55


def test_draws_for_picks_the_pool_for_a_few_blocks_and_the_twister_beyond():
    ctx = _context()
    assert ctx.draws_for(3072) is ctx
    assert ctx.draws_for(3073) is ctx.rng


def test_without_a_clock_the_time_is_drawn_in_the_half_year_from_march_2025():
    times = {_context(seed).time for seed in range(300)}
    assert len(times) == 300
    assert all(datetime(2025, 3, 1, tzinfo=UTC) <= t < datetime(2025, 9, 1, tzinfo=UTC)
               for t in times)  # fmt: skip
    assert all(t.microsecond % 1000 == 0 for t in times)  # whole milliseconds, as AWS sends
    assert all(c.time_ms == int(c.time.timestamp() * 1000) for c in map(_context, range(300)))
    given = datetime(2024, 1, 2, tzinfo=UTC)
    assert _context(time=given).time is given
    assert _context(time=given).time_ms == 1_704_153_600_000


@given(
    st.datetimes(
        min_value=datetime(1970, 1, 2),
        max_value=datetime(2200, 1, 1),
        timezones=st.sampled_from([UTC, timezone(timedelta(hours=-7, minutes=-30))]),
    )
)
def test_time_formats_agree_with_the_standard_library(at: datetime) -> None:
    utc = at.astimezone(UTC)
    assert timefmt.iso_ms(at) == utc.isoformat(timespec="milliseconds")[:23]
    assert timefmt.iso_z(at) == utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert timefmt.clf(at) == utc.strftime("%d/%b/%Y:%H:%M:%S +0000")
    assert timefmt.space_ms(at) == utc.isoformat(sep=" ", timespec="milliseconds")[:23]
    day = timefmt.epoch_ms(at) // 86_400_000
    assert timefmt.date_path(day) == utc.strftime("%Y/%m/%d")
    assert timefmt.compact_date(day) == utc.strftime("%Y%m%d")


def test_the_remembered_format_is_keyed_by_the_datetime_object():
    first, second = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 6, 2, 3, 4, 5, tzinfo=UTC)
    assert timefmt.iso_ms_z(first) == "2025-01-01T00:00:00.000Z"
    assert timefmt.iso_ms_z(second) == "2026-06-02T03:04:05.000Z"
    assert timefmt.iso_ms_z(first) == "2025-01-01T00:00:00.000Z"


def test_a_default_build_of_a_small_event_never_seeds_the_mersenne_twister(monkeypatch):
    """Speed as a checked property, not a timing (issue 8): seeding ``random.Random`` costs more
    than ``json.loads`` of a small event, so the built-in sources draw a default event from the
    context's pool. A 10-record SQS batch may seed it: beyond a few blocks it is cheaper."""
    seeded: list[int] = []
    real = building.seeded_random
    monkeypatch.setattr(building, "seeded_random", lambda seed: seeded.append(seed) or real(seed))
    users = set()
    for source in source_ids():
        for seed in range(5):
            build_event(source, seed=seed)
        if seeded:
            users.add(source)
            seeded.clear()
    assert users == set()
    build_event("sqs", seed=1, count=10)
    assert seeded
