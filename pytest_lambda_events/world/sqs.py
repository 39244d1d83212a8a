"""SQS queues in the harness: standard and FIFO queues with visibility timeouts, delays,
retention, redrive to a dead-letter queue and FIFO deduplication (semantics.md 4.4 and 4.6).

The event source mapping that polls a queue is a flow of its own (``flows/sqs_mapping.py``);
this module is SQS's side: what ``ReceiveMessage`` returns, when a message comes back, when SQS
itself moves it to the dead-letter queue or deletes it for age.

Approximations (not documented by AWS; the closest documented behaviour is used):

* A message moved to a dead-letter queue keeps its ``ApproximateReceiveCount``.
* A FIFO duplicate sent within the deduplication interval returns the message sent first.
* A standard queue accepts ``group_id`` (fair queues) but it changes nothing and does not
  appear in the attributes.
* Standard queues return messages oldest first, and a message back from its visibility timeout
  after those already waiting (AWS promises no order).
* ``receive_message_wait_time_seconds`` is checked and kept; on the virtual clock a poller
  learns of new messages the moment they are sent.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections import deque
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import QueueConfigError, checked_arguments, did_you_mean
from ..sources.sqs import (
    md5_of_body,
    md5_of_message_attributes,
    message_attribute,
    message_size,
    sqs_record,
    standard_record,
    system_attributes,
)
from ..timefmt import epoch_ms

if TYPE_CHECKING:
    from ..flows.sqs_mapping import EventSourceMapping
    from ..ledger import Delivery
    from . import Harness
    from .function import Function

_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
# SQS accepts #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF
_INVALID_BODY_CHARS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_FIFO_ID = re.compile(r"^[!-~]{1,128}$")  # group and deduplication ids: 1-128 printable ASCII
MAX_BATCH_ENTRIES = 10
MAX_MESSAGE_ATTRIBUTES = 10
DEDUPLICATION_INTERVAL = timedelta(minutes=5)
# CreateQueue attribute limits (semantics.md 4.4; botocore sqs CreateQueueRequest.Attributes)
VISIBILITY_TIMEOUT_S = (0, 43_200)
MESSAGE_RETENTION_PERIOD_S = (60, 1_209_600)
DELAY_SECONDS = (0, 900)
RECEIVE_MESSAGE_WAIT_TIME_S = (0, 20)
MAX_MESSAGE_SIZE_BYTES = (1_024, 1_048_576)
MAX_RECEIVE_COUNT = (1, 1_000)
DEFAULT_MAX_RECEIVE_COUNT = 10  # RedrivePolicy's documented default
_DEFAULTS: dict[str, Any] = {
    "visibility_timeout": 30,
    "message_retention_period": 345_600,  # 4 days
    "delay_seconds": 0,
    "receive_message_wait_time_seconds": 0,
    "max_message_size": 1_048_576,  # 1 MiB, SQS's default and maximum since 2025
    "max_receive_count": None,
    "dead_letter_queue": None,
    "content_based_deduplication": False,
}

# Message states. A message is "queued" (visible, or waiting out its delay) or "in_flight"
# (received, invisible until its visibility timeout ends); the others are final.
QUEUED, IN_FLIGHT = "queued", "in_flight"
_NO_LIMIT = float("inf")  # a queue without a redrive policy's maxReceiveCount
DELETED, DEAD_LETTERED, EXPIRED = "deleted", "dead_lettered", "expired"


class _EpochMsText:
    """``str(epoch_ms(when))`` as SQS's timestamp attributes show it, remembering the last
    instant: messages sent (or received) together share it, and the string."""

    __slots__ = ("_text", "_when")

    def __init__(self) -> None:
        self._when: datetime | None = None
        self._text = ""

    def __call__(self, when: datetime) -> str:
        if when is not self._when:
            self._when, self._text = when, str(epoch_ms(when))
        return self._text


class Message:
    """A message in a queue: ``attributes`` and ``message_attributes`` in the same form as an
    SQS event record has them, ``receive_count``, and its ``state`` (queued, in_flight,
    deleted, dead_lettered or expired)."""

    # slots: a drained queue of a million messages must stay small (benchmarks/bench_sqs.py)
    __slots__ = (
        "_message_attributes", "available_at", "aws_trace_header", "body",
        "dead_letter_queue_source_arn", "deduplication_id", "delivery", "enqueued_at",
        "first_receive_timestamp", "first_received_at", "group_id", "md5_of_body",
        "md5_of_message_attributes", "message_id", "queue",
        "receive_count", "sender_id", "sent_at", "sent_timestamp", "sequence_number", "state",
        "visible_at",
    )  # fmt: skip

    def __init__(
        self,
        queue: Queue,
        message_id: str,
        body: str,
        message_attributes: dict[str, dict[str, Any]] | None,
        sent_at: datetime,
        available_at: datetime,
        sender_id: str,
    ) -> None:
        self.queue = queue
        self.message_id = message_id
        self.body = body
        self._message_attributes = message_attributes or None
        self.sent_at = sent_at
        self.sent_timestamp = queue._sent_ms(sent_at)  # as the record attributes show it
        self.enqueued_at = sent_at  # retention counts from here (reset by a FIFO DLQ move)
        self.available_at = available_at  # after DelaySeconds
        self.sender_id = sender_id
        self.receive_count = 0
        self.first_received_at: datetime | None = None
        self.first_receive_timestamp: str | None = None
        self.visible_at: datetime | None = None  # while in flight
        self.state = QUEUED
        self.group_id: str | None = None
        self.deduplication_id: str | None = None
        self.sequence_number: int | None = None
        self.aws_trace_header: str | None = None
        self.dead_letter_queue_source_arn: str | None = None
        self.delivery: Delivery | None = None  # set once an event source mapping sees it
        # SendMessage works out both digests (its response carries them); a record reuses them
        self.md5_of_body = md5_of_body(body)
        self.md5_of_message_attributes = (
            md5_of_message_attributes(message_attributes) if message_attributes else None
        )

    @property
    def message_attributes(self) -> dict[str, dict[str, Any]]:
        """A copy, as each receive hands out its own."""
        attributes = self._message_attributes
        return {k: dict(v) for k, v in attributes.items()} if attributes else {}

    @property
    def has_message_attributes(self) -> bool:
        return self._message_attributes is not None

    @property
    def attributes(self) -> dict[str, str]:
        """The system attributes as a receive would show them now (all strings)."""
        sequence_number = self.sequence_number
        return system_attributes(
            str(self.receive_count), self.sent_timestamp, self.sender_id,
            self.first_receive_timestamp, self.aws_trace_header,
            None if sequence_number is None else str(sequence_number), self.group_id,
            self.deduplication_id, self.dead_letter_queue_source_arn,
        )  # fmt: skip

    def record(self, receipt_handle: str, queue_arn: str, region: str) -> dict[str, Any]:
        """The message as a record of an SQS event, received with ``receipt_handle``
        (positional calls: a drain makes one per message)."""
        attributes, first_receive = self._message_attributes, self.first_receive_timestamp
        if (attributes is None and first_receive is not None and self.sequence_number is None
                and self.aws_trace_header is None
                and self.dead_letter_queue_source_arn is None):  # fmt: skip
            return standard_record(
                self.message_id, receipt_handle, self.body, self.md5_of_body,
                str(self.receive_count), self.sent_timestamp, self.sender_id, first_receive,
                queue_arn, region,
            )  # fmt: skip
        return sqs_record(
            self.message_id, receipt_handle, self.body, self.attributes,
            {k: dict(v) for k, v in attributes.items()} if attributes else {},
            self.md5_of_message_attributes, queue_arn, region, self.md5_of_body,
        )  # fmt: skip

    @property
    def expires_at(self) -> datetime:
        """When SQS deletes the message for age (``message_retention_period``)."""
        return self.enqueued_at + self.queue.retention

    def json(self) -> Any:
        """The body parsed as JSON (destination records, S3/SNS notifications...)."""
        return json.loads(self.body)

    def __repr__(self) -> str:
        return (f"<Message {self.message_id} {self.state} receive_count={self.receive_count} "
                f"body={self.body[:40]!r}>")  # fmt: skip


class Queue:
    """An SQS queue: ``send``, ``send_batch``, ``messages``, and ``subscribe(function)`` to
    connect a Lambda event source mapping.

    Settings (CreateQueue attributes, in snake_case): ``visibility_timeout`` (0-43,200 s,
    default 30), ``message_retention_period`` (60-1,209,600 s, default 345,600),
    ``delay_seconds`` (0-900), ``receive_message_wait_time_seconds`` (0-20),
    ``max_message_size`` (1,024-1,048,576 bytes, default 1 MiB), the redrive policy
    ``dead_letter_queue`` + ``max_receive_count`` (1-1,000, default 10), and for FIFO queues
    ``content_based_deduplication``.
    """

    def __init__(self, harness: Harness, name: str, *, fifo: bool = False, **settings: Any) -> None:
        fifo = fifo or name.endswith(".fifo")
        base = name[:-5] if name.endswith(".fifo") else name
        if not _QUEUE_NAME.match(base):
            raise QueueConfigError(
                f"queue name {name!r}: use 1 to 80 letters, digits, hyphens or underscores"
                " (FIFO queues end in .fifo)"
            )
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        self.harness = harness
        self.name = name
        self.fifo = fifo
        self.arn = aws.arn(harness.partition, "sqs", harness.region, harness.account_id, name)
        self.url = f"https://sqs.{harness.region}.amazonaws.com/{harness.account_id}/{name}"
        self.deleted = False
        self.settings = _check_settings(name, fifo, settings)
        self.visibility_timeout: int = self.settings["visibility_timeout"]
        self.message_retention_period: int = self.settings["message_retention_period"]
        self.delay_seconds: int = self.settings["delay_seconds"]
        self.max_message_size: int = self.settings["max_message_size"]
        self.max_receive_count: int | None = self.settings["max_receive_count"]
        self.dead_letter_queue: Queue | None = self.settings["dead_letter_queue"]
        self.content_based_deduplication: bool = self.settings["content_based_deduplication"]
        self.retention = timedelta(seconds=self.message_retention_period)
        self.mappings: list[EventSourceMapping] = []
        self._live: dict[str, Message] = {}  # every queued or in-flight message, oldest first
        self._sent_ms, self._received_ms = _EpochMsText(), _EpochMsText()
        self._visible: deque[Message] = deque()  # standard queues: ready to receive
        self._groups: dict[str, deque[Message]] = {}  # FIFO: each group's messages, in order
        self._group_in_flight: dict[str, int] = {}
        self._ready: list[tuple[int, str]] = []  # FIFO: (head sequence number, group) heap
        # delays and visibility timeouts that end, by time: messages received together share
        # one entry (a list per time, one heap entry per distinct time)
        self._due: dict[datetime, list[Message]] = {}
        self._due_times: list[datetime] = []
        self._deduplication: dict[str, tuple[datetime, Message]] = {}
        self._sequence = 10**19 + harness.rng.getrandbits(56)

    # --- sending -------------------------------------------------------------------------
    @property
    def messages(self) -> list[Message]:
        """The messages in the queue now (queued or in flight), oldest first."""
        now = self.harness.clock.now()
        self._expire_due(now)
        return [m for m in self._live.values() if m.expires_at > now]

    @checked_arguments
    def send(
        self,
        body: str,
        attributes: Mapping[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        *,
        delay_seconds: int | None = None,
        aws_trace_header: str | None = None,
        sender_id: str | None = None,
    ) -> Message:
        """``SendMessage``: ``attributes`` are message attributes (str, number, bytes or the
        full ``{"dataType": ..., "stringValue": ...}`` form). FIFO queues need ``group_id``,
        and ``deduplication_id`` unless the queue has ``content_based_deduplication``.

        A FIFO duplicate within the 5-minute deduplication interval is accepted but not
        enqueued; the message sent first is returned.
        """
        message_attributes = self._check_message(body, attributes)
        self._check_delay(delay_seconds)
        now = self.harness.clock.now()
        if self.fifo:
            group_id, deduplication_id = self._fifo_ids(body, group_id, deduplication_id)
            duplicate = self._duplicate_of(deduplication_id, now)
            if duplicate is not None:
                return duplicate
        elif deduplication_id is not None:
            raise QueueConfigError(
                f"{self.name}: deduplication_id (MessageDeduplicationId) is for FIFO queues only"
            )
        delay = self.delay_seconds if delay_seconds is None else delay_seconds
        message = Message(self, aws.uuid4(self.harness.rng), body, message_attributes, now,
                          now + timedelta(seconds=delay) if delay else now,
                          sender_id or self.harness.sender_id)  # fmt: skip
        message.aws_trace_header = aws_trace_header
        message.group_id = group_id  # on a standard queue it only labels the message
        if self.fifo:
            message.group_id, message.deduplication_id = group_id, deduplication_id
            self._deduplication[str(deduplication_id)] = (now + DEDUPLICATION_INTERVAL, message)
        self._enqueue(message)
        return message

    @checked_arguments
    def send_batch(self, entries: Sequence[str | Mapping[str, Any]]) -> list[Message]:
        """``SendMessageBatch``: up to 10 entries, each a body or a dict of ``send``'s
        arguments (``body``, ``attributes``, ``group_id``, ``deduplication_id``,
        ``delay_seconds``, ``aws_trace_header``); together at most ``max_message_size``."""
        if not 1 <= len(entries) <= MAX_BATCH_ENTRIES:
            raise QueueConfigError(
                f"{self.name}: a batch holds 1 to {MAX_BATCH_ENTRIES} entries, not {len(entries)}"
            )
        calls = [_batch_entry(self.name, entry) for entry in entries]
        total = sum(
            message_size(str(call["body"]), _message_attributes(self.name, call.get("attributes")))
            for call in calls
        )
        if total > self.max_message_size:
            raise QueueConfigError(
                f"{self.name}: BatchRequestTooLong: the batch is {total:,} bytes; "
                f"together the entries may hold at most {self.max_message_size:,}"
            )
        return [self.send(**call) for call in calls]

    def _check_message(
        self, body: Any, attributes: Mapping[str, Any] | None
    ) -> dict[str, dict[str, Any]] | None:
        if self.deleted:
            raise QueueConfigError(f"{self.name}: AWS.SimpleQueueService.NonExistentQueue: "
                                   "the queue was deleted")  # fmt: skip
        if not isinstance(body, str):
            raise QueueConfigError(
                f"{self.name}: a message body is a str, not {type(body).__name__}"
            )
        if not body:
            raise QueueConfigError(f"{self.name}: a message body needs at least 1 character")
        bad = _INVALID_BODY_CHARS.search(body)
        if bad is not None:
            raise QueueConfigError(
                f"{self.name}: InvalidMessageContents: the body has {bad.group()!r} at "
                f"{bad.start()}; SQS takes tab, newline, carriage return and #x20 upwards "
                "(no surrogates, no #xFFFE/#xFFFF)"
            )
        message_attributes = _message_attributes(self.name, attributes)
        size = message_size(body, message_attributes)
        if size > self.max_message_size:
            raise QueueConfigError(
                f"{self.name}: the message is {size:,} bytes (body and attributes); the queue's "
                f"max_message_size is {self.max_message_size:,}"
            )
        return message_attributes

    def _check_delay(self, delay_seconds: int | None) -> None:
        if delay_seconds is None:
            return
        if self.fifo:
            raise QueueConfigError(
                f"{self.name}: FIFO queues take no per-message delay_seconds (DelaySeconds); "
                "set delay_seconds on the queue instead"
            )
        _check_range(self.name, "delay_seconds", delay_seconds, DELAY_SECONDS, "seconds")

    def _fifo_ids(
        self, body: str, group_id: str | None, deduplication_id: str | None
    ) -> tuple[str, str]:
        if not group_id or not _FIFO_ID.match(group_id):
            raise QueueConfigError(
                f"{self.name}: a FIFO queue needs group_id (MessageGroupId: 1 to 128 printable "
                f"ASCII characters) on every message, not {group_id!r}"
            )
        if deduplication_id is None:
            if not self.content_based_deduplication:
                raise QueueConfigError(
                    f"{self.name}: The queue should either have ContentBasedDeduplication "
                    "enabled or MessageDeduplicationId provided explicitly (pass "
                    "deduplication_id, or create the queue with content_based_deduplication=True)"
                )
            deduplication_id = hashlib.sha256(body.encode()).hexdigest()
        elif not _FIFO_ID.match(deduplication_id):
            raise QueueConfigError(
                f"{self.name}: deduplication_id is 1 to 128 printable ASCII characters, "
                f"not {deduplication_id!r}"
            )
        return group_id, deduplication_id

    def _duplicate_of(self, deduplication_id: str, now: datetime) -> Message | None:
        seen = self._deduplication.get(deduplication_id)
        if seen is None:
            return None
        until, first = seen
        if now < until:
            return first
        del self._deduplication[deduplication_id]
        return None

    def _enqueue(self, message: Message) -> None:
        if self.fifo:
            self._sequence += 65_536
            message.sequence_number = self._sequence
            group = self._groups.setdefault(str(message.group_id), deque())
            group.append(message)
        self._live[message.message_id] = message
        if message.available_at > message.enqueued_at:
            self._timer(message.available_at, [message])
        elif self.fifo:
            self._mark_ready(str(message.group_id))
        else:
            self._visible.append(message)
        for mapping in self.mappings:
            mapping.wake(message.available_at)

    # --- receiving (the event source mapping's side of SQS) -----------------------------
    def receive(self, now: datetime, max_count: int, visibility_timeout: float) -> list[Message]:
        """``ReceiveMessage``: up to ``max_count`` messages, in flight for
        ``visibility_timeout`` seconds. On the way SQS deletes messages past retention and
        moves those received ``max_receive_count`` times to the dead-letter queue (4.4).

        Call ``release(now)`` first: messages whose visibility timeout ends at ``now`` come
        back then, never inside the receive that follows the failure that left them there.
        """
        visible_at = now + timedelta(seconds=visibility_timeout)
        out = (self._receive_fifo if self.fifo else self._receive_standard)(
            now, max_count, visible_at
        )
        if out:
            self._timer(visible_at, out)
        return out

    def _receive_standard(
        self, now: datetime, max_count: int, visible_at: datetime
    ) -> list[Message]:
        out: list[Message] = []
        visible = self._visible
        # _deliverable and _take, inline for the common message (a drain passes every message
        # through here): sent after the retention horizon, received fewer times than the limit
        horizon, limit = now - self.retention, self.max_receive_count or _NO_LIMIT
        first_receive = None
        while visible and len(out) < max_count:
            message = visible.popleft()
            if message.state is not QUEUED:
                continue
            if (
                message.enqueued_at <= horizon or message.receive_count >= limit
            ) and not self._deliverable(message, now):
                continue  # expired or dead-lettered on the way
            message.state = IN_FLIGHT
            message.receive_count += 1
            message.visible_at = visible_at
            if message.first_received_at is None:
                message.first_received_at = now
                first_receive = first_receive or self._received_ms(now)
                message.first_receive_timestamp = first_receive
            out.append(message)
        return out

    def _receive_fifo(self, now: datetime, max_count: int, visible_at: datetime) -> list[Message]:
        """FIFO: oldest group first, as many of a group's messages as fit, and nothing from a
        group with a message in flight (4.6)."""
        out: list[Message] = []
        while self._ready and len(out) < max_count:
            sequence, group_id = heapq.heappop(self._ready)
            group = self._groups.get(group_id)
            if not group or self._group_in_flight.get(group_id) or (
                    group[0].sequence_number != sequence):  # fmt: skip
                continue  # a stale entry: the group changed since it was marked ready
            taken = self._take_from_group(group, now, max_count - len(out), visible_at)
            if taken:
                self._group_in_flight[group_id] = len(taken)
                out += taken
            elif group and group[0].available_at <= now:
                self._mark_ready(group_id)
        return out

    def _take_from_group(
        self, group: deque[Message], now: datetime, limit: int, visible_at: datetime
    ) -> list[Message]:
        taken: list[Message] = []
        index = 0
        while index < len(group) and len(taken) < limit:
            message = group[index]
            if message.available_at > now:
                break
            if self._deliverable(message, now):  # else it left the group (expired or DLQ)
                self._take(message, now, visible_at)
                taken.append(message)
                index += 1
        return taken

    def _deliverable(self, message: Message, now: datetime) -> bool:
        """False (and the message leaves) if SQS would expire or dead-letter it instead."""
        if message.enqueued_at + self.retention <= now:
            self._remove(message, EXPIRED)
            return False
        limit = self.max_receive_count
        if limit is not None and message.receive_count >= limit:
            self._dead_letter(message, now)
            return False
        return True

    def _take(self, message: Message, now: datetime, visible_at: datetime) -> None:
        """In flight until ``visible_at`` (``receive`` schedules its return)."""
        message.state = IN_FLIGHT
        message.receive_count += 1
        message.visible_at = visible_at
        if message.first_received_at is None:
            message.first_received_at = now
            message.first_receive_timestamp = self._received_ms(now)

    def delete(self, message: Message) -> bool:
        """``DeleteMessage`` for an in-flight message; False if it is no longer in flight."""
        if message.state is not IN_FLIGHT or message.queue is not self:
            return False
        self._remove(message, DELETED)
        return True

    def delete_batch(self, messages: list[Message]) -> list[Message]:
        """``DeleteMessageBatch``: the messages that were in flight here, now deleted."""
        if self.fifo:
            return [message for message in messages if self.delete(message)]
        # a standard queue's deletion only leaves _live: done inline, as a poller deletes
        # every successful batch this way
        live = self._live
        deleted = []
        for message in messages:
            if message.state is IN_FLIGHT and message.queue is self:
                message.state = DELETED
                live.pop(message.message_id, None)
                deleted.append(message)
        return deleted

    def release(self, now: datetime) -> None:
        """Apply what time did: delays and visibility timeouts that ended, retention."""
        times = self._due_times
        while times and times[0] <= now:
            when = heapq.heappop(times)
            for message in self._due.pop(when):
                if message.state is QUEUED:  # a delay ended (one entry per message)
                    self._make_visible(message)
                elif message.state is IN_FLIGHT and message.visible_at == when:
                    message.state = QUEUED
                    message.visible_at = None
                    if self.fifo:
                        self._group_in_flight[str(message.group_id)] -= 1
                    self._make_visible(message)
        self._expire_due(now)

    def next_change(self) -> datetime | None:
        """The next time a message may become visible, or expires (a poller's next wake; it
        may find nothing to do, if the messages due then were deleted meanwhile)."""
        times = [self._due_times[0]] if self._due_times else []
        oldest = next(iter(self._live.values()), None)
        if oldest is not None:
            times.append(oldest.expires_at)
        return min(times, default=None)

    def _make_visible(self, message: Message) -> None:
        if self.fifo:
            group_id = str(message.group_id)
            if not self._group_in_flight.get(group_id):
                self._mark_ready(group_id)
        else:
            self._visible.append(message)

    def _mark_ready(self, group_id: str) -> None:
        group = self._groups.get(group_id)
        if group:
            heapq.heappush(self._ready, (int(group[0].sequence_number or 0), group_id))

    def _timer(self, when: datetime, messages: list[Message]) -> None:
        """``messages`` come back (or out of their delay) at ``when``."""
        due = self._due.get(when)
        if due is None:
            self._due[when] = list(messages)
            heapq.heappush(self._due_times, when)
        else:
            due += messages

    def _expire_due(self, now: datetime) -> None:
        """Retention: SQS deletes messages older than ``message_retention_period``, processed
        or not, in flight or not (4.4). Messages sit in ``_live`` oldest first."""
        live = self._live
        while live:
            oldest = next(iter(live.values()))
            if oldest.expires_at > now:
                return
            self._remove(oldest, EXPIRED)

    def _remove(self, message: Message, state: str) -> None:
        was_in_flight = message.state is IN_FLIGHT
        message.state = state
        self._live.pop(message.message_id, None)
        if self.fifo:
            group_id = str(message.group_id)
            group = self._groups[group_id]
            group.remove(message)
            if was_in_flight:
                self._group_in_flight[group_id] -= 1
            if not group:
                del self._groups[group_id]
                self._group_in_flight.pop(group_id, None)
            elif not self._group_in_flight.get(group_id):
                self._mark_ready(group_id)
        if state is EXPIRED:
            self._finish(message, "expired", "MessageRetentionPeriodExceeded",
                         f"SQS deleted it after message_retention_period="
                         f"{self.message_retention_period:,} s (4.4)")  # fmt: skip

    def _dead_letter(self, message: Message, now: datetime) -> None:
        """Redrive: SQS moves a message received ``max_receive_count`` times to the
        dead-letter queue instead of returning it again (4.4)."""
        dlq = self.dead_letter_queue
        assert dlq is not None
        self._remove(message, DEAD_LETTERED)
        dlq._accept_dead_letter(message, self.arn, now)
        last = message.delivery.reason if message.delivery is not None else None
        self._finish(message, "failed", "MaxReceiveCountExceeded",
                     f"received {message.receive_count} times (max_receive_count="
                     f"{self.max_receive_count}), moved to {dlq.name}"
                     + (f"; last failure: {last}" if last else ""))  # fmt: skip

    def _accept_dead_letter(self, original: Message, source_arn: str, now: datetime) -> None:
        """A message redriven here: same id, body and attributes, with the source queue's ARN
        in ``DeadLetterQueueSourceArn``. A standard DLQ keeps the original enqueue time for
        retention; a FIFO DLQ resets it and uses the message id as deduplication id."""
        message = Message(self, original.message_id, original.body,
                          original._message_attributes, original.sent_at, now,
                          original.sender_id)  # fmt: skip
        message.receive_count = original.receive_count
        message.first_received_at = original.first_received_at
        message.first_receive_timestamp = original.first_receive_timestamp
        message.aws_trace_header = original.aws_trace_header
        message.dead_letter_queue_source_arn = source_arn
        if self.fifo:
            message.enqueued_at = now
            message.group_id = original.group_id
            message.deduplication_id = original.message_id
        else:
            message.enqueued_at = original.enqueued_at
        self._enqueue(message)

    def _finish(self, message: Message, status: str, condition: str, reason: str) -> None:
        delivery = message.delivery
        if delivery is None and self.mappings:
            delivery = self.mappings[0].open_delivery(message)
        if delivery is not None and delivery.status == "pending":
            delivery.finish(status, condition, self.harness.clock.now(), reason=reason)

    # --- event source mappings -----------------------------------------------------------
    @checked_arguments
    def subscribe(
        self,
        function: Function,
        *,
        batch_size: int = 10,
        batching_window: int = 0,
        report_batch_item_failures: bool = False,
        filter_criteria: Mapping[str, Any] | Sequence[Mapping[str, Any] | str] | None = None,
        max_concurrency: int | None = None,
        enabled: bool = True,
    ) -> EventSourceMapping:
        """Connect ``function`` with a Lambda event source mapping (CreateEventSourceMapping):
        Lambda polls the queue and invokes the function with batches (semantics.md 4)."""
        from ..flows.sqs_mapping import EventSourceMapping

        return EventSourceMapping(
            self, function, batch_size=batch_size, batching_window=batching_window,
            report_batch_item_failures=report_batch_item_failures,
            filter_criteria=filter_criteria, max_concurrency=max_concurrency, enabled=enabled,
        )  # fmt: skip

    def delete_queue(self) -> None:
        """``DeleteQueue``: the messages go; senders and pollers get NonExistentQueue."""
        self.deleted = True
        for message in list(self._live.values()):
            self._remove(message, DELETED)

    # As an asynchronous-invocation destination and dead-letter queue (semantics.md 2.4-2.5).
    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        self.send(json.dumps(record))

    def receive_dead_letter(self, event: Any, attributes: dict[str, str]) -> None:
        self.send(json.dumps(event), attributes={
            "RequestID": attributes["RequestID"],
            "ErrorCode": {"dataType": "Number", "stringValue": attributes["ErrorCode"]},
            "ErrorMessage": attributes["ErrorMessage"],
        })  # fmt: skip

    def __repr__(self) -> str:
        kind = "FIFO " if self.fifo else ""
        return f"<{kind}Queue {self.name} messages={len(self._live)}>"


def _check_settings(name: str, fifo: bool, settings: dict[str, Any]) -> dict[str, Any]:
    unknown = [key for key in settings if key not in _DEFAULTS]
    if unknown:
        raise QueueConfigError(
            f"{name}: unknown queue setting {unknown[0]!r}{did_you_mean(unknown[0], _DEFAULTS)};"
            f" settings are {', '.join(_DEFAULTS)}"
        )
    values = {**_DEFAULTS, **settings}
    for key, limits, unit in (
        ("visibility_timeout", VISIBILITY_TIMEOUT_S, "seconds"),
        ("message_retention_period", MESSAGE_RETENTION_PERIOD_S, "seconds"),
        ("delay_seconds", DELAY_SECONDS, "seconds"),
        ("receive_message_wait_time_seconds", RECEIVE_MESSAGE_WAIT_TIME_S, "seconds"),
        ("max_message_size", MAX_MESSAGE_SIZE_BYTES, "bytes"),
    ):
        _check_range(name, key, values[key], limits, unit)
    _check_redrive(name, fifo, values)
    if values["content_based_deduplication"] and not fifo:
        raise QueueConfigError(f"{name}: content_based_deduplication is for FIFO queues only")
    return values


def _check_redrive(name: str, fifo: bool, values: dict[str, Any]) -> None:
    dlq, count = values["dead_letter_queue"], values["max_receive_count"]
    if dlq is None:
        if count is not None:
            raise QueueConfigError(
                f"{name}: max_receive_count needs a dead_letter_queue (the redrive policy's "
                "deadLetterTargetArn)"
            )
        return
    if not isinstance(dlq, Queue):
        raise QueueConfigError(
            f"{name}: dead_letter_queue is a harness SQS queue, not {type(dlq).__name__}"
        )
    if dlq.fifo != fifo:
        kind = "FIFO" if fifo else "standard"
        raise QueueConfigError(
            f"{name}: the dead-letter queue of a {kind} queue must be a {kind} queue too, "
            f"not {dlq.name}"
        )
    if dlq.name == name:
        raise QueueConfigError(f"{name}: a queue cannot be its own dead-letter queue")
    if count is None:
        values["max_receive_count"] = DEFAULT_MAX_RECEIVE_COUNT
    else:
        _check_range(name, "max_receive_count", count, MAX_RECEIVE_COUNT, "receives")


def _check_range(name: str, key: str, value: Any, limits: tuple[int, int], unit: str) -> None:
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int):
        raise QueueConfigError(
            f"{name}: {key} must be an int from {low:,} to {high:,} {unit}, not {value!r}"
        )
    if not low <= value <= high:
        raise QueueConfigError(
            f"{name}: {key}={value:,} is out of range; SQS allows {low:,} to {high:,} {unit}"
        )


def _message_attributes(
    name: str, attributes: Mapping[str, Any] | None
) -> dict[str, dict[str, Any]] | None:
    if not attributes:
        return None
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        raise QueueConfigError(
            f"{name}: {len(attributes)} message attributes; SQS allows at most "
            f"{MAX_MESSAGE_ATTRIBUTES}"
        )
    out = {}
    for key, value in attributes.items():
        if not isinstance(value, str | int | float | bytes | Mapping) or isinstance(value, bool):
            raise QueueConfigError(
                f"{name}: message attribute {key!r} is a {type(value).__name__}; use str, int, "
                "float, bytes or a dict with dataType and stringValue/binaryValue"
            )
        attribute = message_attribute(value)
        if "dataType" not in attribute or not ({"stringValue", "binaryValue"} & attribute.keys()):
            raise QueueConfigError(
                f"{name}: message attribute {key!r} needs dataType and stringValue/binaryValue"
            )
        out[key] = attribute
    return out


_BATCH_KEYS = ("body", "attributes", "group_id", "deduplication_id", "delay_seconds",
               "aws_trace_header")  # fmt: skip


def _batch_entry(name: str, entry: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(entry, str):
        return {"body": entry}
    if not isinstance(entry, Mapping) or "body" not in entry:
        raise QueueConfigError(
            f"{name}: a batch entry is a body or a dict with 'body' (and optionally "
            f"{', '.join(_BATCH_KEYS[1:])}), not {entry!r}"
        )
    unknown = [k for k in entry if k not in _BATCH_KEYS]
    if unknown:
        raise QueueConfigError(
            f"{name}: unknown batch entry key {unknown[0]!r}{did_you_mean(unknown[0], _BATCH_KEYS)}"
        )
    call = dict(entry)
    if call.get("attributes"):
        call["attributes"] = dict(call["attributes"])
    return call
