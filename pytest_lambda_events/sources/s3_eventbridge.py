"""Amazon S3 events delivered through EventBridge (bucket with EventBridge notifications on):
the EventBridge envelope around an S3 ``detail`` (shapes.md section 1b)."""

from __future__ import annotations

import hashlib
import ipaddress
import re
from datetime import UTC, datetime
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import iso_of_ms, iso_z, iso_z_of_ms
from . import _s3_common
from .s3 import MAX_OBJECT_SIZE, keys_of, version_id_from

CREATED = "Object Created"
DELETED = "Object Deleted"
RESTORE_INITIATED = "Object Restore Initiated"
RESTORE_COMPLETED = "Object Restore Completed"
RESTORE_EXPIRED = "Object Restore Expired"
STORAGE_CLASS_CHANGED = "Object Storage Class Changed"
ACCESS_TIER_CHANGED = "Object Access Tier Changed"
DETAIL_TYPES = (
    CREATED, DELETED, RESTORE_INITIATED, RESTORE_COMPLETED, RESTORE_EXPIRED, "Object Tags Added",
    "Object Tags Deleted", "Object ACL Updated", STORAGE_CLASS_CHANGED, ACCESS_TIER_CHANGED,
)  # fmt: skip
# S3 itself causes these: the requester is S3's service principal and there is no source IP.
SERVICE_TYPES = frozenset(
    (RESTORE_COMPLETED, RESTORE_EXPIRED, STORAGE_CLASS_CHANGED, ACCESS_TIER_CHANGED)
)
CREATED_REASONS = ("PutObject", "POST Object", "CopyObject", "CompleteMultipartUpload")
DELETED_REASONS = ("DeleteObject", "Lifecycle Expiration")
DELETION_TYPES = ("Permanently Deleted", "Delete Marker Created")
RESTORE_CLASSES = ("GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING")
TRANSITION_CLASSES = (
    "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE",
)  # fmt: skip
ACCESS_TIERS = ("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS")
S3_PRINCIPAL = "s3.amazonaws.com"
# which object fields each detail-type carries (besides key, always present)
_HAS_SIZE = frozenset(
    (CREATED, RESTORE_INITIATED, RESTORE_COMPLETED, STORAGE_CLASS_CHANGED, ACCESS_TIER_CHANGED)
)
_HAS_ETAG = _HAS_SIZE - {ACCESS_TIER_CHANGED} | {
    "Object Tags Added",
    "Object Tags Deleted",
    "Object ACL Updated",
}
_HAS_SEQUENCER = frozenset((CREATED, DELETED))
_ETAG = re.compile(r"^[0-9a-f]{32}(-[1-9][0-9]{0,4})?$")
_SEQUENCER = re.compile(r"^[0-9A-Fa-f]{1,64}$")
_REQUESTER = re.compile(r"^(\d{12}|[a-z0-9.-]+\.amazonaws\.com)$")


_CLASSES = {RESTORE_INITIATED: RESTORE_CLASSES, RESTORE_COMPLETED: RESTORE_CLASSES,
            STORAGE_CLASS_CHANGED: TRANSITION_CLASSES}  # fmt: skip
_REASONS = {CREATED: CREATED_REASONS, DELETED: DELETED_REASONS}
# (option, the detail-types that carry it, how to name them)
_CARRIED_BY = (
    ("size", _HAS_SIZE, ", ".join(sorted(_HAS_SIZE))),
    ("etag", _HAS_ETAG, ", ".join(sorted(_HAS_ETAG))),
    ("sequencer", _HAS_SEQUENCER, f"{CREATED!r} and {DELETED!r}"),
    ("deletion_type", (DELETED,), repr(DELETED)),
    ("access_tier", (ACCESS_TIER_CHANGED,), repr(ACCESS_TIER_CHANGED)),
    ("restore_expiry_time", (RESTORE_COMPLETED,), repr(RESTORE_COMPLETED)),
    ("storage_class", tuple(_CLASSES), ", ".join(_CLASSES)),
    ("reason", tuple(_REASONS), f"{CREATED!r} and {DELETED!r}"),
)


# per detail-type, the options it does not carry (a build checks only those)
_NOT_CARRIED = {
    kind: tuple((option, names) for option, kinds, names in _CARRIED_BY if kind not in kinds)
    for kind in DETAIL_TYPES
}


def _check_combinations(ctx: BuildContext, o: Options) -> None:
    kind: str = o.detail_type
    for option, names in _NOT_CARRIED[kind]:
        if getattr(o, option) is not None:
            ctx.fail(option, f"only {names} events carry it, not {kind!r}")
    if o.storage_class is not None and o.storage_class not in _CLASSES[kind]:
        ctx.fail(
            "storage_class",
            f"{o.storage_class!r} is not possible for {kind!r}; allowed: "
            f"{', '.join(_CLASSES[kind])}",
        )
    if o.reason is not None and o.reason not in _REASONS[kind]:
        ctx.fail(
            "reason",
            f"{o.reason!r} is not a reason for {kind!r}; allowed: {', '.join(_REASONS[kind])}",
        )
    if o.versioned is False and (o.version_id is not None or o.deletion_type == DELETION_TYPES[1]):
        ctx.fail("versioned", "a version id or a delete marker needs a versioned bucket")


# One build draws its bits at once (475: within the pool's first block after the time) and
# slices them, low bits first: the event id (128), the ETag's digest (128) and part count (6),
# then the small values below, each in the bits ``_SMALL`` keeps
_DRAW_BITS = 475
_SMALL = 262  # bucket 10, key 31, reason 5, versioned 7, size 24, sequencer 32, request id 64,
# source IP 32, restore days 5, storage class or tier 3
_M128 = (1 << 128) - 1
_SIZE_SCALE = 17 * 2.0**-24  # 24 random bits -> [0, 17): size = 200 bytes * 2 ** that
_DAY_MS = 86_400_000
_blake2b = hashlib.blake2b


def _reason(o: Options, bits: int) -> str | None:
    """The API call behind a Created/Deleted event, from 5 random bits."""
    kind: str = o.detail_type
    if kind == CREATED:
        return str(o.reason or CREATED_REASONS[bits & 3])
    if kind == DELETED:  # mostly DeleteObject (26 in 32)
        return str(o.reason or ("DeleteObject" if bits < 26 else DELETED_REASONS[1]))
    return None


def _by_service(o: Options, reason: str | None) -> bool:
    return o.detail_type in SERVICE_TYPES or reason == "Lifecycle Expiration"


def _object(
    ctx: BuildContext, o: Options, versioned: bool, reason: str | None, b: int, small: int
) -> dict[str, Any]:
    """``detail.object`` with the fields this detail-type carries; the key is raw, not encoded."""
    kind: str = o.detail_type
    obj: dict[str, Any] = {"key": _s3_common.key(ctx, o.key, small >> 10 & 0x7FFFFFFF)}
    if kind in _HAS_SIZE:
        size = o.size
        obj["size"] = size if size is not None else int(200 * 2 ** ((small >> 53 & 0xFFFFFF) *
                                                                   _SIZE_SCALE))  # fmt: skip
    if kind in _HAS_ETAG:
        obj["etag"] = _etag(ctx, o, reason, b >> 128)
    if versioned:
        obj["version-id"] = o.version_id or _version_id(b)
    if kind in _HAS_SEQUENCER:
        if o.sequencer is None:
            obj["sequencer"] = _sequencer(ctx, small >> 77 & 0xFFFFFFFF)
        elif _SEQUENCER.match(o.sequencer):
            obj["sequencer"] = o.sequencer
        else:
            ctx.fail("sequencer", f"{o.sequencer!r} is not a hexadecimal string")
    return obj


def _version_id(b: int) -> str:
    """A ``version-id`` from 24 bytes of a BLAKE2b digest of the draw's low 128 bits (the event
    id's): the draw has used up the pool's first block, whose refill would cost more."""
    return version_id_from(_blake2b((b & _M128).to_bytes(16, "little")).digest()[:24])


def _sequencer(ctx: BuildContext, low: int) -> str:
    """``s3.sequencer`` from the event's epoch-ms time (no datetime arithmetic)."""
    stamp = (ctx.time_ms // 1000 & 0xFFFFFFFF) << 32 | low
    return "00" + stamp.to_bytes(8, "big").hex().upper()


def _etag(ctx: BuildContext, o: Options, reason: str | None, bits: int) -> str:
    """The ETag given, or from 134 random bits: the digest, and a part count for multipart."""
    if o.etag is not None:
        if not _ETAG.match(o.etag):
            ctx.fail("etag", f"{o.etag!r} is not an S3 ETag: 32 lowercase hex digits, '-N' suffix "
                     "(N = 1 to 10,000) for a multipart upload")  # fmt: skip
        return str(o.etag)
    digest = f"{bits & _M128:032x}"
    if reason == "CompleteMultipartUpload":
        return f"{digest}-{2 + (bits >> 128 & 63) % 40}"
    return digest


def _versioned(o: Options, bits: int) -> bool:
    """Whether the bucket is versioned: from the options, else 30% of buckets (7 bits)."""
    if o.version_id is not None or o.deletion_type == DELETION_TYPES[1]:
        return True
    return bool(o.versioned) if o.versioned is not None else bits < 38


def _requester_and_ip(
    ctx: BuildContext, o: Options, service: bool, bits: int
) -> tuple[str, str | None]:
    if service and o.source_ip_address is not None:
        ctx.fail("source_ip_address", "S3 itself causes this event; it has no source-ip-address")
    requester = o.requester or (S3_PRINCIPAL if service else ctx.account_id)
    if o.requester and not _REQUESTER.match(requester):
        ctx.fail(
            "requester",
            f"{requester!r} is neither a 12-digit account id nor a service principal "
            "such as 's3.amazonaws.com'",
        )
    if service:
        return requester, None
    ip = o.source_ip_address
    if not ip:
        return requester, aws.ipv4_from_bits(bits)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        ctx.fail("source_ip_address", f"{ip!r} is not an IPv4 or IPv6 address")
    return requester, ip


def _restore_expiry(ctx: BuildContext, o: Options, bits: int) -> str:
    """A restored copy expires at midnight UTC after the requested number of days (1 to 30,
    from 5 random bits)."""
    if o.restore_expiry_time is not None:
        expiry: datetime = o.restore_expiry_time
        if expiry <= ctx.time:
            ctx.fail("restore_expiry_time", f"must be after the event time {iso_z(ctx.time)}")
        return iso_z(expiry)
    days = 1 + bits % 30
    midnight = ctx.time_ms // _DAY_MS * _DAY_MS
    return iso_z(datetime.fromtimestamp((midnight + (days + 1) * _DAY_MS) // 1000, UTC))


def _add_extras(
    ctx: BuildContext,
    o: Options,
    detail: dict[str, Any],
    reason: str | None,
    versioned: bool,
    small: int,
) -> None:
    """The detail keys that follow ``requester``/``source-ip-address``, by detail-type."""
    kind: str = o.detail_type
    if reason is not None:
        detail["reason"] = reason
    if kind == DELETED:
        default = DELETION_TYPES[1] if versioned else DELETION_TYPES[0]
        detail["deletion-type"] = o.deletion_type or default
    elif kind == RESTORE_COMPLETED:
        detail["restore-expiry-time"] = _restore_expiry(ctx, o, small >> 205 & 31)
    pick = small >> 210 & 7
    if kind in (RESTORE_INITIATED, RESTORE_COMPLETED):
        detail["source-storage-class"] = o.storage_class or RESTORE_CLASSES[pick & 1]
    elif kind == STORAGE_CLASS_CHANGED:
        detail["destination-storage-class"] = o.storage_class or TRANSITION_CLASSES[pick % 6]
    elif kind == ACCESS_TIER_CHANGED:
        detail["destination-access-tier"] = o.access_tier or ACCESS_TIERS[pick & 1]


def _default_s3_eventbridge(ctx: BuildContext) -> dict[str, Any]:
    """The default event (Object Created, no overrides) written at once: the general path's
    values from the same draw, without its checks of options that were not given."""
    b = ctx.getrandbits(_DRAW_BITS)
    small = b >> _SMALL
    bits = small & 0x3FF
    region, account, ms = ctx.region, ctx.account_id, ctx.time_ms
    bucket = f"{NOUNS[bits % 20]}-{NOUNS[(bits >> 5) % 20]}-{account[-4:]}-{region}"
    if len(bucket) > 63:  # a drawn name is valid but for its length
        _s3_common.bucket(ctx, None, bits)
    iso = iso_of_ms(ms)
    reason = CREATED_REASONS[small >> 41 & 3]
    etag = f"{b >> 128 & _M128:032x}"
    if reason == "CompleteMultipartUpload":
        etag = f"{etag}-{2 + (b >> 256 & 63) % 40}"
    obj: dict[str, Any] = {
        "key": keys_of(small >> 10 & 0x7FFFFFFF, ms)[0],
        "size": int(200 * 2 ** ((small >> 53 & 0xFFFFFF) * _SIZE_SCALE)),
        "etag": etag,
    }
    if (small >> 46 & 127) < 38:  # 30% of buckets are versioned
        obj["version-id"] = _version_id(b)
    stamp = (ms // 1000 & 0xFFFFFFFF) << 32 | small >> 77 & 0xFFFFFFFF
    obj["sequencer"] = "00" + stamp.to_bytes(8, "big").hex().upper()
    return {
        "version": "0",
        "id": aws.uuid4_from_bits(b),
        "detail-type": CREATED,
        "source": "aws.s3",
        "account": account,
        "time": iso[:19] + "Z",
        "region": region,
        "resources": [f"arn:{ctx.partition}:s3:::{bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": bucket},
            "object": obj,
            "request-id": (small >> 109 & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big").hex().upper(),
            "requester": account,
            "source-ip-address": aws.ipv4_from_bits(small >> 173 & 0xFFFFFFFF),
            "reason": reason,
        },
    }


def build_s3_eventbridge(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An S3 event as EventBridge delivers it: the bucket ARN in ``resources``, the raw key."""
    if o.is_default:
        return _default_s3_eventbridge(ctx)
    _check_combinations(ctx, o)
    b = ctx.getrandbits(_DRAW_BITS)
    small = b >> _SMALL
    bucket = _s3_common.bucket(ctx, o.bucket, small & 0x3FF)
    event_id = o.id or aws.uuid4_from_bits(b)
    reason = _reason(o, small >> 41 & 31)
    versioned = _versioned(o, small >> 46 & 127)
    obj = _object(ctx, o, versioned, reason, b, small)
    requester, ip = _requester_and_ip(ctx, o, _by_service(o, reason), small >> 173 & 0xFFFFFFFF)
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket},
        "object": obj,
        "request-id": f"{small >> 109 & 0xFFFFFFFFFFFFFFFF:016X}",
        "requester": requester,
    }
    if ip is not None:
        detail["source-ip-address"] = ip
    _add_extras(ctx, o, detail, reason, versioned, small)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": o.detail_type,
        "source": "aws.s3",
        "account": ctx.account_id,
        "time": iso_z_of_ms(ctx.time_ms),
        "region": ctx.region,
        "resources": [f"arn:{ctx.partition}:s3:::{bucket}"],
        "detail": detail,
    }


SOURCES = (
    EventSource(
        id="s3_eventbridge",
        service="Amazon S3",
        invocation="async",
        builder=build_s3_eventbridge,
        description="S3 event delivered by EventBridge (detail-type 'Object Created' etc.)",
        options=(
            Option("detail_type", str, "the S3 event type", CREATED, choices=DETAIL_TYPES),
            Option("bucket", str, "bucket name (3-63 lowercase letters, digits, dots, hyphens)"),
            Option("key", str, "object key, raw: EventBridge events do not URL-encode it"),
            Option("size", int, "object size in bytes", minimum=0, maximum=MAX_OBJECT_SIZE),
            Option("etag", str, "object etag: 32 hex digits, '-N' suffix for multipart uploads"),
            Option("versioned", bool, "whether the bucket has versioning enabled (version-id)"),
            Option("version_id", str, "version-id of the object (implies a versioned bucket)"),
            Option("sequencer", str, "object sequencer (hex; Object Created/Deleted only)"),
            Option("requester", str, "account id or service principal that made the request"),
            Option("source_ip_address", str, "source-ip-address of the request (IPv4/IPv6)"),
            Option(
                "reason",
                str,
                "Object Created/Deleted: the API call or 'Lifecycle Expiration'",
                choices=CREATED_REASONS + DELETED_REASONS,
            ),
            Option("deletion_type", str, "Object Deleted: deletion-type", choices=DELETION_TYPES),
            Option(
                "storage_class",
                str,
                "source-storage-class (restores) or destination-storage-class",
                choices=tuple(dict.fromkeys(RESTORE_CLASSES + TRANSITION_CLASSES)),
            ),
            Option("access_tier", str, "destination-access-tier", choices=ACCESS_TIERS),
            Option(
                "restore_expiry_time", datetime, "Object Restore Completed: restore-expiry-time"
            ),
            Option("id", str, "the EventBridge event id (a UUID)"),
        ),
    ),
)
