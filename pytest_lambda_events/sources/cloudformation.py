"""AWS CloudFormation custom resources: the Create/Update/Delete request a provider function
receives (shapes.md section 9)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS, compact_date, date_path

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


# Every default build draws its bits in one call (pool calls and ``ctx.rng``'s seeding cost
# more than the rest of the build): these are the byte offsets in that draw.
_B_TYPE, _B_STACK, _B_LOGICAL, _B_ROLE, _B_VERSION, _B_TEAM, _B_ENV = range(7)
_B_NOUN, _B_COIN, _B_SIGNED, _B_DAYS = 7, 8, 9, 10
_B_V1 = 11  # 4 bytes of age, 8 of node and clock sequence
_B_REQUEST = 23  # 16 bytes: the request's UUID
_B_FUNCTION = 39  # 12 bytes: the provider function's name suffix
_B_KEY = 51  # 16 bytes: the signing access key
_B_BUCKET = 67  # 4 bytes: the bucket name's suffix
_B_PHYSICAL = 71  # 16 bytes: the physical id's log stream or suffix
_B_SUFFIX = 87  # the stack name's suffix
_DRAW = 88


_HEAD = _DRAW - 64
_blake2b = hashlib.blake2b


def _draw(ctx: BuildContext) -> bytes:
    """The build's random bytes: a few from the pool, the rest their BLAKE2b digest (one
    cheap C call, where a pool refill costs a SHAKE-128 block and more Python)."""
    head = ctx.getrandbits(8 * _HEAD).to_bytes(_HEAD, "little")
    return head + _blake2b(head).digest()


def _pick(raw: bytes, at: int, seq: tuple[str, ...]) -> str:
    """An item of ``seq`` (at most 256 long) chosen by the byte at ``at``."""
    return seq[raw[at] * len(seq) >> 8]


_UUID1_EPOCH = 0x01B21DD213814000  # UUID v1 counts 100 ns from 1582-10-15
_DAY_TICKS = 86400 * 10**7
_ALNUM = aws.byte_table(aws.ALNUM)
_UPPER = aws.byte_table(aws.UPPER_DIGITS)
_STACK_SUFFIXES = ("stack", "service", "infra")
_ENVS = ("prod", "staging", "dev")
_VERSIONS = tuple(str(v) for v in range(1, 10))
_sha256 = hashlib.sha256
_VARIANT = "89ab"
_N_NOUNS, _N_ROLES, _N_CUSTOM = len(NOUNS), len(ROLES), len(_CUSTOM_NAMES)


def _v1_uuid(time_ms: int, raw: bytes) -> str:
    """A time-based (version 1) UUID, as CloudFormation puts in stack ARNs: the stack was
    created 1 to 301 days before the event (integer ticks: no float or datetime)."""
    age = _DAY_TICKS + (int.from_bytes(raw[_B_V1 : _B_V1 + 4]) * 300 * _DAY_TICKS >> 32)
    # 100 ns ticks in 15 hex digits (until the year 5236): time_hi, time_mid, time_low
    t = "%015x" % (time_ms * 10_000 - age + _UUID1_EPOCH)
    rest = raw[_B_V1 + 4 : _B_V1 + 12].hex()  # the node (12 hex digits) and the clock sequence
    return f"{t[7:]}-{t[3:7]}-1{t[:3]}-{'89ab'[raw[_B_V1 + 4] & 3]}{rest[12:15]}-{rest[:12]}"


def _request_id(raw: bytes) -> str:
    """RequestId: a version-4 UUID from the build's bytes."""
    h = raw[_B_REQUEST : _B_REQUEST + 16].hex()
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[raw[_B_REQUEST] & 3]}{h[17:20]}-{h[20:]}"


def _amz_date(time_ms: int, raw: bytes) -> str:
    """X-Amz-Date (``20250301T120000Z``): signed 0.2 to 1 s before the event is sent."""
    day, second = divmod((time_ms - 200 - raw[_B_SIGNED] * 25 // 8) // 1000, 86400)
    two = TWO_DIGITS
    return f"{compact_date(day)}T{two[second // 3600]}{two[second // 60 % 60]}{two[second % 60]}Z"


_HOSTS: dict[str, str] = {}


def _host(region: str, partition: str) -> str:
    """The response bucket's host in ``region`` (its partition follows; a few: cached)."""
    host = _HOSTS.get(region)
    if host is None:
        # us-east-1 buckets answer on the global endpoint; the others on their regional one
        endpoint = "s3" if region == "us-east-1" else f"s3.{region}"
        domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        host = (
            f"cloudformation-custom-resource-response-{region.replace('-', '')}.{endpoint}.{domain}"
        )
        _HOSTS[region] = host
    return host


def _signed_url(host: str, key: str, amz_date: str, region: str, raw: bytes) -> str:
    """The presigned PUT URL of the escaped object ``key``."""
    # AKIA<16>/<date>/<region>/s3/aws4_request, its slashes escaped (a region needs no other)
    unsigned = (
        f"https://{host}/{key}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={amz_date}"
        f"&X-Amz-SignedHeaders=host&X-Amz-Expires={_URL_EXPIRES_S}&X-Amz-Credential=AKIA"
        f"{raw[_B_KEY : _B_KEY + 16].translate(_UPPER).decode()}%2F{amz_date[:8]}%2F{region}"
        "%2Fs3%2Faws4_request"
    )
    # a SHA-256 of what is signed, as SigV4's HMAC is: random-looking, and one per request
    return f"{unsigned}&X-Amz-Signature={_sha256(unsigned.encode()).hexdigest()}"


def _stringify(value: Any) -> Any:
    """CloudFormation passes every scalar property value as a string."""
    if isinstance(value, Mapping):
        return {str(k): _stringify(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_stringify(v) for v in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _properties(stack: str, raw: bytes) -> dict[str, Any]:
    noun = _pick(raw, _B_NOUN, NOUNS)
    coin = raw[_B_COIN]
    props: dict[str, Any] = {
        "Name": f"{stack}-{noun}",
        "Version": _VERSIONS[raw[_B_VERSION] % 9],
        "RetainOnDelete": "true" if coin & 1 else "false",
        "Tags": [{"Key": "team", "Value": _pick(raw, _B_TEAM, NOUNS)},
                 {"Key": "env", "Value": _pick(raw, _B_ENV, _ENVS)}],
    }  # fmt: skip
    if coin & 2:
        props["BucketName"] = f"{stack}-{noun}-{raw[_B_BUCKET : _B_BUCKET + 4].hex()}"
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


def response_url(
    ctx: BuildContext, stack_id: str, logical_id: str, request_id: str, raw: bytes | None = None
) -> str:
    """The presigned S3 PUT URL in the stack's region the provider must answer on (``raw``:
    the build's random bytes, drawn here when not given)."""
    if raw is None:
        raw = _draw(ctx)
    key = f"{stack_id}|{logical_id}|{request_id}"
    if _PLAIN_KEY.fullmatch(key):
        key = key.replace(":", "%3A").replace("|", "%7C")
    else:
        key = quote(key, safe="/")
    region = ctx.region
    amz_date = _amz_date(ctx.time_ms, raw)
    return _signed_url(_host(region, ctx.partition), key, amz_date, region, raw)


def _service_token(ctx: BuildContext, o: Options, stack: str, raw: bytes) -> str:
    token: str | None = o.service_token
    if token is None:
        suffix = raw[_B_FUNCTION : _B_FUNCTION + 12].translate(_ALNUM).decode()
        name = f"{stack}-{_pick(raw, _B_ROLE, ROLES)}-{suffix}"[:64]
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


def _physical_id(ctx: BuildContext, stack: str, logical_id: str, raw: bytes) -> str:
    """The id the provider returned on Create: often the cfn-response default (the log stream
    name), otherwise a name the provider made up."""
    stream = raw[_B_PHYSICAL : _B_PHYSICAL + 16]
    if raw[_B_COIN] & 4:
        # created 1 to 90 days before (a date: no time of day to carry)
        return _log_stream(ctx.time_ms, raw)
    return f"{stack}-{logical_id}-{stream[:12].translate(_UPPER).decode()}"


def _log_stream(time_ms: int, raw: bytes) -> str:
    """A Lambda log stream name (cfn-response's default physical id)."""
    day = time_ms // 86_400_000 - 1 - (raw[_B_DAYS] * 90 >> 8)
    return f"{date_path(day)}/[$LATEST]{raw[_B_PHYSICAL : _B_PHYSICAL + 16].hex()}"


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
    if o.is_default:
        return _default_event(ctx)
    raw = _draw(ctx)
    request_type: str = o.request_type or _pick(raw, _B_TYPE, REQUEST_TYPES)
    _check(ctx, o, request_type)
    stack: str = o.stack_name or (
        f"{_pick(raw, _B_STACK, NOUNS)}-{_STACK_SUFFIXES[raw[_B_SUFFIX] % 3]}"
    )
    logical_id: str = o.logical_resource_id or _pick(raw, _B_LOGICAL, _CUSTOM_NAMES)
    stack_id = ctx.arn("cloudformation", f"stack/{stack}/{_v1_uuid(ctx.time_ms, raw)}")
    request_id = _request_id(raw)
    token = _service_token(ctx, o, stack, raw)
    props = _properties(stack, raw) if o.resource_properties is None else _stringify(
        o.resource_properties)  # fmt: skip
    event: dict[str, Any] = {
        "RequestType": request_type,
        "ServiceToken": token,
        "ResponseURL": response_url(ctx, stack_id, logical_id, request_id, raw),
        "StackId": stack_id,
        "RequestId": request_id,
        "LogicalResourceId": logical_id,
        "ResourceType": o.resource_type or f"Custom::{logical_id}",
    }
    if request_type != "Create":
        event["PhysicalResourceId"] = o.physical_resource_id or _physical_id(
            ctx, stack, logical_id, raw
        )
    event["ResourceProperties"] = _with_token(ctx, "resource_properties", token, props)
    if request_type == "Update":
        old = (_old_properties(ctx, props) if o.old_resource_properties is None
               else _stringify(o.old_resource_properties))  # fmt: skip
        event["OldResourceProperties"] = _with_token(ctx, "old_resource_properties", token, old)
    return event


def _default_event(ctx: BuildContext) -> dict[str, Any]:
    """``build_cloudformation`` without overrides, written straight from the draw: the same
    event, without the option checks and helper calls (a third of the build)."""
    head = ctx.getrandbits(8 * _HEAD).to_bytes(_HEAD, "little")
    raw = head + _blake2b(head).digest()
    partition, region, account = ctx.partition, ctx.region, ctx.account_id
    time_ms = ctx.time_ms
    request_type = REQUEST_TYPES[raw[_B_TYPE] * 3 >> 8]
    stack = f"{NOUNS[raw[_B_STACK] * _N_NOUNS >> 8]}-{_STACK_SUFFIXES[raw[_B_SUFFIX] % 3]}"
    logical = _CUSTOM_NAMES[raw[_B_LOGICAL] * _N_CUSTOM >> 8]
    v1 = _v1_uuid(time_ms, raw)
    h = raw[_B_REQUEST : _B_REQUEST + 16].hex()  # a version-4 UUID, as _request_id writes it
    request_id = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[raw[_B_REQUEST] & 3]}{h[17:20]}-{h[20:]}"
    # the longest stack, role and suffix make 44 characters: under a function name's 64
    function = (
        f"{stack}-{ROLES[raw[_B_ROLE] * _N_ROLES >> 8]}-"
        f"{raw[_B_FUNCTION : _B_FUNCTION + 12].translate(_ALNUM).decode()}"
    )
    token = f"arn:{partition}:lambda:{region}:{account}:function:{function}"
    # the object key: the stack id, logical id and request id, ':' and '|' escaped
    key = (
        f"arn%3A{partition}%3Acloudformation%3A{region}%3A{account}%3Astack/{stack}/{v1}"
        f"%7C{logical}%7C{request_id}"
    )
    day, second = divmod((time_ms - 200 - raw[_B_SIGNED] * 25 // 8) // 1000, 86400)
    two = TWO_DIGITS  # X-Amz-Date, as _amz_date writes it
    ymd = compact_date(day)
    unsigned = (
        f"https://{_HOSTS.get(region) or _host(region, partition)}/{key}"
        f"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={ymd}T"
        f"{two[second // 3600]}{two[second // 60 % 60]}{two[second % 60]}Z"
        f"&X-Amz-SignedHeaders=host&X-Amz-Expires={_URL_EXPIRES_S}&X-Amz-Credential=AKIA"
        f"{raw[_B_KEY : _B_KEY + 16].translate(_UPPER).decode()}%2F{ymd}%2F{region}"
        "%2Fs3%2Faws4_request"
    )
    url = f"{unsigned}&X-Amz-Signature={_sha256(unsigned.encode()).hexdigest()}"
    noun = NOUNS[raw[_B_NOUN] * _N_NOUNS >> 8]
    coin = raw[_B_COIN]
    props: dict[str, Any] = {
        "ServiceToken": token, "Name": f"{stack}-{noun}", "Version": _VERSIONS[raw[_B_VERSION] % 9],
        "RetainOnDelete": "true" if coin & 1 else "false",
        "Tags": [{"Key": "team", "Value": NOUNS[raw[_B_TEAM] * _N_NOUNS >> 8]},
                 {"Key": "env", "Value": _ENVS[raw[_B_ENV] * 3 >> 8]}],
    }  # fmt: skip
    if coin & 2:
        props["BucketName"] = f"{stack}-{noun}-{raw[_B_BUCKET : _B_BUCKET + 4].hex()}"
    event: dict[str, Any] = {
        "RequestType": request_type, "ServiceToken": token, "ResponseURL": url,
        "StackId": f"arn:{partition}:cloudformation:{region}:{account}:stack/{stack}/{v1}",
        "RequestId": request_id, "LogicalResourceId": logical, "ResourceType": f"Custom::{logical}",
    }  # fmt: skip
    if request_type == "Create":
        event["ResourceProperties"] = props
        return event
    event["PhysicalResourceId"] = (
        _log_stream(time_ms, raw) if coin & 4
        else f"{stack}-{logical}-{raw[_B_PHYSICAL : _B_PHYSICAL + 12].translate(_UPPER).decode()}"
    )  # fmt: skip
    event["ResourceProperties"] = props
    if request_type == "Update":
        old = props.copy()
        if raw[_B_VERSION] % 9:  # a Version above 1
            old["Version"] = _VERSIONS[raw[_B_VERSION] % 9 - 1]
        else:
            old["Name"] = f"{stack}-{noun}-old"
        event["OldResourceProperties"] = old
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
