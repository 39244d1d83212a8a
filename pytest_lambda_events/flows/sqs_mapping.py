"""The SQS event source mapping: Lambda's poller between a queue and a function
(semantics.md section 4).

The poller receives messages, filters them, gathers batches (batch size, batching window, the
6 MB payload limit), invokes the function synchronously and deletes what succeeded. Everything
else is SQS's doing (``world/sqs.py``): failed messages come back when their visibility timeout
ends, with a higher receive count, until SQS moves them to the dead-letter queue or deletes them
for age. FIFO queues hold back a group while one of its messages is in flight.

Approximations (AWS does not document these; the closest documented behaviour is used):

* Concurrency: Lambda starts 5 concurrent batches and adds 300 a minute while messages keep
  coming, up to ``max_concurrency`` or 1,000 (4.3). Batches that start together run one after
  another on the virtual clock, which goes back to their common start time for each; the
  gradual scale-down after function errors is not modelled.
* With a batching window, Lambda waits exactly the window; AWS may wait up to 20 s on a quiet
  queue (4.3).
* The 6 MB limit counts the event as ``json.dumps`` writes it.
* A response that is neither ``null`` nor a JSON object (a string, a list) fails the whole batch
  when ``report_batch_item_failures`` is on, like "invalid JSON" in 4.5.
* "Valid JSON" for the body check of filter criteria (5.10) means any JSON value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventPatternError, EventSourceMappingError
from ..ledger import Delivery, Invocation
from .patterns import Pattern, loads

if TYPE_CHECKING:
    from ..world.function import Function
    from ..world.sqs import Message, Queue

MAX_BATCH_SIZE = 10_000  # standard queues (4.1)
MAX_FIFO_BATCH_SIZE = 10
MAX_BATCHING_WINDOW_S = 300
MAX_CONCURRENCY = (2, 1_000)  # ScalingConfig.MaximumConcurrency
INITIAL_CONCURRENCY = 5  # concurrent batches when polling starts (4.3)
SCALE_UP_PER_MINUTE = 300
MAX_PAYLOAD_BYTES = 6_291_456  # 6 MB, metadata included (4.3, 8.1)
MAX_FILTERS = 5  # per mapping by default; AWS raises the quota to 10 on request (5.10)
MAX_PATTERN_CHARS = 4_096
RECEIVE_LIMIT = 10  # ReceiveMessage returns at most 10 messages per call (4.4)
VISIBILITY_MARGIN_S = 30  # window + timeout + 30 s when they exceed the visibility timeout
_ENVELOPE_BYTES = len('{"Records": []}')
_NOT_JSON: Any = object()


@dataclass(frozen=True)
class _Outcome:
    """What the poller makes of one invocation: ``failed`` is None when the whole batch failed,
    else the message ids the function reported (4.4, 4.5)."""

    failed: frozenset[str] | None
    reason: str | None = None  # why the batch or its reported messages failed
    note: str | None = None  # said on the successes (an ignored batchItemFailures list)
    rejection: str | None = None  # a response AWS would not accept


_SUCCESS = _Outcome(frozenset())


class EventSourceMapping:
    """A Lambda event source mapping for an SQS queue (``queue.subscribe(fn, ...)``).

    ``deliveries`` holds one ``Delivery`` per message the mapping saw, in the order it first
    saw them: ``succeeded`` (deleted after a successful invocation), ``failed`` (moved to the
    dead-letter queue, condition ``MaxReceiveCountExceeded``), ``filtered`` (deleted because no
    filter matched), ``expired`` (deleted by SQS at ``message_retention_period``) or ``pending``.
    ``invocations`` holds every invocation, in order.
    """

    def __init__(
        self,
        queue: Queue,
        function: Function,
        *,
        batch_size: int = 10,
        batching_window: int = 0,
        report_batch_item_failures: bool = False,
        filter_criteria: Mapping[str, Any] | Sequence[Mapping[str, Any] | str] | None = None,
        max_concurrency: int | None = None,
        enabled: bool = True,
    ) -> None:
        _check_target(queue, function)
        _check_batching(queue, batch_size, batching_window)
        _check_visibility(queue, function)
        _check_flag("report_batch_item_failures", report_batch_item_failures)
        _check_flag("enabled", enabled)
        if max_concurrency is not None:
            _check_int("max_concurrency", max_concurrency, MAX_CONCURRENCY,
                       "ScalingConfig.MaximumConcurrency")  # fmt: skip
        self.queue = queue
        self.function = function
        self.harness = queue.harness
        self.batch_size = batch_size
        self.batching_window = batching_window
        self.report_batch_item_failures = report_batch_item_failures
        self.filters = compile_filter_criteria(filter_criteria)
        self.filter_criteria = filter_criteria
        self.max_concurrency = max_concurrency
        self.uuid = aws.uuid4(self.harness.rng)
        self.state_transition_reason = "USER_INITIATED"
        self.flow = f"sqs:{queue.name}->{function.name}"
        self.deliveries: list[Delivery] = []
        self.invocations: list[Invocation] = []
        self.visibility_timeout = _effective_visibility(queue, function, batching_window)
        self._enabled = enabled
        self._buffer: list[tuple[Message, dict[str, Any], int]] = []  # received, not invoked
        self._buffer_bytes = 0
        self._window_closes: datetime | None = None
        self._batches_in_flight = 0
        self._busy_since: datetime | None = None
        self._wakes: list[datetime] = []
        queue.mappings.append(self)
        self.wake(self.harness.clock.now())

    # --- public state --------------------------------------------------------------------
    @property
    def enabled(self) -> bool:
        return self._enabled

    @property
    def state(self) -> str:
        """``Enabled`` or ``Disabled`` (AWS passes through Creating/Enabling in seconds)."""
        return "Enabled" if self._enabled else "Disabled"

    @property
    def function_response_types(self) -> list[str]:
        return ["ReportBatchItemFailures"] if self.report_batch_item_failures else []

    def enable(self) -> None:
        """``UpdateEventSourceMapping(Enabled=True)``: polling resumes now."""
        self._enabled = True
        self.wake(self.harness.clock.now())

    def disable(self) -> None:
        """``UpdateEventSourceMapping(Enabled=False)``: polling stops. Messages already
        received come back when their visibility timeout ends."""
        self._enabled = False
        self._buffer.clear()
        self._buffer_bytes = 0
        self._window_closes = None

    def delete(self) -> None:
        """``DeleteEventSourceMapping``."""
        self.disable()
        self.queue.mappings.remove(self)

    def open_delivery(self, message: Message) -> Delivery:
        """The message's ``Delivery`` in this mapping (opened when the mapping first sees it)."""
        return self._open_deliveries([message])[0]

    def _open_deliveries(self, messages: list[Message]) -> list[Delivery]:
        """Open the deliveries of messages seen for the first time (a whole receive at once)."""
        flow = self.flow
        deliveries = [Delivery(flow, message, enqueued_at=message.sent_at)
                      for message in messages]  # fmt: skip
        for message, delivery in zip(messages, deliveries, strict=True):
            message.delivery = delivery
        self.deliveries += deliveries
        self.harness.ledger.open_deliveries(deliveries)
        return deliveries

    # --- polling on the virtual clock ----------------------------------------------------
    def wake(self, when: datetime) -> None:
        """Poll at ``when`` unless a poll is already due by then (it will look for itself)."""
        if not self._enabled or any(w <= when for w in self._wakes):
            return
        self._wakes.append(when)
        self.harness.agenda.at(when, self.flow, partial(self._on_wake, when))

    def _on_wake(self, when: datetime) -> None:
        self._wakes.remove(when)
        self._poll()

    def _poll(self) -> None:
        if not self._enabled or self.queue.deleted:
            return
        now = self.harness.clock.now()
        self.queue.release(now)
        started = False
        while self._batches_in_flight < self._concurrency(now):
            batch = self._next_batch(now)
            if batch is None:
                break
            started = True
            self._invoke(batch, now)
        if not started and not self._batches_in_flight and not self._buffer:
            self._busy_since = None  # the queue went quiet: scale back down
        self._wake_for_next_change()

    def _wake_for_next_change(self) -> None:
        times = [self._window_closes] if self._buffer and self._window_closes else []
        change = self.queue.next_change()
        if change is not None:
            times.append(change)
        if times:
            self.wake(min(times))

    def _concurrency(self, now: datetime) -> int:
        """5 concurrent batches at first, 300 more a minute while busy (4.3)."""
        if self._busy_since is None:
            self._busy_since = now
        minutes = (now - self._busy_since).total_seconds() / 60
        grown = INITIAL_CONCURRENCY + int(SCALE_UP_PER_MINUTE * minutes)
        return min(grown, self.max_concurrency or MAX_CONCURRENCY[1])

    # --- gathering a batch ---------------------------------------------------------------
    def _next_batch(self, now: datetime) -> list[tuple[Message, dict[str, Any], int]] | None:
        """The next batch to invoke now, or None: nothing to receive, or the batching window
        is still open and the batch neither full nor at the payload limit (4.3)."""
        while True:
            self._fill(now)
            if not self._buffer:
                return None
            batch = self._take()
            full = len(batch) >= self.batch_size or len(batch) < len(self._buffer)
            closes = self._window_closes
            if not full and closes is not None and now < closes:
                return None
            del self._buffer[: len(batch)]
            self._buffer_bytes -= sum(entry[2] for entry in batch)
            self._window_closes = now + timedelta(seconds=self.batching_window) if (
                self._buffer and self.batching_window) else None  # fmt: skip
            # a message that expired while the window was open is gone (SQS deleted it)
            live = [entry for entry in batch if entry[0].state == "in_flight"]
            if live:
                return live

    def _fill(self, now: datetime) -> None:
        """Receive (10 at a time, as ReceiveMessage does) until the batch could be full;
        filter each message as it arrives (5.10)."""
        buffer = self._buffer
        while len(buffer) < self.batch_size and self._buffer_bytes < MAX_PAYLOAD_BYTES:
            want = min(self.batch_size - len(buffer), RECEIVE_LIMIT)
            received = self.queue.receive(now, want, self.visibility_timeout)
            if not received:
                return
            records = self._records(received)
            unseen = [message for message in received if message.delivery is None]
            if unseen:
                self._open_deliveries(unseen)
            filters, window = self.filters, self.batching_window
            for message, record in zip(received, records, strict=True):
                if filters and not self._matches(record):
                    self._filter_out(message, now)
                    continue
                if window and not buffer:
                    self._window_closes = now + timedelta(seconds=window)
                bound = _size_bound(message)
                buffer.append((message, record, bound))
                self._buffer_bytes += bound

    def _take(self) -> list[tuple[Message, dict[str, Any], int]]:
        """The buffer's first messages up to ``batch_size`` and 6 MB. Sizes are upper bounds
        until the bound nears the limit; then the records are measured."""
        batch: list[tuple[Message, dict[str, Any], int]] = []
        total, exact = _ENVELOPE_BYTES, False
        for entry in self._buffer[: self.batch_size]:
            size = entry[2]
            if not exact and total + size > MAX_PAYLOAD_BYTES:
                exact = True
                total = _ENVELOPE_BYTES + sum(_record_bytes(e[1]) for e in batch)
            if exact:
                size = _record_bytes(entry[1])
            if batch and total + size > MAX_PAYLOAD_BYTES:
                break
            batch.append(entry)
            total += size
        return batch

    def _records(self, messages: list[Message]) -> list[dict[str, Any]]:
        """The messages as this receive delivers them (4.2): new receipt handles, the receive
        count as of now."""
        handles = aws.receipt_handles(self.harness.rng, len(messages))
        arn, region = self.queue.arn, self.harness.region
        return [message.record(handle, arn, region)
                for handle, message in zip(handles, messages, strict=True)]  # fmt: skip

    # --- filtering -----------------------------------------------------------------------
    def _matches(self, record: dict[str, Any]) -> bool:
        """Any filter matches (5.10). A filter with a JSON pattern on ``body`` drops bodies
        that are not JSON; one with a plain-string pattern drops bodies that are."""
        parsed: Any = None
        for pattern in self.filters:
            rule = pattern.source.get("body")
            view = record
            if rule is not None:
                if parsed is None:
                    parsed = _parse_body(record["body"])
                if isinstance(rule, Mapping):
                    if parsed is _NOT_JSON:
                        continue
                    view = {**record, "body": parsed}
                elif parsed is not _NOT_JSON:
                    continue
            if pattern.matches(view):
                return True
        return False

    def _filter_out(self, message: Message, now: datetime) -> None:
        """Lambda deletes a message no filter matches (5.10)."""
        self.queue.delete(message)
        assert message.delivery is not None
        message.delivery.finish(
            "filtered",
            "Filtered",
            now,
            reason="no filter matched; Lambda deleted the message (5.10)",
        )

    # --- invoking and settling -----------------------------------------------------------
    def _invoke(self, batch: list[tuple[Message, dict[str, Any], int]], now: datetime) -> None:
        messages = [entry[0] for entry in batch]
        event = {"Records": [entry[1] for entry in batch]}
        outcomes: list[_Outcome] = []
        judge = partial(self._judge, frozenset(m.message_id for m in messages), outcomes)
        invocation = self.function.invoke_for_mapping(event, judge)
        self.invocations.append(invocation)
        for message in messages:
            delivery = message.delivery
            assert delivery is not None
            delivery.invocations.append(invocation)
        clock = self.harness.clock
        end = clock.now()
        if end > now:  # the handler took virtual time: the batch settles when it returns
            clock.rewind(now)
            self._batches_in_flight += 1
            self.harness.agenda.at(end, self.flow,
                                   partial(self._settle_later, messages, outcomes[0]))  # fmt: skip
        else:
            self._settle(messages, outcomes[0], now)

    def _judge(self, batch_ids: frozenset[str], out: list[_Outcome], inv: Invocation) -> None:
        outcome = self._outcome(inv, batch_ids)
        out.append(outcome)
        inv.source = "sqs"
        if inv.error is None:
            inv.accepted = outcome.rejection is None
            inv.rejection = outcome.rejection

    def _outcome(self, invocation: Invocation, batch_ids: frozenset[str]) -> _Outcome:
        if invocation.error is not None:
            error = invocation.error
            return _Outcome(None, f"{error.type}: {error.message}")
        if self.report_batch_item_failures:
            return batch_item_failures(invocation.response, batch_ids)
        response = invocation.response
        if isinstance(response, Mapping) and response.get("batchItemFailures"):
            return _Outcome(frozenset(), note=(
                "the response listed batchItemFailures, but report_batch_item_failures is off: "
                "Lambda ignored them and deleted the whole batch (4.5)"))  # fmt: skip
        return _SUCCESS

    def _settle_later(self, messages: list[Message], outcome: _Outcome) -> None:
        self._batches_in_flight -= 1
        self._settle(messages, outcome, self.harness.clock.now())
        self._poll()

    def _settle(self, messages: list[Message], outcome: _Outcome, now: datetime) -> None:
        """Delete what succeeded (one DeleteMessageBatch); what failed stays in flight until
        its visibility timeout ends (Lambda does not reset it, 4.4)."""
        failed = outcome.failed
        if failed is None:
            succeeded: list[Message] = []
        elif failed:
            succeeded = [message for message in messages if message.message_id not in failed]
        else:
            succeeded = messages
        if len(succeeded) < len(messages):
            for message in messages:
                delivery = message.delivery
                assert delivery is not None
                failing = failed is None or message.message_id in failed
                if failing and delivery.status == "pending":
                    delivery.reason = outcome.reason
        note = outcome.note
        for message in self.queue.delete_batch(succeeded):
            delivery = message.delivery
            assert delivery is not None
            delivery.finish("succeeded", "Success", now, note)

    def __repr__(self) -> str:
        return (f"<EventSourceMapping {self.uuid} {self.queue.name} -> {self.function.name} "
                f"{self.state}>")  # fmt: skip


def batch_item_failures(response: Any, batch_ids: frozenset[str]) -> _Outcome:
    """A partial batch response judged as Lambda does (4.5): ``null``, ``{}``, a missing,
    null or empty ``batchItemFailures`` are complete success; a malformed entry or an
    identifier not in the batch fails the whole batch."""
    if response is None:
        return _SUCCESS
    if not isinstance(response, Mapping):
        return _rejected(f"the response is {_kind(response)}, not a JSON object with "
                         "batchItemFailures")  # fmt: skip
    failures = response.get("batchItemFailures")
    if failures is None:
        return _SUCCESS
    if not isinstance(failures, list):
        return _rejected(f"batchItemFailures is {_kind(failures)}, not a list")
    ids = set()
    for i, item in enumerate(failures):
        problem = _item_problem(item, batch_ids)
        if problem is not None:
            return _rejected(f"batchItemFailures[{i}] {problem}")
        ids.add(item["itemIdentifier"])
    if not ids:
        return _SUCCESS
    return _Outcome(frozenset(ids), "reported in batchItemFailures")


def _item_problem(item: Any, batch_ids: frozenset[str]) -> str | None:
    if not isinstance(item, Mapping) or "itemIdentifier" not in item:
        keys = sorted(item) if isinstance(item, Mapping) else _kind(item)
        return f"has no itemIdentifier (found {keys})"
    identifier = item["itemIdentifier"]
    if identifier is None:
        return "has a null itemIdentifier"
    if identifier == "":
        return "has an empty itemIdentifier"
    if not isinstance(identifier, str) or identifier not in batch_ids:
        return f"names {identifier!r}, which is not a message ID in the batch"
    return None


def _rejected(why: str) -> _Outcome:
    reason = f"invalid partial batch response: {why}; the whole batch failed (4.5)"
    return _Outcome(None, reason, rejection=reason)


# --- configuration checks ------------------------------------------------------------------
def compile_filter_criteria(
    criteria: Mapping[str, Any] | Sequence[Mapping[str, Any] | str] | None,
) -> list[Pattern]:
    """``FilterCriteria`` as AWS takes it (``{"Filters": [{"Pattern": "<json>"}]}``), or a
    list of patterns (dicts or JSON strings), or one pattern dict."""
    if criteria is None:
        return []
    if isinstance(criteria, Mapping) and "Filters" in criteria:
        filters = criteria["Filters"]
        if not isinstance(filters, list) or not all(
                isinstance(f, Mapping) and "Pattern" in f for f in filters):  # fmt: skip
            raise EventSourceMappingError(
                'filter_criteria: "Filters" is a list of {"Pattern": "<JSON pattern>"} objects'
            )
        patterns: list[Any] = [f["Pattern"] for f in filters]
    elif isinstance(criteria, Mapping):
        patterns = [criteria]
    elif isinstance(criteria, list | tuple):
        patterns = list(criteria)
    else:
        raise EventSourceMappingError(
            "filter_criteria is a list of patterns, one pattern, or AWS's "
            f'{{"Filters": [{{"Pattern": ...}}]}}, not {type(criteria).__name__}'
        )
    if len(patterns) > MAX_FILTERS:
        raise EventSourceMappingError(
            f"filter_criteria has {len(patterns)} filters; a mapping takes {MAX_FILTERS} by "
            "default (10 after a quota increase)"
        )
    return [_compile_filter(i, pattern) for i, pattern in enumerate(patterns)]


def _compile_filter(index: int, pattern: Any) -> Pattern:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern, default=repr)
    if len(text) > MAX_PATTERN_CHARS:
        raise EventSourceMappingError(
            f"filter_criteria[{index}]: the pattern is {len(text):,} characters; AWS takes at "
            f"most {MAX_PATTERN_CHARS:,}"
        )
    try:
        return Pattern(pattern)
    except EventPatternError as exc:
        raise EventSourceMappingError(
            f"InvalidParameterValueException: Invalid filter pattern definition. "
            f"(filter_criteria[{index}] {exc})"
        ) from exc


def check_subscriber(source: Any, function: Any, kind: str) -> None:
    """A mapping connects a source and a function of the same harness (streams use it too)."""
    from ..world.function import Function

    if not isinstance(function, Function):
        raise EventSourceMappingError(
            f"subscribe() takes a harness Function (h.function(...)), not {type(function).__name__}"
        )
    if function.harness is not source.harness:
        raise EventSourceMappingError(f"the {kind} and the function belong to different harnesses")


def _check_target(queue: Queue, function: Function) -> None:
    check_subscriber(queue, function, "queue")
    if queue.deleted:
        raise EventSourceMappingError(
            "InvalidParameterValueException: Error occurred while ReceiveMessage. SQS Error "
            f"Code: AWS.SimpleQueueService.NonExistentQueue. ({queue.name} was deleted)"
        )
    for mapping in queue.mappings:
        if mapping.function is function:
            raise EventSourceMappingError(
                f'ResourceConflictException: An event source mapping with SQS arn (" '
                f'{queue.arn} ") and function (" {function.name} ") already exists. Please '
                f"update or delete the existing mapping with UUID {mapping.uuid}"
            )


def _check_batching(queue: Queue, batch_size: Any, batching_window: Any) -> None:
    limit = MAX_FIFO_BATCH_SIZE if queue.fifo else MAX_BATCH_SIZE
    kind = "a FIFO" if queue.fifo else "a standard"
    _check_int("batch_size", batch_size, (1, limit), f"BatchSize for {kind} queue")
    _check_int("batching_window", batching_window, (0, MAX_BATCHING_WINDOW_S),
               "MaximumBatchingWindowInSeconds")  # fmt: skip
    if queue.fifo and batching_window:
        raise EventSourceMappingError(
            f"InvalidParameterValueException: batching_window={batching_window}: "
            "MaximumBatchingWindowInSeconds is not supported for FIFO queues (use 0)"
        )
    if batch_size > RECEIVE_LIMIT and batching_window < 1:
        raise EventSourceMappingError(
            "InvalidParameterValueException: Maximum batch window in seconds must be greater "
            f"than 0 if maximum batch size is greater than 10 (batch_size={batch_size}: set "
            "batching_window to 1-300)"
        )


def _check_visibility(queue: Queue, function: Function) -> None:
    if function.timeout > queue.visibility_timeout:
        raise EventSourceMappingError(
            "InvalidParameterValueException: Queue visibility timeout: "
            f"{queue.visibility_timeout} seconds is less than Function timeout: "
            f"{function.timeout:g} seconds"
        )


def _effective_visibility(queue: Queue, function: Function, batching_window: int) -> float:
    """The visibility timeout Lambda receives with: the queue's, or window + function timeout
    + 30 s when window + timeout exceed it (4.3)."""
    needed = batching_window + function.timeout
    if needed > queue.visibility_timeout:
        return needed + VISIBILITY_MARGIN_S
    return queue.visibility_timeout


def _check_int(name: str, value: Any, limits: tuple[int, int], aws_name: str) -> None:
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int):
        raise EventSourceMappingError(
            f"{name} must be an int from {low:,} to {high:,} ({aws_name}), not {value!r}"
        )
    if not low <= value <= high:
        raise EventSourceMappingError(
            f"{name}={value:,} is out of range: {aws_name} is {low:,} to {high:,}"
        )


def _check_flag(name: str, value: Any) -> None:
    if not isinstance(value, bool):
        raise EventSourceMappingError(f"{name} is True or False, not {value!r}")


def _parse_body(body: str) -> Any:
    try:
        return loads(body)
    except ValueError:
        return _NOT_JSON


def _size_bound(message: Message) -> int:
    """An upper bound of the message's record's JSON size: \\uXXXX escapes take at most 6
    bytes a character, and the other fields stay under 1 KiB."""
    bound = 6 * len(message.body) + 1024
    if message.has_message_attributes:
        bound += 6 * len(json.dumps(message.message_attributes)) + 64
    return bound


def _record_bytes(record: dict[str, Any]) -> int:
    return len(json.dumps(record)) + 2  # the separator between records


def _kind(value: Any) -> str:
    return {str: "a string", list: "a list", int: "a number", float: "a number",
            bool: "a boolean"}.get(type(value), type(value).__name__)  # fmt: skip
