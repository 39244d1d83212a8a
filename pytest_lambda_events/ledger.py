"""The ledger: every invocation and every message's fate, for assertions and reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .context import LambdaContext

DELIVERY_STATUSES = ("succeeded", "failed", "pending", "filtered", "expired")


@dataclass(frozen=True)
class InvocationError:
    """A function error as AWS reports it: ``errorType`` and ``errorMessage``, and the whole
    payload (``requestId`` and ``stackTrace`` too, where the runtime sends them)."""

    type: str
    message: str
    payload: dict[str, Any]


@dataclass(slots=True)  # an event source mapping records one per batch
class Invocation:
    """One call of a handler: what it got, what it returned or raised, and when."""

    function: str
    request_id: str
    event: Any
    context: LambdaContext
    started_at: datetime
    duration: timedelta
    response: Any = None
    error: InvocationError | None = None
    timed_out: bool = False
    invocation_type: str = "RequestResponse"
    attempt: int = 1
    source: str | None = None
    accepted: bool | None = None  # response contract of a sync source, when one was applied
    rejection: str | None = None
    notes: list[str] = field(default_factory=list)  # what the contract saw besides a verdict

    @property
    def ok(self) -> bool:
        """True when the handler returned without a function error."""
        return self.error is None

    @property
    def payload(self) -> Any:
        """What Lambda returns to the caller: the response, or the error payload."""
        return self.response if self.error is None else self.error.payload


@dataclass(slots=True)  # an event source mapping opens one per message
class Delivery:
    """The fate of one event, message or record in a flow."""

    flow: str
    item: Any
    status: str = "pending"
    condition: str | None = None
    invocations: list[Invocation] = field(default_factory=list)
    reason: str | None = None  # why, in words, when the status alone does not say
    enqueued_at: datetime | None = None
    finished_at: datetime | None = None
    request_id: str | None = None  # an asynchronous invocation's Lambda request id

    @property
    def attempts(self) -> int:
        return len(self.invocations)

    def finish(self, status: str, condition: str, at: datetime, reason: str | None = None) -> None:
        self.status, self.condition, self.finished_at = status, condition, at
        if reason is not None:
            self.reason = reason


class Ledger:
    """All invocations and deliveries of one harness, in the order they happened."""

    def __init__(self) -> None:
        self.invocations: list[Invocation] = []
        self.deliveries: list[Delivery] = []

    def record_invocation(self, invocation: Invocation) -> None:
        self.invocations.append(invocation)

    def open_delivery(self, delivery: Delivery) -> Delivery:
        self.deliveries.append(delivery)
        return delivery

    def open_deliveries(self, deliveries: list[Delivery]) -> None:
        self.deliveries += deliveries
