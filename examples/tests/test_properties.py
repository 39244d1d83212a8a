"""Property tests: the SQS order consumer against every kind of batch SQS can deliver, drawn by
Hypothesis (``pip install "pytest-lambda-events[hypothesis]"``): unicode and 1 MiB bodies, JSON
that is not an order, FIFO queues, message attributes, batches of 1 to 10 messages."""

import json

import pytest

pytest.importorskip("hypothesis")

from hypothesis import HealthCheck, given, settings
from shop import orders

from pytest_lambda_events.strategies import events, sqs_records

# lambda_context is the same for every example: the handler keeps nothing in it
EXAMPLES = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def is_order(body: str) -> bool:
    """What the handler should accept: a JSON object with every required field."""
    try:
        document = json.loads(body)
    except ValueError:
        return False
    return isinstance(document, dict) and all(name in document for name in orders.REQUIRED)


@EXAMPLES
@given(event=sqs_records(min_size=1, max_size=10))
def test_exactly_the_messages_that_are_not_orders_are_reported(event, lambda_context):
    result = orders.handler(event, lambda_context)  # never raises: one bad body fails no batch
    reported = [failure["itemIdentifier"] for failure in result["batchItemFailures"]]
    records = event["Records"]
    assert reported == [r["messageId"] for r in records if not is_order(r["body"])]
    for record in records:
        if is_order(record["body"]):
            assert orders.ORDERS[json.loads(record["body"])["orderId"]]


@EXAMPLES
@given(event=events("sqs", fifo=True, group_id="customer-42"))
def test_fifo_batches_keep_their_group_and_order(event, lambda_context):
    records = event["Records"]
    assert {r["attributes"]["MessageGroupId"] for r in records} == {"customer-42"}
    sequence = [int(r["attributes"]["SequenceNumber"]) for r in records]
    assert sequence == sorted(sequence)
    orders.handler(event, lambda_context)
