"""Schedules on the virtual clock: EventBridge rules on a schedule (``h.schedule``, semantics.md
7.1) and EventBridge Scheduler schedules (``h.scheduler``, 7.2).

Each schedule keeps one firing on the harness agenda and arms the next one when it fires, so a
schedule costs nothing until the clock reaches it. A handler invoked by a firing sees
``datetime.now()`` equal to the fire time: the asynchronous invocation's first attempt runs at
once (``flows/async_invoke.py`` queues it with no delay).

A rate or cron schedule without an end date never stops being due, so ``h.run()`` (run until
nothing is due) refuses it with ``HarnessStall``: schedules need ``h.advance(...)``.

Approximations (AWS does not document these; the closest documented behaviour is used):

* A rule that is disabled and enabled again keeps its rate grid (anchored at its creation) and
  fires at the next grid or cron time after it is enabled.
* Scheduler's flexible window: each firing happens at the scheduled time plus an offset drawn
  uniformly from [0, window) minutes, to the second, from the harness's seeded random source
  (AWS only says "at some point within the window"). ``fire_times`` record the scheduled time;
  the handler sees the actual one.
* Scheduler with no ``input`` sends the "Scheduled Event" envelope of shapes.md 12 (AWS's
  guide only says "a default notification"; the shape is that of the sample events Powertools
  and the SDKs carry).
* Dead-letter message attributes (names UNCONFIRMED in 7.1 and 7.2): a rule's carry
  ``RULE_ARN``, ``TARGET_ARN``, ``ERROR_CODE``, ``ERROR_MESSAGE``, ``RETRY_ATTEMPTS``; a
  schedule's ``ERROR_CODE``, ``ERROR_MESSAGE``, ``EXECUTION_ID``, ``IS_PAYLOAD_TRUNCATED``,
  ``RETRY_ATTEMPTS``, ``SCHEDULED_TIME``, ``SCHEDULE_ARN``, ``TARGET_ARN``. The body is the
  input the target would have got.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import HarnessStall, ScheduleConfigError, checked_arguments
from ..flows.event_input import TargetInput, constant_input
from ..flows.schedule_expressions import RateSchedule, Schedule, parse
from ..flows.scheduler_input import CONTEXT_ATTRIBUTES, fill_context_attributes
from ..ledger import Delivery
from ..timefmt import TWO_DIGITS, iso_z
from .eventbridge import Rule, RuleTarget

if TYPE_CHECKING:
    from . import Harness
    from .function import Function
    from .sqs import Queue

_JUST_BEFORE = timedelta(microseconds=1)
_SCHEDULE_NAME = re.compile(r"^[0-9a-zA-Z\-_.]{1,64}$")
FLEXIBLE_WINDOW_MINUTES = (1, 1440)
STATES = ("ENABLED", "DISABLED")
ACTIONS_AFTER_COMPLETION = ("NONE", "DELETE")
NextTime = Callable[[datetime], "datetime | None"]


class Clockwork:
    """One pending firing on the agenda at a time; ``stop()`` cancels it (a stale agenda entry
    finds its generation outdated and does nothing).

    ``period``: the schedule is a rate with no end, so the fire after a fire time is one period
    later (fire times are on its grid); ``next_time`` is asked only where the clock starts."""

    def __init__(
        self, harness: Harness, flow: str, next_time: NextTime, fire: Callable[[datetime], None],
        *, period: timedelta | None = None,
    ) -> None:  # fmt: skip
        self.harness, self.flow = harness, flow
        self._next_time, self._fire = next_time, fire
        self._period = period
        self._generation = 0
        self.next_fire: datetime | None = None

    def start(self, after: datetime) -> None:
        """Arm the first fire strictly after ``after``."""
        self.stop()
        self._arm(self._next_time(after))

    def stop(self) -> None:
        self._generation += 1
        self.next_fire = None

    def _arm(self, when: datetime | None) -> None:
        self.next_fire = when
        if when is not None:
            self.harness.agenda.at(when, self.flow, partial(self._due, self._generation, when))

    def _due(self, generation: int, when: datetime) -> None:
        if generation != self._generation:
            return
        self._arm(self._following(when))  # before firing: the firing may stop the schedule
        self._fire(when)

    def _following(self, when: datetime) -> datetime | None:
        if self._period is None:
            return self._next_time(when)
        try:
            return when + self._period
        except OverflowError:  # past year 9999
            return None


def refuse_endless_run(schedules: Iterable[ScheduledRule | SchedulerSchedule]) -> None:
    """``h.run()`` runs until nothing is due; a live rate/cron schedule with no end date is
    always due, so say so at once rather than after the agenda's step bound."""
    for schedule in schedules:
        if schedule.endless:
            when = schedule.clockwork.next_fire
            assert when is not None
            raise HarnessStall(
                f"h.run() runs until no work is due, but {schedule.describe()} fires forever "
                f"(next at {when.isoformat()}). Schedules need h.advance(...): e.g. "
                "h.advance(hours=1) runs every fire due in the next hour. (An at() schedule, an "
                "end_date, or disabling the schedule lets h.run() finish.)"
            )


class ScheduledRule(Rule):
    """An EventBridge rule with a ``ScheduleExpression`` (UTC, minute precision) on the default
    bus: at each due time it sends the "Scheduled Event" (or its target's input) to its target.
    ``rate(...)`` fires one period after the rule is created, then every period; ``cron(...)``
    at each matching minute."""

    def __init__(
        self, harness: Harness, expression: str, target: RuleTarget, target_input: TargetInput,
        *, name: str, enabled: bool,
    ) -> None:  # fmt: skip
        self.schedule: Schedule = parse(expression)  # ScheduleExpressionError: at() is refused
        bus = harness.event_bus("default")
        super().__init__(bus, name, target, target_input, expression=expression,
                         enabled=enabled, error=ScheduleConfigError)  # fmt: skip
        self.harness = harness
        self.created_at = harness.clock.now()
        period = self.schedule.period if isinstance(self.schedule, RateSchedule) else None
        self.clockwork = Clockwork(harness, f"schedule:rule/{name}", self._next, self._fire,
                                   period=period)  # fmt: skip

    @classmethod
    def create(
        cls, harness: Harness, expression: str, target: Function | Queue, *,
        name: str | None, input: Any, input_path: str | None, input_transformer: Any,
        enabled: bool, dead_letter_queue: Queue | None, maximum_retry_attempts: int,
        maximum_event_age: int, message_group_id: str | None,
    ) -> ScheduledRule:  # fmt: skip
        bus = harness.event_bus("default")
        name = bus.rule_name(name, target, kind="schedule", error=ScheduleConfigError)
        where = f"rule {name}"
        rule_target = RuleTarget(
            harness, target, dead_letter_queue=dead_letter_queue,
            maximum_retry_attempts=maximum_retry_attempts, maximum_event_age=maximum_event_age,
            message_group_id=message_group_id, setting=where, error=ScheduleConfigError,
        )  # fmt: skip
        target_input = TargetInput(input=input, input_path=input_path,
                                   input_transformer=input_transformer, setting=where,
                                   error=ScheduleConfigError)  # fmt: skip
        rule = cls(harness, expression, rule_target, target_input, name=name, enabled=enabled)
        bus.add_rule(rule)
        harness._schedules.append(rule)
        if enabled:
            rule.clockwork.start(rule.created_at)
        return rule

    @property
    def endless(self) -> bool:
        return self.enabled and self.clockwork.next_fire is not None

    def describe(self) -> str:
        return f"the schedule rule {self.name} ({self.expression})"

    @checked_arguments
    def enable(self) -> None:
        """``EnableRule``: fires again from the next due time after now."""
        if not self.enabled:
            super().enable()
            self.clockwork.start(self.harness.clock.now())

    @checked_arguments
    def disable(self) -> None:
        """``DisableRule``: no more fires until ``enable()``."""
        super().disable()
        self.clockwork.stop()

    def _next(self, after: datetime) -> datetime | None:
        return self.schedule.next_after(after, start=self.created_at)

    def _fire(self, when: datetime) -> None:
        self.fire_times.append(when)
        event_id, time = self.harness.new_request_id(), _iso_z(when)
        event = self._event(event_id, time)
        if self.input.passthrough:
            # the usual case: a function gets the event itself. Both copies are built here
            # rather than by a JSON round trip (dumps, then loads for events and for the target)
            delivery = self.target.invoke_directly(self._event(event_id, time))
            if delivery is not None:
                self.events.append(event)
                self.deliveries.append(delivery)
                return
        self.send(event, ingestion_time=when)

    def _event(self, event_id: str, time: str) -> dict[str, Any]:
        """The event a schedule rule sends when its target has no input of its own (7.1)."""
        harness = self.harness
        return {
            "version": "0", "id": event_id, "detail-type": "Scheduled Event",
            "source": "aws.events", "account": harness.account_id, "time": time,
            "region": harness.region, "resources": [self.arn], "detail": {},
        }  # fmt: skip


def _iso_z(when: datetime) -> str:
    """``iso_z(when)``, a few times cheaper: every firing formats its time, a C ``isoformat``
    costs as much as the rest of building the event, and fire times share their date."""
    if when.tzinfo is not UTC or when.year < 1000:
        return iso_z(when)
    day = _LAST_DAY[0]
    if day[0] != (ordinal := when.toordinal()):
        day = _LAST_DAY[0] = (ordinal, when.isoformat()[:11])
    two = TWO_DIGITS
    return f"{day[1]}{two[when.hour]}:{two[when.minute]}:{two[when.second]}Z"


_LAST_DAY = [(0, "")]  # the last date formatted: its ordinal and "yyyy-mm-ddT"


class SchedulerSchedule:
    """An EventBridge Scheduler schedule (``CreateSchedule``): ``rate``, ``cron`` or ``at``
    evaluated in ``timezone``, between ``start_date`` and ``end_date`` (both ignored by
    ``at``), invoking its target with exactly ``input`` (context attributes such as
    ``<aws.scheduler.scheduled-time>`` filled in; no EventBridge envelope).

    ``fire_times`` holds the scheduled times it fired at, ``events`` the inputs sent and
    ``deliveries`` the ``Delivery`` of each (for a function, its asynchronous invocation).
    """

    def __init__(
        self, harness: Harness, expression: str, target: RuleTarget, *, name: str, group: str,
        timezone: str, start_date: datetime | None, end_date: datetime | None,
        flexible_window: int | str | None, input: Any, state: str, action_after_completion: str,
    ) -> None:  # fmt: skip
        self.harness = harness
        self.schedule = parse(expression, allow_at=True)
        self.expression, self.name, self.group = expression, name, group
        self.timezone = timezone
        self.schedule.next_after(harness.clock.now(), timezone=timezone)  # checks the zone
        self.start_date = _utc(start_date, "start_date")
        self.end_date = _utc(end_date, "end_date")
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ScheduleConfigError(f"schedule {name}: end_date must be after start_date")
        self.flexible_window = _flexible_window(name, flexible_window)
        self.state = _choice(name, "state", state, STATES)
        self.action_after_completion = _choice(
            name, "action_after_completion", action_after_completion, ACTIONS_AFTER_COMPLETION
        )
        self.target = target
        self.arn = aws.arn(harness.partition, "scheduler", harness.region, harness.account_id,
                           f"schedule/{group}/{name}")  # fmt: skip
        self.input = _scheduler_input(name, input, target)
        self.created_at = harness.clock.now()
        self.deleted = False
        self.fire_times: list[datetime] = []
        self.events: list[Any] = []
        self.deliveries: list[Delivery] = []
        # a rate with no end date fires every period after its first fire
        period = (self.schedule.period if isinstance(self.schedule, RateSchedule)
                  and self.end_date is None else None)  # fmt: skip
        self.clockwork = Clockwork(harness, f"schedule:{group}/{name}", self._next, self._tick,
                                   period=period)  # fmt: skip

    @property
    def endless(self) -> bool:
        return (self.state == "ENABLED" and self.clockwork.next_fire is not None
                and self.schedule.kind != "at" and self.end_date is None)  # fmt: skip

    def describe(self) -> str:
        return f"the Scheduler schedule {self.group}/{self.name} ({self.expression})"

    @checked_arguments
    def enable(self) -> None:
        """``UpdateSchedule`` with ``State=ENABLED``."""
        self._check_not_deleted()
        if self.state != "ENABLED":
            self.state = "ENABLED"
            self.clockwork.start(self.harness.clock.now() - _JUST_BEFORE)

    @checked_arguments
    def disable(self) -> None:
        """``UpdateSchedule`` with ``State=DISABLED``: no fires until ``enable()``."""
        self._check_not_deleted()
        self.state = "DISABLED"
        self.clockwork.stop()

    @checked_arguments
    def delete(self) -> None:
        """``DeleteSchedule``: no more fires; the name is free again."""
        if not self.deleted:
            self.deleted = True
            self.clockwork.stop()
            self.harness._forget(f"schedule in group {self.group}", self.name)

    def _check_not_deleted(self) -> None:
        if self.deleted:
            raise ScheduleConfigError(f"schedule {self.group}/{self.name} was deleted "
                                      "(ResourceNotFoundException)")  # fmt: skip

    def _next(self, after: datetime) -> datetime | None:
        if self.schedule.kind == "at":
            return self.schedule.next_after(after, timezone=self.timezone)
        start = self.start_date or self.created_at
        when = self.schedule.next_after(after, timezone=self.timezone, start=start,
                                        first_at_start=True)  # fmt: skip
        # EndDate: "the date, in UTC, before which the schedule can invoke its target"
        return None if when is None or (self.end_date and when >= self.end_date) else when

    def _tick(self, scheduled: datetime) -> None:
        last = self.clockwork.next_fire is None
        offset = 0
        if self.flexible_window:
            offset = self.harness.rng.randrange(self.flexible_window * 60)
        if offset:
            self.harness.agenda.at(scheduled + timedelta(seconds=offset), self.clockwork.flow,
                                   lambda: self._fire(scheduled, last))  # fmt: skip
        else:
            self._fire(scheduled, last)

    def _fire(self, scheduled: datetime, last: bool) -> None:
        if self.deleted or self.state != "ENABLED":
            return
        execution_id = aws.chars(self.harness.rng, 16, aws.LOWER_DIGITS)
        self.fire_times.append(scheduled)
        self.deliveries.append(self._deliver(scheduled, execution_id))
        if last and self.action_after_completion == "DELETE":
            self.delete()

    def _deliver(self, scheduled: datetime, execution_id: str) -> Delivery:
        """Send ``Input`` with its context attributes replaced (one execution id per attempt)
        or, without an ``Input``, Scheduler's default notification; record what was sent."""
        time = _iso_z(scheduled)
        if self.input is None:
            event_id = aws.uuid4(self.harness.rng)
            notification = self._notification(event_id, time)
            # a function gets its own copy directly, without a JSON round trip
            delivery = self.target.invoke_directly(self._notification(event_id, time))
            if delivery is not None:
                self.events.append(notification)
                return delivery
            text = json.dumps(notification)
        else:
            text = fill_context_attributes(self.input, schedule_arn=self.arn,
                                           scheduled_time=time, execution_id=execution_id,
                                           attempt_number=1)  # fmt: skip
        try:
            self.events.append(json.loads(text))
        except ValueError:  # a queue target's input need not be JSON
            self.events.append(text)
        return self.target.send(
            text, flow=f"scheduler:{self.group}/{self.name}", deduplication_id=execution_id,
            dead_letter=self._dead_letter_attributes(scheduled, execution_id),
        )  # fmt: skip

    def _notification(self, event_id: str, time: str) -> dict[str, Any]:
        """Scheduler's default notification (shapes.md 12): a "Scheduled Event" from
        ``aws.scheduler`` whose ``detail`` is the string ``"{}"``."""
        harness = self.harness
        return {
            "version": "0", "id": event_id, "detail-type": "Scheduled Event",
            "source": "aws.scheduler", "account": harness.account_id, "time": time,
            "region": harness.region, "resources": [self.arn], "detail": "{}",
        }  # fmt: skip

    def _dead_letter_attributes(
        self, scheduled: datetime, execution_id: str
    ) -> Callable[[str, str], dict[str, Any]]:
        def attributes(code: str, message: str) -> dict[str, Any]:
            return {
                "ERROR_CODE": code, "ERROR_MESSAGE": message, "EXECUTION_ID": execution_id,
                "IS_PAYLOAD_TRUNCATED": "false",
                "RETRY_ATTEMPTS": {"dataType": "Number", "stringValue": "0"},
                "SCHEDULED_TIME": iso_z(scheduled), "SCHEDULE_ARN": self.arn,
                "TARGET_ARN": self.target.arn,
            }  # fmt: skip

        return attributes

    def __repr__(self) -> str:
        state = "DELETED" if self.deleted else self.state
        return (f"<SchedulerSchedule {self.group}/{self.name} {self.expression!r} "
                f"timezone={self.timezone} {state} fires={len(self.fire_times)}>")  # fmt: skip


def create_scheduler_schedule(
    harness: Harness, expression: str, target: Function | Queue, *, name: str | None,
    group: str, timezone: str, start_date: datetime | None, end_date: datetime | None,
    flexible_window: int | str | None, input: Any, maximum_retry_attempts: int,
    maximum_event_age: int, dead_letter_queue: Queue | None, state: str,
    action_after_completion: str, message_group_id: str | None,
) -> SchedulerSchedule:  # fmt: skip
    """``h.scheduler(...)``: check the settings, create the schedule and start its clock."""
    if name is None:
        name = f"{getattr(target, 'name', 'target')[:55]}-schedule"
    for setting, value in (("name", name), ("group", group)):
        if not isinstance(value, str) or not _SCHEDULE_NAME.match(value):
            raise ScheduleConfigError(f"schedule {setting} {value!r}: 1 to 64 of "
                                      "0-9 a-z A-Z - _ .")  # fmt: skip
    where = f"schedule {group}/{name}"
    rule_target = RuleTarget(
        harness, target, dead_letter_queue=dead_letter_queue,
        maximum_retry_attempts=maximum_retry_attempts, maximum_event_age=maximum_event_age,
        message_group_id=message_group_id, setting=where, error=ScheduleConfigError,
    )  # fmt: skip
    schedule = SchedulerSchedule(
        harness, expression, rule_target, name=name, group=group, timezone=timezone,
        start_date=start_date, end_date=end_date, flexible_window=flexible_window,
        input=input, state=state, action_after_completion=action_after_completion,
    )  # fmt: skip
    harness._unique(f"schedule in group {group}", name, schedule)
    harness._schedules.append(schedule)
    if schedule.state == "ENABLED":
        schedule.clockwork.start(schedule.created_at - _JUST_BEFORE)
    return schedule


def _flexible_window(name: str, window: Any) -> int | None:
    low, high = FLEXIBLE_WINDOW_MINUTES
    if window is None or window == "OFF":  # FlexibleTimeWindow Mode OFF
        return None
    if isinstance(window, bool) or not isinstance(window, int) or not low <= window <= high:
        raise ScheduleConfigError(
            f"schedule {name}: flexible_window {window!r}: None or 'OFF', or the "
            f"MaximumWindowInMinutes of a FLEXIBLE window, {low} to {high:,}"
        )
    return window


def _choice(name: str, setting: str, value: Any, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ScheduleConfigError(
            f"schedule {name}: {setting} {value!r}: AWS takes {' or '.join(choices)}"
        )
    return str(value)


def _utc(moment: Any, setting: str) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        raise ScheduleConfigError(f"{setting} is a datetime (UTC if naive), not {moment!r}")
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def _scheduler_input(name: str, value: Any, target: RuleTarget) -> str | None:
    """``Target.Input``: JSON text (or a dict/list) for a function; any text for a queue;
    None for the default notification."""
    from .function import Function

    setting = f"schedule {name}: input"
    if value is None:
        return None
    if not isinstance(value, str):
        return constant_input(value, setting, ScheduleConfigError)
    if not value:
        raise ScheduleConfigError(f"{setting}: AWS takes at least 1 character")
    if isinstance(target.target, Function):
        filled = value
        for placeholder in CONTEXT_ATTRIBUTES:
            filled = filled.replace(placeholder, "1")
        constant_input(filled, setting, ScheduleConfigError)  # a function's input is JSON
    return value
