"""Amazon VPC Lattice: the request a Lambda target group receives, event structure version 1
(snake_case, single values) or 2 (camelCase, value lists, requestContext) (shapes.md 33)."""

from __future__ import annotations

import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options
from . import _http

VERSIONS = ("1", "2")
IDENTITY_TYPES = ("AWS_IAM", "NONE")
_SERVICE = re.compile(r"^(?!svc-)[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")


def build_lattice(ctx: BuildContext, o: Options) -> dict[str, Any]:
    rng = ctx.rng
    version: str = o.version or ("2" if rng.random() < 0.5 else "1")
    if version == "1" and o.identity_type is not None:
        ctx.fail("identity_type", "only version '2' events carry requestContext.identity")
    service = _service_name(ctx, o.service_name)
    ids = {k: f"{k}-{ctx.hex(17)}" for k in ("sn", "svc", "tg", "vpc")}
    arns = {
        "serviceNetworkArn": ctx.arn("vpc-lattice", f"servicenetwork/{ids['sn']}"),
        "serviceArn": ctx.arn("vpc-lattice", f"service/{ids['svc']}"),
        "targetGroupArn": ctx.arn("vpc-lattice", f"targetgroup/{ids['tg']}"),
    }
    vpc_arn = ctx.arn("ec2", f"vpc/{ids['vpc']}")
    host = f"{service}-{ids['svc'][4:]}.{ctx.hex(7)}.vpc-lattice-svcs.{ctx.region}.on.aws"
    method = o.method or _http.draw_method(ctx)
    path = _http.check_path(ctx, o.path) if o.path else _http.random_route(ctx, method).path
    req = _http.build_request(ctx, o, method, path, body_limit=_http.LAMBDA_PAYLOAD_LIMIT)
    given_host = req.header("host")
    if given_host is not None and given_host != host:
        ctx.fail(
            "headers",
            f"Host {given_host!r}; the service's domain is generated, give service_name instead",
        )
    req.add("Host", host)
    req.add("X-Forwarded-For", req.source_ip)
    identity = _identity(ctx, o, vpc_arn) if version == "2" else None
    req.add("X-Amzn-Lattice-Network", f"SourceVpcArn={vpc_arn}")
    req.add(
        "X-Amzn-Lattice-Target", "; ".join(f"{k[0].upper()}{k[1:]}={v}" for k, v in arns.items())
    )
    encoded = _http.text_rule_base64(req)
    body = _http.body_text(ctx, req, encoded)
    headers = req.sorted_headers(lower=True)
    query = _http.grouped(req.query)
    if version == "1":
        return {
            "raw_path": path,
            "method": method,
            "headers": {name: ",".join(values) for name, values in headers},
            "query_string_parameters": {k: ",".join(v) for k, v in query.items()},
            "body": body or "",
            "is_base64_encoded": encoded,
        }
    event: dict[str, Any] = {
        "version": "2.0",
        "path": path,
        "method": method,
        "headers": dict(headers),
    }
    if query:
        event["queryStringParameters"] = query
    if body is not None:
        event["body"] = body
    event["isBase64Encoded"] = encoded
    micros = int(ctx.time.timestamp()) * 1_000_000 + ctx.time.microsecond
    event["requestContext"] = {
        **arns,
        "identity": identity,
        "region": ctx.region,
        "timeEpoch": str(micros),
    }
    return event


def _service_name(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return f"{aws.pick(ctx.rng, NOUNS)}-{aws.pick(ctx.rng, ROLES)}"
    if not _SERVICE.match(given):
        ctx.fail(
            "service_name",
            f"{given!r}: 3 to 40 lower-case letters, digits or '-', not "
            "starting or ending with '-' nor starting with 'svc-'",
        )
    return given


def _identity(ctx: BuildContext, o: Options, vpc_arn: str) -> dict[str, Any]:
    """Who called: the source VPC always; the IAM principal when the auth type is AWS_IAM."""
    kind = o.identity_type or ("AWS_IAM" if ctx.rng.random() < 0.6 else "NONE")
    identity: dict[str, Any] = {"sourceVpcArn": vpc_arn, "type": kind}
    if kind == "AWS_IAM":
        role = f"{aws.pick(ctx.rng, NOUNS)}-{aws.pick(ctx.rng, ROLES)}-role"
        session = ctx.hex(32)
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
