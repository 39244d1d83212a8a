"""Powertools ``BatchProcessor`` on Kinesis and DynamoDB Streams: each record is processed on
its own, and failures come back as ``batchItemFailures`` (ReportBatchItemFailures)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
)
from aws_lambda_powertools.utilities.data_classes.kinesis_stream_event import (
    KinesisStreamRecord,
)

kinesis_processor = BatchProcessor(event_type=EventType.KinesisDataStreams)
dynamodb_processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
TOTALS: dict[str, int] = {}


def _count_order(record: KinesisStreamRecord) -> None:
    order = json.loads(record.kinesis.data_as_text())
    if order["qty"] < 0:
        raise ValueError(f"negative quantity in {order}")
    TOTALS[order["sku"]] = TOTALS.get(order["sku"], 0) + order["qty"]


def _audit_change(record: DynamoDBRecord) -> None:
    if record.dynamodb is None or record.dynamodb.keys.get("pk") == "poison":
        raise ValueError("cannot audit this change")


def kinesis_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=_count_order, processor=kinesis_processor, context=context
    )


def dynamodb_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=_audit_change, processor=dynamodb_processor, context=context
    )
