"""DynamoDB Streams consumer: an audit trail of which attributes changed on each item."""

from __future__ import annotations

from typing import Any

TRAIL: list[dict[str, Any]] = []


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        change = record["dynamodb"]
        old, new = change.get("OldImage", {}), change.get("NewImage", {})
        changed = sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))
        TRAIL.append({
            "action": record["eventName"],
            "keys": change["Keys"],
            "changed": changed,
            "by_ttl": record.get("userIdentity", {}).get("principalId") == "dynamodb.amazonaws.com",
        })  # fmt: skip
