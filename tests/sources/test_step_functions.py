"""The ``step_functions`` source: a Task state's input to Lambda (shapes.md 32).

Powertools has no Step Functions model (oracles.md), so the shapes are checked here."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest

from pytest_lambda_events import EventConfigError, build_event

T0 = datetime(2025, 7, 4, 9, 41, 27, 654_000, tzinfo=UTC)
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@pytest.mark.parametrize("seed", range(20))
def test_default_is_a_consistent_order(seed: int) -> None:
    event = build_event("step_functions", seed)
    assert re.fullmatch(r"ord-[0-9a-f]{10}", event["orderId"])
    total = sum(i["quantity"] * i["unitPrice"] for i in event["items"])
    assert abs(event["total"] - total) < 0.005
    assert "TaskToken" not in event and "Context" not in event


@pytest.mark.parametrize("seed", range(20))
def test_wait_for_task_token_adds_an_opaque_base64_token(seed: int) -> None:
    plain = build_event("step_functions", seed)
    event = build_event("step_functions", seed, task_token=True)
    token = event.pop("TaskToken")
    assert event == plain  # the token is added to the same input
    assert len(token) > 600
    assert token.startswith("AQCEAAAA") and base64.b64decode(token, validate=True)


@pytest.mark.parametrize("seed", range(20))
def test_context_object_agrees_with_world_token_and_time(seed: int) -> None:
    event = build_event(
        "step_functions",
        seed,
        task_token=True,
        with_context=True,
        time=T0,
        region="eu-west-3",
        account_id="444455556666",
    )
    context = event["Context"]
    execution, machine = context["Execution"], context["StateMachine"]
    assert context["Task"]["Token"] == event["TaskToken"]
    assert machine["Id"] == f"arn:aws:states:eu-west-3:444455556666:stateMachine:{machine['Name']}"
    assert execution["Id"] == (
        f"arn:aws:states:eu-west-3:444455556666:execution:{machine['Name']}:{execution['Name']}"
    )
    assert re.fullmatch(UUID, execution["Name"])
    assert execution["RoleArn"].startswith("arn:aws:iam::444455556666:role/")
    assert ISO_MS_Z.match(execution["StartTime"]) and ISO_MS_Z.match(
        context["State"]["EnteredTime"]
    )
    assert _when(execution["StartTime"]) <= _when(context["State"]["EnteredTime"]) <= T0
    assert execution["Input"] == {
        k: v for k, v in event.items() if k not in ("TaskToken", "Context")
    }


def test_context_without_token_has_no_task_and_overrides_land() -> None:
    event = build_event(
        "step_functions",
        2,
        payload={"jobId": "j-1"},
        with_context=True,
        state_machine_name="orders",
        execution_name="run-42",
        state_name="Charge",
        retry_count=2,
    )
    context = event.pop("Context")
    assert event == {"jobId": "j-1"}
    assert "Task" not in context
    assert context["Execution"]["Id"].endswith(":execution:orders:run-42")
    assert context["State"]["Name"] == "Charge" and context["State"]["RetryCount"] == 2
    custom = build_event("step_functions", 2, task_token=True, token_field="token")
    assert "token" in custom and "TaskToken" not in custom


def test_any_json_payload_passes_through() -> None:
    assert build_event("step_functions", 1, payload=[1, 2]) == [1, 2]
    assert build_event("step_functions", 1, payload="go") == "go"
    assert build_event("step_functions", 1, payload={"a": None}) == {"a": None}


@pytest.mark.parametrize("seed", range(20))
def test_catch_passes_error_and_cause(seed: int) -> None:
    event = build_event("step_functions", seed, kind="catch")
    assert list(event) == ["Error", "Cause"]
    assert isinstance(event["Cause"], str)
    if event["Error"].startswith("Lambda."):
        assert re.search(rf"Request ID: {UUID}\)$", event["Cause"])
    else:  # a function's own error: its Lambda error object as JSON text
        cause = json.loads(event["Cause"])
        assert cause["errorType"] == event["Error"]
        assert {"errorMessage", "requestId", "stackTrace"} <= set(cause)


def test_catch_overrides() -> None:
    event = build_event("step_functions", 1, kind="catch", error="States.Timeout", cause="late")
    assert event == {"Error": "States.Timeout", "Cause": "late"}
    assert {build_event("step_functions", s, kind="catch")["Error"] for s in range(40)} >= {
        "Lambda.ServiceException",
        "ValueError",
    }


def test_deterministic_per_seed() -> None:
    one = build_event("step_functions", 9, task_token=True, with_context=True)
    assert one == build_event("step_functions", 9, task_token=True, with_context=True)
    assert one != build_event("step_functions", 10, task_token=True, with_context=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"task_tokn": True}, r"unknown override 'task_tokn'.*did you mean 'task_token'"),
        ({"kind": "map"}, r"kind: 'map' is not allowed; allowed: 'task', 'catch'"),
        ({"task_token": "yes"}, r"task_token: expected bool, got str"),
        ({"retry_count": -1}, r"retry_count: -1 is below AWS's minimum 0"),
        ({"kind": "catch", "payload": {}}, r"payload: a Catch passes only \{Error, Cause\}"),
        ({"error": "X"}, r"error: only kind='catch' carries an error"),
        ({"kind": "catch", "error": ""}, r"error: the error name is a non-empty string"),
        (
            {"payload": [1], "task_token": True},
            r"payload: task_token/with_context .* must be a dict",
        ),
        ({"with_context": True, "execution_name": "a b"}, r"execution_name: 'a b': 1 to 80"),
        ({"with_context": True, "state_machine_name": "m" * 81}, r"state_machine_name: .*1 to 80"),
        ({"payload": {"b": "x" * 262_144}}, r"payload: 262,153 bytes; a state's input is at most"),
    ],
)
def test_bad_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("step_functions", 1, **overrides)
