"""Elastic Load Balancing: the request an Application Load Balancer sends a Lambda target group
(shapes.md section 23), with or without multi-value headers."""

from __future__ import annotations

import re
from operator import attrgetter
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from . import _http

BODY_LIMIT = (1_048_576, "a load balancer sends Lambda targets at most 1 MB (1,048,576 bytes)")
_TARGET_GROUP = re.compile(r"^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_TARGET_GROUP_ARN = re.compile(r"^targetgroup/([^/]+)/[0-9a-f]{16}$")
_DRAW = 136 + _http.ROUTE_BITS + _http.DICE_BITS + 96
# the options of the request: when none is set, the event is written directly (_default_alb)
_REQUEST = attrgetter(
    "method", "path", "query", "headers", "cookies", "body", "source_ip", "user_agent",
    "target_group_name", "target_group_arn", "domain_name",
)  # fmt: skip
_NONE = (None,) * 11
_MASK_96 = (1 << 96) - 1


def _target_group_arn(ctx: BuildContext, group: str, id_bits: int) -> str:
    """The target group's ARN, its 16-hex-digit id from the low 64 of ``id_bits``."""
    return (
        f"arn:{ctx.partition}:elasticloadbalancing:{ctx.region}:{ctx.account_id}:"
        f"targetgroup/{group}/{id_bits & 0xFFFFFFFFFFFFFFFF:016x}"
    )


def _event_start(arn: str, method: str, path: str) -> dict[str, Any]:
    return {"requestContext": {"elb": {"targetGroupArn": arn}}, "httpMethod": method, "path": path}


def build_alb(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if _REQUEST(o) == _NONE and not o.given("query") and not o.given("body"):
        return _default_alb(ctx, o.multi_value_headers)
    # one draw: the load balancer's own small choices (72 bits), the target group id (64), the
    # route's, the request's and the trace id's bits
    bits = ctx.getrandbits(_DRAW)
    given_arn = _check_target_group_arn(ctx, o) if o.target_group_arn is not None else None
    if o.target_group_name is None:
        group = f"{_http.NOUN_BY_BYTE[bits & 255]}-lambda-tg"
    else:
        group = _target_group(ctx, o.target_group_name)
    host = _http.host_from_headers(ctx, o, "domain_name") if o.domain_name or o.headers else None
    if host is None:  # the load balancer's own DNS name
        number = 1_000_000_000 + (bits >> 24 & 0xFFFFFFFFF) % 9_000_000_000
        nouns = _http.NOUN_BY_BYTE
        host = (
            f"{nouns[bits >> 8 & 255]}-{nouns[bits >> 16 & 255]}-alb-{number}"
            f".{ctx.region}.elb.{_http.dns_suffix(ctx.partition)}"
        )
    method = o.method or _http.METHOD_BY_BYTE[bits >> 64 & 255]
    route_bits = bits >> 136
    path = _http.check_path(ctx, o.path) if o.path else _http.random_path(ctx, method, route_bits)
    dice = route_bits >> _http.ROUTE_BITS
    req = _http.build_request(ctx, o, method, path, body_limit=BODY_LIMIT, dice=dice)
    trace = dice >> _http.DICE_BITS
    if bits >> 60 & 15 < 11:  # 11 in 16 listeners are HTTPS
        _http.add_forwarding(ctx, req, host, trace_bits=trace)
    else:
        _http.add_forwarding(ctx, req, host, proto="http", port=80, trace_bits=trace)
    encoded = req.body is not None and _http.text_rule_base64(req)
    arn = given_arn or _target_group_arn(ctx, group, bits >> 72)
    event = _event_start(arn, method, path)
    # ALB passes the query string on as received: still percent-encoded.
    query = _http.grouped(req.wire_query) if req.wire_query else {}
    if o.multi_value_headers:
        event["multiValueQueryStringParameters"] = query
        event["multiValueHeaders"] = req.lower_lists()
    else:  # single-value mode keeps the last of repeated names
        event["queryStringParameters"] = {k: v[-1] for k, v in query.items()} if query else {}
        event["headers"] = req.lower_last()
    event["body"] = "" if req.body is None else _http.body_text(ctx, req, encoded)
    event["isBase64Encoded"] = encoded
    return event


def _default_alb(ctx: BuildContext, multi: bool) -> dict[str, Any]:
    """``build_alb`` given no request options: the same event, written directly."""
    # one draw of 352 bits, within the pool's first block: the load balancer's small choices
    # (72), the route's (56), the request's (96), and 128 spread over the target group id (64),
    # the trace id (96), an item's UUID (128), the body (256) and a session cookie (128)
    bits = ctx.getrandbits(352)
    wide = _http.spread(bits >> 224)
    nouns = _http.NOUN_BY_BYTE
    method = _http.METHOD_BY_BYTE[bits >> 64 & 255]
    path = _http.random_path_from(method, bits >> 72, wide >> 160)
    dice = bits >> 128
    address, agent, headers, cookie = _http.client_from(dice, wide >> 544)
    body = _http.body_from(method, wide >> 288)
    if body is not None:
        headers["content-length"] = str(len(body.encode()))
        headers["content-type"] = "application/json"
    if cookie is not None:
        headers["cookie"] = cookie
    number = 1_000_000_000 + (bits >> 24 & 0xFFFFFFFFF) % 9_000_000_000
    headers["host"] = (
        f"{nouns[bits >> 8 & 255]}-{nouns[bits >> 16 & 255]}-alb-{number}"
        f".{ctx.region}.elb.{_http.dns_suffix(ctx.partition)}"
    )
    headers["user-agent"] = agent
    headers["x-amzn-trace-id"] = f"Root=1-{ctx.time_ms // 1000:08x}-{wide >> 64 & _MASK_96:024x}"
    headers["x-forwarded-for"] = address
    if bits >> 60 & 15 < 11:  # 11 in 16 listeners are HTTPS
        headers["x-forwarded-port"] = "443"
        headers["x-forwarded-proto"] = "https"
    else:
        headers["x-forwarded-port"] = "80"
        headers["x-forwarded-proto"] = "http"
    event = _event_start(
        _target_group_arn(ctx, f"{nouns[bits & 255]}-lambda-tg", wide), method, path
    )
    query = _http.drawn_query(method, dice)
    if multi:
        event["multiValueQueryStringParameters"] = _http.grouped(query[1]) if query else {}
        event["multiValueHeaders"] = {name: [value] for name, value in headers.items()}
    else:  # single-value mode keeps the last of repeated names (dict() does)
        event["queryStringParameters"] = dict(query[1]) if query else {}
        event["headers"] = headers
    event["body"] = "" if body is None else body
    event["isBase64Encoded"] = False
    return event


def _check_target_group_arn(ctx: BuildContext, o: Options) -> str:
    """A given target group ARN: in the event's partition, region and account, and naming the
    same group as ``target_group_name`` when both are given."""
    arn: str = o.target_group_arn
    prefix = ctx.arn("elasticloadbalancing", "")
    m = _TARGET_GROUP_ARN.match(arn.removeprefix(prefix)) if arn.startswith(prefix) else None
    if m is None:
        ctx.fail(
            "target_group_arn",
            f"{arn!r} is not a target group ARN of this event's region and account, such as "
            f"'{prefix}targetgroup/web-tg/6d0ecf831eec9f09'",
        )
    name = _target_group(ctx, m.group(1))
    if o.target_group_name is not None and o.target_group_name != name:
        ctx.fail(
            "target_group_arn", f"{arn!r} names {name!r} but target_group_name is "
            f"{o.target_group_name!r}; give one of them",
        )  # fmt: skip
    return arn


def _target_group(ctx: BuildContext, name: str | None) -> str:
    if name is None:
        return f"{aws.pick(ctx, NOUNS)}-lambda-tg"
    if not _TARGET_GROUP.match(name):
        ctx.fail(
            "target_group_name",
            f"{name!r}: 1 to 32 letters, digits or '-', not starting "
            "or ending with '-' nor starting with 'internal-'",
        )
    return name


SOURCES = (
    EventSource(
        id="alb",
        service="Elastic Load Balancing (Application Load Balancer)",
        invocation="sync",
        builder=build_alb,
        description="Application Load Balancer request to a Lambda target group",
        options=(
            *_http.request_options(max_body="1 MB", binary=_http.TEXT_RULE),
            Option(
                "multi_value_headers",
                bool,
                "the target group's multi-value headers setting: "
                "multiValueHeaders/multiValueQueryStringParameters instead",
                False,
            ),
            Option("target_group_name", str, "target group name (1-32 letters, digits, '-')"),
            Option(
                "target_group_arn",
                str,
                "the target group's ARN (default: one for target_group_name with a random id)",
            ),
            Option(
                "domain_name",
                str,
                "the host the client called (default: the load balancer's DNS name)",
            ),
        ),
    ),
)
