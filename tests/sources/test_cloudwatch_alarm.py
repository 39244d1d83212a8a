"""CloudWatch alarm actions (shapes.md section 35). Powertools has no parser model for the
event; its data class is an accessor smoke test, and the shape is checked here."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from aws_lambda_powertools.utilities.data_classes import CloudWatchAlarmEvent

from pytest_lambda_events import EventConfigError, build_event

ISO_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$")
KINDS = ["metric", "math", "composite"]


def _t(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z")


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("kind", KINDS)
def test_event_shape_and_consistency(seed: int, kind: str) -> None:
    event = build_event("cloudwatch_alarm", seed, kind=kind, region="sa-east-1",
                        account_id="112233445566")  # fmt: skip
    assert list(event) == ["source", "alarmArn", "accountId", "time", "region", "alarmData"]
    assert event["source"] == "aws.cloudwatch"
    assert (event["accountId"], event["region"]) == ("112233445566", "sa-east-1")
    data = event["alarmData"]
    assert (
        event["alarmArn"] == f"arn:aws:cloudwatch:sa-east-1:112233445566:alarm:{data['alarmName']}"
    )
    state, previous = data["state"], data["previousState"]
    assert ISO_OFFSET.match(event["time"])
    assert event["time"] == state["timestamp"]
    for s in (state, previous):
        assert s["value"] in ("ALARM", "OK", "INSUFFICIENT_DATA")
        assert ISO_OFFSET.match(s["timestamp"]) and s["reason"]
        assert isinstance(json.loads(s["reasonData"]), dict)
    assert state["value"] != previous["value"]  # no suppression: a real change of state
    assert _t(previous["timestamp"]) < _t(state["timestamp"])
    configuration = data["configuration"]
    if kind == "composite":
        assert "metrics" not in configuration
        assert re.search(r"ALARM\([\w.-]+\)", configuration["alarmRule"])
    else:
        metrics = configuration["metrics"]
        assert len(metrics) == (1 if kind == "metric" else 3)
        assert sum(m["returnData"] for m in metrics) == 1
        assert all(("metricStat" in m) != ("expression" in m) for m in metrics)
    wrapped = CloudWatchAlarmEvent(event)
    assert wrapped.alarm_data.alarm_name == data["alarmName"]
    assert wrapped.alarm_data.state.value == state["value"]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("state", ["ALARM", "OK"])
def test_metric_reason_data_agrees_with_the_state(seed: int, state: str) -> None:
    data = build_event("cloudwatch_alarm", seed, kind="metric", state=state)["alarmData"]
    stat = data["configuration"]["metrics"][0]["metricStat"]
    reason = json.loads(data["state"]["reasonData"])
    assert reason["period"] == stat["period"] and reason["statistic"] == stat["stat"]
    values = [p["value"] for p in reason["evaluatedDatapoints"]]
    assert sorted(values) == sorted(reason["recentDatapoints"])
    breaching = [v > reason["threshold"] for v in values]
    assert all(breaching) if state == "ALARM" else not any(breaching)
    stamps = [_t(p["timestamp"]) for p in reason["evaluatedDatapoints"]]
    assert all(s.timestamp() % stat["period"] == 0 for s in stamps)
    assert max(stamps) < _t(reason["queryDate"]) <= _t(data["state"]["timestamp"])
    assert reason["startDate"] == min(p["timestamp"] for p in reason["evaluatedDatapoints"])
    word = "was greater" if state == "ALARM" else "was not greater"
    assert word in data["state"]["reason"]
    assert f"for {data['previousState']['value']} -> {state} transition" in data["state"]["reason"]


def test_insufficient_data_has_no_datapoint_values() -> None:
    state = build_event("cloudwatch_alarm", 1, kind="metric", state="INSUFFICIENT_DATA")[
        "alarmData"]["state"]  # fmt: skip
    reason = json.loads(state["reasonData"])
    assert reason["recentDatapoints"] == []
    assert all(set(p) == {"timestamp"} for p in reason["evaluatedDatapoints"])
    assert state["reason"].startswith("Insufficient Data:")


@pytest.mark.parametrize("seed", range(20))
def test_composite_reason_names_a_child_of_the_rule(seed: int) -> None:
    data = build_event("cloudwatch_alarm", seed, kind="composite")["alarmData"]
    triggering = json.loads(data["state"]["reasonData"])["triggeringAlarms"]
    child = triggering[0]["arn"].rsplit(":alarm:", 1)[1]
    assert f"ALARM({child})" in data["configuration"]["alarmRule"]
    assert triggering[0]["state"]["value"] == data["state"]["value"]
    assert data["state"]["reason"].startswith(f"{triggering[0]['arn']} transitioned to ")


def test_suppression_allows_the_same_state_and_names_the_suppressor() -> None:
    data = build_event("cloudwatch_alarm", 1, kind="composite", state="ALARM",
                       actions_suppressed_by="WaitPeriod")["alarmData"]  # fmt: skip
    assert data["state"]["value"] == data["previousState"]["value"] == "ALARM"
    assert data["previousState"]["actionsSuppressedBy"] == "WaitPeriod"
    assert data["configuration"]["actionsSuppressor"]
    assert data["configuration"]["actionsSuppressorWaitPeriod"] == 120


def test_overrides_land_where_they_belong() -> None:
    data = build_event(
        "cloudwatch_alarm", 2, kind="metric", state="OK", previous_state="INSUFFICIENT_DATA",
        alarm_name="Orders API 5xx", alarm_description=None, namespace="MyApp",
        metric_name="Failures", dimensions={"Service": "orders"}, statistic="Sum", period=120,
        threshold=3,
    )["alarmData"]  # fmt: skip
    assert data["alarmName"] == "Orders API 5xx"
    assert (data["state"]["value"], data["previousState"]["value"]) == ("OK", "INSUFFICIENT_DATA")
    assert "description" not in data["configuration"]
    assert data["configuration"]["metrics"][0]["metricStat"] == {
        "metric": {"namespace": "MyApp", "name": "Failures", "dimensions": {"Service": "orders"}},
        "period": 120, "stat": "Sum"}  # fmt: skip
    assert json.loads(data["state"]["reasonData"])["threshold"] == 3.0
    rule = build_event("cloudwatch_alarm", 2, kind="composite", alarm_rule="ALARM(db) AND OK(x)")
    assert rule["alarmData"]["configuration"]["alarmRule"] == "ALARM(db) AND OK(x)"


def test_determinism() -> None:
    assert build_event("cloudwatch_alarm", 6) == build_event("cloudwatch_alarm", 6)
    assert build_event("cloudwatch_alarm", 6) != build_event("cloudwatch_alarm", 7)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"state": "ALARMED"}, r"state: 'ALARMED' is not allowed \(did you mean 'ALARM'\?\)"),
        ({"state": "OK", "previous_state": "OK"},
         r"previous_state: state and previous_state are both 'OK'; an alarm action runs on a "
         r"change of state"),
        ({"kind": "metric", "actions_suppressed_by": "Alarm"},
         r"actions_suppressed_by: only composite alarms suppress actions"),
        ({"kind": "composite", "threshold": 1.0}, r"threshold: only metric alarms have it"),
        ({"kind": "metric", "alarm_rule": "ALARM(a)"}, r"alarm_rule: only composite alarms"),
        ({"kind": "composite", "alarm_rule": "a OR b"}, r"alarm_rule: 'a OR b' names no alarm"),
        ({"period": 45}, r"period: 45 s; CloudWatch alarms allow 10, 20, 30 or a multiple of 60"),
        ({"period": 5}, r"period: 5 is below AWS's minimum 10"),
        ({"alarm_name": "x" * 256}, r"alarm_name: 256 characters; alarm names have 1 to 255"),
        ({"dimensions": {"a": 1}}, r"dimensions: up to 30 dimensions, each name -> str value"),
        ({"statistic": "Avg"}, r"statistic: 'Avg' is not allowed"),
        ({"alarmname": "x"}, r"unknown override 'alarmname' \(did you mean 'alarm_name'\?\)"),
        ({"threshold": "high"}, r"threshold: expected float, got str 'high'"),
        ({"threshold": float("nan")}, r"threshold: nan; CloudWatch thresholds are finite numbers"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("cloudwatch_alarm", 1, **overrides)


@pytest.mark.parametrize("seed", range(60))
def test_the_default_build_is_the_general_one(seed: int) -> None:
    """Without overrides the builder takes a direct path: it must build the event the general
    path builds (an override equal to the drawn kind takes that path)."""
    event = build_event("cloudwatch_alarm", seed)
    configuration = event["alarmData"]["configuration"]
    if "alarmRule" in configuration:
        kind = "composite"
    else:
        kind = "math" if len(configuration["metrics"]) > 1 else "metric"
    assert event == build_event("cloudwatch_alarm", seed, kind=kind)
