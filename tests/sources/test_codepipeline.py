"""CodePipeline Invoke-action jobs (shapes.md section 14). Powertools has no parser model for
them; the data class is used as an accessor smoke test and the shape is checked here."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.data_classes import CodePipelineJobEvent

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
VARIANTS = [{}, {"continuation_token": "step-2"}, {"user_parameters": None},
            {"input_artifacts": [], "output_artifacts": ["Out1", "Out2"]},
            {"kms_key_id": "arn:aws:kms:us-east-1:123456789012:key/k"}]  # fmt: skip
T0 = datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_job_shape_and_consistency(seed: int, variant: int) -> None:
    event = build_event("codepipeline", seed, region="eu-north-1", account_id="999988887777",
                        time=T0, **VARIANTS[variant])  # fmt: skip
    assert list(event) == ["CodePipeline.job"]
    job = event["CodePipeline.job"]
    assert re.fullmatch(UUID, job["id"]) and job["accountId"] == "999988887777"
    data = job["data"]
    assert set(data) <= {"actionConfiguration", "inputArtifacts", "outputArtifacts",
                         "artifactCredentials", "continuationToken", "encryptionKey"}  # fmt: skip
    config = data["actionConfiguration"]["configuration"]
    assert re.fullmatch(r"[\w-]{1,64}", config["FunctionName"])
    buckets = set()
    for artifact in data["inputArtifacts"] + data["outputArtifacts"]:
        assert set(artifact) == {"name", "revision", "location"}
        assert artifact["location"]["type"] == "S3"
        s3 = artifact["location"]["s3Location"]
        buckets.add(s3["bucketName"])
        assert re.fullmatch(r"[\w-]{1,20}/[\w-]{1,20}/[A-Za-z0-9]{7}", s3["objectKey"])
        assert s3["objectKey"].split("/")[1] == artifact["name"][:20]
    assert all(a["revision"] is None for a in data["outputArtifacts"])
    # every artifact lives in the one artifact store of the pipeline's region
    assert len(buckets) <= 1 and all(re.fullmatch(r"codepipeline-eu-north-1-\d{12}", b)
                                     for b in buckets)  # fmt: skip
    creds = data["artifactCredentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["accessKeyId"])
    assert len(creds["secretAccessKey"]) == 40
    base64.b64decode(creds["sessionToken"], validate=True)
    assert creds["expirationTime"] > T0.timestamp() * 1000  # epoch ms, after the job started
    if "encryptionKey" in data:
        assert data["encryptionKey"]["type"] == "KMS"
    wrapped = CodePipelineJobEvent(event)
    assert wrapped.get_id == job["id"] and wrapped.data.artifact_credentials.access_key_id


def test_default_user_parameters_are_a_string_often_json() -> None:
    params = [build_event("codepipeline", s)["CodePipeline.job"]["data"]["actionConfiguration"][
        "configuration"]["UserParameters"] for s in range(20)]  # fmt: skip
    assert all(isinstance(p, str) for p in params)
    assert any(isinstance(json.loads(p), dict) for p in params if p.startswith("{"))


def test_optional_keys_appear_only_when_aws_sends_them() -> None:
    data = build_event("codepipeline", 1, user_parameters=None)["CodePipeline.job"]["data"]
    assert "UserParameters" not in data["actionConfiguration"]["configuration"]
    assert "continuationToken" not in data
    kms_default = [("encryptionKey" in build_event("codepipeline", s)["CodePipeline.job"]["data"])
                   for s in range(20)]  # fmt: skip
    assert any(kms_default) and not all(kms_default)


def test_overrides_land_where_they_belong() -> None:
    job = build_event(
        "codepipeline", 2, job_id="job-1", pipeline_name="web-release", function_name="deployer",
        user_parameters="go", input_artifacts=["SourceArtifact"], output_artifacts=["Built"],
        artifact_bucket="my-artifacts", continuation_token="tok", kms_key_id="alias/pipe",
    )["CodePipeline.job"]  # fmt: skip
    data = job["data"]
    assert job["id"] == "job-1"
    assert data["actionConfiguration"]["configuration"] == {"FunctionName": "deployer",
                                                            "UserParameters": "go"}  # fmt: skip
    assert [a["name"] for a in data["inputArtifacts"]] == ["SourceArtifact"]
    assert [a["name"] for a in data["outputArtifacts"]] == ["Built"]
    assert data["inputArtifacts"][0]["location"]["s3Location"]["objectKey"].startswith(
        "web-release/SourceArtifact/"
    )
    assert data["outputArtifacts"][0]["location"]["s3Location"]["bucketName"] == "my-artifacts"
    assert data["continuationToken"] == "tok"
    assert data["encryptionKey"] == {"id": "alias/pipe", "type": "KMS"}


def test_determinism() -> None:
    assert build_event("codepipeline", 3) == build_event("codepipeline", 3)
    assert build_event("codepipeline", 3) != build_event("codepipeline", 4)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"user_parameters": "x" * 1001}, r"user_parameters: 1001 characters; AWS allows at most"),
        ({"input_artifacts": ["a"] * 6}, r"input_artifacts: 6 artifacts; an Invoke action takes"),
        ({"output_artifacts": ["a b"]}, r"output_artifacts: 'a b' is not an artifact name"),
        ({"input_artifacts": ["a", "a"]}, r"input_artifacts: artifact names must be unique"),
        ({"function_name": "my function"}, r"function_name: 'my function' is not a function name"),
        ({"artifact_bucket": "Bad_Bucket"}, r"artifact_bucket: 'Bad_Bucket' is not an S3 bucket"),
        ({"continuation_token": ""}, r"continuation_token: the token is a non-empty string"),
        ({"user_parameter": "x"}, r"override 'user_parameter' \(did you mean 'user_parameters'"),
        ({"input_artifacts": "a"}, r"input_artifacts: expected list, got str 'a'"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("codepipeline", 1, **overrides)
