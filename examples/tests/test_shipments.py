"""Powertools batch handlers driven through the harness's SQS event source mapping: what SQS
and Lambda do with the messages these handlers report as failed."""

import json

import pytest

pytest.importorskip("aws_lambda_powertools")

from shop import shipments  # after the skip: the module imports Powertools


def ids(messages):
    return [json.loads(m.body).get("id") or json.loads(m.body)["orderId"] for m in messages]


def test_only_the_unshippable_order_is_retried_then_dead_lettered(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("shipments-dlq")
    queue = h.sqs_queue("shipments", visibility_timeout=60, max_receive_count=3,
                        dead_letter_queue=dlq)  # fmt: skip
    for order_id, address in [("o-1", "1 Main St"), ("o-2", ""), ("o-3", "9 Elm St")]:
        queue.send(json.dumps({"orderId": order_id, "address": address}))
    fn = h.function(shipments.handler, name="shipments", timeout=10)
    mapping = queue.subscribe(fn, report_batch_item_failures=True)

    h.run()  # o-2 is received three times, a minute apart: milliseconds of wall time

    assert shipments.SHIPPED[-2:] == ["o-1", "o-3"]  # shipped once each, never retried
    assert ids(dlq.messages) == ["o-2"]
    outcome = {d.item.json()["orderId"]: (d.status, d.attempts) for d in mapping.deliveries}
    assert outcome == {"o-1": ("succeeded", 1), "o-2": ("failed", 3), "o-3": ("succeeded", 1)}
    # the retries hold o-2 alone; when a batch holds only failures, BatchProcessor raises, and
    # the whole batch fails, which for one message is the same thing
    assert [len(inv.event["Records"]) for inv in fn.invocations] == [3, 1, 1]
    assert fn.invocations[1].error.type == "BatchProcessingError"


def _accounts(h, handler):
    dlq = h.sqs_queue("accounts-dlq.fifo")
    queue = h.sqs_queue("accounts.fifo", visibility_timeout=30, max_receive_count=2,
                        dead_letter_queue=dlq, content_based_deduplication=True)  # fmt: skip
    for change_id, customer, amount in [("c1", "ana", 10), ("c2", "ana", -50), ("c3", "ana", 5),
                                        ("c4", "bo", 7)]:  # fmt: skip
        queue.send(json.dumps({"id": change_id, "customer": customer, "amount": amount}),
                   group_id=customer)  # fmt: skip
    fn = h.function(handler, name="accounts", timeout=10)
    queue.subscribe(fn, batch_size=10, report_batch_item_failures=True)
    before = len(shipments.APPLIED)
    h.run()
    return shipments.APPLIED[before:], ids(dlq.messages)


def test_one_bad_change_dead_letters_the_rest_of_the_fifo_batch(lambda_harness):
    """SqsFifoPartialProcessor reports c2 and everything after it, bo's c4 included. They come
    back together, c2 fails again, every record failed (BatchProcessingError), and after
    max_receive_count=2 receives SQS moves all three to the dead-letter queue: c3 and c4 were
    never processed."""
    applied, dead = _accounts(lambda_harness, shipments.fifo_handler)
    assert applied == ["c1"]
    assert dead == ["c2", "c3", "c4"]


def test_skipping_by_group_lets_other_customers_through(lambda_harness):
    """With skip_group_on_error=True only ana's later change waits with c2; bo's c4 applies at
    once. c3 is still received with c2 each time, so it reaches max_receive_count with it."""
    applied, dead = _accounts(lambda_harness, shipments.group_handler)
    assert applied == ["c1", "c4"]
    assert dead == ["c2", "c3"]
