"""Amazon CloudWatch: the event a Lambda alarm action receives when a metric or composite
alarm changes state (shapes.md section 35)."""

from __future__ import annotations

import math
import random
import re
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring as _quote  # C: json.dumps's escaping of one string
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_offset

STATES = ("ALARM", "OK", "INSUFFICIENT_DATA")
KINDS = ("metric", "math", "composite")
STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum", "p90", "p95", "p99")
SUPPRESSORS = ("Alarm", "WaitPeriod", "ExtensionPeriod")
MAX_NAME = 255
MAX_DESCRIPTION = 1024
MAX_DIMENSIONS = 30
_METRIC_OPTIONS = ("namespace", "metric_name", "dimensions", "statistic", "period", "threshold")
_RULE_TERM = re.compile(r"\b(ALARM|OK|INSUFFICIENT_DATA)\(\s*\"?([^\")]+?)\"?\s*\)")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
# (namespace, metric, dimension name, statistic, period, threshold, typical value)
_METRICS = (
    ("AWS/Lambda", "Errors", "FunctionName", "Sum", 60, 5.0, 2.0),
    ("AWS/Lambda", "Duration", "FunctionName", "p99", 300, 3000.0, 1200.0),
    ("AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", "Maximum", 300, 600.0, 120.0),
    ("AWS/EC2", "CPUUtilization", "InstanceId", "Average", 300, 80.0, 35.0),
    ("AWS/DynamoDB", "ThrottledRequests", "TableName", "Sum", 60, 10.0, 1.0),
    ("AWS/ApiGateway", "5XXError", "ApiName", "Sum", 60, 10.0, 2.0),
)


def _transition(state: str, previous: str, when: datetime) -> dict[str, Any]:
    return {"value": state, "previous": previous, "timestamp": when}


def _label(iso: str) -> str:
    """``dd/mm/yy HH:MM:SS`` (the reason text's datapoint times) cut from an ISO 8601 time."""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[2:4]} {iso[11:19]}"


def _num(x: float) -> str:
    return repr(float(x))


class _Metric:
    """The metric alarm's settings, drawn once and shared by both states' reasons."""

    def __init__(self, ctx: BuildContext, o: Options) -> None:
        rng = ctx.rng
        row = _METRICS[int(rng.random() * len(_METRICS))]
        namespace, name, dimension, statistic, period, threshold, typical = row
        resource = _dimension_value(ctx, dimension)
        self.namespace: str = o.namespace or namespace
        self.name: str = o.metric_name or name
        self.dimensions: dict[str, str] = (
            dict(o.dimensions) if o.dimensions is not None else {dimension: resource}
        )
        self.statistic: str = o.statistic or statistic
        self.period: int = o.period or period
        self.threshold: float = float(o.threshold if o.threshold is not None else threshold)
        self.typical = typical if o.threshold is None else self.threshold / 2
        self.evaluations = (1, 1, 3, 5)[int(rng.random() * 4)]
        self.resource = resource

    def reason(self, rng: random.Random, change: dict[str, Any]) -> tuple[str, str]:
        """The ``reason`` text and ``reasonData`` JSON of one state change."""
        at: datetime = change["timestamp"]
        query = at - timedelta(milliseconds=3 + int(rng.random() * 20))
        step = timedelta(seconds=self.period)
        # the newest complete period ends one period before the query; datapoints fall on whole
        # seconds, so one ISO text per datapoint gives both of its formats
        newest = datetime.fromtimestamp(
            (int(query.timestamp()) // self.period - 2) * self.period, UTC
        )
        isos = [(newest - i * step).isoformat()[:19] for i in range(self.evaluations)]
        stamps = [iso + ".000+0000" for iso in isos]
        # reasonData is compact JSON, written directly (every value is a finite number or a
        # text without characters to escape)
        head = (
            f'{{"version":"1.0","queryDate":"{iso_ms_offset(query)}","startDate":"{stamps[-1]}",'
            f'"statistic":"{self.statistic}","period":{self.period},'
        )
        threshold = _num(self.threshold)
        if change["value"] == "INSUFFICIENT_DATA":
            evaluated = ",".join([f'{{"timestamp":"{t}"}}' for t in stamps])
            n = self.evaluations
            text = f"Insufficient Data: {n} datapoint{' was' if n == 1 else 's were'} unknown."
            return text, (
                f'{head}"recentDatapoints":[],"threshold":{threshold},'
                f'"evaluatedDatapoints":[{evaluated}]}}'
            )
        breaching = change["value"] == "ALARM"
        values = [self._value(rng, breaching) for _ in stamps]
        evaluated = ",".join([
            f'{{"timestamp":"{t}","sampleCount":{1 + int(rng.random() * 50)}.0,"value":{v!r}}}'
            for t, v in zip(stamps, values, strict=True)
        ])  # fmt: skip
        data = (
            f'{head}"recentDatapoints":[{",".join(map(repr, values[::-1]))}],'
            f'"threshold":{threshold},"evaluatedDatapoints":[{evaluated}]}}'
        )
        points = ", ".join(
            [f"{_num(v)} ({_label(iso)})" for iso, v in zip(isos, values, strict=True)]
        )
        n = self.evaluations
        text = (
            f"Threshold Crossed: {n} out of the last {n} datapoints [{points}] was "
            f"{'' if breaching else 'not '}greater than the threshold ({_num(self.threshold)}) "
            f"(minimum {n} datapoint{'' if n == 1 else 's'} for {change['previous']} -> "
            f"{change['value']} transition)."
        )
        return text, data

    def _value(self, rng: random.Random, breaching: bool) -> float:
        if breaching:
            return round(self.threshold * (1.05 + rng.random() * 1.5) + 1, 1)
        return round(min(self.typical, self.threshold) * rng.random(), 1)

    def entries(self, math: bool) -> list[dict[str, Any]]:
        """``configuration.metrics``: the metric, or an error rate over it and a count."""
        first = self._stat(self.name, self.statistic)
        if not math:
            return [{"id": "m1", "metricStat": first, "returnData": True}]
        # an error rate: the metric over the invocation count (or its own sample count)
        lambda_metric = self.namespace == "AWS/Lambda"
        second = self._stat(
            "Invocations" if lambda_metric else self.name, "Sum" if lambda_metric else "SampleCount"
        )
        return [
            {"id": "e1", "expression": "100*(m1/m2)", "label": f"{self.name} rate (%)",
             "returnData": True},
            {"id": "m1", "metricStat": first, "returnData": False},
            {"id": "m2", "metricStat": second, "returnData": False},
        ]  # fmt: skip

    def _stat(self, name: str, stat: str) -> dict[str, Any]:
        metric = {"namespace": self.namespace, "name": name, "dimensions": dict(self.dimensions)}
        return {"metric": metric, "period": self.period, "stat": stat}

    def description(self) -> str:
        return f"{self.name} of {self.resource} above {_num(self.threshold)}; pages on-call"


def _dimension_value(ctx: BuildContext, dimension: str) -> str:
    rng = ctx.rng
    if dimension == "InstanceId":
        return f"i-{ctx.hex(17)}"
    return f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ('api', 'worker', 'ingest', 'jobs'))}"


def _composite_reason(ctx: BuildContext, change: dict[str, Any], child_arn: str) -> tuple[str, str]:
    """A composite alarm's reason: the child alarm whose change triggered the rule."""
    at: datetime = change["timestamp"]
    child_at = at - timedelta(seconds=int(ctx.rng.random() * 120))
    iso = iso_ms_offset(child_at)
    when = (
        f"{_WEEKDAYS[child_at.weekday()]} {iso[8:10]} {_MONTHS[int(iso[5:7]) - 1]}, "
        f"{iso[:4]} {iso[11:19]} UTC"
    )
    value = change["value"]
    data = (
        f'{{"triggeringAlarms":[{{"arn":{_quote(child_arn)},'
        f'"state":{{"value":"{value}","timestamp":"{iso}"}}}}]}}'
    )
    return f"{child_arn} transitioned to {value} at {when}", data


def _states(ctx: BuildContext, o: Options, composite: bool) -> tuple[str, str]:
    rng = ctx.rng
    state: str = o.state or ("ALARM" if rng.random() < 0.6 else "OK")
    suppressed = o.actions_suppressed_by is not None
    if suppressed and not composite:
        ctx.fail(
            "actions_suppressed_by", "only composite alarms suppress actions; kind='composite'"
        )
    previous: str | None = o.previous_state
    if previous is None:
        others = [s for s in ("OK", "ALARM", "INSUFFICIENT_DATA") if s != state]
        previous = state if suppressed else others[0 if rng.random() < 0.85 else 1]
    if previous == state and not suppressed:
        ctx.fail(
            "previous_state",
            f"state and previous_state are both {state!r}; an alarm action runs on a change of "
            "state (the same state only when actions were suppressed: actions_suppressed_by)",
        )
    return state, previous


def _check(ctx: BuildContext, o: Options, composite: bool) -> None:
    name: str | None = o.alarm_name
    if name is not None and not 0 < len(name) <= MAX_NAME:
        ctx.fail("alarm_name", f"{len(name)} characters; alarm names have 1 to 255")
    if o.alarm_description is not None and len(o.alarm_description) > MAX_DESCRIPTION:
        ctx.fail("alarm_description", f"{len(o.alarm_description)} characters; at most 1,024")
    for option in _METRIC_OPTIONS if composite else ("alarm_rule",):
        if getattr(o, option) is not None:
            kind = "metric" if composite else "composite"
            ctx.fail(option, f"only {kind} alarms have it; pass kind={kind!r} or drop it")
    if o.threshold is not None and not math.isfinite(o.threshold):
        ctx.fail("threshold", f"{o.threshold}; CloudWatch thresholds are finite numbers")
    period: int | None = o.period
    if period is not None and period not in (10, 20, 30) and period % 60:
        ctx.fail("period", f"{period} s; CloudWatch alarms allow 10, 20, 30 or a multiple of 60")
    dims: dict[str, Any] | None = o.dimensions
    if dims is not None and (len(dims) > MAX_DIMENSIONS or not all(
            isinstance(v, str) for v in dims.values())):  # fmt: skip
        ctx.fail("dimensions", "up to 30 dimensions, each name -> str value")


def _alarm_name(ctx: BuildContext, metric: _Metric | None) -> str:
    rng = ctx.rng
    if metric is None:
        return f"{aws.pick(rng, NOUNS)}-service-health"
    return f"{metric.resource}-{metric.name.lower()}-high"


def _default_kind(rng: random.Random, o: Options) -> str:
    """A kind the other overrides fit: a rule or suppression means composite, metric settings
    mean a metric alarm."""
    if o.alarm_rule is not None or o.actions_suppressed_by is not None:
        return "composite"
    drawn = ("metric", "metric", "math", "composite")[int(rng.random() * 4)]
    if drawn == "composite" and any(getattr(o, name) is not None for name in _METRIC_OPTIONS):
        return "metric"
    return drawn


def _state_dict(value: str, reason: str, data: str, at: str) -> dict[str, Any]:
    return {"value": value, "reason": reason, "reasonData": data, "timestamp": at}


def build_cloudwatch_alarm(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An alarm state change: the new state, the one before it, and the alarm's configuration."""
    rng = ctx.rng
    kind: str = o.kind or _default_kind(rng, o)
    composite = kind == "composite"
    _check(ctx, o, composite)
    state, previous = _states(ctx, o, composite)
    metric = None if composite else _Metric(ctx, o)
    name: str = o.alarm_name or _alarm_name(ctx, metric)
    # the previous change: a minute to two days earlier
    prev_at = ctx.time - timedelta(milliseconds=60_000 + int(rng.random() * 172_800_000))
    before = state if state != previous else next(s for s in STATES if s != previous)
    changes = (_transition(state, previous, ctx.time), _transition(previous, before, prev_at))
    if composite:
        configuration, child = _composite_configuration(ctx, o, name)
        reasons = [_composite_reason(ctx, c, child) for c in changes]
    else:
        assert metric is not None
        configuration = {"metrics": metric.entries(kind == "math")}
        reasons = [metric.reason(rng, c) for c in changes]
    default = metric.description() if metric else f"{name}: errors or latency of the service"
    description = o.alarm_description if o.given("alarm_description") else default
    if description is not None:  # absent when the alarm has no description
        configuration = {"description": description, **configuration}
    now = iso_ms_offset(ctx.time)  # the event's time is the new state's timestamp
    new_state = _state_dict(state, *reasons[0], now)
    old_state = _state_dict(previous, *reasons[1], iso_ms_offset(prev_at))
    if o.actions_suppressed_by is not None:
        old_state["actionsSuppressedBy"] = o.actions_suppressed_by
        old_state["actionsSuppressedReason"] = f"Actions suppressed by {o.actions_suppressed_by}"
    return {
        "source": "aws.cloudwatch",
        "alarmArn": ctx.arn("cloudwatch", f"alarm:{name}"),
        "accountId": ctx.account_id,
        "time": now,
        "region": ctx.region,
        "alarmData": {
            "alarmName": name,
            "state": new_state,
            "previousState": old_state,
            "configuration": configuration,
        },
    }


def _composite_configuration(
    ctx: BuildContext, o: Options, name: str
) -> tuple[dict[str, Any], str]:
    """The composite alarm's rule and, with suppression, its suppressor; and the ARN of the
    child alarm named first in the rule, which is what triggered the change."""
    rule: str = o.alarm_rule or f"ALARM({name}-errors) OR ALARM({name}-latency)"
    term = _RULE_TERM.search(rule)
    if term is None:
        ctx.fail("alarm_rule", f"{rule!r} names no alarm; write e.g. 'ALARM(a) OR ALARM(b)'")
    child = term.group(2).strip()
    child_arn = child if child.startswith("arn:") else ctx.arn("cloudwatch", f"alarm:{child}")
    configuration: dict[str, Any] = {"alarmRule": rule}
    if o.actions_suppressed_by is not None:
        configuration["actionsSuppressor"] = f"{name}-maintenance"
        configuration["actionsSuppressorWaitPeriod"] = 120
        configuration["actionsSuppressorExtensionPeriod"] = 180
    return configuration, child_arn


SOURCES = (
    EventSource(
        id="cloudwatch_alarm",
        service="Amazon CloudWatch",
        invocation="async",
        builder=build_cloudwatch_alarm,
        description="CloudWatch alarm state change sent by a Lambda alarm action",
        options=(
            Option(
                "kind", str, "metric alarm, metric-math alarm or composite alarm", choices=KINDS
            ),
            Option("state", str, "the new state value", choices=STATES),
            Option("previous_state", str, "the state value before the change", choices=STATES),
            Option("alarm_name", str, "the alarm's name (alarmArn ends with it; 1 to 255)"),
            Option("alarm_description", str, "the alarm's description; None leaves it out"),
            Option("namespace", str, "metric alarms: the metric's namespace, e.g. 'AWS/Lambda'"),
            Option("metric_name", str, "metric alarms: the metric's name, e.g. 'Errors'"),
            Option("dimensions", dict, "metric alarms: the metric's dimensions (name -> value)"),
            Option("statistic", str, "metric alarms: the statistic", choices=STATISTICS),
            Option(
                "period",
                int,
                "metric alarms: seconds per datapoint (10, 20, 30 or n*60)",
                minimum=10,
                maximum=86_400,
            ),
            Option("threshold", float, "metric alarms: the threshold the datapoints cross"),
            Option("alarm_rule", str, "composite alarms: the rule, e.g. 'ALARM(a) OR ALARM(b)'"),
            Option(
                "actions_suppressed_by",
                str,
                "composite alarms: what suppressed the actions "
                "of the previous state (then state may equal previous_state)",
                choices=SUPPRESSORS,
            ),
        ),
    ),
)
