"""AWS CloudFormation custom resources: the Create/Update/Delete request a provider function
receives (shapes.md section 9)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import iso_z

REQUEST_TYPES = ("Create", "Update", "Delete")
GENERIC_TYPE = "AWS::CloudFormation::CustomResource"
_RESOURCE_TYPE = re.compile(r"^Custom::[A-Za-z0-9_@-]{1,52}$")
_LOGICAL_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")
_STACK_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,127}$")
_FUNCTION_ARN = re.compile(
    r"^arn:[\w-]+:lambda:([a-z0-9-]+):(\d{12}):function:[\w-]{1,64}(:[\w$-]+)?$"
)
_TOPIC_ARN = re.compile(r"^arn:[\w-]+:sns:([a-z0-9-]+):(\d{12}):[\w-]{1,256}$")
_CUSTOM_NAMES = ("BucketCleaner", "DnsRecord", "SeedData", "AmiLookup", "CertificateValidator",
                 "DatabaseUser", "ParameterCopier", "IndexTemplate")  # fmt: skip
_URL_EXPIRES_S = 7200  # the presigned response URL stays valid for two hours
# what the response URL's object key holds when every part is a generated or validated name:
# then only ':' and '|' need escaping, and urllib's quote (slow, in Python) can be skipped
_PLAIN_KEY = re.compile(r"[A-Za-z0-9/:|-]*")


def _v1_uuid(ctx: BuildContext) -> str:
    """A time-based (version 1) UUID, as CloudFormation puts in stack ARNs."""
    ticks = int((ctx.time.timestamp() - 86400 * (1 + ctx.rng.random() * 300)) * 10**7)
    ticks += 0x01B21DD213814000  # UUID v1 counts 100 ns from 1582-10-15
    rest = ctx.hex(15)  # the node (12 hex digits) and the clock sequence (3) in one draw
    return (
        f"{ticks & 0xFFFFFFFF:08x}-{ticks >> 32 & 0xFFFF:04x}-1{ticks >> 48 & 0xFFF:03x}-"
        f"{'89ab'[int(ctx.rng.random() * 4)]}{rest[12:]}-{rest[:12]}"
    )


def _stringify(value: Any) -> Any:
    """CloudFormation passes every scalar property value as a string."""
    if isinstance(value, Mapping):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stringify(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _properties(ctx: BuildContext, stack: str) -> dict[str, Any]:
    rng = ctx.rng
    noun = aws.pick(rng, NOUNS)
    props: dict[str, Any] = {
        "Name": f"{stack}-{noun}",
        "Version": str(1 + int(rng.random() * 9)),
        "RetainOnDelete": aws.pick(rng, ("true", "false")),
        "Tags": [{"Key": "team", "Value": aws.pick(rng, NOUNS)},
                 {"Key": "env", "Value": aws.pick(rng, ("prod", "staging", "dev"))}],
    }  # fmt: skip
    if rng.random() < 0.5:
        props["BucketName"] = f"{stack}-{noun}-{ctx.hex(8)}"
    return props


def _old_properties(ctx: BuildContext, new: dict[str, Any]) -> dict[str, Any]:
    """The properties before the update: the same keys, with Version one lower."""
    old = dict(new)
    version = new.get("Version")
    if isinstance(version, str) and version.isdigit() and int(version) > 1:
        old["Version"] = str(int(version) - 1)
    else:
        old["Name"] = f"{new.get('Name', 'resource')}-old"
    return old


def response_url(ctx: BuildContext, stack_id: str, logical_id: str, request_id: str) -> str:
    """The presigned S3 PUT URL in the stack's region the provider must answer on."""
    region = ctx.region
    # us-east-1 buckets answer on the global endpoint; the others on their regional one
    endpoint = "s3" if region == "us-east-1" else f"s3.{region}"
    domain = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    host = f"cloudformation-custom-resource-response-{region.replace('-', '')}.{endpoint}.{domain}"
    signed: datetime = ctx.time - timedelta(milliseconds=200 + int(ctx.rng.random() * 800))
    amz_date = iso_z(signed).replace("-", "").replace(":", "")  # 20250601T120000Z
    key = f"{stack_id}|{logical_id}|{request_id}"
    if _PLAIN_KEY.fullmatch(key):
        key = key.replace(":", "%3A").replace("|", "%7C")
    else:
        key = quote(key, safe="/")
    # AKIA<16>/<date>/<region>/s3/aws4_request, its slashes escaped (a region needs no other)
    access_key = aws.access_key_id(ctx.rng, temporary=False)
    credential = f"{access_key}%2F{amz_date[:8]}%2F{region}%2Fs3%2Faws4_request"
    return (
        f"https://{host}/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={amz_date}"
        f"&X-Amz-SignedHeaders=host&X-Amz-Expires={_URL_EXPIRES_S}"
        f"&X-Amz-Credential={credential}&X-Amz-Signature={ctx.hex(64)}"
    )


def _service_token(ctx: BuildContext, o: Options, stack: str) -> str:
    token: str | None = o.service_token
    if token is None:
        name = f"{stack}-{aws.pick(ctx.rng, ROLES)}-{aws.chars(ctx.rng, 12)}"[:64]
        return ctx.arn("lambda", f"function:{name}")
    match = _FUNCTION_ARN.match(token) or _TOPIC_ARN.match(token)
    if match is None:
        ctx.fail("service_token", f"{token!r} is not a Lambda function ARN or SNS topic ARN")
    if (match.group(1), match.group(2)) != (ctx.region, ctx.account_id):
        ctx.fail(
            "service_token",
            f"{token!r} is not in the stack's region and account ({ctx.region}, "
            f"{ctx.account_id}); CloudFormation only invokes providers in the stack's region",
        )
    return token


def _with_token(
    ctx: BuildContext, option: str, token: str, props: dict[str, Any]
) -> dict[str, Any]:
    """Properties as CloudFormation sends them: the ServiceToken first, then the template's."""
    given = props.get("ServiceToken", token)
    if given != token:
        ctx.fail(option, f"its ServiceToken {given!r} differs from the request's {token!r}")
    return {"ServiceToken": token, **{k: v for k, v in props.items() if k != "ServiceToken"}}


def _physical_id(ctx: BuildContext, stack: str, logical_id: str) -> str:
    """The id the provider returned on Create: often the cfn-response default (the log stream
    name), otherwise a name the provider made up."""
    if ctx.rng.random() < 0.5:
        created = ctx.time - timedelta(days=1 + int(ctx.rng.random() * 90))
        return f"{iso_z(created)[:10].replace('-', '/')}/[$LATEST]{ctx.hex(32)}"
    return f"{stack}-{logical_id}-{aws.chars(ctx.rng, 12, aws.UPPER_DIGITS)}"


def _check(ctx: BuildContext, o: Options, request_type: str) -> None:
    if o.physical_resource_id is not None and request_type == "Create":
        ctx.fail("physical_resource_id", "a Create request has none; it is for Update or Delete")
    if o.old_resource_properties is not None and request_type != "Update":
        ctx.fail("old_resource_properties", f"only Update requests have it, not {request_type}")
    for option, pattern, allowed in (
        ("resource_type", _RESOURCE_TYPE, f"'Custom::' + 1-52 of A-Za-z0-9_@- or {GENERIC_TYPE}"),
        ("logical_resource_id", _LOGICAL_ID, "1 to 255 letters and digits"),
        ("stack_name", _STACK_NAME, "a letter, then up to 127 letters, digits and hyphens"),
    ):  # fmt: skip
        value = getattr(o, option)
        if value is not None and value != GENERIC_TYPE and not pattern.match(value):
            ctx.fail(option, f"{value!r} is not allowed; use {allowed}")


def build_cloudformation(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A custom resource request, every id consistent with the stack and the provider."""
    rng = ctx.rng
    request_type: str = o.request_type or aws.pick(rng, REQUEST_TYPES)
    _check(ctx, o, request_type)
    stack: str = (
        o.stack_name or f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ('stack', 'service', 'infra'))}"
    )
    logical_id: str = o.logical_resource_id or aws.pick(rng, _CUSTOM_NAMES)
    stack_id = ctx.arn("cloudformation", f"stack/{stack}/{_v1_uuid(ctx)}")
    request_id = ctx.uuid()
    token = _service_token(ctx, o, stack)
    props = _properties(ctx, stack) if o.resource_properties is None else _stringify(
        o.resource_properties)  # fmt: skip
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": response_url(ctx, stack_id, logical_id, request_id),
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": logical_id,
        "ResourceType": o.resource_type or f"Custom::{logical_id}",
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = o.physical_resource_id or _physical_id(ctx, stack, logical_id)
    event["ResourceProperties"] = _with_token(ctx, "resource_properties", token, props)
    if request_type == "Update":
        old = (_old_properties(ctx, props) if o.old_resource_properties is None
               else _stringify(o.old_resource_properties))  # fmt: skip
        event["OldResourceProperties"] = _with_token(ctx, "old_resource_properties", token, old)
    return event


SOURCES = (
    EventSource(
        id="cloudformation",
        service="AWS CloudFormation",
        invocation="async",
        builder=build_cloudformation,
        description="CloudFormation custom resource request (Create, Update or Delete)",
        options=(
            Option("request_type", str, "RequestType", choices=REQUEST_TYPES),
            Option("stack_name", str, "the stack's name (StackId is its ARN)"),
            Option("logical_resource_id", str, "LogicalResourceId: the resource's template name"),
            Option("physical_resource_id", str, "PhysicalResourceId (Update and Delete only)"),
            Option("resource_type", str, "ResourceType: 'Custom::<Name>' (at most 60 characters)"),
            Option("resource_properties", dict, "ResourceProperties (scalars become strings)"),
            Option("old_resource_properties", dict, "OldResourceProperties (Update only)"),
            Option("service_token", str, "ServiceToken: the provider's Lambda or SNS topic ARN"),
        ),
    ),
)
