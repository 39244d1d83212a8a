"""Kafka topics in the harness (Amazon MSK or a self-managed cluster) and their event source
mapping (semantics.md 6.1), built on the stream poller: partitions play the part of shards.

A keyed record goes to ``murmur2(key bytes) & 0x7fffffff % partitions``, the Java client's
default partitioner (``Utils.murmur2`` / ``Utils.toPositive``), so keys land where a real
producer would put them; keyless records go round-robin over the partitions (the Java client's
sticky partitioner fills one partition per batch instead: an approximation). Offsets start at 0
and grow by 1 per partition; ``timestamp`` is the virtual clock (``CREATE_TIME``).

The mapping (``topic.subscribe(fn, ...)``) reuses ``StreamMapping``: each partition is read in
order, a failing batch blocks its partition and is retried (7.5 s apart, as for streams) until
it succeeds, its records pass ``max_record_age`` or use up ``max_retry_attempts``, or the topic's
retention (7 days, Kafka's default) drops them. Bisection and partial batch responses work as
for streams. Approximations, AWS does not document these:

* ``batchItemFailures[].itemIdentifier`` for Kafka: ``{"partition": "<topic>-<n>" (or n),
  "offset": <int>}``, as third-party examples write it; a bare offset (int or decimal text) is
  also taken. Anything else fails the whole batch (5.6).
* The on-failure record for SQS and SNS follows the Kafka on-failure page's example:
  ``KafkaBatchInfo`` with ``batchSize``, ``eventSourceArn`` (MSK only), ``bootstrapServers``,
  ``payloadSize`` (the batch event's JSON bytes) and ``recordsInfo`` keyed ``<topic>-<n>`` with
  first/last offsets (text) and timestamps; ``functionArn`` unqualified as for streams. An S3
  destination gets the payload as an object, not as escaped JSON text.
* Polling is continuous: a record is read when it arrives; the batching window (500 ms unless
  set) then decides when the batch goes.
* Not simulated: Kafka-topic on-failure destinations (``kafka://``), filter criteria, consumer
  scaling, provisioned-mode poller counts, committed offsets of an existing consumer group.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventSourceMappingError, StreamConfigError, checked_arguments
from ..flows.stream_mapping import StreamMapping
from ..sources._brokers import as_bytes, b64, java_bytes
from ..sources.kafka import kafka_record
from ..timefmt import iso_ms_z
from .streams import Shard, StreamRecord

if TYPE_CHECKING:
    from collections.abc import Callable

    from . import Harness
    from .function import Function

MAX_PARTITIONS = 1_000  # a harness bound; Kafka itself has none per topic
MAX_RECORD_BYTES = 1_048_588  # the broker's default message.max.bytes
MAX_CONSUMER_GROUP_ID = 200
DEFAULT_BATCHING_WINDOW_S = 0.5  # 500 ms until set; whole seconds once set (6.1)
RETRIES_WITH_DESTINATION = 10  # infinite retries + an on-failure destination (6.1)
RETENTION = timedelta(days=7)  # Kafka's default log.retention.hours = 168
_TOPIC = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")
_CLUSTER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")
_SIZE_MARGIN = 512  # the record's fixed fields stay under this many bytes


def murmur2(data: bytes) -> int:
    """Kafka's ``Utils.murmur2`` (32-bit, seed 0x9747b28c), as a signed Java int."""
    m, length = 0x5BD1E995, len(data)
    h = (0x9747B28C ^ length) & 0xFFFFFFFF
    tail = length & ~3
    for i in range(0, tail, 4):
        k = int.from_bytes(data[i : i + 4], "little")
        k = (k * m) & 0xFFFFFFFF
        k ^= k >> 24
        k = (k * m) & 0xFFFFFFFF
        h = ((h * m) & 0xFFFFFFFF) ^ k
    rest = length & 3
    if rest == 3:
        h ^= data[tail + 2] << 16
    if rest >= 2:
        h ^= data[tail + 1] << 8
    if rest >= 1:
        h ^= data[tail]
        h = (h * m) & 0xFFFFFFFF
    h ^= h >> 13
    h = (h * m) & 0xFFFFFFFF
    h ^= h >> 15
    return h - (1 << 32) if h & 0x80000000 else h


def partition_for_key(key: bytes, partitions: int) -> int:
    """The Java client's default partitioner for a keyed record."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


class KafkaTopic:
    """``h.kafka_topic(name, partitions=1, cluster=None, self_managed=False)``: ``send`` and
    ``subscribe(fn, ...)``. MSK (``eventSource: "aws:kafka"``, a cluster ARN) unless
    ``self_managed`` (``"SelfManagedKafka"``, brokers only)."""

    batch_info_key = "KafkaBatchInfo"
    poll_interval = timedelta(0)  # Kafka consumers poll continuously (approximation)
    retention = RETENTION

    def __init__(
        self,
        harness: Harness,
        name: str,
        *,
        partitions: int = 1,
        cluster: str | None = None,
        self_managed: bool = False,
    ) -> None:
        if not isinstance(name, str) or not _TOPIC.match(name) or name in (".", ".."):
            raise StreamConfigError(
                f"{name!r} is not a Kafka topic name: 1 to 249 of a-z A-Z 0-9 . _ -"
            )
        if isinstance(partitions, bool) or not isinstance(partitions, int) or not (
                1 <= partitions <= MAX_PARTITIONS):  # fmt: skip
            raise StreamConfigError(
                f"partitions={partitions!r} is out of range: an int from 1 to {MAX_PARTITIONS:,}"
            )
        if not isinstance(self_managed, bool):
            raise StreamConfigError(f"self_managed is True or False, not {self_managed!r}")
        cluster = cluster if cluster is not None else ("kafka" if self_managed else "msk-cluster")
        if not isinstance(cluster, str) or not _CLUSTER.match(cluster):
            raise StreamConfigError(
                f"cluster={cluster!r}: a cluster name is 1 to 64 letters, digits and '-', "
                "starting with a letter or digit"
            )
        self.harness = harness
        self.name = name
        self.cluster = cluster
        self.self_managed = self_managed
        self.source = "kafka" if self_managed else "msk"  # the catalogue's source ids
        self.event_source = "SelfManagedKafka" if self_managed else "aws:kafka"
        self.arn, self.bootstrap_servers = _cluster(harness, cluster, self_managed)
        self.shards = [Shard(f"{name}-{p}") for p in range(partitions)]
        self.mappings: list[StreamMapping] = []
        self._next_offset = [0] * partitions
        self._round_robin = 0

    @property
    def partitions(self) -> int:
        return len(self.shards)

    @property
    def source_arn(self) -> str:
        """The MSK cluster ARN ("" for a self-managed cluster, which has none)."""
        return self.arn or ""

    @checked_arguments
    def send(
        self,
        value: bytes | str | Mapping[str, Any] | None,
        key: bytes | str | None = None,
        headers: Mapping[str, str | bytes] | Sequence[tuple[str, str | bytes]] | None = None,
        partition: int | None = None,
    ) -> StreamRecord:
        """Produce one record and return it (``shard_id`` is ``<topic>-<partition>``,
        ``sequence`` the offset as text). ``value``: bytes, text, a dict (sent as JSON) or None
        (a tombstone)."""
        raw_value = None if value is None else as_bytes(value)
        raw_key = None if key is None else _key_bytes(key)
        pairs = _headers(headers)
        size = len(raw_value or b"") + len(raw_key or b"") + sum(
            len(n) + len(v) for n, v in pairs)  # fmt: skip
        if size > MAX_RECORD_BYTES:
            raise StreamConfigError(
                f"the record is {size:,} bytes with its key and headers; the broker takes at "
                f"most {MAX_RECORD_BYTES:,} (message.max.bytes)"
            )
        number = self._partition(raw_key, partition)
        shard = self.shards[number]
        offset = self._next_offset[number]
        self._next_offset[number] = offset + 1
        key_b64 = None if raw_key is None else b64(raw_key)
        value_b64 = None if raw_value is None else b64(raw_value)
        header_ints = [(n, java_bytes(v)) for n, v in pairs]
        hint = (len(value_b64 or "") + len(key_b64 or "") + _SIZE_MARGIN
                + sum(len(n) + 5 * len(v) for n, v in pairs))  # fmt: skip
        record = shard.append(
            str(offset), self.harness.clock.now(), "" if raw_key is None else raw_key.hex(),
            hint, (number, key_b64, value_b64, header_ints),
        )  # fmt: skip
        for mapping in self.mappings:
            mapping.on_record(shard, record)
        return record

    def _partition(self, key: bytes | None, partition: int | None) -> int:
        if partition is not None:
            if isinstance(partition, bool) or not isinstance(partition, int) or not (
                    0 <= partition < self.partitions):  # fmt: skip
                raise StreamConfigError(
                    f"partition={partition!r}: topic {self.name} has partitions 0 to "
                    f"{self.partitions - 1}"
                )
            return partition
        if key is not None:
            return partition_for_key(key, self.partitions)
        number = self._round_robin
        self._round_robin = (number + 1) % self.partitions
        return number

    def records(self) -> list[StreamRecord]:
        """Every retained record, partition by partition, in offset order."""
        now = self.harness.clock.now()
        return [r for s in self.shards for r in s.retained(now, self.retention)]

    @checked_arguments
    def subscribe(
        self,
        function: Function,
        *,
        batch_size: int = 100,
        batching_window: int | None = None,
        starting_position: str = "TRIM_HORIZON",
        starting_position_timestamp: datetime | None = None,
        max_retry_attempts: int = -1,
        max_record_age: int = -1,
        bisect_batch_on_function_error: bool = False,
        report_batch_item_failures: bool = False,
        on_failure: Any = None,
        consumer_group_id: str | None = None,
    ) -> KafkaMapping:
        """A Kafka event source mapping from this topic to ``function`` (semantics.md 6.1).
        ``batching_window=None`` keeps the 500 ms default; set, it is whole seconds 0 to 300."""
        return KafkaMapping(
            self, function, batch_size=batch_size, batching_window=batching_window,
            starting_position=starting_position,
            starting_position_timestamp=starting_position_timestamp,
            max_retry_attempts=max_retry_attempts, max_record_age=max_record_age,
            bisect_batch_on_function_error=bisect_batch_on_function_error,
            report_batch_item_failures=report_batch_item_failures, on_failure=on_failure,
            consumer_group_id=consumer_group_id,
        )  # fmt: skip

    # --- the poller's view -----------------------------------------------------------------
    def record_event(self, record: StreamRecord, role_arn: str) -> dict[str, Any]:
        """The record as the batch carries it (shapes.md 27)."""
        number, key_b64, value_b64, header_ints = record.body
        return kafka_record(
            topic=self.name, partition=number, offset=int(record.sequence),
            timestamp_ms=record.arrival_ms, timestamp_type="CREATE_TIME", key=key_b64,
            value=value_b64, headers=[{n: list(v)} for n, v in header_ints],
        )  # fmt: skip

    def event_records(self, records: list[StreamRecord], role_arn: str) -> list[dict[str, Any]]:
        return [self.record_event(r, role_arn) for r in records]

    def batch_event(self, records: list[StreamRecord], role_arn: str) -> dict[str, Any]:
        """The invoke payload: records grouped by ``<topic>-<partition>``."""
        grouped: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            grouped.setdefault(record.shard_id, []).append(self.record_event(record, role_arn))
        event: dict[str, Any] = {"eventSource": self.event_source}
        if self.arn is not None:
            event["eventSourceArn"] = self.arn
        event["bootstrapServers"] = self.bootstrap_servers
        event["records"] = grouped
        return event

    def filter_view(self, event_record: dict[str, Any]) -> dict[str, Any] | None:
        return event_record  # filter criteria are not simulated for Kafka yet

    def __repr__(self) -> str:
        kind = "self-managed" if self.self_managed else "MSK"
        return f"<KafkaTopic {self.name} partitions={self.partitions} {kind} {self.cluster}>"


class KafkaMapping(StreamMapping):
    """``topic.subscribe(fn, ...)``: a ``StreamMapping`` whose shards are partitions, with
    Kafka's event, defaults, item identifiers and failure record (module docstring)."""

    source: KafkaTopic

    def __init__(
        self,
        topic: KafkaTopic,
        function: Function,
        *,
        batch_size: int,
        batching_window: int | None,
        starting_position: str,
        starting_position_timestamp: datetime | None,
        max_retry_attempts: int,
        max_record_age: int,
        bisect_batch_on_function_error: bool,
        report_batch_item_failures: bool,
        on_failure: Any,
        consumer_group_id: str | None,
    ) -> None:
        if batching_window is not None and (
                isinstance(batching_window, bool) or not isinstance(batching_window, int)
                or not 0 <= batching_window <= 300):  # fmt: skip
            raise EventSourceMappingError(
                f"batching_window={batching_window!r}: MaximumBatchingWindowInSeconds for Kafka "
                "is whole seconds from 0 to 300 (None keeps the 500 ms default)"
            )
        if isinstance(on_failure, KafkaTopic):
            raise EventSourceMappingError(
                "on_failure: a Kafka topic destination (kafka://) is not simulated; use an SQS "
                "queue, SNS topic or S3 bucket"
            )
        group = _check_consumer_group(topic.harness, consumer_group_id)
        super().__init__(
            topic, function, batch_size=batch_size, batching_window=batching_window or 0,
            starting_position=starting_position,
            starting_position_timestamp=starting_position_timestamp,
            max_retry_attempts=max_retry_attempts, max_record_age=max_record_age,
            bisect_batch_on_function_error=bisect_batch_on_function_error,
            report_batch_item_failures=report_batch_item_failures, on_failure=on_failure,
        )  # fmt: skip
        self.batching_window = (
            DEFAULT_BATCHING_WINDOW_S if batching_window is None else batching_window
        )
        if max_retry_attempts == -1 and on_failure is not None:
            self.max_retry_attempts = RETRIES_WITH_DESTINATION  # 6.1
        self.consumer_group_id = group if group is not None else self.uuid
        topic.harness._names["kafka consumer group", self.consumer_group_id] = self

    def _event(self, records: list[StreamRecord]) -> dict[str, Any]:
        return self.source.batch_event(records, self.role_arn)

    def _position_of(self, records: list[StreamRecord]) -> Callable[[Any], int | None]:
        index = {r.sequence: i for i, r in enumerate(records)}
        shard_id = records[0].shard_id if records else ""
        number = shard_id.rpartition("-")[2]

        def find(identifier: Any) -> int | None:
            if isinstance(identifier, Mapping):
                where = identifier.get("partition")
                if str(where) not in (shard_id, number) or isinstance(where, bool):
                    return None
                identifier = identifier.get("offset")
            if isinstance(identifier, bool) or not isinstance(identifier, int | str):
                return None
            return index.get(str(identifier))

        return find

    def _batch_info(self, records: list[StreamRecord]) -> dict[str, Any]:
        info: dict[str, Any] = {"batchSize": len(records)}
        if self.source.arn is not None:
            info["eventSourceArn"] = self.source.arn
        info["bootstrapServers"] = self.source.bootstrap_servers
        info["payloadSize"] = len(json.dumps(self._event(records)).encode())
        ranges: dict[str, list[StreamRecord]] = {}
        for record in records:
            ranges.setdefault(record.shard_id, []).append(record)
        info["recordsInfo"] = {
            shard_id: {
                "firstRecordOffset": run[0].sequence,
                "lastRecordOffset": run[-1].sequence,
                "firstRecordTimestamp": iso_ms_z(run[0].arrival),
                "lastRecordTimestamp": iso_ms_z(run[-1].arrival),
            }
            for shard_id, run in ranges.items()
        }
        return info

    def __repr__(self) -> str:
        return f"<KafkaMapping {self.uuid} {self.source.name} -> {self.function.name}>"


def _key_bytes(key: Any) -> bytes:
    if isinstance(key, bytes):
        return key
    if isinstance(key, str):
        return key.encode()
    raise StreamConfigError(f"key is bytes, str or None, not {type(key).__name__}")


def _headers(headers: Any) -> list[tuple[str, bytes]]:
    if headers is None:
        return []
    items = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)
                and isinstance(item[1], str | bytes)):  # fmt: skip
            raise StreamConfigError(
                f"headers: {item!r}: give {{name: str|bytes}} or a list of (name, value) pairs"
            )
        out.append((item[0], as_bytes(item[1])))
    return out


def _cluster(harness: Harness, name: str, self_managed: bool) -> tuple[str | None, str]:
    """The cluster's ARN (MSK only) and bootstrap servers, shared by its topics."""
    known = harness._names.get(("kafka cluster", name))
    if known is not None:
        if known[2] != self_managed:
            raise StreamConfigError(
                f"cluster {name!r} is {'self-managed' if known[2] else 'MSK'} already"
            )
        return known[0], known[1]
    rng = harness.rng
    if self_managed:
        arn = None
        servers = ",".join(f"{name}-{i}.example.internal:9092" for i in (1, 2, 3))
    else:
        arn = aws.arn(harness.partition, "kafka", harness.region, harness.account_id,
                      f"cluster/{name}/{aws.uuid4(rng)}-{1 + int(rng.random() * 25)}")  # fmt: skip
        cell = aws.chars(rng, 6, aws.LOWER_DIGITS)
        suffix = "amazonaws.com.cn" if harness.partition == "aws-cn" else "amazonaws.com"
        servers = ",".join(f"b-{i}.{name.lower()}.{cell}.c2.kafka.{harness.region}.{suffix}:9098"
                           for i in (1, 2, 3))  # fmt: skip
    harness._names["kafka cluster", name] = (arn, servers, self_managed)
    return arn, servers


def _check_consumer_group(harness: Harness, group: Any) -> str | None:
    if group is None:
        return None
    if not isinstance(group, str) or not 1 <= len(group) <= MAX_CONSUMER_GROUP_ID:
        raise EventSourceMappingError(
            f"consumer_group_id={group!r}: ConsumerGroupId is a string of 1 to "
            f"{MAX_CONSUMER_GROUP_ID} characters"
        )
    if ("kafka consumer group", group) in harness._names:
        raise EventSourceMappingError(
            f"consumer_group_id={group!r}: ConsumerGroupId must be unique across Kafka event "
            "source mappings; another mapping uses it"
        )
    return group
