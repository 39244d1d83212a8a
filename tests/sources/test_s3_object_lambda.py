"""The ``s3_object_lambda`` source: S3 Object Lambda access point requests."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

OPERATIONS = ("GetObject", "HeadObject", "ListObjects", "ListObjectsV2")
T0 = datetime(2025, 2, 3, 4, 5, 6, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("identity_type", ["AssumedRole", "IAMUser"])
def test_get_object_validates_with_powertools(seed: int, identity_type: str) -> None:
    event = build_event("s3_object_lambda", seed, identity_type=identity_type)
    parsed = models.S3ObjectLambdaEvent.model_validate(event)
    assert parsed.protocolVersion == "1.00"
    assert parsed.userIdentity.type == identity_type


# S3ObjectLambdaEvent requires getObjectContext, so it models GetObject only; the other
# operations carry a *Context with inputS3Url alone and protocolVersion 1.01 (checked here).
@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("operation", OPERATIONS[1:])
def test_other_operations_have_their_own_context(seed: int, operation: str) -> None:
    event = build_event("s3_object_lambda", seed, operation=operation)
    name = operation[0].lower() + operation[1:] + "Context"
    assert list(event) == ["xAmzRequestId", name, "configuration", "userRequest",
                           "userIdentity", "protocolVersion"]  # fmt: skip
    assert list(event[name]) == ["inputS3Url"]
    assert event["protocolVersion"] == "1.01"
    query = parse_qs(urlsplit(event[name]["inputS3Url"]).query)
    if operation == "ListObjectsV2":
        assert query["list-type"] == ["2"]


@pytest.mark.parametrize("seed", range(20))
def test_urls_hosts_and_arns_name_the_same_access_points(seed: int) -> None:
    event = build_event("s3_object_lambda", seed, region="eu-west-3", account_id="444455556666",
                        time=T0)  # fmt: skip
    config = event["configuration"]
    olap = config["accessPointArn"].rsplit("/", 1)[1]
    ap = config["supportingAccessPointArn"].rsplit("/", 1)[1]
    assert config["accessPointArn"] == (
        f"arn:aws:s3-object-lambda:eu-west-3:444455556666:accesspoint/{olap}"
    )
    assert (
        config["supportingAccessPointArn"] == f"arn:aws:s3:eu-west-3:444455556666:accesspoint/{ap}"
    )
    olap_host = f"{olap}-444455556666.s3-object-lambda.eu-west-3.amazonaws.com"
    assert event["userRequest"]["headers"]["Host"] == olap_host
    user_url = urlsplit(event["userRequest"]["url"])
    assert user_url.netloc == olap_host
    input_url = urlsplit(event["getObjectContext"]["inputS3Url"])
    assert input_url.netloc == f"{ap}-444455556666.s3-accesspoint.eu-west-3.amazonaws.com"
    assert input_url.path == user_url.path  # the function reads the object the caller asked for
    query = parse_qs(input_url.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Date"] == ["20250203T040506Z"]
    assert query["X-Amz-Credential"][0].endswith("/20250203/eu-west-3/s3/aws4_request")
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0])
    assert event["getObjectContext"]["outputRoute"].startswith("io-euw3-")


@pytest.mark.parametrize("seed", range(20))
def test_identity_matches_the_account(seed: int) -> None:
    identity = build_event("s3_object_lambda", seed, account_id="444455556666")["userIdentity"]
    assert identity["accountId"] == "444455556666"
    if identity["type"] == "IAMUser":
        assert identity["arn"] == f"arn:aws:iam::444455556666:user/{identity['userName']}"
        assert identity["principalId"].startswith("AIDA")
        assert identity["accessKeyId"].startswith("AKIA")
    else:
        issuer = identity["sessionContext"]["sessionIssuer"]
        role_id, session = identity["principalId"].split(":")
        assert issuer["principalId"] == role_id and role_id.startswith("AROA")
        assert issuer["arn"] == f"arn:aws:iam::444455556666:role/{issuer['userName']}"
        assert identity["arn"] == (
            f"arn:aws:sts::444455556666:assumed-role/{issuer['userName']}/{session}"
        )
        assert identity["accessKeyId"].startswith("ASIA")  # role sessions use temporary keys
        assert re.fullmatch(r"\w{3} \w{3} \d\d \d\d:\d\d:\d\d UTC \d{4}",
                            identity["sessionContext"]["attributes"]["creationDate"])  # fmt: skip


def test_overrides_land() -> None:
    event = build_event(
        "s3_object_lambda", 2, key="docs/report 1.pdf", access_point="redact-olap",
        supporting_access_point="docs-ap", payload='{"mode":"redact"}', identity_type="IAMUser",
        user_name="alice",
    )  # fmt: skip
    assert event["userRequest"]["url"].endswith("/docs/report%201.pdf")
    assert event["configuration"]["payload"] == '{"mode":"redact"}'
    assert event["configuration"]["accessPointArn"].endswith(":accesspoint/redact-olap")
    assert event["configuration"]["supportingAccessPointArn"].endswith(":accesspoint/docs-ap")
    assert event["userIdentity"]["userName"] == "alice"


def test_deterministic_per_seed() -> None:
    assert build_event("s3_object_lambda", 3) == build_event("s3_object_lambda", 3)
    assert build_event("s3_object_lambda", 3) != build_event("s3_object_lambda", 4)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"operation": "PutObject"}, r"operation: 'PutObject' is not allowed.*'GetObject'"),
        ({"acess_point": "x"}, r"unknown override 'acess_point'.*did you mean 'access_point'"),
        ({"access_point": "Bad_AP"}, r"access_point: 'Bad_AP' is not an access point name: 3-50"),
        ({"supporting_access_point": "-ap"}, r"supporting_access_point: '-ap' is not an access"),
        ({"operation": "ListObjectsV2", "key": "a.txt"}, r"key: ListObjectsV2 lists a bucket"),
        ({"identity_type": "Root"}, r"identity_type: 'Root' is not allowed.*'AssumedRole'"),
        ({"payload": 5}, r"payload: expected str"),
    ],
)
def test_bad_input_is_explained(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("s3_object_lambda", 1, **overrides)


def test_the_default_request_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the request directly; naming the default operation
    # takes the general path, which must make the same request from the same seed
    for seed in range(300):
        general = build_event("s3_object_lambda", seed, operation="GetObject")
        assert build_event("s3_object_lambda", seed) == general
