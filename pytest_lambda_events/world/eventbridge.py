"""EventBridge event buses in the harness: ``put_events`` and, as an asynchronous-invocation
destination, the "Lambda Function Invocation Result" events (semantics.md 2.4)."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from ..errors import EventBusError
from ..timefmt import iso_z

if TYPE_CHECKING:
    from . import Harness
    from .function import Function

_BUS_NAME = re.compile(r"^[A-Za-z0-9._\-/]{1,256}$")
MAX_ENTRIES = 10  # PutEvents takes at most 10 entries per call
MAX_ENTRY_BYTES = 262_144


class EventBus:
    """An event bus; ``events`` holds every event put on it, as EventBridge delivers them."""

    def __init__(self, harness: Harness, name: str = "default") -> None:
        if not _BUS_NAME.match(name):
            raise EventBusError(f"event bus name {name!r}: 1 to 256 of A-Z a-z 0-9 . _ - /")
        self.harness = harness
        self.name = name
        self.arn = (
            f"arn:{harness.partition}:events:{harness.region}:{harness.account_id}:event-bus/{name}"
        )
        self.events: list[dict[str, Any]] = []

    def put_events(self, entries: list[dict[str, Any]]) -> list[str]:
        """``PutEvents`` with entries of ``Source``, ``DetailType``, ``Detail`` (JSON text or a
        dict) and optional ``Resources``; returns the event ids."""
        if not 1 <= len(entries) <= MAX_ENTRIES:
            raise EventBusError(f"PutEvents takes 1 to {MAX_ENTRIES} entries, not {len(entries)}")
        return [self._put(entry) for entry in entries]

    def _put(self, entry: dict[str, Any]) -> str:
        missing = [k for k in ("Source", "DetailType", "Detail") if k not in entry]
        if missing:
            raise EventBusError(
                f"a PutEvents entry needs {', '.join(missing)}; got {sorted(entry)}"
            )
        detail = entry["Detail"]
        if isinstance(detail, str):
            try:
                detail = json.loads(detail)
            except ValueError:
                raise EventBusError(f"Detail is not valid JSON: {detail[:80]!r}") from None
        if not isinstance(detail, dict):
            raise EventBusError("Detail must be a JSON object")
        event_id = self.harness.new_request_id()
        event = {
            "version": "0",
            "id": event_id,
            "detail-type": entry["DetailType"],
            "source": entry["Source"],
            "account": self.harness.account_id,
            "time": iso_z(self.harness.clock.now()),
            "region": self.harness.region,
            "resources": list(entry.get("Resources", [])),
            "detail": detail,
        }
        if len(json.dumps(event).encode()) > MAX_ENTRY_BYTES:
            raise EventBusError(f"an event is at most {MAX_ENTRY_BYTES:,} bytes")
        self.events.append(event)
        return event_id

    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        success = record["requestContext"]["condition"] == "Success"
        self.put_events([{
            "Source": "lambda",
            "DetailType": "Lambda Function Invocation Result - "
            + ("Success" if success else "Failure"),
            "Detail": record,
            "Resources": [self.arn, function.qualified_arn],
        }])  # fmt: skip

    def __repr__(self) -> str:
        return f"<EventBus {self.name} events={len(self.events)}>"
