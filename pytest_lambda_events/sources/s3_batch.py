"""Amazon S3 Batch Operations: the LambdaInvoke request, one task per invocation, in schema
1.0 (``s3BucketArn``) or 2.0 (``s3Bucket`` and the job's ``userArguments``) (shapes.md 30)."""

from __future__ import annotations

import binascii
import re
from hashlib import blake2b
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, PLANS
from ..registry import EventSource, Option, Options
from . import _s3_common
from .s3 import TO_VERSION_ALPHABET, encode_key, keys_from, keys_of, version_id_from

SCHEMA_VERSIONS = ("1.0", "2.0")
MAX_USER_ARGUMENTS = 10  # LambdaInvokeOperation.UserArguments: up to 10 pairs
MAX_ARGUMENT_KEY = 64
MAX_ARGUMENT_VALUE = 1024
_b2a_base64 = binascii.b2a_base64
_URL_SAFE = aws.URL_SAFE
_JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _user_arguments(ctx: BuildContext, o: Options, b: int) -> dict[str, str] | None:
    """The job's userArguments: given, or from 16 random bits half the time none."""
    given: dict[str, Any] | None = o.user_arguments
    if given is None:
        if b & 1:
            return None
        return {"mode": PLANS[(b >> 1) % 3], "target": NOUNS[(b >> 8) % 20]}
    if len(given) > MAX_USER_ARGUMENTS:
        ctx.fail("user_arguments", f"{len(given)} pairs; a job takes at most 10 userArguments")
    for name, value in given.items():
        if not isinstance(name, str) or not isinstance(value, str):
            ctx.fail("user_arguments", f"{name!r}: keys and values are strings")
        if not 1 <= len(name) <= MAX_ARGUMENT_KEY or len(value) > MAX_ARGUMENT_VALUE:
            ctx.fail(
                "user_arguments",
                f"{name!r}: keys are 1 to 64 characters, values at most 1,024",
            )
    return dict(given)


def _version_id(ctx: BuildContext, o: Options, raw: bytes) -> str | None:
    """The manifest's version id: null for unversioned manifests (CSV without a version);
    ``raw`` starts with 25 random bytes (the first decides: 40% are versioned)."""
    if o.version_id is not None:
        if o.versioned is False:
            ctx.fail("version_id", "a version id needs versioned=True (or drop versioned)")
        return str(o.version_id)
    versioned = o.versioned if o.versioned is not None else raw[0] < 102
    return version_id_from(raw[1:25]) if versioned else None


def _job_id(ctx: BuildContext, o: Options, bits: int) -> str:
    if o.job_id is None:
        return aws.uuid4_from_bits(bits)
    if not _JOB_ID.match(o.job_id):
        ctx.fail("job_id", f"{o.job_id!r} is not a job id (a lowercase UUID)")
    return str(o.job_id)


def _bucket_and_key(ctx: BuildContext, o: Options, raw: bytes) -> tuple[str, str]:
    """The bucket and the URL-encoded key (a drawn key comes with its encoding)."""
    bucket = _s3_common.bucket(ctx, o.bucket, raw[0] | raw[1] << 8)
    if o.key is None:
        return bucket, keys_from(int.from_bytes(raw[2:6], "little"), ctx.time)[1]
    return bucket, encode_key(_s3_common.key(ctx, o.key, 0))


def _opaque_ids(raw: bytes) -> str:
    """The invocation id (39 bytes, 52 characters) and the task id (15 bytes, 20 characters)
    as one unpadded URL-safe base64 text, derived from the build's random bytes: one hash call
    instead of a second block of the pool, and one encoding (both sizes are whole base64
    groups), since they are opaque either way."""
    digest = blake2b(raw).digest()[:54]  # the default 64-byte digest costs less than 54 bytes
    return _b2a_base64(digest, newline=False).translate(aws.URL_SAFE).decode()


# One build draws its bits at once and slices them (each draw costs more than slicing):
# the job id (128 bits), then 33 bytes: [0:25] version id, [25:31] bucket and key, [31:33]
# userArguments; 392 bits, within the pool's first block
_DRAW_BITS = 392


def _default_s3_batch(ctx: BuildContext) -> dict[str, Any]:
    """The default request (schema 2.0, no overrides) written at once: the general path's
    values from the same draw, without its checks of options that were not given. Its small
    values are shifted out of the draw (``raw[i]`` is ``b >> 128 + 8 * i & 255``)."""
    b = ctx.getrandbits(_DRAW_BITS)
    raw = (b >> 128).to_bytes(33, "little")
    bits = b >> 328 & 0xFFFF  # raw[25:27]
    bucket = f"{NOUNS[bits % 20]}-{NOUNS[(bits >> 5) % 20]}-{ctx.account_id[-4:]}-{ctx.region}"
    if len(bucket) > 63:  # a drawn name is valid but for its length
        _s3_common.bucket(ctx, None, bits)
    # the invocation id (52 characters), then the task id (20), as ``_opaque_ids``
    opaque = _b2a_base64(blake2b(raw).digest()[:54], newline=False).translate(_URL_SAFE).decode()
    job: dict[str, Any] = {"id": aws.uuid4_from_bits(b)}
    bits = b >> 376  # raw[31:33]
    if not bits & 1:  # half the jobs pass userArguments (as ``_user_arguments``)
        job["userArguments"] = {"mode": PLANS[(bits >> 1) % 3], "target": NOUNS[(bits >> 8) % 20]}
    version = None
    if (b >> 128 & 255) < 102:  # 40% of manifests name object versions
        version = _b2a_base64(raw[1:25], newline=False).translate(TO_VERSION_ALPHABET).decode()
    return {
        "invocationSchemaVersion": "2.0",
        "invocationId": opaque[:52],
        "job": job,
        "tasks": [{
            "taskId": opaque[52:],
            "s3Key": keys_of(b >> 344 & 0xFFFFFFFF, ctx.time_ms)[1],  # raw[27:31]
            "s3VersionId": version,
            "s3Bucket": bucket,
        }],
    }  # fmt: skip


def build_s3_batch(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One LambdaInvoke request: the key URL-encoded, the bucket as ARN (1.0) or name (2.0)."""
    if o.is_default:
        return _default_s3_batch(ctx)
    schema: str = o.schema_version
    if schema == "1.0" and o.user_arguments is not None:
        ctx.fail("user_arguments", "userArguments need invocationSchemaVersion 2.0")
    b = ctx.getrandbits(_DRAW_BITS)
    raw = (b >> 128).to_bytes(33, "little")
    bucket, s3_key = _bucket_and_key(ctx, o, raw[25:31])
    job: dict[str, Any] = {"id": _job_id(ctx, o, b)}
    opaque = _opaque_ids(raw)
    task: dict[str, Any] = {"taskId": o.task_id or opaque[52:], "s3Key": s3_key,
                            "s3VersionId": _version_id(ctx, o, raw)}  # fmt: skip
    invocation_id = o.invocation_id or opaque[:52]
    if schema == "1.0":
        task["s3BucketArn"] = f"arn:{ctx.partition}:s3:::{bucket}"
    else:
        arguments = _user_arguments(ctx, o, raw[31] | raw[32] << 8)
        if arguments is not None:
            job["userArguments"] = arguments
        task["s3Bucket"] = bucket
    return {"invocationSchemaVersion": schema, "invocationId": invocation_id, "job": job,
            "tasks": [task]}  # fmt: skip


SOURCES = (
    EventSource(
        id="s3_batch",
        service="Amazon S3 Batch Operations",
        invocation="sync",
        builder=build_s3_batch,
        description="S3 Batch Operations LambdaInvoke request (one task)",
        options=(
            Option(
                "schema_version",
                str,
                "invocationSchemaVersion: '1.0' (s3BucketArn) or '2.0' (s3Bucket, userArguments)",
                "2.0",
                choices=SCHEMA_VERSIONS,
            ),
            Option("bucket", str, "bucket name of the task's object"),
            Option("key", str, "object key, raw; the task carries it URL-encoded (s3Key)"),
            Option("versioned", bool, "whether the manifest names object versions"),
            Option("version_id", str, "s3VersionId (null unless the manifest has versions)"),
            Option("job_id", str, "job.id: the Batch Operations job id (a UUID)"),
            Option("invocation_id", str, "invocationId: opaque, echoed in the response"),
            Option("task_id", str, "taskId: opaque, echoed in the response's results"),
            Option("user_arguments", dict, "job.userArguments: up to 10 str -> str (2.0 only)"),
        ),
    ),
)
