"""Amazon S3 Object Lambda: the event an Object Lambda access point sends for GetObject (and
HeadObject, ListObjects, ListObjectsV2), as in the S3 guide's "Event context format and usage"."""

from __future__ import annotations

import re
from functools import lru_cache
from time import gmtime
from typing import Any
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import FIRST_NAMES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS, iso_z_of_ms
from . import _http, _s3_common
from .s3 import keys_of

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
_UPPER_DIGITS = aws.byte_table(aws.UPPER_DIGITS)
_ALNUM = aws.byte_table(aws.ALNUM)
_CELLS = tuple(f"{i:03d}" for i in range(1, 13))
_LOWER_FIRST_NAMES = tuple(name.lower() for name in FIRST_NAMES)


def _access_point(ctx: BuildContext, option: str, given: str | None, suffix: str, bits: int) -> str:
    if not given:
        return f"{NOUNS[bits % len(NOUNS)]}-{suffix}"
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


def _creation_date(epoch_s: int) -> str:
    """Java ``Date.toString()`` in UTC, as the session's ``creationDate`` (from epoch seconds:
    ``gmtime`` gives every field without datetime arithmetic)."""
    t = gmtime(epoch_s)
    two = TWO_DIGITS
    clock = f"{two[t.tm_hour]}:{two[t.tm_min]}:{two[t.tm_sec]}"
    return f"{_DAYS[t.tm_wday]} {_MONTHS[t.tm_mon - 1]} {two[t.tm_mday]} {clock} UTC {t.tm_year}"


def _identity(
    ctx: BuildContext, o: Options, key_id: bytes, unique_id: bytes, small: int
) -> dict[str, Any]:
    """``userIdentity`` of the caller: an IAM user, or a role session (with sessionContext);
    ``key_id`` 16 opaque bytes (the access key id), ``unique_id`` 17 random bytes, ``small``
    29 random bits."""
    p, account = ctx.partition, ctx.account_id
    kind: str = o.identity_type or ("AssumedRole" if small % 5 < 3 else "IAMUser")
    b = small >> 3
    key_chars = key_id.translate(_UPPER_DIGITS).decode()
    unique = unique_id.translate(_UPPER_DIGITS).decode()
    if kind == "IAMUser":
        first, noun = FIRST_NAMES[b % len(FIRST_NAMES)], NOUNS[(b >> 5) % len(NOUNS)]
        user = o.user_name or f"{first.lower()}.{noun}"
        return {"type": "IAMUser", "principalId": "AIDA" + unique,
                "arn": f"arn:{p}:iam::{account}:user/{user}", "accountId": account,
                "accessKeyId": "AKIA" + key_chars, "userName": user}  # fmt: skip
    role = o.user_name or f"{NOUNS[b % len(NOUNS)]}-{ROLES[(b >> 5) % len(ROLES)]}-role"
    role_id = "AROA" + unique
    session = f"{_LOWER_FIRST_NAMES[(b >> 9) % len(FIRST_NAMES)]}-session"
    created = ctx.time_ms // 1000 - 60 - (b >> 14) % 3500
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{session}",
        "arn": f"arn:{p}:sts::{account}:assumed-role/{role}/{session}",
        "accountId": account,
        "accessKeyId": "ASIA" + key_chars,
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


def _presigned_url(ctx: BuildContext, host: str, path: str, query: str, raw: bytes) -> str:
    """``inputS3Url``: a SigV4 presigned URL to the supporting access point (what the function
    GETs to read the original object), valid for about a minute; ``raw`` is 144 opaque bytes
    (access key id, security token, signature)."""
    iso = iso_z_of_ms(ctx.time_ms)
    stamp = f"{iso[:4]}{iso[5:7]}{iso[8:13]}{iso[14:16]}{iso[17:]}"
    key_id = raw[:16].translate(_UPPER_DIGITS).decode()
    # the credential's slashes are %-escaped in a query string
    credential = f"ASIA{key_id}%2F{stamp[:8]}%2F{ctx.region}%2Fs3%2Faws4_request"
    signed = (
        f"X-Amz-Security-Token={raw[16:112].translate(_ALNUM).decode()}"
        f"&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date={stamp}&X-Amz-SignedHeaders=host"
        f"&X-Amz-Expires={PRESIGN_EXPIRES_S}&X-Amz-Credential={credential}"
        f"&X-Amz-Signature={raw[112:144].hex()}"
    )
    return f"https://{host}{path}?{query + '&' if query else ''}{signed}"


# One build draws 46 bytes from the pool (within its first block): [0:16] request id, [16:33]
# the caller's unique id, [33:37] the key, [37:43] small picks, [43:46] where the opaque bytes
# are cut from. Those (320: the presigned URL's key id, token and signature, the output token,
# the caller's access key id) are slices of ``_http``'s fixed random blob: hashing them out of
# the draw would cost more than the rest of the build.
_DRAW_BYTES = 46
_OPAQUE_BYTES = 320


_OLAP_NAMES = tuple(f"{noun}-olap" for noun in NOUNS)
_AP_NAMES = tuple(f"{noun}-ap" for noun in NOUNS)


def _default_s3_object_lambda(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """The default request (GetObject, no overrides) written at once: the general path's
    values from the same draw, without its checks of options that were not given."""
    b = ctx.getrandbits(8 * _DRAW_BYTES)
    raw = b.to_bytes(_DRAW_BYTES, "little")
    opaque = _http.opaque(b >> 344, _OPAQUE_BYTES)
    small = b >> 296 & 0xFFFFFFFFFFFF  # raw[37:43], as the general path's
    olap, supporting = _OLAP_NAMES[small % 20], _AP_NAMES[(small >> 5) % 20]
    # a drawn key's form encoding with %20 for its spaces is its quote(key, safe="/~")
    path = "/" + keys_of(b >> 264 & 0x7FFFFFFF, ctx.time_ms)[1].replace("+", "%20")
    p, region, account = ctx.partition, ctx.region, ctx.account_id
    suffix = "amazonaws.com.cn" if p == "aws-cn" else "amazonaws.com"
    olap_host = f"{olap}-{account}.s3-object-lambda.{region}.{suffix}"
    ap_host = f"{supporting}-{account}.s3-accesspoint.{region}.{suffix}"
    cell = f"io-{_short_region(region)}-cell{_CELLS[(small >> 10 & 15) % 12]}"
    return {
        "xAmzRequestId": aws.uuid4_from_bits(b),
        "getObjectContext": {
            "inputS3Url": _presigned_url(ctx, ap_host, path, "", opaque),
            "outputRoute": cell,
            "outputToken": opaque[144:304].translate(_ALNUM).decode(),
        },
        "configuration": {
            "accessPointArn": f"arn:{p}:s3-object-lambda:{region}:{account}:accesspoint/{olap}",
            "supportingAccessPointArn": f"arn:{p}:s3:{region}:{account}:accesspoint/{supporting}",
            "payload": _PAYLOADS[(small >> 14 & 7) % 5],
        },
        "userRequest": {
            "url": f"https://{olap_host}{path}",
            "headers": {"Host": olap_host, "Accept-Encoding": "identity",
                        "X-Amz-Content-SHA256": EMPTY_SHA256},
        },
        "userIdentity": _identity(ctx, o, opaque[304:], raw[16:33], small >> 17),
        "protocolVersion": "1.00",
    }  # fmt: skip


def build_s3_object_lambda(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An Object Lambda request whose URLs, hosts and ARNs name the same access points."""
    if o.is_default:
        return _default_s3_object_lambda(ctx, o)
    operation: str = o.operation
    if o.key is not None and operation.startswith("List"):
        ctx.fail("key", f"{operation} lists a bucket; it names no object key")
    raw = ctx.randbytes(_DRAW_BYTES)
    opaque = _http.opaque(int.from_bytes(raw[43:46], "little"), _OPAQUE_BYTES)
    # 48 bits: access points 5 + 5, cell 4, payload 3, identity 29 (kind 3, names 14, age 12)
    small = int.from_bytes(raw[37:43], "little")
    olap = _access_point(ctx, "access_point", o.access_point, "olap", small)
    supporting = _access_point(
        ctx, "supporting_access_point", o.supporting_access_point, "ap", small >> 5
    )
    key = _s3_common.key(ctx, o.key, int.from_bytes(raw[33:37], "little") & 0x7FFFFFFF)
    path, query = _path_and_query(operation, key, key.split("/")[0] + "/")
    region, account = ctx.region, ctx.account_id
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    ap_host = f"{supporting}-{account}.s3-accesspoint.{region}.{suffix}"
    olap_host = f"{olap}-{account}.s3-object-lambda.{region}.{suffix}"
    context: dict[str, Any] = {"inputS3Url": _presigned_url(ctx, ap_host, path, query, opaque)}
    if operation == "GetObject":  # only GetObject streams its answer with WriteGetObjectResponse
        cell = f"io-{_short_region(region)}-cell{_CELLS[(small >> 10 & 15) % 12]}"
        context["outputRoute"] = cell
        context["outputToken"] = opaque[144:304].translate(_ALNUM).decode()
    url = f"https://{olap_host}{path}{'?' + query if query else ''}"
    payload = o.payload if o.payload is not None else _PAYLOADS[(small >> 14 & 7) % 5]
    headers = {"Host": olap_host, "Accept-Encoding": "identity",
               "X-Amz-Content-SHA256": EMPTY_SHA256}  # fmt: skip
    arn_prefix = f"arn:{ctx.partition}:s3-object-lambda:{region}:{account}:accesspoint/"
    return {
        "xAmzRequestId": aws.uuid4_from(raw),
        CONTEXT_KEYS[operation]: context,
        "configuration": {
            "accessPointArn": arn_prefix + olap,
            "supportingAccessPointArn": f"arn:{ctx.partition}:s3:{region}:{account}:accesspoint/"
            + supporting,
            "payload": payload,
        },
        "userRequest": {"url": url, "headers": headers},
        "userIdentity": _identity(ctx, o, opaque[304:], raw[16:33], small >> 17),
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
