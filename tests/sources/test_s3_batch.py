"""The ``s3_batch`` source: S3 Batch Operations LambdaInvoke requests (shapes.md 30)."""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OPAQUE = re.compile(r"^[A-Za-z0-9_-]+$")


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("schema_version", ["1.0", "2.0"])
def test_validates_with_powertools(seed: int, schema_version: str) -> None:
    event = build_event("s3_batch", seed, schema_version=schema_version)
    parsed = models.S3BatchOperationModel.model_validate(event)
    assert parsed.invocationSchemaVersion == schema_version
    assert len(parsed.tasks) == 1


# The model fills s3Bucket from s3BucketArn and never checks which fields a schema version
# carries (oracles.md), so the pairing is checked here.
@pytest.mark.parametrize("seed", range(20))
def test_schema_1_0_tasks_carry_the_bucket_arn(seed: int) -> None:
    event = build_event("s3_batch", seed, schema_version="1.0", region="us-gov-west-1")
    assert list(event) == ["invocationSchemaVersion", "invocationId", "job", "tasks"]
    assert list(event["job"]) == ["id"]  # no userArguments in 1.0
    (task,) = event["tasks"]
    assert set(task) == {"taskId", "s3Key", "s3VersionId", "s3BucketArn"}
    assert re.fullmatch(r"arn:aws-us-gov:s3:::[a-z0-9][a-z0-9.-]+[a-z0-9]", task["s3BucketArn"])


@pytest.mark.parametrize("seed", range(20))
def test_schema_2_0_tasks_carry_the_bucket_name(seed: int) -> None:
    event = build_event("s3_batch", seed, schema_version="2.0")
    (task,) = event["tasks"]
    assert set(task) == {"taskId", "s3Key", "s3VersionId", "s3Bucket"}
    assert not task["s3Bucket"].startswith("arn:")
    arguments = event["job"].get("userArguments")
    assert arguments is None or all(isinstance(v, str) for v in arguments.values())


@pytest.mark.parametrize("seed", range(20))
def test_ids_and_versions(seed: int) -> None:
    event = build_event("s3_batch", seed)
    assert UUID.match(event["job"]["id"])
    assert OPAQUE.match(event["invocationId"]) and len(event["invocationId"]) >= 40
    assert OPAQUE.match(event["tasks"][0]["taskId"])
    version = event["tasks"][0]["s3VersionId"]
    assert version is None or re.fullmatch(r"[A-Za-z0-9._]{32}", version)


def test_key_is_url_encoded() -> None:
    key = "scans/Invoice 2025+Q1 (copy) ü.pdf"
    task = build_event("s3_batch", 3, key=key)["tasks"][0]
    assert task["s3Key"] == "scans/Invoice+2025%2BQ1+%28copy%29+%C3%BC.pdf"
    assert unquote_plus(task["s3Key"]) == key


def test_overrides_land() -> None:
    event = build_event(
        "s3_batch", 4, schema_version="2.0", bucket="archive-bucket", key="a.txt",
        version_id="3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
        job_id="f3cc4f60-61f6-4a2b-8a21-d07600c373ce", invocation_id="inv-1", task_id="task-1",
        user_arguments={"k1": "v1"},
    )  # fmt: skip
    assert event["invocationId"] == "inv-1"
    assert event["job"] == {
        "id": "f3cc4f60-61f6-4a2b-8a21-d07600c373ce",
        "userArguments": {"k1": "v1"},
    }
    assert event["tasks"] == [{"taskId": "task-1", "s3Key": "a.txt",
                               "s3VersionId": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
                               "s3Bucket": "archive-bucket"}]  # fmt: skip
    assert build_event("s3_batch", 4, versioned=False)["tasks"][0]["s3VersionId"] is None
    assert build_event("s3_batch", 4, versioned=True)["tasks"][0]["s3VersionId"] is not None


def test_deterministic_per_seed() -> None:
    assert build_event("s3_batch", 7) == build_event("s3_batch", 7)
    assert build_event("s3_batch", 7) != build_event("s3_batch", 8)


def test_one_task_per_invocation_so_no_count() -> None:
    with pytest.raises(EventConfigError, match=r"unknown override 'count'"):
        build_event("s3_batch", 1, count=2)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"schema_version": "3.0"}, r"schema_version: '3.0' is not allowed.*'1.0', '2.0'"),
        ({"schema_version": 2.0}, r"schema_version: expected str"),
        ({"bucket_name": "x"}, r"unknown override 'bucket_name'.*did you mean 'bucket'"),
        ({"bucket": "UPPER"}, r"bucket: 'UPPER' is not a bucket name"),
        (
            {"schema_version": "1.0", "user_arguments": {"a": "b"}},
            r"user_arguments: userArguments need invocationSchemaVersion 2.0",
        ),
        (
            {"user_arguments": {f"k{i}": "v" for i in range(11)}},
            r"user_arguments: 11 pairs; .* at most 10",
        ),
        ({"user_arguments": {"k": 1}}, r"user_arguments: 'k': keys and values are strings"),
        ({"user_arguments": {"k" * 65: "v"}}, r"keys are 1 to 64 characters"),
        ({"job_id": "job-1"}, r"job_id: 'job-1' is not a job id"),
        ({"versioned": False, "version_id": "v"}, r"version_id: a version id needs versioned=True"),
    ],
)
def test_bad_input_is_explained(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("s3_batch", 1, **overrides)


def test_the_default_request_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the request directly; naming the default schema
    # takes the general path, which must make the same request from the same seed
    for seed in range(300):
        assert build_event("s3_batch", seed) == build_event("s3_batch", seed, schema_version="2.0")
