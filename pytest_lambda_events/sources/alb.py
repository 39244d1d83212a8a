"""Elastic Load Balancing: the request an Application Load Balancer sends a Lambda target group
(shapes.md section 23), with or without multi-value headers."""

from __future__ import annotations

import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from . import _http

BODY_LIMIT = (1_048_576, "a load balancer sends Lambda targets at most 1 MB (1,048,576 bytes)")
_TARGET_GROUP = re.compile(r"^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$")
_TARGET_GROUP_ARN = re.compile(r"^targetgroup/([^/]+)/[0-9a-f]{16}$")


def build_alb(ctx: BuildContext, o: Options) -> dict[str, Any]:
    rng = ctx.rng
    bits = rng.getrandbits(72)  # the load balancer's own small choices, a few bits each
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
    method = o.method or _http.METHOD_BY_BYTE[bits >> 64]
    path = _http.check_path(ctx, o.path) if o.path else _http.random_path(ctx, method)
    req = _http.build_request(ctx, o, method, path, body_limit=BODY_LIMIT)
    if bits >> 60 & 15 < 11:  # 11 in 16 listeners are HTTPS
        _http.add_forwarding(ctx, req, host)
    else:
        _http.add_forwarding(ctx, req, host, proto="http", port=80)
    encoded = req.body is not None and _http.text_rule_base64(req)
    arn = given_arn or (
        f"arn:{ctx.partition}:elasticloadbalancing:{ctx.region}:{ctx.account_id}:"
        f"targetgroup/{group}/{aws.hex_string(rng, 16)}"
    )
    event: dict[str, Any] = {
        "requestContext": {"elb": {"targetGroupArn": arn}},
        "httpMethod": method,
        "path": path,
    }
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
        return f"{aws.pick(ctx.rng, NOUNS)}-lambda-tg"
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
