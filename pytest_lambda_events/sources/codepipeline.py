"""AWS CodePipeline: the job an Invoke action hands to a Lambda function (shapes.md
section 14)."""

from __future__ import annotations

import binascii
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms

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


def _user_parameters(ctx: BuildContext) -> str:
    """UserParameters: a free string, most often a small JSON document."""
    rng = ctx.rng
    env = aws.pick(rng, ("prod", "staging", "dev"))
    if rng.random() < 0.7:
        return f'{{"environment":"{env}","service":"{aws.pick(rng, NOUNS)}"}}'
    return f"https://{env}.example.com/health"


def _artifact(ctx: BuildContext, name: str, bucket: str, pipeline: str) -> dict[str, Any]:
    """One artifact: CodePipeline keys objects by <pipeline[:20]>/<artifact[:20]>/<7 chars>."""
    rng = ctx.rng
    key = f"{pipeline[:20]}/{name[:20]}/{aws.chars(rng, 7, _KEY_ALPHABET)}"
    revision = ctx.hex(40) if name.startswith("Source") else None  # the source commit id
    return {
        "name": name,
        "revision": revision,
        "location": {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": key}},
    }


def _names(ctx: BuildContext, o: Options, option: str, pool: tuple[str, ...]) -> list[str]:
    names: list[str] | None = getattr(o, option)
    if names is None:
        count = int(ctx.rng.random() * 2) + (1 if option == "input_artifacts" else 0)
        return list(pool[:count])
    if len(names) > MAX_ARTIFACTS:
        ctx.fail(option, f"{len(names)} artifacts; an Invoke action takes 0 to {MAX_ARTIFACTS}")
    for name in names:
        if not _ARTIFACT_NAME.match(name):
            ctx.fail(option, f"{name!r} is not an artifact name: 1 to 100 of A-Za-z0-9_-")
    if len(set(names)) != len(names):
        ctx.fail(option, "artifact names must be unique within the action")
    return names


def _credentials(ctx: BuildContext) -> dict[str, Any]:
    """Temporary (STS) credentials that can read and write the artifact bucket."""
    rng = ctx.rng
    # the secret (30 bytes: 40 characters, no padding) and the session token in one draw
    text = binascii.b2a_base64(rng.randbytes(30 + _SESSION_TOKEN_BYTES), newline=False).decode()
    expires_ms = epoch_ms(ctx.time) + (45 + int(rng.random() * 15)) * 60_000
    return {
        "accessKeyId": aws.access_key_id(rng, temporary=True),
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
    rng = ctx.rng
    pipeline = o.pipeline_name or f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ('pipeline', 'release'))}"
    bucket = o.artifact_bucket or f"codepipeline-{ctx.region}-{int(rng.random() * 10**12):012d}"
    function = o.function_name or f"{pipeline}-{aws.pick(rng, ROLES)}"[:64]
    configuration = {"FunctionName": function}
    params = o.user_parameters if o.given("user_parameters") else _user_parameters(ctx)
    if params is not None:  # absent when the action has no UserParameters configured
        configuration["UserParameters"] = params
    inputs = _names(ctx, o, "input_artifacts", _INPUT_NAMES)
    outputs = _names(ctx, o, "output_artifacts", _OUTPUT_NAMES)
    data: dict[str, Any] = {
        "actionConfiguration": {"configuration": configuration},
        "inputArtifacts": [_artifact(ctx, n, bucket, pipeline) for n in inputs],
        "outputArtifacts": [_artifact(ctx, n, bucket, pipeline) for n in outputs],
        "artifactCredentials": _credentials(ctx),
    }
    for artifact in data["outputArtifacts"]:
        artifact["revision"] = None  # outputs do not exist yet
    if o.continuation_token is not None:  # only on a re-invocation after a continuation
        data["continuationToken"] = o.continuation_token
    key = o.kms_key_id if o.kms_key_id is not None else (
        ctx.arn("kms", f"key/{ctx.uuid()}") if rng.random() < 0.3 else None)  # fmt: skip
    if key is not None:  # only when the artifact store uses a customer managed KMS key
        data["encryptionKey"] = {"id": key, "type": "KMS"}
    return {JOB_KEY: {"id": o.job_id or ctx.uuid(), "accountId": ctx.account_id, "data": data}}


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
