"""AWS CodePipeline: the job an Invoke action hands to a Lambda function (shapes.md
section 14)."""

from __future__ import annotations

import binascii
import hashlib
import re
from typing import Any

from .. import aws
from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options

JOB_KEY = "CodePipeline.job"  # the top-level key really contains a dot
MAX_USER_PARAMETERS = 1000
MAX_ARTIFACTS = 5  # an Invoke action takes 0 to 5 input and 0 to 5 output artifacts
_ARTIFACT_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_KEY_ALPHABET = aws.LOWER_DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_INPUT_NAMES = ("SourceArtifact", "BuildArtifact", "TemplateOutput")
_OUTPUT_NAMES = ("DeployOutput", "TestReport", "PackagedTemplate")
_SESSION_TOKEN_BYTES = 600
_CREDENTIAL_BYTES = 16 + 30 + _SESSION_TOKEN_BYTES  # key id chars, secret, session token
_ARTIFACT_BYTES = 7 + 20  # object key chars, revision
_KEY_TABLE = aws.byte_table(_KEY_ALPHABET)
_KEY_ID_TABLE = aws.byte_table(aws.UPPER_DIGITS)
_MASK_40 = (1 << 40) - 1
_MASK_128 = (1 << 128) - 1


def _shake(key: int) -> Any:
    """SHAKE-256 keyed by 128 random bits: a job's few hundred random bytes in one call."""
    return hashlib.shake_256(key.to_bytes(16, "little"))


def _user_parameters(bits: int) -> str:
    """UserParameters: a free string, most often a small JSON document (11 bits)."""
    env = ("prod", "staging", "dev")[(bits & 3) % 3]
    if (bits >> 2 & 15) < 11:
        return f'{{"environment":"{env}","service":"{NOUNS[(bits >> 6 & 31) % len(NOUNS)]}"}}'
    return f"https://{env}.example.com/health"


def _artifact(name: str, bucket: str, pipeline: str, raw: bytes) -> dict[str, Any]:
    """One artifact: CodePipeline keys objects by <pipeline[:20]>/<artifact[:20]>/<7 chars>
    (the chars from 7 bytes of ``raw``, a source artifact's revision from the next 20)."""
    key = f"{pipeline[:20]}/{name[:20]}/{raw[:7].translate(_KEY_TABLE).decode()}"
    revision = raw[7:27].hex() if name.startswith("Source") else None  # the source commit id
    return {
        "name": name,
        "revision": revision,
        "location": {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": key}},
    }


def _names(
    ctx: BuildContext, o: Options, option: str, pool: tuple[str, ...], bit: int
) -> list[str]:
    names: list[str] | None = getattr(o, option)
    if names is None:
        count = bit + (1 if option == "input_artifacts" else 0)
        return list(pool[:count])
    if len(names) > MAX_ARTIFACTS:
        ctx.fail(option, f"{len(names)} artifacts; an Invoke action takes 0 to {MAX_ARTIFACTS}")
    for name in names:
        if not _ARTIFACT_NAME.match(name):
            ctx.fail(option, f"{name!r} is not an artifact name: 1 to 100 of A-Za-z0-9_-")
    if len(set(names)) != len(names):
        ctx.fail(option, "artifact names must be unique within the action")
    return names


def _credentials(ctx: BuildContext, raw: bytes, bits: int) -> dict[str, Any]:
    """Temporary (STS) credentials that can read and write the artifact bucket: the key id,
    secret and session token from ``raw``, the expiry from 4 bits."""
    # the secret (30 bytes: 40 characters, no padding) and the session token in one encoding
    text = binascii.b2a_base64(raw[16 : 46 + _SESSION_TOKEN_BYTES], newline=False).decode()
    expires_ms = ctx.time_ms + (45 + (bits & 15) % 15) * 60_000
    return {
        "accessKeyId": "ASIA" + raw[:16].translate(_KEY_ID_TABLE).decode(),
        "secretAccessKey": text[:40],
        "sessionToken": "IQoJb3JpZ2luX2Vj" + text[40:],
        "expirationTime": expires_ms,
    }


def _check(ctx: BuildContext, o: Options) -> None:
    params: str | None = o.user_parameters
    if params is not None and len(params) > MAX_USER_PARAMETERS:
        ctx.fail("user_parameters", f"{len(params)} characters; AWS allows at most 1,000")
    if o.function_name is not None and not _FUNCTION_NAME.match(o.function_name):
        ctx.fail("function_name", f"{o.function_name!r} is not a function name: 1-64 A-Za-z0-9_-")
    if o.artifact_bucket is not None and not _BUCKET.match(o.artifact_bucket):
        ctx.fail("artifact_bucket", f"{o.artifact_bucket!r} is not an S3 bucket name")
    if o.continuation_token is not None and not o.continuation_token:
        ctx.fail("continuation_token", "the token is a non-empty string your function returned")


def build_codepipeline(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A job for an Invoke action: artifacts in the pipeline's bucket, temporary credentials."""
    _check(ctx, o)
    # one pool draw: the job id (128 bits), the key of the job's random bytes (128) and 72
    # bits of choices; the credentials' ~700 bytes and the artifacts' come from SHAKE-256 of
    # that key, one call (the pool would take ten blocks, the seeded Random its seeding)
    b = ctx.getrandbits(328)
    small = b >> 256
    pipeline = o.pipeline_name or (
        f"{NOUNS[(small & 31) % len(NOUNS)]}-{('pipeline', 'release')[small >> 5 & 1]}"
    )
    bucket = (
        o.artifact_bucket or f"codepipeline-{ctx.region}-{(small >> 6 & _MASK_40) % 10**12:012d}"
    )
    function = o.function_name or f"{pipeline}-{ROLES[(small >> 46 & 15) % len(ROLES)]}"[:64]
    configuration = {"FunctionName": function}
    params = o.user_parameters if o.given("user_parameters") else _user_parameters(small >> 50)
    if params is not None:  # absent when the action has no UserParameters configured
        configuration["UserParameters"] = params
    inputs = _names(ctx, o, "input_artifacts", _INPUT_NAMES, small >> 61 & 1)
    outputs = _names(ctx, o, "output_artifacts", _OUTPUT_NAMES, small >> 62 & 1)
    n = len(inputs) + len(outputs)
    raw = _shake(b >> 128 & _MASK_128).digest(_CREDENTIAL_BYTES + 16 + _ARTIFACT_BYTES * n)
    at = _CREDENTIAL_BYTES + 16  # after the credentials and a KMS key id
    artifacts = [
        _artifact(
            name, bucket, pipeline, raw[at + _ARTIFACT_BYTES * i : at + _ARTIFACT_BYTES * (i + 1)]
        )
        for i, name in enumerate(inputs + outputs)
    ]
    for artifact in artifacts[len(inputs) :]:
        artifact["revision"] = None  # outputs do not exist yet
    data: dict[str, Any] = {
        "actionConfiguration": {"configuration": configuration},
        "inputArtifacts": artifacts[: len(inputs)],
        "outputArtifacts": artifacts[len(inputs) :],
        "artifactCredentials": _credentials(ctx, raw, small >> 63),
    }
    if o.continuation_token is not None:  # only on a re-invocation after a continuation
        data["continuationToken"] = o.continuation_token
    key = o.kms_key_id
    if key is None and (small >> 67 & 15) < 5:  # 5 in 16 artifact stores use their own key
        kms_id = uuid4_from_bits(int.from_bytes(raw[_CREDENTIAL_BYTES:at], "little"))
        key = ctx.arn("kms", f"key/{kms_id}")
    if key is not None:  # only when the artifact store uses a customer managed KMS key
        data["encryptionKey"] = {"id": key, "type": "KMS"}
    job_id = o.job_id or uuid4_from_bits(b)
    return {JOB_KEY: {"id": job_id, "accountId": ctx.account_id, "data": data}}


SOURCES = (
    EventSource(
        id="codepipeline",
        service="AWS CodePipeline",
        invocation="async",
        builder=build_codepipeline,
        description="CodePipeline job for a Lambda Invoke action",
        options=(
            Option("job_id", str, "CodePipeline.job id (pass it to PutJobSuccessResult)"),
            Option("pipeline_name", str, "the pipeline's name (artifact keys start with it)"),
            Option("function_name", str, "FunctionName in the action configuration"),
            Option("user_parameters", str, "UserParameters (at most 1,000); None leaves it out"),
            Option("input_artifacts", list, "names of the input artifacts (0 to 5)", item_type=str),
            Option(
                "output_artifacts", list, "names of the output artifacts (0 to 5)", item_type=str
            ),
            Option("artifact_bucket", str, "the pipeline's S3 artifact store bucket"),
            Option("continuation_token", str, "continuationToken of a continued job"),
            Option("kms_key_id", str, "encryptionKey id: the artifact store's KMS key"),
        ),
    ),
)
