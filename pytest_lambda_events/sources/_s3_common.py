"""What the S3 sources beyond notifications share: bucket and key drawing and checking, so that
``s3_eventbridge``, ``s3_batch`` and ``s3_object_lambda`` name objects the way ``s3`` does.

Both take random bits the builder already drew (one pool draw a build, sliced): a drawn value
never seeds ``ctx.rng``."""

from __future__ import annotations

from ..building import BuildContext
from .s3 import bucket_from, bucket_name_problem, key_from

MAX_KEY_BYTES = 1024
BUCKET_BITS = 10
KEY_BITS = 31


def bucket(ctx: BuildContext, given: str | None, bits: int, option: str = "bucket") -> str:
    """The bucket name given (checked against S3's naming rules) or one drawn for this world
    from ``BUCKET_BITS`` random bits."""
    name = given or bucket_from(bits, ctx.account_id, ctx.region)
    if given or len(name) > 63:  # a drawn name is valid but for its length
        problem = bucket_name_problem(name)
        if problem is not None:
            ctx.fail(option, problem)
    return name


def key(ctx: BuildContext, given: str | None, bits: int, option: str = "key") -> str:
    """The object key given (1 to 1,024 UTF-8 bytes) or a realistic raw key from ``KEY_BITS``
    random bits, sometimes with spaces and brackets so that consumers' URL decoding is
    exercised."""
    if given is None:
        return key_from(bits, ctx.time)
    size = len(given.encode())
    if not 1 <= size <= MAX_KEY_BYTES:
        ctx.fail(option, f"the key is {size} bytes of UTF-8; S3 keys are 1 to 1,024 bytes")
    return given
