"""Turning a source id, a seed and overrides into an event dict, inside pytest or outside it."""

from __future__ import annotations

import _random
import gc
import hashlib
import json
import random
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NoReturn

from . import aws, timefmt
from .errors import EventConfigError
from .registry import EventSource, SourceRegistry

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
# Without a clock, an event's time is drawn from its seed inside this half year, so that the
# same seed gives the same event on any day.
_TIME_ANCHOR_MS = 1_740_787_200_000  # 2025-03-01T00:00:00Z
_TIME_SPAN_MS = 183 * 86_400_000
_TIME_BITS = 34
_TIME_MASK = (1 << _TIME_BITS) - 1
MAX_BATCH_PAYLOAD_BYTES = 6_291_456
_MEASURE_FROM_RECORDS = 100
_new_random = random.Random.__new__
_seed_mersenne_twister = _random.Random.seed
_blake2b = hashlib.blake2b
_2_POW_MINUS_53 = 2.0**-53
_from_bytes = int.from_bytes
_fromtimestamp = datetime.fromtimestamp
_partition_of = aws.partition_of
_PARTITIONS = {"us-east-1": "aws"}  # the default region's, without a call
_modules = sys.modules
_POOL_BITS_BEFORE_RNG = 3072


class BuildContext:
    """What a builder draws from: the event's random draws, the AWS "world" (partition, region,
    account) every ARN must agree with, and the time the event happens.

    Two streams of draws come from the event's seed. The context itself is one (``getrandbits``,
    ``random``, ``randbytes``, so it can be passed wherever the ``aws`` helpers take a generator):
    a small event's few values come from a BLAKE2b block of the seed (512 bits, about 1 µs),
    then further BLAKE2b blocks of 512 bits. ``rng`` is a ``random.Random`` seeded on first use, for
    builders that draw per record: seeding the Mersenne Twister costs 4-5 µs, more than a small
    event's whole JSON takes to parse, while each of its draws then costs a tenth of a draw
    from the context."""

    __slots__ = (
        "_block", "_pool", "_pool_left", "_rng", "_time", "_time_ms", "account_id", "partition",
        "region", "seed", "source",
    )  # fmt: skip

    def __init__(
        self,
        source: str,
        seed: int,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        time: datetime | None = None,
    ) -> None:
        self.source = source
        self.seed = seed
        self.region = region
        self.account_id = account_id
        self.partition = _PARTITIONS.get(region) or _partition_of(region)
        self._rng: random.Random | None = None
        # the pool's first block is drawn here (every builder draws), with the default time
        # from its low bits: one call instead of a chain of small ones. (BLAKE2b's digest is
        # 64 bytes by default: a digest_size keyword would double the call's cost.)
        pool = _from_bytes(_blake2b(b"%d:0" % seed).digest(), "little")
        self._block = 1
        self._time_ms: int | None = None
        if time is None:
            api = _modules.get("freezegun.api")  # frozen_now(), inline: every build asks
            time = datetime.now(UTC) if api and getattr(api, "freeze_factories", None) else None
            if time is None:
                self._time_ms = _TIME_ANCHOR_MS + (pool & _TIME_MASK) % _TIME_SPAN_MS
            pool >>= _TIME_BITS
        self._pool, self._pool_left = pool, 512 - _TIME_BITS
        self._time = time  # a drawn time becomes a datetime only if a builder asks for one

    @property
    def time(self) -> datetime:
        """When the event happens: the frozen clock, the ``time`` override, or drawn."""
        time = self._time
        if time is None:
            time = self._time = _fromtimestamp(self.time_ms / 1000, UTC)
        return time

    @time.setter
    def time(self, time: datetime) -> None:
        self._time = time
        self._time_ms = None

    @property
    def time_ms(self) -> int:
        """``time`` in epoch milliseconds (known without arithmetic when it was drawn)."""
        ms = self._time_ms
        if ms is None:
            ms = self._time_ms = timefmt.epoch_ms(self._time)  # type: ignore[arg-type]
        return ms

    @property
    def rng(self) -> random.Random:
        """The event's ``random.Random`` (seeded from ``seed`` on first use)."""
        rng = self._rng
        if rng is None:
            rng = self._rng = seeded_random(self.seed)
        return rng

    def getrandbits(self, k: int) -> int:
        """``k`` random bits from the event's pool: draw a small event's values at once and
        slice them (each call costs about as much as ten ``rng`` draws)."""
        left = self._pool_left
        if k > left:
            return self._refill(k)
        pool = self._pool
        self._pool = pool >> k
        self._pool_left = left - k
        return pool & ((1 << k) - 1)

    def batch_bits(self, count: int, batch: int, record: int) -> tuple[int, int | None]:
        """A batch's ``batch`` random bits, and for a one-record batch (the default build) its
        record's ``record`` bits from the same call; larger batches draw per record (``rng``)."""
        if count == 1:
            bits = self.getrandbits(batch + record)
            return bits, bits >> batch
        return self.getrandbits(batch), None

    def draws_for(self, bits: int) -> aws.Draws:
        """The cheaper stream for a build that draws about ``bits`` random bits: the pool for a
        few blocks, ``rng`` beyond (its seeding costs about five refills)."""
        return self if bits <= _POOL_BITS_BEFORE_RNG else self.rng

    def randbytes(self, n: int) -> bytes:
        """``n`` random bytes from the event's pool (see ``getrandbits``)."""
        return self.getrandbits(8 * n).to_bytes(n, "little")

    def random(self) -> float:
        """A float in [0, 1) from the event's pool (see ``getrandbits``)."""
        return self.getrandbits(53) * _2_POW_MINUS_53

    def _refill(self, k: int) -> int:
        pool, have, block, seed = self._pool, self._pool_left, self._block, self.seed
        while have < k:
            # further blocks are BLAKE2b's too, 512 bits a call: a build that outgrows the first
            # block seldom needs many more bits (SHAKE-128's 1,344 bits a call cost three times
            # as much, and a big draw goes to ``rng``)
            pool |= _from_bytes(_blake2b(b"%d:%d" % (seed, block)).digest(), "little") << have
            have += 512
            block += 1
        self._block = block
        self._pool, self._pool_left = pool >> k, have - k
        return pool & ((1 << k) - 1)

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        """An ARN in this event's partition, region and account (``regional=False`` for S3/IAM)."""
        if not regional:
            account = "" if service == "s3" else self.account_id
            return aws.arn(self.partition, service, "", account, resource)
        return aws.arn(self.partition, service, self.region, self.account_id, resource)

    def uuid(self) -> str:
        """A version-4 UUID string from the pool."""
        return aws.uuid4_from_bits(self.getrandbits(128))

    def hex(self, length: int) -> str:
        """``length`` lower-case hex digits from the pool."""
        return self.randbytes((length + 1) // 2).hex()[:length]

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


def frozen_now() -> datetime | None:
    """The frozen time when freezegun is active (a user's ``freeze_time`` or the harness
    clock): events built then happen at that time."""
    api = sys.modules.get("freezegun.api")
    if api is not None and getattr(api, "freeze_factories", None):
        return datetime.now(UTC)
    return None


def build(
    source: EventSource,
    seed: int,
    overrides: Mapping[str, Any],
    *,
    region: str = DEFAULT_REGION,
    account_id: str = DEFAULT_ACCOUNT_ID,
) -> dict[str, Any]:
    """Build one event of ``source`` from ``seed``; overrides are validated first."""
    if not overrides:  # most builds: cached options, one record, no collector to pause
        ctx = BuildContext(source.id, seed, region, account_id)
        event = source.builder(ctx, source.plain_options(region, account_id))
        if source.invocation == "poll":  # a plugin's source may batch by default
            _check_large_batch(source.id, event)
        return event
    options = source.resolve(overrides, {"region": region, "account_id": account_id})
    ctx = BuildContext(source.id, seed, options.region, options.account_id, options.time)
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
        _check_large_batch(source.id, event)
    return event


def _check_large_batch(source_id: str, event: Any) -> None:
    if isinstance(event, dict) and len(event.get("Records") or ()) >= _MEASURE_FROM_RECORDS:
        _check_batch_payload(source_id, event)


def _check_batch_payload(source_id: str, event: dict[str, Any]) -> None:
    """An event source mapping never sends a batch over 6 MB (semantics.md 8.1). Only large
    batches can reach it (``build`` calls this from 100 records), so smaller ones skip the cost
    of measuring."""
    records = event["Records"]
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
    source = (_default_registry or default_registry()).get(source_id)
    if seed is None:
        seed = random.randrange(2**32)
    return build(source, seed, overrides)


def source_ids() -> list[str]:
    """The sorted ids of every built-in event source."""
    return default_registry().ids()
