"""Scheduled (EventBridge rule) handler: name the daily report after the scheduled time."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    scheduled = datetime.fromisoformat(event["time"].replace("Z", "+00:00"))
    rule = event["resources"][0].rsplit("/", 1)[-1]
    return {"report": f"reports/{scheduled:%Y/%m/%d}/daily.csv", "rule": rule}
