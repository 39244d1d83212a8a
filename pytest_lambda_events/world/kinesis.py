"""Kinesis Data Streams in the harness: shards with hash-key ranges, records placed by the MD5
of their partition key (or an explicit hash key), sequence numbers growing per shard, arrival
times from the virtual clock, and retention (semantics.md 5.3; shapes.md 3)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import StreamConfigError, checked_arguments
from ..sources.kinesis import kinesis_record
from .streams import Shard, StreamRecord

if TYPE_CHECKING:
    from ..flows.stream_mapping import StreamMapping
    from . import Harness
    from .function import Function

MAX_HASH_KEY = 2**128 - 1
MAX_SHARDS = 500  # the default shard quota per account and region in most regions
RETENTION_HOURS = (24, 8_760)  # default 24 h, up to 365 days
MAX_RECORD_BYTES = 1024 * 1024  # data blob plus partition key
MAX_PARTITION_KEY = 256
MAX_PUT_RECORDS = 500
_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")
_SEQUENCE_STEP = 4.7e21  # gaps seen between neighbouring records of one shard
_SIZE_MARGIN = 1024  # the record's fixed fields and ARNs stay under this many bytes
_KEY_CACHE_SIZE = 4096  # partition keys whose shard is remembered


class KinesisStream:
    """``h.kinesis_stream(name, shards=1, retention_hours=24)``: ``put``, ``put_records``,
    ``subscribe(fn, ...)``. Shards split the 128-bit hash-key space evenly, as CreateStream
    does; a record goes to the shard whose range holds the MD5 of its partition key."""

    source = "kinesis"
    batch_info_key = "KinesisBatchInfo"
    poll_interval = timedelta(seconds=1)  # Lambda polls each shard once a second (5.1)

    def __init__(
        self, harness: Harness, name: str, *, shards: int = 1, retention_hours: int = 24
    ) -> None:
        _check_name(name)
        _check_int("shards", shards, (1, MAX_SHARDS), "ShardCount")
        _check_int("retention_hours", retention_hours, RETENTION_HOURS, "RetentionPeriodHours")
        self.harness = harness
        self.name = name
        self.retention_hours = retention_hours
        self.retention = timedelta(hours=retention_hours)
        self.arn = aws.arn(harness.partition, "kinesis", harness.region, harness.account_id,
                           f"stream/{name}")  # fmt: skip
        self.shards = _split_hash_space(shards)
        self._shard_starts = [s.starting_hash_key for s in self.shards]
        self._shard_of_key: dict[str, Shard] = {}
        self.mappings: list[StreamMapping] = []
        self._next_sequence = {
            s.shard_id: int(aws.kinesis_sequence_number(harness.rng)) for s in self.shards
        }

    @property
    def source_arn(self) -> str:
        return self.arn

    @checked_arguments
    def put(
        self,
        data: bytes | str | Mapping[str, Any],
        partition_key: str,
        explicit_hash_key: str | int | None = None,
    ) -> StreamRecord:
        """``PutRecord``: append to the shard the key hashes to; returns the stored record
        (``shard_id``, ``sequence``, ``arrival``, ``key``, and the base64 data as ``body``).
        A dict is sent as JSON."""
        blob = _as_bytes(data)
        _check_record(blob, partition_key)
        explicit = None if explicit_hash_key is None else _explicit_hash_key(explicit_hash_key)
        shard = self._shard_for(partition_key, explicit)
        sequence = self._next_sequence[shard.shard_id]
        self._next_sequence[shard.shard_id] = sequence + 1 + int(
            self.harness.rng.random() * _SEQUENCE_STEP)  # fmt: skip
        encoded = binascii.b2a_base64(blob, newline=False).decode()  # b64encode, one call less
        record = shard.append(
            str(sequence), self.harness.clock.now(), partition_key,
            len(encoded) + 6 * len(partition_key) + _SIZE_MARGIN, encoded,
        )  # fmt: skip
        for mapping in self.mappings:
            mapping.on_record(shard, record)
        return record

    @checked_arguments
    def put_records(self, records: Iterable[Mapping[str, Any]]) -> list[StreamRecord]:
        """``PutRecords``: up to 500 entries of ``{"data": ..., "partition_key": ...}``
        (``explicit_hash_key`` optional), stored in order."""
        entries = list(records)
        if not 1 <= len(entries) <= MAX_PUT_RECORDS:
            raise StreamConfigError(
                f"put_records takes 1 to {MAX_PUT_RECORDS} records per call, not {len(entries)}"
            )
        stored = []
        for index, entry in enumerate(entries):
            unknown = set(entry) - {"data", "partition_key", "explicit_hash_key"}
            if unknown or "data" not in entry or "partition_key" not in entry:
                raise StreamConfigError(
                    f"put_records[{index}]: an entry has data and partition_key "
                    f"(explicit_hash_key optional); got {sorted(entry)}"
                )
            stored.append(self.put(entry["data"], entry["partition_key"],
                                   entry.get("explicit_hash_key")))  # fmt: skip
        return stored

    def _shard_for(self, partition_key: str, explicit_hash_key: int | None) -> Shard:
        """The shard whose hash-key range holds the record's hash key. Producers reuse a
        handful of partition keys, so the shard of each key is remembered (up to a bound)."""
        if explicit_hash_key is not None:
            return self._shard_at(explicit_hash_key)
        shard = self._shard_of_key.get(partition_key)
        if shard is None:
            if len(self._shard_of_key) >= _KEY_CACHE_SIZE:
                self._shard_of_key.clear()
            shard = self._shard_of_key[partition_key] = self._shard_at(
                partition_hash(partition_key))  # fmt: skip
        return shard

    def _shard_at(self, hash_key: int) -> Shard:
        return self.shards[bisect_right(self._shard_starts, hash_key) - 1]

    def records(self) -> list[StreamRecord]:
        """Every retained record, shard by shard, in sequence order."""
        now = self.harness.clock.now()
        return [r for s in self.shards for r in s.retained(now, self.retention)]

    def subscribe(self, function: Function, **options: Any) -> StreamMapping:
        """An event source mapping from this stream to ``function`` (semantics.md 5)."""
        from ..flows.stream_mapping import StreamMapping

        return StreamMapping(self, function, **options)

    def record_event(self, record: StreamRecord, role_arn: str) -> dict[str, Any]:
        """The record as the mapping's event carries it (shapes.md 3)."""
        return kinesis_record(
            partition_key=record.key, sequence_number=record.sequence, data=record.body,
            arrival_s=record.arrival_ms / 1000, shard_id=record.shard_id, role_arn=role_arn,
            region=self.harness.region, stream_arn=self.arn,
        )  # fmt: skip

    def event_records(self, records: list[StreamRecord], role_arn: str) -> list[dict[str, Any]]:
        """``record_event`` of each record, for a batch: new dicts each time (a handler may
        change its event, and a retry must not see that).

        A failing batch is retried and bisected, so its records go out several times. From a
        record's second send on, its event is made once more, kept in ``record.sent`` (until
        its delivery finishes) and copied for each send, which costs a third of making it. A
        first send makes the record for itself alone: a batch that succeeds at once pays
        nothing for this."""
        events = []
        region, arn = self.harness.region, self.arn
        for r in records:
            sent = r.sent
            if sent is None:  # the first send (False marks a record sent before)
                r.sent = False
                events.append(kinesis_record(
                    partition_key=r.key, sequence_number=r.sequence, data=r.body,
                    arrival_s=r.arrival_ms / 1000, shard_id=r.shard_id, role_arn=role_arn,
                    region=region, stream_arn=arn,
                ))  # fmt: skip
                continue
            if sent is False:
                made = self.record_event(r, role_arn)
                sent = r.sent = (role_arn, made, made["kinesis"])
            role, made, payload = sent
            event = made.copy()
            event["kinesis"] = payload.copy()
            if role is not role_arn:  # another mapping (another function's role) sends it
                event["invokeIdentityArn"] = role_arn
            events.append(event)
        return events

    def filter_view(self, event_record: dict[str, Any]) -> dict[str, Any] | None:
        """The record as filter patterns see it: ``data`` decoded and parsed as JSON (5.10);
        None when the data is not JSON (a JSON data pattern then drops the record)."""
        from ..flows.patterns import loads

        payload = event_record["kinesis"]
        try:
            parsed = loads(base64.b64decode(payload["data"]).decode())
        except ValueError:
            return None
        return {**event_record, "data": parsed}

    def __repr__(self) -> str:
        return f"<KinesisStream {self.name} shards={len(self.shards)}>"


def _split_hash_space(count: int) -> list[Shard]:
    width = (MAX_HASH_KEY + 1) // count
    shards = []
    for index in range(count):
        start = index * width
        end = MAX_HASH_KEY if index == count - 1 else start + width - 1
        shards.append(Shard(f"shardId-{index:012d}", start, end))
    return shards


def partition_hash(partition_key: str) -> int:
    """The 128-bit hash key Kinesis maps a partition key to: MD5 of its UTF-8 bytes."""
    return int.from_bytes(hashlib.md5(partition_key.encode()).digest(), "big")


def _explicit_hash_key(explicit: str | int) -> int:
    try:
        value = int(explicit)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_HASH_KEY:
        raise StreamConfigError(
            f"explicit_hash_key={explicit!r}: ExplicitHashKey is a decimal integer from 0 to "
            "2**128 - 1"
        )
    return value


def _as_bytes(data: Any) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, str):
        return data.encode()
    if isinstance(data, Mapping):
        return json.dumps(data, separators=(",", ":")).encode()
    raise StreamConfigError(
        f"data is bytes, str or a dict (sent as JSON), not {type(data).__name__}"
    )


def _check_record(blob: bytes, partition_key: Any) -> None:
    if not isinstance(partition_key, str) or not 1 <= len(partition_key) <= MAX_PARTITION_KEY:
        raise StreamConfigError(
            f"partition_key={partition_key!r}: PartitionKey is a string of 1 to 256 characters"
        )
    size = len(blob) + len(partition_key.encode())
    if size > MAX_RECORD_BYTES:
        raise StreamConfigError(
            f"the record is {size:,} bytes with its partition key; Kinesis takes at most "
            "1 MiB (1,048,576 bytes) per record"
        )


def _check_name(name: Any) -> None:
    if not isinstance(name, str) or not _NAME.match(name):
        raise StreamConfigError(f"{name!r}: stream names are 1 to 128 of a-z A-Z 0-9 _ . -")


def _check_int(name: str, value: Any, limits: tuple[int, int], aws_name: str) -> None:
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise StreamConfigError(
            f"{name}={value!r} is out of range: {aws_name} is an int from {low:,} to {high:,}"
        )
