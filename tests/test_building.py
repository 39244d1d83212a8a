"""Building events outside pytest: seeds, world (region/account) and time."""

import json
from datetime import UTC, datetime

import freezegun
import pytest

from pytest_lambda_events import EventConfigError, UnknownSourceError, build_event, source_ids


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
