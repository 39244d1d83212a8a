"""The ``eventbridge`` and ``scheduled`` sources (shapes.md sections 11 and 12)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.errors import ScheduleExpressionError

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
ISO_S_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ENVELOPE = ["version", "id", "detail-type", "source", "account", "time", "region", "resources",
            "detail"]  # fmt: skip
EC2 = "EC2 Instance State-change Notification"
T0 = datetime(2025, 7, 4, 9, 41, 27, 654_000, tzinfo=UTC)
VARIANTS: list[tuple[str, dict[str, Any]]] = [
    ("eventbridge", {}),
    ("eventbridge", {"detail_type": "Order Created"}),
    ("eventbridge", {"source": "com.example.billing", "detail": {"a": [1, 2]}}),
    ("eventbridge", {"replay_name": "orders-archive-replay"}),
    ("scheduled", {}),
]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_validates_with_powertools(seed: int, variant: int) -> None:
    source, overrides = VARIANTS[variant]
    event = build_event(source, seed, **overrides)
    parsed = models.EventBridgeModel.model_validate(event)
    assert parsed.detail_type == event["detail-type"]
    assert parsed.replay_name == overrides.get("replay_name")


# --- envelope invariants ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("source", ["eventbridge", "scheduled"])
def test_envelope_keys_formats_and_world_echo(seed: int, source: str) -> None:
    event = build_event(source, seed, region="ap-northeast-2", account_id="777788889999")
    assert list(event) == ENVELOPE  # hyphenated keys, in AWS's order, nothing else
    assert event["version"] == "0"
    assert re.fullmatch(UUID, event["id"])
    assert ISO_S_Z.match(event["time"])
    assert (event["account"], event["region"]) == ("777788889999", "ap-northeast-2")
    for arn in event["resources"]:
        assert arn.startswith("arn:aws:") and ":ap-northeast-2:777788889999:" in arn


def test_envelope_time_is_the_event_second() -> None:
    assert build_event("eventbridge", 1, time=T0)["time"] == "2025-07-04T09:41:27Z"


@pytest.mark.parametrize("seed", range(20))
def test_default_is_an_ec2_state_change_with_a_matching_resource(seed: int) -> None:
    event = build_event("eventbridge", seed, region="us-west-2")
    assert event["detail-type"] == "EC2 Instance State-change Notification"
    assert event["source"] == "aws.ec2"
    detail = event["detail"]
    assert set(detail) == {"instance-id", "state"}  # EC2 spells it instance-id, not instance_id
    assert re.fullmatch(r"i-[0-9a-f]{17}", detail["instance-id"])
    assert detail["state"] in ("pending", "running", "stopping", "stopped", "shutting-down",
                               "terminated")  # fmt: skip
    assert event["resources"] == [
        f"arn:aws:ec2:us-west-2:123456789012:instance/{detail['instance-id']}"
    ]


@pytest.mark.parametrize("seed", range(20))
def test_custom_events_have_a_custom_source_and_an_object_detail(seed: int) -> None:
    event = build_event("eventbridge", seed, detail_type="Invoice Paid")
    assert not event["source"].startswith("aws.")  # customers cannot send aws.* sources
    assert re.fullmatch(r"[a-z]+(\.[a-z]+)+", event["source"])
    assert isinstance(event["detail"], dict) and event["detail"]
    assert event["resources"] == []


def test_china_partition_in_resource_arns() -> None:
    event = build_event("eventbridge", 4, region="cn-north-1")
    assert event["resources"][0].startswith("arn:aws-cn:ec2:cn-north-1:")


# --- scheduled ----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_scheduled_event_shape(seed: int) -> None:
    event = build_event("scheduled", seed, region="eu-north-1", account_id="210987654321")
    assert (event["detail-type"], event["source"], event["detail"]) == (
        "Scheduled Event", "aws.events", {}
    )  # fmt: skip
    (rule,) = event["resources"]
    assert re.fullmatch(r"arn:aws:events:eu-north-1:210987654321:rule/[A-Za-z0-9._-]{1,64}", rule)
    assert event["time"].endswith(":00Z")  # schedules fire on the minute


def test_scheduled_time_is_the_minute_it_was_due_and_rule_name_lands() -> None:
    event = build_event("scheduled", 2, time=T0, rule_name="nightly-report", id="e-1")
    assert event["time"] == "2025-07-04T09:41:00Z"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/nightly-report"]
    assert event["id"] == "e-1"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 9 ? * MON-FRI *)", "2025-07-07T09:00:00Z"),  # T0 is a Friday at 09:41
        ("cron(41 9 * * ? *)", "2025-07-04T09:41:00Z"),  # due this very minute
        ("cron(0 8 1 * ? *)", "2025-08-01T08:00:00Z"),
        ("rate(5 minutes)", "2025-07-04T09:41:00Z"),  # a rate counts from the rule's creation
    ],
)
def test_scheduled_time_is_the_expressions_next_fire_time(expression: str, expected: str) -> None:
    event = build_event("scheduled", 2, time=T0, schedule_expression=expression)
    assert event["time"] == expected


def test_scheduled_expression_errors_name_the_field() -> None:
    with pytest.raises(ScheduleExpressionError, match="Day-of-week"):
        build_event("scheduled", 1, schedule_expression="cron(0 9 * * * *)")
    with pytest.raises(EventConfigError, match="never fires after 2025-07-04T09:41:00Z"):
        build_event("scheduled", 1, time=T0, schedule_expression="cron(0 9 * * ? 2020)")


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_land_in_the_envelope() -> None:
    event = build_event(
        "eventbridge",
        3,
        detail_type="Order Created",
        source="com.acme.orders",
        detail={"orderId": "o-1"},
        resources=["arn:aws:dynamodb:us-east-1:123456789012:table/orders"],
        id="11111111-2222-4333-8444-555555555555",
        replay_name="replay-1",
    )
    assert event["detail-type"] == "Order Created"
    assert event["source"] == "com.acme.orders"
    assert event["detail"] == {"orderId": "o-1"}
    assert event["resources"] == ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"]
    assert event["id"] == "11111111-2222-4333-8444-555555555555"
    assert event["replay-name"] == "replay-1"


def test_ec2_overrides() -> None:
    event = build_event("eventbridge", 3, instance_id="i-0123456789abcdef0", state="running")
    assert event["detail"] == {"instance-id": "i-0123456789abcdef0", "state": "running"}
    assert event["resources"][0].endswith(":instance/i-0123456789abcdef0")
    own = build_event("eventbridge", 3, detail={"instance-id": "i-0abcdef1234567890", "x": 1})
    assert own["resources"][0].endswith(":instance/i-0abcdef1234567890")
    assert build_event("eventbridge", 3, source="aws.ec2")["detail-type"] == (
        "EC2 Instance State-change Notification"
    )


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("source", ["eventbridge", "scheduled"])
def test_same_seed_same_event_and_different_seeds_differ(seed: int, source: str) -> None:
    assert build_event(source, seed) == build_event(source, seed)
    assert build_event(source, seed) != build_event(source, seed + 1)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "overrides", "field", "pattern"),
    [
        ("eventbridge", {"detailtype": "x"}, "detailtype", r"did you mean 'detail_type'\?"),
        ("eventbridge", {"detail": "{}"}, "detail", r"detail: expected dict, got str"),
        ("eventbridge", {"resources": "arn:aws:s3:::b"}, "resources", r"expected list, got str"),
        ("eventbridge", {"resources": [1]}, "resources[0]", r"expected str, got int"),
        ("eventbridge", {"state": "sleeping"}, "state", r"allowed: 'pending', 'running'"),
        ("eventbridge", {"detail_type": ""}, "detail_type", r"allows 1 to 128"),
        ("eventbridge", {"detail_type": "x" * 129}, "detail_type", r"allows 1 to 128"),
        ("eventbridge", {"source": "s" * 257}, "source", r"allows 1 to 256"),
        ("eventbridge", {"source": "aws.s3", "detail_type": EC2}, "source",
         r"come from 'aws.ec2', not 'aws.s3'"),
        ("eventbridge", {"detail_type": "Order Created", "state": "running"}, "state",
         r"only 'EC2 Instance State-change Notification' events have it"),
        ("eventbridge", {"instance_id": "i-xyz"}, "instance_id", r"'i-' \+ 17 hex digits"),
        ("eventbridge", {"id": ""}, "id", r"non-empty string"),
        ("scheduled", {"rule_name": "bad name"}, "rule_name",
         r"1-64 letters, digits, '.', '-', '_'"),
        ("scheduled", {"rule_name": "r" * 65}, "rule_name", r"not a rule name"),
        ("scheduled", {"detail": {}}, "detail", r"unknown override 'detail'"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_what_is_allowed(
    source: str, overrides: dict[str, Any], field: str, pattern: str
) -> None:
    with pytest.raises(EventConfigError, match=pattern) as info:
        build_event(source, 2, **overrides)
    assert info.value.field == field
