"""AWS Config rule events (shapes.md section 15). Powertools has no parser model for them; its
data class decodes invokingEvent and is used as a smoke test, the shape is checked here."""

from __future__ import annotations

import base64
import json
import re

import pytest
from aws_lambda_powertools.utilities.data_classes import AWSConfigRuleEvent

from pytest_lambda_events import EventConfigError, build_event

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
CHANGE = "ConfigurationItemChangeNotification"
OVERSIZED = "OversizedConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"
TOP = ["version", "invokingEvent", "ruleParameters", "resultToken", "eventLeftScope",
       "executionRoleArn", "configRuleArn", "configRuleName", "configRuleId", "accountId",
       "evaluationMode"]  # fmt: skip


def _build(seed: int, **overrides: object) -> tuple[dict, dict]:
    event = build_event("config", seed, region="eu-west-2", account_id="210987654321", **overrides)
    return event, json.loads(event["invokingEvent"])


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("message_type", [CHANGE, OVERSIZED, SCHEDULED])
def test_envelope_shape_and_rule_identity(seed: int, message_type: str) -> None:
    event, invoking = _build(seed, message_type=message_type)
    assert list(event) == TOP and event["version"] == "1.0"
    assert isinstance(event["invokingEvent"], str) and isinstance(event["ruleParameters"], str)
    assert isinstance(json.loads(event["ruleParameters"]), dict)
    assert invoking["messageType"] == message_type
    assert ISO_MS_Z.match(invoking["notificationCreationTime"])
    assert re.fullmatch(r"config-rule-[a-z0-9]{6}", event["configRuleId"])
    assert event["configRuleArn"] == (
        f"arn:aws:config:eu-west-2:210987654321:config-rule/{event['configRuleId']}"
    )
    assert event["executionRoleArn"].startswith("arn:aws:iam::210987654321:role/")
    assert event["accountId"] == "210987654321"
    token = json.loads(base64.b64decode(event["resultToken"]))
    assert set(token) == {"encryptedData", "materialSetSerialNumber", "ivParameterSpec"}
    wrapped = AWSConfigRuleEvent(event)
    assert wrapped.invoking_event.message_type == message_type
    assert wrapped.config_rule_id == event["configRuleId"]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("change", ["CREATE", "UPDATE", "DELETE"])
def test_change_notification_item_is_consistent(seed: int, change: str) -> None:
    event, invoking = _build(seed, message_type=CHANGE, change_type=change)
    assert invoking["recordVersion"] == "1.3"
    item, diff = invoking["configurationItem"], invoking["configurationItemDiff"]
    assert (item["awsRegion"], item["awsAccountId"]) == ("eu-west-2", "210987654321")
    assert item["configurationItemStatus"] == {"CREATE": "ResourceDiscovered", "UPDATE": "OK",
                                               "DELETE": "ResourceDeleted"}[change]  # fmt: skip
    assert diff["changeType"] == change
    assert event["eventLeftScope"] is (change == "DELETE")
    assert ISO_MS_Z.match(item["configurationItemCaptureTime"])
    assert item["configurationItemCaptureTime"] < invoking["notificationCreationTime"]
    assert item["resourceCreationTime"] <= item["configurationItemCaptureTime"]
    arn = item["ARN"]
    if item["resourceType"] == "AWS::S3::Bucket":
        assert arn == f"arn:aws:s3:::{item['resourceId']}"
    else:
        assert arn.startswith("arn:aws:") and ":eu-west-2:210987654321:" in arn
        assert arn.endswith(item["resourceId"])
    if change == "DELETE":
        assert item["configuration"] is None
        assert diff["changedProperties"]["Configuration"]["updatedValue"] is None
    elif change == "CREATE":
        assert diff["changedProperties"]["Configuration"]["updatedValue"] == item["configuration"]
    else:
        ((path, prop),) = diff["changedProperties"].items()
        key = path.split(".", 1)[1]
        assert prop["updatedValue"] == item["configuration"][key[0].lower() + key[1:]]
        assert prop["previousValue"] != prop["updatedValue"]


@pytest.mark.parametrize("seed", range(20))
def test_oversized_notification_carries_a_summary_only(seed: int) -> None:
    _, invoking = _build(seed, message_type=OVERSIZED)
    summary = invoking["configurationItemSummary"]
    assert "configurationItem" not in invoking and "configuration" not in summary
    assert summary["changeType"] in ("CREATE", "UPDATE")
    assert summary["awsRegion"] == "eu-west-2" and summary["awsAccountId"] == "210987654321"
    assert re.fullmatch(r"[0-9a-f]{32}", summary["configurationStateMd5Hash"])


def test_scheduled_notification_names_only_the_account() -> None:
    event, invoking = _build(1, message_type=SCHEDULED)
    assert set(invoking) == {"awsAccountId", "notificationCreationTime", "messageType",
                             "recordVersion"}  # fmt: skip
    assert invoking["awsAccountId"] == "210987654321" and event["eventLeftScope"] is False


def test_overrides_land_where_they_belong() -> None:
    event, invoking = _build(
        2, message_type=CHANGE, change_type="UPDATE", resource_type="AWS::EC2::Instance",
        resource_id="i-0123456789abcdef0", rule_name="ec2-type-check",
        rule_parameters={"desiredInstanceType": "t3.micro"}, event_left_scope=True,
    )  # fmt: skip
    item = invoking["configurationItem"]
    assert item["resourceType"] == "AWS::EC2::Instance"
    assert item["resourceId"] == item["configuration"]["instanceId"] == "i-0123456789abcdef0"
    assert event["configRuleName"] == "ec2-type-check"
    assert event["ruleParameters"] == '{"desiredInstanceType":"t3.micro"}'
    assert event["eventLeftScope"] is True
    assert build_event("config", 2, rule_parameters={})["ruleParameters"] == "{}"


@pytest.mark.parametrize("seed", range(80))
def test_the_default_build_is_the_general_one(seed: int) -> None:
    """Without overrides the builder writes the invoking event's JSON directly: it must be the
    text the general path encodes (an override equal to the drawn message type takes it)."""
    event = build_event("config", seed)
    message_type = json.loads(event["invokingEvent"])["messageType"]
    assert event == build_event("config", seed, message_type=message_type)


def test_determinism() -> None:
    assert build_event("config", 8) == build_event("config", 8)
    assert build_event("config", 8) != build_event("config", 9)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"message_type": "Scheduled"}, r"message_type: 'Scheduled' is not allowed.*"
                                        r"'ScheduledNotification'"),
        ({"message_type": SCHEDULED, "change_type": "UPDATE"},
         r"change_type: a ScheduledNotification concerns no resource; use message_type"),
        ({"message_type": SCHEDULED, "event_left_scope": True},
         r"event_left_scope: a ScheduledNotification is never out of scope"),
        ({"resource_type": "AWS::EC2::VPC"}, r"resource_type: 'AWS::EC2::VPC' is not allowed"),
        ({"change_type": "MODIFY"}, r"change_type: 'MODIFY' is not allowed; allowed: 'CREATE'"),
        ({"rule_name": "my rule"}, r"rule_name: 'my rule' is not a rule name: 1 to 128"),
        ({"rule_parameters": "{}"}, r"rule_parameters: expected dict, got str"),
        ({"messagetype": CHANGE}, r"unknown override 'messagetype' \(did you mean 'message_type'"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("config", 1, **overrides)
