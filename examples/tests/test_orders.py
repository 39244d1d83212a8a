"""The SQS order consumer, fed realistic SQS batches."""

import json

import pytest
from shop import orders


def test_a_batch_of_good_orders_reports_no_failures(lambda_events, lambda_context):
    bodies = [
        json.dumps({"orderId": f"o-{i}", "customerId": "c-1", "quantity": 1}) for i in range(10)
    ]
    event = lambda_events.sqs(bodies=bodies)
    assert orders.handler(event, lambda_context) == {"batchItemFailures": []}
    assert {f"o-{i}" for i in range(10)} <= orders.ORDERS.keys()


def test_only_the_bad_message_is_reported_for_retry(lambda_events, lambda_context):
    good = json.dumps({"orderId": "o-1", "customerId": "c-1", "quantity": 2})
    event = lambda_events.sqs(bodies=[good, "not json", '{"orderId": "o-2"}'])
    failed = orders.handler(event, lambda_context)["batchItemFailures"]
    records = event["Records"]
    assert failed == [{"itemIdentifier": records[1]["messageId"]},
                      {"itemIdentifier": records[2]["messageId"]}]  # fmt: skip


@pytest.mark.sqs(fifo=True, count=5, group_id="customer-42")
def test_fifo_batches_carry_their_group(sqs_event, lambda_context):
    assert {r["attributes"]["MessageGroupId"] for r in sqs_event["Records"]} == {"customer-42"}
    result = orders.handler(sqs_event, lambda_context)
    # the generated bodies are realistic but not all of them are orders
    reported = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    for record in sqs_event["Records"]:
        body = json.loads(record["body"])
        assert (record["messageId"] in reported) == ("orderId" not in body)
