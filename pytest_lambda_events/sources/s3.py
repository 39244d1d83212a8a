"""Amazon S3 event notifications: the one-record event S3 sends to Lambda (shapes.md section 1).

The builder draws values; the harness (``world/s3.py``) takes them from its buckets. Both hand
them to ``object_block`` and ``notification_record``, so the two can never disagree on a shape.
"""

from __future__ import annotations

import binascii
import hashlib
import ipaddress
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus

from .. import aws
from ..building import BuildContext
from ..content import FILE_TYPES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import date_path, epoch_ms, iso_ms_z, iso_of_ms

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
_EVENT_VERSIONS = {**dict.fromkeys(REPLICATION, "2.2"), **dict.fromkeys(_V23, "2.3")}
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
_TITLED_NOUNS = tuple(noun.title() for noun in NOUNS)
TO_VERSION_ALPHABET = bytes.maketrans(b"+/", b"._")
_UPPER_DIGITS = aws.byte_table(aws.UPPER_DIGITS)
_SIZE_SCALE = 2.0**-24  # 24 random bits -> [0, 1)
_MULTIPART = "ObjectCreated:CompleteMultipartUpload"
_b2a_base64 = binascii.b2a_base64
_blake2b = hashlib.blake2b


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


def bucket_from(bits: int, account_id: str, region: str) -> str:
    """A bucket name of this world from 10 random bits, such as ``orders-photos-9012-eu-west-1``."""
    return (
        f"{NOUNS[bits % len(NOUNS)]}-{NOUNS[(bits >> 5) % len(NOUNS)]}-{account_id[-4:]}-{region}"
    )


def draw_bucket(rng: aws.Draws, account_id: str, region: str) -> str:
    """``bucket_from`` with its own draw."""
    return bucket_from(rng.getrandbits(16), account_id, region)


def keys_from(b: int, time: datetime) -> tuple[str, str]:
    """A realistic object key from 31 random bits, raw and as notifications encode it: dated or
    numbered, a quarter with spaces and brackets so that consumers' URL decoding is exercised
    (their encoding is written here, without ``encode_key``'s scans)."""
    return keys_of(b, epoch_ms(time))


def keys_of(b: int, ms: int) -> tuple[str, str]:
    """``keys_from`` at epoch milliseconds ``ms`` (what builders know without a datetime)."""
    prefix, ext = _KEY_PREFIXES[b % 7], _EXTENSIONS[(b >> 3) % 6]
    style = (b >> 6) & 7
    noun = (b >> 9) % len(NOUNS)
    if style < 2:
        copy = 1 + (b >> 14) % 9
        title = _TITLED_NOUNS[noun]
        return (
            f"{prefix}{title} Export ({copy}).{ext}",
            f"{prefix}{title}+Export+%28{copy}%29.{ext}",
        )
    day = ""
    if style < 5:  # the UTC date
        day = date_path(ms // 86_400_000) + "/"
    key = f"{prefix}{day}{NOUNS[noun]}-{10_000 + (b >> 14) % 90_000}.{ext}"
    return key, key


def key_from(b: int, time: datetime) -> str:
    """The raw key of ``keys_from``."""
    return keys_from(b, time)[0]


def draw_key(rng: aws.Draws, time: datetime) -> str:
    """``key_from`` with its own draw."""
    return key_from(rng.getrandbits(32), time)


def multipart_etag(content: bytes, part_size: int = CLI_PART) -> str:
    """The ETag of a multipart upload of ``content``: MD5 of the parts' binary MD5s, ``-N``."""
    parts = [content[i : i + part_size] for i in range(0, len(content), part_size)] or [b""]
    digests = b"".join(hashlib.md5(part).digest() for part in parts)
    return f"{hashlib.md5(digests).hexdigest()}-{len(parts)}"


def event_version(event_name: str) -> str:
    """``eventVersion``: 2.2 for replication, 2.3 for lifecycle/tiering/tagging/ACL, else 2.1."""
    return _EVENT_VERSIONS.get(event_name, "2.1")


def sequencer(time: datetime, low: int) -> str:
    """An 18-digit sequencer: '00', the epoch second, then 8 hex digits from ``low``.

    S3's samples have this form; for one key, a later event's sequencer is greater.
    """
    stamp = (int(time.timestamp()) & 0xFFFFFFFF) << 32 | low & 0xFFFFFFFF
    return "00" + stamp.to_bytes(8, "big").hex().upper()  # cheaper than a format spec


def draw_request_id(rng: aws.Draws) -> str:
    """``x-amz-request-id``: 16 uppercase hex digits."""
    return rng.randbytes(8).hex().upper()


def host_id_from(raw: bytes) -> str:
    """``x-amz-id-2``: base64 of 56 random bytes."""
    return binascii.b2a_base64(raw, newline=False).decode()


def draw_host_id(rng: aws.Draws) -> str:
    return host_id_from(rng.randbytes(56))


def host_id_for(request_id: bytes) -> str:
    """The ``x-amz-id-2`` of a request: 56 opaque bytes derived from its request id's (AWS's
    value encodes the request too), so that a build need not draw them."""
    return host_id_from(hashlib.blake2b(request_id, digest_size=56).digest())


def version_id_from(raw: bytes) -> str:
    """A ``versionId`` (32 letters, digits, '.' and '_') from 24 random bytes: their base64
    text, whose alphabet is the version ids' but for ``+/``."""
    return binascii.b2a_base64(raw, newline=False).translate(TO_VERSION_ALPHABET).decode()


def draw_version_id(rng: aws.Draws) -> str:
    return version_id_from(rng.randbytes(24))


def owner_id_from(raw: bytes) -> str:
    """A bucket owner's ``principalId`` as S3 writes it: 'A' and 13 uppercase letters/digits
    (one per byte of ``raw``)."""
    return "A" + raw.translate(_UPPER_DIGITS).decode()


def draw_owner_id(rng: aws.Draws) -> str:
    return owner_id_from(rng.randbytes(13))


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


def _size_and_etag(ctx: BuildContext, o: Options, name: str, raw: bytes) -> tuple[int, str]:
    """Size and ETag that agree with each other, the content and the kind of upload; ``raw``:
    20 random bytes for drawn ones."""
    size: int | None = o.size
    if o.content is not None or o.etag is not None:
        return _given_size_and_etag(ctx, o, name)
    multipart = name == _MULTIPART
    if size is None:
        size = _size_from(raw[0] | raw[1] << 8 | raw[2] << 16, multipart)
    else:
        _check_single_put(ctx, name, size, multipart)
    if not multipart and size > 64 * MIB and name not in CREATED:
        multipart = raw[19] < 205  # big objects were usually uploaded in parts
    digest = raw[3:19].hex()
    if not multipart:
        return size, digest
    part_size = max(CLI_PART, -(-size // MAX_PARTS))  # 10,000 parts at most
    return size, f"{digest}-{max(1, -(-size // part_size))}"


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
        parts = _parts_of(o.etag or "")
        bits = ctx.getrandbits(24)
        if parts:  # the last part is 1 byte to a whole part
            size = (parts - 1) * CLI_PART + 1 + bits * (CLI_PART - 1) // (1 << 24)
        else:
            size = _size_from(bits, multipart)
    _check_single_put(ctx, name, size, multipart)
    return size, o.etag if o.etag is not None else etag


def _size_from(bits: int, multipart: bool) -> int:
    """An object size, log-uniform, from 24 random bits."""
    if multipart:
        return int(16 * MIB * 2 ** (bits * _SIZE_SCALE * 7))  # 16 MiB to 2 GiB
    return int(200 * 2 ** (bits * _SIZE_SCALE * 17))  # 200 B to 26 MB


def _versioned(ctx: BuildContext, o: Options, name: str, byte: int) -> bool:
    """Whether the bucket is versioned: as given or required, else three in ten, by ``byte``."""
    versioned: bool | None = o.versioned
    if versioned is False:
        if name in VERSIONED_ONLY:
            ctx.fail("versioned", f"{name} happens only in versioning-enabled buckets")
        if o.version_id is not None:
            ctx.fail("version_id", "a version id needs a versioned bucket; drop versioned=False")
    if name in VERSIONED_ONLY or o.version_id is not None:
        return True
    return versioned if versioned is not None else byte < 77


def _principals(
    ctx: BuildContext, o: Options, name: str, owner: str, raw: bytes
) -> tuple[str, str]:
    """userIdentity.principalId and sourceIPAddress of the request behind the event; ``raw``:
    24 random bytes for drawn ones."""
    principal: str | None = o.principal_id
    source_ip: str | None = o.source_ip
    if name in SERVICE_EVENTS:  # S3 itself, unless given
        principal = "s3.amazonaws.com" if principal is None else principal
        source_ip = "s3.amazonaws.com" if source_ip is None else source_ip
    if principal is None:  # a role session (half), an IAM user, or the bucket owner
        kind = raw[0] & 15
        if kind < 8:
            b = raw[1] | raw[2] << 8
            role = f"{NOUNS[b % len(NOUNS)]}-{NOUNS[(b >> 5) % len(NOUNS)]}-"
            role += ROLES[(b >> 10) % len(ROLES)]
            principal = f"AWS:AROA{raw[3:20].translate(_UPPER_DIGITS).decode()}:{role}"
        else:
            principal = (
                f"AWS:AIDA{raw[3:20].translate(_UPPER_DIGITS).decode()}" if kind < 13 else owner
            )
    if source_ip is None:
        return principal, aws.ipv4_from_bits(int.from_bytes(raw[20:24], "little"))
    if source_ip != "s3.amazonaws.com":
        try:
            ipaddress.ip_address(source_ip)
        except ValueError:
            ctx.fail(
                "source_ip", f"{source_ip!r} is not an IPv4/IPv6 address or 's3.amazonaws.com'"
            )
    return principal, source_ip


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
    if (
        o.storage_class is None and o.restore_days is None and o.access_tier is None
        and o.destination_bucket is None and o.replication_rule_id is None
        and o.failure_reason is None
    ):  # fmt: skip
        return  # the usual case, without the loop below
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


_WITH_EXTRA_DATA = frozenset(
    ("ObjectRestore:Completed", "LifecycleTransition", "IntelligentTiering", *REPLICATION)
)


def _extra_data(ctx: BuildContext, o: Options, name: str, bucket: str) -> dict[str, Any]:
    """The event-specific blocks: glacierEventData, lifecycleEventData, and so on."""
    if name == "ObjectRestore:Completed":
        days = o.restore_days or 1 + ctx.getrandbits(16) % 30
        # The restored copy expires at midnight UTC after the requested number of days.
        expiry = datetime.combine(ctx.time.date(), datetime.min.time(), UTC) + timedelta(days + 1)
        storage = o.storage_class or aws.pick(ctx, RESTORE_STORAGE_CLASSES[:2])
        return {
            "glacierEventData": {
                "restoreEventData": {
                    "lifecycleRestorationExpiryTime": iso_ms_z(expiry),
                    "lifecycleRestoreStorageClass": storage,
                }
            }
        }
    if name == "LifecycleTransition":
        storage = o.storage_class or aws.pick(ctx, TRANSITION_STORAGE_CLASSES)
        return {"lifecycleEventData": {"transitionEventData": {"destinationStorageClass": storage}}}
    if name == "IntelligentTiering":
        tier = o.access_tier or aws.pick(ctx, ACCESS_TIERS)
        return {"intelligentTieringEventData": {"destinationAccessTier": tier}}
    if name in REPLICATION:
        return {"replicationEventData": _replication_data(ctx, o, name, bucket)}
    return {}


def _replication_data(ctx: BuildContext, o: Options, name: str, bucket: str) -> dict[str, Any]:
    destination = o.destination_bucket or f"{bucket[:50]}-replica"
    _fail_bucket(ctx, "destination_bucket", destination)
    if destination == bucket:
        ctx.fail("destination_bucket", "replication needs a bucket other than the source bucket")
    b = ctx.getrandbits(64)
    # RTC threshold events come after the 15-minute threshold; the others within seconds.
    threshold = name in REPLICATION[1:3]
    lag_ms = (900 + 1 + b % 1799 if threshold else 2 + b % 118) * 1000 + (b >> 16) % 1000
    data = {
        "replicationRuleId": o.replication_rule_id
        or f"{NOUNS[(b >> 32) % len(NOUNS)]}-replication",
        "destinationBucket": f"arn:{ctx.partition}:s3:::{destination}",
        "s3Operation": "OBJECT_PUT",
        "requestTime": iso_ms_z(ctx.time - timedelta(milliseconds=lag_ms)),
    }
    if name == "Replication:OperationFailedReplication":
        failure = REPLICATION_FAILURES[(b >> 40) % len(REPLICATION_FAILURES)]
        data["failureReason"] = o.failure_reason or failure
    return data


def _object(ctx: BuildContext, o: Options, name: str, key: str, raw: bytes) -> dict[str, Any]:
    """``s3.object`` (what ``object_block`` makes, from the options and 49 random bytes): [0:20]
    size and ETag, [20] versioning, [21:45] the version id, [45:49] the sequencer's low bits."""
    obj: dict[str, Any] = {"key": key}
    if name not in REMOVED:
        obj["size"], obj["eTag"] = _size_and_etag(ctx, o, name, raw)
    if _versioned(ctx, o, name, raw[20]):
        obj["versionId"] = o.version_id or version_id_from(raw[21:45])
    given: str | None = o.sequencer
    if given is None:
        obj["sequencer"] = sequencer(ctx.time, int.from_bytes(raw[45:49], "little"))
    elif _SEQUENCER.match(given):
        obj["sequencer"] = given
    else:
        ctx.fail("sequencer", f"{given!r} is not an uppercase hexadecimal string")
    return obj


# One build draws its bytes at once and slices them (each draw costs more than slicing):
# [0:6] bucket and key, [6:19] owner, [19:43] principal and source IP, [43:61] configuration
# id, [61:69] request id, [69:118] the object, [118:174] the host id
_DRAW_BYTES = 174
_POOL_BYTES = 59  # what is left of the context pool's first block (478 bits)


def _draw(ctx: BuildContext) -> bytes:
    """187 random-looking bytes (``_DRAW_BYTES`` used): the pool's first block and two BLAKE2b
    digests chained from it. A second block of the pool would cost twice as much: a SHAKE-128
    call and the conversions of its 168 bytes to an int and back."""
    head = ctx.getrandbits(8 * _POOL_BYTES).to_bytes(_POOL_BYTES, "little")
    digest = _blake2b(head).digest()
    return head + digest + _blake2b(digest).digest()


_TO_LAMBDA = tuple(f"{noun}-to-lambda" for noun in NOUNS)  # the drawn configuration ids by noun
_DEFAULT_SIZE_SCALE = 17 * _SIZE_SCALE  # _size_from's single-part range


def _default_s3(ctx: BuildContext) -> dict[str, Any]:
    """The default event (an ObjectCreated:Put, no overrides) written at once: the values the
    general path draws from the same bytes (``_DRAW_BYTES``), without its checks of options
    that were not given."""
    head = ctx.getrandbits(8 * _POOL_BYTES).to_bytes(_POOL_BYTES, "little")  # as ``_draw``
    digest = _blake2b(head).digest()
    raw = head + digest + _blake2b(digest).digest()
    region, partition, ms = ctx.region, ctx.partition, ctx.time_ms
    iso = iso_of_ms(ms)
    b = raw[0] | raw[1] << 8
    bucket = f"{NOUNS[b % 20]}-{NOUNS[(b >> 5) % 20]}-{ctx.account_id[-4:]}-{region}"
    if len(bucket) > 63:  # a drawn name is valid but for its length
        _fail_bucket(ctx, "bucket", bucket)
    owner = "A" + raw[6:19].translate(_UPPER_DIGITS).decode()
    kind = raw[19] & 15
    if kind < 8:  # a role session (half), an IAM user, or the bucket owner
        b = raw[20] | raw[21] << 8
        role = f"{NOUNS[b % 20]}-{NOUNS[(b >> 5) % 20]}-{ROLES[(b >> 10) % 9]}"
        principal = f"AWS:AROA{raw[22:39].translate(_UPPER_DIGITS).decode()}:{role}"
    elif kind < 13:
        principal = f"AWS:AIDA{raw[22:39].translate(_UPPER_DIGITS).decode()}"
    else:
        principal = owner
    obj: dict[str, Any] = {
        "key": keys_of(int.from_bytes(raw[2:6], "little"), ms)[1],
        "size": int(200 * 2 ** ((raw[69] | raw[70] << 8 | raw[71] << 16) * _DEFAULT_SIZE_SCALE)),
        "eTag": raw[72:88].hex(),
    }
    if raw[89] < 77:  # three buckets in ten are versioned
        obj["versionId"] = (
            _b2a_base64(raw[90:114], newline=False).translate(TO_VERSION_ALPHABET).decode()
        )
    # '00', the epoch second, 8 hex digits (as ``sequencer``)
    obj["sequencer"] = (
        "00" + ((ms // 1000 & 0xFFFFFFFF).to_bytes(4, "big") + raw[117:113:-1]).hex().upper()
    )
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": iso + "Z",
                "eventName": "ObjectCreated:Put",
                "userIdentity": {"principalId": principal},
                "requestParameters": {
                    "sourceIPAddress": aws.ipv4_from_bits(int.from_bytes(raw[39:43], "little"))
                },
                "responseElements": {
                    "x-amz-request-id": raw[61:69].hex().upper(),
                    "x-amz-id-2": _b2a_base64(raw[118:174], newline=False).decode(),
                },
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": aws.uuid4_from_bits(int.from_bytes(raw[45:61], "little"))
                    if raw[43] & 1
                    else _TO_LAMBDA[raw[44] % 20],
                    "bucket": {
                        "name": bucket,
                        "ownerIdentity": {"principalId": owner},
                        "arn": f"arn:{partition}:s3:::{bucket}",
                    },
                    "object": obj,
                },
            }
        ]
    }


def build_s3(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One S3 notification record whose bucket, key, size, ETag and extras agree."""
    if o.is_default:
        return _default_s3(ctx)
    name: str = o.event_name
    _check_options_for(ctx, o, name)
    raw = _draw(ctx)
    bucket: str = o.bucket
    if bucket:
        _fail_bucket(ctx, "bucket", bucket)
    else:
        bucket = bucket_from(raw[0] | raw[1] << 8, ctx.account_id, ctx.region)
        if len(bucket) > 63:  # a drawn name is valid but for its length
            _fail_bucket(ctx, "bucket", bucket)
    key: str | None = o.key
    if key is None:
        key = keys_from(int.from_bytes(raw[2:6], "little"), ctx.time)[1]
    else:
        _check_key(ctx, key)
        key = encode_key(key)
    owner = "A" + raw[6:19].translate(_UPPER_DIGITS).decode()
    principal, source_ip = _principals(ctx, o, name, owner, raw[19:43])
    configuration = o.configuration_id or (
        aws.uuid4_from(raw[45:61]) if raw[43] & 1 else f"{NOUNS[raw[44] % len(NOUNS)]}-to-lambda"
    )
    request_id = raw[61:69]
    record = notification_record(
        event_name=name, region=ctx.region, partition=ctx.partition, time=ctx.time,
        principal_id=principal, source_ip=source_ip, request_id=request_id.hex().upper(),
        host_id=host_id_from(raw[118:174]), configuration_id=configuration, bucket=bucket,
        owner_id=owner, obj=_object(ctx, o, name, key, raw[69:118]),
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
