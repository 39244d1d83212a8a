"""The timestamp formats AWS services use in events (reference/shapes.md section 0.2)."""

from __future__ import annotations

from datetime import UTC, datetime

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def iso_ms_z(t: datetime) -> str:
    """``2024-05-01T12:00:00.123Z``: S3 eventTime, SNS Timestamp, SES timestamps."""
    t = t.astimezone(UTC)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}Z"


def iso_z(t: datetime) -> str:
    """``2024-05-01T12:00:00Z``: the EventBridge envelope ``time``."""
    return f"{t.astimezone(UTC):%Y-%m-%dT%H:%M:%S}Z"


def iso_ms_offset(t: datetime) -> str:
    """``2024-02-17T11:53:08.431+0000``: CloudWatch alarm and CodeCommit times."""
    t = t.astimezone(UTC)
    return f"{t:%Y-%m-%dT%H:%M:%S}.{t.microsecond // 1000:03d}+0000"


def epoch_ms(t: datetime) -> int:
    """Epoch milliseconds as an integer (CloudWatch Logs, API Gateway ``requestTimeEpoch``)."""
    return int(t.timestamp() * 1000)


def epoch_s_ms(t: datetime) -> float:
    """Epoch seconds with millisecond precision (Kinesis ``approximateArrivalTimestamp``)."""
    return epoch_ms(t) / 1000


def clf(t: datetime) -> str:
    """``12/Mar/2020:19:03:58 +0000``: API Gateway ``requestTime`` (common log format)."""
    t = t.astimezone(UTC)
    return f"{t.day:02d}/{_MONTHS[t.month - 1]}/{t:%Y:%H:%M:%S} +0000"


def space_ms(t: datetime) -> str:
    """``2022-09-08 15:40:57.144``: SNS delivery-status logs' ``notification.timestamp``."""
    t = t.astimezone(UTC)
    return f"{t:%Y-%m-%d %H:%M:%S}.{t.microsecond // 1000:03d}"
