"""The timestamp formats AWS services use in events (reference/shapes.md section 0.2).

Each ISO format is cut from one text (``iso_ms``) rather than ``strftime`` or an aware
``isoformat``, which cost several times more: these run for every record of every event."""

from __future__ import annotations

from datetime import UTC, date, datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo is UTC else t.astimezone(UTC)


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
TWO_DIGITS = tuple(f"{i:02d}" for i in range(100))  # "00".."99", for every clock field
_MILLIS = tuple(f"{i:03d}" for i in range(1000))
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DAY_MS = 86_400_000
# epoch day -> ("2025-07-04", "Fri, 04 Jul 2025", "2025/07/04", "20250704"): a bounded cache
_DAYS: dict[int, tuple[str, str, str, str]] = {}
_last: tuple[datetime | None, str] = (None, "")
_last_ms: tuple[int, str] = (-1, "")


def _day(day: int) -> tuple[str, str, str, str]:
    """The ISO, the RFC 2822, the slashed and the compact texts of an epoch day."""
    texts = _DAYS.get(day)
    if texts is None:
        if len(_DAYS) > 4096:  # a long run crosses many days; keep the table small
            _DAYS.clear()
        d = date.fromordinal(day + _EPOCH_ORDINAL)
        rfc = f"{_WEEKDAYS[d.weekday()]}, {TWO_DIGITS[d.day]} {_MONTHS[d.month - 1]} {d.year}"
        iso = d.isoformat()
        texts = _DAYS[day] = (iso, rfc, iso.replace("-", "/"), iso.replace("-", ""))
    return texts


def date_path(day: int) -> str:
    """``2025/07/04``: an epoch day as S3 keys and Lambda log streams write it."""
    return (_DAYS.get(day) or _day(day))[2]


def compact_date(day: int) -> str:
    """``20250704``: an epoch day as SigV4's ``X-Amz-Date`` and credential scope write it."""
    return (_DAYS.get(day) or _day(day))[3]


def _clock(seconds_of_day: int) -> str:
    hours, rest = divmod(seconds_of_day, 3600)
    two = TWO_DIGITS
    return f"{two[hours]}:{two[rest // 60]}:{two[rest % 60]}"


def iso_ms(t: datetime) -> str:
    """``2024-05-01T12:00:00.123`` in UTC, the text every ISO format here is cut from.

    Written from the fields through lookup tables: an aware ``isoformat`` costs three times
    more (it formats the UTC offset each time). The last time formatted is remembered (in one
    tuple, so threads never pair a time with another's text): a builder formats its event's time
    in several fields."""
    global _last
    last = _last
    if last[0] is t:
        return last[1]
    text = iso_of_ms(epoch_ms(t))
    _last = (t, text)
    return text


def iso_of_ms(ms: int) -> str:
    """``iso_ms`` of epoch milliseconds: builders that derive several times from the event's
    one do it in integers (a ``timedelta`` costs about as much as a format). The last one is
    remembered, as in ``iso_ms``."""
    global _last_ms
    last = _last_ms
    if last[0] == ms:
        return last[1]
    day, of_day = divmod(ms, _DAY_MS)
    s, two = of_day // 1000, TWO_DIGITS  # the clock inline: this runs per record
    text = (
        f"{(_DAYS.get(day) or _day(day))[0]}T{two[s // 3600]}:{two[s // 60 % 60]}:"
        f"{two[s % 60]}.{_MILLIS[of_day % 1000]}"
    )
    _last_ms = (ms, text)
    return text


def iso_z_of_ms(ms: int) -> str:
    """``iso_z`` of epoch milliseconds."""
    return iso_of_ms(ms)[:19] + "Z"


def iso_ms_z_of_ms(ms: int) -> str:
    """``iso_ms_z`` of epoch milliseconds."""
    return iso_of_ms(ms) + "Z"


def iso_ms_offset_of_ms(ms: int) -> str:
    """``iso_ms_offset`` of epoch milliseconds."""
    return iso_of_ms(ms) + "+0000"


def clf_of_ms(ms: int) -> str:
    """``clf`` of epoch milliseconds."""
    return _clf_of_iso(iso_of_ms(ms))


def rfc2822_of_ms(ms: int, zone: str) -> str:
    """``Fri, 04 Jul 2025 09:41:26 +0000``: a mail Date header, ``ms`` being the wall clock in
    ``zone`` (what ``email.utils.format_datetime`` writes)."""
    day, of_day = divmod(ms // 1000, 86_400)
    return f"{_day(day)[1]} {_clock(of_day)} {zone}"


def http_date_of_ms(ms: int) -> str:
    """``Fri, 04 Jul 2025 09:41:26 GMT``: HTTP's Date and Last-Modified headers."""
    return rfc2822_of_ms(ms, "GMT")


def iso_ms_z(t: datetime) -> str:
    """``2024-05-01T12:00:00.123Z``: S3 eventTime, SNS Timestamp, SES timestamps."""
    return iso_ms(t) + "Z"


def iso_z(t: datetime) -> str:
    """``2024-05-01T12:00:00Z``: the EventBridge envelope ``time``."""
    return iso_ms(t)[:19] + "Z"


def iso_ms_offset(t: datetime) -> str:
    """``2024-02-17T11:53:08.431+0000``: CloudWatch alarm and CodeCommit times."""
    return iso_ms(t) + "+0000"


def epoch_ms(t: datetime) -> int:
    """Epoch milliseconds as an integer (CloudWatch Logs, API Gateway ``requestTimeEpoch``),
    exact: from the fields, where a float ``timestamp()`` can round across a millisecond."""
    u = _utc(t)
    seconds = (u.toordinal() - _EPOCH_ORDINAL) * 86400 + u.hour * 3600 + u.minute * 60 + u.second
    return seconds * 1000 + u.microsecond // 1000


def epoch_s_ms(t: datetime) -> float:
    """Epoch seconds with millisecond precision (Kinesis ``approximateArrivalTimestamp``)."""
    return epoch_ms(t) / 1000


def clf(t: datetime) -> str:
    """``12/Mar/2020:19:03:58 +0000``: API Gateway ``requestTime`` (common log format)."""
    return _clf_of_iso(iso_ms(t))


def _clf_of_iso(text: str) -> str:
    return f"{text[8:10]}/{_MONTHS[int(text[5:7]) - 1]}/{text[:4]}:{text[11:19]} +0000"


def space_ms(t: datetime) -> str:
    """``2022-09-08 15:40:57.144``: SNS delivery-status logs' ``notification.timestamp``."""
    text = iso_ms(t)
    return f"{text[:10]} {text[11:]}"
