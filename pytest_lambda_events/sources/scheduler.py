"""EventBridge Scheduler: what a schedule's Lambda target receives (semantics.md 7.2, shapes.md
12). Scheduler sends exactly the target's ``Input`` JSON, with its context attributes
(``<aws.scheduler.schedule-arn>`` and friends) replaced; there is no envelope. A target without
``Input`` gets Scheduler's default notification: an EventBridge-style "Scheduled Event" from
``aws.scheduler`` whose ``detail`` is the string ``"{}"``."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES
from ..flows.scheduler_input import fill_context_attributes
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms, iso_of_ms, iso_z

MAX_ATTEMPTS = 186  # the first attempt and up to 185 retries (RetryPolicy.MaximumRetryAttempts)
MAX_EVENT_AGE = timedelta(seconds=86_400)  # RetryPolicy.MaximumEventAgeInSeconds at most
MAX_ASYNC_PAYLOAD = 1_048_576  # Scheduler invokes Lambda asynchronously: 1 MB (semantics 2.6)
_NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")  # schedule and group names
_JOBS = ("report", "cleanup", "export", "sync", "digest", "reminder", "rollup", "backup")
_PERIODS = ("hourly", "daily", "nightly", "weekly", "monthly")
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)  # random bytes -> execution id characters


def _check_name(ctx: BuildContext, option: str, value: str) -> str:
    if not _NAME.match(value):
        ctx.fail(option, f"{value!r}: 1 to 64 characters of 0-9 a-z A-Z - _ .")
    return value


def _scheduled_time(ctx: BuildContext, o: Options, bits: int) -> str:
    """When the schedule was due, as Scheduler writes it. Retries come later than the first
    attempt (exponential backoff, within the 24 h maximum event age), so the due time lies
    further back."""
    if o.scheduled_time is not None:
        due: datetime = o.scheduled_time
        if o.given("time") and not due <= ctx.time <= due + MAX_EVENT_AGE:
            ctx.fail(
                "scheduled_time",
                f"{iso_z(due)} with time={iso_z(ctx.time)}: Scheduler invokes at or after the "
                "scheduled time and gives up 24 hours after it",
            )
        return iso_z(due)
    at = ctx.time
    if o.attempt_number > 1:  # ``bits``: 16 random bits for the backoff's jitter
        at -= timedelta(seconds=int((o.attempt_number - 1) * 300 * (0.5 + bits / 65_536)))
    return iso_ms(at)[:17] + "00Z"  # schedules are due on the minute


def _default_input(
    o: Options, job: str, schedule_arn: str, due: str, execution_id: str, bits: int
) -> dict[str, Any]:
    """What the target decodes from a realistic ``Input`` using all four context attributes,
    once Scheduler has filled them in (built directly: the same result as filling the text and
    parsing it). The attempt number stands outside quotes there, so it is a JSON number."""
    return {
        "job": job,
        "tenantId": f"tenant-{bits & 0xFFFFFFFF:08x}",
        "scheduleArn": schedule_arn,
        "scheduledTime": due,
        "executionId": execution_id,
        "attemptNumber": o.attempt_number,
        "dryRun": (bits >> 32 & 255) < 51,  # one schedule in five is a dry run
    }


def _input_text(ctx: BuildContext, value: Any) -> str:
    if isinstance(value, str):
        if not value:
            ctx.fail("input", "Target.Input is at least 1 character of JSON text")
        return value
    try:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        ctx.fail("input", f"not JSON-serialisable ({exc}); give JSON text, a dict or a list")


def _given_input(
    ctx: BuildContext, o: Options, schedule_arn: str, due: str, execution_id: str
) -> Any:
    """The user's ``Input`` as the target gets it: placeholders filled, then decoded."""
    filled = fill_context_attributes(
        _input_text(ctx, o.input),
        schedule_arn=schedule_arn,
        scheduled_time=due,
        execution_id=execution_id,
        attempt_number=o.attempt_number,
    )
    if len(filled.encode()) > MAX_ASYNC_PAYLOAD:
        ctx.fail(
            "input",
            f"{len(filled.encode()):,} bytes; an asynchronous invocation carries "
            f"at most {MAX_ASYNC_PAYLOAD:,} (1 MB)",
        )
    try:
        return json.loads(filled)
    except ValueError:
        ctx.fail(
            "input",
            f"{filled[:80]!r} is not JSON once the context attributes are filled; "
            "a Lambda target's Input must be valid JSON text",
        )


def _default_notification(
    ctx: BuildContext, o: Options, schedule_arn: str, due: str
) -> dict[str, Any]:
    """Scheduler's payload when the target has no ``Input`` (shapes.md 12)."""
    for option in ("input", "execution_id"):
        if getattr(o, option) is not None:
            ctx.fail(option, "the default notification carries no Input; drop one of them")
    return {
        "version": "0",
        "id": ctx.uuid(),
        "detail-type": "Scheduled Event",
        "source": "aws.scheduler",
        "account": ctx.account_id,
        "time": due,
        "region": ctx.region,
        "resources": [schedule_arn],
        "detail": "{}",
    }


def _drawn_names(bits: int) -> tuple[str, str]:
    """A schedule name such as ``nightly-orders-export`` and its group (six in ten are in
    "default"), from 88 random bits; valid by construction."""
    name = (
        f"{_PERIODS[(bits & 0xFFFF) % len(_PERIODS)]}-{NOUNS[(bits >> 16 & 0xFFFF) % len(NOUNS)]}"
        f"-{_JOBS[(bits >> 32 & 0xFFFF) % len(_JOBS)]}"
    )
    if (bits >> 48 & 255) < 154:
        return name, "default"
    group = (
        f"{NOUNS[(bits >> 56 & 0xFFFF) % len(NOUNS)]}-{ROLES[(bits >> 72 & 0xFFFF) % len(ROLES)]}"
    )
    return name, group


def build_scheduler(ctx: BuildContext, o: Options) -> Any:
    """The event one attempt of a Scheduler schedule sends to its Lambda target."""
    # one draw: the names, the tenant and the dry run, the backoff, the execution id
    bits = ctx.getrandbits(272)
    name, group = _drawn_names(bits)
    if o.schedule_name is not None:
        name = _check_name(ctx, "schedule_name", o.schedule_name)
    if o.group is not None:
        group = _check_name(ctx, "group", o.group)
    schedule_arn = (
        f"arn:{ctx.partition}:scheduler:{ctx.region}:{ctx.account_id}:schedule/{group}/{name}"
    )
    if o.scheduled_time is None and o.attempt_number == 1:
        due = iso_of_ms(ctx.time_ms)[:17] + "00Z"  # the first attempt: the event time's minute
    else:
        due = _scheduled_time(ctx, o, bits >> 128 & 0xFFFF)
    if o.default_notification:
        return _default_notification(ctx, o, schedule_arn, due)
    execution_id: str | None = o.execution_id
    if execution_id is None:
        execution_id = (bits >> 144).to_bytes(16).translate(_LOWER_DIGITS).decode()
    elif not execution_id:
        ctx.fail("execution_id", "a non-empty id (Scheduler sends 16 characters, a-z 0-9)")
    if o.input is not None:
        return _given_input(ctx, o, schedule_arn, due, execution_id)
    return _default_input(o, name, schedule_arn, due, execution_id, bits >> 88)


SOURCES = (
    EventSource(
        id="scheduler",
        service="Amazon EventBridge Scheduler",
        invocation="async",
        builder=build_scheduler,
        description="EventBridge Scheduler target Input with its context attributes filled",
        options=(
            Option(
                "input",
                (dict, list, str),
                "Target.Input: JSON text, a dict or a list; "
                "<aws.scheduler.*> placeholders are filled in",
            ),
            Option("schedule_name", str, "the schedule's name (1-64 of 0-9 a-z A-Z - _ .)"),
            Option("group", str, "the schedule group's name (often 'default')"),
            Option(
                "attempt_number",
                int,
                "<aws.scheduler.attempt-number>: 1, then retries",
                1,
                minimum=1,
                maximum=MAX_ATTEMPTS,
            ),
            Option("scheduled_time", datetime, "<aws.scheduler.scheduled-time>: when it was due"),
            Option("execution_id", str, "<aws.scheduler.execution-id>: one per attempt"),
            Option(
                "default_notification",
                bool,
                "no Input: Scheduler's default 'Scheduled "
                'Event\' envelope (source aws.scheduler, detail "{}")',
                False,
            ),
        ),
    ),
)
