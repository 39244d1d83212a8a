"""Amazon API Gateway WebSocket APIs: the $connect, message and $disconnect events of one client
connection (shapes.md section 21)."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, sentence
from ..registry import EventSource, Option, Options
from ..timefmt import clf, epoch_ms
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


def build_websocket(ctx: BuildContext, o: Options) -> dict[str, Any]:
    rng = ctx.rng
    kind: str = o.event_type or aws.pick(rng, EVENT_TYPES)
    _check_kind_options(ctx, o, kind)
    api_id = _http.check_api_id(ctx, o.api_id)
    domain = (
        _http.check_domain(ctx, "domain_name", o.domain_name)
        if o.domain_name
        else (f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}")
    )
    stage = (
        _http.check_stage(ctx, o.stage, allow_default=False) if o.stage else aws.pick(rng, STAGES)
    )
    connected_at = _connected_at(ctx, o, kind)
    connection_id = _connection_id(ctx, o.connection_id)
    request_id = o.request_id or _http.apigw_id(ctx)
    agent = o.user_agent or _http.USER_AGENTS[int(rng.random() * len(_http.USER_AGENTS))][0]
    event: dict[str, Any] = {}
    context: dict[str, Any] = {}
    if kind == "CONNECT":
        source_ip = _connect(ctx, o, event, domain)
        context = {"routeKey": "$connect", "eventType": "CONNECT"}
        agent = event["headers"].get("User-Agent", agent)
    else:
        source_ip = _source_ip(ctx, o.source_ip)
    if kind == "DISCONNECT":
        code, reason = _close(ctx, o)
        # what API Gateway hands $disconnect: the host and three empty headers (captures)
        names = ("Host", "x-api-key", "X-Forwarded-For", "x-restapi")
        values = (domain, "", "", "")
        event["headers"] = dict(zip(names, values, strict=True))
        event["multiValueHeaders"] = {n: [v] for n, v in zip(names, values, strict=True)}
        context = {
            "routeKey": "$disconnect",
            "disconnectStatusCode": code,
            "eventType": "DISCONNECT",
        }
    body: str | None = None
    encoded = False
    if kind == "MESSAGE":
        route_key, body, encoded = _message(ctx, o)
        context = {"routeKey": route_key, "messageId": _http.apigw_id(ctx), "eventType": "MESSAGE"}
    context |= {
        "extendedRequestId": request_id,
        "requestTime": clf(ctx.time),
        "messageDirection": "IN",
    }
    if kind == "DISCONNECT":
        context["disconnectReason"] = reason
    identity = {"userAgent": agent, "sourceIp": source_ip}
    context |= {
        "stage": stage,
        "connectedAt": epoch_ms(connected_at),
        "requestTimeEpoch": epoch_ms(ctx.time),
        "identity": identity,
        "requestId": request_id,
        "domainName": domain,
        "connectionId": connection_id,
        "apiId": api_id,
    }
    if kind == "CONNECT" and o.authorizer is not None:
        context["authorizer"] = _authorizer(ctx, o.authorizer)
    event["requestContext"] = context
    if kind == "MESSAGE":
        event["body"] = body
    event["isBase64Encoded"] = encoded
    return event


def _check_kind_options(ctx: BuildContext, o: Options, kind: str) -> None:
    """Each option belongs to the event types that carry its field."""
    only = {
        "CONNECT": ("headers", "query", "cookies", "authorizer"),
        "MESSAGE": ("body", "route_key"),
        "DISCONNECT": ("disconnect_status_code", "disconnect_reason"),
    }
    for owner, names in only.items():
        for name in names:
            if owner != kind and getattr(o, name) is not None:
                ctx.fail(
                    name,
                    f"only {owner} events carry it; this is a {kind} event (event_type={owner!r})",
                )


def _connect(ctx: BuildContext, o: Options, event: dict[str, Any], domain: str) -> str:
    """The client's upgrade request: its headers and query string; returns the client IP."""
    req = _http.build_request(
        ctx, _handshake_options(ctx, o), "GET", "/", body_limit=_http.LAMBDA_PAYLOAD_LIMIT
    )
    given = {k.lower() for k in (o.headers or {}) if isinstance(k, str)}
    if "accept" not in given:  # a WebSocket handshake sends no Accept header
        req.headers.pop("accept", None)
    key = base64.b64encode(ctx.rng.randbytes(16)).decode()
    for name, value in (
        ("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
        ("Sec-WebSocket-Key", key),
        ("Sec-WebSocket-Version", "13"),
    ):
        req.add(name, value)
    if req.user_agent.startswith("Mozilla/"):
        req.add("Origin", f"https://{aws.pick(ctx.rng, ('app', 'www', 'chat'))}.example.com")
    _http.add_forwarding(ctx, req, domain)
    headers = req.sorted_headers(lower=False)
    event["headers"] = {name: values[-1] for name, values in headers}
    event["multiValueHeaders"] = {name: list(values) for name, values in headers}
    if req.query:
        query = _http.grouped(req.query)
        event["queryStringParameters"] = {k: v[-1] for k, v in query.items()}
        event["multiValueQueryStringParameters"] = query
    return req.source_ip


def _handshake_options(ctx: BuildContext, o: Options) -> Options:
    """The options of the handshake request: a drawn query string of the kind clients put on
    the connect URL (a token or a room) unless the caller gave one; never a body."""
    values = {
        name: getattr(o, name)
        for name in ("query", "headers", "cookies", "source_ip", "user_agent")
    }
    given = {name for name in values if o.given(name)} | {"body", "query"}
    if not o.given("query"):
        draw = ctx.rng.random()
        values["query"] = (
            {"token": ctx.hex(32)}
            if draw < 0.3
            else {"room": aws.pick(ctx.rng, NOUNS)}
            if draw < 0.5
            else None
        )
    return Options({**values, "body": None}, frozenset(given))


def _message(ctx: BuildContext, o: Options) -> tuple[str, str, bool]:
    """(routeKey, body, isBase64Encoded): the route is the body's "action" (the usual route
    selection expression $request.body.action) when it names one, else $default."""
    rng = ctx.rng
    route = o.route_key
    if route is not None and route != "$default" and not _ROUTE.match(route):
        ctx.fail(
            "route_key",
            f"{route!r}: '$default' or a custom route key of letters, digits "
            "and _.:- (the $connect/$disconnect routes have their own event_type)",
        )
    if o.body is None:
        action = (
            route
            if route not in (None, "$default")
            else (aws.pick(rng, _ACTIONS) if rng.random() < 0.7 else None)
        )
        doc: dict[str, Any] = {"action": action} if action else {}
        doc |= {"message": sentence(rng), "sentAt": epoch_ms(ctx.time) - int(rng.random() * 50)}
        text = json.dumps(doc, separators=(",", ":"))
        return route or (action or "$default"), text, False
    raw = o.body if isinstance(o.body, bytes) else o.body.encode()
    if len(raw) > MESSAGE_LIMIT:
        ctx.fail(
            "body",
            f"{len(raw):,} bytes; a WebSocket message is at most {MESSAGE_LIMIT:,} bytes (128 KB)",
        )
    if isinstance(o.body, bytes):  # a binary frame arrives base64-encoded
        return route or "$default", base64.b64encode(raw).decode(), True
    return route or _selected_route(o.body), o.body, False


def _selected_route(body: str) -> str:
    try:
        doc = json.loads(body)
    except ValueError:
        return "$default"
    action = doc.get("action") if isinstance(doc, dict) else None
    return action if isinstance(action, str) and _ROUTE.match(action) else "$default"


def _source_ip(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return aws.ipv4(ctx.rng)
    import ipaddress  # only needed when a caller passes an address

    try:
        ipaddress.ip_address(given)
    except ValueError:
        ctx.fail("source_ip", f"{given!r} is not an IPv4 or IPv6 address")
    return given


def _connected_at(ctx: BuildContext, o: Options, kind: str) -> datetime:
    if o.connected_at is None:
        if kind == "CONNECT":  # the handshake is accepted a few milliseconds before
            return ctx.time - timedelta(milliseconds=2 + int(ctx.rng.random() * 15))
        return ctx.time - timedelta(milliseconds=int(ctx.rng.random() * 1_800_000))
    at: datetime = o.connected_at
    if at > ctx.time or ctx.time - at > MAX_CONNECTION:
        ctx.fail(
            "connected_at",
            f"{at.isoformat()} must be at most 2 hours (a connection's "
            f"maximum duration) before the event time {ctx.time.isoformat()}",
        )
    return at


def _connection_id(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return _http.apigw_id(ctx)
    if not _CONNECTION_ID.match(given):
        ctx.fail(
            "connection_id",
            f"{given!r} is not a connection id: 15 characters of "
            "letters, digits, '-' or '_' and a final '=', e.g. 'BFHPhfCWIAMCKlQ='",
        )
    return given


def _close(ctx: BuildContext, o: Options) -> tuple[int, str]:
    code, reason = _CLOSES[int(ctx.rng.random() * len(_CLOSES))]
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
        "integrationLatency": int(ctx.rng.random() * 300),
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
