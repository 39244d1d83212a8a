"""Amazon S3 Object Lambda: the event an Object Lambda access point sends for GetObject (and
HeadObject, ListObjects, ListObjectsV2), as in the S3 guide's "Event context format and usage"."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import FIRST_NAMES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from . import _s3_common

OPERATIONS = ("GetObject", "HeadObject", "ListObjects", "ListObjectsV2")
CONTEXT_KEYS = {
    "GetObject": "getObjectContext",
    "HeadObject": "headObjectContext",
    "ListObjects": "listObjectsContext",
    "ListObjectsV2": "listObjectsV2Context",
}
IDENTITY_TYPES = ("AssumedRole", "IAMUser")
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8995fb92427ae41e4649b934ca495991b7852b855"
PRESIGN_EXPIRES_S = 61
_ACCESS_POINT = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,48})[a-z0-9]$")
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PAYLOADS = ("{}", '{"redact":["email","phone"]}', '{"watermark":true}', '{"format":"csv"}', "")
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/-]*")  # what quote(key, safe="/~") leaves alone


def _access_point(ctx: BuildContext, option: str, given: str | None, suffix: str) -> str:
    if not given:
        return f"{aws.pick(ctx.rng, NOUNS)}-{suffix}"
    if not _ACCESS_POINT.match(given) or "--" in given:
        ctx.fail(
            option,
            f"{given!r} is not an access point name: 3-50 lowercase letters, digits and "
            "hyphens, beginning and ending with a letter or digit",
        )
    return given


@lru_cache(maxsize=64)
def _short_region(region: str) -> str:
    """``us-east-1`` -> ``use1``: the cell naming of ``outputRoute``."""
    parts = region.split("-")
    return parts[0] + "".join(p[0] for p in parts[1:-1]) + parts[-1]


def _creation_date(t: datetime) -> str:
    """Java ``Date.toString()`` in UTC, as the session's ``creationDate``."""
    clock = t.isoformat()[11:19]
    return f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {t.day:02d} {clock} UTC {t.year}"


def _identity(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """``userIdentity`` of the caller: an IAM user, or a role session (with sessionContext)."""
    rng = ctx.rng
    p, account = ctx.partition, ctx.account_id
    kind: str = o.identity_type or ("AssumedRole" if rng.random() < 0.6 else "IAMUser")
    b = rng.getrandbits(16)
    if kind == "IAMUser":
        first, noun = FIRST_NAMES[b % len(FIRST_NAMES)], NOUNS[(b >> 5) % len(NOUNS)]
        user = o.user_name or f"{first.lower()}.{noun}"
        key_id = aws.access_key_id(rng, temporary=False)
        return {"type": "IAMUser", "principalId": aws.iam_unique_id(rng),
                "arn": f"arn:{p}:iam::{account}:user/{user}", "accountId": account,
                "accessKeyId": key_id, "userName": user}  # fmt: skip
    role = o.user_name or f"{NOUNS[b % len(NOUNS)]}-{ROLES[(b >> 5) % len(ROLES)]}-role"
    role_id = aws.iam_unique_id(rng, "AROA")
    session = f"{FIRST_NAMES[(b >> 9) % len(FIRST_NAMES)].lower()}-session"
    created = ctx.time - timedelta(seconds=60 + int(rng.random() * 3500))
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:{p}:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": aws.access_key_id(rng),
        "sessionContext": {
            "attributes": {"mfaAuthenticated": "false", "creationDate": _creation_date(created)},
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:{p}:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
        },
    }


def _path_and_query(operation: str, key: str, rng_prefix: str) -> tuple[str, str]:
    """The request path and query the caller sent: the object's key, or the list request."""
    if operation in ("GetObject", "HeadObject"):
        return "/" + (key if _PLAIN_PATH.fullmatch(key) else quote(key, safe="/~")), ""
    query = f"prefix={quote(rng_prefix, safe='')}"
    return "/", ("list-type=2&" + query if operation == "ListObjectsV2" else query)


def _presigned_url(ctx: BuildContext, host: str, path: str, query: str) -> str:
    """``inputS3Url``: a SigV4 presigned URL to the supporting access point (what the function
    GETs to read the original object), valid for about a minute."""
    rng = ctx.rng
    clock = ctx.time.isoformat()
    stamp = f"{clock[:10]}T{clock[11:19]}Z".replace("-", "").replace(":", "")
    # the credential's slashes are %-escaped in a query string
    credential = f"{aws.access_key_id(rng)}%2F{stamp[:8]}%2F{ctx.region}%2Fs3%2Faws4_request"
    signed = (
        f"X-Amz-Security-Token={aws.chars(rng, 96)}&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Date={stamp}&X-Amz-SignedHeaders=host&X-Amz-Expires={PRESIGN_EXPIRES_S}"
        f"&X-Amz-Credential={credential}&X-Amz-Signature={ctx.hex(64)}"
    )
    return f"https://{host}{path}?{query + '&' if query else ''}{signed}"


def build_s3_object_lambda(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An Object Lambda request whose URLs, hosts and ARNs name the same access points."""
    rng = ctx.rng
    operation: str = o.operation
    if o.key is not None and operation.startswith("List"):
        ctx.fail("key", f"{operation} lists a bucket; it names no object key")
    olap = _access_point(ctx, "access_point", o.access_point, "olap")
    supporting = _access_point(ctx, "supporting_access_point", o.supporting_access_point, "ap")
    key = _s3_common.key(ctx, o.key)
    path, query = _path_and_query(operation, key, key.split("/")[0] + "/")
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    ap_host = f"{supporting}-{ctx.account_id}.s3-accesspoint.{ctx.region}.{suffix}"
    olap_host = f"{olap}-{ctx.account_id}.s3-object-lambda.{ctx.region}.{suffix}"
    context: dict[str, Any] = {"inputS3Url": _presigned_url(ctx, ap_host, path, query)}
    if operation == "GetObject":  # only GetObject streams its answer with WriteGetObjectResponse
        cell = f"io-{_short_region(ctx.region)}-cell{1 + int(rng.random() * 12):03d}"
        context["outputRoute"] = cell
        context["outputToken"] = aws.chars(rng, 160)
    url = f"https://{olap_host}{path}{'?' + query if query else ''}"
    payload = o.payload if o.payload is not None else aws.pick(rng, _PAYLOADS)
    headers = {"Host": olap_host, "Accept-Encoding": "identity",
               "X-Amz-Content-SHA256": EMPTY_SHA256}  # fmt: skip
    return {
        "xAmzRequestId": ctx.uuid(),
        CONTEXT_KEYS[operation]: context,
        "configuration": {
            "accessPointArn": ctx.arn("s3-object-lambda", f"accesspoint/{olap}"),
            "supportingAccessPointArn": ctx.arn("s3", f"accesspoint/{supporting}"),
            "payload": payload,
        },
        "userRequest": {"url": url, "headers": headers},
        "userIdentity": _identity(ctx, o),
        "protocolVersion": "1.00" if operation == "GetObject" else "1.01",
    }


SOURCES = (
    EventSource(
        id="s3_object_lambda",
        service="Amazon S3 Object Lambda",
        invocation="sync",
        builder=build_s3_object_lambda,
        description="S3 Object Lambda access point request (getObjectContext etc.)",
        options=(
            Option(
                "operation",
                str,
                "the S3 call being transformed (sets the *Context key)",
                "GetObject",
                choices=OPERATIONS,
            ),
            Option("key", str, "object key requested (GetObject/HeadObject)"),
            Option("access_point", str, "name of the Object Lambda access point"),
            Option("supporting_access_point", str, "name of the supporting S3 access point"),
            Option("payload", str, "configuration.payload: the access point's opaque string"),
            Option("identity_type", str, "userIdentity.type of the caller", choices=IDENTITY_TYPES),
            Option("user_name", str, "IAM user name (IAMUser) or role name (AssumedRole)"),
        ),
    ),
)
