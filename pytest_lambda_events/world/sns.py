"""SNS topics in the harness: publish, Lambda and SQS subscriptions, filter policies,
subscription dead-letter queues and delivery-status logs (semantics.md section 3).

A topic delivers when ``publish`` is called. A Lambda subscription is an asynchronous invoke:
SNS has delivered once Lambda accepts the event (202), and function errors then follow Lambda's
own async retries, destinations and dead-letter queue (section 2). SNS's retry policy (3.1)
covers only server-side errors, which harness endpoints never return; client-side errors (a
deleted function or queue) are not retried and go to the subscription's dead-letter queue, or
are dropped (3.2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import QueueConfigError, TopicConfigError, checked_arguments
from ..ledger import Delivery
from ..sources import sns as shapes
from ..timefmt import space_ms
from .function import Function
from .sns_filter import FilterPolicy
from .sqs import Message, Queue

if TYPE_CHECKING:
    from . import Harness

DEDUPLICATION_WINDOW = timedelta(minutes=5)  # FIFO topics drop a repeated id for 5 minutes
SIGNATURE_VERSIONS = ("1", "2")
SETTINGS = ("fifo", "content_based_deduplication", "signature_version")
MAX_GROUP_ID = 128
RECORD_PAYLOAD_KEYS = ("requestPayload", "responsePayload")


@dataclass
class Subscription:
    """A topic subscription: its ARN, endpoint (a Function or Queue), settings and deliveries."""

    topic: Topic
    endpoint: Function | Queue
    arn: str
    raw_message_delivery: bool = False
    filter_policy: FilterPolicy | None = None
    dead_letter_queue: Queue | None = None
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def protocol(self) -> str:
        return "lambda" if isinstance(self.endpoint, Function) else "sqs"


@dataclass(frozen=True)
class _Fifo:
    """What a FIFO topic passes on to its FIFO queues."""

    group_id: str
    deduplication_id: str


@dataclass(frozen=True)
class _Outcome:
    """One delivery attempt as the delivery-status log reports it."""

    status_code: int
    provider_response: dict[str, Any]
    error: str | None = None  # AWS's error code, for client-side failures

    @property
    def ok(self) -> bool:
        return self.error is None


class Topic:
    """An SNS topic: ``subscribe``, ``publish``, and what happened in ``subscriptions``,
    ``published`` and ``delivery_logs``."""

    def __init__(
        self,
        harness: Harness,
        name: str,
        *,
        fifo: bool = False,
        content_based_deduplication: bool = False,
        signature_version: str = "1",
    ) -> None:
        fifo = fifo or name.endswith(".fifo")
        name = name if not fifo or name.endswith(".fifo") else f"{name}.fifo"
        _check_topic_settings(name, fifo, content_based_deduplication, signature_version)
        self.harness = harness
        self.name = name
        self.fifo = fifo
        self.content_based_deduplication = content_based_deduplication
        self.signature_version = signature_version
        self.arn = aws.arn(harness.partition, "sns", harness.region, harness.account_id, name)
        self.subscriptions: list[Subscription] = []
        self.published: list[shapes.Notification] = []
        self.delivery_logs: list[dict[str, Any]] = []
        self._sequence = 10**19 + harness.rng.getrandbits(56)
        self._seen: dict[str, tuple[datetime, str]] = {}  # FIFO deduplication id -> (when, id)

    # --- Subscribe -------------------------------------------------------------------------
    @checked_arguments
    def subscribe(
        self,
        target: Function | Queue,
        raw_message_delivery: bool = False,
        filter_policy: Mapping[str, Any] | None = None,
        dead_letter_queue: Queue | None = None,
    ) -> Subscription:
        """``Subscribe`` a harness Function (protocol lambda) or Queue (protocol sqs).

        ``filter_policy`` filters on message attributes; ``dead_letter_queue`` is the
        subscription's redrive policy target (an SQS queue of the topic's kind).
        """
        self._check_endpoint(target, raw_message_delivery)
        self._check_dead_letter_queue(dead_letter_queue)
        subscription = Subscription(
            self, target, f"{self.arn}:{self.harness.new_request_id()}", raw_message_delivery,
            FilterPolicy(filter_policy) if filter_policy is not None else None, dead_letter_queue,
        )  # fmt: skip
        self.subscriptions.append(subscription)
        return subscription

    def _check_endpoint(self, target: Any, raw_message_delivery: bool) -> None:
        if isinstance(target, Function):
            if self.fifo:
                raise TopicConfigError(
                    f"{self.name}: FIFO topics deliver only to SQS queues, not to Lambda "
                    f"({target.name}); subscribe the function to a standard topic"
                )
            if raw_message_delivery:
                raise TopicConfigError(
                    f"{self.name}: raw_message_delivery applies to SQS (and HTTP/S, Firehose) "
                    "subscriptions; Lambda always receives the SNS event"
                )
        elif isinstance(target, Queue):
            self._check_queue_kind("subscription endpoint", target)
        else:
            raise TopicConfigError(
                f"{self.name}: a subscription endpoint is a harness Function or Queue, "
                f"not {type(target).__name__}"
            )

    def _check_dead_letter_queue(self, queue: Any) -> None:
        if queue is None:
            return
        if not isinstance(queue, Queue):
            raise TopicConfigError(
                f"{self.name}: dead_letter_queue is an SQS queue (the subscription's redrive "
                f"policy), not {type(queue).__name__}"
            )
        self._check_queue_kind("dead_letter_queue", queue)

    def _check_queue_kind(self, role: str, queue: Queue) -> None:
        if queue.fifo != self.fifo:
            kind = "FIFO" if self.fifo else "standard"
            raise TopicConfigError(
                f"{self.name} is a {kind} topic, so its {role} must be a {kind} queue, "
                f"not {queue.name}"
            )

    # --- Publish ---------------------------------------------------------------------------
    @checked_arguments
    def publish(
        self,
        message: str,
        subject: str | None = None,
        message_attributes: Mapping[str, Any] | None = None,
        *,
        group_id: str | None = None,
        deduplication_id: str | None = None,
    ) -> str:
        """``Publish``: deliver to every subscription now; return the ``MessageId``.

        ``message_attributes`` values are str, int/float, bytes, lists (String.Array) or ready
        ``{"Type": ..., "Value": ...}`` dicts. FIFO topics need ``group_id``, and
        ``deduplication_id`` unless the topic has content-based deduplication.
        """
        attributes = self._check_message(message, subject, message_attributes)
        fifo = self._fifo_ids(message, group_id, deduplication_id)
        if fifo is not None and (earlier := self._duplicate_of(fifo)) is not None:
            return earlier  # a repeat within 5 minutes is accepted and not delivered again
        notification = shapes.Notification(
            topic_arn=self.arn, message_id=self.harness.new_request_id(), message=message,
            subject=subject, timestamp=self.harness.clock.now(),
            signature=shapes.draw_signature(self.harness.rng),
            signature_version=self.signature_version, attributes=attributes,
            sequence_number=self._next_sequence() if fifo else None,
        )  # fmt: skip
        self.published.append(notification)
        if fifo is not None:
            self._seen[fifo.deduplication_id] = (notification.timestamp, notification.message_id)
        for subscription in list(self.subscriptions):
            self._deliver(subscription, notification, fifo)
        return notification.message_id

    def _check_message(
        self, message: Any, subject: Any, message_attributes: Mapping[str, Any] | None
    ) -> dict[str, dict[str, Any]]:
        problem = _publish_problem(message, subject)
        if problem is not None:
            raise TopicConfigError(f"{self.name}: {problem}")
        return self._check_attributes(message_attributes or {})

    def _check_attributes(self, given: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        if len(given) > shapes.MAX_ATTRIBUTES:
            raise TopicConfigError(
                f"{self.name}: {len(given)} message attributes; at most {shapes.MAX_ATTRIBUTES}"
            )
        for name, value in given.items():
            problem = shapes.attribute_problem(name, value)
            if problem is not None:
                raise TopicConfigError(f"{self.name}: message_attributes: {problem}")
        return {name: shapes.sns_attribute(value) for name, value in given.items()}

    def _fifo_ids(
        self, message: str, group_id: str | None, deduplication_id: str | None
    ) -> _Fifo | None:
        if not self.fifo:
            if group_id is not None or deduplication_id is not None:
                raise TopicConfigError(
                    f"{self.name}: group_id and deduplication_id apply to FIFO topics only"
                )
            return None
        if not group_id or len(group_id) > MAX_GROUP_ID:
            raise TopicConfigError(
                f"{self.name}: a FIFO topic needs group_id (MessageGroupId, 1 to 128 characters)"
            )
        if deduplication_id is None and not self.content_based_deduplication:
            raise TopicConfigError(
                f"{self.name}: give deduplication_id, or create the topic with "
                "content_based_deduplication=True"
            )
        content_id = hashlib.sha256(message.encode()).hexdigest()
        return _Fifo(group_id, deduplication_id or content_id)

    def _duplicate_of(self, fifo: _Fifo) -> str | None:
        seen = self._seen.get(fifo.deduplication_id)
        if seen is None or self.harness.clock.now() - seen[0] >= DEDUPLICATION_WINDOW:
            return None
        return seen[1]

    def _next_sequence(self) -> str:
        self._sequence += 65_536
        return str(self._sequence)

    # --- Delivery --------------------------------------------------------------------------
    def _deliver(
        self, subscription: Subscription, notification: shapes.Notification, fifo: _Fifo | None
    ) -> None:
        now = self.harness.clock.now()
        delivery = Delivery(flow=f"sns:{self.name}", item=_payload(subscription, notification),
                            enqueued_at=notification.timestamp)  # fmt: skip
        self.harness.ledger.open_delivery(delivery)
        subscription.deliveries.append(delivery)
        policy = subscription.filter_policy
        why = policy.mismatch(notification.attributes) if policy is not None else None
        if why is not None:
            delivery.finish("filtered", "FilteredOut", now, reason=why)
            return
        outcome = _send(subscription, notification, delivery.item, fifo)
        self._log(subscription, notification, outcome)
        if outcome.ok:
            delivery.finish("succeeded", "Success", now)
            return
        delivery.finish("failed", str(outcome.error), now,
                        reason=outcome.provider_response.get("ErrorMessage"))  # fmt: skip
        _dead_letter(subscription, notification, delivery.item, fifo)

    def _log(
        self, subscription: Subscription, notification: shapes.Notification, outcome: _Outcome
    ) -> None:
        """One delivery-status log entry, as SNS writes it to CloudWatch Logs (3.3)."""
        now = self.harness.clock.now()
        self.delivery_logs.append({
            "notification": {
                "messageMD5Sum": hashlib.md5(notification.message.encode()).hexdigest(),
                "messageId": notification.message_id,
                "topicArn": self.arn,
                "timestamp": space_ms(notification.timestamp),
            },
            "delivery": {
                "deliveryId": self.harness.new_request_id(),
                "destination": subscription.endpoint.arn,
                "providerResponse": json.dumps(outcome.provider_response, separators=(",", ":")),
                "dwellTimeMs": int((now - notification.timestamp) / timedelta(milliseconds=1)),
                "attempts": 1,  # client-side errors are not retried (3.1)
                "statusCode": outcome.status_code,
            },
            "status": "SUCCESS" if outcome.ok else "FAILURE",
        })  # fmt: skip

    # --- As an asynchronous-invocation destination and dead-letter queue (2.4, 2.5) --------
    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        """Publish the record as the message. Above 256 KB, Lambda drops the payload.

        Approximation: both ``requestPayload`` and ``responsePayload`` are left out then; AWS
        says only that "Lambda drops the payload".
        """
        text = json.dumps(record)
        if shapes.message_problem(text) is not None:
            text = json.dumps({k: v for k, v in record.items() if k not in RECORD_PAYLOAD_KEYS})
        self.publish(text)

    def receive_dead_letter(self, event: Any, attributes: dict[str, str]) -> None:
        """Publish the original event with RequestID, ErrorCode and ErrorMessage attributes.
        Too big for SNS, the event is deleted, as Lambda does (its DeadLetterErrors metric)."""
        text = json.dumps(event)
        if shapes.message_problem(text) is not None:
            return
        self.publish(text, message_attributes={
            "RequestID": attributes["RequestID"],
            "ErrorCode": {"Type": "Number", "Value": attributes["ErrorCode"]},
            "ErrorMessage": attributes["ErrorMessage"],
        })  # fmt: skip

    def __repr__(self) -> str:
        return f"<Topic {self.name} subscriptions={len(self.subscriptions)}>"


def _check_topic_settings(
    name: str, fifo: bool, content_based_deduplication: bool, signature_version: str
) -> None:
    problem = shapes.topic_name_problem(name)
    if problem is not None:
        raise TopicConfigError(f"topic name {problem}")
    if signature_version not in SIGNATURE_VERSIONS:
        raise TopicConfigError(
            f"{name}: signature_version {signature_version!r}; SNS signs with '1' (SHA1) or "
            "'2' (SHA256)"
        )
    if content_based_deduplication and not fifo:
        raise TopicConfigError(f"{name}: content_based_deduplication applies to FIFO topics only")


def _publish_problem(message: Any, subject: Any) -> str | None:
    if not isinstance(message, str):
        return f"message is a str, not {type(message).__name__}"
    if subject is not None and not isinstance(subject, str):
        return f"subject is a str or None, not {type(subject).__name__}"
    problem = shapes.message_problem(message)
    if problem is None and subject is not None:
        problem = shapes.subject_problem(subject)
    return problem


def _payload(subscription: Subscription, notification: shapes.Notification) -> Any:
    """What the endpoint receives: the Lambda event, the raw message, or the JSON envelope."""
    if subscription.protocol == "lambda":
        return shapes.lambda_event(notification, subscription.arn)
    if subscription.raw_message_delivery:
        return notification.message
    return shapes.sqs_body(notification, subscription.arn)


def _send(
    subscription: Subscription, notification: shapes.Notification, payload: Any,
    fifo: _Fifo | None,
) -> _Outcome:  # fmt: skip
    endpoint = subscription.endpoint
    if isinstance(endpoint, Function):
        return _invoke(endpoint, payload)
    return _enqueue(endpoint, subscription, notification, payload, fifo)


def _invoke(function: Function, event: dict[str, Any]) -> _Outcome:
    """SNS invokes asynchronously; Lambda's 202 is a successful delivery.

    Approximation (3.3): ``providerResponse`` is ``{"lambdaRequestId": ...}`` with the async
    invocation's request id; a deleted function answers 404 ResourceNotFoundException.
    """
    if function.deleted:
        return _Outcome(404, {"ErrorCode": "ResourceNotFoundException",
                              "ErrorMessage": f"Function not found: {function.arn}"},
                        error="ResourceNotFoundException")  # fmt: skip
    accepted = function.invoke_async(event)
    return _Outcome(202, {"lambdaRequestId": accepted.request_id})


def _enqueue(
    queue: Queue, subscription: Subscription, notification: shapes.Notification, body: str,
    fifo: _Fifo | None,
) -> _Outcome:  # fmt: skip
    """Approximation (3.3 documents the Lambda protocol only): an SQS delivery logs status 200
    and the SQS request and message ids; a deleted queue answers 400 NonExistentQueue."""
    if queue.deleted:
        return _Outcome(400, {"ErrorCode": "AWS.SimpleQueueService.NonExistentQueue",
                              "ErrorMessage": f"The specified queue does not exist: {queue.arn}"},
                        error="AWS.SimpleQueueService.NonExistentQueue")  # fmt: skip
    try:
        message = _send_to_queue(queue, subscription, notification, body, fifo)
    except QueueConfigError as exc:
        return _Outcome(400, {"ErrorCode": "InvalidParameterValue", "ErrorMessage": str(exc)},
                        error="InvalidParameterValue")  # fmt: skip
    request_id = subscription.topic.harness.new_request_id()
    return _Outcome(200, {"ErrorCode": None, "ErrorMessage": None, "sqsRequestId": request_id,
                          "sqsMessageId": message.message_id})  # fmt: skip


def _send_to_queue(
    queue: Queue, subscription: Subscription, notification: shapes.Notification, body: str,
    fifo: _Fifo | None,
) -> Message:  # fmt: skip
    """Raw delivery turns SNS message attributes into SQS message attributes; otherwise they
    travel inside the envelope's ``MessageAttributes``."""
    attributes = None
    if subscription.raw_message_delivery:
        attributes = {name: sqs_attribute(attr) for name, attr in notification.attributes.items()}
    if fifo is None:
        return queue.send(body, attributes=attributes)
    return queue.send(body, attributes=attributes, group_id=fifo.group_id,
                      deduplication_id=fifo.deduplication_id)  # fmt: skip


def sqs_attribute(attribute: Mapping[str, Any]) -> dict[str, Any]:
    """An SNS message attribute as SQS stores it under raw delivery: Binary stays base64 in
    ``binaryValue``; String, Number and String.Array keep their type as ``dataType``.

    Approximation: String.Array arrives as the custom SQS type ``String.Array`` (a String with
    the label "Array"), its JSON text as the value.
    """
    kind, value = attribute["Type"], attribute["Value"]
    key = "binaryValue" if kind == "Binary" else "stringValue"
    return {"dataType": kind, key: value}


def _dead_letter(
    subscription: Subscription, notification: shapes.Notification, payload: Any,
    fifo: _Fifo | None,
) -> None:  # fmt: skip
    """A client-side failure goes to the subscription's dead-letter queue, or is dropped (3.2).

    Approximation (3.2 is UNCONFIRMED): the DLQ message is what the endpoint would have got:
    the SNS envelope (SQS spelling) for Lambda and non-raw SQS subscriptions, the raw message
    with its attributes for raw ones. A DLQ that cannot take it (deleted, too big) drops it.
    """
    queue = subscription.dead_letter_queue
    if queue is None or queue.deleted:
        return
    body = payload
    if subscription.protocol == "lambda":
        body = shapes.sqs_body(notification, subscription.arn)
    try:
        _send_to_queue(queue, subscription, notification, body, fifo)
    except QueueConfigError:
        return
