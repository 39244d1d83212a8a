"""The Kinesis and DynamoDB Streams event source mapping: one poller for both
(semantics.md section 5).

Each shard is read in order. A failing batch blocks its shard and is retried until it succeeds,
its records expire from the stream, pass ``max_record_age`` (``RecordAgeExceeded``, 5.4) or use
up ``max_retry_attempts`` (``RetryAttemptsExhausted``); then the on-failure destination gets
AWS's record (``KinesisBatchInfo`` / ``DDBStreamBatchInfo``, 5.9) and the shard moves on. A
partial batch response checkpoints at the lowest reported sequence number and retries from
there (5.6); bisection splits a failing batch without using the retry quota (5.5); tumbling
windows carry ``state`` per shard and end with a final invoke (5.8).

Approximations (AWS does not document these; the closest documented behaviour is used):

* Retry spacing: a failed batch is retried 7.5 s later, which reproduces the 8 invokes AWS made
  in 60 s of maximum record age (5.3). A bisected half is invoked at once.
* Bisection (5.5): a failing batch of more than one record is split into halves, left half
  first, recursively down to single records; a split does not count, and each half starts its
  own retry count (``approximateInvokeCount`` is the count of the batch that ran out).
* Parallelization factor (5.7): each shard has ``parallelization_factor`` lanes; a record goes
  to lane ``MD5(partition key or item key) mod factor``. Lanes block and retry independently,
  so order holds per key. Tumbling-window state is kept per lane (per shard with factor 1).
* Polling: a shard is polled one poll interval (1 s Kinesis, 0.25 s DynamoDB) after a record
  arrives, and at once again while it has a backlog; a record's delivery opens when a poll
  reads it. A batching window closes that many seconds after the oldest waiting record
  arrived.
* Records that expire from the stream (retention) are dropped as ``expired`` with no
  on-failure record: Lambda can no longer read them.
* Tumbling windows: the final invoke carries no records; a response state over 1 MB ends the
  window at once with ``isWindowTerminatedEarly``, and the window's later records start a new
  state. When the final invoke runs out of retries, the window's state is dropped.
* An identifier in ``batchItemFailures`` that is not in the batch fails the whole batch, as
  LocalStack does (5.6, UNCONFIRMED).
* The 6 MB payload counts the event as ``json.dumps`` writes it.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import islice
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .. import aws
from ..errors import EventSourceMappingError, checked_arguments
from ..ledger import Delivery, Invocation
from ..sources._streams import window_event_fields
from ..timefmt import iso_ms_z, iso_z
from .sqs_mapping import check_subscriber, compile_filter_criteria

if TYPE_CHECKING:
    from ..world.function import Function
    from ..world.streams import Shard, StreamRecord

MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW_S = 300
MAX_RETRY_ATTEMPTS = 10_000
RECORD_AGE_S = (60, 604_800)
MAX_PARALLELIZATION = 10
MAX_TUMBLING_WINDOW_S = 900
MAX_PAYLOAD_BYTES = 6_291_456  # 6 MB (8.1)
MAX_STATE_BYTES = 1024 * 1024  # tumbling-window state (5.8)
RETRY_DELAY = timedelta(seconds=7.5)  # approximation (5.3)
STARTING_POSITIONS = ("TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
_ENVELOPE_BYTES = len('{"Records": []}')
_WINDOW_FIELDS_BYTES = 400


class StreamSource(Protocol):
    """A Kinesis stream or a DynamoDB table's stream, as the poller reads it."""

    source: str
    batch_info_key: str
    poll_interval: timedelta
    name: str
    shards: list[Shard]
    mappings: list[StreamMapping]

    @property
    def harness(self) -> Any: ...
    @property
    def source_arn(self) -> str: ...
    @property
    def retention(self) -> timedelta: ...
    def record_event(self, record: StreamRecord, role_arn: str) -> dict[str, Any]: ...
    def event_records(self, records: list[StreamRecord], role_arn: str) -> list[dict[str, Any]]: ...
    def filter_view(self, event_record: dict[str, Any]) -> dict[str, Any] | None: ...


@dataclass(slots=True, eq=False)  # bisection makes two per failing batch
class _Batch:
    """Records invoked together and retried together, held by their deliveries (each
    delivery's ``item`` is its record); ``attempts`` counts the failed invokes that use the
    retry quota. A final tumbling-window invoke has no records."""

    deliveries: list[Delivery]
    attempts: int = 0
    final: bool = False

    @property
    def records(self) -> list[StreamRecord]:
        return [d.item for d in self.deliveries]


@dataclass(eq=False)
class _Lane:
    """One ordered lane of a shard (a shard has ``parallelization_factor`` lanes)."""

    shard: Shard
    unread: list[StreamRecord] = field(default_factory=list)  # arrived since the last poll
    # the deliveries of records read, not yet in a batch (batches hold deliveries too: a
    # record -> delivery map was the costliest lookup of a retry, on 100,000 records)
    queue: deque[Delivery] = field(default_factory=deque)
    work: list[_Batch] = field(default_factory=list)  # the batch being retried is last
    busy: bool = False  # an invocation in flight, or waiting to retry
    wakes: list[datetime] = field(default_factory=list)  # in time order
    window: tuple[int, int] | None = None  # the open tumbling window [start, end) in epoch s
    state: Any = field(default_factory=dict)
    terminated_early: bool = False


class _Outcome(NamedTuple):  # one per invoke: a tuple builds faster than a frozen dataclass
    """``failed_at`` is None on success, 0 when the whole batch failed, else the index of the
    lowest reported record (5.6)."""

    failed_at: int | None
    function_error: str | None = None
    reason: str | None = None
    state: Any = None


class StreamMapping:
    """``stream.subscribe(fn, ...)`` / ``table.subscribe(fn, ...)``.

    ``deliveries`` holds one ``Delivery`` per record the mapping read (polls read what
    arrived since the last one, the first a poll interval after it arrived): ``succeeded``,
    ``failed`` (``RetryAttemptsExhausted`` or ``RecordAgeExceeded``, also sent to
    ``on_failure``), ``filtered``, ``expired`` (trimmed by the stream's retention) or
    ``pending``. ``invocations`` holds every invocation in order; ``failure_records`` every
    on-failure record sent.
    """

    @checked_arguments
    def __init__(
        self,
        source: StreamSource,
        function: Function,
        *,
        batch_size: int = 100,
        batching_window: int = 0,
        starting_position: str = "TRIM_HORIZON",
        starting_position_timestamp: datetime | None = None,
        max_retry_attempts: int = -1,
        max_record_age: int = -1,
        bisect_batch_on_function_error: bool = False,
        report_batch_item_failures: bool = False,
        parallelization_factor: int = 1,
        tumbling_window: int = 0,
        filter_criteria: Mapping[str, Any] | Sequence[Mapping[str, Any] | str] | None = None,
        on_failure: Any = None,
    ) -> None:
        check_subscriber(source, function, "stream")
        _check_int("batch_size", batch_size, 1, MAX_BATCH_SIZE, "BatchSize")
        _check_int("batching_window", batching_window, 0, MAX_BATCHING_WINDOW_S,
                   "MaximumBatchingWindowInSeconds")  # fmt: skip
        _check_optional("max_retry_attempts", max_retry_attempts, 0, MAX_RETRY_ATTEMPTS,
                        "MaximumRetryAttempts")  # fmt: skip
        _check_optional("max_record_age", max_record_age, *RECORD_AGE_S,
                        "MaximumRecordAgeInSeconds")  # fmt: skip
        _check_int("parallelization_factor", parallelization_factor, 1, MAX_PARALLELIZATION,
                   "ParallelizationFactor")  # fmt: skip
        _check_int("tumbling_window", tumbling_window, 0, MAX_TUMBLING_WINDOW_S,
                   "TumblingWindowInSeconds")  # fmt: skip
        for name, flag in (("bisect_batch_on_function_error", bisect_batch_on_function_error),
                           ("report_batch_item_failures", report_batch_item_failures)):  # fmt: skip
            if not isinstance(flag, bool):
                raise EventSourceMappingError(f"{name} is True or False, not {flag!r}")
        self.source = source
        self.function = function
        self.harness = source.harness
        self.batch_size = batch_size
        self.batching_window: float = batching_window  # Kafka: 0.5 s by default
        self.starting_position = starting_position
        self.max_retry_attempts = max_retry_attempts
        self.max_record_age = max_record_age
        self.bisect_batch_on_function_error = bisect_batch_on_function_error
        self.report_batch_item_failures = report_batch_item_failures
        self.parallelization_factor = parallelization_factor
        self.tumbling_window = tumbling_window
        self.filters = compile_filter_criteria(filter_criteria)
        self.on_failure = _check_destination(on_failure)
        self.uuid = aws.uuid4(self.harness.rng)
        self.flow = f"{source.source}:{source.name}->{function.name}"
        self.role_arn = aws.arn(self.harness.partition, "iam", "", self.harness.account_id,
                                f"role/{function.name}-role")  # fmt: skip
        self.deliveries: list[Delivery] = []
        self.invocations: list[Invocation] = []
        self.failure_records: list[dict[str, Any]] = []
        self._lanes: dict[tuple[str, int], _Lane] = {}
        since = _starting_point(source, starting_position, starting_position_timestamp)
        source.mappings.append(self)
        for shard in source.shards:
            for record in shard.retained(self.harness.clock.now(), source.retention):
                if since is not None and record.arrival >= since:
                    self.on_record(shard, record)

    @property
    def state(self) -> str:
        return "Enabled"

    @property
    def function_response_types(self) -> list[str]:
        return ["ReportBatchItemFailures"] if self.report_batch_item_failures else []

    # --- reading records -----------------------------------------------------------------
    def on_record(self, shard: Shard, record: StreamRecord) -> None:
        """The stream got ``record``: its lane polls within a poll interval and reads it."""
        lane = self._lane(shard, record.key)
        lane.unread.append(record)
        if len(lane.unread) == 1:  # else the wake for the first unread record is still due
            self._wake(lane, self.harness.clock.now() + self.source.poll_interval)

    def _read(self, lane: _Lane) -> None:
        """A poll reads what arrived: each record gets its delivery, and those no filter
        matches are passed over (5.10). Opening deliveries here, as Lambda reads, rather than
        as records arrive also keeps them out of the cyclic collector's way while a test puts
        records (it is paused in ``run()``)."""
        if not lane.unread:
            return
        flow = self.flow
        read = [Delivery(flow, record, enqueued_at=record.arrival) for record in lane.unread]
        lane.unread.clear()
        self.deliveries += read
        self.harness.ledger.open_deliveries(read)
        if self.filters:
            read = self._filter(read)
        lane.queue += read

    def _filter(self, read: list[Delivery]) -> list[Delivery]:
        now = self.harness.clock.now()
        why = "no filter matched; the iterator moved past it (5.10)"
        kept = []
        for delivery in read:
            if self._matches(delivery.item):
                kept.append(delivery)
            else:
                delivery.finish("filtered", "Filtered", now, reason=why)
        return kept

    def _lane(self, shard: Shard, key: str) -> _Lane:
        index = 0
        if self.parallelization_factor > 1:
            digest = hashlib.md5(key.encode()).digest()
            index = int.from_bytes(digest, "big") % self.parallelization_factor
        lane = self._lanes.get((shard.shard_id, index))
        if lane is None:
            lane = self._lanes[shard.shard_id, index] = _Lane(shard)
        return lane

    def _matches(self, record: StreamRecord) -> bool:
        view = self.source.filter_view(self.source.record_event(record, self.role_arn))
        for pattern in self.filters:
            data_rule = pattern.source.get("data")
            if view is None and isinstance(data_rule, Mapping):
                continue  # a JSON data pattern drops a record whose data is not JSON
            if pattern.matches(view or {}):
                return True
        return False

    # --- polling -------------------------------------------------------------------------
    def _wake(self, lane: _Lane, when: datetime) -> None:
        wakes = lane.wakes  # in time order
        if wakes and wakes[0] <= when:  # the lane is polled by then anyway
            return
        wakes.insert(0, when)
        self.harness.agenda.at(when, self.flow, partial(self._on_wake, lane, when))

    def _on_wake(self, lane: _Lane, when: datetime) -> None:
        lane.wakes.remove(when)
        self._read(lane)  # also while the lane is busy: those records wait as pending
        self._drive(lane)

    def _drive(self, lane: _Lane) -> None:
        """Invoke this lane's batches in order until it is empty, waits, or is in flight."""
        while not lane.busy:
            now = self.harness.clock.now()
            batch = lane.work[-1] if lane.work else self._next_batch(lane, now)
            if batch is None:
                return
            if not batch.final and not self._drop_old(lane, batch, now):
                continue
            self._invoke(lane, batch, now)

    def _next_batch(self, lane: _Lane, now: datetime) -> _Batch | None:
        self._read(lane)
        self._drop_expired(lane, now)
        final = self._final_invoke(lane, now)
        if final is not None or not lane.queue:
            return final
        taken = self._take(lane)
        closes = lane.queue[0].item.arrival + timedelta(seconds=self.batching_window)
        if self.batching_window and len(taken) == len(lane.queue) and now < closes and len(
                taken) < self.batch_size:  # fmt: skip
            self._wake(lane, closes)
            return None
        for _ in taken:
            lane.queue.popleft()
        if self.tumbling_window and lane.window is None:
            lane.window = self._window_of(taken[0].item)
        batch = _Batch(taken)
        lane.work.append(batch)
        return batch

    def _take(self, lane: _Lane) -> list[Delivery]:
        """The queue's first records up to ``batch_size``, 6 MB and (with tumbling windows)
        the first record's window. Sizes are upper bounds until near the limit; then the
        records are measured."""
        limit = MAX_PAYLOAD_BYTES - (_WINDOW_FIELDS_BYTES if self.tumbling_window else 0)
        if not self.tumbling_window:  # the common case: a full batch well under 6 MB
            batch = list(islice(lane.queue, self.batch_size))
            if _ENVELOPE_BYTES + sum([d.item.size_hint for d in batch]) <= limit:
                return batch
        batch = []
        total, exact = _ENVELOPE_BYTES, False
        window = self._window_of(lane.queue[0].item) if self.tumbling_window else None
        for delivery in lane.queue:
            record = delivery.item
            if len(batch) >= self.batch_size or (window and self._window_of(record) != window):
                break
            size = record.size_hint
            if not exact and total + size > limit:
                exact = True
                total = _ENVELOPE_BYTES + sum(self._exact_size(d.item) for d in batch)
            if exact:
                size = self._exact_size(record)
            if batch and total + size > limit:
                break
            batch.append(delivery)
            total += size
        return batch

    def _exact_size(self, record: StreamRecord) -> int:
        return len(json.dumps(self.source.record_event(record, self.role_arn))) + 2

    # --- records too old or gone ---------------------------------------------------------
    def _drop_expired(self, lane: _Lane, now: datetime) -> None:
        retention = self.source.retention
        while lane.queue and lane.queue[0].item.arrival + retention <= now:
            self._expire(lane.queue.popleft(), now)

    def _drop_old(self, lane: _Lane, batch: _Batch, now: datetime) -> bool:
        """Before an invoke: drop the batch's records the stream trimmed, and send those older
        than ``max_record_age`` to the destination unsent (5.4). False if none are left."""
        retention = self.source.retention
        deliveries = batch.deliveries
        while deliveries and deliveries[0].item.arrival + retention <= now:
            self._expire(deliveries.pop(0), now)
        if self.max_record_age != -1:
            oldest = now - timedelta(seconds=self.max_record_age)
            aged = [d for d in deliveries if d.item.arrival < oldest]
            if aged:
                del deliveries[: len(aged)]
                self._fail(lane, aged, "RecordAgeExceeded", max(1, batch.attempts), None)
        if not deliveries:
            lane.work.remove(batch)
            return False
        return True

    def _expire(self, delivery: Delivery, now: datetime) -> None:
        hours = self.source.retention.total_seconds() / 3600
        delivery.finish(
            "expired", "RecordExpired", now,
            reason=f"the stream trimmed it after its {hours:g} h retention period (5.3)",
        )  # fmt: skip
        delivery.item.sent = None

    # --- invoking ------------------------------------------------------------------------
    def _invoke(self, lane: _Lane, batch: _Batch, now: datetime) -> None:
        event = self._event(batch.records)
        if self.tumbling_window:
            event.update(self._window_fields(lane, batch))
        invocation = self.function.invoke_for_mapping(event)
        invocation.source = self.source.source
        self.invocations.append(invocation)
        for delivery in batch.deliveries:
            delivery.invocations.append(invocation)
        outcome = self._outcome(invocation, batch)
        clock = self.harness.clock
        end = clock.now()
        if end > now:  # the handler took virtual time: the lane settles when it returns
            clock.rewind(now)
            lane.busy = True
            later = partial(self._settle_later, lane, batch, invocation, outcome)
            self.harness.agenda.at(end, self.flow, later)
        else:
            self._settle(lane, batch, invocation, outcome)

    def _event(self, records: list[StreamRecord]) -> dict[str, Any]:
        """The invoke payload of a batch (a Kafka mapping groups its records by partition)."""
        return {"Records": self.source.event_records(records, self.role_arn)}

    def _settle_later(
        self, lane: _Lane, batch: _Batch, invocation: Invocation, outcome: _Outcome
    ) -> None:
        lane.busy = False
        self._settle(lane, batch, invocation, outcome)
        self._drive(lane)

    def _outcome(self, invocation: Invocation, batch: _Batch) -> _Outcome:
        if invocation.error is not None:
            error = invocation.error
            return _Outcome(0, "Unhandled", f"{error.type}: {error.message}")
        response = invocation.response
        state = None
        if self.tumbling_window:
            if not isinstance(response, Mapping) or "state" not in response:
                return _Outcome(0, None, "a tumbling-window response must contain state (5.8)")
            state = response["state"]
        if not self.report_batch_item_failures:
            return _Outcome(None, state=state)
        failed_at, problem = _lowest_failure(response, batch.records, self._position_of)
        if problem is not None:
            return _Outcome(0, None, f"invalid partial batch response: {problem} (5.6)")
        return _Outcome(failed_at, None, None if failed_at is None else
                        "reported in batchItemFailures", state)  # fmt: skip

    def _position_of(self, records: list[StreamRecord]) -> Callable[[Any], int | None]:
        """How a ``batchItemFailures`` identifier finds its record's index (None: not one of
        the batch): the sequence number, as a string (5.6)."""
        index = {r.sequence: i for i, r in enumerate(records)}
        return lambda identifier: index.get(identifier) if isinstance(identifier, str) else None

    # --- settling ------------------------------------------------------------------------
    def _settle(
        self, lane: _Lane, batch: _Batch, invocation: Invocation, outcome: _Outcome
    ) -> None:
        now = self.harness.clock.now()
        failed_at = outcome.failed_at
        if self.tumbling_window and (failed_at is None or failed_at > 0):
            self._keep_state(lane, batch, outcome.state)
        deliveries = batch.deliveries
        if failed_at is None:
            self._succeed(deliveries, now)
            lane.work.remove(batch)
            return
        self._succeed(deliveries[:failed_at], now)
        del deliveries[:failed_at]
        if outcome.reason is not None:
            for delivery in deliveries:
                delivery.reason = outcome.reason
        if failed_at == 0 and self.bisect_batch_on_function_error and len(deliveries) > 1:
            lane.work.remove(batch)  # splitting does not count toward the retry quota (5.5)
            half = (len(deliveries) + 1) // 2
            lane.work += [_Batch(deliveries[half:]), _Batch(deliveries[:half])]
            return
        batch.attempts += 1
        if self.max_retry_attempts != -1 and batch.attempts > self.max_retry_attempts:
            lane.work.remove(batch)
            if batch.final:
                self._close_window(lane)
            else:
                self._fail(lane, deliveries, "RetryAttemptsExhausted", batch.attempts,
                           outcome.function_error, invocation)  # fmt: skip
            return
        self._wait(lane, now + RETRY_DELAY)

    def _wait(self, lane: _Lane, until: datetime) -> None:
        lane.busy = True
        self.harness.agenda.at(until, self.flow, partial(self._retry, lane))

    def _retry(self, lane: _Lane) -> None:
        lane.busy = False
        self._drive(lane)

    def _succeed(self, deliveries: list[Delivery], now: datetime) -> None:
        """``finish`` of each delivery, inline (it runs once per record), and the record's
        kept event is let go: this mapping does not send it again."""
        for delivery in deliveries:
            delivery.status, delivery.condition, delivery.finished_at = "succeeded", "Success", now
            delivery.item.sent = None

    def _fail(
        self,
        lane: _Lane,
        deliveries: list[Delivery],
        condition: str,
        count: int,
        function_error: str | None,
        invocation: Invocation | None = None,
    ) -> None:
        """Discard the records, send AWS's on-failure record, and move on (5.3, 5.9)."""
        now = self.harness.clock.now()
        for delivery in deliveries:
            delivery.finish("failed", condition, now)
            delivery.item.sent = None
        records = [d.item for d in deliveries]
        sent = self._failure_record(records, condition, count, function_error, invocation)
        self.failure_records.append(sent)
        if self.on_failure is not None:
            self._send(lane, records, sent)

    def _failure_record(
        self,
        records: list[StreamRecord],
        condition: str,
        count: int,
        function_error: str | None,
        invocation: Invocation | None,
    ) -> dict[str, Any]:
        request_id = invocation.request_id if invocation else self.harness.new_request_id()
        out: dict[str, Any] = {"requestContext": {
            "requestId": request_id, "functionArn": self.function.arn,
            "condition": condition, "approximateInvokeCount": count,
        }}  # fmt: skip
        if condition != "RecordAgeExceeded":
            out["responseContext"] = {"statusCode": 200, "executedVersion": "$LATEST",
                                      "functionError": function_error}  # fmt: skip
        out["version"] = "1.0"
        out["timestamp"] = iso_ms_z(self.harness.clock.now())
        out[self.source.batch_info_key] = self._batch_info(records)
        return out

    def _batch_info(self, records: list[StreamRecord]) -> dict[str, Any]:
        """The failure record's ``KinesisBatchInfo`` / ``DDBStreamBatchInfo`` block (5.9)."""
        stamp = iso_ms_z if self.source.source == "kinesis" else iso_z
        return {
            "shardId": records[0].shard_id,
            "startSequenceNumber": records[0].sequence,
            "endSequenceNumber": records[-1].sequence,
            "approximateArrivalOfFirstRecord": stamp(records[0].arrival),
            "approximateArrivalOfLastRecord": stamp(records[-1].arrival),
            "batchSize": len(records),
            "streamArn": self.source.source_arn,
        }

    def _send(self, lane: _Lane, records: list[StreamRecord], record: dict[str, Any]) -> None:
        target = self.on_failure
        if hasattr(target, "put_object"):  # S3: the record plus the invoke payload (5.9)
            now = self.harness.clock.now()
            payload = self._event(records)
            key = (f"aws/lambda/{self.uuid}/{lane.shard.shard_id}/{now:%Y/%m/%d}/"
                   f"{now:%Y-%m-%dT%H.%M.%S}-{self.harness.new_request_id()}")  # fmt: skip
            target.put_object(key, json.dumps({**record, "payload": payload}))
        elif hasattr(target, "publish"):
            target.publish(json.dumps(record))
        else:
            target.send(json.dumps(record))

    # --- tumbling windows ----------------------------------------------------------------
    def _window_of(self, record: StreamRecord) -> tuple[int, int]:
        epoch = int(record.arrival.timestamp())
        start = epoch - epoch % self.tumbling_window
        return start, start + self.tumbling_window

    def _window_fields(self, lane: _Lane, batch: _Batch) -> dict[str, Any]:
        assert lane.window is not None
        start, end = lane.window
        return window_event_fields(
            start=datetime.fromtimestamp(start, UTC), end=datetime.fromtimestamp(end, UTC),
            state=json.loads(json.dumps(lane.state)), shard_id=lane.shard.shard_id,
            source_arn=self.source.source_arn, final=batch.final,
            terminated_early=batch.final and lane.terminated_early,
        )  # fmt: skip

    def _final_invoke(self, lane: _Lane, now: datetime) -> _Batch | None:
        """The window's final invoke, once it has ended (or its state grew past 1 MB) and
        none of its records wait; else a wake at its end."""
        if lane.window is None:
            return None
        _, end = lane.window
        pending = bool(lane.queue) and self._window_of(lane.queue[0].item) == lane.window
        if lane.terminated_early or (not pending and now.timestamp() >= end):
            batch = _Batch([], final=True)
            lane.work.append(batch)
            return batch
        if not pending:
            self._wake(lane, datetime.fromtimestamp(end, UTC))
        return None

    def _keep_state(self, lane: _Lane, batch: _Batch, state: Any) -> None:
        if batch.final:
            self._close_window(lane)
            return
        lane.state = state
        if len(json.dumps(state).encode()) > MAX_STATE_BYTES:
            lane.terminated_early = True

    def _close_window(self, lane: _Lane) -> None:
        lane.window, lane.state, lane.terminated_early = None, {}, False

    def __repr__(self) -> str:
        return f"<StreamMapping {self.uuid} {self.source.name} -> {self.function.name}>"


def _lowest_failure(
    response: Any,
    records: list[StreamRecord],
    position_of: Callable[[list[StreamRecord]], Callable[[Any], int | None]],
) -> tuple[int | None, str | None]:
    """The index of the lowest reported record, or None; or a problem that fails the whole
    batch (5.6). ``null``, ``""``, ``[]``, ``{}`` and an empty list are complete success."""
    if response is None or response == "" or response == [] or response == {}:
        return None, None
    if not isinstance(response, Mapping):
        return 0, f"the response is {type(response).__name__}, not a JSON object"
    failures = response.get("batchItemFailures")
    if not failures:
        return None, None
    if not isinstance(failures, list):
        return 0, "batchItemFailures is not a list"
    find = position_of(records)
    lowest = len(records)
    for position, item in enumerate(failures):
        identifier = item.get("itemIdentifier") if isinstance(item, Mapping) else None
        found = find(identifier)
        if found is None:
            return 0, (f"batchItemFailures[{position}] = {item!r} does not name a record "
                       "in the batch")  # fmt: skip
        lowest = min(lowest, found)
    return lowest, None


# --- configuration checks ------------------------------------------------------------------
def _check_int(name: str, value: Any, low: int, high: int, aws_name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EventSourceMappingError(
            f"{name}={value!r} is out of range: {aws_name} is an int from {low:,} to {high:,}"
        )


def _check_optional(name: str, value: Any, low: int, high: int, aws_name: str) -> None:
    if value == -1 and not isinstance(value, bool):
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EventSourceMappingError(
            f"{name}={value!r} is out of range: {aws_name} is -1 (infinite) or an int from "
            f"{low:,} to {high:,}"
        )


def _starting_point(
    source: StreamSource, position: Any, timestamp: datetime | None
) -> datetime | None:
    """The arrival time from which existing records are read (None: none of them)."""
    allowed = STARTING_POSITIONS if source.source != "dynamodb" else STARTING_POSITIONS[:2]
    if position not in allowed:
        raise EventSourceMappingError(
            f"starting_position={position!r}: StartingPosition for {source.source} is one of "
            f"{', '.join(allowed)}"
        )
    now = source.harness.clock.now()
    if position == "TRIM_HORIZON":
        return datetime.min.replace(tzinfo=UTC)
    if position == "LATEST":
        if timestamp is not None:
            raise EventSourceMappingError(
                "starting_position_timestamp goes with starting_position='AT_TIMESTAMP'"
            )
        return None
    if not isinstance(timestamp, datetime) or timestamp.tzinfo is None or timestamp > now:
        raise EventSourceMappingError(
            "starting_position='AT_TIMESTAMP' needs starting_position_timestamp, an aware "
            f"datetime not in the future (now {iso_z(now)}), not {timestamp!r}"
        )
    return timestamp


def _check_destination(target: Any) -> Any:
    if target is None:
        return None
    if not any(hasattr(target, name) for name in ("put_object", "publish", "send")):
        raise EventSourceMappingError(
            "on_failure is a harness queue, topic or bucket (DestinationConfig.OnFailure), not "
            f"{type(target).__name__}"
        )
    if getattr(target, "fifo", False):
        raise EventSourceMappingError(
            "on_failure: FIFO queues and topics are not supported as destinations"
        )
    return target
