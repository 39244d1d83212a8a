"""AWS schedule expressions (semantics.md 7.1, 7.2): parsing, validation and next fire times.

Every expected time below was worked out by hand from AWS's documented examples and a printed
calendar (2026-03-01 is a Sunday; US clocks go forward on 2026-03-08 and back on 2026-11-01,
Europe's on 2026-03-29 and 2026-10-25 at 01:00 UTC, Sydney's back on 2026-04-05 and forward on
2026-10-04), never with the code under test or a cron library.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lambda_events.errors import LambdaEventsError, ScheduleExpressionError
from pytest_lambda_events.flows.schedule_expressions import (
    AtSchedule,
    CronSchedule,
    RateSchedule,
    next_fire_times,
    parse,
)


def u(text: str) -> datetime:
    """A UTC time written as 'YYYY-MM-DD HH:MM[:SS]'."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NY, PARIS, SYDNEY = "America/New_York", "Europe/Paris", "Australia/Sydney"
END = "no further fire time"

VALID = [
    # --- AWS's own examples (semantics.md 7.1)
    ("cron(15 10 * * ? *)", "2026-03-01 00:00", "UTC",
     ["2026-03-01 10:15", "2026-03-02 10:15", "2026-03-03 10:15"]),
    ("cron(15 10 * * ? *)", "2026-03-01 10:15", "UTC", ["2026-03-02 10:15"]),  # strictly after
    ("cron(0 18 ? * MON-FRI *)", "2026-03-06 18:00", "UTC",  # Fri -> Mon, Tue
     ["2026-03-09 18:00", "2026-03-10 18:00"]),
    ("cron(0 8 1 * ? *)", "2026-01-15 00:00", "UTC",
     ["2026-02-01 08:00", "2026-03-01 08:00", "2026-04-01 08:00"]),
    ("cron(0/10 * ? * MON-FRI *)", "2026-03-06 23:45", "UTC",  # Friday night, then Monday
     ["2026-03-06 23:50", "2026-03-09 00:00", "2026-03-09 00:10"]),
    ("cron(0/5 8-17 ? * MON-FRI *)", "2026-03-02 17:52", "UTC",
     ["2026-03-02 17:55", "2026-03-03 08:00", "2026-03-03 08:05"]),
    ("cron(0 9 ? * 2#1 *)", "2026-01-01 00:00", "UTC",  # first Monday
     ["2026-01-05 09:00", "2026-02-02 09:00", "2026-03-02 09:00", "2026-04-06 09:00"]),
    # --- days of the week: 1 = SUN, so 2-6 is Monday to Friday
    ("cron(30 7 ? * 2-6 *)", "2026-03-07 00:00", "UTC", ["2026-03-09 07:30", "2026-03-10 07:30"]),
    ("cron(0 6 ? * 1 *)", "2026-03-02 00:00", "UTC", ["2026-03-08 06:00"]),  # Sunday
    ("cron(0 12 ? * SAT,SUN *)", "2026-03-04 00:00", "UTC",
     ["2026-03-07 12:00", "2026-03-08 12:00", "2026-03-14 12:00"]),
    ("cron(0 9 ? * mon-fri *)", "2026-03-06 10:00", "UTC", ["2026-03-09 09:00"]),  # lower case
    ("cron(0 9 ? * L *)", "2026-03-04 00:00", "UTC",  # L alone: the last day of the week, SAT
     ["2026-03-07 09:00", "2026-03-14 09:00"]),
    ("cron(0 22 ? * FRI-MON *)", "2026-03-03 00:00", "UTC",  # a reversed range wraps
     ["2026-03-06 22:00", "2026-03-07 22:00", "2026-03-08 22:00", "2026-03-09 22:00",
      "2026-03-13 22:00"]),
    ("cron(0 0 ? * * *)", "2026-02-28 12:00", "UTC", ["2026-03-01 00:00"]),
    # --- L in Day-of-month, leap and common years
    ("cron(0 0 L * ? *)", "2028-02-01 00:00", "UTC", ["2028-02-29 00:00", "2028-03-31 00:00"]),
    ("cron(0 0 L * ? *)", "2027-02-01 00:00", "UTC",
     ["2027-02-28 00:00", "2027-03-31 00:00", "2027-04-30 00:00"]),
    ("cron(0 0 L 2 ? *)", "2027-01-01 00:00", "UTC",
     ["2027-02-28 00:00", "2028-02-29 00:00", "2029-02-28 00:00"]),
    ("cron(59 23 L 12 ? *)", "2026-06-01 00:00", "UTC", ["2026-12-31 23:59", "2027-12-31 23:59"]),
    ("cron(0 0 29 2 ? *)", "2026-01-01 00:00", "UTC", ["2028-02-29 00:00", "2032-02-29 00:00"]),
    ("cron(0 0 31 * ? *)", "2026-03-31 12:00", "UTC",  # months without a 31st are skipped
     ["2026-05-31 00:00", "2026-07-31 00:00", "2026-08-31 00:00"]),
    # --- W: the nearest weekday, never outside the month
    ("cron(0 9 1W * ? *)", "2026-07-15 00:00", "UTC",  # Aug 1 is a Saturday -> Monday the 3rd
     ["2026-08-03 09:00", "2026-09-01 09:00", "2026-10-01 09:00", "2026-11-02 09:00"]),
    ("cron(0 9 15W * ? *)", "2026-02-01 00:00", "UTC",  # Feb 15 and Mar 15 are Sundays
     ["2026-02-16 09:00", "2026-03-16 09:00", "2026-04-15 09:00"]),
    ("cron(0 9 15W * ? *)", "2026-08-01 00:00", "UTC", ["2026-08-14 09:00"]),  # Sat -> Fri
    ("cron(0 9 31W * ? *)", "2026-01-01 00:00", "UTC",  # Jan 31 Sat; May 31 a last-day Sunday
     ["2026-01-30 09:00", "2026-03-31 09:00", "2026-05-29 09:00", "2026-07-31 09:00"]),
    ("cron(0 9 LW * ? *)", "2026-01-01 00:00", "UTC",
     ["2026-01-30 09:00", "2026-02-27 09:00", "2026-03-31 09:00", "2026-04-30 09:00"]),
    ("cron(0 9 29W 2 ? *)", "2026-01-01 00:00", "UTC",  # 2032-02-29 is a Sunday, the last day
     ["2028-02-29 09:00", "2032-02-27 09:00"]),
    # --- # and L in Day-of-week
    ("cron(0 10 ? * 6#5 *)", "2026-01-01 00:00", "UTC",  # fifth Friday: not every month has one
     ["2026-01-30 10:00", "2026-05-29 10:00", "2026-07-31 10:00"]),
    ("cron(0 0 ? * 1#5 *)", "2026-01-01 00:00", "UTC", ["2026-03-29 00:00", "2026-05-31 00:00"]),
    ("cron(0 12 ? * 7#1 *)", "2026-07-15 00:00", "UTC", ["2026-08-01 12:00", "2026-09-05 12:00"]),
    ("cron(0 9 ? MAR-MAY sun#1 *)", "2026-01-01 00:00", "UTC",
     ["2026-03-01 09:00", "2026-04-05 09:00", "2026-05-03 09:00", "2027-03-07 09:00"]),
    ("cron(0 9 ? * 6L *)", "2026-01-01 00:00", "UTC",  # last Friday
     ["2026-01-30 09:00", "2026-02-27 09:00", "2026-03-27 09:00", "2026-04-24 09:00"]),
    ("cron(0 9 ? * 2L *)", "2026-02-01 00:00", "UTC",  # last Monday
     ["2026-02-23 09:00", "2026-03-30 09:00", "2026-04-27 09:00", "2026-05-25 09:00"]),
    # --- steps and ranges
    ("cron(1/10 * * * ? *)", "2026-03-01 10:45", "UTC",
     ["2026-03-01 10:51", "2026-03-01 11:01", "2026-03-01 11:11"]),
    ("cron(*/15 */6 * * ? *)", "2026-03-01 06:50", "UTC",
     ["2026-03-01 12:00", "2026-03-01 12:15", "2026-03-01 12:30", "2026-03-01 12:45",
      "2026-03-01 18:00"]),
    ("cron(0 10-20/5 * * ? *)", "2026-03-01 10:00", "UTC",
     ["2026-03-01 15:00", "2026-03-01 20:00", "2026-03-02 10:00"]),
    ("cron(0 0 1/10 * ? *)", "2026-04-21 00:00", "UTC",  # days 1, 11, 21, 31
     ["2026-05-01 00:00", "2026-05-11 00:00", "2026-05-21 00:00", "2026-05-31 00:00"]),
    ("cron(0 22-2 * * ? *)", "2026-03-01 02:30", "UTC",  # 22, 23, 0, 1, 2
     ["2026-03-01 22:00", "2026-03-01 23:00", "2026-03-02 00:00", "2026-03-02 01:00",
      "2026-03-02 02:00", "2026-03-02 22:00"]),
    ("cron(0 0 30-2 * ? *)", "2026-02-03 00:00", "UTC",  # 30, 31, 1, 2; February has no 30
     ["2026-03-01 00:00", "2026-03-02 00:00", "2026-03-30 00:00", "2026-03-31 00:00",
      "2026-04-01 00:00"]),
    ("cron(0 0 1 JAN/3 ? *)", "2026-02-01 00:00", "UTC",
     ["2026-04-01 00:00", "2026-07-01 00:00", "2026-10-01 00:00", "2027-01-01 00:00"]),
    ("cron(0 9 1 jan,jul ? *)", "2026-02-01 00:00", "UTC",
     ["2026-07-01 09:00", "2027-01-01 09:00"]),
    # --- years: ranges, lists, steps, and the end of a schedule
    ("cron(0 12 1 JAN ? 2027-2028)", "2026-06-01 00:00", "UTC",
     ["2027-01-01 12:00", "2028-01-01 12:00", END]),  # and then never again
    ("cron(0 0 1 1 ? 2026,2030,2199)", "2026-06-01 00:00", "UTC",
     ["2030-01-01 00:00", "2199-01-01 00:00", END]),
    ("cron(0 0 1 1 ? 2026/2)", "2026-06-01 00:00", "UTC", ["2028-01-01 00:00", "2030-01-01 00:00"]),
    ("cron(59 23 31 12 ? 2199)", "2199-12-31 23:58", "UTC", ["2199-12-31 23:59", END]),
    ("cron(0 0 1 1 ? 2025)", "2026-01-01 00:00", "UTC", [END]),  # past its last year
    ("cron(0 0 30 2 ? *)", "2026-01-01 00:00", "UTC", [END]),  # there is no February 30
    # --- rate
    ("rate(1 minute)", "2026-03-01 10:00", "UTC",
     ["2026-03-01 10:01", "2026-03-01 10:02", "2026-03-01 10:03"]),
    ("rate(5 minutes)", "2026-03-01 10:00", "UTC", ["2026-03-01 10:05", "2026-03-01 10:10"]),
    ("rate(1 hour)", "2026-03-01 10:00", "UTC", ["2026-03-01 11:00", "2026-03-01 12:00"]),
    ("rate(2 days)", "2026-03-01 10:00", "UTC", ["2026-03-03 10:00", "2026-03-05 10:00"]),
    ("rate(1 day)", "2026-03-07 12:00", NY,  # 24 h of clock time across the spring change
     ["2026-03-08 12:00", "2026-03-09 12:00"]),
    # --- at
    ("at(2026-05-01T09:30:00)", "2026-01-01 00:00", "UTC", ["2026-05-01 09:30", END]),
    ("at(2026-05-01T09:30:00)", "2026-01-01 00:00", PARIS, ["2026-05-01 07:30", END]),  # CEST
    ("at(2026-05-01T09:30:15)", "2026-05-01 09:30", "UTC", ["2026-05-01 09:30:15", END]),
    ("at(2026-05-01T09:30:00)", "2026-05-01 09:30", "UTC", [END]),  # not strictly after
    ("at(2026-11-01T01:30:00)", "2026-10-01 00:00", NY, ["2026-11-01 05:30", END]),  # first 01:30
    # --- time zones and daylight saving time
    ("cron(0 9 * * ? *)", "2026-03-27 00:00", PARIS,  # CET (+1), then CEST (+2) from the 29th
     ["2026-03-27 08:00", "2026-03-28 08:00", "2026-03-29 07:00", "2026-03-30 07:00"]),
    ("cron(30 2 * * ? *)", "2026-03-07 12:00", NY,  # 02:30 does not exist on 2026-03-08
     ["2026-03-09 06:30", "2026-03-10 06:30"]),
    ("cron(30 1 * * ? *)", "2026-10-31 12:00", NY,  # 01:30 happens twice on 2026-11-01: once
     ["2026-11-01 05:30", "2026-11-02 06:30"]),
    ("cron(*/30 1 * * ? *)", "2026-11-01 05:00", NY,  # the repeated hour (EST) does not fire
     ["2026-11-01 05:30", "2026-11-02 06:00", "2026-11-02 06:30"]),
    ("cron(30 2 * * ? *)", "2026-10-24 12:00", PARIS,  # 02:30 CEST, then 02:30 CET
     ["2026-10-25 00:30", "2026-10-26 01:30"]),
    ("cron(0 9 * * ? *)", "2026-04-03 00:00", SYDNEY,  # AEDT (+11), then AEST (+10)
     ["2026-04-03 22:00", "2026-04-04 23:00", "2026-04-05 23:00"]),
    ("cron(30 2 ? * SUN *)", "2026-10-01 00:00", SYDNEY,  # 02:30 skipped on Sunday 2026-10-04
     ["2026-10-10 15:30", "2026-10-17 15:30"]),
]  # fmt: skip


@pytest.mark.parametrize(("expression", "after", "zone", "expected"), VALID)
def test_next_fire_times_worked_out_by_hand(expression, after, zone, expected):
    """A list ending in END is every fire time there is; otherwise the first few."""
    ends = expected[-1:] == [END]
    wanted = [u(t) for t in expected if t != END]
    times = next_fire_times(expression, u(after), len(wanted) + ends, timezone=zone)
    assert times == wanted


def test_the_table_is_large_enough():
    assert len({row[0] for row in VALID}) >= 45


def test_kinds_and_types():
    assert parse("rate(5 minutes)").kind == "rate"
    assert isinstance(parse("rate(5 minutes)"), RateSchedule)
    assert parse("rate(5 minutes)").period == timedelta(minutes=5)
    assert isinstance(parse("cron(0 9 * * ? *)"), CronSchedule)
    assert parse("cron(0 9 * * ? *)").kind == "cron"
    at = parse("at(2026-05-01T09:30:00)", allow_at=True)
    assert isinstance(at, AtSchedule)
    assert at.kind == "at"
    assert at.expression == "at(2026-05-01T09:30:00)"


def test_a_rule_rate_fires_one_period_after_creation_on_whole_minutes():
    """Rules: "a rate schedule starts when the rule is created"; seconds round up to the minute."""
    schedule = parse("rate(5 minutes)")
    created = u("2026-03-01 10:00:37")
    assert schedule.next_after(created, start=created) == u("2026-03-01 10:06")
    assert schedule.next_after(u("2026-03-01 10:06"), start=created) == u("2026-03-01 10:11")
    assert schedule.next_after(u("2026-03-01 10:07:30"), start=created) == u("2026-03-01 10:11")
    whole = u("2026-03-01 10:00")
    assert schedule.next_after(whole, start=whole) == u("2026-03-01 10:05")


def test_a_scheduler_rate_without_start_date_fires_at_once():
    schedule = parse("rate(1 hour)")
    created = u("2026-03-01 10:00")
    before = created - timedelta(microseconds=1)
    assert schedule.next_after(before, start=created, first_at_start=True) == created
    assert schedule.next_after(created, start=created, first_at_start=True) == u("2026-03-01 11:00")
    late = u("2026-03-01 10:00:20")  # within Scheduler's 60-second precision
    assert schedule.next_after(late, start=late, first_at_start=True) == u("2026-03-01 10:01")


def test_a_year_of_one_minute_rates_is_pure_arithmetic():
    schedule = parse("rate(1 minute)")
    start = moment = u("2026-01-01 00:00")
    for _ in range(1440):
        moment = schedule.next_after(moment, start=start)
    assert moment == u("2026-01-02 00:00")
    assert schedule.next_after(u("2026-12-31 23:59"), start=start) == u("2027-01-01 00:00")


def test_cron_start_date_is_inclusive_and_at_ignores_it():
    hourly = parse("cron(0 * * * ? *)")
    assert hourly.next_after(u("2026-03-01 00:00"), start=u("2026-03-01 05:00")) == u(
        "2026-03-01 05:00"
    )
    at = parse("at(2026-03-01T02:00:00)", allow_at=True)
    assert at.next_after(u("2026-03-01 00:00"), start=u("2026-03-02 00:00")) == u(
        "2026-03-01 02:00"
    )


def test_at_a_skipped_local_time_never_fires():
    """Approximation: 02:30 does not exist in New York on 2026-03-08, as for cron: skipped."""
    at = parse("at(2026-03-08T02:30:00)", allow_at=True)
    assert at.next_after(u("2026-03-01 00:00"), timezone=NY) is None


def test_after_may_be_in_any_zone_and_results_are_utc():
    after = datetime(2026, 3, 1, 11, 0, tzinfo=ZoneInfo(PARIS))  # 10:00 UTC
    fire = parse("cron(15 10 * * ? *)").next_after(after)
    assert fire == u("2026-03-01 10:15")
    assert fire.tzinfo is UTC


def test_results_are_whole_minutes_for_rate_and_cron():
    after = u("2026-03-01 10:00:59.999999")
    for expression in ("rate(1 minute)", "cron(* * * * ? *)"):
        fire = parse(expression).next_after(after)
        assert fire is not None
        assert (fire.second, fire.microsecond) == (0, 0)
        assert fire > after


def test_error_is_a_value_error_of_the_plugin():
    assert issubclass(ScheduleExpressionError, ValueError)
    assert issubclass(ScheduleExpressionError, LambdaEventsError)


LONG = "cron(" + ",".join(["0"] * 130) + " 9 * * ? *)"

INVALID = [
    # (expression, allow_at, field, token, words the message must contain)
    ("rate(1 minutes)", False, "rate unit", "minutes", "'minute'"),
    ("rate(5 minute)", False, "rate unit", "minute", "'minutes'"),
    ("rate(0 minutes)", False, "rate value", "0", "positive whole number"),
    ("rate(-1 minutes)", False, "rate value", "-1", "positive whole number"),
    ("rate(1.5 hours)", False, "rate value", "1.5", "positive whole number"),
    ("rate(1 week)", False, "rate unit", "week", "minute, hour or day"),
    ("rate(1 second)", False, "rate unit", "second", "minute, hour or day"),
    ("rate(5 minuets)", False, "rate unit", "minuets", "did you mean 'minutes'"),
    ("rate(5)", False, "rate", "5", "value unit"),
    ("Rate(5 minutes)", False, "expression", "Rate(5 minutes)", "lower case"),
    ("cron(0 9 * * * *)", False, "Day-of-week", "*", "one of the two must be ?"),
    ("cron(0 9 ? * ? *)", False, "Day-of-week", "?", "exactly one of the two must be ?"),
    ("cron(0 9 * * ?)", False, "cron", "0 9 * * ?", "6 fields"),
    ("cron(0 9 * * ? * *)", False, "cron", "0 9 * * ? * *", "6 fields"),
    ("cron(60 * * * ? *)", False, "Minutes", "60", "Minutes takes 0-59"),
    ("cron(0-60 * * * ? *)", False, "Minutes", "60", "'0-60'"),
    ("cron(0 24 * * ? *)", False, "Hours", "24", "Hours takes 0-23"),
    ("cron(0 9 32 * ? *)", False, "Day-of-month", "32", "Day-of-month takes 1-31"),
    ("cron(0 9 ? * 8 *)", False, "Day-of-week", "8", "Day-of-week takes 1-7 or SUN-SAT"),
    ("cron(0 9 ? * 0 *)", False, "Day-of-week", "0", "1 = SUN"),  # Unix numbering
    ("cron(0 9 ? 13 * *)", False, "Month", "13", "Month takes 1-12 or JAN-DEC"),
    ("cron(0 9 ? JANUARY * *)", False, "Month", "JANUARY", "JAN-DEC"),
    ("cron(0 9 ? * MOM *)", False, "Day-of-week", "MOM", "did you mean 'MON'"),
    ("cron(0 9 ? * 3#1,6#3 *)", False, "Day-of-week", "3#1,6#3", "only one"),
    ("cron(0 9 ? * 3#6 *)", False, "Day-of-week", "3#6", "1 to 5"),
    ("cron(0 9 ? * 2W *)", False, "Day-of-week", "2W", ", - * ? L #"),
    ("cron(0 9 ? * MON-FRI/2 *)", False, "Day-of-week", "MON-FRI/2", "does not take"),
    ("cron(0 9 1#2 * ? *)", False, "Day-of-month", "1#2", ", - * ? / L W"),
    ("cron(0 9 L,15 * ? *)", False, "Day-of-month", "L,15", "alone"),
    ("cron(0 9 L-3 * ? *)", False, "Day-of-month", "L-3", "LW"),
    ("cron(0 L * * ? *)", False, "Hours", "L", "Hours takes 0-23, with , - * /"),
    ("cron(0 9 * * ? ?)", False, "Year", "?", "does not take"),
    ("cron(0 9 * * ? 1969)", False, "Year", "1969", "Year takes 1970-2199"),
    ("cron(0 9 * * ? 2200)", False, "Year", "2200", "Year takes 1970-2199"),
    ("cron(0 9 * * ? 2030-2026)", False, "Year", "2030-2026", "reversed"),
    ("cron(0/0 9 * * ? *)", False, "Minutes", "0/0", "step"),
    ("cron(0 9 ?,1 * ? *)", False, "Day-of-month", "?,1", "stands alone"),
    ("cron(0 9 1, * ? *)", False, "Day-of-month", "1,", "empty"),
    ("at(2026-05-01T09:30:00)", False, "expression", "at(", "only EventBridge Scheduler"),
    ("at(2026-02-30T10:00:00)", True, "at() date and time", "2026-02-30T10:00:00", "real"),
    ("at(2026-05-01 09:30)", True, "at() date and time", "2026-05-01 09:30", "yyyy-mm-dd"),
    ("every 5 minutes", False, "expression", "every 5 minutes", "rate(value unit)"),
    ("", False, "expression", "", "empty"),
    ("   ", False, "expression", "   ", "empty"),
    (LONG, False, "expression", f"{len(LONG)} characters", "256"),
]


@pytest.mark.parametrize(("expression", "allow_at", "field", "token", "words"), INVALID)
def test_invalid_expressions_are_explained(expression, allow_at, field, token, words):
    with pytest.raises(ScheduleExpressionError) as caught:
        parse(expression, allow_at=allow_at)
    error = caught.value
    assert (error.field, error.token) == (field, token)
    message = str(error)
    assert field in message
    assert repr(token) in message
    assert words in message
    if expression and expression != LONG:
        assert repr(expression) in message


def test_the_invalid_table_is_large_enough():
    assert len(INVALID) >= 25


@pytest.mark.parametrize("value", [42, None, b"rate(5 minutes)", ["cron(0 9 * * ? *)"]])
def test_a_non_string_is_a_schedule_expression_error_not_a_type_error(value):
    with pytest.raises(ScheduleExpressionError, match="is a string"):
        parse(value)


@pytest.mark.parametrize(
    ("zone", "words"),
    [
        ("Mars/Olympus_Mons", "unknown time zone 'Mars/Olympus_Mons'"),
        ("Europe/Pari", "did you mean 'Europe/Paris'"),
        ("America", "IANA"),
        ("../etc/passwd", "IANA"),
        ("", "1 to 50 characters"),
        ("A" * 51, "1 to 50 characters"),
    ],
)
def test_bad_time_zones_are_named(zone, words):
    with pytest.raises(ScheduleExpressionError, match="ScheduleExpressionTimezone") as caught:
        parse("cron(0 9 * * ? *)").next_after(u("2026-03-01 00:00"), timezone=zone)
    assert words in str(caught.value)
    assert caught.value.field == "ScheduleExpressionTimezone"


def test_a_naive_after_is_refused():
    with pytest.raises(ScheduleExpressionError, match="aware datetime"):
        parse("rate(1 hour)").next_after(datetime(2026, 3, 1))


def test_next_fire_times_refuses_a_negative_count():
    with pytest.raises(ScheduleExpressionError, match="whole number"):
        next_fire_times("rate(1 hour)", u("2026-03-01 00:00"), -1)


# --------------------------------------------------------------------------- property tests
# An independent matcher: each generated field carries the set of values it means, worked out
# here by plain loops, and days are tested one by one against calendar facts.

MINUTE_F, HOUR_F, DOM_F, MONTH_F = (0, 59), (0, 23), (1, 31), (1, 12)
DOW_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]


def _wrapped(lo, hi, start, end, step):
    values, v, count = [], start, 0
    while True:
        if count % step == 0:
            values.append(v)
        if v == end:
            return set(values)
        v = lo if v == hi else v + 1
        count += 1


@st.composite
def cron_item(draw, bounds, names=None, steps=True):
    """One comma-separated item and the values it means (Day-of-week takes no steps)."""
    lo, hi = bounds

    style = draw(st.sampled_from(["number", "NAME", "name"] if names else ["number"]))

    def show(v):
        if style == "number":
            return str(v)
        return names[v - lo] if style == "NAME" else names[v - lo].lower()

    kinds = ["value", "range"] + (["start/step", "*/step", "range/step"] if steps else [])
    kind = draw(st.sampled_from(kinds))
    a, b = draw(st.integers(lo, hi)), draw(st.integers(lo, hi))
    step = draw(st.integers(1, 8))
    if kind == "value":
        return show(a), {a}
    if kind == "range":
        return f"{show(a)}-{show(b)}", _wrapped(lo, hi, a, b, 1)
    if kind == "range/step":
        return f"{show(a)}-{show(b)}/{step}", _wrapped(lo, hi, a, b, step)
    if kind == "start/step":
        return f"{show(a)}/{step}", set(range(a, hi + 1, step))
    return f"*/{step}", set(range(lo, hi + 1, step))


@st.composite
def cron_list(draw, bounds, names=None, steps=True):
    if draw(st.integers(0, 4)) == 0:
        return "*", set(range(bounds[0], bounds[1] + 1))
    items = draw(st.lists(cron_item(bounds, names, steps), min_size=1, max_size=3))
    return ",".join(text for text, _ in items), set().union(*(values for _, values in items))


def aws_dow(day):  # 1 = SUN .. 7 = SAT
    return day.isoweekday() % 7 + 1


def month_days(day):
    return [
        d for d in (day.replace(day=1) + timedelta(n) for n in range(31)) if d.month == day.month
    ]


def nearest_weekday_in_month(day, n):
    days = month_days(day)
    if n > len(days):
        return None
    weekdays = [d for d in days if d.isoweekday() <= 5]
    return min(weekdays, key=lambda d: abs(d.day - n))


@st.composite
def day_spec(draw):
    """(Day-of-month text, Day-of-week text, predicate on a date)."""
    kind = draw(st.sampled_from(["dom", "L", "LW", "W", "dow", "dowL", "nth", "satL"]))
    if kind == "dom":
        text, values = draw(cron_list(DOM_F))
        return text, "?", lambda d: d.day in values
    if kind == "L":
        return "L", "?", lambda d: (d + timedelta(1)).month != d.month
    if kind == "LW":
        return "LW", "?", lambda d: d == max(x for x in month_days(d) if x.isoweekday() <= 5)
    if kind == "W":
        n = draw(st.integers(1, 31))
        return f"{n}W", "?", lambda d: d == nearest_weekday_in_month(d, n)
    if kind == "dow":
        text, values = draw(cron_list((1, 7), DOW_NAMES, steps=False))
        return "?", text, lambda d: aws_dow(d) in values
    w = draw(st.integers(1, 7))
    if kind == "dowL":
        return "?", f"{w}L", lambda d: aws_dow(d) == w and (d + timedelta(7)).month != d.month
    if kind == "nth":
        k = draw(st.integers(1, 5))
        return "?", f"{w}#{k}", lambda d: aws_dow(d) == w and (d.day - 1) // 7 + 1 == k
    return "?", "L", lambda d: aws_dow(d) == 7


@st.composite
def cron_case(draw):
    minutes, minute_set = draw(cron_list(MINUTE_F))
    hours, hour_set = draw(cron_list(HOUR_F))
    dom, dow, day_ok = draw(day_spec())
    months, month_set = draw(cron_list(MONTH_F, MONTH_NAMES))
    years = draw(st.sampled_from(["*", "2026-2030", "2027,2029", "2026/3", "1970-2026"]))
    year_set = {
        "*": set(range(1970, 2200)),
        "2026-2030": set(range(2026, 2031)),
        "2027,2029": {2027, 2029},
        "2026/3": set(range(2026, 2200, 3)),
        "1970-2026": set(range(1970, 2027)),
    }[years]
    expression = f"cron({minutes} {hours} {dom} {months} {dow} {years})"

    def day_matches(d):
        return d.year in year_set and d.month in month_set and day_ok(d)

    return expression, minute_set, hour_set, day_matches


def brute_force_utc(after, minute_set, hour_set, day_matches, horizon_days):
    """The first matching whole minute after ``after``: day by day, then minute by minute
    through the day's matching hours."""
    day = after.date()
    for _ in range(horizon_days):
        if day_matches(day):
            for hour in sorted(hour_set):
                for minute in range(60):
                    t = datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
                    if t > after and minute in minute_set:
                        return t
        day += timedelta(1)
    return None


AFTER = st.datetimes(datetime(2025, 12, 1), datetime(2031, 12, 31)).map(
    lambda t: t.replace(tzinfo=UTC)
)
HORIZON = 800  # days: enough for a fifth weekday in a chosen month to come round


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=cron_case(), after=AFTER)
def test_cron_next_after_is_the_first_matching_minute(case, after):
    expression, minute_set, hour_set, day_matches = case
    fire = parse(expression).next_after(after)
    expected = brute_force_utc(after, minute_set, hour_set, day_matches, HORIZON)
    if expected is None:
        assert fire is None or fire > after + timedelta(days=HORIZON - 1), expression
        return
    assert fire == expected, expression
    assert fire > after
    assert (fire.second, fire.microsecond) == (0, 0)
    assert fire.hour in hour_set and fire.minute in minute_set and day_matches(fire.date())


# Local hours that clocks skip or repeat in these zones (01:xx in New York in the autumn, 02:xx
# everywhere else), drawn often so that the changes are exercised.
CHANGING_HOURS = st.sampled_from(
    [("1", {1}), ("2", {2}), ("1-3", {1, 2, 3}), ("0-2/2", {0, 2}), ("*", set(range(24)))]
)
TRANSITIONS = {  # (zone, a UTC moment shortly before one of its clock changes)
    NY: [u("2026-03-07 20:00"), u("2026-10-31 20:00")],
    PARIS: [u("2026-03-28 12:00"), u("2026-10-24 12:00")],
    SYDNEY: [u("2026-04-04 02:00"), u("2026-10-03 02:00")],
}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone=st.sampled_from(sorted(TRANSITIONS)),
    which=st.integers(0, 1),
    offset=st.integers(0, 30 * 60),
    hours=st.one_of(CHANGING_HOURS, cron_list(HOUR_F)),
    minutes=cron_list(MINUTE_F),
)
def test_cron_across_clock_changes_fires_once_per_existing_local_time(
    zone, which, offset, hours, minutes
):
    """Brute force in UTC: a minute fires when its local time matches and it is that local
    time's first occurrence (fold 0); local times clocks skip never come up."""
    (hour_text, hour_set), (minute_text, minute_set) = hours, minutes
    after = TRANSITIONS[zone][which] + timedelta(minutes=offset, seconds=7)
    fire = parse(f"cron({minute_text} {hour_text} * * ? *)").next_after(after, timezone=zone)
    tz = ZoneInfo(zone)
    t = after.replace(second=0) + timedelta(minutes=1)
    while True:
        local = t.astimezone(tz)
        if local.fold == 0 and local.hour in hour_set and local.minute in minute_set:
            break
        t += timedelta(minutes=1)
    assert fire == t


def test_month_days_helper_is_sane():
    assert len(month_days(date(2028, 2, 10))) == 29
    assert len(month_days(date(2027, 2, 10))) == 28
