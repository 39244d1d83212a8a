"""Amazon MQ: the batch an Amazon MQ event source mapping sends from an ActiveMQ broker (``mq``)
or a RabbitMQ broker (``rabbitmq``), one queue per mapping (reference/shapes.md 28,
semantics.md 6.2)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_json_from, is_user_record
from ..registry import EventSource, Option, Options
from ._brokers import (
    MAX_BATCH,
    as_bytes,
    b64,
    check_batch_bytes,
    check_count,
    check_event_size,
    draws_for,
    java_bytes,
)

MESSAGE_TYPES = ("jms/text-message", "jms/bytes-message")
_BROKER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QUEUE_SUFFIXES = ("queue", "inbox", "tasks", "requests", "work")
_CONTENT_TYPE_OF: dict[type, str] = {str: "text/plain", bytes: "application/octet-stream"}
_HEADERS_UP_TO = 1000
_PROPERTY_NAMES = ("tenant", "eventType", "origin", "schemaVersion")
_BROKER_SUFFIXES = ("broker", "mq", "bus")
_EPOCH_DAY = date(1970, 1, 1)
_BODY_MASK = (1 << 256) - 1  # a record's body bits (business_json_from)


def _count(ctx: BuildContext, o: Options) -> int:
    if o.data is not None:
        return check_count(ctx, o.count, "data", len(o.data))
    return int(o.count or 1)


def _payloads(ctx: BuildContext, o: Options, count: int) -> list[bytes] | None:
    """Each message's body as bytes as the caller gave it, or None: JSON documents drawn from
    each record's bits."""
    if o.data is not None and o.payload is not None:
        ctx.fail("payload", "pass either payload (every message) or data (one per message)")
    if o.data is None and o.payload is None:
        return None
    raw = [as_bytes(v) for v in o.data] if o.data is not None else [as_bytes(o.payload)] * count
    option = "data" if o.data is not None else "payload"
    check_batch_bytes(ctx, option, sum(len(r) for r in raw), count)
    return raw


def _record_bits(ctx: BuildContext, count: int, width: int) -> bytes:
    """``width`` random bytes per record, drawn at once (from the pool for a small batch): a
    record's values are cut from ``int.from_bytes`` of its slice."""
    return draws_for(ctx, count).randbytes(count * width)


def _broker(ctx: BuildContext, o: Options, b: int) -> tuple[str, str, str]:
    """The broker's name, id (``b-<uuid>``) and ARN, from 144 random bits."""
    if o.broker_name is None:
        suffix = _BROKER_SUFFIXES[(b >> 8 & 0xFF) % len(_BROKER_SUFFIXES)]
        name = f"{NOUNS[(b & 0xFF) % len(NOUNS)]}-{suffix}"
    elif _BROKER_NAME.match(o.broker_name):
        name = o.broker_name
    else:
        problem = f"{o.broker_name!r} is not a broker name: 1-50 letters, digits, '-', '_'"
        ctx.fail("broker_name", problem)
    broker_id = f"b-{aws.uuid4_from_bits(b >> 16)}"
    arn = f"arn:{ctx.partition}:mq:{ctx.region}:{ctx.account_id}:broker:{name}:{broker_id}"
    return name, broker_id, arn


def _queue(ctx: BuildContext, o: Options, b: int) -> str:
    """The queue's name (16 random bits for a drawn one)."""
    if o.queue is None:
        suffix = _QUEUE_SUFFIXES[(b >> 8 & 0xFF) % len(_QUEUE_SUFFIXES)]
        return f"{NOUNS[(b & 0xFF) % len(NOUNS)]}.{suffix}"
    if not 0 < len(o.queue) <= 1000:
        ctx.fail("queue", f"{len(o.queue)} characters; a queue name has 1 to 1,000")
    return str(o.queue)


def _times(ctx: BuildContext, count: int, b: int) -> tuple[int, int]:
    """When the consumer received the batch (epoch ms) and the first producer send time, from
    24 random bits; each later send is 0 to 3 ms after the one before, capped at ``out - 2``."""
    out = ctx.time_ms - 2 - (b & 0xFF) % 200
    return out, out - count * 2 - (b >> 8 & 0xFFF) % 3000


# --- ActiveMQ ---------------------------------------------------------------------------------


def _message_types(ctx: BuildContext, o: Options, raw: list[bytes] | None, b: int) -> str | None:
    """Every message's type when they share one (else None: each is its given body's kind).
    Text messages carry UTF-8 text; bytes a caller gives as ``bytes`` travel as BytesMessage."""
    if o.message_type is not None:
        if o.message_type == MESSAGE_TYPES[0]:
            for index, body in enumerate(raw or ()):
                try:
                    body.decode()
                except UnicodeDecodeError:
                    ctx.fail(
                        "message_type",
                        f"message {index} is not UTF-8 text; a "
                        "jms/text-message carries text, use jms/bytes-message",
                    )
        return str(o.message_type)
    if o.data is not None:
        return None
    if o.payload is not None:
        return MESSAGE_TYPES[isinstance(o.payload, bytes)]
    return MESSAGE_TYPES[b % 20 < 3]  # 15% BytesMessage


def _properties(ctx: BuildContext, o: Options, b: int) -> dict[str, str] | None:
    """JMS properties: the caller's, or the first 1 to 4 names from 56 random bits (none in
    three batches out of ten)."""
    if o.given("properties"):
        given = o.properties
        if given is not None and not all(isinstance(v, str) for v in given.values()):
            ctx.fail("properties", "JMS properties reach Lambda as strings: give {name: str}")
        return None if given is None else dict(given)
    return _drawn_properties(b)


def _drawn_properties(b: int) -> dict[str, str] | None:
    """The first 1 to 4 JMS property names, from 56 random bits (none in three batches out of
    ten)."""
    if b % 10 < 3:
        return None
    properties = {"tenant": f"t-{b >> 32 & 0xFFFFFF:06x}"}
    wanted = 1 + (b >> 4) % len(_PROPERTY_NAMES)
    if wanted > 1:
        properties["eventType"] = NOUNS[(b >> 6) % len(NOUNS)].rstrip("s") + ".created"
    if wanted > 2:
        properties["origin"] = NOUNS[(b >> 11) % len(NOUNS)] + "-service"
    if wanted > 3:
        properties["schemaVersion"] = "1"
    return properties


def activemq_message(
    body: bytes,
    *,
    message_id: str,
    message_type: str,
    queue: str,
    sent: int,
    broker_in: int,
    broker_out: int,
    connection_id: str,
    redelivered: bool = False,
    delivery_mode: int = 2,
    correlation_id: str = "",
    reply_to: str | None = None,
    type: str = "",
    expiration: int = 0,
    priority: int = 4,
    properties: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One JMS message as the poller writes it into ``messages`` (times in epoch ms)."""
    return {
        "messageID": message_id,
        "messageType": message_type,
        "timestamp": sent,
        "deliveryMode": delivery_mode,
        "correlationID": correlation_id,
        "replyTo": reply_to or "null",  # how the poller writes a missing JMSReplyTo
        "destination": {"physicalName": queue},
        "redelivered": redelivered,
        "type": type,
        "expiration": expiration,
        "priority": priority,
        "data": b64(body),
        "brokerInTime": broker_in,
        "brokerOutTime": broker_out,
        "properties": None if properties is None else dict(properties),
        "connectionId": connection_id,
    }


_MQ_BATCH_BITS = 324  # broker 144, queue 16, times 24, connection 70, modes 14, properties 56
_MQ_RECORD_BYTES = 17  # body 128 bits (+128 drawn for a third), send step 2, broker in 2, out 1
_MASK_128 = (1 << 128) - 1


def _connection(ctx: BuildContext, broker_id: str, stamp: int, b: int) -> tuple[str, str, int]:
    """The producer's JMS connection id (host, port, start time and counters, as ActiveMQ ids
    are), the prefix of its message ids and the first message's number, from bits 184-253."""
    host = f"{broker_id}-{1 + (b >> 184 & 1)}.mq.{ctx.region}.amazonaws.com"
    started = stamp - (b >> 185 & 0x7FFFFFF) % 86_400_000
    connection = (
        f"ID:{host}-{32768 + (b >> 212 & 0x7FFF) % 28000}-{started}-"
        f"{1 + (b >> 227 & 0xF) % 9}:{1 + (b >> 231 & 0x3F) % 40}"
    )
    prefix = f"{connection}:{1 + (b >> 237 & 3) % 3}:{1 + (b >> 239 & 3) % 3}:"
    return connection, prefix, 1 + (b >> 241 & 0x1FFF) % 5000


def build_mq(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch of JMS messages from one queue of an ActiveMQ broker."""
    if o.is_default:
        return _default_mq(ctx)
    count = _count(ctx, o)
    raw = _payloads(ctx, o, count)
    b = ctx.getrandbits(_MQ_BATCH_BITS)
    kind = _message_types(ctx, o, raw, b >> 261)
    _, broker_id, arn = _broker(ctx, o, b)
    queue = _queue(ctx, o, b >> 144)
    out, stamp = _times(ctx, count, b >> 160)
    connection, prefix, seq = _connection(ctx, broker_id, stamp, b)
    properties = _properties(ctx, o, b >> 268)
    delivery_mode = o.delivery_mode or (2 if (b >> 254 & 0x7F) % 5 else 1)  # 80% persistent
    redelivered = bool(o.redelivered)
    correlation_id, reply_to = o.correlation_id or "", o.reply_to or "null"
    jms_type, expiration = o.type or "", o.expiration or 0
    priority = o.priority if o.priority is not None else 4
    d = draws_for(ctx, count)
    bits = d.randbytes(count * _MQ_RECORD_BYTES)
    cap = out - 2
    messages = []
    for i in range(count):
        r = int.from_bytes(bits[i * _MQ_RECORD_BYTES : (i + 1) * _MQ_RECORD_BYTES], "little")
        if raw is not None:
            body = raw[i]
        elif is_user_record(r):  # a user record: 128 more bits for its UUID (the pool's first block
            # holds a default build's other bits, so two in three builds never refill it)
            body = business_json_from(r & _MASK_128 | d.getrandbits(128) << 128).encode()
        else:
            body = business_json_from(r & _MASK_128).encode()
        stamp = min(cap, stamp + (r >> 128 & 3))
        broker_in = stamp + (r >> 130 & 3) % 3
        messages.append(
            {
                "messageID": f"{prefix}{seq + i}",
                "messageType": kind or MESSAGE_TYPES[isinstance(o.data[i], bytes)],
                "timestamp": stamp,
                "deliveryMode": delivery_mode,
                "correlationID": correlation_id,
                "replyTo": reply_to,  # how the poller writes a missing JMSReplyTo
                "destination": {"physicalName": queue},
                "redelivered": redelivered,
                "type": jms_type,
                "expiration": expiration,
                "priority": priority,
                "data": b64(body),
                "brokerInTime": broker_in,
                "brokerOutTime": max(broker_in, out - (r >> 132 & 1)),
                "properties": None if properties is None else properties.copy(),
                "connectionId": connection,
            }
        )
    event = {"eventSource": "aws:mq", "eventSourceArn": arn, "messages": messages}
    check_event_size(ctx, event, count)
    return event


def _default_mq(ctx: BuildContext) -> dict[str, Any]:
    """``build_mq`` without options: one drawn message, from the same bits in the same places,
    written directly (tests/sources/test_mq.py checks that both paths agree)."""
    b = ctx.getrandbits(_MQ_BATCH_BITS + 8 * _MQ_RECORD_BYTES)
    r, b = b >> _MQ_BATCH_BITS, b & (1 << _MQ_BATCH_BITS) - 1
    broker = f"{NOUNS[(b & 0xFF) % 20]}-{_BROKER_SUFFIXES[(b >> 8 & 0xFF) % 3]}"
    broker_id = f"b-{aws.uuid4_from_bits(b >> 16)}"
    out = ctx.time_ms - 2 - (b >> 160 & 0xFF) % 200
    first = out - 2 - (b >> 168 & 0xFFF) % 3000
    connection, prefix, seq = _connection(ctx, broker_id, first, b)
    body_bits = r & _MASK_128
    if is_user_record(r):  # 128 more bits for its UUID
        body_bits |= ctx.getrandbits(128) << 128
    sent = min(out - 2, first + (r >> 128 & 3))
    broker_in = sent + (r >> 130 & 3) % 3
    message = activemq_message(
        business_json_from(body_bits).encode(),
        message_id=f"{prefix}{seq}",
        message_type=MESSAGE_TYPES[(b >> 261) % 20 < 3],
        queue=f"{NOUNS[(b >> 144 & 0xFF) % 20]}.{_QUEUE_SUFFIXES[(b >> 152 & 0xFF) % 5]}",
        sent=sent,
        broker_in=broker_in,
        broker_out=max(broker_in, out - (r >> 132 & 1)),
        connection_id=connection,
        delivery_mode=2 if (b >> 254 & 0x7F) % 5 else 1,
        properties=_drawn_properties(b >> 268),
    )
    arn = f"arn:{ctx.partition}:mq:{ctx.region}:{ctx.account_id}:broker:{broker}:{broker_id}"
    return {"eventSource": "aws:mq", "eventSourceArn": arn, "messages": [message]}


# --- RabbitMQ ---------------------------------------------------------------------------------


def java_medium_time(t: datetime) -> str:
    """``Jan 1, 1970, 12:33:41 AM``: Java's medium date-time format, as RabbitMQ's
    ``basicProperties.timestamp`` reaches Lambda (UTC, whole seconds)."""
    return _java_medium_time(int(t.timestamp() // 1))


def _java_medium_time(epoch_s: int) -> str:
    day, second = divmod(epoch_s, 86_400)
    hour, second = divmod(second, 3600)
    minute, second = divmod(second, 60)
    half = "AM" if hour < 12 else "PM"
    return f"{_java_date(day)}, {hour % 12 or 12}:{minute:02d}:{second:02d} {half}"


@lru_cache(maxsize=1024)
def _java_date(day: int) -> str:
    """``Jan 1, 1970`` for a day since the epoch (a batch's messages share a day or two)."""
    d = _EPOCH_DAY + timedelta(days=day)
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def rabbitmq_headers(given: dict[str, Any]) -> dict[str, Any]:
    """AMQP headers as the poller writes them; TypeError for a value AMQP headers cannot hold
    here."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        if isinstance(value, str | bytes):
            out[name] = {"bytes": java_bytes(as_bytes(value))}
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = value
        else:
            raise TypeError(
                f"{name!r} has a {type(value).__name__}; headers hold str, bytes, int or float"
            )
    return out


def _rmq_headers(ctx: BuildContext, o: Options, count: int, b: int) -> dict[str, Any] | None:
    """AMQP headers: text as ``{"bytes": [...]}`` (Java byte arrays), numbers as numbers; drawn
    ones from 14 random bits."""
    if o.given("headers"):
        if o.headers is None:
            return None
        try:
            return rabbitmq_headers(o.headers)
        except TypeError as exc:
            ctx.fail("headers", str(exc))
    if count > _HEADERS_UP_TO:  # byte-array headers would pass 6 MB
        return None
    return _drawn_headers(b)


def _drawn_headers(b: int) -> dict[str, Any] | None:
    """Drawn AMQP headers (none in three batches out of ten), from 14 random bits."""
    if (b & 0xF) % 10 < 3:
        return None
    return {
        "source": {"bytes": list(f"{NOUNS[(b >> 4 & 0xFF) % len(NOUNS)]}-service".encode())},
        "retry-count": (b >> 12 & 3) % 3,
    }


def _content_types(o: Options, count: int) -> list[str]:
    """What the publisher declared: JSON for documents, text/plain for text, octet-stream
    for bytes."""
    if o.content_type is not None:
        return [o.content_type] * count
    given = o.data if o.data is not None else [o.payload] * count
    return [_CONTENT_TYPE_OF.get(type(v), "application/json") for v in given]


def rabbitmq_properties(
    body: bytes,
    *,
    sent: int,
    content_type: str | None = None,
    content_encoding: str | None = None,
    headers: dict[str, Any] | None = None,
    delivery_mode: int = 2,
    priority: int | None = None,
    correlation_id: str | None = None,
    reply_to: str | None = None,
    expiration: int | None = None,
    message_id: str | None = None,
    type: str | None = None,
    user_id: str | None = None,
    app_id: str | None = None,
) -> dict[str, Any]:
    """One message's ``basicProperties`` (``sent`` in epoch ms; ``headers`` already in the
    poller's form, see ``rabbitmq_headers``)."""
    return {
        "contentType": content_type,
        "contentEncoding": content_encoding,
        "headers": None if headers is None else _copy_headers(headers),
        "deliveryMode": delivery_mode,
        "priority": priority,
        "correlationId": correlation_id,
        "replyTo": reply_to,
        "expiration": None if expiration is None else str(expiration),
        "messageId": message_id,
        "timestamp": _java_medium_time(sent // 1000),
        "type": type,
        "userId": user_id,
        "appId": app_id,
        "clusterId": None,
        "bodySize": len(body),
    }


_RMQ_BATCH_BITS = 232  # broker 144, queue 16, times 24, user 16, app 16, headers 14
_RMQ_RECORD_BYTES = 49  # body 256 bits, message id 128, send step 2


def _copy_headers(headers: dict[str, Any]) -> dict[str, Any]:
    """A message's own copy of the batch's headers (byte arrays are lists)."""
    return {
        k: ({"bytes": list(v["bytes"])} if isinstance(v, dict) else v) for k, v in headers.items()
    }


def build_rabbitmq(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch of AMQP messages from one queue of a RabbitMQ broker."""
    if o.is_default:
        return _default_rabbitmq(ctx)
    count = _count(ctx, o)
    raw = _payloads(ctx, o, count)
    b = ctx.getrandbits(_RMQ_BATCH_BITS)
    _, _, arn = _broker(ctx, o, b)
    queue = _queue(ctx, o, b >> 144)
    vhost = o.virtual_host
    if not vhost:
        ctx.fail("virtual_host", "a virtual host has a name; the default one is '/'")
    if o.given("user_id"):
        user = o.user_id
    elif b >> 184 & 1:
        user = f"{NOUNS[(b >> 185 & 0x7F) % len(NOUNS)]}-{ROLES[(b >> 192 & 0xFF) % len(ROLES)]}"
    else:
        user = None
    if o.given("app_id"):
        app = o.app_id
    else:
        app = f"{NOUNS[(b >> 200 & 0xFF) % len(NOUNS)]}-{ROLES[(b >> 208 & 0xFF) % len(ROLES)]}"
    headers = _rmq_headers(ctx, o, count, b >> 216)
    out, stamp = _times(ctx, count, b >> 160)
    types = _content_types(o, count)
    redelivered, encoding = bool(o.redelivered), o.content_encoding
    delivery_mode, priority = o.delivery_mode or 2, o.priority
    correlation_id, reply_to, amqp_type = o.correlation_id, o.reply_to, o.type
    expiration = None if o.expiration is None else str(o.expiration)
    given_id = o.given("message_id")
    bits = _record_bits(ctx, count, _RMQ_RECORD_BYTES)
    cap = out - 2
    messages = []
    for i in range(count):
        r = int.from_bytes(bits[i * _RMQ_RECORD_BYTES : (i + 1) * _RMQ_RECORD_BYTES], "little")
        body = business_json_from(r & _BODY_MASK).encode() if raw is None else raw[i]
        stamp = min(cap, stamp + (r >> 384 & 3))
        messages.append(
            {
                "basicProperties": {
                    "contentType": types[i],
                    "contentEncoding": encoding,
                    "headers": None if headers is None else _copy_headers(headers),
                    "deliveryMode": delivery_mode,
                    "priority": priority,
                    "correlationId": correlation_id,
                    "replyTo": reply_to,
                    "expiration": expiration,
                    "messageId": o.message_id if given_id else aws.uuid4_from_bits(r >> 256),
                    "timestamp": _java_medium_time(stamp // 1000),
                    "type": amqp_type,
                    "userId": user,
                    "appId": app,
                    "clusterId": None,
                    "bodySize": len(body),
                },
                "redelivered": redelivered,
                "data": b64(body),
            }
        )
    event = {
        "eventSource": "aws:rmq",
        "eventSourceArn": arn,
        "rmqMessagesByQueue": {f"{queue}::{vhost}": messages},
    }
    check_event_size(ctx, event, count)
    return event


def _default_rabbitmq(ctx: BuildContext) -> dict[str, Any]:
    """``build_rabbitmq`` without options: one drawn message, from the same bits in the same
    places, written directly (the general path's option checks cost more than the message;
    tests/sources/test_mq.py checks that both paths agree)."""
    b = ctx.getrandbits(_RMQ_BATCH_BITS + 8 * _RMQ_RECORD_BYTES)
    r = b >> _RMQ_BATCH_BITS
    broker = f"{NOUNS[(b & 0xFF) % 20]}-{_BROKER_SUFFIXES[(b >> 8 & 0xFF) % 3]}"
    queue = f"{NOUNS[(b >> 144 & 0xFF) % 20]}.{_QUEUE_SUFFIXES[(b >> 152 & 0xFF) % 5]}"
    user = (f"{NOUNS[(b >> 185 & 0x7F) % 20]}-{ROLES[(b >> 192 & 0xFF) % len(ROLES)]}"
            if b >> 184 & 1 else None)  # fmt: skip
    out = ctx.time_ms - 2 - (b >> 160 & 0xFF) % 200
    sent = min(out - 2, out - 2 - (b >> 168 & 0xFFF) % 3000 + (r >> 384 & 3))
    body = business_json_from(r & _BODY_MASK).encode()
    properties = rabbitmq_properties(
        body, sent=sent, content_type="application/json", headers=_drawn_headers(b >> 216),
        message_id=aws.uuid4_from_bits(r >> 256), user_id=user,
        app_id=f"{NOUNS[(b >> 200 & 0xFF) % 20]}-{ROLES[(b >> 208 & 0xFF) % len(ROLES)]}",
    )  # fmt: skip
    return {
        "eventSource": "aws:rmq",
        "eventSourceArn": f"arn:{ctx.partition}:mq:{ctx.region}:{ctx.account_id}:broker:"
        f"{broker}:b-{aws.uuid4_from_bits(b >> 16)}",
        "rmqMessagesByQueue": {
            f"{queue}::/": [
                {"basicProperties": properties, "redelivered": False, "data": b64(body)}
            ]
        },
    }


_COMMON = (
    Option(
        "data",
        list,
        "one body per message: bytes, str or dict (JSON) (sets count)",
        item_type=(bytes, str, dict),
    ),
    Option("payload", (bytes, str, dict), "the body of every message (dict: JSON)"),
    Option("queue", str, "the queue the mapping reads (one per mapping)"),
    Option("broker_name", str, "broker name (in the eventSourceArn): 1-50 of [A-Za-z0-9_-]"),
    Option("redelivered", bool, "the broker delivered the messages before", False),
    Option("correlation_id", str, "correlation id of every message"),
    Option("reply_to", str, "reply-to destination of every message"),
    Option("type", str, "message type header of every message"),
)

SOURCES = (
    EventSource(
        id="mq",
        service="Amazon MQ (ActiveMQ)",
        invocation="poll",
        builder=build_mq,
        max_count=MAX_BATCH,
        description="Amazon MQ for ActiveMQ event source mapping batch (JMS messages)",
        options=(
            *_COMMON,
            Option("message_type", str, "JMS message type of every message", choices=MESSAGE_TYPES),
            Option(
                "delivery_mode",
                int,
                "JMS delivery mode: 1 non-persistent, 2 persistent",
                choices=(1, 2),
            ),
            Option("priority", int, "JMS priority (0 to 9; default 4)", minimum=0, maximum=9),
            Option("expiration", int, "JMSExpiration: epoch ms, 0 = never", minimum=0),
            Option("properties", dict, "JMS properties {name: str}; properties=None: none"),
        ),
    ),
    EventSource(
        id="rabbitmq",
        service="Amazon MQ (RabbitMQ)",
        invocation="poll",
        builder=build_rabbitmq,
        max_count=MAX_BATCH,
        description="Amazon MQ for RabbitMQ event source mapping batch (rmqMessagesByQueue)",
        options=(
            *_COMMON,
            Option("virtual_host", str, "the queue's virtual host (map key queue::vhost)", "/"),
            Option("content_type", str, "contentType property (default application/json)"),
            Option("content_encoding", str, "contentEncoding property, e.g. 'gzip'"),
            Option("headers", dict, "AMQP headers {name: str|bytes|int|float}; None: none"),
            Option(
                "delivery_mode",
                int,
                "AMQP delivery mode: 1 transient, 2 persistent",
                choices=(1, 2),
            ),
            Option("priority", int, "priority property (0 to 255)", minimum=0, maximum=255),
            Option("expiration", int, "per-message TTL in ms (sent as a string)", minimum=0),
            Option("message_id", str, "messageId property; message_id=None: unset"),
            Option("user_id", str, "userId: the publishing connection's user; None: unset"),
            Option("app_id", str, "appId property; app_id=None: unset"),
        ),
    ),
)
