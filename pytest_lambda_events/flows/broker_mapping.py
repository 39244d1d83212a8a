"""The poller of the Amazon MQ and DocumentDB event source mappings (semantics.md 6.2, 6.3):
one ordered batch at a time, and a failed batch retried whole until it succeeds.

What happens to a failed batch's messages between attempts is the source's business
(``world/brokers.py``: ActiveMQ's redelivery policy and dead-letter queue, RabbitMQ's TTL;
``world/documentdb.py``: nothing). The source says which items stay in the batch.

Approximations (AWS does not document these; the closest documented behaviour is used):

* One batch in flight per mapping: the records reach the function in order.
* A batching window closes ``batching_window`` seconds after the oldest waiting item arrived
  (500 ms by default); a full batch goes at once.
* The 6 MB limit counts the event as ``json.dumps`` writes it; a record bigger than 6 MB on
  its own is dropped (``failed``, condition ``RecordTooLarge``, 6.2).
* Retries of a batch that nothing can end (no TTL, no dead-letter queue) are bounded:
  after ``STALL_ATTEMPTS`` failed attempts in a row the flow raises ``HarnessStall``, in
  ``run()`` and ``advance()`` alike, rather than looping.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections import deque
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventSourceMappingError, HarnessStall
from ..ledger import Delivery, Invocation
from .sqs_mapping import check_subscriber

if TYPE_CHECKING:
    from ..world import Harness
    from ..world.function import Function

MAX_BATCH_SIZE = 10_000
MAX_BATCHING_WINDOW_S = 300
DEFAULT_BATCHING_WINDOW = timedelta(milliseconds=500)
MAX_PAYLOAD_BYTES = 6_291_456  # 6 MB (8.1)
STALL_ATTEMPTS = 1_000  # failed attempts in a row of one batch before HarnessStall
_ENVELOPE_BYTES = 200  # eventSource, eventSourceArn and the braces around the records


class BatchRetryMapping(ABC):
    """Base of ``BrokerMapping`` and ``DocumentDBMapping``: ``deliveries`` (one ``Delivery``
    per message or change event, in arrival order) and ``invocations`` (every invocation)."""

    retry_delay = timedelta(seconds=1)  # ActiveMQ's default initialRedeliveryDelay
    source_id = "mq"  # Invocation.source of this mapping's invocations

    def __init__(
        self,
        source: Any,
        function: Function,
        *,
        flow: str,
        kind: str,
        batch_size: int,
        batching_window: int | None,
    ) -> None:
        check_subscriber(source, function, kind)
        check_batching(batch_size, batching_window)
        self.harness: Harness = source.harness
        self.function = function
        self.flow = flow
        self.batch_size = batch_size
        self.batching_window = batching_window
        self.uuid = aws.uuid4(self.harness.rng)
        self.deliveries: list[Delivery] = []
        self.invocations: list[Invocation] = []
        self._waiting: deque[Delivery] = deque()
        self._batch: list[Delivery] = []  # the batch being retried
        self._failures = 0  # failed attempts in a row of the batch being retried
        self._wake: datetime | None = None
        self._window = (
            DEFAULT_BATCHING_WINDOW if batching_window is None
            else timedelta(seconds=batching_window)
        )  # fmt: skip

    # --- what a source implements ----------------------------------------------------------
    @abstractmethod
    def event(self, items: list[Any], now: datetime) -> tuple[dict[str, Any], list[int]]:
        """The event for ``items`` (delivered now) and each record's JSON size."""

    def dispatched(self, items: list[Any]) -> None:
        """The items of ``event`` are about to reach the function (once per attempt)."""
        return None  # a hook: only ActiveMQ/RabbitMQ mark redeliveries here

    def alive(self, delivery: Delivery, now: datetime) -> bool:
        """False (and the delivery finished) if the item left the source before this attempt."""
        return True

    def failed(self, deliveries: list[Delivery], reason: str, now: datetime) -> list[Delivery]:
        """A batch failed: settle what leaves, return what the retry carries."""
        for delivery in deliveries:
            delivery.reason = reason
        return deliveries

    def succeeded(self, deliveries: list[Delivery], now: datetime) -> None:
        for delivery in deliveries:
            delivery.finish("succeeded", "Success", now)

    def stall_hint(self) -> str:
        return "make the handler succeed, or use h.advance(...) for a shorter span"

    # --- arrival -------------------------------------------------------------------------
    def offer(self, item: Any, enqueued_at: datetime) -> Delivery:
        """A new item for this mapping: its delivery opens now, and a poll is due when the
        batching window closes (or now, if a batch is full)."""
        delivery = Delivery(self.flow, item, enqueued_at=enqueued_at)
        self.deliveries.append(delivery)
        self.harness.ledger.open_delivery(delivery)
        self._waiting.append(delivery)
        if not self._batch:
            self._schedule_next()
        return delivery

    def _schedule_next(self) -> None:
        if not self._waiting:
            return
        now = self.harness.clock.now()
        if len(self._waiting) >= self.batch_size:
            self._schedule(now)
        else:
            oldest = self._waiting[0].enqueued_at or now
            self._schedule(max(now, oldest + self._window))

    def _schedule(self, when: datetime) -> None:
        if self._wake is not None and self._wake <= when:
            return
        self._wake = when
        self.harness.agenda.at(when, self.flow, partial(self._on_wake, when))

    def _on_wake(self, when: datetime) -> None:
        if self._wake != when:
            return  # an earlier wake replaced this one
        self._wake = None
        self._attempt()

    # --- invoking ------------------------------------------------------------------------
    def _attempt(self) -> None:
        now = self.harness.clock.now()
        batch = [d for d in self._batch if self.alive(d, now)]
        if not batch:
            batch = self._take(now)
        if not batch:
            self._batch = []
            self._schedule_next()
            return
        event, sizes = self.event([d.item for d in batch], now)
        batch, event = self._cut(batch, event, sizes, now)
        if not batch:
            self._schedule_next()
            return
        self.dispatched([d.item for d in batch])
        invocation = self.function.invoke_for_mapping(event, partial(_judge, self.source_id))
        self.invocations.append(invocation)
        for delivery in batch:
            delivery.invocations.append(invocation)
        end = self.harness.clock.now()
        if invocation.error is None:
            self._failures = 0
            self._batch = []
            self.succeeded(batch, end)
            self._schedule_next()
            return
        self._failures += 1
        reason = f"{invocation.error.type}: {invocation.error.message}"
        self._batch = self.failed(batch, reason, end)
        if not self._batch:
            self._failures = 0
            self._schedule_next()
            return
        if self._failures >= STALL_ATTEMPTS:
            raise HarnessStall(
                f"flow {self.flow!r}: the same batch of {len(self._batch)} failed "
                f"{self._failures:,} times in a row and nothing ends its retries (semantics.md "
                f"6.2/6.3: retried until it succeeds); {self.stall_hint()}"
            )
        self._schedule(end + self.retry_delay)

    def _take(self, now: datetime) -> list[Delivery]:
        """The oldest waiting items, up to ``batch_size`` (only when the window closed or the
        batch is full)."""
        waiting = self._waiting
        while waiting and not self.alive(waiting[0], now):
            waiting.popleft()
        if not waiting:
            return []
        oldest = waiting[0].enqueued_at or now
        if len(waiting) < self.batch_size and now < oldest + self._window:
            self._schedule(oldest + self._window)
            return []
        batch: list[Delivery] = []
        while waiting and len(batch) < self.batch_size:
            delivery = waiting.popleft()
            if self.alive(delivery, now):
                batch.append(delivery)
        return batch

    def _cut(
        self, batch: list[Delivery], event: dict[str, Any], sizes: list[int], now: datetime
    ) -> tuple[list[Delivery], dict[str, Any]]:
        """The batch under 6 MB: oversized records are dropped, the rest waits its turn."""
        if _ENVELOPE_BYTES + sum(sizes) + len(sizes) <= MAX_PAYLOAD_BYTES:
            return batch, event
        kept: list[Delivery] = []
        total = _ENVELOPE_BYTES
        for index, (delivery, size) in enumerate(zip(batch, sizes, strict=True)):
            if _ENVELOPE_BYTES + size > MAX_PAYLOAD_BYTES:
                self.drop_too_large(delivery, size, now)
                continue
            if total + size + 1 > MAX_PAYLOAD_BYTES:
                self._waiting.extendleft(reversed(batch[index:]))
                break
            kept.append(delivery)
            total += size + 1
        if not kept:
            return [], event
        return kept, self.event([d.item for d in kept], now)[0]

    def drop_too_large(self, delivery: Delivery, size: int, now: datetime) -> None:
        delivery.finish("failed", "RecordTooLarge", now,
                        reason=f"the record is {size:,} bytes; Lambda drops records larger "
                        f"than 6 MB ({MAX_PAYLOAD_BYTES:,} bytes, 6.2)")  # fmt: skip

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.flow} deliveries={len(self.deliveries)}>"


def _judge(source: str, invocation: Invocation) -> None:
    invocation.source = source  # the response is ignored: only a function error fails


def record_bytes(record: Any) -> int:
    return len(json.dumps(record, separators=(",", ":")))


def check_batching(batch_size: Any, batching_window: Any) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int):
        raise EventSourceMappingError(
            f"batch_size must be an int from 1 to {MAX_BATCH_SIZE:,} (BatchSize), "
            f"not {batch_size!r}"
        )
    if not 1 <= batch_size <= MAX_BATCH_SIZE:
        raise EventSourceMappingError(
            f"batch_size={batch_size:,} is out of range: BatchSize is 1 to {MAX_BATCH_SIZE:,}"
        )
    if batching_window is None:
        return
    if isinstance(batching_window, bool) or not isinstance(batching_window, int):
        raise EventSourceMappingError(
            "batching_window is None (the 500 ms default) or whole seconds from 0 to "
            f"{MAX_BATCHING_WINDOW_S} (MaximumBatchingWindowInSeconds), not {batching_window!r}"
        )
    if not 0 <= batching_window <= MAX_BATCHING_WINDOW_S:
        raise EventSourceMappingError(
            f"batching_window={batching_window} is out of range: "
            f"MaximumBatchingWindowInSeconds is 0 to {MAX_BATCHING_WINDOW_S}"
        )
