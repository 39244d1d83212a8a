"""SQS consumer: store incoming orders, reporting only the bad messages as failures so that SQS
retries those and deletes the rest (ReportBatchItemFailures)."""

from __future__ import annotations

import json
from typing import Any

ORDERS: dict[str, dict[str, Any]] = {}  # stands in for a table
REQUIRED = ("orderId", "customerId", "quantity")


def handler(event: dict[str, Any], context: Any) -> dict[str, list[dict[str, str]]]:
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            if not isinstance(order, dict):  # "null", "5", "[]": found by test_properties.py
                raise ValueError("an order is a JSON object")
            missing = [name for name in REQUIRED if name not in order]
            if missing:
                raise ValueError(f"order is missing {missing}")
        except ValueError:
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        ORDERS[order["orderId"]] = order
    return {"batchItemFailures": failures}
