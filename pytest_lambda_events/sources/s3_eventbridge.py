"""Amazon S3 events delivered through EventBridge (bucket with EventBridge notifications on):
the EventBridge envelope around an S3 ``detail`` (shapes.md section 1b)."""

from __future__ import annotations

import ipaddress
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from ..timefmt import iso_z
from . import _s3_common
from .s3 import MAX_OBJECT_SIZE, draw_request_id, draw_version_id, sequencer

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


def _check_combinations(ctx: BuildContext, o: Options) -> None:
    kind: str = o.detail_type
    for option, kinds, names in _CARRIED_BY:
        if getattr(o, option) is not None and kind not in kinds:
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


def _reason(ctx: BuildContext, o: Options) -> str | None:
    kind: str = o.detail_type
    if kind == CREATED:
        return str(o.reason or aws.pick(ctx.rng, CREATED_REASONS))
    if kind == DELETED:
        return str(o.reason or ("DeleteObject" if ctx.rng.random() < 0.8 else DELETED_REASONS[1]))
    return None


def _by_service(o: Options, reason: str | None) -> bool:
    return o.detail_type in SERVICE_TYPES or reason == "Lifecycle Expiration"


def _object(ctx: BuildContext, o: Options, versioned: bool, reason: str | None) -> dict[str, Any]:
    """``detail.object`` with the fields this detail-type carries; the key is raw, not encoded."""
    rng = ctx.rng
    kind: str = o.detail_type
    obj: dict[str, Any] = {"key": _s3_common.key(ctx, o.key)}
    if kind in _HAS_SIZE:
        obj["size"] = o.size if o.size is not None else int(200 * 2 ** (rng.random() * 17))
    if kind in _HAS_ETAG:
        obj["etag"] = _etag(ctx, o, reason)
    if versioned:
        obj["version-id"] = o.version_id or draw_version_id(rng)
    if kind in _HAS_SEQUENCER:
        if o.sequencer is None:
            obj["sequencer"] = sequencer(ctx.time, rng.getrandbits(32))
        elif _SEQUENCER.match(o.sequencer):
            obj["sequencer"] = o.sequencer
        else:
            ctx.fail("sequencer", f"{o.sequencer!r} is not a hexadecimal string")
    return obj


def _etag(ctx: BuildContext, o: Options, reason: str | None) -> str:
    if o.etag is not None:
        if not _ETAG.match(o.etag):
            ctx.fail("etag", f"{o.etag!r} is not an S3 ETag: 32 lowercase hex digits, '-N' suffix "
                     "(N = 1 to 10,000) for a multipart upload")  # fmt: skip
        return str(o.etag)
    b = ctx.rng.getrandbits(134)  # the digest, and a part count for multipart uploads
    digest = f"{b & (1 << 128) - 1:032x}"
    return f"{digest}-{2 + (b >> 128) % 40}" if reason == "CompleteMultipartUpload" else digest


def _versioned(ctx: BuildContext, o: Options) -> bool:
    if o.version_id is not None or o.deletion_type == DELETION_TYPES[1]:
        return True
    return bool(o.versioned) if o.versioned is not None else ctx.rng.random() < 0.3


def _requester_and_ip(ctx: BuildContext, o: Options, service: bool) -> tuple[str, str | None]:
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
        return requester, aws.ipv4(ctx.rng)
    try:
        ipaddress.ip_address(ip)
    except ValueError:
        ctx.fail("source_ip_address", f"{ip!r} is not an IPv4 or IPv6 address")
    return requester, ip


def _restore_expiry(ctx: BuildContext, o: Options) -> str:
    """A restored copy expires at midnight UTC after the requested number of days."""
    if o.restore_expiry_time is not None:
        expiry: datetime = o.restore_expiry_time
        if expiry <= ctx.time:
            ctx.fail("restore_expiry_time", f"must be after the event time {iso_z(ctx.time)}")
        return iso_z(expiry)
    days = 1 + int(ctx.rng.random() * 30)
    return iso_z(datetime.combine(ctx.time.date(), datetime.min.time(), UTC) + timedelta(days + 1))


def _add_extras(
    ctx: BuildContext, o: Options, detail: dict[str, Any], reason: str | None, versioned: bool
) -> None:
    """The detail keys that follow ``requester``/``source-ip-address``, by detail-type."""
    kind: str = o.detail_type
    rng = ctx.rng
    if reason is not None:
        detail["reason"] = reason
    if kind == DELETED:
        default = DELETION_TYPES[1] if versioned else DELETION_TYPES[0]
        detail["deletion-type"] = o.deletion_type or default
    elif kind == RESTORE_COMPLETED:
        detail["restore-expiry-time"] = _restore_expiry(ctx, o)
    if kind in (RESTORE_INITIATED, RESTORE_COMPLETED):
        detail["source-storage-class"] = o.storage_class or aws.pick(rng, RESTORE_CLASSES[:2])
    elif kind == STORAGE_CLASS_CHANGED:
        detail["destination-storage-class"] = o.storage_class or aws.pick(rng, TRANSITION_CLASSES)
    elif kind == ACCESS_TIER_CHANGED:
        detail["destination-access-tier"] = o.access_tier or aws.pick(rng, ACCESS_TIERS)


def build_s3_eventbridge(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An S3 event as EventBridge delivers it: the bucket ARN in ``resources``, the raw key."""
    _check_combinations(ctx, o)
    rng = ctx.rng
    bucket = _s3_common.bucket(ctx, o.bucket)
    event_id = o.id or ctx.uuid()
    reason = _reason(ctx, o)
    versioned = _versioned(ctx, o)
    obj = _object(ctx, o, versioned, reason)
    requester, ip = _requester_and_ip(ctx, o, _by_service(o, reason))
    detail: dict[str, Any] = {
        "version": "0",
        "bucket": {"name": bucket},
        "object": obj,
        "request-id": draw_request_id(rng),
        "requester": requester,
    }
    if ip is not None:
        detail["source-ip-address"] = ip
    _add_extras(ctx, o, detail, reason, versioned)
    return {
        "version": "0",
        "id": event_id,
        "detail-type": o.detail_type,
        "source": "aws.s3",
        "account": ctx.account_id,
        "time": iso_z(ctx.time),
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
