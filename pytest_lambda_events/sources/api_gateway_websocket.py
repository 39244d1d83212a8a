"""Amazon API Gateway WebSocket APIs: the $connect, message and $disconnect events of one client
connection (shapes.md section 21)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from operator import attrgetter
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, WORDS
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms
from . import _http

EVENT_TYPES = ("CONNECT", "MESSAGE", "DISCONNECT")
STAGES = ("production", "prod", "dev", "staging", "v1")
# API Gateway's WebSocket message payload limit (frames are 32 KB; a message up to 128 KB).
MESSAGE_LIMIT = 131_072
# A connection lives at most 2 hours; it is dropped after 10 idle minutes.
MAX_CONNECTION = timedelta(hours=2)
_ACTIONS = ("sendmessage", "join", "leave", "subscribe", "ping", "typing")
# (disconnectStatusCode, disconnectReason) as captured events show them
_CLOSES = (
    (1005, "Client-side close frame status not set"),
    (1001, ""),
    (1000, ""),
    (1001, "Going away"),
    (1006, "Connection was closed abnormally"),
)
_ROUTE = re.compile(r"^[A-Za-z0-9_.:-]{1,128}$")
_CONNECTION_ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")
_KIND_BY_BYTE = _http.by_byte(EVENT_TYPES)
_MASK_272 = (1 << 272) - 1
_MASK_128 = (1 << 128) - 1
_MASK_96 = (1 << 96) - 1


def _disconnect_headers(domain: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What API Gateway hands $disconnect: the host and three empty headers (captures)."""
    return (
        {"Host": domain, "x-api-key": "", "X-Forwarded-For": "", "x-restapi": ""},
        {"Host": [domain], "x-api-key": [""], "X-Forwarded-For": [""], "x-restapi": [""]},
    )


def build_websocket(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_websocket(ctx)
    # one draw: the connection's small choices (64 bits), the event type (8), the API id (80),
    # the connection, request and message ids (272), a message's words (48)
    bits = ctx.getrandbits(472)
    kind: str = o.event_type or _KIND_BY_BYTE[bits >> 64 & 255]
    _check_kind_options(ctx, o, kind)
    if o.api_id is None:
        api_id = aws.chars_from(bits >> 72, 10, aws.LOWER_DIGITS)
    else:
        api_id = _http.check_api_id(ctx, o.api_id)
    domain = (
        _http.check_domain(ctx, "domain_name", o.domain_name)
        if o.domain_name
        else (f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}")
    )
    if o.stage:
        stage = _http.check_stage(ctx, o.stage, allow_default=False)
    else:
        stage = STAGES[(bits >> 8 & 255) % len(STAGES)]
    now_ms = ctx.time_ms
    connected_ms = _connected_at(ctx, o, kind, now_ms, bits >> 16)
    # the connection id, the request id and the message id: 11 random bytes each
    ids = aws.b64url((bits >> 152 & _MASK_272).to_bytes(34, "little"))
    connection_id = f"{ids[:15]}=" if o.connection_id is None else _connection_id(ctx, o)
    request_id = o.request_id or f"{ids[15:30]}="
    event: dict[str, Any] = {}
    if kind == "CONNECT":
        req = _connect(ctx, o, event, domain, bits >> 40)
        source_ip, agent = req.source_ip, req.user_agent
        context: dict[str, Any] = {"routeKey": "$connect", "eventType": "CONNECT"}
    else:
        source_ip = _source_ip(ctx, o.source_ip)
        agent = o.user_agent or _http.USER_AGENTS[(bits >> 40 & 255) % len(_http.USER_AGENTS)][0]
    if kind == "DISCONNECT":
        code, reason = _close(ctx, o, bits >> 48)
        event["headers"], event["multiValueHeaders"] = _disconnect_headers(domain)
        context = {"routeKey": "$disconnect", "disconnectStatusCode": code, "eventType": kind}
    body: str | None = None
    encoded = False
    if kind == "MESSAGE":
        route_key, body, encoded = _message(ctx, o, now_ms, bits >> 48 & 0xFFFF, bits >> 424)
        context = {"routeKey": route_key, "messageId": f"{ids[30:45]}=", "eventType": "MESSAGE"}
    context["extendedRequestId"] = request_id
    context["requestTime"] = _http.clf(ctx.time_ms)
    context["messageDirection"] = "IN"
    if kind == "DISCONNECT":
        context["disconnectReason"] = reason
    context["stage"] = stage
    context["connectedAt"] = connected_ms
    context["requestTimeEpoch"] = now_ms
    context["identity"] = {"userAgent": agent, "sourceIp": source_ip}
    context["requestId"] = request_id
    context["domainName"] = domain
    context["connectionId"] = connection_id
    context["apiId"] = api_id
    if kind == "CONNECT" and o.authorizer is not None:
        context["authorizer"] = _authorizer(ctx, o.authorizer)
    event["requestContext"] = context
    if kind == "MESSAGE":
        event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def _default_websocket(ctx: BuildContext) -> dict[str, Any]:
    """``build_websocket`` given no options: the same kind of event, written directly."""
    # one draw of 296 bits, within the pool's first block: the event type (8), the stage (8),
    # the connection's age (32), the agent (8) or the handshake's choices (24), the message's or
    # the close's (24), the client address (32) and the message's words (48) or the handshake's
    # request bits (96), and 128 spread over the ids (272), the API id (80), the trace id (96),
    # the WebSocket key (128), a connect token (128) and a session cookie (128)
    bits = ctx.getrandbits(296)
    wide = _http.spread(bits >> 168)
    kind = _KIND_BY_BYTE[bits & 255]
    api_id = (wide >> 272 & _MASK_80).to_bytes(10, "little").translate(_LOWER_DIGITS).decode()
    domain = (
        f"{api_id}.execute-api.{ctx.region}.{_http.DNS_SUFFIX.get(ctx.partition, 'amazonaws.com')}"
    )
    now_ms = ctx.time_ms
    ids = aws.b64url((wide & _MASK_272).to_bytes(34, "little"))
    request_id = f"{ids[15:30]}="
    event: dict[str, Any] = {}
    if kind == "CONNECT":
        address, agent = _default_connect(ctx, event, domain, bits >> 48, wide)
        context: dict[str, Any] = {"routeKey": "$connect", "eventType": "CONNECT"}
        connected_ms = now_ms - 2 - (bits >> 16 & 255) % 15
    else:
        address = aws.ipv4_from_bits(bits >> 80)
        agent = _http.USER_AGENTS[(bits >> 48 & 255) % len(_http.USER_AGENTS)][0]
        connected_ms = now_ms - (bits >> 24 & 0x3FFFFF) % 1_800_000
        if kind == "MESSAGE":
            route_key, body = _default_message(now_ms, bits >> 56, bits >> 112)
            context = {"routeKey": route_key, "messageId": f"{ids[30:45]}=", "eventType": kind}
        else:
            code, reason = _CLOSES[(bits >> 56 & 255) % len(_CLOSES)]
            event["headers"], event["multiValueHeaders"] = _disconnect_headers(domain)
            context = {"routeKey": "$disconnect", "disconnectStatusCode": code, "eventType": kind}
    context["extendedRequestId"] = request_id
    context["requestTime"] = _http.clf(now_ms)
    context["messageDirection"] = "IN"
    if kind == "DISCONNECT":
        context["disconnectReason"] = reason
    context["stage"] = STAGES[(bits >> 8 & 255) % len(STAGES)]
    context["connectedAt"] = connected_ms
    context["requestTimeEpoch"] = now_ms
    context["identity"] = {"userAgent": agent, "sourceIp": address}
    context["requestId"] = request_id
    context["domainName"] = domain
    context["connectionId"] = f"{ids[:15]}="
    context["apiId"] = api_id
    event["requestContext"] = context
    if kind == "MESSAGE":
        event["body"] = body
    event["isBase64Encoded"] = False
    return event


def _default_connect(
    ctx: BuildContext, event: dict[str, Any], domain: str, bits: int, wide: int
) -> tuple[str, str]:
    """``_connect`` given no options, from 24 bits of choices then the request's 96 and the
    spread ``wide`` bits: its headers and query string in ``event``; (address, User-Agent)."""
    dice = bits >> 24
    address, agent, headers, cookie = _http.client_from(dice, wide >> 704, named=True)
    del headers["Accept"]  # a WebSocket handshake sends none
    if cookie is not None:
        headers["Cookie"] = cookie
    headers["Host"] = domain  # (in sorted order, as API Gateway lists them)
    if agent.startswith("Mozilla/"):
        headers["Origin"] = f"https://{_ORIGINS[(bits >> 16 & 255) % len(_ORIGINS)]}.example.com"
    headers["Sec-WebSocket-Extensions"] = "permessage-deflate; client_max_window_bits"
    headers["Sec-WebSocket-Key"] = _http.b64((wide >> 448 & _MASK_128).to_bytes(16, "little"))
    headers["Sec-WebSocket-Version"] = "13"
    headers["User-Agent"] = agent
    headers["X-Amzn-Trace-Id"] = f"Root=1-{ctx.time_ms // 1000:08x}-{wide >> 352 & _MASK_96:024x}"
    headers["X-Forwarded-For"] = address
    headers["X-Forwarded-Port"] = "443"
    headers["X-Forwarded-Proto"] = "https"
    event["headers"] = headers
    event["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    if bits & 255 < 77:  # 30%: a token on the connect URL
        query = ("token", f"{wide >> 576 & _MASK_128:032x}")
    elif bits & 255 < 128:  # 20%: a room
        query = ("room", NOUNS[(bits >> 8 & 255) % len(NOUNS)])
    else:
        return address, agent
    event["queryStringParameters"] = {query[0]: query[1]}
    event["multiValueQueryStringParameters"] = {query[0]: [query[1]]}
    return address, agent


def _default_message(now_ms: int, bits: int, words: int) -> tuple[str, str]:
    """``_message`` given no options, from 20 random ``bits`` and 48 for the words: (routeKey,
    body)."""
    sent = now_ms - (bits >> 12 & 255) % 50
    if bits & 15 < 11:  # 11 in 16 messages name an action
        action = _ACTIONS[(bits >> 4 & 255) % len(_ACTIONS)]
        body = f'{{"action":"{action}","message":"{_sentence(words)}","sentAt":{sent}}}'
        return action, body
    return "$default", f'{{"message":"{_sentence(words)}","sentAt":{sent}}}'


_MASK_80 = (1 << 80) - 1
_LOWER_DIGITS = _http.LOWER_DIGITS


# Each option belongs to the event types that carry its field.
_ONLY = {
    "CONNECT": ("headers", "query", "cookies", "authorizer"),
    "MESSAGE": ("body", "route_key"),
    "DISCONNECT": ("disconnect_status_code", "disconnect_reason"),
}
# per event type, the options of the other types, read in one call
_FOREIGN = {
    kind: attrgetter(*(name for owner, names in _ONLY.items() if owner != kind for name in names))
    for kind in EVENT_TYPES
}


def _check_kind_options(ctx: BuildContext, o: Options, kind: str) -> None:
    """Each option belongs to the event types that carry its field."""
    values = _FOREIGN[kind](o)
    if values.count(None) == len(values):
        return
    for owner, names in _ONLY.items():
        for name in names:
            if owner != kind and getattr(o, name) is not None:
                ctx.fail(
                    name,
                    f"only {owner} events carry it; this is a {kind} event (event_type={owner!r})",
                )


def _connect(
    ctx: BuildContext, o: Options, event: dict[str, Any], domain: str, bits: int
) -> _http.Request:
    """The client's upgrade request: its headers and query string."""
    # one draw: the request's bits (96), its trace id (96), the WebSocket key and a token (128)
    more = ctx.getrandbits(448)
    if bits & 255 < 77:  # 30%: a token on the connect URL
        query = [("token", f"{more >> 320:032x}")]
    elif bits & 255 < 128:  # 20%: a room
        query = [("room", NOUNS[(bits >> 8 & 255) % len(NOUNS)])]
    else:
        query = []
    req = _http.build_request(
        ctx,
        o,
        "GET",
        "/",
        body_limit=_http.LAMBDA_PAYLOAD_LIMIT,
        default_query=query,
        dice=more & _MASK_96,
    )
    req.headers.pop("accept", None)  # a WebSocket handshake sends no Accept header (unless given)
    key = _http.b64((more >> 192 & _MASK_128).to_bytes(16, "little"))
    req.add_defaults(
        {
            "sec-websocket-extensions": "permessage-deflate; client_max_window_bits",
            "sec-websocket-key": key,
            "sec-websocket-version": "13",
        }
    )
    if req.user_agent.startswith("Mozilla/"):
        req.add("Origin", f"https://{_ORIGINS[(bits >> 16 & 255) % len(_ORIGINS)]}.example.com")
    _http.add_forwarding(ctx, req, domain, trace_bits=more >> 96)
    event["headers"], event["multiValueHeaders"] = req.named()
    if req.query:
        query_map = _http.grouped(req.query)
        event["queryStringParameters"] = {k: v[-1] for k, v in query_map.items()}
        event["multiValueQueryStringParameters"] = query_map
    return req


_ORIGINS = ("app", "www", "chat")


def _message(
    ctx: BuildContext, o: Options, now_ms: int, bits: int, words: int
) -> tuple[str, str, bool]:
    """(routeKey, body, isBase64Encoded): the route is the body's "action" (the usual route
    selection expression $request.body.action) when it names one, else $default."""
    route = o.route_key
    if route is not None and route != "$default" and not _ROUTE.match(route):
        ctx.fail(
            "route_key",
            f"{route!r}: '$default' or a custom route key of letters, digits "
            "and _.:- (the $connect/$disconnect routes have their own event_type)",
        )
    if o.body is None:
        if route is not None and route != "$default":
            action: str | None = route
        elif bits & 15 < 11:  # 11 in 16 messages name an action
            action = _ACTIONS[(bits >> 4 & 255) % len(_ACTIONS)]
        else:
            action = None
        sent = now_ms - (bits >> 12 & 255) % 50
        # compact JSON written directly: the action matches _ROUTE, the words are plain ASCII
        head = f'{{"action":"{action}",' if action else "{"
        text = f'{head}"message":"{_sentence(words)}","sentAt":{sent}}}'
        return route or action or "$default", text, False
    raw = o.body if isinstance(o.body, bytes) else o.body.encode()
    if len(raw) > MESSAGE_LIMIT:
        ctx.fail(
            "body",
            f"{len(raw):,} bytes; a WebSocket message is at most {MESSAGE_LIMIT:,} bytes (128 KB)",
        )
    if isinstance(o.body, bytes):  # a binary frame arrives base64-encoded
        return route or "$default", _http.b64(raw), True
    return route or _selected_route(o.body), o.body, False


def _selected_route(body: str) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return "$default"
    action = doc.get("action") if isinstance(doc, dict) else None
    return action if isinstance(action, str) and _ROUTE.match(action) else "$default"


def _sentence(bits: int) -> str:
    """Six words, as content.sentence writes them, from 48 random bits."""
    text = " ".join([WORDS[(bits >> shift & 255) % len(WORDS)] for shift in _SHIFTS])
    return text[0].upper() + text[1:] + "."


_SHIFTS = (0, 8, 16, 24, 32, 40)


def _source_ip(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return aws.ipv4(ctx)
    import ipaddress  # only needed when a caller passes an address

    try:
        ipaddress.ip_address(given)
    except ValueError:
        ctx.fail("source_ip", f"{given!r} is not an IPv4 or IPv6 address")
    return given


def _connected_at(ctx: BuildContext, o: Options, kind: str, now_ms: int, bits: int) -> int:
    """When the connection was opened, in epoch milliseconds."""
    if o.connected_at is None:
        if kind == "CONNECT":  # the handshake is accepted a few milliseconds before
            return now_ms - 2 - (bits & 255) % 15
        return now_ms - (bits >> 8 & 0x3FFFFF) % 1_800_000
    at: datetime = o.connected_at
    if at > ctx.time or ctx.time - at > MAX_CONNECTION:
        ctx.fail(
            "connected_at",
            f"{at.isoformat()} must be at most 2 hours (a connection's "
            f"maximum duration) before the event time {ctx.time.isoformat()}",
        )
    return epoch_ms(at)


def _connection_id(ctx: BuildContext, o: Options) -> str:
    given: str = o.connection_id
    if not _CONNECTION_ID.match(given):
        ctx.fail(
            "connection_id",
            f"{given!r} is not a connection id: 15 characters of "
            "letters, digits, '-' or '_' and a final '=', e.g. 'BFHPhfCWIAMCKlQ='",
        )
    return given


def _close(ctx: BuildContext, o: Options, bits: int) -> tuple[int, str]:
    code, reason = _CLOSES[(bits & 255) % len(_CLOSES)]
    if o.disconnect_status_code is not None:
        code = o.disconnect_status_code
        reason = "" if o.disconnect_reason is None else reason
    if o.disconnect_reason is not None:
        reason = o.disconnect_reason
    return code, reason


def _authorizer(ctx: BuildContext, given: dict[str, Any]) -> dict[str, Any]:
    """What a Lambda authorizer on $connect hands on: its principal and context, as text."""
    _http.check_scalars(ctx, given, "context value")
    context = {"principalId": f"user|{ctx.hex(24)}", **given}
    shown = {
        k: v if v is None else _http.stringify(v, list_style="commas") for k, v in context.items()
    }
    return {
        "principalId": shown.pop("principalId"),
        "integrationLatency": int(ctx.random() * 300),
        **shown,
    }


SOURCES = (
    EventSource(
        id="api_gateway_websocket",
        service="Amazon API Gateway",
        invocation="sync",
        builder=build_websocket,
        description="API Gateway WebSocket API route event ($connect, message, $disconnect)",
        options=(
            Option("event_type", str, "requestContext.eventType", choices=EVENT_TYPES),
            Option(
                "route_key",
                str,
                "MESSAGE route: '$default' or a custom route key (default: the body's \"action\")",
            ),
            Option(
                "body",
                (str, bytes),
                "MESSAGE body (at most 128 KB); bytes arrive base64-encoded as a binary frame",
            ),
            Option(
                "headers",
                dict,
                "CONNECT handshake headers: name -> value or list of values "
                "(None drops a default header)",
            ),
            Option("query", dict, "CONNECT query string: name -> value or list of values"),
            Option("cookies", (dict, list), "CONNECT cookies: name -> value, or 'name=value' list"),
            Option("source_ip", str, "client IP address (identity.sourceIp)"),
            Option("user_agent", str, "the client's User-Agent (identity.userAgent)"),
            Option("connection_id", str, "requestContext.connectionId, e.g. 'BFHPhfCWIAMCKlQ='"),
            Option(
                "connected_at",
                datetime,
                "when the connection was opened (at most 2 hours before the event)",
            ),
            Option("disconnect_status_code", int, "DISCONNECT close code", None, None, 1000, 4999),
            Option("disconnect_reason", str, "DISCONNECT close reason"),
            Option("stage", str, "stage name (letters, digits, '-', '_')"),
            Option("api_id", str, "API id: 10 lower-case letters or digits"),
            Option("domain_name", str, "custom domain name (default: the execute-api domain)"),
            Option("request_id", str, "requestContext.requestId (= extendedRequestId)"),
            Option(
                "authorizer",
                dict,
                "CONNECT: the Lambda authorizer's context (str, number, bool values)",
            ),
        ),
    ),
)
