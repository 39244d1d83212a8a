"""The timestamp formats AWS services use in events (reference/shapes.md section 0.2).

Each format is cut from ``datetime.isoformat`` (one C call) rather than ``strftime``, which costs
several times more: these run for every record of every event."""

from __future__ import annotations

from datetime import UTC, datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _utc(t: datetime) -> datetime:
    return t if t.tzinfo is UTC else t.astimezone(UTC)


def iso_ms_z(t: datetime) -> str:
    """``2024-05-01T12:00:00.123Z``: S3 eventTime, SNS Timestamp, SES timestamps."""
    return _utc(t).isoformat(timespec="milliseconds")[:23] + "Z"


def iso_z(t: datetime) -> str:
    """``2024-05-01T12:00:00Z``: the EventBridge envelope ``time``."""
    return _utc(t).isoformat(timespec="seconds")[:19] + "Z"


def iso_ms_offset(t: datetime) -> str:
    """``2024-02-17T11:53:08.431+0000``: CloudWatch alarm and CodeCommit times."""
    return _utc(t).isoformat(timespec="milliseconds")[:23] + "+0000"


def epoch_ms(t: datetime) -> int:
    """Epoch milliseconds as an integer (CloudWatch Logs, API Gateway ``requestTimeEpoch``)."""
    return int(t.timestamp() * 1000)


def epoch_s_ms(t: datetime) -> float:
    """Epoch seconds with millisecond precision (Kinesis ``approximateArrivalTimestamp``)."""
    return epoch_ms(t) / 1000


def clf(t: datetime) -> str:
    """``12/Mar/2020:19:03:58 +0000``: API Gateway ``requestTime`` (common log format)."""
    t = _utc(t)
    clock = t.isoformat(timespec="seconds")[11:19]
    return f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t.year}:{clock} +0000"


def space_ms(t: datetime) -> str:
    """``2022-09-08 15:40:57.144``: SNS delivery-status logs' ``notification.timestamp``."""
    return _utc(t).isoformat(sep=" ", timespec="milliseconds")[:23]
