"""Amazon CloudWatch: the event a Lambda alarm action receives when a metric or composite
alarm changes state (shapes.md section 35)."""

from __future__ import annotations

import math
import re
from json.encoder import encode_basestring as _quote  # C: json.dumps's escaping of one string
from typing import Any

from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS, iso_of_ms

# A build draws its bits in one call (pool calls and ``ctx.rng``'s seeding cost more than the
# rest of the build); the byte offsets in that draw:
_B_KIND, _B_COINS, _B_ROW, _B_EVALUATIONS, _B_RESOURCE, _B_NOUN, _B_PREVIOUS = 0, 1, 2, 3, 4, 13, 14
_B_OFFSETS = 18  # one byte per state change: its query delay or its child alarm's lead
_B_POINTS = 20  # per state change 15 bytes: 5 datapoints of a 2-byte value and a count
_DRAW = 50
_COUNTS = tuple(f"{1 + b * 50 // 256}.0" for b in range(256))  # a byte -> a sampleCount

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


def _transition(state: str, previous: str, when_ms: int, at: int) -> dict[str, Any]:
    """A state change at epoch ms ``when_ms``; ``at``: its index (where its bits are)."""
    return {"value": state, "previous": previous, "timestamp": when_ms, "at": at}


def _iso_s(seconds: int) -> str:
    """``2024-05-01T12:00:00`` of epoch ``seconds``."""
    return iso_of_ms(seconds * 1000)[:19]


def _isos(newest: int, period: int, n: int) -> list[str]:
    """``_iso_s`` of ``n`` datapoints, the newest first, ``period`` seconds apart."""
    day, first = divmod(newest, 86_400)
    last = first - (n - 1) * period
    if last < 0:  # across midnight
        return [_iso_s(newest - i * period) for i in range(n)]
    date, two = iso_of_ms(day * 86_400_000)[:10], TWO_DIGITS  # one day: its date once
    return [
        f"{date}T{two[s // 3600]}:{two[s // 60 % 60]}:{two[s % 60]}"
        for s in range(first, last - 1, -period)
    ]


def _iso_ms_offset(ms: int) -> str:
    """``2024-02-17T11:53:08.431+0000`` of epoch ``ms``."""
    return iso_of_ms(ms) + "+0000"


def _num(x: float) -> str:
    return repr(float(x))


class _Metric:
    """The metric alarm's settings, drawn once and shared by both states' reasons."""

    def __init__(self, ctx: BuildContext, o: Options, raw: bytes) -> None:
        row = _METRICS[raw[_B_ROW] * len(_METRICS) >> 8]
        namespace, name, dimension, statistic, period, threshold, typical = row
        resource = _dimension_value(dimension, raw)
        self.namespace: str = o.namespace or namespace
        self.name: str = o.metric_name or name
        self.dimensions: dict[str, str] = (
            dict(o.dimensions) if o.dimensions is not None else {dimension: resource}
        )
        self.statistic: str = o.statistic or statistic
        self.period: int = o.period or period
        self.threshold: float = float(o.threshold if o.threshold is not None else threshold)
        self.typical = typical if o.threshold is None else self.threshold / 2
        self.evaluations = (1, 1, 3, 5)[raw[_B_EVALUATIONS] & 3]
        self.resource = resource

    def reason(self, raw: bytes, change: dict[str, Any]) -> tuple[str, str]:
        """The ``reason`` text and ``reasonData`` JSON of one state change."""
        at = change["at"]
        query_ms: int = change["timestamp"] - 3 - raw[_B_OFFSETS + at] * 20 // 256
        period, n = self.period, self.evaluations
        # the newest complete period ends one period before the query; datapoints fall on whole
        # seconds, so one ISO text per datapoint gives both of its formats
        newest = (query_ms // 1000 // period - 2) * period
        query = iso_of_ms(query_ms)
        day, first = divmod(newest, 86_400)
        last = first - (n - 1) * period
        if last >= 0 and day == query_ms // 86_400_000:  # the query's day: its date text
            date, two = query[:10], TWO_DIGITS
            isos = [
                f"{date}T{two[s // 3600]}:{two[s // 60 % 60]}:{two[s % 60]}"
                for s in range(first, last - 1, -period)
            ]
        else:
            isos = _isos(newest, period, n)
        # reasonData is compact JSON, written directly (every value is a finite number or a
        # text without characters to escape)
        head = (
            f'{{"version":"1.0","queryDate":"{query}+0000",'
            f'"startDate":"{isos[-1]}.000+0000",'
            f'"statistic":"{self.statistic}","period":{period},'
        )
        threshold = repr(self.threshold)
        if change["value"] == "INSUFFICIENT_DATA":
            evaluated = ",".join([f'{{"timestamp":"{t}.000+0000"}}' for t in isos])
            text = f"Insufficient Data: {n} datapoint{' was' if n == 1 else 's were'} unknown."
            return text, (
                f'{head}"recentDatapoints":[],"threshold":{threshold},'
                f'"evaluatedDatapoints":[{evaluated}]}}'
            )
        breaching = change["value"] == "ALARM"
        # each datapoint's value, its reasonData item and its place in the reason text, in one
        # loop. A value is a whole number of tenths from 16 random bits, written as
        # integers (round(x, 1) and a float's repr cost more than the rest of the datapoint).
        if breaching:
            scale, offset = self.threshold * 1.5, self.threshold * 1.05 + 1
        else:
            scale, offset = min(self.typical, self.threshold), 0.0
        scale, offset = scale * 10 / 65536, offset * 10 + 0.5  # in tenths, rounded to nearest
        i = _B_POINTS + 15 * at
        if n == 1:  # half the metric alarms: one datapoint, no lists to join
            iso = isos[0]
            tenths = int((raw[i] << 8 | raw[i + 1]) * scale + offset)
            v = f"{tenths // 10}.{tenths % 10}"
            data = (
                f'{head}"recentDatapoints":[{v}],"threshold":{threshold},"evaluatedDatapoints":'
                f'[{{"timestamp":"{iso}.000+0000","sampleCount":{_COUNTS[raw[i + 2]]},'
                f'"value":{v}}}]}}'
            )
            return (
                f"Threshold Crossed: 1 out of the last 1 datapoints [{v} ({iso[8:10]}/"
                f"{iso[5:7]}/{iso[2:4]} {iso[11:19]})] was {'' if breaching else 'not '}greater "
                f"than the threshold ({threshold}) (minimum 1 datapoint for "
                f"{change['previous']} -> {change['value']} transition).",
                data,
            )
        values, items, points = [], [], []
        for iso in isos:
            tenths = int((raw[i] << 8 | raw[i + 1]) * scale + offset)
            v = f"{tenths // 10}.{tenths % 10}"
            values.append(v)
            items.append(
                f'{{"timestamp":"{iso}.000+0000","sampleCount":{_COUNTS[raw[i + 2]]},"value":{v}}}'
            )
            points.append(f"{v} ({iso[8:10]}/{iso[5:7]}/{iso[2:4]} {iso[11:19]})")
            i += 3
        values.reverse()
        data = (
            f'{head}"recentDatapoints":[{",".join(values)}],'
            f'"threshold":{threshold},"evaluatedDatapoints":[{",".join(items)}]}}'
        )
        text = (
            f"Threshold Crossed: {n} out of the last {n} datapoints [{', '.join(points)}] was "
            f"{'' if breaching else 'not '}greater than the threshold ({threshold}) "
            f"(minimum {n} datapoint{'' if n == 1 else 's'} for {change['previous']} -> "
            f"{change['value']} transition)."
        )
        return text, data

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


def _dimension_value(dimension: str, raw: bytes) -> str:
    at = _B_RESOURCE
    if dimension == "InstanceId":
        return f"i-{raw[at : at + 9].hex()[:17]}"
    noun = NOUNS[raw[at] * len(NOUNS) >> 8]
    return f"{noun}-{('api', 'worker', 'ingest', 'jobs')[raw[at + 1] & 3]}"


def _composite_reason(raw: bytes, change: dict[str, Any], child_arn: str) -> tuple[str, str]:
    """A composite alarm's reason: the child alarm whose change triggered the rule."""
    child_ms: int = change["timestamp"] - raw[_B_OFFSETS + change["at"]] * 120 // 256 * 1000
    iso = iso_of_ms(child_ms) + "+0000"
    weekday = (child_ms // 86_400_000 + 3) % 7  # 1970-01-01 was a Thursday
    when = (
        f"{_WEEKDAYS[weekday]} {iso[8:10]} {_MONTHS[int(iso[5:7]) - 1]}, {iso[:4]} {iso[11:19]} UTC"
    )
    value = change["value"]
    data = (
        f'{{"triggeringAlarms":[{{"arn":{_quote(child_arn)},'
        f'"state":{{"value":"{value}","timestamp":"{iso}"}}}}]}}'
    )
    return f"{child_arn} transitioned to {value} at {when}", data


def _states(ctx: BuildContext, o: Options, composite: bool, raw: bytes) -> tuple[str, str]:
    coins = raw[_B_COINS]
    state: str = o.state or ("ALARM" if coins & 15 < 10 else "OK")
    suppressed = o.actions_suppressed_by is not None
    if suppressed and not composite:
        ctx.fail(
            "actions_suppressed_by", "only composite alarms suppress actions; kind='composite'"
        )
    previous: str | None = o.previous_state
    if previous is None:
        others = [s for s in ("OK", "ALARM", "INSUFFICIENT_DATA") if s != state]
        previous = state if suppressed else others[0 if coins >> 4 < 14 else 1]
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


def _alarm_name(metric: _Metric | None, raw: bytes) -> str:
    if metric is None:
        return f"{NOUNS[raw[_B_NOUN] * len(NOUNS) >> 8]}-service-health"
    return f"{metric.resource}-{metric.name.lower()}-high"


def _default_kind(raw: bytes, o: Options) -> str:
    """A kind the other overrides fit: a rule or suppression means composite, metric settings
    mean a metric alarm."""
    if o.alarm_rule is not None or o.actions_suppressed_by is not None:
        return "composite"
    drawn = ("metric", "metric", "math", "composite")[raw[_B_KIND] & 3]
    if drawn == "composite" and any(getattr(o, name) is not None for name in _METRIC_OPTIONS):
        return "metric"
    return drawn


def _state_dict(value: str, reason: str, data: str, at: str) -> dict[str, Any]:
    return {"value": value, "reason": reason, "reasonData": data, "timestamp": at}


def build_cloudwatch_alarm(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An alarm state change: the new state, the one before it, and the alarm's configuration."""
    raw = ctx.getrandbits(8 * _DRAW).to_bytes(_DRAW, "little")  # ctx.randbytes, one call less
    if o.is_default:
        return _default_event(ctx, o, raw)
    kind: str = o.kind or _default_kind(raw, o)
    composite = kind == "composite"
    _check(ctx, o, composite)
    state, previous = _states(ctx, o, composite, raw)
    metric = None if composite else _Metric(ctx, o, raw)
    name: str = o.alarm_name or _alarm_name(metric, raw)
    # times as epoch ms (datetime arithmetic costs more); the previous change: a minute to two
    # days earlier
    now_ms = ctx.time_ms
    lead = int.from_bytes(raw[_B_PREVIOUS : _B_PREVIOUS + 4]) * 172_800_000 >> 32
    prev_ms = now_ms - 60_000 - lead
    before = state if state != previous else next(s for s in STATES if s != previous)
    changes = (_transition(state, previous, now_ms, 0), _transition(previous, before, prev_ms, 1))
    if composite:
        configuration, child = _composite_configuration(ctx, o, name)
        reasons = [_composite_reason(raw, c, child) for c in changes]
    else:
        assert metric is not None
        configuration = {"metrics": metric.entries(kind == "math")}
        reasons = [metric.reason(raw, c) for c in changes]
    default = metric.description() if metric else f"{name}: errors or latency of the service"
    description = o.alarm_description if o.given("alarm_description") else default
    if description is not None:  # absent when the alarm has no description
        configuration = {"description": description, **configuration}
    now = iso_of_ms(ctx.time_ms) + "+0000"  # the event's time is the new state's timestamp
    new_state = _state_dict(state, *reasons[0], now)
    old_state = _state_dict(previous, *reasons[1], _iso_ms_offset(prev_ms))
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


_DEFAULT_KINDS = ("metric", "metric", "math", "composite")
# a drawn new state -> the previous states it can follow (the first far more often)
_PREVIOUS = {"ALARM": ("OK", "INSUFFICIENT_DATA"), "OK": ("ALARM", "INSUFFICIENT_DATA")}


def _default_event(ctx: BuildContext, o: Options, raw: bytes) -> dict[str, Any]:
    """``build_cloudwatch_alarm`` for the default options (``o``: all unset), without the
    checks and choices overrides need: the same event."""
    kind = _DEFAULT_KINDS[raw[_B_KIND] & 3]
    coins = raw[_B_COINS]
    state = "ALARM" if coins & 15 < 10 else "OK"
    previous = _PREVIOUS[state][0 if coins >> 4 < 14 else 1]
    now_ms = ctx.time_ms
    prev_ms = (
        now_ms - 60_000 - (int.from_bytes(raw[_B_PREVIOUS : _B_PREVIOUS + 4]) * 172_800_000 >> 32)
    )
    new = {"value": state, "previous": previous, "timestamp": now_ms, "at": 0}
    old = {"value": previous, "previous": state, "timestamp": prev_ms, "at": 1}
    arn = f"arn:{ctx.partition}:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:"
    configuration: dict[str, Any]
    if kind == "composite":
        name = f"{NOUNS[raw[_B_NOUN] * len(NOUNS) >> 8]}-service-health"
        configuration = {"description": f"{name}: errors or latency of the service",
                         "alarmRule": f"ALARM({name}-errors) OR ALARM({name}-latency)"}  # fmt: skip
        child = f"{arn}{name}-errors"  # the rule's first child alarm
        new_reason, old_reason = (
            _composite_reason(raw, new, child),
            _composite_reason(raw, old, child),
        )
    else:
        metric = _Metric(ctx, o, raw)
        name = f"{metric.resource}-{metric.name.lower()}-high"
        configuration = {"description": metric.description(),
                         "metrics": metric.entries(kind == "math")}  # fmt: skip
        new_reason, old_reason = metric.reason(raw, new), metric.reason(raw, old)
    now = iso_of_ms(now_ms) + "+0000"  # the event's time is the new state's timestamp
    return {
        "source": "aws.cloudwatch", "alarmArn": arn + name, "accountId": ctx.account_id,
        "time": now, "region": ctx.region,
        "alarmData": {
            "alarmName": name,
            "state": {"value": state, "reason": new_reason[0], "reasonData": new_reason[1],
                      "timestamp": now},
            "previousState": {"value": previous, "reason": old_reason[0],
                              "reasonData": old_reason[1],
                              "timestamp": iso_of_ms(prev_ms) + "+0000"},
            "configuration": configuration,
        },
    }  # fmt: skip


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
