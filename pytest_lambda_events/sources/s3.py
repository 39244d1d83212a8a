"""Amazon S3 event notifications: the one-record event S3 sends to Lambda (shapes.md section 1).

The builder draws values; the harness (``world/s3.py``) takes them from its buckets. Both hand
them to ``object_block`` and ``notification_record``, so the two can never disagree on a shape.
"""

from __future__ import annotations

import binascii
import hashlib
import ipaddress
import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from .. import aws
from ..building import BuildContext
from ..content import FILE_TYPES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z

CREATED = (
    "ObjectCreated:Put",
    "ObjectCreated:Post",
    "ObjectCreated:Copy",
    "ObjectCreated:CompleteMultipartUpload",
)
REMOVED = (
    "ObjectRemoved:Delete",
    "ObjectRemoved:DeleteMarkerCreated",
    "LifecycleExpiration:Delete",
    "LifecycleExpiration:DeleteMarkerCreated",
)
REPLICATION = (
    "Replication:OperationFailedReplication",
    "Replication:OperationMissedThreshold",
    "Replication:OperationReplicatedAfterThreshold",
    "Replication:OperationNotTracked",
)
EVENT_NAMES = (
    *CREATED,
    *REMOVED[:2],
    "ObjectRestore:Post",
    "ObjectRestore:Completed",
    "ObjectRestore:Delete",
    *REPLICATION,
    *REMOVED[2:],
    "LifecycleTransition",
    "IntelligentTiering",
    "ObjectTagging:Put",
    "ObjectTagging:Delete",
    "ObjectAcl:Put",
)
# Events S3 itself causes: it reports itself as principal and source address.
SERVICE_EVENTS = frozenset(
    (
        *REPLICATION,
        "LifecycleExpiration:Delete",
        "LifecycleExpiration:DeleteMarkerCreated",
        "LifecycleTransition",
        "IntelligentTiering",
        "ObjectRestore:Completed",
        "ObjectRestore:Delete",
    )
)
# Delete markers exist only in versioned buckets; replication requires versioning.
VERSIONED_ONLY = frozenset(
    ("ObjectRemoved:DeleteMarkerCreated", "LifecycleExpiration:DeleteMarkerCreated", *REPLICATION)
)
_V23 = frozenset(
    (
        "LifecycleExpiration:Delete",
        "LifecycleExpiration:DeleteMarkerCreated",
        "LifecycleTransition",
        "IntelligentTiering",
        "ObjectTagging:Put",
        "ObjectTagging:Delete",
        "ObjectAcl:Put",
        "ObjectRestore:Delete",
    )
)
RESTORE_STORAGE_CLASSES = ("GLACIER", "DEEP_ARCHIVE", "INTELLIGENT_TIERING")
TRANSITION_STORAGE_CLASSES = (
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)
ACCESS_TIERS = ("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS")
REPLICATION_FAILURES = (
    "AssumeRoleNotPermitted",
    "DstBucketNotFound",
    "DstBucketUnversioned",
    "DstKmsKeyNotFound",
    "DstPutObjectNotPermitted",
    "DstMultipartUploadNotPermitted",
    "DstObjectHardDeleted",
    "SrcGetObjectNotPermitted",
    "SrcHeadObjectNotPermitted",
    "SrcObjectNotEligible",
    "SrcKmsKeyInvalidState",
)

KIB, MIB, GIB = 1024, 1024**2, 1024**3
MAX_OBJECT_SIZE = 5 * 1024**4  # 5 TiB, multipart only
MAX_SINGLE_PUT = 5 * GIB  # PutObject, POST and CopyObject
MAX_PARTS = 10_000
MIN_PART = 5 * MIB
CLI_PART = 8 * MIB  # the part size the AWS CLI and SDK transfer managers use
_ETAG = re.compile(r"^[0-9a-f]{32}(-([1-9][0-9]{0,4}))?$")
_SEQUENCER = re.compile(r"^[0-9A-F]{1,64}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_BUCKET_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_BUCKET_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_IP_LIKE = re.compile(r"\d+\.\d+\.\d+\.\d+")
# keys that URL form encoding leaves alone, or changes only in spaces and brackets
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.~/-]*")
_BRACKETED_KEY = re.compile(r"[A-Za-z0-9_.~/ ()-]*")
_KEY_PREFIXES = ("uploads/", "incoming/", "reports/", "exports/", "images/", "raw/", "")
_EXTENSIONS = tuple(ext for ext, _ in FILE_TYPES)
_VERSION_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._"
_MULTIPART = "ObjectCreated:CompleteMultipartUpload"


def bucket_name_problem(name: str) -> str | None:
    """Why S3 would reject ``name`` as a general purpose bucket name, or None if it is valid."""
    if not 3 <= len(name) <= 63:
        return f"{name!r} has {len(name)} characters; bucket names have 3 to 63"
    if not _BUCKET.match(name):
        return (
            f"{name!r} is not a bucket name: use lowercase letters, digits, dots and hyphens, "
            "beginning and ending with a letter or digit"
        )
    if ".." in name:
        return f"{name!r} has two adjacent periods, which bucket names may not"
    if _IP_LIKE.fullmatch(name):
        return f"{name!r} is formatted as an IP address, which bucket names may not be"
    if name.startswith(_BUCKET_PREFIXES) or name.endswith(_BUCKET_SUFFIXES):
        return (
            f"{name!r} uses a reserved prefix ({', '.join(_BUCKET_PREFIXES)}) or suffix "
            f"({', '.join(_BUCKET_SUFFIXES)})"
        )
    return None


def encode_key(key: str) -> str:
    """An object key as S3 writes it in notifications: URL form encoding (space -> ``+``,
    reserved and non-ASCII bytes -> ``%XX``), with ``/`` left as is."""
    # drawn keys take the fast paths; quote_plus is Python code, ~1 µs a key
    if _PLAIN_KEY.fullmatch(key):
        return key
    if _BRACKETED_KEY.fullmatch(key):
        return key.replace(" ", "+").replace("(", "%28").replace(")", "%29")
    return quote_plus(key, safe="/")


def draw_bucket(rng: random.Random, account_id: str, region: str) -> str:
    """A bucket name of this world, such as ``orders-photos-9012-eu-west-1``."""
    b = rng.getrandbits(16)
    return f"{NOUNS[b % len(NOUNS)]}-{NOUNS[(b >> 5) % len(NOUNS)]}-{account_id[-4:]}-{region}"


def draw_key(rng: random.Random, time: datetime) -> str:
    """A realistic raw object key: dated or numbered, sometimes with spaces and brackets so
    that consumers' URL decoding is exercised."""
    b = rng.getrandbits(48)
    prefix, ext = _KEY_PREFIXES[b % 7], _EXTENSIONS[(b >> 3) % 6]
    style = (b >> 6) & 7
    noun = NOUNS[(b >> 9) % len(NOUNS)]
    if style < 2:  # a quarter of keys
        return f"{prefix}{noun.title()} Export ({1 + (b >> 14) % 9}).{ext}"
    day = f"{time.year}/{time.month:02d}/{time.day:02d}/" if style < 5 else ""
    return f"{prefix}{day}{noun}-{10_000 + (b >> 14) % 90_000}.{ext}"


def multipart_etag(content: bytes, part_size: int = CLI_PART) -> str:
    """The ETag of a multipart upload of ``content``: MD5 of the parts' binary MD5s, ``-N``."""
    parts = [content[i : i + part_size] for i in range(0, len(content), part_size)] or [b""]
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f"{hashlib.md5(digests).hexdigest()}-{len(parts)}"


def event_version(event_name: str) -> str:
    """``eventVersion``: 2.2 for replication, 2.3 for lifecycle/tiering/tagging/ACL, else 2.1."""
    return "2.2" if event_name in REPLICATION else "2.3" if event_name in _V23 else "2.1"


def sequencer(time: datetime, low: int) -> str:
    """An 18-digit sequencer: '00', the epoch second, then 8 hex digits from ``low``.

    S3's samples have this form; for one key, a later event's sequencer is greater.
    """
    return f"00{int(time.timestamp()) & 0xFFFFFFFF:08X}{low & 0xFFFFFFFF:08X}"


def draw_request_id(rng: random.Random) -> str:
    """``x-amz-request-id``: 16 uppercase hex digits."""
    return rng.randbytes(8).hex().upper()


def draw_host_id(rng: random.Random) -> str:
    """``x-amz-id-2``: base64 of 56 bytes."""
    return binascii.b2a_base64(rng.randbytes(56), newline=False).decode()


def draw_version_id(rng: random.Random) -> str:
    return aws.chars(rng, 32, _VERSION_ALPHABET)


def draw_owner_id(rng: random.Random) -> str:
    """A bucket owner's ``principalId`` as S3 writes it: 'A' and 13 uppercase letters/digits."""
    return "A" + aws.chars(rng, 13, aws.UPPER_DIGITS)


def object_block(
    key: str,
    *,
    sequencer: str,
    size: int | None = None,
    etag: str | None = None,
    version_id: str | None = None,
) -> dict[str, Any]:
    """``s3.object``: the key URL-form-encoded; size and eTag for objects that exist (created
    events), versionId only in versioned buckets."""
    obj: dict[str, Any] = {"key": encode_key(key)}
    if size is not None and etag is not None:
        obj["size"], obj["eTag"] = size, etag
    if version_id is not None:
        obj["versionId"] = version_id
    obj["sequencer"] = sequencer
    return obj


def notification_record(
    *,
    event_name: str,
    region: str,
    partition: str,
    time: datetime,
    principal_id: str,
    source_ip: str,
    request_id: str,
    host_id: str,
    configuration_id: str,
    bucket: str,
    owner_id: str,
    obj: dict[str, Any],
) -> dict[str, Any]:
    """One S3 notification record (the caller wraps it in ``{"Records": [...]}``)."""
    return {
        "eventVersion": event_version(event_name),
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": iso_ms_z(time),
        "eventName": event_name,
        "userIdentity": {"principalId": principal_id},
        "requestParameters": {"sourceIPAddress": source_ip},
        "responseElements": {"x-amz-request-id": request_id, "x-amz-id-2": host_id},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": configuration_id,
            "bucket": {
                "name": bucket,
                "ownerIdentity": {"principalId": owner_id},
                "arn": f"arn:{partition}:s3:::{bucket}",
            },
            "object": obj,
        },
    }


def configuration_test_message(
    bucket: str, time: datetime, request_id: str, host_id: str
) -> dict[str, Any]:
    """The ``s3:TestEvent`` message S3 sends to an SQS or SNS destination when a notification
    configuration is saved (S3 user guide, "Event message structure")."""
    return {"Service": "Amazon S3", "Event": "s3:TestEvent", "Time": iso_ms_z(time),
            "Bucket": bucket, "RequestId": request_id, "HostId": host_id}  # fmt: skip


def _fail_bucket(ctx: BuildContext, option: str, name: str) -> None:
    problem = bucket_name_problem(name)
    if problem is not None:
        ctx.fail(option, problem)


def _check_key(ctx: BuildContext, key: str) -> None:
    size = len(key.encode())
    if not 1 <= size <= 1024:
        ctx.fail("key", f"the key is {size} bytes of UTF-8; S3 keys are 1 to 1,024 bytes")


def _parts_of(etag: str) -> int:
    return int(etag.rsplit("-", 1)[1]) if "-" in etag else 0


def _check_etag(ctx: BuildContext, o: Options, name: str, size: int | None) -> None:
    etag: str = o.etag
    match = _ETAG.match(etag)
    if not match or _parts_of(etag) > MAX_PARTS:
        ctx.fail(
            "etag",
            f"{etag!r} is not an S3 ETag: 32 lowercase hex digits, or 32 hex + "
            "'-N' (N = 1 to 10,000 parts) for a multipart upload",
        )
    parts = _parts_of(etag)
    if name == "ObjectCreated:CompleteMultipartUpload" and not parts:
        ctx.fail("etag", f"{name} gives the object a multipart ETag ('<32 hex>-<parts>')")
    if name in CREATED and name != "ObjectCreated:CompleteMultipartUpload" and parts:
        ctx.fail("etag", f"{name} writes one part; its ETag is 32 hex digits without '-N'")
    if parts and size is not None and not (parts - 1) * MIN_PART <= size <= parts * MAX_SINGLE_PUT:
        ctx.fail(
            "etag",
            f"{parts} parts cannot make {size:,} bytes: every part but the last is 5 MiB to 5 GiB",
        )


def _size_and_etag(ctx: BuildContext, o: Options, name: str) -> tuple[int, str]:
    """Size and ETag that agree with each other, the content and the kind of upload."""
    if o.content is None and o.etag is None:  # drawn, unless the size is given
        multipart = name == _MULTIPART
        size: int = o.size if o.size is not None else _draw_size(ctx, multipart, 0)
        _check_single_put(ctx, name, size, multipart)
        return size, _draw_etag(ctx, name, size, multipart)
    return _given_size_and_etag(ctx, o, name)


def _check_single_put(ctx: BuildContext, name: str, size: int, multipart: bool) -> None:
    if size > MAX_SINGLE_PUT and name in CREATED and not multipart:
        ctx.fail(
            "size",
            f"{size:,} bytes in one {name}; above 5 GiB S3 needs a multipart upload "
            "(event_name='ObjectCreated:CompleteMultipartUpload')",
        )


def _given_size_and_etag(ctx: BuildContext, o: Options, name: str) -> tuple[int, str]:
    content: bytes | None = o.content
    multipart = name == _MULTIPART
    if o.etag is not None:
        multipart = "-" in o.etag
    size: int | None = o.size
    if content is not None:
        if size is not None and size != len(content):
            ctx.fail("size", f"size={size} but content has {len(content)} bytes; omit size")
        size = len(content)
        etag = multipart_etag(content) if multipart else hashlib.md5(content).hexdigest()
        if o.etag is not None and o.etag != etag:
            ctx.fail("etag", f"etag={o.etag!r} but the content's ETag is {etag!r}; omit etag")
    if o.etag is not None:
        _check_etag(ctx, o, name, size)
    if size is None:
        size = _draw_size(ctx, multipart, _parts_of(o.etag or ""))
    _check_single_put(ctx, name, size, multipart)
    return size, o.etag if o.etag is not None else etag


def _draw_etag(ctx: BuildContext, name: str, size: int, multipart: bool) -> str:
    if not multipart and name not in CREATED and size > 64 * MIB:
        multipart = ctx.rng.random() < 0.8  # big objects were usually uploaded in parts
    digest = ctx.rng.randbytes(16).hex()
    if not multipart:
        return digest
    part_size = max(CLI_PART, -(-size // MAX_PARTS))  # 10,000 parts at most
    return f"{digest}-{max(1, -(-size // part_size))}"


def _draw_size(ctx: BuildContext, multipart: bool, parts: int) -> int:
    rng = ctx.rng
    if parts:
        return (parts - 1) * CLI_PART + 1 + int(rng.random() * (CLI_PART - 1))
    if multipart:
        return int(16 * MIB * 2 ** (rng.random() * 7))  # 16 MiB to 2 GiB
    return int(200 * 2 ** (rng.random() * 17))  # 200 B to 26 MB, log-uniform


def _versioned(ctx: BuildContext, o: Options, name: str) -> bool:
    if o.versioned is False and name in VERSIONED_ONLY:
        ctx.fail("versioned", f"{name} happens only in versioning-enabled buckets")
    if o.versioned is False and o.version_id is not None:
        ctx.fail("version_id", "a version id needs a versioned bucket; drop versioned=False")
    if name in VERSIONED_ONLY or o.version_id is not None:
        return True
    return bool(o.versioned) if o.versioned is not None else ctx.rng.random() < 0.3


def _principals(ctx: BuildContext, o: Options, name: str, owner: str) -> tuple[str, str]:
    """userIdentity.principalId and sourceIPAddress of the request behind the event."""
    rng = ctx.rng
    service = name in SERVICE_EVENTS
    principal: str | None = o.principal_id
    if principal is None:
        principal = "s3.amazonaws.com" if service else _draw_principal(rng, owner)
    source_ip: str | None = o.source_ip
    if source_ip is None:
        source_ip = "s3.amazonaws.com" if service else aws.ipv4(rng)
    elif source_ip != "s3.amazonaws.com":
        try:
            ipaddress.ip_address(source_ip)
        except ValueError:
            ctx.fail(
                "source_ip", f"{source_ip!r} is not an IPv4/IPv6 address or 's3.amazonaws.com'"
            )
    return principal, source_ip


def _draw_principal(rng: random.Random, owner: str) -> str:
    """A role session (half), an IAM user, or the bucket owner."""
    b = rng.getrandbits(24)
    kind = b & 15
    if kind < 8:
        role = f"{NOUNS[(b >> 4) % len(NOUNS)]}-{NOUNS[(b >> 9) % len(NOUNS)]}-"
        role += ROLES[(b >> 14) % len(ROLES)]
        return f"AWS:{aws.iam_unique_id(rng, 'AROA')}:{role}"
    if kind < 13:
        return f"AWS:{aws.iam_unique_id(rng)}"
    return owner


# the options only some event names carry, and which
_CARRIED_BY = (
    ("storage_class", ("ObjectRestore:Completed", "LifecycleTransition")),
    ("restore_days", ("ObjectRestore:Completed",)),
    ("access_tier", ("IntelligentTiering",)),
    ("destination_bucket", REPLICATION),
    ("replication_rule_id", REPLICATION),
    ("failure_reason", ("Replication:OperationFailedReplication",)),
)


def _check_options_for(ctx: BuildContext, o: Options, name: str) -> None:
    if name in REMOVED:
        for option in ("size", "etag", "content"):
            if o.given(option) and getattr(o, option) is not None:
                ctx.fail(
                    option,
                    f"{name} events carry no object size or ETag (the object is "
                    "gone); drop it or pick an ObjectCreated:* event_name",
                )
    for option, names in _CARRIED_BY:
        if getattr(o, option) is not None and name not in names:
            ctx.fail(option, f"only {', '.join(names)} events carry it, not {name}")
    storage: str | None = o.storage_class
    if storage is not None:
        choices = (
            RESTORE_STORAGE_CLASSES
            if name == "ObjectRestore:Completed"
            else TRANSITION_STORAGE_CLASSES
        )
        if storage not in choices:
            ctx.fail(
                "storage_class",
                f"{storage!r} is not possible for {name}; allowed: {', '.join(choices)}",
            )


def _sequencer(ctx: BuildContext, o: Options) -> str:
    if o.sequencer is not None:
        if not _SEQUENCER.match(o.sequencer):
            ctx.fail("sequencer", f"{o.sequencer!r} is not an uppercase hexadecimal string")
        return str(o.sequencer)
    return sequencer(ctx.time, ctx.rng.getrandbits(32))


_WITH_EXTRA_DATA = frozenset(
    ("ObjectRestore:Completed", "LifecycleTransition", "IntelligentTiering", *REPLICATION)
)


def _extra_data(ctx: BuildContext, o: Options, name: str, bucket: str) -> dict[str, Any]:
    """The event-specific blocks: glacierEventData, lifecycleEventData, and so on."""
    rng = ctx.rng
    if name == "ObjectRestore:Completed":
        days = o.restore_days or rng.randint(1, 30)
        # The restored copy expires at midnight UTC after the requested number of days.
        expiry = datetime.combine(ctx.time.date(), datetime.min.time(), UTC) + timedelta(days + 1)
        storage = o.storage_class or aws.pick(rng, RESTORE_STORAGE_CLASSES[:2])
        return {
            "glacierEventData": {
                "restoreEventData": {
                    "lifecycleRestorationExpiryTime": iso_ms_z(expiry),
                    "lifecycleRestoreStorageClass": storage,
                }
            }
        }
    if name == "LifecycleTransition":
        storage = o.storage_class or aws.pick(rng, TRANSITION_STORAGE_CLASSES)
        return {"lifecycleEventData": {"transitionEventData": {"destinationStorageClass": storage}}}
    if name == "IntelligentTiering":
        tier = o.access_tier or aws.pick(rng, ACCESS_TIERS)
        return {"intelligentTieringEventData": {"destinationAccessTier": tier}}
    if name in REPLICATION:
        return {"replicationEventData": _replication_data(ctx, o, name, bucket)}
    return {}


def _replication_data(ctx: BuildContext, o: Options, name: str, bucket: str) -> dict[str, Any]:
    rng = ctx.rng
    destination = o.destination_bucket or f"{bucket[:50]}-replica"
    _fail_bucket(ctx, "destination_bucket", destination)
    if destination == bucket:
        ctx.fail("destination_bucket", "replication needs a bucket other than the source bucket")
    # RTC threshold events come after the 15-minute threshold; the others within seconds.
    threshold = name in REPLICATION[1:3]
    lag = timedelta(seconds=900 + rng.randrange(1, 1800) if threshold else rng.randrange(2, 120))
    data = {
        "replicationRuleId": o.replication_rule_id or f"{aws.pick(rng, NOUNS)}-replication",
        "destinationBucket": f"arn:{ctx.partition}:s3:::{destination}",
        "s3Operation": "OBJECT_PUT",
        "requestTime": iso_ms_z(ctx.time - lag - timedelta(milliseconds=rng.randrange(1000))),
    }
    if name == "Replication:OperationFailedReplication":
        data["failureReason"] = o.failure_reason or aws.pick(rng, REPLICATION_FAILURES)
    return data


def _object(ctx: BuildContext, o: Options, name: str, key: str) -> dict[str, Any]:
    size, etag = _size_and_etag(ctx, o, name) if name not in REMOVED else (None, None)
    version_id = (o.version_id or draw_version_id(ctx.rng)) if _versioned(ctx, o, name) else None
    return object_block(
        key, size=size, etag=etag, version_id=version_id, sequencer=_sequencer(ctx, o)
    )


def build_s3(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One S3 notification record whose bucket, key, size, ETag and extras agree."""
    rng = ctx.rng
    name: str = o.event_name
    _check_options_for(ctx, o, name)
    bucket = o.bucket or draw_bucket(rng, ctx.account_id, ctx.region)
    if o.bucket or len(bucket) > 63:  # a drawn name is valid but for its length
        _fail_bucket(ctx, "bucket", bucket)
    key = o.key if o.key is not None else draw_key(rng, ctx.time)
    _check_key(ctx, key)
    owner = draw_owner_id(rng)
    principal, source_ip = _principals(ctx, o, name, owner)
    configuration = o.configuration_id or (
        ctx.uuid() if rng.random() < 0.5 else f"{aws.pick(rng, NOUNS)}-to-lambda"
    )
    request_id, host_id = draw_request_id(rng), draw_host_id(rng)
    record = notification_record(
        event_name=name, region=ctx.region, partition=ctx.partition, time=ctx.time,
        principal_id=principal, source_ip=source_ip, request_id=request_id, host_id=host_id,
        configuration_id=configuration, bucket=bucket, owner_id=owner,
        obj=_object(ctx, o, name, key),
    )  # fmt: skip
    if name in _WITH_EXTRA_DATA:
        record.update(_extra_data(ctx, o, name, bucket))
    return {"Records": [record]}


SOURCES = (
    EventSource(
        id="s3",
        service="Amazon S3",
        invocation="async",
        builder=build_s3,
        description="S3 event notification (one record, as S3 sends it)",
        options=(
            Option(
                "event_name",
                str,
                "the notification type, e.g. 'ObjectRemoved:Delete'",
                "ObjectCreated:Put",
                choices=EVENT_NAMES,
            ),
            Option("bucket", str, "bucket name (3-63 lowercase letters, digits, dots, hyphens)"),
            Option("key", str, "object key, raw; the event carries it URL-form-encoded"),
            Option("content", bytes, "object bytes: sets size and eTag (MD5, or multipart MD5)"),
            Option("size", int, "object size in bytes", minimum=0, maximum=MAX_OBJECT_SIZE),
            Option("etag", str, "object ETag: 32 hex digits, '-N' suffix for multipart uploads"),
            Option("versioned", bool, "whether the bucket has versioning enabled (versionId)"),
            Option("version_id", str, "versionId of the object (implies a versioned bucket)"),
            Option("sequencer", str, "object sequencer (uppercase hex)"),
            Option("principal_id", str, "userIdentity.principalId, e.g. 'AWS:AIDA...'"),
            Option("source_ip", str, "requestParameters.sourceIPAddress (an IP address)"),
            Option("configuration_id", str, "id of the bucket's notification configuration"),
            Option(
                "storage_class",
                str,
                "restore source / lifecycle transition storage class",
                choices=tuple(dict.fromkeys(RESTORE_STORAGE_CLASSES + TRANSITION_STORAGE_CLASSES)),
            ),
            Option(
                "restore_days",
                int,
                "days the restored copy is kept (ObjectRestore:Completed)",
                minimum=1,
            ),
            Option(
                "access_tier", str, "IntelligentTiering destinationAccessTier", choices=ACCESS_TIERS
            ),
            Option("destination_bucket", str, "Replication:* destination bucket name"),
            Option("replication_rule_id", str, "Replication:* replicationRuleId"),
            Option(
                "failure_reason",
                str,
                "Replication:OperationFailedReplication failureReason",
                choices=REPLICATION_FAILURES,
            ),
        ),
    ),
)
