"""The ``sns`` source: a notification delivered to a Lambda subscription (shapes.md section 4)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
T0 = datetime(2025, 1, 31, 23, 59, 59, 999_000, tzinfo=UTC)
VARIANTS: list[dict[str, Any]] = [
    {},
    {"subject": None},
    {"subject": "Order shipped", "message": "plain text, not JSON"},
    {"message_attributes": {"kind": "order", "n": 3, "blob": b"\x00\x01", "tags": ["a", "b"]}},
    {"region": "cn-northwest-1", "signature_version": "2"},
]


def record(seed: int = 0, **overrides: Any) -> dict[str, Any]:
    event = build_event("sns", seed, **overrides)
    assert len(event["Records"]) == 1  # SNS invokes Lambda with one record
    rec: dict[str, Any] = event["Records"][0]
    return rec


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_validates_with_powertools(seed: int, variant: int) -> None:
    event = build_event("sns", seed, **VARIANTS[variant])
    parsed = models.SnsModel.model_validate(event)
    assert parsed.Records[0].Sns.TopicArn == event["Records"][0]["Sns"]["TopicArn"]


# --- cross-field invariants ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_subscription_arn_extends_the_topic_arn(seed: int) -> None:
    rec = record(seed, region="ap-south-1", account_id="210987654321")
    topic = rec["Sns"]["TopicArn"]
    assert re.fullmatch(r"arn:aws:sns:ap-south-1:210987654321:[A-Za-z0-9_-]+", topic)
    assert re.fullmatch(re.escape(topic) + ":" + UUID, rec["EventSubscriptionArn"])


@pytest.mark.parametrize("seed", range(20))
def test_urls_use_the_topic_region_and_subscription(seed: int) -> None:
    rec = record(seed, region="eu-central-1")
    sns = rec["Sns"]
    assert sns["UnsubscribeUrl"] == (
        "https://sns.eu-central-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
        + rec["EventSubscriptionArn"]
    )
    assert re.fullmatch(
        r"https://sns\.eu-central-1\.amazonaws\.com/SimpleNotificationService-[0-9a-f]{32}\.pem",
        sns["SigningCertUrl"],
    )


def test_china_regions_use_their_partition_and_domain() -> None:
    rec = record(region="cn-north-1")
    assert rec["Sns"]["TopicArn"].startswith("arn:aws-cn:sns:cn-north-1:")
    assert rec["Sns"]["SigningCertUrl"].startswith("https://sns.cn-north-1.amazonaws.com.cn/")
    assert rec["Sns"]["UnsubscribeUrl"].startswith("https://sns.cn-north-1.amazonaws.com.cn/")


@pytest.mark.parametrize("seed", range(20))
def test_envelope_constants_and_formats(seed: int) -> None:
    rec = record(seed, time=T0)
    sns = rec["Sns"]
    assert (rec["EventSource"], rec["EventVersion"], sns["Type"]) == (
        "aws:sns",
        "1.0",
        "Notification",
    )
    assert ISO_MS_Z.match(sns["Timestamp"])
    assert sns["Timestamp"] == "2025-01-31T23:59:59.999Z"
    assert re.fullmatch(UUID, sns["MessageId"])
    assert sns["SignatureVersion"] == "1"
    assert len(base64.b64decode(sns["Signature"], validate=True)) == 256  # RSA-2048
    assert "SigningCertURL" not in sns and "UnsubscribeURL" not in sns  # Lambda's spelling


@pytest.mark.parametrize("seed", range(20))
def test_default_message_is_a_json_document_in_a_string(seed: int) -> None:
    message = record(seed)["Sns"]["Message"]
    assert isinstance(message, str)
    assert isinstance(json.loads(message), dict)


def test_subject_is_sometimes_null_and_keys_are_always_present() -> None:
    subjects = [record(seed)["Sns"]["Subject"] for seed in range(40)]
    assert None in subjects
    assert any(isinstance(s, str) and 0 < len(s) <= 100 for s in subjects)
    for seed in range(40):  # AWS sends every key, null Subject and {} attributes included
        assert {"Subject", "MessageAttributes", "Signature"} <= set(record(seed)["Sns"])


@pytest.mark.parametrize("seed", range(20))
def test_generated_attributes_use_the_sns_form(seed: int) -> None:
    attributes = record(seed)["Sns"]["MessageAttributes"]
    assert isinstance(attributes, dict)
    for attr in attributes.values():
        assert set(attr) == {"Type", "Value"}
        assert attr["Type"] in ("String", "String.Array", "Number", "Binary")
        if attr["Type"] == "Number":
            float(attr["Value"])


def test_attribute_values_are_converted_to_sns_types() -> None:
    given = {
        "kind": "order",
        "count": 3,
        "ratio": 0.5,
        "blob": b"\x00\xff",
        "tags": ["a", 1, True],
        "raw": {"Type": "String", "Value": "as is"},
    }
    attributes = record(message_attributes=given)["Sns"]["MessageAttributes"]
    assert attributes == {
        "kind": {"Type": "String", "Value": "order"},
        "count": {"Type": "Number", "Value": "3"},
        "ratio": {"Type": "Number", "Value": "0.5"},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\xff").decode()},
        "tags": {"Type": "String.Array", "Value": '["a",1,true]'},
        "raw": {"Type": "String", "Value": "as is"},
    }
    assert record(message_attributes={})["Sns"]["MessageAttributes"] == {}


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_land_in_their_fields() -> None:
    sns = record(
        topic_name="orders", message="hi", subject="Hello", message_id="m-1", signature_version="2"
    )["Sns"]
    assert sns["TopicArn"] == "arn:aws:sns:us-east-1:123456789012:orders"
    assert (sns["Message"], sns["Subject"], sns["MessageId"]) == ("hi", "Hello", "m-1")
    assert sns["SignatureVersion"] == "2"
    assert record(subject=None)["Sns"]["Subject"] is None


def test_topic_arn_brings_its_region_and_account() -> None:
    arn = "arn:aws:sns:eu-west-1:111122223333:alerts"
    rec = record(topic_arn=arn)
    assert rec["Sns"]["TopicArn"] == arn
    assert rec["EventSubscriptionArn"].startswith(arn + ":")
    assert rec["Sns"]["UnsubscribeUrl"].startswith("https://sns.eu-west-1.amazonaws.com/")
    same = record(topic_arn=arn, region="eu-west-1", account_id="111122223333", topic_name="alerts")
    assert same["Sns"]["TopicArn"] == arn


@pytest.mark.parametrize("seed", range(20))
def test_same_seed_same_event_and_different_seeds_differ(seed: int) -> None:
    assert build_event("sns", seed) == build_event("sns", seed)
    assert build_event("sns", seed) != build_event("sns", seed + 1)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "pattern"),
    [
        ({"topic": "x"}, "topic", r"unknown override 'topic' \(did you mean 'topic_arn'\?\)"),
        ({"message": {"a": 1}}, "message", r"message: expected str, got dict"),
        ({"message_attributes": [("a", 1)]}, "message_attributes", r"expected dict, got list"),
        ({"signature_version": "3"}, "signature_version", r"'3' is not allowed; allowed: '1', '2'"),
        ({"topic_name": "orders.fifo"}, "topic_name", r"FIFO topics deliver only to SQS queues"),
        ({"topic_name": "bad name"}, "topic_name", r"1-256 letters, digits, '-' or '_'"),
        ({"topic_arn": "arn:aws:sqs:us-east-1:123456789012:q"}, "topic_arn",
         r"not an SNS topic ARN"),
        ({"topic_arn": "arn:aws:sns:eu-west-1:111122223333:t", "region": "us-east-2"}, "topic_arn",
         r"region 'eu-west-1' differs from region='us-east-2'"),
        ({"topic_arn": "arn:aws:sns:eu-west-1:111122223333:t", "account_id": "999999999999"},
         "topic_arn", r"account 111122223333 differs from account_id"),
        ({"topic_arn": "arn:aws:sns:cn-north-1:111122223333:t"}, "topic_arn",
         r"in partition 'aws-cn'"),
        ({"topic_arn": "arn:aws:sns:eu-west-1:111122223333:t", "topic_name": "u"}, "topic_name",
         r"differs from the topic in topic_arn"),
        ({"subject": "x" * 101}, "subject", r"1 to 100 printable ASCII characters"),
        ({"subject": "two\nlines"}, "subject", r"no line breaks"),
        ({"message": ""}, "message", r"0 bytes; SNS messages are 1 to 262,144 bytes"),
        ({"message": "x" * (256 * 1024 + 1)}, "message", r"262,145 bytes"),
        ({"message_attributes": {f"a{i}": "v" for i in range(11)}}, "message_attributes",
         r"11 attributes; SNS allows at most 10"),
        ({"message_attributes": {"AWS.trace": "v"}}, "message_attributes",
         r"not starting with 'AWS.' or 'Amazon.'"),
        ({"message_attributes": {"flag": True}}, "message_attributes",
         r"'flag' has a bool; use str, int, float, bytes, a list"),
        ({"message_attributes": {"n": {"Type": "Number", "Value": "ten"}}}, "message_attributes",
         r"Number value 'ten' is not a number"),
        ({"message_attributes": {"n": {"Type": "Integer", "Value": "1"}}}, "message_attributes",
         r"needs Type \(one of String, String.Array, Number, Binary\)"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_what_is_allowed(
    overrides: dict[str, Any], field: str, pattern: str
) -> None:
    with pytest.raises(EventConfigError, match=pattern) as info:
        build_event("sns", 5, **overrides)
    assert info.value.field == field
