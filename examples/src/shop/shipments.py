"""SQS consumers written with Powertools' batch utility: ship orders from a standard queue
(``BatchProcessor``) and apply per-customer account changes from a FIFO queue
(``SqsFifoPartialProcessor``, which reports the first failure and every message after it, so
that a customer's changes stay in order). They need ``ReportBatchItemFailures`` on the event
source mapping."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

SHIPPED: list[str] = []  # stands in for a carrier's API
BALANCES: dict[str, int] = {}  # stands in for an accounts table
APPLIED: list[str] = []  # the order account changes were applied in

processor = BatchProcessor(event_type=EventType.SQS)
fifo_processor = SqsFifoPartialProcessor()  # the first failure fails the rest of the batch
group_processor = SqsFifoPartialProcessor(skip_group_on_error=True)  # ... of its group only


class CannotShip(ValueError):
    pass


def ship(record: SQSRecord) -> None:
    order = json.loads(record.body)
    if not order.get("address"):
        raise CannotShip(f"order {order.get('orderId')} has no address")
    SHIPPED.append(order["orderId"])


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=ship, processor=processor, context=context
    )


def apply_change(record: SQSRecord) -> None:
    change = json.loads(record.body)
    balance = BALANCES.get(change["customer"], 0) + change["amount"]
    if balance < 0:
        raise ValueError(f"{change['customer']} would go below zero")
    BALANCES[change["customer"]] = balance
    APPLIED.append(change["id"])


def fifo_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply_change, processor=fifo_processor, context=context
    )


def group_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply_change, processor=group_processor, context=context
    )
