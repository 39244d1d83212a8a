"""The ``scheduler`` source: EventBridge Scheduler target Input (semantics.md 7.2, shapes.md 12)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.flows.scheduler_input import CONTEXT_ATTRIBUTES, fill_context_attributes

T0 = datetime(2025, 7, 4, 9, 41, 27, 654_000, tzinfo=UTC)
ISO_S_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
SCHEDULE_ARN = re.compile(
    r"^arn:aws:scheduler:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):schedule/"
    r"(?P<group>[0-9A-Za-z_.-]{1,64})/(?P<name>[0-9A-Za-z_.-]{1,64})$"
)


# No Powertools model covers a target's Input (it is the user's own JSON); the default
# notification is an EventBridge envelope, which EventBridgeModel validates.
@pytest.mark.parametrize("seed", range(20))
def test_default_notification_validates_with_powertools(seed: int) -> None:
    event = build_event("scheduler", seed, default_notification=True, region="eu-west-1")
    parsed = models.EventBridgeModel.model_validate(event)
    assert parsed.source == "aws.scheduler" and parsed.detail_type == "Scheduled Event"
    assert event["detail"] == "{}"  # a string, not an object, unlike rule-based schedules
    assert ISO_S_Z.match(event["time"]) and event["time"].endswith(":00Z")
    (arn,) = event["resources"]
    match = SCHEDULE_ARN.match(arn)
    assert match and match["region"] == event["region"] == "eu-west-1"
    assert match["account"] == event["account"]


@pytest.mark.parametrize("seed", range(20))
def test_default_input_fills_all_four_context_attributes(seed: int) -> None:
    event = build_event("scheduler", seed, region="ap-southeast-2", account_id="210987654321")
    assert "<aws.scheduler." not in json.dumps(event)
    match = SCHEDULE_ARN.match(event["scheduleArn"])
    assert match and (match["region"], match["account"]) == ("ap-southeast-2", "210987654321")
    assert match["name"] == event["job"]  # the job is named after its schedule
    assert ISO_S_Z.match(event["scheduledTime"]) and event["scheduledTime"].endswith(":00Z")
    assert re.fullmatch(r"[a-z0-9]{16}", event["executionId"])
    assert event["attemptNumber"] == 1  # placed outside quotes: a JSON number


@pytest.mark.parametrize("seed", range(20))
def test_scheduled_time_is_not_after_the_invocation(seed: int) -> None:
    event = build_event("scheduler", seed, time=T0, attempt_number=1 + seed * 9)
    due = datetime.fromisoformat(event["scheduledTime"].replace("Z", "+00:00"))
    assert due <= T0
    assert (T0 - due).total_seconds() < 86_400  # retries stop at the 24 h maximum event age
    if seed == 0:
        assert event["scheduledTime"] == "2025-07-04T09:41:00Z"  # first attempt: that minute


def test_overrides_land_where_they_should() -> None:
    event = build_event(
        "scheduler",
        1,
        schedule_name="nightly-export",
        group="billing",
        attempt_number=3,
        scheduled_time="2025-07-04T02:00:00Z",
        execution_id="d32c5kddcf5bb8c3",
    )
    assert event["scheduleArn"] == (
        "arn:aws:scheduler:us-east-1:123456789012:schedule/billing/nightly-export"
    )
    assert event["scheduledTime"] == "2025-07-04T02:00:00Z"
    assert event["executionId"] == "d32c5kddcf5bb8c3"
    assert event["attemptNumber"] == 3


def test_input_is_sent_exactly_with_placeholders_filled() -> None:
    text = (
        '{"arn": "<aws.scheduler.schedule-arn>", "n": <aws.scheduler.attempt-number>, '
        '"at": "<aws.scheduler.scheduled-time>", "id": "<aws.scheduler.execution-id>", "k": [1]}'
    )
    event = build_event(
        "scheduler",
        4,
        input=text,
        schedule_name="s1",
        group="default",
        attempt_number=186,
        scheduled_time=T0,
        execution_id="abc123",
    )
    assert event == {
        "arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/default/s1",
        "n": 186,
        "at": "2025-07-04T09:41:27Z",
        "id": "abc123",
        "k": [1],
    }


def test_dict_and_list_inputs() -> None:
    assert build_event("scheduler", 1, input={"a": "x"}) == {"a": "x"}
    event = build_event("scheduler", 1, input=["<aws.scheduler.attempt-number>"], attempt_number=2)
    assert event == ["2"]  # inside a JSON string the value stays text
    assert build_event("scheduler", 1, input="42") == 42


def test_china_partition() -> None:
    event = build_event("scheduler", 2, region="cn-northwest-1")
    assert event["scheduleArn"].startswith("arn:aws-cn:scheduler:cn-northwest-1:")


def test_shared_fill_function_replaces_every_attribute() -> None:
    text = " ".join(CONTEXT_ATTRIBUTES)
    filled = fill_context_attributes(
        text, schedule_arn="A", scheduled_time="T", execution_id="E", attempt_number=5
    )
    assert filled == "A T E 5"


def test_deterministic_per_seed() -> None:
    assert build_event("scheduler", 11) == build_event("scheduler", 11)
    assert build_event("scheduler", 11) != build_event("scheduler", 12)
    assert build_event("scheduler", 11, default_notification=True) == build_event(
        "scheduler", 11, default_notification=True
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"schedul_name": "x"}, r"unknown override 'schedul_name'.*did you mean 'schedule_name'"),
        ({"attempt_number": 0}, r"attempt_number: 0 is below AWS's minimum 1"),
        ({"attempt_number": 187}, r"attempt_number: 187 is above AWS's maximum 186"),
        ({"attempt_number": "2"}, r"attempt_number: expected int, got str"),
        ({"input": 3}, r"input: expected dict or list or str, got int"),
        ({"input": ""}, r"input: Target.Input is at least 1 character"),
        ({"input": "{oops"}, r"input: .* is not JSON once the context attributes are filled"),
        ({"input": {"a": {1, 2}}}, r"input: not JSON-serialisable"),
        ({"input": "x" * 1_048_577}, r"input: 1,048,577 bytes; .* at most 1,048,576"),
        ({"schedule_name": "bad name"}, r"schedule_name: 'bad name': 1 to 64 characters"),
        ({"group": "g" * 65}, r"group: .*1 to 64 characters of 0-9 a-z A-Z - _ \."),
        ({"execution_id": ""}, r"execution_id: a non-empty id"),
        ({"scheduled_time": "yesterday"}, r"scheduled_time: 'yesterday' is not a time"),
        ({"default_notification": True, "input": {}}, r"input: the default notification"),
        (
            {"time": T0, "scheduled_time": "2025-07-04T09:42:00Z"},
            r"scheduled_time: .*invokes at or after the scheduled time and gives up 24 hours",
        ),
        (
            {"time": T0, "scheduled_time": "2025-07-03T09:00:00Z"},
            r"scheduled_time: 2025-07-03T09:00:00Z with time=2025-07-04T09:41:27Z",
        ),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    overrides: dict[str, object], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("scheduler", 1, **overrides)
