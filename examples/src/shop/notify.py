"""Asynchronous handler: e-mail an order confirmation. Invoked with InvocationType=Event (by
S3, SNS, EventBridge or another function), so Lambda retries it when it raises."""

from __future__ import annotations

import re
from typing import Any

SENT: list[str] = []  # stands in for an e-mail service
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


class InvalidAddress(ValueError):
    pass


def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    address = event.get("email", "")
    if not _EMAIL.match(address):
        raise InvalidAddress(f"cannot e-mail {address!r}")
    SENT.append(address)
    return {"sent": address}
