"""What the S3 sources beyond notifications share: bucket and key drawing and checking, so that
``s3_eventbridge``, ``s3_batch`` and ``s3_object_lambda`` name objects the way ``s3`` does."""

from __future__ import annotations

from .. import aws
from ..building import BuildContext
from ..content import FILE_TYPES, NOUNS
from .s3 import bucket_name_problem

MAX_KEY_BYTES = 1024
_KEY_PREFIXES = ("uploads/", "incoming/", "reports/", "exports/", "images/", "raw/", "")
_EXTENSIONS = tuple(ext for ext, _ in FILE_TYPES)


def bucket(ctx: BuildContext, given: str | None, option: str = "bucket") -> str:
    """The bucket name given (checked against S3's naming rules) or one drawn for this world."""
    name = given or f"{aws.resource_name(ctx.rng, NOUNS)}-{ctx.account_id[-4:]}-{ctx.region}"
    problem = bucket_name_problem(name)
    if problem is not None:
        ctx.fail(option, problem)
    return name


def key(ctx: BuildContext, given: str | None, option: str = "key") -> str:
    """The object key given (1 to 1,024 UTF-8 bytes) or a realistic raw key, sometimes with
    spaces and brackets so that consumers' URL decoding is exercised."""
    if given is not None:
        size = len(given.encode())
        if not 1 <= size <= MAX_KEY_BYTES:
            ctx.fail(option, f"the key is {size} bytes of UTF-8; S3 keys are 1 to 1,024 bytes")
        return given
    rng = ctx.rng
    ext = aws.pick(rng, _EXTENSIONS)
    prefix = aws.pick(rng, _KEY_PREFIXES)
    if rng.random() < 0.25:
        return f"{prefix}{aws.pick(rng, NOUNS).title()} Export ({1 + int(rng.random() * 9)}).{ext}"
    day = ctx.time.strftime("%Y/%m/%d/") if rng.random() < 0.5 else ""
    return f"{prefix}{day}{aws.pick(rng, NOUNS)}-{10_000 + int(rng.random() * 90_000)}.{ext}"
