"""What Kinesis shards and DynamoDB Streams shards share: an ordered, append-only log of
records with growing sequence numbers and arrival times, trimmed after the retention period
(semantics.md 5.3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass(eq=False)
class StreamRecord:
    """One record in a shard. ``key`` is the partition key (Kinesis) or the item key
    (DynamoDB) that ``ParallelizationFactor`` keeps in order; ``size_hint`` is an upper bound
    of the record's JSON size in an event; ``body`` holds the source's own fields."""

    shard_id: str
    sequence_number: int
    arrival: datetime
    key: str
    size_hint: int
    body: Any

    @property
    def sequence(self) -> str:
        return str(self.sequence_number)


RecordListener = Callable[["Shard", StreamRecord], None]


@dataclass(eq=False)
class Shard:
    """An open shard: its id, its hash-key range (Kinesis) and its records in order."""

    shard_id: str
    starting_hash_key: int = 0
    ending_hash_key: int = 0
    records: list[StreamRecord] = field(default_factory=list)

    def retained(self, now: datetime, retention: timedelta) -> list[StreamRecord]:
        """The records not yet trimmed: younger than the retention period."""
        oldest = now - retention
        return [r for r in self.records if r.arrival > oldest]


def expired(record: StreamRecord, now: datetime, retention: timedelta) -> bool:
    """True once the stream has trimmed the record (its age reached the retention period)."""
    return record.arrival + retention <= now
