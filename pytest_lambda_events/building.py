"""Turning a source id, a seed and overrides into an event dict, inside pytest or outside it."""

from __future__ import annotations

import _random
import gc
import json
import random
import sys
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

from . import aws
from .errors import EventConfigError
from .registry import EventSource, SourceRegistry

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
# Without a clock, event times are drawn from the seed inside this half year, so that the same
# seed gives the same event on any day.
_TIME_ANCHOR = datetime(2025, 3, 1, tzinfo=UTC)
_TIME_SPAN_MS = 183 * 86_400_000
MAX_BATCH_PAYLOAD_BYTES = 6_291_456
_MEASURE_FROM_RECORDS = 100
_new_random = random.Random.__new__
_seed_mersenne_twister = _random.Random.seed


class BuildContext:
    """What a builder draws from: one seeded ``random.Random``, the AWS "world" (partition,
    region, account) every ARN must agree with, and the time the event happens."""

    __slots__ = ("account_id", "partition", "region", "rng", "source", "time")

    def __init__(
        self, source: str, rng: random.Random, region: str, account_id: str, time: datetime
    ) -> None:
        self.source = source
        self.rng = rng
        self.region = region
        self.account_id = account_id
        self.partition = aws.partition_of(region)
        self.time = time

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """An ARN in this event's partition, region and account (``regional=False`` for S3/IAM)."""
        if not regional:
            account = "" if service == "s3" else self.account_id
            return aws.arn(self.partition, service, "", account, resource)
        return aws.arn(self.partition, service, self.region, self.account_id, resource)

    def uuid(self) -> str:
        return aws.uuid4(self.rng)

    def hex(self, length: int) -> str:
        return aws.hex_string(self.rng, length)

    def fail(self, option: str, detail: str) -> NoReturn:
        """Reject a combination of overrides, naming the option and what AWS allows."""
        raise EventConfigError(
            f"{self.source}: {option}: {detail}", source=self.source, field=option
        )


def seeded_random(seed: int) -> random.Random:
    """``random.Random(seed)`` for an int seed, in the same state, without the Python-level
    ``__init__``/``seed`` dispatch (1-2 µs of a small event's ~10 µs build)."""
    rng = _new_random(random.Random)
    _seed_mersenne_twister(rng, seed)
    rng.gauss_next = None  # type: ignore[attr-defined]  # what Random.seed resets
    return rng


def default_time(rng: random.Random) -> datetime:
    """The event time when none is given: the frozen time when freezegun is active (a user's
    ``freeze_time`` or the harness clock), otherwise a time drawn from the seed."""
    api = sys.modules.get("freezegun.api")
    if api is not None and getattr(api, "freeze_factories", None):
        return datetime.now(UTC)
    return _TIME_ANCHOR + timedelta(0, 0, 0, int(rng.random() * _TIME_SPAN_MS))


def build(
    source: EventSource,
    seed: int,
    overrides: Mapping[str, Any],
    *,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """Build one event of ``source`` from ``seed``; overrides are validated first."""
    options = source.resolve(overrides, {"region": region, "account_id": account_id})
    rng = seeded_random(seed)
    time = options.time if options.time is not None else default_time(rng)
    ctx = BuildContext(source.id, rng, options.region, options.account_id, time)
    # the cyclic garbage collector is paused while a builder runs: an event is thousands of
    # small dicts without cycles, and the collections they trigger cost more than building
    # them (2-3x on 10,000 DynamoDB records)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        event = source.builder(ctx, options)
    finally:
        if was_enabled:
            gc.enable()
    if source.invocation == "poll":
        _check_batch_payload(source.id, event)
    return event


def _check_batch_payload(source_id: str, event: dict[str, Any]) -> None:
    """An event source mapping never sends a batch over 6 MB (semantics.md 8.1). Only large
    batches can reach it, so smaller ones skip the cost of measuring."""
    records = event.get("Records")
    if not isinstance(records, list) or len(records) < _MEASURE_FROM_RECORDS:
        return
    size = len(json.dumps(event, separators=(",", ":")))
    if size > MAX_BATCH_PAYLOAD_BYTES:
        raise EventConfigError(
            f"{source_id}: count: {len(records):,} records make a {size:,}-byte event; an event "
            f"source mapping sends at most {MAX_BATCH_PAYLOAD_BYTES:,} bytes (6 MB) per batch. "
            "Use fewer or smaller records",
            source=source_id,
            field="count",
        )


_default_registry: SourceRegistry | None = None


def default_registry() -> SourceRegistry:
    """The registry used outside pytest: the built-in sources, registered by the same hook
    implementation pytest calls, so both paths see the same catalogue. It is called directly,
    without a pluggy plugin manager, because importing pluggy costs the command line ~5 ms."""
    global _default_registry
    if _default_registry is None:
        from . import sources

        registry = SourceRegistry()
        sources.pytest_lambda_events_register_sources(registry)
        _default_registry = registry
    return _default_registry


def build_event(source_id: str, seed: int | None = None, **overrides: Any) -> dict[str, Any]:
    """Build a realistic event of ``source_id`` outside pytest (scripts, a REPL, other runners).

    ``seed=None`` draws a fresh seed; the same seed and overrides always give the same event.
    """
    source = default_registry().get(source_id)
    if seed is None:
        seed = random.randrange(2**32)
    return build(source, seed, overrides)


def source_ids() -> list[str]:
    """The sorted ids of every built-in event source."""
    return default_registry().ids()
