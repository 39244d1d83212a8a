"""What Kinesis shards and DynamoDB Streams shards share: an ordered, append-only log of
records with growing sequence numbers and arrival times, trimmed after the retention period
(semantics.md 5.3)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..timefmt import epoch_ms


@dataclass(slots=True, eq=False)  # one per record put; a stream may hold 100,000s
class StreamRecord:
    """One record in a shard. ``key`` is the partition key (Kinesis) or the item key
    (DynamoDB) that ``ParallelizationFactor`` keeps in order; ``size_hint`` is an upper bound
    of the record's JSON size in an event; ``body`` holds the source's own fields: the base64
    data (Kinesis) or the item change (DynamoDB). ``sequence`` and ``arrival_ms`` (epoch
    milliseconds) are kept as events show them, so that retries do not format them again.
    ``sent`` is the source's own: a mark that the record went out, or its event kept while a
    mapping sends it again and again (retries, bisection), to copy rather than make it anew; a
    mapping clears it once the record's delivery has finished."""

    shard_id: str
    sequence: str
    arrival: datetime
    arrival_ms: int
    key: str
    size_hint: int
    body: Any
    sent: Any = None

    @property
    def sequence_number(self) -> int:
        return int(self.sequence)


RecordListener = Callable[["Shard", StreamRecord], None]


@dataclass(eq=False)
class Shard:
    """An open shard: its id, its hash-key range (Kinesis) and its records in order."""

    shard_id: str
    starting_hash_key: int = 0
    ending_hash_key: int = 0
    records: list[StreamRecord] = field(default_factory=list)
    # the last arrival time and its epoch ms: records put at one virtual instant share them
    _stamp: tuple[datetime | None, int] = field(default=(None, 0), init=False, repr=False)

    def append(
        self, sequence: str, arrival: datetime, key: str, size_hint: int, body: Any
    ) -> StreamRecord:
        """Add a record at the end of the shard and return it."""
        when, ms = self._stamp
        if when is not arrival:
            ms = epoch_ms(arrival)
            self._stamp = (arrival, ms)
        record = StreamRecord(self.shard_id, sequence, arrival, ms, key, size_hint, body)
        self.records.append(record)
        return record

    def retained(self, now: datetime, retention: timedelta) -> list[StreamRecord]:
        """The records not yet trimmed: younger than the retention period."""
        oldest = now - retention
        return [r for r in self.records if r.arrival > oldest]


def expired(record: StreamRecord, now: datetime, retention: timedelta) -> bool:
    """True once the stream has trimmed the record (its age reached the retention period)."""
    return record.arrival + retention <= now
