"""CloudFormation custom resource requests (shapes.md section 9), validated by the Powertools
Create/Update/Delete models and checked for the invariants the models do not know."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
MODELS = {
    "Create": models.CloudFormationCustomResourceCreateModel,
    "Update": models.CloudFormationCustomResourceUpdateModel,
    "Delete": models.CloudFormationCustomResourceDeleteModel,
}


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("request_type", list(MODELS))
def test_valid_under_the_powertools_model(seed: int, request_type: str) -> None:
    event = build_event("cloudformation", seed, request_type=request_type)
    parsed = MODELS[request_type].model_validate(event)
    assert parsed.request_type == request_type


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("request_type", list(MODELS))
def test_ids_agree_with_the_stack_and_the_provider(seed: int, request_type: str) -> None:
    event = build_event("cloudformation", seed, request_type=request_type, region="eu-west-3",
                        account_id="135792468024")  # fmt: skip
    stack = re.fullmatch(
        r"arn:aws:cloudformation:eu-west-3:135792468024:stack/([A-Za-z][A-Za-z0-9-]*)/"
        r"[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
        event["StackId"],
    )
    assert stack, event["StackId"]
    assert re.fullmatch(r"arn:aws:lambda:eu-west-3:135792468024:function:[\w-]{1,64}",
                        event["ServiceToken"])  # fmt: skip
    assert event["ResourceProperties"]["ServiceToken"] == event["ServiceToken"]
    assert next(iter(event["ResourceProperties"])) == "ServiceToken"
    assert re.fullmatch(UUID, event["RequestId"])
    assert re.fullmatch(r"Custom::[A-Za-z0-9_@-]{1,52}", event["ResourceType"])
    assert ("PhysicalResourceId" in event) == (request_type != "Create")
    assert ("OldResourceProperties" in event) == (request_type == "Update")
    for value in event["ResourceProperties"].values():  # scalars arrive as strings
        assert isinstance(value, str | list)


@pytest.mark.parametrize("seed", range(20))
def test_response_url_is_a_presigned_put_for_this_request(seed: int) -> None:
    event = build_event("cloudformation", seed, region="ap-southeast-2",
                        time=datetime(2025, 6, 1, 8, 30, 15, tzinfo=UTC))  # fmt: skip
    url = urlsplit(event["ResponseURL"])
    assert url.scheme == "https"
    assert url.netloc == (
        "cloudformation-custom-resource-response-apsoutheast2.s3.ap-southeast-2.amazonaws.com"
    )
    stack_id, logical_id, request_id = unquote(url.path[1:]).split("|")
    assert (stack_id, logical_id, request_id) == (
        event["StackId"], event["LogicalResourceId"], event["RequestId"])  # fmt: skip
    query = parse_qs(url.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Date"][0].startswith("20250601T08")
    assert re.fullmatch(r"AKIA[A-Z0-9]{16}/20250601/ap-southeast-2/s3/aws4_request",
                        query["X-Amz-Credential"][0])  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{64}", query["X-Amz-Signature"][0])


def test_us_east_1_uses_the_global_s3_endpoint() -> None:
    url = build_event("cloudformation", 1, region="us-east-1")["ResponseURL"]
    assert url.startswith(
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/"
    )


@pytest.mark.parametrize("seed", range(20))
def test_update_old_properties_differ_from_the_new(seed: int) -> None:
    event = build_event("cloudformation", seed, request_type="Update")
    old, new = event["OldResourceProperties"], event["ResourceProperties"]
    assert old != new and old["ServiceToken"] == new["ServiceToken"]
    assert set(old) == set(new)


def test_overrides_land_where_they_belong() -> None:
    token = "arn:aws:lambda:us-west-2:111122223333:function:provider"
    event = build_event(
        "cloudformation", 3, request_type="Update", region="us-west-2", account_id="111122223333",
        stack_name="billing-infra", logical_resource_id="SeedTable", physical_resource_id="pid-1",
        resource_type="Custom::SeedData", service_token=token,
        resource_properties={"Rows": 10, "Enabled": True, "Nested": {"Ratio": 0.5}, "L": [1]},
        old_resource_properties={"Rows": 5},
    )  # fmt: skip
    assert event["StackId"].startswith(
        "arn:aws:cloudformation:us-west-2:111122223333:stack/billing-infra/"
    )
    assert (event["LogicalResourceId"], event["PhysicalResourceId"]) == ("SeedTable", "pid-1")
    assert event["ResourceType"] == "Custom::SeedData" and event["ServiceToken"] == token
    assert event["ResourceProperties"] == {"ServiceToken": token, "Rows": "10", "Enabled": "true",
                                           "Nested": {"Ratio": "0.5"}, "L": ["1"]}  # fmt: skip
    assert event["OldResourceProperties"] == {"ServiceToken": token, "Rows": "5"}


def test_sns_service_token_and_generic_resource_type_are_accepted() -> None:
    topic = "arn:aws:sns:us-east-1:123456789012:cfn-provider"
    event = build_event("cloudformation", 1, service_token=topic,
                        resource_type="AWS::CloudFormation::CustomResource")  # fmt: skip
    assert event["ResourceProperties"]["ServiceToken"] == topic


@pytest.mark.parametrize("seed", range(60))
def test_the_default_build_is_the_general_one(seed: int) -> None:
    """Without overrides the builder writes the event directly: it must be the event the
    general path builds (an override equal to the drawn request type takes that path)."""
    event = build_event("cloudformation", seed)
    assert event == build_event("cloudformation", seed, request_type=event["RequestType"])
    MODELS[event["RequestType"]].model_validate(event)


def test_determinism() -> None:
    assert build_event("cloudformation", 9) == build_event("cloudformation", 9)
    assert build_event("cloudformation", 9) != build_event("cloudformation", 10)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"request_type": "create"}, r"request_type: 'create' is not allowed \(did you mean"),
        ({"request_type": "Create", "physical_resource_id": "x"},
         r"physical_resource_id: a Create request has none; it is for Update or Delete"),
        ({"request_type": "Delete", "old_resource_properties": {}},
         r"old_resource_properties: only Update requests have it, not Delete"),
        ({"resource_type": "MyThing"}, r"resource_type: 'MyThing' is not allowed; use 'Custom::'"),
        ({"resource_type": "Custom::" + "x" * 53}, r"resource_type: .* 1-52"),
        ({"logical_resource_id": "my-res"}, r"logical_resource_id: 'my-res' .* letters and digits"),
        ({"stack_name": "1stack"}, r"stack_name: '1stack' is not allowed"),
        ({"service_token": "arn:aws:lambda:eu-west-1:123456789012:function:f"},
         r"service_token: .* not in the stack's region and account \(us-east-1, 123456789012\)"),
        ({"service_token": "provider"}, r"service_token: 'provider' is not a Lambda function ARN"),
        ({"resource_properties": {"ServiceToken": "arn:other"}},
         r"resource_properties: its ServiceToken 'arn:other' differs from the request's"),
        ({"request_typ": "Create"}, r"unknown override 'request_typ' \(did you mean 'request_t"),
        ({"resource_properties": "x"}, r"resource_properties: expected dict, got str"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("cloudformation", 1, **overrides)
