"""SQS queues in the harness. This module holds the queue and its messages; the event source
mapping that polls a queue is a flow of its own."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import LambdaEventsError
from ..sources.sqs import md5_of_message_attributes, message_attribute
from ..timefmt import epoch_ms

if TYPE_CHECKING:
    from . import Harness
    from .function import Function

_QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
MAX_MESSAGE_BYTES = 262_144  # 256 KiB: SQS's default and maximum message size
MAX_BATCH_ENTRIES = 10


class QueueConfigError(LambdaEventsError, ValueError):
    """A queue setting or message SQS would refuse."""


@dataclass
class Message:
    """A message in a queue, with ``attributes`` and ``message_attributes`` in the same form as
    an SQS event record has them."""

    message_id: str
    body: str
    attributes: dict[str, str]
    message_attributes: dict[str, dict[str, Any]]
    md5_of_body: str
    md5_of_message_attributes: str | None
    sent_at: datetime
    receive_count: int = 0
    group_id: str | None = None
    deduplication_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def json(self) -> Any:
        """The body parsed as JSON (destination records, S3/SNS notifications...)."""
        return json.loads(self.body)


class Queue:
    """An SQS queue: ``send``, ``send_batch``, and the ``messages`` it holds."""

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
        self.settings = settings
        self.arn = aws.arn(harness.partition, "sqs", harness.region, harness.account_id, name)
        self.url = f"https://sqs.{harness.region}.amazonaws.com/{harness.account_id}/{name}"
        self._messages: list[Message] = []
        self._sequence = 10**19 + harness.rng.getrandbits(56)

    @property
    def messages(self) -> list[Message]:
        """The messages in the queue now, oldest first."""
        return list(self._messages)

    def send(
        self,
        body: str,
        attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> Message:
        """``SendMessage``: ``attributes`` are message attributes (str, number, bytes or the
        full ``{"dataType": ..., "stringValue": ...}`` form)."""
        if not isinstance(body, str):
            raise QueueConfigError(
                f"{self.name}: a message body is a str, not {type(body).__name__}"
            )
        if self.fifo and not group_id:
            raise QueueConfigError(
                f"{self.name}: a FIFO queue needs group_id (MessageGroupId) on every message"
            )
        message_attributes = {k: message_attribute(v) for k, v in (attributes or {}).items()}
        size = len(body.encode()) + sum(len(k) for k in message_attributes)
        if size > MAX_MESSAGE_BYTES:
            raise QueueConfigError(
                f"{self.name}: the message is {size:,} bytes; "
                f"SQS takes at most {MAX_MESSAGE_BYTES:,}"
            )
        message = self._new_message(body, message_attributes, group_id, deduplication_id)
        self._messages.append(message)
        return message

    def send_batch(self, bodies: list[str]) -> list[Message]:
        """``SendMessageBatch``: up to 10 entries."""
        if not 1 <= len(bodies) <= MAX_BATCH_ENTRIES:
            raise QueueConfigError(
                f"{self.name}: a batch holds 1 to {MAX_BATCH_ENTRIES} entries, not {len(bodies)}"
            )
        return [self.send(body) for body in bodies]

    def _new_message(
        self,
        body: str,
        message_attributes: dict[str, dict[str, Any]],
        group_id: str | None,
        deduplication_id: str | None,
    ) -> Message:
        harness = self.harness
        now = harness.clock.now()
        system = {
            "ApproximateReceiveCount": "0",
            "SentTimestamp": str(epoch_ms(now)),
            "SenderId": harness.sender_id,
        }
        if self.fifo:
            self._sequence += 65_536
            deduplication_id = deduplication_id or hashlib.sha256(body.encode()).hexdigest()
            system.update(SequenceNumber=str(self._sequence), MessageGroupId=str(group_id),
                          MessageDeduplicationId=deduplication_id)  # fmt: skip
        return Message(
            message_id=aws.uuid4(harness.rng), body=body, attributes=system,
            message_attributes=message_attributes,
            md5_of_body=hashlib.md5(body.encode()).hexdigest(),
            md5_of_message_attributes=md5_of_message_attributes(message_attributes),
            sent_at=now, group_id=group_id, deduplication_id=deduplication_id,
        )  # fmt: skip

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
        return f"<Queue {self.name} messages={len(self._messages)}>"
