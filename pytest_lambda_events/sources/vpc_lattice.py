"""Amazon VPC Lattice: the request a Lambda target group receives, event structure version 1
(snake_case, single values) or 2 (camelCase, value lists, requestContext) (shapes.md 33)."""

from __future__ import annotations

import re
from typing import Any

from .. import aws
from ..building import BuildContext, frozen_now
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options
from . import _http

VERSIONS = ("1", "2")
IDENTITY_TYPES = ("AWS_IAM", "NONE")
_MASK_128 = (1 << 128) - 1
_MASK_304 = (1 << 304) - 1
_DRAW = 465 + _http.ROUTE_BITS + _http.DICE_BITS
_SERVICE = re.compile(r"^(?!svc-)[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")


def build_lattice(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_lattice(ctx)
    # one draw: the service's own small choices (33 bits), the ids (304), the session (128),
    # the route's and the request's bits
    bits = ctx.getrandbits(_DRAW)
    version: str = o.version or ("2" if bits >> 32 & 1 else "1")
    if version == "1" and o.identity_type is not None:
        ctx.fail("identity_type", "only version '2' events carry requestContext.identity")
    if o.service_name is None:
        service = f"{NOUNS[(bits >> 1 & 255) % len(NOUNS)]}-{ROLES[(bits >> 9 & 255) % len(ROLES)]}"
    else:
        service = _service_name(ctx, o.service_name)
    # the ids of the service network, service, target group and VPC, and the domain's label
    ids = f"{bits >> 33 & _MASK_304:076x}"
    sn, svc, tg, vpc = ids[:17], ids[17:34], ids[34:51], ids[51:68]
    prefix = f"arn:{ctx.partition}:vpc-lattice:{ctx.region}:{ctx.account_id}"
    network_arn = f"{prefix}:servicenetwork/sn-{sn}"
    service_arn = f"{prefix}:service/svc-{svc}"
    target_group_arn = f"{prefix}:targetgroup/tg-{tg}"
    vpc_arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:vpc/vpc-{vpc}"
    host = f"{service}-{svc}.{ids[68:75]}.vpc-lattice-svcs.{ctx.region}.on.aws"
    method = o.method or _http.METHOD_BY_BYTE[bits >> 17 & 255]
    route_bits = bits >> 465
    path = _http.check_path(ctx, o.path) if o.path else _http.random_path(ctx, method, route_bits)
    req = _http.build_request(
        ctx,
        o,
        method,
        path,
        body_limit=_http.LAMBDA_PAYLOAD_LIMIT,
        dice=route_bits >> _http.ROUTE_BITS,
    )
    given_host = req.header("host") if req.user else None
    if given_host is not None and given_host != host:
        ctx.fail(
            "headers",
            f"Host {given_host!r}; the service's domain is generated, give service_name instead",
        )
    identity = (
        _identity(ctx, o, vpc_arn, bits >> 25 & 0xFFFFFF, bits >> 337) if version == "2" else None
    )
    req.add_defaults(
        {
            "host": host,
            "x-forwarded-for": req.source_ip,
            "x-amzn-lattice-network": f"SourceVpcArn={vpc_arn}",
            "x-amzn-lattice-target": f"ServiceNetworkArn={network_arn}; ServiceArn={service_arn}; "
            f"TargetGroupArn={target_group_arn}",
        }
    )
    encoded = req.body is not None and _http.text_rule_base64(req)
    body = None if req.body is None else _http.body_text(ctx, req, encoded)
    query = _http.grouped(req.query) if req.query else {}
    if version == "1":
        return {
            "raw_path": path,
            "method": method,
            "headers": req.lower_joined(ordered=False),  # as received, unsorted
            "query_string_parameters": {k: ",".join(v) for k, v in query.items()} if query else {},
            "body": body or "",
            "is_base64_encoded": encoded,
        }
    event: dict[str, Any] = {
        "version": "2.0",
        "path": path,
        "method": method,
        "headers": req.lower_lists(ordered=False),
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = encoded
    micros = ctx.time_ms // 1000 * 1_000_000 + ctx.time.microsecond
    event["requestContext"] = {
        "serviceNetworkArn": network_arn,
        "serviceArn": service_arn,
        "targetGroupArn": target_group_arn,
        "identity": identity,
        "region": ctx.region,
        "timeEpoch": str(micros),
    }
    return event


def _default_lattice(ctx: BuildContext) -> dict[str, Any]:
    """``build_lattice`` given no options: the same kind of event, written directly."""
    # one draw: the version (1), the service name (16), the method (8), the identity (24), the
    # route's (56), the request's (96) and 128 spread over the ids (304), the session (128),
    # an item's UUID (128), a session cookie (128) and the body (256)
    bits = ctx.getrandbits(329)
    wide = _http.spread(bits >> 201)
    service = f"{NOUNS[(bits >> 1 & 255) % len(NOUNS)]}-{ROLES[(bits >> 9 & 255) % len(ROLES)]}"
    ids = f"{wide & _MASK_304:076x}"
    sn, svc, tg, vpc = ids[:17], ids[17:34], ids[34:51], ids[51:68]
    region, account, partition = ctx.region, ctx.account_id, ctx.partition
    prefix = f"arn:{partition}:vpc-lattice:{region}:{account}"
    network_arn = f"{prefix}:servicenetwork/sn-{sn}"
    service_arn = f"{prefix}:service/svc-{svc}"
    target_group_arn = f"{prefix}:targetgroup/tg-{tg}"
    vpc_arn = f"arn:{partition}:ec2:{region}:{account}:vpc/vpc-{vpc}"
    method = _http.METHOD_BY_BYTE[bits >> 17 & 255]
    path = _http.random_path_from(method, bits >> 49, wide >> 432)
    dice = bits >> 105
    address, agent, accept, cookie = _http.client_from(dice, wide >> 560)
    # in the order the general path adds them: Lattice passes headers on unsorted
    headers = {
        "host": f"{service}-{svc}.{ids[68:75]}.vpc-lattice-svcs.{region}.on.aws",
        "x-forwarded-for": address,
        "x-amzn-lattice-network": f"SourceVpcArn={vpc_arn}",
        "x-amzn-lattice-target": f"ServiceNetworkArn={network_arn}; ServiceArn={service_arn}; "
        f"TargetGroupArn={target_group_arn}",
    }
    if cookie is not None:
        headers["cookie"] = cookie
    headers.update(accept)
    headers["user-agent"] = agent
    body = _http.default_body(headers, method, wide >> 688)
    query = _http.drawn_query(method, dice)
    grouped = _http.grouped(query[0]) if query else None
    if not bits & 1:  # version 1
        return {
            "raw_path": path,
            "method": method,
            "headers": headers,
            "query_string_parameters": {k: ",".join(v) for k, v in grouped.items()}
            if grouped
            else {},
            "body": body or "",
            "is_base64_encoded": False,
        }
    event: dict[str, Any] = {
        "version": "2.0",
        "path": path,
        "method": method,
        "headers": {name: [value] for name, value in headers.items()},
    }
    if grouped:
        event["queryStringParameters"] = grouped
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = False
    identity: dict[str, Any] = {"sourceVpcArn": vpc_arn}
    if bits >> 25 & 255 < 154:  # 60% of callers sign with IAM
        role = f"{NOUNS[(bits >> 33 & 255) % len(NOUNS)]}-{ROLES[(bits >> 41 & 255) % len(ROLES)]}"
        session = f"{wide >> 304 & _MASK_128:032x}"
        identity["type"] = "AWS_IAM"
        identity["principal"] = f"arn:{partition}:sts::{account}:assumed-role/{role}-role/{session}"
        identity["sessionName"] = session
    else:
        identity["type"] = "NONE"
    ms = ctx.time_ms
    # microseconds: those of a frozen clock, else the drawn time's (whole milliseconds)
    micros = ms * 1000 if frozen_now() is None else ms // 1000 * 1_000_000 + ctx.time.microsecond
    event["requestContext"] = {
        "serviceNetworkArn": network_arn,
        "serviceArn": service_arn,
        "targetGroupArn": target_group_arn,
        "identity": identity,
        "region": region,
        "timeEpoch": str(micros),
    }
    return event


def _service_name(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return f"{aws.pick(ctx, NOUNS)}-{aws.pick(ctx, ROLES)}"
    if not _SERVICE.match(given):
        ctx.fail(
            "service_name",
            f"{given!r}: 3 to 40 lower-case letters, digits or '-', not "
            "starting or ending with '-' nor starting with 'svc-'",
        )
    return given


def _identity(
    ctx: BuildContext, o: Options, vpc_arn: str, bits: int, session_bits: int
) -> dict[str, Any]:
    """Who called: the source VPC always; the IAM principal when the auth type is AWS_IAM."""
    kind = o.identity_type or ("AWS_IAM" if bits & 255 < 154 else "NONE")  # 60%
    identity: dict[str, Any] = {"sourceVpcArn": vpc_arn, "type": kind}
    if kind == "AWS_IAM":
        role = (
            f"{NOUNS[(bits >> 8 & 255) % len(NOUNS)]}-{ROLES[(bits >> 16 & 255) % len(ROLES)]}-role"
        )
        session = f"{session_bits & _MASK_128:032x}"
        identity["principal"] = (
            f"arn:{ctx.partition}:sts::{ctx.account_id}:assumed-role/{role}/{session}"
        )
        identity["sessionName"] = session
    return identity


SOURCES = (
    EventSource(
        id="vpc_lattice",
        service="Amazon VPC Lattice",
        invocation="sync",
        builder=build_lattice,
        description="VPC Lattice request to a Lambda target group (event structure v1 or v2)",
        options=(
            Option(
                "version",
                str,
                "the target group's Lambda event structure version",
                choices=VERSIONS,
            ),
            *_http.request_options(max_body="6 MB", binary=_http.TEXT_RULE),
            Option("service_name", str, "the Lattice service's name (its domain's first label)"),
            Option(
                "identity_type",
                str,
                "v2: the caller's auth type (identity.type)",
                choices=IDENTITY_TYPES,
            ),
        ),
    ),
)
