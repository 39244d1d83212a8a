"""Asynchronous invocation (``InvocationType=Event``): Lambda's internal queue, its retries,
the event-age limit, destinations and the dead-letter queue (semantics.md section 2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from ..errors import FunctionConfigError
from ..invoker import payload_bytes
from ..ledger import Delivery, Invocation
from ..timefmt import iso_ms_z

if TYPE_CHECKING:
    from ..world.function import Function

# "about 1 minute" before the second attempt and "about 2 minutes" before the third (2.1)
RETRY_DELAYS_S = (60, 120)
MAX_RETRY_ATTEMPTS = (0, 2)
MAX_EVENT_AGE_S = (60, 21_600)
MAX_ASYNC_PAYLOAD_BYTES = 1_048_576  # 1 MB (2.6)
DLQ_ERROR_MESSAGE_BYTES = 1024  # the DLQ's ErrorMessage attribute holds the first 1 KB (2.5)


class InvocationRecordTarget(Protocol):
    """A destination: a queue, topic, function, event bus or (on failure) bucket."""

    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None: ...


class DeadLetterTarget(Protocol):
    """A function dead-letter queue: an SQS queue or an SNS topic."""

    def receive_dead_letter(self, event: Any, attributes: dict[str, str]) -> None: ...


@dataclass
class AsyncConfig:
    """``FunctionEventInvokeConfig`` plus the function's ``DeadLetterConfig``."""

    max_retry_attempts: int = 2
    max_event_age: int = 21_600
    on_success: InvocationRecordTarget | None = None
    on_failure: InvocationRecordTarget | None = None
    dead_letter_queue: DeadLetterTarget | None = None

    def __post_init__(self) -> None:
        _check_range("max_retry_attempts", self.max_retry_attempts, MAX_RETRY_ATTEMPTS)
        _check_range("max_event_age", self.max_event_age, MAX_EVENT_AGE_S)
        for name in ("on_success", "on_failure"):
            target = getattr(self, name)
            if target is not None and not hasattr(target, "receive_invocation_record"):
                raise FunctionConfigError(
                    f"{name}: a destination is a harness queue, topic, function or event bus "
                    f"(or bucket, on failure only), not {type(target).__name__}"
                )
            if getattr(target, "fifo", False):
                raise FunctionConfigError(
                    f"{name}: {target.name} is FIFO; destinations must be standard queues/topics"
                )
        if getattr(self.on_success, "failure_only", False):
            raise FunctionConfigError(
                "on_success: an S3 bucket can only be an on_failure destination (AWS allows "
                "buckets for failures only)"
            )
        dlq = self.dead_letter_queue
        if dlq is not None and not hasattr(dlq, "receive_dead_letter"):
            raise FunctionConfigError(
                f"dead_letter_queue: use a harness SQS queue or SNS topic, not {type(dlq).__name__}"
            )
        if getattr(dlq, "fifo", False):
            raise FunctionConfigError(
                f"dead_letter_queue: {getattr(dlq, 'name', dlq)} is FIFO; a function's "
                "dead-letter queue is a standard SQS queue or standard SNS topic"
            )


class AsyncInvocations:
    """One function's asynchronous event queue: attempts, retries, and each event's fate."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self.config = AsyncConfig()
        self.deliveries: list[Delivery] = []
        self._flow_name = ("", "")

    def submit(self, event: Any, *, size_known_small: bool = False) -> Delivery:
        """Queue ``event``; ``size_known_small``: the caller built it from JSON values and it is
        far under the 1 MB limit (a scheduled event), so it is not serialised to be measured."""
        if not size_known_small:
            self._check_size(event)
        harness = self.function.harness
        now = harness.clock.now()
        delivery = Delivery(flow=self._flow, item=event, enqueued_at=now)
        self.deliveries.append(delivery)
        harness.ledger.open_delivery(delivery)
        request_id = harness.new_request_id()  # the same on every retry (2.1)
        delivery.request_id = request_id
        harness.agenda.at(now, delivery.flow, partial(self._attempt, delivery, request_id))
        return delivery

    @property
    def _flow(self) -> str:
        """``async:<function>``, one string shared by the function's deliveries."""
        name = self.function.name
        if self._flow_name[0] != name:
            self._flow_name = (name, f"async:{name}")
        return self._flow_name[1]

    def _check_size(self, event: Any) -> None:
        size = payload_bytes(self.function.name, event)
        if size > MAX_ASYNC_PAYLOAD_BYTES:
            raise FunctionConfigError(
                f"{self.function.name}: the event is {size:,} bytes; an asynchronous invocation "
                f"takes at most {MAX_ASYNC_PAYLOAD_BYTES:,} (AWS answers 413 "
                "RequestEntityTooLargeException)"
            )

    def _attempt(self, delivery: Delivery, request_id: str) -> None:
        attempt = delivery.attempts + 1
        invocation = self.function.call_attempt(delivery.item, request_id, attempt)
        delivery.invocations.append(invocation)
        now = self.function.harness.clock.now()
        if invocation.ok:
            delivery.finish("succeeded", "Success", now)
            self._send_record(self.config.on_success, delivery, invocation, "Success")
            return
        retries_done = attempt - 1
        if retries_done >= self.config.max_retry_attempts:
            self._fail(delivery, invocation, "RetriesExhausted")
            return
        delay = timedelta(seconds=RETRY_DELAYS_S[retries_done])
        assert delivery.enqueued_at is not None
        age_limit = delivery.enqueued_at + timedelta(seconds=self.config.max_event_age)
        # 2.3: fail now if the next retry would be too late. A retry landing exactly on the limit
        # counts as late: AWS's attempt takes some milliseconds, so with 60 s it never waits.
        if now + delay >= age_limit:
            self._fail(delivery, invocation, "EventAgeExceeded")
            return
        self.function.harness.agenda.after(
            delay, delivery.flow, partial(self._attempt, delivery, request_id)
        )

    def _fail(self, delivery: Delivery, invocation: Invocation, condition: str) -> None:
        assert invocation.error is not None
        now = self.function.harness.clock.now()
        delivery.finish("failed", condition, now, reason=f"{invocation.error.type}: "
                        f"{invocation.error.message}")  # fmt: skip
        self._send_record(self.config.on_failure, delivery, invocation, condition)
        dlq = self.config.dead_letter_queue
        if dlq is not None:
            message = invocation.error.message.encode()[:DLQ_ERROR_MESSAGE_BYTES]
            dlq.receive_dead_letter(delivery.item, {
                "RequestID": invocation.request_id,
                "ErrorCode": "200",  # the HTTP status of the invoke: 200 for function errors
                "ErrorMessage": message.decode(errors="ignore"),
            })  # fmt: skip

    def _send_record(
        self,
        target: InvocationRecordTarget | None,
        delivery: Delivery,
        invocation: Invocation,
        condition: str,
    ) -> None:
        if target is not None:
            target.receive_invocation_record(
                invocation_record(self.function, delivery, invocation, condition), self.function
            )


def invocation_record(
    function: Function, delivery: Delivery, invocation: Invocation, condition: str
) -> dict[str, Any]:
    """The record Lambda sends to a destination (semantics.md 2.4)."""
    response_context: dict[str, Any] = {"statusCode": 200, "executedVersion": "$LATEST"}
    if invocation.error is not None:
        response_context["functionError"] = "Unhandled"
    return {
        "version": "1.0",
        "timestamp": iso_ms_z(function.harness.clock.now()),
        "requestContext": {
            "requestId": invocation.request_id,
            "functionArn": function.qualified_arn,
            "condition": condition,
            "approximateInvokeCount": delivery.attempts,
        },
        "requestPayload": delivery.item,
        "responseContext": response_context,
        "responsePayload": invocation.payload,
    }


def _check_range(name: str, value: Any, limits: tuple[int, int]) -> None:
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int):
        raise FunctionConfigError(f"{name} must be an int from {low} to {high:,}, not {value!r}")
    if not low <= value <= high:
        raise FunctionConfigError(f"{name} {value}: AWS allows {low} to {high:,}")
