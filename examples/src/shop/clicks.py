"""Kinesis consumer: count page views per page; records that are not JSON are reported back so
the stream retries from the first of them (ReportBatchItemFailures for streams)."""

from __future__ import annotations

import base64
import json
from collections import Counter
from typing import Any

VIEWS: Counter[str] = Counter()


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    for record in event["Records"]:
        kinesis = record["kinesis"]
        try:
            click = json.loads(base64.b64decode(kinesis["data"]))
        except ValueError:
            return {"batchItemFailures": [{"itemIdentifier": kinesis["sequenceNumber"]}]}
        if isinstance(click, dict) and "page" in click:
            VIEWS[click["page"]] += 1
    return {"batchItemFailures": []}
