"""AWS schedule expressions: ``rate(value unit)``, ``cron(fields)`` and ``at(...)`` (semantics.md
7.1 and 7.2), validated as EventBridge rules (``PutRule``) and EventBridge Scheduler
(``CreateSchedule``) validate them, and evaluated on the harness's virtual clock.

Our own evaluator rather than croniter: croniter numbers days of the week from 0 = Sunday (AWS's
``2-6``, Monday to Friday, would be Tuesday to Saturday to it), rejects a sixth field that is a
year, and its ``L``/``W``/``#``/``?`` rules are not AWS's, so a translation layer would be as long
as this module and still wrong at the edges.

What AWS documents, and this module does:

* ``rate(value unit)``: a positive whole value; ``minute``/``hour``/``day`` when the value is 1,
  ``minutes``/``hours``/``days`` otherwise. ``rate(N days)`` is N x 24 h of clock time, whatever
  the time zone's daylight saving does.
* ``cron(Minutes Hours Day-of-month Month Day-of-week Year)``: Minutes 0-59, Hours 0-23,
  Day-of-month 1-31, Month 1-12 or JAN-DEC, Day-of-week 1-7 or SUN-SAT (1 = SUN), Year 1970-2199.
  ``, - * /`` everywhere except ``/`` in Day-of-week; ``?`` in Day-of-month or Day-of-week, and
  exactly one of the two must be ``?``; ``L`` (last day) and ``W`` (nearest weekday, ``3W``) in
  Day-of-month; ``L`` (``5L`` = last Thursday; ``L`` alone = Saturday, the last day of the week)
  and ``#`` (``3#2`` = second Tuesday, one ``#`` expression only) in Day-of-week.
* ``at(yyyy-mm-ddThh:mm:ss)``: Scheduler only; fires once.
* At most 256 characters (``PutRule`` and ``CreateSchedule``).
* Scheduler evaluates cron and at in ``ScheduleExpressionTimezone`` (IANA, 1-50 characters). When
  clocks go forward, a local time that does not exist is skipped; when they go back, a local time
  that happens twice fires once, at its first occurrence.

Rules (``PutRule``) are evaluated in UTC only; ``timezone`` is for Scheduler.

Approximations, where AWS documents nothing. AWS's field table is Quartz's (less ``/`` in
Day-of-week), so Quartz's behaviour is taken as the closest documented one:

* Names, ``L`` and ``W`` are case-insensitive (Quartz upper-cases expressions); the ``rate``,
  ``cron`` and ``at`` keywords and rate units must be lower case, as AWS writes them.
* A reversed range wraps: ``FRI-MON`` is FRI, SAT, SUN, MON and ``22-2`` in Hours is 22, 23, 0, 1,
  2. A reversed Year range is rejected.
* ``LW`` (last weekday of the month) is accepted. ``L``, ``LW``, ``nW``, ``nL`` and ``n#k`` must
  stand alone in their field; ``L-3`` is rejected.
* ``nW`` never leaves the month (``1W`` on a Saturday is Monday the 3rd, ``31W`` on a Sunday is
  Friday the 29th), and a month without day n (``31W`` in April) does not fire.
* A step is 1 up to the field's width (``0/60`` in Minutes is minute 0 only).
* Rate schedules fire on whole minutes: their clock starts at the first whole minute at or after
  ``start`` (seconds round up rather than being truncated, so that Scheduler's "at once" first
  fire, ``first_at_start=True``, never comes before the schedule exists). Rules fire one period
  after that. Without ``start``, ``after`` is the start.
* An ``at()`` time that does not exist locally (skipped by daylight saving) never fires, like a
  cron time; an ambiguous one fires at its first occurrence. ``at()`` keeps its seconds.
"""

from __future__ import annotations

import calendar
import functools
import re
from abc import ABC, abstractmethod
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ScheduleExpressionError, did_you_mean

MAX_EXPRESSION_LENGTH = 256  # PutRule.ScheduleExpression, CreateSchedule.ScheduleExpression
Kind = Literal["rate", "cron", "at"]

_MINUTE = timedelta(minutes=1)
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86_400}
_RATE_ACCEPTS = (
    "rate(value unit) takes a positive whole value and the unit minute, hour or day when the "
    "value is 1, minutes, hours or days otherwise, e.g. rate(1 hour), rate(5 minutes)"
)
_AT_ACCEPTS = "at() takes a local date and time yyyy-mm-ddThh:mm:ss, e.g. at(2026-03-01T09:30:00)"
_AT_SYNTAX = re.compile(r"at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)")
_DIGITS = re.compile(r"[0-9]+")


def _error(expression: str, field: str, token: str, problem: str, accepts: str) -> NoReturn:
    raise ScheduleExpressionError(
        f"invalid schedule expression {expression!r}: {field} {token!r} {problem}. {accepts}",
        expression=expression,
        field=field,
        token=token,
    )


# --------------------------------------------------------------------------- cron fields


@dataclass(frozen=True, slots=True)
class _Field:
    """One cron field as AWS's table describes it."""

    name: str
    lo: int
    hi: int
    wildcards: str
    names: tuple[str, ...] = ()  # names[i] is the value lo + i

    @property
    def accepts(self) -> str:
        named = f" or {self.names[0]}-{self.names[-1]}" if self.names else ""
        first = " (1 = SUN)" if self.name == "Day-of-week" else ""
        return f"{self.name} takes {self.lo}-{self.hi}{named}{first}, with {self.wildcards}"


_MINUTES = _Field("Minutes", 0, 59, ", - * /")
_HOURS = _Field("Hours", 0, 23, ", - * /")
_DAY_OF_MONTH = _Field("Day-of-month", 1, 31, ", - * ? / L W")
_MONTH = _Field(
    "Month", 1, 12, ", - * /",
    ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"),
)  # fmt: skip
_DAY_OF_WEEK = _Field(
    "Day-of-week", 1, 7, ", - * ? L #", ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
)
_YEAR = _Field("Year", 1970, 2199, ", - * /")
_FIELDS = (_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH, _DAY_OF_WEEK, _YEAR)
_FIELD_LIST = " ".join(f.name for f in _FIELDS)


class _FieldParser:
    """Turns one field's text into its sorted values; every mistake names the field and token."""

    def __init__(self, expression: str, field: _Field) -> None:
        self.expression = expression
        self.field = field
        self.width = field.hi - field.lo + 1
        self.names = {name.upper(): field.lo + i for i, name in enumerate(field.names)}

    def fail(self, token: str, problem: str) -> NoReturn:
        _error(self.expression, self.field.name, token, problem, self.field.accepts)

    def values(self, text: str) -> tuple[int, ...]:
        found: set[int] = set()
        for item in text.split(","):
            if not item:
                self.fail(text, "has an empty item (a stray comma)")
            found.update(self.item(item))
        return tuple(sorted(found))

    def item(self, item: str) -> Iterable[int]:
        base, slash, step_text = item.partition("/")
        step = self.step(item, step_text) if slash else 1
        if base == "*":
            return range(self.field.lo, self.field.hi + 1, step)
        first, dash, last = base.partition("-")
        start = self.value(item, first)
        # "5/15" runs from 5 to the end of the field, as "*/15" runs from its start.
        end = self.value(item, last) if dash else (self.field.hi if slash else start)
        if end >= start:
            return range(start, end + 1, step)
        if self.field is _YEAR:
            self.fail(item, "is a reversed range (years do not wrap around)")
        # A reversed range wraps past the field's end (Quartz does this; AWS does not say).
        span = (end - start) % self.width
        return [
            self.field.lo + (start - self.field.lo + i) % self.width
            for i in range(0, span + 1, step)
        ]

    def step(self, item: str, text: str) -> int:
        if "/" not in self.field.wildcards:
            self.fail(item, "uses /, which this field does not take")
        if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= self.width:
            self.fail(
                item, f"has the step {text!r}; a step is a whole number from 1 to {self.width}"
            )
        return int(text)

    def value(self, item: str, text: str) -> int:
        if _DIGITS.fullmatch(text):
            number = int(text)
            if self.field.lo <= number <= self.field.hi:
                return number
            where = "" if text == item else f" (in {item!r})"
            self.fail(text, f"is out of range{where}")
        if text.upper() in self.names:
            return self.names[text.upper()]
        if not text:
            self.fail(item, "has an empty value")
        hint = did_you_mean(text, self.names) if self.names else ""
        where = "" if text == item else f" in {item!r}"
        self.fail(text, f"is not a value{where}{hint}")


# --------------------------------------------------------------------------- day rules

DayKind = Literal[
    "any", "days", "last", "last_weekday", "near_weekday", "weekdays", "last_of", "nth"
]


_NO_DAY = 32  # a day no month has: "nothing this month"


@functools.lru_cache(maxsize=8192)
def _month_info(year: int, month: int) -> tuple[int, int]:
    """(AWS day-of-week of the 1st, 1 = SUN .. 7 = SAT; number of days)."""
    weekday, length = calendar.monthrange(year, month)  # weekday: 0 = Monday
    return (weekday + 1) % 7 + 1, length


@dataclass(frozen=True, slots=True)
class _DayRule:
    """Which days of a month fire: the one of Day-of-month / Day-of-week that is not ``?``."""

    kind: DayKind
    values: tuple[int, ...] = ()  # days of the month, or AWS days of the week
    n: int = 0  # the day for W, the weekday for nL / n#k
    k: int = 0  # the occurrence for n#k

    def next_day(self, year: int, month: int, day: int) -> int | None:
        """The first firing day >= ``day`` in that month, or None."""
        first, length = _month_info(year, month)
        kind = self.kind
        if kind == "any":
            found = day
        elif kind == "days":
            i = bisect_left(self.values, day)
            found = self.values[i] if i < len(self.values) else _NO_DAY
        elif kind == "weekdays":
            found = next((d for d in range(day, day + 7) if _dow(first, d) in self.values), _NO_DAY)
        else:
            found = self._single_day(first, length)
        return found if day <= found <= length else None

    def _single_day(self, first: int, length: int) -> int:
        kind = self.kind
        if kind == "last":
            return length
        if kind == "last_weekday":
            return _nearest_weekday(first, length, length)
        if kind == "near_weekday":
            return _nearest_weekday(first, length, self.n) if self.n <= length else _NO_DAY
        if kind == "last_of":
            return length - (_dow(first, length) - self.n) % 7
        return 1 + (self.n - first) % 7 + 7 * (self.k - 1)  # "nth"


def _dow(first: int, day: int) -> int:
    """AWS day of the week (1 = SUN) of ``day``, given that of the 1st."""
    return (first + day - 2) % 7 + 1


def _nearest_weekday(first: int, length: int, day: int) -> int:
    """Quartz's ``W``: Saturday moves back to Friday and Sunday forward to Monday, except that
    neither leaves the month (Saturday the 1st gives Monday the 3rd; a last-day Sunday gives
    Friday)."""
    dow = _dow(first, day)
    if dow == 7:
        return day + 2 if day == 1 else day - 1
    if dow == 1:
        return day - 2 if day == length else day + 1
    return day


_DOM_W = re.compile(r"([0-9]+)W")
_DOW_LAST = re.compile(r"([0-9A-Z]+)L")
_DOW_NTH = re.compile(r"([0-9A-Z]+)#([0-9]*)")


def _day_of_month_rule(parser: _FieldParser, text: str) -> _DayRule:
    if text == "L":
        return _DayRule("last")
    if text == "LW":
        return _DayRule("last_weekday")
    if "L" in text or "W" in text:
        match = _DOM_W.fullmatch(text)
        if match is None:
            parser.fail(text, "misuses L or W: write L, LW or a day with W such as 3W, alone")
        return _DayRule("near_weekday", n=parser.value(text, match.group(1)))
    days = parser.values(text)
    return _DayRule("any") if len(days) == 31 else _DayRule("days", days)


def _day_of_week_rule(parser: _FieldParser, text: str) -> _DayRule:
    if "#" in text:
        if "," in text:
            parser.fail(text, "has more than one expression with #; AWS allows only one")
        match = _DOW_NTH.fullmatch(text)
        if match is None or not _DIGITS.fullmatch(match.group(2)) or not 1 <= int(match[2]) <= 5:
            parser.fail(text, "is not weekday#occurrence with an occurrence from 1 to 5, like 3#2")
        return _DayRule("nth", n=parser.value(text, match.group(1)), k=int(match[2]))
    if text == "L":  # the last day of the week
        return _DayRule("weekdays", (7,))
    if "L" in text:
        match = _DOW_LAST.fullmatch(text)
        if match is None:
            parser.fail(text, "misuses L: write L alone, or a weekday with L such as 6L, alone")
        return _DayRule("last_of", n=parser.value(text, match.group(1)))
    days = parser.values(text)
    return _DayRule("any") if len(days) == 7 else _DayRule("weekdays", days)


def _day_rule(expression: str, day_of_month: str, day_of_week: str) -> _DayRule:
    dom = _FieldParser(expression, _DAY_OF_MONTH)
    dow = _FieldParser(expression, _DAY_OF_WEEK)
    for parser, text in ((dom, day_of_month), (dow, day_of_week)):
        if "?" in text and text != "?":
            parser.fail(text, "mixes ? with other values; ? stands alone")
    if day_of_month == "?" and day_of_week == "?":
        dow.fail("?", "is ? as well as Day-of-month: exactly one of the two must be ?")
    if day_of_month != "?" and day_of_week != "?":
        dow.fail(
            day_of_week,
            f"is set as well as Day-of-month {day_of_month!r}: one of the two must be ?",
        )
    if day_of_week == "?":
        return _day_of_month_rule(dom, day_of_month)
    return _day_of_week_rule(dow, day_of_week)


# --------------------------------------------------------------------------- time zones


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _zone_error(name) from None


def _zone_error(name: str) -> ScheduleExpressionError:
    from zoneinfo import available_timezones  # slow (reads the database): errors only

    hint = did_you_mean(name, available_timezones())
    return ScheduleExpressionError(
        f"unknown time zone {name!r}{hint}: ScheduleExpressionTimezone takes an IANA time zone "
        "name of 1 to 50 characters, e.g. 'UTC', 'Europe/Paris', 'America/New_York'",
        field="ScheduleExpressionTimezone",
        token=str(name),
    )


def _time_zone(name: object) -> ZoneInfo | None:
    """The zone to evaluate in; None for UTC (the fast path)."""
    if name == "UTC":
        return None
    if not isinstance(name, str) or not 1 <= len(name) <= 50:
        raise _zone_error(str(name))
    return _zone(name)


def _as_utc(moment: object, what: str) -> datetime:
    if isinstance(moment, datetime) and moment.tzinfo is not None:
        return moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    raise ScheduleExpressionError(
        f"{what} must be an aware datetime (e.g. datetime(2026, 1, 1, tzinfo=UTC)), got {moment!r}",
        field=what,
    )


def _local_to_utc(local: datetime, zone: ZoneInfo) -> datetime | None:
    """A naive local time as UTC: its first occurrence if clocks went back (fold=0), None if
    clocks went forward over it."""
    utc = local.replace(tzinfo=zone).astimezone(UTC)
    if utc.astimezone(zone).replace(tzinfo=None) != local:
        return None
    return utc


# --------------------------------------------------------------------------- schedules


@dataclass(frozen=True, slots=True)
class Schedule(ABC):
    """A parsed schedule expression; :func:`parse` returns a :class:`RateSchedule`,
    :class:`CronSchedule` or :class:`AtSchedule`."""

    expression: str
    kind: Kind

    @abstractmethod
    def next_after(
        self,
        after: datetime,
        *,
        timezone: str = "UTC",
        start: datetime | None = None,
        first_at_start: bool = False,
    ) -> datetime | None:
        """The first fire time strictly after ``after`` (aware, returned in UTC), or None when
        the schedule never fires again.

        ``timezone`` is Scheduler's ``ScheduleExpressionTimezone`` (cron and at; rules are UTC).
        ``start`` is the rule's creation or Scheduler's ``StartDate``: nothing fires before it.
        ``first_at_start``: a rate schedule fires at its start (Scheduler) instead of one period
        later (rules)."""


@dataclass(frozen=True, slots=True)
class RateSchedule(Schedule):
    """``rate(value unit)``: fires every ``period`` from its start (minute precision)."""

    period: timedelta

    def next_after(
        self,
        after: datetime,
        *,
        timezone: str = "UTC",
        start: datetime | None = None,
        first_at_start: bool = False,
    ) -> datetime | None:
        """Rules: a rate schedule "starts when the rule is created", so the first fire is one
        period after ``start``. Scheduler without ``StartDate`` "starts invoking at once":
        ``first_at_start=True`` fires at ``start`` too. ``rate(N days)`` is N x 24 h whatever
        daylight saving does, so ``timezone`` changes nothing (it is still validated)."""
        # Pure arithmetic, and shortcuts for the usual UTC case: harnesses call this per fire.
        if timezone != "UTC":
            _time_zone(timezone)
        after = _as_utc(after, "after")
        anchor = _ceil_minute(after if start is None else _as_utc(start, "start"))
        period = self.period
        first = anchor if first_at_start else anchor + period
        if after < first:
            return first
        try:
            return anchor + ((after - anchor) // period + 1) * period
        except OverflowError:  # past year 9999
            return None


def _ceil_minute(moment: datetime) -> datetime:
    if moment.second == 0 and moment.microsecond == 0:
        return moment
    return moment.replace(second=0, microsecond=0) + _MINUTE


@dataclass(frozen=True, slots=True)
class CronSchedule(Schedule):
    """``cron(Minutes Hours Day-of-month Month Day-of-week Year)``, compiled to sorted values."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: _DayRule
    months: tuple[int, ...]
    years: tuple[int, ...]

    def next_after(
        self,
        after: datetime,
        *,
        timezone: str = "UTC",
        start: datetime | None = None,
        first_at_start: bool = False,
    ) -> datetime | None:
        """The next whole minute strictly after ``after`` (and not before ``start``) whose local
        time in ``timezone`` matches every field. Local times that daylight saving skips do not
        fire; local times it repeats fire once, at their first occurrence."""
        zone = _time_zone(timezone)
        after = _as_utc(after, "after")
        if start is not None and (start := _as_utc(start, "start")) > after:
            after = start - timedelta(microseconds=1)
        local = after if zone is None else after.astimezone(zone)
        wall = (local.year, local.month, local.day, local.hour, local.minute + 1)
        while True:
            found = self._next_wall(*wall)
            if found is None:
                return None
            fire = datetime(*found)
            if zone is None:
                return fire.replace(tzinfo=UTC)
            utc = _local_to_utc(fire, zone)
            if utc is not None and utc > after:
                return utc
            # skipped by clocks going forward, or the repeat of an hour that already fired
            wall = (*found[:4], found[4] + 1)

    def _next_wall(
        self, year: int, month: int, day: int, hour: int, minute: int
    ) -> tuple[int, int, int, int, int] | None:
        """The first matching local time at or after the given one (``minute`` may be 60, and
        so on: overflow carries into the next field). Jumps field by field, never minute by
        minute: a few loop turns per call, a few hundred at most for a schedule that never
        fires (``cron(0 0 30 2 ? *)``)."""
        years, months, hours, minutes = self.years, self.months, self.hours, self.minutes
        while True:
            i = bisect_left(years, year)
            if i == len(years):
                return None
            if years[i] != year:
                year, month, day, hour, minute = years[i], 1, 1, 0, 0
            i = bisect_left(months, month)
            if i == len(months):
                year, month, day, hour, minute = year + 1, 1, 1, 0, 0
                continue
            if months[i] != month:
                month, day, hour, minute = months[i], 1, 0, 0
            found = self.days.next_day(year, month, day)
            if found is None:
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day, hour, minute = 1, 0, 0
                continue
            if found != day:
                day, hour, minute = found, 0, 0
            i = bisect_left(hours, hour)
            if i == len(hours):
                day, hour, minute = day + 1, 0, 0
                continue
            if hours[i] != hour:
                hour, minute = hours[i], 0
            i = bisect_left(minutes, minute)
            if i == len(minutes):
                hour, minute = hour + 1, 0
                continue
            return year, month, day, hour, minutes[i]


@dataclass(frozen=True, slots=True)
class AtSchedule(Schedule):
    """``at(yyyy-mm-ddThh:mm:ss)``: one local time; Scheduler ignores StartDate and EndDate."""

    local_time: datetime  # naive, in the schedule's time zone

    def next_after(
        self,
        after: datetime,
        *,
        timezone: str = "UTC",
        start: datetime | None = None,
        first_at_start: bool = False,
    ) -> datetime | None:
        """The one fire time if it is after ``after``, else None (``start`` is ignored, as
        Scheduler ignores StartDate for one-time schedules)."""
        zone = _time_zone(timezone)
        after = _as_utc(after, "after")
        if zone is None:
            fire: datetime | None = self.local_time.replace(tzinfo=UTC)
        else:
            fire = _local_to_utc(self.local_time, zone)
        return fire if fire is not None and fire > after else None


# --------------------------------------------------------------------------- parsing


def parse(expression: str, *, allow_at: bool = False) -> Schedule:
    """Parse and validate a schedule expression as AWS does.

    ``allow_at``: accept ``at(...)``, which only EventBridge Scheduler takes (not rules).
    Raises :class:`ScheduleExpressionError` naming the field, the token and what AWS accepts."""
    if not isinstance(expression, str):
        raise ScheduleExpressionError(
            f"a schedule expression is a string such as 'rate(5 minutes)', "
            f"not {type(expression).__name__} {expression!r}",
            token=repr(expression),
        )
    return _parse(expression, allow_at)


@functools.lru_cache(maxsize=512)
def _parse(expression: str, allow_at: bool) -> Schedule:
    kinds = "rate(value unit), cron(fields)" + (" or at(yyyy-mm-ddThh:mm:ss)" if allow_at else "")
    if not expression.strip():
        _error(expression, "expression", expression, "is empty", f"It takes {kinds}")
    if len(expression) > MAX_EXPRESSION_LENGTH:
        _error(
            expression[:40] + "...",
            "expression",
            f"{len(expression)} characters",
            f"is too long (AWS allows at most {MAX_EXPRESSION_LENGTH})",
            f"It takes {kinds}",
        )
    if expression.endswith(")"):
        if expression.startswith("rate("):
            return _parse_rate(expression)
        if expression.startswith("cron("):
            return _parse_cron(expression)
        if expression.startswith("at("):
            if allow_at:
                return _parse_at(expression)
            _error(
                expression,
                "expression",
                "at(",
                "is a one-time schedule, which only EventBridge Scheduler takes",
                "A rule's ScheduleExpression takes rate(value unit) or cron(fields)",
            )
    hint = " (leading or trailing spaces)" if expression != expression.strip() else ""
    if expression.lower() != expression and not hint:
        hint = " (the keyword is lower case: rate(, cron(, at()"
    _error(expression, "expression", expression, f"is not one{hint}", f"It takes {kinds}")


def _parse_rate(expression: str) -> RateSchedule:
    parts = expression[5:-1].split()
    if len(parts) != 2:
        _error(expression, "rate", expression[5:-1], "is not 'value unit'", _RATE_ACCEPTS)
    value_text, unit = parts
    if not _DIGITS.fullmatch(value_text) or int(value_text) < 1:
        _error(
            expression, "rate value", value_text, "is not a positive whole number", _RATE_ACCEPTS
        )
    value = int(value_text)
    singular = unit[:-1] if unit.endswith("s") else unit
    if singular not in _UNIT_SECONDS:
        hint = did_you_mean(unit, ["minute", "minutes", "hour", "hours", "day", "days"])
        _error(expression, "rate unit", unit, f"is not a unit{hint}", _RATE_ACCEPTS)
    if (value == 1) != (unit == singular):
        wanted = singular if value == 1 else singular + "s"
        _error(expression, "rate unit", unit, f"must be {wanted!r} with {value}", _RATE_ACCEPTS)
    try:
        period = timedelta(seconds=value * _UNIT_SECONDS[singular])
    except OverflowError:
        _error(expression, "rate value", value_text, "is too large to simulate", _RATE_ACCEPTS)
    return RateSchedule(expression, "rate", period)


def _parse_cron(expression: str) -> CronSchedule:
    fields = expression[5:-1].upper().split()
    if len(fields) != 6:
        _error(
            expression,
            "cron",
            expression[5:-1],
            f"has {len(fields)} fields",
            f"cron() takes 6 fields separated by spaces: {_FIELD_LIST}",
        )
    minutes, hours, day_of_month, month, day_of_week, year = fields
    for field, text in zip(_FIELDS, fields, strict=True):
        if "?" in text and "?" not in field.wildcards:
            _FieldParser(expression, field).fail(text, "uses ?, which this field does not take")
    return CronSchedule(
        expression,
        "cron",
        minutes=_FieldParser(expression, _MINUTES).values(minutes),
        hours=_FieldParser(expression, _HOURS).values(hours),
        days=_day_rule(expression, day_of_month, day_of_week),
        months=_FieldParser(expression, _MONTH).values(month),
        years=_FieldParser(expression, _YEAR).values(year),
    )


def _parse_at(expression: str) -> AtSchedule:
    match = _AT_SYNTAX.fullmatch(expression)
    token = expression[3:-1]
    if match is None:
        _error(expression, "at() date and time", token, "is not yyyy-mm-ddThh:mm:ss", _AT_ACCEPTS)
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        local = datetime(year, month, day, hour, minute, second)
    except ValueError as exc:
        _error(expression, "at() date and time", token, f"is not a real time ({exc})", _AT_ACCEPTS)
    return AtSchedule(expression, "at", local)


def next_fire_times(
    expression: str, after: datetime, n: int, *, timezone: str = "UTC"
) -> list[datetime]:
    """The next ``n`` fire times of ``expression`` strictly after ``after`` (aware UTC), fewer
    if it stops firing. ``at(...)`` is accepted; a rate schedule counts from ``after``."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ScheduleExpressionError(f"n must be a whole number >= 0, got {n!r}", token=repr(n))
    schedule = parse(expression, allow_at=True)
    times: list[datetime] = []
    moment = after
    while len(times) < n:
        following = schedule.next_after(moment, timezone=timezone, start=after)
        if following is None:
            break
        times.append(moment := following)
    return times
