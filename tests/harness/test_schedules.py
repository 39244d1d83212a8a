"""Schedules on the virtual clock: EventBridge rules on a schedule and EventBridge Scheduler
(semantics.md 7.1, 7.2)."""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lambda_events import clock
from pytest_lambda_events.errors import (
    HarnessArgumentError,
    HarnessError,
    HarnessStall,
    ScheduleConfigError,
    ScheduleExpressionError,
)
from pytest_lambda_events.world import Harness

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday


def _at(*args):
    return datetime(*args, tzinfo=UTC)


class Recorder:
    """A handler remembering the virtual time it ran at and the event it got."""

    def __init__(self, fail=False):
        self.calls, self.fail = [], fail
        self.__name__ = "recorder"

    def __call__(self, event, context):
        self.calls.append((datetime.now(UTC), event))
        if self.fail:
            raise RuntimeError("cannot process")

    @property
    def times(self):
        return [when for when, _ in self.calls]


@pytest.fixture
def h(lambda_harness):
    lambda_harness.clock.set(T0)
    return lambda_harness


# --- EventBridge rules on a schedule (7.1) ------------------------------------------------


def test_rate_rule_fires_one_period_after_creation_then_every_period(h):
    handler = Recorder()
    rule = h.schedule("rate(5 minutes)", h.function(handler, name="tick"))
    h.advance(hours=1)
    expected = [T0 + timedelta(minutes=5 * k) for k in range(1, 13)]
    assert rule.fire_times == expected  # 10:05, 10:10, ... 11:00: 12 fires
    assert handler.times == expected  # the handler's datetime.now() is the fire time
    assert [d.status for d in rule.deliveries] == ["succeeded"] * 12


def test_weekday_cron_fires_five_times_a_week_at_nine_utc(h):
    handler = Recorder()
    rule = h.schedule("cron(0 9 ? * MON-FRI *)", h.function(handler, name="report"))
    h.advance(days=7)
    expected = [_at(2026, 3, day, 9, 0) for day in (3, 4, 5, 6, 9)]  # Tue..Fri, then Mon
    assert rule.fire_times == expected
    assert handler.times == expected
    assert all(when.weekday() < 5 for when in handler.times)


def test_scheduled_event_is_exactly_the_documented_payload(h):
    handler = Recorder()
    rule = h.schedule("rate(1 minute)", h.function(handler, name="tick"), name="my-schedule")
    h.advance(minutes=1)
    ((_, event),) = handler.calls
    assert rule.arn == "arn:aws:events:us-east-1:123456789012:rule/my-schedule"
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", event["id"]
    )
    assert event == {
        "version": "0",
        "id": event["id"],
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": "123456789012",
        "time": "2026-03-02T10:01:00Z",
        "region": "us-east-1",
        "resources": ["arn:aws:events:us-east-1:123456789012:rule/my-schedule"],
        "detail": {},
    }
    assert rule.events == [event]


def test_each_firing_is_a_new_event_id(h):
    rule = h.schedule("rate(1 minute)", h.function(Recorder(), name="tick"))
    h.advance(minutes=3)
    assert len({event["id"] for event in rule.events}) == 3


def test_rule_target_input_replaces_the_scheduled_event(h):
    handler = Recorder()
    fn = h.function(handler, name="tick")
    h.schedule("rate(1 minute)", fn, name="constant", input={"job": "cleanup"})
    h.schedule("rate(1 minute)", fn, name="path", input_path="$.time")
    h.schedule(
        "rate(1 minute)",
        fn,
        name="template",
        input_transformer={
            "InputPathsMap": {"when": "$.time"},
            "InputTemplate": '{"at": <when>, "rule": <aws.events.rule-name>}',
        },
    )
    h.advance(minutes=1)
    assert [event for _, event in handler.calls] == [
        {"job": "cleanup"},
        "2026-03-02T10:01:00Z",
        {"at": "2026-03-02T10:01:00Z", "rule": "template"},
    ]


def test_function_errors_are_retried_by_the_async_config_not_by_the_rule(h):
    """7.1: EventBridge invokes asynchronously; 2.1: two retries, 1 then 2 minutes later."""
    handler = Recorder(fail=True)
    rule = h.schedule("rate(1 hour)", h.function(handler, name="flaky"))
    h.advance(hours=1, minutes=5)
    fire = T0 + timedelta(hours=1)
    assert handler.times == [fire, fire + timedelta(minutes=1), fire + timedelta(minutes=3)]
    (delivery,) = rule.deliveries
    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "failed",
        "RetriesExhausted",
        3,
    )


def test_deleted_function_goes_straight_to_the_rule_dead_letter_queue(h):
    dlq = h.sqs_queue("rule-dlq")
    fn = h.function(Recorder(), name="gone")
    rule = h.schedule("rate(1 minute)", fn, name="nightly", dead_letter_queue=dlq)
    fn.delete()
    h.advance(minutes=1)
    (delivery,) = rule.deliveries
    assert (delivery.status, delivery.condition) == ("failed", "ResourceNotFoundException")
    (message,) = dlq.messages
    assert message.json() == rule.events[0]  # the event the target would have got
    attributes = {k: v["stringValue"] for k, v in message.message_attributes.items()}
    assert attributes == {  # approximation: attribute names UNCONFIRMED (7.1)
        "RULE_ARN": rule.arn,
        "TARGET_ARN": fn.arn,
        "ERROR_CODE": "ResourceNotFoundException",
        "ERROR_MESSAGE": f"Function not found: {fn.arn}",
        "RETRY_ATTEMPTS": "0",
    }


def test_deleted_function_without_dead_letter_queue_drops_the_event(h):
    fn = h.function(Recorder(), name="gone")
    rule = h.schedule("rate(1 minute)", fn)
    fn.delete()
    h.advance(minutes=2)
    assert [d.condition for d in rule.deliveries] == ["ResourceNotFoundException"] * 2
    assert "dropped (no dead-letter queue)" in rule.deliveries[0].reason


def test_queue_target_gets_the_event_as_the_message_body(h):
    queue = h.sqs_queue("ticks")
    rule = h.schedule("rate(1 minute)", queue)
    h.advance(minutes=2)
    assert [m.json() for m in queue.messages] == rule.events
    assert [d.condition for d in rule.deliveries] == ["Success", "Success"]
    fifo = h.sqs_queue("ticks.fifo")
    with pytest.raises(ScheduleConfigError, match="FIFO; give message_group_id"):
        h.schedule("rate(1 minute)", fifo)
    h.schedule("rate(1 minute)", fifo, message_group_id="g")
    h.advance(minutes=1)
    assert fifo.messages[0].group_id == "g"


def test_disabled_rule_does_not_fire_and_resumes_on_its_grid(h):
    handler = Recorder()
    rule = h.schedule("rate(10 minutes)", h.function(handler, name="tick"), enabled=False)
    h.advance(minutes=25)
    assert rule.fire_times == []
    rule.enable()
    h.advance(minutes=10)
    assert rule.fire_times == [T0 + timedelta(minutes=30)]
    rule.disable()
    h.advance(hours=1)
    assert len(rule.fire_times) == 1
    assert "DISABLED" in repr(rule) and "rate(10 minutes)" in repr(rule)


def test_run_refuses_an_endless_schedule_and_suggests_advance(h):
    rule = h.schedule("rate(5 minutes)", h.function(Recorder(), name="tick"), name="every-5")
    with pytest.raises(HarnessStall, match=r"every-5 \(rate\(5 minutes\)\) fires forever") as info:
        h.run()
    assert "h.advance(" in str(info.value)
    rule.disable()
    h.run()  # finishes: a disabled schedule is not due
    assert rule.fire_times == []


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"maximum_retry_attempts": -1}, r"maximum_retry_attempts -1: AWS allows .* 0 to 185"),
        ({"maximum_retry_attempts": 186}, r"0 to 185"),
        ({"maximum_event_age": 59}, r"maximum_event_age 59: AWS allows .* 60 to 86,400"),
        ({"maximum_event_age": 86_401}, r"60 to 86,400"),
        ({"maximum_retry_attempts": True}, r"an integer"),
    ],
)
@pytest.mark.parametrize("factory", ["schedule", "scheduler"])
def test_retry_policy_limits(h, factory, kwargs, pattern):
    fn = h.function(Recorder(), name="tick")
    with pytest.raises(ScheduleConfigError, match=pattern):
        getattr(h, factory)("rate(1 hour)", fn, **kwargs)


@pytest.mark.parametrize("factory", ["schedule", "scheduler"])
def test_retry_policy_edges_are_accepted(h, factory):
    fn = h.function(Recorder(), name="tick")
    for i, (attempts, age) in enumerate([(0, 60), (185, 86_400)]):
        getattr(h, factory)(
            "rate(1 hour)",
            fn,
            name=f"edge-{i}",
            maximum_retry_attempts=attempts,
            maximum_event_age=age,
        )


@pytest.mark.parametrize("factory", ["schedule", "scheduler"])
def test_dead_letter_queue_must_be_a_standard_queue(h, factory):
    fn = h.function(Recorder(), name="tick")
    with pytest.raises(ScheduleConfigError, match="must be a standard SQS queue"):
        getattr(h, factory)("rate(1 hour)", fn, dead_letter_queue=h.sqs_queue("dlq.fifo"))
    with pytest.raises(ScheduleConfigError, match="must be a standard SQS queue"):
        getattr(h, factory)("rate(1 hour)", fn, dead_letter_queue=h.sns_topic("t"))


def test_rule_settings_are_checked(h):
    fn = h.function(Recorder(), name="tick")
    with pytest.raises(ScheduleExpressionError, match="only EventBridge Scheduler takes"):
        h.schedule("at(2026-03-02T12:00:00)", fn)
    with pytest.raises(ScheduleExpressionError, match="at most 256"):
        h.schedule("cron(" + "0," * 130 + "0 * * * ? *)", fn)
    with pytest.raises(ScheduleConfigError, match=r"rule name 'a b': 1 to 64 of"):
        h.schedule("rate(1 hour)", fn, name="a b")
    with pytest.raises(ScheduleConfigError, match="1 to 64"):
        h.schedule("rate(1 hour)", fn, name="x" * 65)
    with pytest.raises(ScheduleConfigError, match=r"harness function .* or SQS queue"):
        h.schedule("rate(1 hour)", h.sns_topic("alerts"))
    with pytest.raises(ScheduleConfigError, match="give only one of input / input_path"):
        h.schedule("rate(1 hour)", fn, input={}, input_path="$.detail")
    h.schedule("rate(1 hour)", fn, name="nightly")
    with pytest.raises(HarnessError, match="named 'nightly' exists already"):
        h.schedule("rate(2 hours)", fn, name="nightly")
    with pytest.raises(HarnessArgumentError, match="did you mean 'input_path'"):
        h.schedule("rate(1 hour)", fn, inputpath="$")


def test_default_rule_names_are_free_ones(h):
    fn = h.function(Recorder(), name="tick")
    names = [h.schedule("rate(1 hour)", fn).name for _ in range(3)]
    assert names == ["tick-schedule", "tick-schedule-2", "tick-schedule-3"]


# --- EventBridge Scheduler (7.2) ----------------------------------------------------------


def test_scheduler_rate_without_start_date_starts_at_once(h):
    handler = Recorder()
    schedule = h.scheduler("rate(5 minutes)", h.function(handler, name="tick"))
    h.advance(minutes=12)
    expected = [T0, T0 + timedelta(minutes=5), T0 + timedelta(minutes=10)]
    assert schedule.fire_times == handler.times == expected
    assert schedule.arn == "arn:aws:scheduler:us-east-1:123456789012:schedule/default/tick-schedule"


def test_scheduler_payload_is_exactly_the_input_with_context_attributes(h):
    handler = Recorder()
    schedule = h.scheduler(
        "rate(1 minute)",
        h.function(handler, name="tick"),
        name="job",
        group="ops",
        input=json.dumps(
            {
                "arn": "<aws.scheduler.schedule-arn>",
                "at": "<aws.scheduler.scheduled-time>",
                "execution": "<aws.scheduler.execution-id>",
                "attempt": "<aws.scheduler.attempt-number>",
            }
        ),
    )
    h.advance(minutes=1)
    first, second = (event for _, event in handler.calls)
    assert first == {
        "arn": "arn:aws:scheduler:us-east-1:123456789012:schedule/ops/job",
        "at": "2026-03-02T10:00:00Z",
        "execution": first["execution"],
        "attempt": "1",
    }
    assert second["at"] == "2026-03-02T10:01:00Z"
    assert re.fullmatch(r"[a-z0-9]{16}", first["execution"])
    assert first["execution"] != second["execution"]  # one execution id per attempt
    assert schedule.events == [first, second]


def test_scheduler_without_input_sends_the_default_notification(h):
    """7.2 / shapes.md 12: a "Scheduled Event" from aws.scheduler whose detail is the string
    "{}" (the content is UNCONFIRMED on AWS's pages: approximation)."""
    handler = Recorder()
    schedule = h.scheduler("rate(1 hour)", h.function(handler, name="tick"), input=None)
    h.advance(minutes=1)
    [(_, event)] = handler.calls
    assert event == {
        "version": "0", "id": event["id"], "detail-type": "Scheduled Event",
        "source": "aws.scheduler", "account": h.account_id, "time": event["time"],
        "region": h.region, "resources": [schedule.arn], "detail": "{}",
    }  # fmt: skip
    assert event["time"] == f"{schedule.fire_times[0]:%Y-%m-%dT%H:%M:%S}Z"


def test_scheduler_cron_skips_the_spring_forward_local_time(h):
    """7.2: when clocks go forward a local time that does not exist is skipped."""
    # 2026-03-29: Paris goes from 02:00 CET straight to 03:00 CEST
    schedule = h.scheduler(
        "cron(30 2 * * ? *)",
        h.function(Recorder(), name="tick"),
        timezone="Europe/Paris",
        start_date=_at(2026, 3, 27),
    )
    h.advance(days=30)
    march = [t for t in schedule.fire_times if _at(2026, 3, 27) <= t < _at(2026, 4, 1)]
    assert march == [
        _at(2026, 3, 27, 1, 30),
        _at(2026, 3, 28, 1, 30),  # 02:30 CET
        _at(2026, 3, 30, 0, 30),
        _at(2026, 3, 31, 0, 30),
    ]  # 02:30 CEST


def test_scheduler_cron_runs_once_when_the_hour_repeats():
    """7.2: when clocks go back the schedule runs once, not twice (Paris, 2026-10-25)."""
    with Harness(seed=1, start=_at(2026, 10, 23)) as h:
        schedule = h.scheduler(
            "cron(30 2 * * ? *)", h.function(Recorder(), name="tick"), timezone="Europe/Paris"
        )
        h.advance(days=4)
        assert schedule.fire_times == [
            _at(2026, 10, 23, 0, 30),
            _at(2026, 10, 24, 0, 30),  # 02:30 CEST
            _at(2026, 10, 25, 0, 30),  # 02:30 CEST, the first of the two 02:30s
            _at(2026, 10, 26, 1, 30),  # 02:30 CET
        ]


def test_scheduler_start_and_end_dates_bound_the_fires(h):
    schedule = h.scheduler(
        "rate(1 hour)",
        h.function(Recorder(), name="tick"),
        start_date=T0 + timedelta(hours=2),
        end_date=T0 + timedelta(hours=5),
    )
    h.advance(hours=10)
    assert schedule.fire_times == [T0 + timedelta(hours=k) for k in (2, 3, 4)]  # before EndDate
    assert h.run() == 0  # a schedule with an end date lets run() finish


def test_flexible_window_offsets_stay_in_the_window_and_repeat_with_the_seed():
    def run(seed):
        with Harness(seed=seed, start=T0) as h:
            handler = Recorder()
            schedule = h.scheduler(
                "rate(1 hour)", h.function(handler, name="tick"), flexible_window=15
            )
            h.advance(hours=6)
            assert schedule.fire_times == [T0 + timedelta(hours=k) for k in range(6)]
            return [
                (actual - scheduled).total_seconds()
                for actual, scheduled in zip(handler.times, schedule.fire_times, strict=True)
            ]

    offsets = run(seed=7)
    assert all(0 <= offset < 15 * 60 and offset == int(offset) for offset in offsets)
    assert len(set(offsets)) > 1  # drawn, not constant
    assert run(seed=7) == offsets  # reproducible with the same seed
    assert run(seed=8) != offsets


def test_at_fires_once_and_delete_after_completion_removes_it(h):
    handler = Recorder()
    fn = h.function(handler, name="once")
    schedule = h.scheduler(
        "at(2026-03-02T12:30:00)",
        fn,
        name="reminder",
        timezone="Europe/Paris",
        action_after_completion="DELETE",
    )
    assert h.run() == 2  # at() ends, so run() finishes: the firing and the invocation
    assert schedule.fire_times == handler.times == [_at(2026, 3, 2, 11, 30)]  # 12:30 CET
    assert schedule.deleted and "DELETED" in repr(schedule)
    h.scheduler("rate(1 hour)", fn, name="reminder")  # the name is free again
    keep = h.scheduler("at(2026-03-02T13:00:00)", fn, name="kept")
    h.advance(hours=2)
    assert keep.fire_times == [_at(2026, 3, 2, 13, 0)] and not keep.deleted


def test_disabled_scheduler_schedule_does_not_fire(h):
    schedule = h.scheduler("rate(1 hour)", h.function(Recorder(), name="tick"), state="DISABLED")
    h.advance(hours=3)
    assert schedule.fire_times == []
    schedule.enable()
    h.advance(minutes=1)
    assert schedule.fire_times == [T0 + timedelta(hours=3)]
    schedule.delete()
    with pytest.raises(ScheduleConfigError, match="was deleted"):
        schedule.enable()


def test_scheduler_dead_letter_queue_gets_the_input_and_attributes(h):
    dlq = h.sqs_queue("schedule-dlq")
    fn = h.function(Recorder(), name="gone")
    schedule = h.scheduler("rate(1 hour)", fn, name="job", dead_letter_queue=dlq, input={"job": 1})
    fn.delete()
    h.advance(minutes=1)
    (message,) = dlq.messages
    assert message.json() == {"job": 1}
    attributes = {k: v["stringValue"] for k, v in message.message_attributes.items()}
    assert attributes == {  # approximation: attribute names UNCONFIRMED (7.2)
        "ERROR_CODE": "ResourceNotFoundException",
        "ERROR_MESSAGE": f"Function not found: {fn.arn}",
        "EXECUTION_ID": attributes["EXECUTION_ID"],
        "IS_PAYLOAD_TRUNCATED": "false",
        "RETRY_ATTEMPTS": "0",
        "SCHEDULED_TIME": "2026-03-02T10:00:00Z",
        "SCHEDULE_ARN": schedule.arn,
        "TARGET_ARN": fn.arn,
    }


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"flexible_window": 0}, ScheduleConfigError, r"flexible_window 0: .* 1 to 1,440"),
        ({"flexible_window": 1441}, ScheduleConfigError, r"1 to 1,440"),
        ({"flexible_window": "ON"}, ScheduleConfigError, r"None or 'OFF'"),
        (
            {"state": "PAUSED"},
            ScheduleConfigError,
            r"state 'PAUSED': AWS takes ENABLED or DISABLED",
        ),
        ({"action_after_completion": "KEEP"}, ScheduleConfigError, r"NONE or DELETE"),
        ({"timezone": "Europe/Pariss"}, ScheduleExpressionError, r"did you mean 'Europe/Paris'"),
        ({"name": "no spaces"}, ScheduleConfigError, r"schedule name 'no spaces': 1 to 64"),
        ({"group": ""}, ScheduleConfigError, r"schedule group '': 1 to 64"),
        ({"input": "not json"}, ScheduleConfigError, r"input: 'not json' is not valid JSON"),
        ({"start_date": "2026-01-01"}, ScheduleConfigError, r"start_date is a datetime"),
        ({"start_date": T0, "end_date": T0}, ScheduleConfigError, r"end_date must be after"),
    ],
)
def test_scheduler_settings_are_checked(h, kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        h.scheduler("rate(1 hour)", h.function(Recorder(), name="tick"), **kwargs)


def test_scheduler_typos_name_a_close_match(h):
    with pytest.raises(HarnessArgumentError, match="did you mean 'timezone'"):
        h.scheduler("rate(1 hour)", h.function(Recorder(), name="tick"), time_zone="UTC")


def test_scheduler_fifo_queue_target_uses_the_group_and_execution_id(h):
    queue = h.sqs_queue("jobs.fifo")
    h.scheduler("rate(1 hour)", queue, input={"job": 1}, message_group_id="jobs")
    h.advance(hours=1)
    assert [(m.group_id, m.json()) for m in queue.messages] == [("jobs", {"job": 1})] * 2
    assert len({m.deduplication_id for m in queue.messages}) == 2  # one execution id each


def test_scheduler_accepts_off_and_text_input_for_queues(h):
    queue = h.sqs_queue("q")
    schedule = h.scheduler("rate(1 hour)", queue, flexible_window="OFF", input="plain text")
    h.advance(minutes=1)
    assert [m.body for m in queue.messages] == ["plain text"] and schedule.flexible_window is None


# --- property ----------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(period=st.integers(1, 180), span=st.integers(0, 24 * 60 * 60))
def test_property_rate_rule_fires_floor_span_over_period_times(period, span):
    unit = "minute" if period == 1 else "minutes"
    with Harness(seed=3, start=T0) as h:
        queue = h.sqs_queue("ticks")  # a queue target keeps the example cheap
        rule = h.schedule(f"rate({period} {unit})", queue)
        h.advance(seconds=span)
        assert len(rule.fire_times) == span // (period * 60)
        assert all(t.second == 0 and t.microsecond == 0 for t in rule.fire_times)
        assert all(a < b for a, b in zip(rule.fire_times, rule.fire_times[1:], strict=False))
        assert len(queue.messages) == len(rule.fire_times)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    period=st.integers(1, 180),
    created=st.integers(0, 3599),
    pause=st.integers(0, 600),
    scheduler=st.booleans(),
)
def test_property_rate_fires_step_by_period_as_next_after_says(period, created, pause, scheduler):
    """A rate schedule arms each next fire one period after the last; that is the expression's
    own next_after, across a disable/enable too."""
    unit = "minute" if period == 1 else "minutes"
    with Harness(seed=3, start=T0 + timedelta(seconds=created)) as h:
        queue = h.sqs_queue("ticks")  # a queue target keeps the example cheap
        factory = h.scheduler if scheduler else h.schedule
        schedule = factory(f"rate({period} {unit})", queue)
        # where the harness asks next_after: Scheduler fires at its start, a rule after it
        options = {"start": schedule.created_at, "first_at_start": scheduler}
        just_before = timedelta(microseconds=1 if scheduler else 0)

        def grid(after, until):
            times = [schedule.schedule.next_after(after - just_before, **options)]
            while times[-1] <= until:
                times.append(schedule.schedule.next_after(times[-1], **options))
            return times[:-1]

        h.advance(hours=2)
        paused = h.clock.now()
        schedule.disable()
        h.advance(minutes=pause)
        resumed = h.clock.now()
        schedule.enable()
        h.advance(hours=2)
        expected = grid(schedule.created_at, paused) + grid(resumed, h.clock.now())
        assert schedule.fire_times == expected


def test_advance_runs_a_long_span_of_a_rate_rule_past_the_step_cap(h, monkeypatch):
    """A virtual year of rate(1 minute) is a million agenda steps; a span is bounded, so it
    runs (here two days against a cap lowered to 2,000 steps)."""
    monkeypatch.setattr(clock, "MAX_STEPS", 2_000)
    handler = Recorder()
    rule = h.schedule("rate(1 minute)", h.function(handler, name="tick"))
    h.advance(days=2)
    expected = [T0 + timedelta(minutes=k) for k in range(1, 2 * 1440 + 1)]
    assert rule.fire_times == handler.times == expected
    assert [event["time"] for event in rule.events] == [f"{t:%Y-%m-%dT%H:%M:%S}Z" for t in expected]
    assert {d.status for d in rule.deliveries} == {"succeeded"}


@pytest.mark.parametrize("factory", ["schedule", "scheduler"])
def test_the_target_gets_its_own_copy_of_the_event(h, factory):
    """The event recorded in ``events`` is not the object the handler got: a handler that
    changes its event changes nothing the test reads afterwards."""

    def mutate(event, context):
        event["resources"].append("mine")
        event["detail"] = {"changed": True}
        event["id"] = "changed"

    schedule = getattr(h, factory)("rate(1 minute)", h.function(mutate, name="tick"))
    h.advance(minutes=1)
    for event in schedule.events:  # Scheduler fires at once, then a minute later
        assert event["id"] != "changed" and event["resources"] == [schedule.arn]
        assert event["detail"] in ({}, "{}")
        assert json.loads(json.dumps(event)) == event


@settings(max_examples=200)
@given(when=st.datetimes(max_value=datetime(9999, 12, 30), timezones=st.just(UTC)))
def test_fire_time_text_is_iso_z(when):
    """Schedules format fire times with a cached date; the text is timefmt.iso_z's."""
    from pytest_lambda_events.timefmt import iso_z
    from pytest_lambda_events.world.schedules import _iso_z

    for moment in (when, when + timedelta(seconds=1), when + timedelta(days=1)):
        assert _iso_z(moment) == iso_z(moment)
