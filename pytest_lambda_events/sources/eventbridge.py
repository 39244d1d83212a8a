"""EventBridge (CloudWatch Events): the generic envelope, by default an EC2 state change
(shapes.md section 11), and the rule-based "Scheduled Event" (section 12)."""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_record
from ..registry import EventSource, Option, Options
from ..timefmt import iso_z, iso_z_of_ms

EC2_STATE_CHANGE = "EC2 Instance State-change Notification"
EC2_STATES = ("pending", "running", "stopping", "stopped", "shutting-down", "terminated")
MAX_DETAIL_TYPE = 128
MAX_SOURCE = 256
_INSTANCE_ID = re.compile(r"^i-([0-9a-f]{8}|[0-9a-f]{17})$")
_RULE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_CUSTOM_DETAIL_TYPES = (
    "Order Created",
    "Payment Received",
    "User Signed Up",
    "Invoice Paid",
    "Shipment Dispatched",
    "Report Ready",
)
_COMPANIES = ("acme", "example", "mycompany", "contoso")


def _envelope(
    ctx: BuildContext, o: Options, detail_type: str, source: str, time: str, uuid: bytes
) -> dict[str, Any]:
    """The envelope keys in AWS's order, up to ``resources`` and ``detail``; ``uuid`` is 16
    random bytes for the id when none is given."""
    event_id: str | None = o.id
    if event_id is None:
        event_id = aws.uuid4_from(uuid)
    elif not event_id:
        ctx.fail("id", "the event id is a non-empty string (EventBridge sends a UUID)")
    return {
        "version": "0",
        "id": event_id,
        "detail-type": detail_type,
        "source": source,
        "account": ctx.account_id,
        "time": time,
        "region": ctx.region,
    }


def _check_text(ctx: BuildContext, option: str, value: str | None, limit: int) -> None:
    if value is not None and not 0 < len(value) <= limit:
        ctx.fail(option, f"{len(value)} characters; EventBridge allows 1 to {limit}")


def _ec2_detail(ctx: BuildContext, o: Options, raw: bytes) -> tuple[dict[str, Any], list[str]]:
    """The state change's detail and resources, drawn from 10 random bytes."""
    instance: str | None = o.instance_id
    if instance is None:
        instance = f"i-{raw.hex()[:17]}"
    elif not _INSTANCE_ID.match(instance):
        ctx.fail("instance_id", f"{instance!r} is not an EC2 instance id ('i-' + 17 hex digits)")
    detail = (
        o.detail
        if o.detail is not None
        else {"instance-id": instance, "state": o.state or EC2_STATES[raw[9] % len(EC2_STATES)]}
    )
    instance = str(detail.get("instance-id", instance))
    return detail, [ctx.arn("ec2", f"instance/{instance}")]


def _custom_source(ctx: BuildContext) -> str:
    return f"com.{aws.pick(ctx, _COMPANIES)}.{aws.pick(ctx, NOUNS)}"


def build_eventbridge(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """An EventBridge event: an EC2 state change by default, or a custom detail-type."""
    _check_text(ctx, "detail_type", o.detail_type, MAX_DETAIL_TYPE)
    _check_text(ctx, "source", o.source, MAX_SOURCE)
    raw = ctx.randbytes(26)  # the id, then the instance id and state
    ec2 = o.detail_type == EC2_STATE_CHANGE or (
        o.detail_type is None and o.source in (None, "aws.ec2")
    )
    if ec2:
        if o.source not in (None, "aws.ec2"):
            ctx.fail("source", f"{EC2_STATE_CHANGE!r} events come from 'aws.ec2', not {o.source!r}")
        detail_type, source = EC2_STATE_CHANGE, "aws.ec2"
        detail, resources = _ec2_detail(ctx, o, raw[16:])
    else:
        for option in ("instance_id", "state"):
            if getattr(o, option) is not None:
                ctx.fail(
                    option,
                    f"only {EC2_STATE_CHANGE!r} events have it; drop detail_type or "
                    "put it in detail",
                )
        detail_type = o.detail_type or aws.pick(ctx, _CUSTOM_DETAIL_TYPES)
        source = o.source or _custom_source(ctx)
        detail = o.detail if o.detail is not None else business_record(ctx)
        resources = []
    event = _envelope(ctx, o, detail_type, source, iso_z_of_ms(ctx.time_ms), raw)
    event["resources"] = list(o.resources) if o.resources is not None else resources
    event["detail"] = detail
    if o.replay_name is not None:
        event["replay-name"] = o.replay_name
    return event


@functools.lru_cache(maxsize=64)
def _valid_rule_name(name: str) -> bool:
    # the harness builds every event of a rule with its name: check each name once
    return _RULE_NAME.match(name) is not None


def _rule_name(raw: bytes) -> str:
    """A drawn rule name such as ``orders-invoices-worker-schedule`` (from 6 random bytes)."""
    bits = int.from_bytes(raw)
    first, second = NOUNS[(bits & 0xFFFF) % len(NOUNS)], NOUNS[(bits >> 16 & 0xFFFF) % len(NOUNS)]
    return f"{first}-{second}-{ROLES[(bits >> 32) % len(ROLES)]}-schedule"


def build_scheduled(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """The "Scheduled Event" a schedule rule sends, at the minute it was due."""
    raw = ctx.randbytes(22)  # the id, then the rule name
    rule: str | None = o.rule_name
    if rule is None:
        rule = _rule_name(raw[16:])
    elif not _valid_rule_name(rule):
        ctx.fail("rule_name", f"{rule!r} is not a rule name: 1-64 letters, digits, '.', '-', '_'")
    event = _envelope(
        ctx, o, "Scheduled Event", "aws.events", _due(ctx, o.schedule_expression), raw
    )
    event["resources"] = [ctx.arn("events", f"rule/{rule}")]
    event["detail"] = {}
    return event


def _due(ctx: BuildContext, expression: str | None) -> str:
    """The envelope time: schedules have one-minute precision, so the minute the rule was due."""
    if expression is None:
        return iso_z_of_ms(ctx.time_ms)[:17] + "00Z"  # the event time's minute, cut from its text
    return iso_z(_fire_time(ctx, expression))


def _fire_time(ctx: BuildContext, expression: str | None) -> datetime:
    """The minute the rule was due: the expression's first fire time at or after the event
    time (any minute, for a rate: it counts from the rule's creation, which the event does not
    say)."""
    minute = ctx.time.replace(second=0, microsecond=0)
    if expression is None:
        return minute
    from ..flows.schedule_expressions import parse

    schedule = parse(expression)  # ScheduleExpressionError names what AWS accepts
    if schedule.kind == "rate":
        return minute
    fire = schedule.next_after(minute - timedelta(minutes=1))
    if fire is None:
        ctx.fail("schedule_expression", f"{expression} never fires after {iso_z(minute)}")
    return fire


SOURCES = (
    EventSource(
        id="eventbridge",
        service="Amazon EventBridge",
        invocation="async",
        builder=build_eventbridge,
        description="EventBridge event (default: EC2 Instance State-change Notification)",
        options=(
            Option("detail_type", str, "detail-type (default: the EC2 instance state change)"),
            Option("source", str, "source, e.g. 'aws.ec2' or a custom 'com.example.orders'"),
            Option("detail", dict, "the detail object"),
            Option("resources", list, "resources: ARNs the event concerns", item_type=str),
            Option("id", str, "the event id (a UUID)"),
            Option("replay_name", str, "replay-name: only on events replayed from an archive"),
            Option("instance_id", str, "EC2 state change: the instance id ('i-' + 17 hex)"),
            Option("state", str, "EC2 state change: the new state", choices=EC2_STATES),
        ),
    ),
    EventSource(
        id="scheduled",
        service="Amazon EventBridge",
        invocation="async",
        builder=build_scheduled,
        description="EventBridge scheduled rule 'Scheduled Event'",
        marker_argument="schedule_expression",
        options=(
            Option("rule_name", str, "name of the schedule rule (resources = [its ARN])"),
            Option(
                "schedule_expression",
                str,
                "the rule's rate(...) or cron(...): time is its "
                "next fire time at or after the event time (a marker's argument)",
            ),
            Option("id", str, "the event id (a UUID)"),
        ),
    ),
)
