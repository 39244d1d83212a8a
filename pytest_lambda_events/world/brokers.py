"""Amazon MQ brokers in the harness: ActiveMQ and RabbitMQ queues, and the event source
mapping that reads one queue (semantics.md 6.2).

A failed batch is retried whole until it succeeds; its messages come back with
``redelivered: true``. ActiveMQ: Lambda uses the broker's default redelivery policy with
``maximumRedeliveries = 5``, so a message's 6th failed delivery moves it to ``ActiveMQ.DLQ``
(its delivery ``failed``, condition ``MaximumRedeliveries``); an expired message (JMSExpiration)
goes there too. RabbitMQ has no dead-letter queue by default: a failing message is retried until
it succeeds or its ``expiration`` (per-message TTL, ms) passes (``expired``).

Approximations (AWS does not document these; the closest documented behaviour is used):

* Redelivery spacing: ActiveMQ's default ``initialRedeliveryDelay`` of 1 s, no exponential
  back-off (ActiveMQ's RedeliveryPolicy defaults), for both engines.
* The condition words ``MaximumRedeliveries``, ``Expired`` and ``MessageTTLExpired`` are the
  harness's, not AWS's.
* One mapping per queue: a second would compete for the messages, which is not modelled.
* A RabbitMQ message without ``expiration`` that keeps failing raises ``HarnessStall`` after
  ``STALL_ATTEMPTS`` failed attempts (flows/broker_mapping.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventSourceMappingError, HarnessError, checked_arguments, did_you_mean
from ..flows.broker_mapping import BatchRetryMapping, record_bytes
from ..ledger import Delivery
from ..sources._brokers import as_bytes, b64
from ..sources.mq import (
    MESSAGE_TYPES,
    activemq_message,
    rabbitmq_headers,
    rabbitmq_properties,
)
from ..timefmt import epoch_ms

if TYPE_CHECKING:
    from . import Harness
    from .function import Function

ENGINES = ("ActiveMQ", "RabbitMQ")
MAXIMUM_REDELIVERIES = 5  # the redelivery policy Lambda uses (6.2)
DLQ_NAME = "ActiveMQ.DLQ"
MAX_FUNCTION_TIMEOUT_S = 840  # functions behind MQ mappings: 14 minutes (6.1)
ACTIVEMQ_PROPERTIES = ("message_type", "delivery_mode", "priority", "correlation_id", "reply_to",
                       "type", "expiration", "properties")  # fmt: skip
RABBITMQ_PROPERTIES = ("content_type", "content_encoding", "headers", "delivery_mode", "priority",
                       "correlation_id", "reply_to", "expiration", "message_id", "type",
                       "user_id", "app_id")  # fmt: skip
_CONTENT_TYPE_OF: dict[type, str] = {str: "text/plain", bytes: "application/octet-stream"}


class BrokerMessage:
    """A message on a broker queue: ``body`` (bytes), ``properties`` as sent,
    ``delivery_count`` (deliveries to Lambda so far), ``state`` (queued, acknowledged,
    dead_lettered, expired)."""

    def __init__(
        self, queue: BrokerQueue, message_id: str, body: bytes, properties: dict[str, Any],
        sent_ms: int, data: Any,
    ) -> None:  # fmt: skip
        self.queue = queue
        self.message_id = message_id
        self.body = body
        self.data = data
        self.properties = properties
        self.sent_ms = sent_ms
        self.delivery_count = 0
        self.state = "queued"
        self.delivery: Delivery | None = None

    @property
    def redelivered(self) -> bool:
        return self.delivery_count > 0

    def expires_at_ms(self) -> int | None:
        """ActiveMQ: JMSExpiration (epoch ms, 0 never); RabbitMQ: sent + TTL (ms)."""
        expiration = self.properties.get("expiration")
        if self.queue.broker.engine == "ActiveMQ":
            return int(expiration) if expiration else None
        return None if expiration is None else self.sent_ms + int(expiration)

    def __repr__(self) -> str:
        return f"<BrokerMessage {self.message_id} {self.state} deliveries={self.delivery_count}>"


class MqBroker:
    """``h.mq_broker(name, engine=...)``: an Amazon MQ broker; ``queue(name)`` gets or makes
    a queue."""

    def __init__(self, harness: Harness, name: str, engine: str) -> None:
        if engine not in ENGINES:
            raise HarnessError(
                f"mq_broker {name}: engine is 'ActiveMQ' or 'RabbitMQ', not {engine!r}"
                + did_you_mean(str(engine), ENGINES)
            )
        self.harness = harness
        self.name = name
        self.engine = engine
        self.broker_id = f"b-{aws.uuid4(harness.rng)}"
        self.arn = aws.arn(harness.partition, "mq", harness.region, harness.account_id,
                           f"broker:{name}:{self.broker_id}")  # fmt: skip
        self.host = f"{self.broker_id}-1.mq.{harness.region}.amazonaws.com"
        started = epoch_ms(harness.clock.now())
        self.connection_id = f"ID:{self.host}-{32768 + harness.rng.randrange(28000)}-{started}-1:1"
        self.queues: dict[tuple[str, str], BrokerQueue] = {}
        self._sequence = 0

    @checked_arguments
    def queue(self, name: str, virtual_host: str = "/") -> BrokerQueue:
        """The queue ``name`` (RabbitMQ: in ``virtual_host``), made on first use."""
        if not isinstance(name, str) or not 0 < len(name) <= 1000:
            raise HarnessError(f"a queue name has 1 to 1,000 characters, not {name!r}")
        if self.engine == "ActiveMQ" and virtual_host != "/":
            raise HarnessError("virtual_host is RabbitMQ's; ActiveMQ queues have none")
        if not virtual_host:
            raise HarnessError("a virtual host has a name; the default one is '/'")
        key = (name, virtual_host)
        queue = self.queues.get(key)
        if queue is None:
            queue = self.queues[key] = BrokerQueue(self, name, virtual_host)
        return queue

    @property
    def dead_letter_queue(self) -> BrokerQueue | None:
        """ActiveMQ's shared dead-letter queue ``ActiveMQ.DLQ``; RabbitMQ has none by default."""
        return self.queue(DLQ_NAME) if self.engine == "ActiveMQ" else None

    def next_message_id(self) -> str:
        self._sequence += 1
        return f"{self.connection_id}:1:{self._sequence}"

    def __repr__(self) -> str:
        return f"<MqBroker {self.name} {self.engine} queues={len(self.queues)}>"


class BrokerQueue:
    """A queue of an Amazon MQ broker: ``send``, ``messages`` (waiting, in order),
    ``dead_letter_messages`` and ``subscribe``."""

    def __init__(self, broker: MqBroker, name: str, virtual_host: str) -> None:
        self.broker = broker
        self.harness = broker.harness
        self.name = name
        self.virtual_host = virtual_host
        self._messages: list[BrokerMessage] = []
        self.mapping: BrokerMapping | None = None

    @property
    def messages(self) -> list[BrokerMessage]:
        """The messages on the queue (not acknowledged, dead-lettered or expired), in order;
        on ``ActiveMQ.DLQ``, the dead-lettered messages of every queue."""
        return list(self._messages)

    @property
    def dead_letter_messages(self) -> list[BrokerMessage]:
        """What the broker's ``ActiveMQ.DLQ`` holds from this queue (RabbitMQ: none)."""
        dlq = self.broker.dead_letter_queue
        return [] if dlq is None else [m for m in dlq._messages if m.queue is self]

    @checked_arguments
    def send(self, data: Any, **properties: Any) -> BrokerMessage:
        """Publish a message: ``data`` is bytes, text or JSON (a dict or list); ``properties``
        are the engine's (ActiveMQ: message_type, delivery_mode, priority, correlation_id,
        reply_to, type, expiration (epoch ms), properties; RabbitMQ: content_type,
        content_encoding, headers, delivery_mode, priority, correlation_id, reply_to,
        expiration (TTL ms), message_id, type, user_id, app_id)."""
        allowed = ACTIVEMQ_PROPERTIES if self.broker.engine == "ActiveMQ" else RABBITMQ_PROPERTIES
        for key in properties:
            if key not in allowed:
                raise HarnessError(
                    f"{self.name}: {key!r} is not a {self.broker.engine} message property"
                    f"{did_you_mean(key, allowed)}; they are {', '.join(allowed)}"
                )
        body = as_bytes(data)
        props = self._check_properties(data, body, dict(properties))
        now = self.harness.clock.now()
        message = BrokerMessage(self, self.broker.next_message_id(), body, props,
                                epoch_ms(now), data)  # fmt: skip
        self._messages.append(message)
        if self.mapping is not None:
            message.delivery = self.mapping.offer(message, now)
        return message

    def _check_properties(self, data: Any, body: bytes, props: dict[str, Any]) -> dict[str, Any]:
        if self.broker.engine == "ActiveMQ":
            kind = props.setdefault("message_type", MESSAGE_TYPES[isinstance(data, bytes)])
            if kind not in MESSAGE_TYPES:
                raise HarnessError(f"{self.name}: message_type is one of {MESSAGE_TYPES}")
            if kind == MESSAGE_TYPES[0]:
                try:
                    body.decode()
                except UnicodeDecodeError:
                    raise HarnessError(f"{self.name}: a jms/text-message carries UTF-8 text; "
                                       "use jms/bytes-message") from None  # fmt: skip
            given = props.get("properties")
            if given is not None and not all(isinstance(v, str) for v in given.values()):
                raise HarnessError(f"{self.name}: JMS properties reach Lambda as strings")
            if not 0 <= props.get("priority", 4) <= 9:
                raise HarnessError(f"{self.name}: JMS priority is 0 to 9")
        else:
            if props.get("headers") is not None:
                try:
                    props["headers"] = rabbitmq_headers(props["headers"])
                except TypeError as exc:
                    raise HarnessError(f"{self.name}: headers: {exc}") from None
            props.setdefault("content_type", _CONTENT_TYPE_OF.get(type(data), "application/json"))
            if not 0 <= (props.get("priority") or 0) <= 255:
                raise HarnessError(f"{self.name}: priority is 0 to 255")
        if props.get("delivery_mode", 2) not in (1, 2):
            raise HarnessError(f"{self.name}: delivery_mode is 1 or 2")
        expiration = props.get("expiration")
        if expiration is not None and (isinstance(expiration, bool) or not isinstance(
                expiration, int) or expiration < 0):  # fmt: skip
            raise HarnessError(f"{self.name}: expiration is an int of milliseconds >= 0")
        return props

    @checked_arguments
    def subscribe(
        self,
        function: Function,
        *,
        batch_size: int = 100,
        batching_window: int | None = None,
    ) -> BrokerMapping:
        """An event source mapping reading this queue (``Queues``: exactly this one):
        batches of ``batch_size`` (1 to 10,000), after ``batching_window`` seconds (None: the
        500 ms default; 0 to 300)."""
        if self.mapping is not None:
            raise EventSourceMappingError(
                f"{self.name} has a mapping already ({self.mapping.function.name}); the harness "
                "models one consumer per queue"
            )
        if self.broker.dead_letter_queue is self:
            raise EventSourceMappingError(f"{DLQ_NAME} is the broker's dead-letter queue")
        mapping = BrokerMapping(self, function, batch_size=batch_size,
                                batching_window=batching_window)  # fmt: skip
        self.mapping = mapping
        for message in self.messages:
            message.delivery = mapping.offer(message, mapping.harness.clock.now())
        return mapping

    def _leave(self, message: BrokerMessage, state: str) -> None:
        """The message leaves the queue: acknowledged, expired or dead-lettered (then
        ``ActiveMQ.DLQ`` holds it; it keeps ``queue``, its origin)."""
        message.state = state
        self._messages.remove(message)
        if state == "dead_lettered":
            dlq = self.broker.dead_letter_queue
            assert dlq is not None
            dlq._messages.append(message)

    def __repr__(self) -> str:
        return f"<BrokerQueue {self.name} {self.broker.engine} messages={len(self.messages)}>"


class BrokerMapping(BatchRetryMapping):
    """``queue.subscribe(fn, ...)``: ``deliveries`` (one per message: ``succeeded``,
    ``failed`` (ActiveMQ DLQ, ``MaximumRedeliveries``; or ``RecordTooLarge``), ``expired``
    or ``pending``) and ``invocations``."""

    def __init__(self, queue: BrokerQueue, function: Function, *, batch_size: int,
                 batching_window: int | None) -> None:  # fmt: skip
        if function.timeout > MAX_FUNCTION_TIMEOUT_S:
            raise EventSourceMappingError(
                f"InvalidParameterValueException: {function.name} has a {function.timeout:g} s "
                f"timeout; functions behind Amazon MQ mappings take at most "
                f"{MAX_FUNCTION_TIMEOUT_S} s (14 minutes)"
            )
        self.queue = queue
        self.broker = queue.broker
        self.source_id = "mq" if queue.broker.engine == "ActiveMQ" else "rabbitmq"
        super().__init__(queue, function, flow=f"{self.source_id}:{queue.name}->{function.name}",
                         kind="queue", batch_size=batch_size,
                         batching_window=batching_window)  # fmt: skip

    def event(self, items: list[Any], now: datetime) -> tuple[dict[str, Any], list[int]]:
        out = epoch_ms(now)
        event: dict[str, Any]
        if self.broker.engine == "ActiveMQ":
            records = [self._activemq(message, out) for message in items]
            event = {"eventSource": "aws:mq", "eventSourceArn": self.broker.arn,
                     "messages": records}  # fmt: skip
        else:
            records = [self._rabbitmq(message) for message in items]
            key = f"{self.queue.name}::{self.queue.virtual_host}"
            event = {"eventSource": "aws:rmq", "eventSourceArn": self.broker.arn,
                     "rmqMessagesByQueue": {key: records}}  # fmt: skip
        return event, [record_bytes(r) for r in records]

    def dispatched(self, items: list[Any]) -> None:
        for message in items:
            message.delivery_count += 1

    def _activemq(self, message: BrokerMessage, out: int) -> dict[str, Any]:
        p = message.properties
        return activemq_message(
            message.body, message_id=message.message_id, message_type=p["message_type"],
            queue=self.queue.name, sent=message.sent_ms, broker_in=message.sent_ms,
            broker_out=out, connection_id=self.broker.connection_id,
            redelivered=message.redelivered, delivery_mode=p.get("delivery_mode", 2),
            correlation_id=p.get("correlation_id") or "", reply_to=p.get("reply_to"),
            type=p.get("type") or "", expiration=p.get("expiration") or 0,
            priority=p.get("priority", 4), properties=p.get("properties"),
        )  # fmt: skip

    def _rabbitmq(self, message: BrokerMessage) -> dict[str, Any]:
        p = message.properties
        properties = rabbitmq_properties(
            message.body, sent=message.sent_ms, content_type=p.get("content_type"),
            content_encoding=p.get("content_encoding"), headers=p.get("headers"),
            delivery_mode=p.get("delivery_mode", 2), priority=p.get("priority"),
            correlation_id=p.get("correlation_id"), reply_to=p.get("reply_to"),
            expiration=p.get("expiration"), message_id=p.get("message_id"), type=p.get("type"),
            user_id=p.get("user_id"), app_id=p.get("app_id"),
        )  # fmt: skip
        return {"basicProperties": properties, "redelivered": message.redelivered,
                "data": b64(message.body)}  # fmt: skip

    def alive(self, delivery: Delivery, now: datetime) -> bool:
        message: BrokerMessage = delivery.item
        if message.state != "queued" or message.queue is not self.queue:
            return False
        expires = message.expires_at_ms()
        if expires is None or epoch_ms(now) < expires:
            return True
        if self.broker.engine == "ActiveMQ":  # ActiveMQ sends expired messages to its DLQ
            self.queue._leave(message, "dead_lettered")
            delivery.finish("expired", "Expired", now, reason=(
                f"JMSExpiration {expires} passed; the broker moved it to {DLQ_NAME}"))  # fmt: skip
        else:
            self.queue._leave(message, "expired")
            delivery.finish("expired", "MessageTTLExpired", now, reason=(
                f"its expiration ({message.properties['expiration']} ms) passed; RabbitMQ "
                "dropped it (no dead-letter exchange by default)"))  # fmt: skip
        return False

    def failed(self, deliveries: list[Delivery], reason: str, now: datetime) -> list[Delivery]:
        retry = []
        for delivery in deliveries:
            delivery.reason = reason
            message: BrokerMessage = delivery.item
            if self.broker.engine == "ActiveMQ" and message.delivery_count > MAXIMUM_REDELIVERIES:
                self.queue._leave(message, "dead_lettered")
                delivery.finish("failed", "MaximumRedeliveries", now, reason=(
                    f"delivered {message.delivery_count} times (maximumRedeliveries="
                    f"{MAXIMUM_REDELIVERIES}), moved to {DLQ_NAME}; last failure: {reason}"
                ))  # fmt: skip
            else:
                retry.append(delivery)
        return retry

    def succeeded(self, deliveries: list[Delivery], now: datetime) -> None:
        for delivery in deliveries:
            delivery.finish("succeeded", "Success", now)
            delivery.item.state = "acknowledged"
        done = {id(d.item) for d in deliveries}
        self.queue._messages = [m for m in self.queue._messages if id(m) not in done]

    def stall_hint(self) -> str:
        return (
            "RabbitMQ has no dead-letter queue by default: give the messages an "
            "expiration (TTL, ms), make the handler succeed, or use h.advance(...)"
        )
