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
from ..content import NOUNS, ROLES, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms
from ._brokers import (
    MAX_BATCH,
    as_bytes,
    b64,
    check_batch_bytes,
    check_count,
    check_event_size,
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


def _count(ctx: BuildContext, o: Options) -> int:
    if o.data is not None:
        return check_count(ctx, o.count, "data", len(o.data))
    return int(o.count or 1)


def _payloads(ctx: BuildContext, o: Options, count: int) -> list[bytes]:
    """Each message's body as bytes: the caller's, or a JSON document drawn from the seed."""
    if o.data is not None and o.payload is not None:
        ctx.fail("payload", "pass either payload (every message) or data (one per message)")
    if o.data is None and o.payload is None:
        rng = ctx.rng
        return [business_json(rng).encode() for _ in range(count)]
    raw = [as_bytes(v) for v in o.data] if o.data is not None else [as_bytes(o.payload)] * count
    option = "data" if o.data is not None else "payload"
    check_batch_bytes(ctx, option, sum(len(r) for r in raw), count)
    return raw


def _broker(ctx: BuildContext, o: Options) -> tuple[str, str, str]:
    """The broker's name, id (``b-<uuid>``) and ARN."""
    if o.broker_name is None:
        b = ctx.rng.getrandbits(16)
        name = f"{NOUNS[b % len(NOUNS)]}-{_BROKER_SUFFIXES[(b >> 8) % len(_BROKER_SUFFIXES)]}"
    elif _BROKER_NAME.match(o.broker_name):
        name = o.broker_name
    else:
        problem = f"{o.broker_name!r} is not a broker name: 1-50 letters, digits, '-', '_'"
        ctx.fail("broker_name", problem)
    broker_id = f"b-{ctx.uuid()}"
    arn = f"arn:{ctx.partition}:mq:{ctx.region}:{ctx.account_id}:broker:{name}:{broker_id}"
    return name, broker_id, arn


def _queue(ctx: BuildContext, o: Options) -> str:
    if o.queue is None:
        b = ctx.rng.getrandbits(16)
        return f"{NOUNS[b % len(NOUNS)]}.{_QUEUE_SUFFIXES[(b >> 8) % len(_QUEUE_SUFFIXES)]}"
    if not 0 < len(o.queue) <= 1000:
        ctx.fail("queue", f"{len(o.queue)} characters; a queue name has 1 to 1,000")
    return str(o.queue)


def _send_times(ctx: BuildContext, count: int) -> tuple[list[int], int]:
    """Producer send times (epoch ms, in order) and when the consumer received the batch."""
    r = ctx.rng.random
    out = epoch_ms(ctx.time) - 2 - int(r() * 200)
    stamp = out - count * 2 - int(r() * 3000)
    times = []
    for _ in range(count):
        stamp = min(out - 2, stamp + int(r() * 4))
        times.append(stamp)
    return times, out


# --- ActiveMQ ---------------------------------------------------------------------------------


def _message_types(ctx: BuildContext, o: Options, raw: list[bytes]) -> list[str]:
    """Text messages carry UTF-8 text; bytes a caller gives as ``bytes`` travel as BytesMessage."""
    if o.message_type is not None:
        if o.message_type == MESSAGE_TYPES[0]:
            for index, body in enumerate(raw):
                try:
                    body.decode()
                except UnicodeDecodeError:
                    ctx.fail(
                        "message_type",
                        f"message {index} is not UTF-8 text; a "
                        "jms/text-message carries text, use jms/bytes-message",
                    )
        return [o.message_type] * len(raw)
    if o.data is not None:
        return [MESSAGE_TYPES[isinstance(v, bytes)] for v in o.data]
    if o.payload is not None:
        return [MESSAGE_TYPES[isinstance(o.payload, bytes)]] * len(raw)
    return [MESSAGE_TYPES[ctx.rng.random() < 0.15]] * len(raw)


def _properties(ctx: BuildContext, o: Options) -> dict[str, str] | None:
    if o.given("properties"):
        given = o.properties
        if given is not None and not all(isinstance(v, str) for v in given.values()):
            ctx.fail("properties", "JMS properties reach Lambda as strings: give {name: str}")
        return None if given is None else dict(given)
    rng = ctx.rng
    b = rng.getrandbits(32)
    if b % 10 < 3:
        return None
    properties = {"tenant": f"t-{rng.randbytes(3).hex()}"}  # the first 1 to 4 names
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


def build_mq(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch of JMS messages from one queue of an ActiveMQ broker."""
    count = _count(ctx, o)
    raw = _payloads(ctx, o, count)
    types = _message_types(ctx, o, raw)
    _, broker_id, arn = _broker(ctx, o)
    queue = _queue(ctx, o)
    rng = ctx.rng
    # the producer's JMS connection: host, port, start time and counters, as ActiveMQ ids are
    times, out = _send_times(ctx, count)
    host = f"{broker_id}-{1 + int(rng.random() * 2)}.mq.{ctx.region}.amazonaws.com"
    started = times[0] - int(rng.random() * 86_400_000)
    connection = (
        f"ID:{host}-{32768 + int(rng.random() * 28000)}-{started}-"
        f"{1 + int(rng.random() * 9)}:{1 + int(rng.random() * 40)}"
    )
    session, producer = 1 + int(rng.random() * 3), 1 + int(rng.random() * 3)
    seq = 1 + int(rng.random() * 5000)
    properties = _properties(ctx, o)
    delivery_mode = o.delivery_mode or (2 if rng.random() < 0.8 else 1)
    messages = []
    for i, (body, kind, sent) in enumerate(zip(raw, types, times, strict=True)):
        broker_in = sent + int(rng.random() * 3)
        messages.append(
            activemq_message(
                body,
                message_id=f"{connection}:{session}:{producer}:{seq + i}",
                message_type=kind,
                queue=queue,
                sent=sent,
                broker_in=broker_in,
                broker_out=max(broker_in, out - int(rng.random() * 2)),
                connection_id=connection,
                redelivered=bool(o.redelivered),
                delivery_mode=delivery_mode,
                correlation_id=o.correlation_id or "",
                reply_to=o.reply_to,
                type=o.type or "",
                expiration=o.expiration or 0,
                priority=o.priority if o.priority is not None else 4,
                properties=properties,
            )
        )
    event = {"eventSource": "aws:mq", "eventSourceArn": arn, "messages": messages}
    check_event_size(ctx, event, count)
    return event


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


def _rmq_headers(ctx: BuildContext, o: Options, count: int) -> dict[str, Any] | None:
    """AMQP headers: text as ``{"bytes": [...]}`` (Java byte arrays), numbers as numbers."""
    if o.given("headers"):
        if o.headers is None:
            return None
        try:
            return rabbitmq_headers(o.headers)
        except TypeError as exc:
            ctx.fail("headers", str(exc))
    rng = ctx.rng
    if rng.random() < 0.3 or count > _HEADERS_UP_TO:  # byte-array headers would pass 6 MB
        return None
    return {
        "source": {"bytes": list(f"{aws.pick(rng, NOUNS)}-service".encode())},  # ASCII
        "retry-count": int(rng.random() * 3),
    }


def _content_types(o: Options, count: int) -> list[str]:
    """What the publisher declared: JSON for documents, text/plain for text, octet-stream
    for bytes."""
    if o.content_type is not None:
        return [o.content_type] * count
    given = o.data if o.data is not None else [o.payload] * count
    return [_CONTENT_TYPE_OF.get(type(v), "application/json") for v in given]


def _rmq_properties(
    ctx: BuildContext,
    o: Options,
    user: str | None,
    body: bytes,
    sent: int,
    headers: dict[str, Any] | None,
    content_type: str,
    app: str | None,
) -> dict[str, Any]:
    """``basicProperties``: every AMQP property, null where the publisher did not set it."""
    return rabbitmq_properties(
        body,
        sent=sent,
        content_type=content_type,
        content_encoding=o.content_encoding,
        headers=headers,
        delivery_mode=o.delivery_mode or 2,
        priority=o.priority,
        correlation_id=o.correlation_id,
        reply_to=o.reply_to,
        expiration=o.expiration,
        message_id=o.message_id if o.given("message_id") else ctx.uuid(),
        type=o.type,
        user_id=user,
        app_id=app,
    )


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
        "headers": None
        if headers is None
        else {
            k: ({"bytes": list(v["bytes"])} if isinstance(v, dict) else v)
            for k, v in headers.items()
        },
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


def build_rabbitmq(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch of AMQP messages from one queue of a RabbitMQ broker."""
    count = _count(ctx, o)
    raw = _payloads(ctx, o, count)
    _, _, arn = _broker(ctx, o)
    queue = _queue(ctx, o)
    vhost = o.virtual_host
    if not vhost:
        ctx.fail("virtual_host", "a virtual host has a name; the default one is '/'")
    rng = ctx.rng
    user = (
        o.user_id
        if o.given("user_id")
        else (f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ROLES)}" if rng.random() < 0.5 else None)
    )
    app = o.app_id if o.given("app_id") else f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ROLES)}"
    headers = _rmq_headers(ctx, o, count)
    times, _ = _send_times(ctx, count)
    types = _content_types(o, count)
    messages = [
        {
            "basicProperties": _rmq_properties(ctx, o, user, body, sent, headers, kind, app),
            "redelivered": bool(o.redelivered),
            "data": b64(body),
        }
        for body, sent, kind in zip(raw, times, types, strict=True)
    ]
    event = {
        "eventSource": "aws:rmq",
        "eventSourceArn": arn,
        "rmqMessagesByQueue": {f"{queue}::{vhost}": messages},
    }
    check_event_size(ctx, event, count)
    return event


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
