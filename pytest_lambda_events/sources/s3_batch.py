"""Amazon S3 Batch Operations: the LambdaInvoke request, one task per invocation, in schema
1.0 (``s3BucketArn``) or 2.0 (``s3Bucket`` and the job's ``userArguments``) (shapes.md 30)."""

from __future__ import annotations

import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, PLANS
from ..registry import EventSource, Option, Options
from . import _s3_common
from .s3 import draw_version_id, encode_key

SCHEMA_VERSIONS = ("1.0", "2.0")
MAX_USER_ARGUMENTS = 10  # LambdaInvokeOperation.UserArguments: up to 10 pairs
MAX_ARGUMENT_KEY = 64
MAX_ARGUMENT_VALUE = 1024
_JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _opaque(ctx: BuildContext, size: int) -> str:
    """An opaque id as S3 Batch Operations hands them out: unpadded URL-safe base64."""
    return aws.b64url(ctx.rng.randbytes(size))


def _user_arguments(ctx: BuildContext, o: Options) -> dict[str, str] | None:
    given: dict[str, Any] | None = o.user_arguments
    if given is None:
        if ctx.rng.random() < 0.5:
            return None
        rng = ctx.rng
        return {"mode": PLANS[int(rng.random() * 3)], "target": NOUNS[int(rng.random() * 20)]}
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


def _version_id(ctx: BuildContext, o: Options) -> str | None:
    """The manifest's version id: null for unversioned manifests (CSV without a version)."""
    if o.versioned is False and o.version_id is not None:
        ctx.fail("version_id", "a version id needs versioned=True (or drop versioned)")
    if o.version_id is not None:
        return str(o.version_id)
    versioned = o.versioned if o.versioned is not None else ctx.rng.random() < 0.4
    return draw_version_id(ctx.rng) if versioned else None


def _job_id(ctx: BuildContext, o: Options) -> str:
    if o.job_id is None:
        return ctx.uuid()
    if not _JOB_ID.match(o.job_id):
        ctx.fail("job_id", f"{o.job_id!r} is not a job id (a lowercase UUID)")
    return str(o.job_id)


def build_s3_batch(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One LambdaInvoke request: the key URL-encoded, the bucket as ARN (1.0) or name (2.0)."""
    schema: str = o.schema_version
    if schema == "1.0" and o.user_arguments is not None:
        ctx.fail("user_arguments", "userArguments need invocationSchemaVersion 2.0")
    bucket = _s3_common.bucket(ctx, o.bucket)
    key = _s3_common.key(ctx, o.key)
    job: dict[str, Any] = {"id": _job_id(ctx, o)}
    invocation_id = o.invocation_id or _opaque(ctx, 38)
    task: dict[str, Any] = {"taskId": o.task_id or _opaque(ctx, 15), "s3Key": encode_key(key),
                            "s3VersionId": _version_id(ctx, o)}  # fmt: skip
    if schema == "1.0":
        task["s3BucketArn"] = ctx.arn("s3", bucket, regional=False)
    else:
        arguments = _user_arguments(ctx, o)
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
