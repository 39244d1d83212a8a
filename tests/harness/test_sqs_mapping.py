"""The SQS event source mapping: polling, batching, failure handling, partial batch responses,
FIFO ordering, filtering and the limits CreateEventSourceMapping enforces (semantics.md 4)."""

import hashlib
import itertools
import json
import os
import re
import time
from datetime import timedelta

import pytest
from aws_lambda_powertools.utilities.parser import models
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lambda_events.errors import EventSourceMappingError, HarnessStall
from pytest_lambda_events.flows.sqs_mapping import MAX_PAYLOAD_BYTES
from pytest_lambda_events.world import Harness


def ok(event, context):
    return None


def offsets(invocations, start):
    return [(inv.started_at - start).total_seconds() for inv in invocations]


def bodies(invocation):
    return [r["body"] for r in invocation.event["Records"]]


class Poison:
    """A handler that raises for any batch holding one of ``bad``."""

    def __init__(self, *bad):
        self.bad = set(bad)

    def __call__(self, event, context):
        hit = [r["body"] for r in event["Records"] if r["body"] in self.bad]
        if hit:
            raise ValueError(f"cannot process {hit}")


class Reporter:
    """A partial-batch handler: reports the messages whose body is in ``bad``."""

    def __init__(self, *bad):
        self.bad = set(bad)

    def __call__(self, event, context):
        records = [r for r in event["Records"] if r["body"] in self.bad]
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]} for r in records]}


# --- the event ----------------------------------------------------------------------------
def test_records_have_the_sqs_event_shape(lambda_harness):
    """4.2: the record an ESM delivers, built from the queue's real message state."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    sent = q.send('{"id": 1}', attributes={"Title": "The Whistler"})
    fn = h.function(ok, name="orders")
    q.subscribe(fn)
    h.run()
    event = fn.invocations[0].event
    models.SqsModel.model_validate(event)
    (record,) = event["Records"]
    assert list(record) == ["messageId", "receiptHandle", "body", "attributes",
                            "messageAttributes", "md5OfBody", "md5OfMessageAttributes",
                            "eventSource", "eventSourceARN", "awsRegion"]  # fmt: skip
    assert record["messageId"] == sent.message_id and record["body"] == '{"id": 1}'
    assert record["receiptHandle"].startswith("AQEB")
    assert record["md5OfBody"] == hashlib.md5(b'{"id": 1}').hexdigest()
    assert record["messageAttributes"]["Title"] == {
        "stringValue": "The Whistler", "stringListValues": [], "binaryListValues": [],
        "dataType": "String"}  # fmt: skip
    assert record["md5OfMessageAttributes"] == sent.md5_of_message_attributes
    assert record["attributes"] == {
        "ApproximateReceiveCount": "1", "SentTimestamp": sent.attributes["SentTimestamp"],
        "SenderId": h.sender_id,
        "ApproximateFirstReceiveTimestamp": sent.attributes["SentTimestamp"],
    }  # fmt: skip
    assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == (
        "aws:sqs", q.arn, "us-east-1")  # fmt: skip
    assert fn.invocations[0].invocation_type == "RequestResponse"  # 4.4: synchronous


def test_fifo_records_carry_sequence_group_and_deduplication_id(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders.fifo")
    q.send("a", group_id="g1", deduplication_id="d1", aws_trace_header="Root=1-abc;Sampled=0")
    fn = h.function(ok, name="orders")
    q.subscribe(fn)
    h.run()
    attrs = fn.invocations[0].event["Records"][0]["attributes"]
    assert (attrs["MessageGroupId"], attrs["MessageDeduplicationId"]) == ("g1", "d1")
    assert attrs["SequenceNumber"].isdigit() and attrs["AWSTraceHeader"] == "Root=1-abc;Sampled=0"
    models.SqsModel.model_validate(fn.invocations[0].event)


# --- success -------------------------------------------------------------------------------
def test_a_successful_batch_is_deleted(lambda_harness):
    """4.4: on success Lambda deletes every message in the batch."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for i in range(3):
        q.send(str(i))
    fn = h.function(ok, name="orders")
    m = q.subscribe(fn)
    h.run()
    assert q.messages == [] and len(fn.invocations) == 1 and m.invocations == fn.invocations
    assert [(d.status, d.condition, d.attempts) for d in m.deliveries] == [
        ("succeeded", "Success", 1)] * 3  # fmt: skip
    assert all(d in h.ledger.deliveries for d in m.deliveries)
    assert m.deliveries[0].item.body == "0" and m.state == "Enabled"


def test_batch_size_splits_the_queue(lambda_harness):
    """4.1: BatchSize (default 10); with no window Lambda invokes as soon as it has messages."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for i in range(25):
        q.send(str(i))
    fn = h.function(ok, name="orders")
    q.subscribe(fn, batch_size=10)
    h.run()
    assert [len(inv.event["Records"]) for inv in fn.invocations] == [10, 10, 5]
    assert sorted(b for inv in fn.invocations for b in bodies(inv)) == sorted(map(str, range(25)))


def test_messages_sent_later_are_polled_when_they_arrive(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders")
    fn = h.function(ok, name="orders")
    q.subscribe(fn)
    start = h.clock.now()
    h.advance(minutes=5)
    q.send("late")
    h.run()
    assert offsets(fn.invocations, start) == [300]


# --- failure (4.4) -------------------------------------------------------------------------
def test_a_poison_message_is_received_max_receive_count_times_then_dead_lettered(lambda_harness):
    """4.4: a failed batch is not deleted; it comes back when the visibility timeout ends
    (never earlier), with ApproximateReceiveCount +1; after max_receive_count receives SQS moves
    it to the DLQ. Without partial responses the good message in its batch goes with it
    ([OBS] test_report_batch_item_failures_on_lambda_error)."""
    h = lambda_harness
    dlq = h.sqs_queue("orders-dlq")
    q = h.sqs_queue("orders", visibility_timeout=30, max_receive_count=3, dead_letter_queue=dlq)
    q.send("good")
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders")
    m = q.subscribe(fn, batch_size=10)
    start = h.clock.now()
    h.run()
    assert offsets(fn.invocations, start) == [0, 30, 60]
    counts = [[r["attributes"]["ApproximateReceiveCount"] for r in inv.event["Records"]]
              for inv in fn.invocations]  # fmt: skip
    assert counts == [["1", "1"], ["2", "2"], ["3", "3"]]
    assert sorted(msg.body for msg in dlq.messages) == ["good", "poison"]
    assert q.messages == []
    for delivery in m.deliveries:
        assert (delivery.status, delivery.condition, delivery.attempts) == (
            "failed", "MaxReceiveCountExceeded", 3)  # fmt: skip
        assert delivery.finished_at == start + timedelta(seconds=90)  # on the 4th receive
        assert "ValueError: cannot process ['poison']" in delivery.reason
        assert delivery.invocations == fn.invocations


def test_redelivery_waits_for_the_visibility_timeout_not_the_function(lambda_harness):
    """4.4: Lambda does not reset visibility to 0; a long timeout means a long wait."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=600)
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders", timeout=30)
    q.subscribe(fn)
    start = h.clock.now()
    h.advance(seconds=599)
    assert len(fn.invocations) == 1
    h.advance(seconds=1)
    assert offsets(fn.invocations, start) == [0, 600]


def test_timeouts_fail_the_batch(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=60, max_receive_count=1,
                    dead_letter_queue=h.sqs_queue("dlq"))  # fmt: skip
    q.send("slow")
    fn = h.function(lambda e, c: time.sleep(10), name="slow", timeout=2)
    m = q.subscribe(fn)
    h.run()
    (delivery,) = m.deliveries
    assert delivery.condition == "MaxReceiveCountExceeded"
    assert "Sandbox.Timedout" in delivery.reason and fn.invocations[0].timed_out


def test_without_a_dead_letter_queue_retention_ends_it(lambda_harness):
    """4.4: retention deletes a message that always fails; run() jumps to each redelivery and
    ends when SQS deletes it (here 1 day at a 1-hour visibility timeout: 24 receives)."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=3_600, message_retention_period=86_400)
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders")
    m = q.subscribe(fn)
    start = h.clock.now()
    h.run()
    (delivery,) = m.deliveries
    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "expired", "MessageRetentionPeriodExceeded", 24)  # fmt: skip
    assert delivery.finished_at == start + timedelta(days=1) == h.clock.now()
    assert q.messages == []


def test_fourteen_days_of_redeliveries_finish(lambda_harness):
    """The longest retention with no DLQ: run() terminates with the message expired."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=43_200, message_retention_period=1_209_600)
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders")
    m = q.subscribe(fn)
    h.run()
    assert m.deliveries[0].status == "expired" and len(fn.invocations) == 28


def test_a_run_that_would_not_end_stalls_and_names_the_flow(lambda_harness):
    """A poison message redelivered every second for 14 days is 1.2M invocations; run()
    bounds its steps and names the flow that kept it busy."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=1, message_retention_period=1_209_600)
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders", timeout=1)
    q.subscribe(fn)
    with pytest.raises(HarnessStall, match="flow 'sqs:orders->orders'"):
        h.agenda.run(max_steps=2_000)


# --- partial batch responses (4.5) ---------------------------------------------------------
def test_only_reported_messages_come_back(lambda_harness):
    """4.5 [OBS]: a batch of 4 reporting 3 failures; the next invoke held only those 3, each
    with ApproximateReceiveCount 2; the successful message was never seen again."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for body in ("a", "b", "c", "d"):
        q.send(body)
    fn = h.function(Reporter("b", "c", "d"), name="orders")
    m = q.subscribe(fn, report_batch_item_failures=True)
    h.advance(seconds=30)
    assert [bodies(inv) for inv in fn.invocations] == [["a", "b", "c", "d"], ["b", "c", "d"]]
    second = fn.invocations[1].event["Records"]
    assert {r["attributes"]["ApproximateReceiveCount"] for r in second} == {"2"}
    assert m.deliveries[0].status == "succeeded"
    assert m.deliveries[1].reason == "reported in batchItemFailures"
    assert m.function_response_types == ["ReportBatchItemFailures"]


@pytest.mark.parametrize(
    "response",
    [None, {}, {"batchItemFailures": []}, {"batchItemFailures": None}, {"other": 1}],
)
def test_responses_that_count_as_complete_success(lambda_harness, response):
    """4.5: empty list, null list, empty response, null response: every message deleted."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send("a")
    fn = h.function(lambda e, c: response, name="orders")
    m = q.subscribe(fn, report_batch_item_failures=True)
    h.run()
    assert m.deliveries[0].status == "succeeded" and len(fn.invocations) == 1
    assert fn.invocations[0].accepted is True


@pytest.mark.parametrize(
    ("response", "why"),
    [
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, "has an empty itemIdentifier"),
        ({"batchItemFailures": [{"itemIdentifier": None}]}, "has a null itemIdentifier"),
        ({"batchItemFailures": [{"foo": "notvalid"}]}, r"no itemIdentifier \(found \['foo'\]\)"),
        ({"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]},
         "'not-in-batch', which is not a message ID in the batch"),
        ({"batchItemFailures": "all"}, "batchItemFailures is a string, not a list"),
        ("not an object", "the response is a string"),
    ],
)  # fmt: skip
def test_responses_that_fail_the_whole_batch(lambda_harness, response, why):
    """4.5: an invalid response fails the whole batch ([OBS] invalid_result_json_batch_fails:
    redelivered with ApproximateReceiveCount 2); the invocation says why it was rejected."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send("a")
    q.send("b")
    fn = h.function(lambda e, c: response, name="orders")
    m = q.subscribe(fn, report_batch_item_failures=True)
    h.advance(seconds=30)
    assert [bodies(inv) for inv in fn.invocations] == [["a", "b"], ["a", "b"]]
    assert fn.invocations[1].event["Records"][0]["attributes"]["ApproximateReceiveCount"] == "2"
    first = fn.invocations[0]
    assert first.accepted is False and first.source == "sqs"
    assert first.rejection.startswith("invalid partial batch response: ")
    assert all(d.status == "pending" for d in m.deliveries)
    assert re.search(why, m.deliveries[0].reason)


def test_an_exception_fails_the_whole_batch_even_with_partial_responses(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send("a")
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders")
    q.subscribe(fn, report_batch_item_failures=True)
    h.advance(seconds=30)
    assert [bodies(inv) for inv in fn.invocations] == [["a", "poison"], ["a", "poison"]]


def test_batch_item_failures_are_ignored_when_the_setting_is_off(lambda_harness):
    """4.5: Lambda reads the response only with ReportBatchItemFailures; otherwise a successful
    return is full success, and the ledger says the list was ignored."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send("a")
    q.send("b")
    fn = h.function(Reporter("b"), name="orders")
    m = q.subscribe(fn)
    h.run()
    assert q.messages == [] and len(fn.invocations) == 1
    for delivery in m.deliveries:
        assert delivery.status == "succeeded"
        assert "report_batch_item_failures is off" in delivery.reason


# --- batching (4.3) ------------------------------------------------------------------------
def test_the_batching_window_gathers_messages(lambda_harness):
    """4.3: Lambda invokes when the window ends, the batch is full, or the payload reaches
    6 MB, whichever comes first."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=60)
    fn = h.function(ok, name="orders")
    q.subscribe(fn, batch_size=3, batching_window=10)
    start = h.clock.now()
    q.send("a")
    h.advance(seconds=4)
    q.send("b")
    h.advance(seconds=20)
    assert offsets(fn.invocations, start) == [10] and bodies(fn.invocations[0]) == ["a", "b"]
    for body in ("c", "d", "e"):
        q.send(body)
    h.run()
    assert offsets(fn.invocations, start)[1] == 24  # full at once: no waiting
    assert bodies(fn.invocations[1]) == ["c", "d", "e"]


def test_a_window_longer_than_the_visibility_timeout_extends_it(lambda_harness):
    """4.3: if window + function timeout > visibility timeout, Lambda receives with
    window + function timeout + 30 s."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=30)
    q.send("poison")
    fn = h.function(Poison("poison"), name="orders", timeout=25)
    m = q.subscribe(fn, batching_window=10)
    start = h.clock.now()
    h.advance(seconds=200)
    assert m.visibility_timeout == 10 + 25 + 30
    # received at 0, invoked at 10 (window), visible again at 65, invoked at 75
    assert offsets(fn.invocations, start)[:2] == [10, 75]


def test_batches_stay_under_six_megabytes(lambda_harness):
    """4.3: the 6 MB payload limit counts the record metadata too, so a batch can hold fewer
    records than BatchSize."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for i in range(10):
        q.send(str(i) * 1_000_000)
    fn = h.function(ok, name="orders")
    q.subscribe(fn, batch_size=10)
    h.run()
    sizes = [len(json.dumps(inv.event)) for inv in fn.invocations]
    assert all(size <= MAX_PAYLOAD_BYTES for size in sizes)
    assert [len(inv.event["Records"]) for inv in fn.invocations] == [6, 4]


# --- FIFO (4.6) ----------------------------------------------------------------------------
def test_a_failing_fifo_message_blocks_its_group_only(lambda_harness):
    """4.6: a failed message blocks the rest of its group until it succeeds or is
    dead-lettered; other groups go on; order within a group holds."""
    h = lambda_harness
    dlq = h.sqs_queue("dlq.fifo")
    q = h.sqs_queue("orders.fifo", visibility_timeout=30, max_receive_count=2,
                    dead_letter_queue=dlq, content_based_deduplication=True)  # fmt: skip
    seen, processed = [], []

    def handler(event, context):
        records = event["Records"]
        seen.append([r["body"] for r in records])
        failures, failed = [], False
        for r in records:  # Powertools' SqsFifoPartialProcessor: stop at the first failure
            failed = failed or r["body"] == "a2"
            if failed:
                failures.append({"itemIdentifier": r["messageId"]})
            else:
                processed.append(r["body"])
        return {"batchItemFailures": failures}

    for body, group in [("a1", "A"), ("a2", "A"), ("a3", "A"), ("b1", "B"), ("b2", "B")]:
        q.send(body, group_id=group)
    fn = h.function(handler, name="orders")
    m = q.subscribe(fn, batch_size=2, report_batch_item_failures=True)
    start = h.clock.now()
    h.run()
    # A is the oldest group; B runs alongside while A waits for a2's visibility timeout; a3
    # comes only with a2 (reported, not processed) and alone once a2 was dead-lettered
    assert seen == [["a1", "a2"], ["b1", "b2"], ["a2", "a3"], ["a3"]]
    assert offsets(fn.invocations, start) == [0, 0, 30, 60]
    assert processed == ["a1", "b1", "b2", "a3"]
    assert [msg.body for msg in dlq.messages] == ["a2"]
    status = {d.item.body: (d.status, d.attempts) for d in m.deliveries}
    assert status == {"a1": ("succeeded", 1), "a2": ("failed", 2), "a3": ("succeeded", 2),
                      "b1": ("succeeded", 1), "b2": ("succeeded", 1)}  # fmt: skip


def test_fifo_batches_hold_several_groups_in_order(lambda_harness):
    """4.6: one batch may hold several message groups, in order, at most 10 messages."""
    h = lambda_harness
    q = h.sqs_queue("orders.fifo", content_based_deduplication=True)
    for i in range(12):
        q.send(f"m{i}", group_id=f"g{i % 3}")
    fn = h.function(ok, name="orders")
    q.subscribe(fn, batch_size=10)
    h.run()
    assert [len(inv.event["Records"]) for inv in fn.invocations] == [10, 2]
    first = fn.invocations[0].event["Records"]
    groups = [r["attributes"]["MessageGroupId"] for r in first]
    assert groups == ["g0"] * 4 + ["g1"] * 4 + ["g2"] * 2  # a group's messages together


def test_one_batch_in_flight_per_fifo_group(lambda_harness):
    """4.6 [OBS]: five messages of one group with BatchSize 1 are processed one after another;
    another group runs alongside."""
    h = lambda_harness
    q = h.sqs_queue("orders.fifo", content_based_deduplication=True)
    for i in range(3):
        q.send(f"a{i}", group_id="A")
        q.send(f"b{i}", group_id="B")
    fn = h.function(lambda e, c: time.sleep(2), name="orders", timeout=10)
    q.subscribe(fn, batch_size=1)
    start = h.clock.now()
    h.run()
    starts = {bodies(inv)[0]: (inv.started_at - start).total_seconds() for inv in fn.invocations}
    assert starts == {"a0": 0, "b0": 0, "a1": 2, "b1": 2, "a2": 4, "b2": 4}


# --- concurrency (4.3) ---------------------------------------------------------------------
def test_concurrency_starts_at_five_batches(lambda_harness):
    """4.3: Lambda starts with 5 concurrent batches and adds up to 300 a minute while messages
    keep coming (approximation: 5 a second; batches that start together run one after another,
    each from the same virtual start time)."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for i in range(12):
        q.send(str(i))
    fn = h.function(lambda e, c: time.sleep(1), name="orders", timeout=5)
    q.subscribe(fn, batch_size=1)
    start = h.clock.now()
    h.run()
    assert offsets(fn.invocations, start) == [0] * 5 + [1] * 7  # 10 allowed after 1 s


def test_max_concurrency_caps_concurrent_batches(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders")
    for i in range(5):
        q.send(str(i))
    fn = h.function(lambda e, c: time.sleep(1), name="orders", timeout=5)
    q.subscribe(fn, batch_size=1, max_concurrency=2)
    start = h.clock.now()
    h.run()
    assert offsets(fn.invocations, start) == [0, 0, 1, 1, 2]


# --- filtering (5.10) ----------------------------------------------------------------------
def test_non_matching_messages_are_deleted_without_an_invocation(lambda_harness):
    """5.10: SQS messages no filter matches are deleted; filters are ORed."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    for body in ('{"kind": "order", "total": 120}', '{"kind": "order", "total": 5}',
                 '{"kind": "refund"}', "plain text"):  # fmt: skip
        q.send(body)
    fn = h.function(ok, name="orders")
    m = q.subscribe(fn, filter_criteria={"Filters": [
        {"Pattern": json.dumps({"body": {"total": [{"numeric": [">", 100]}]}})},
        {"Pattern": json.dumps({"body": {"kind": ["refund"]}})},
    ]})  # fmt: skip
    h.run()
    assert bodies(fn.invocations[0]) == ['{"kind": "order", "total": 120}', '{"kind": "refund"}']
    assert [d.status for d in m.deliveries] == ["succeeded", "filtered", "succeeded", "filtered"]
    assert m.deliveries[1].condition == "Filtered" and m.deliveries[1].attempts == 0
    assert q.messages == []


@pytest.mark.parametrize(
    ("body", "pattern", "kept"),
    [
        ("hello", {"body": ["hello"]}, True),  # plain string / plain string: filtered
        ('"hello"', {"body": ["hello"]}, False),  # JSON body, plain-string pattern: dropped
        ("hello", {"body": {"k": ["v"]}}, False),  # plain body, JSON pattern: dropped
        ('{"k": "v"}', {"body": {"k": ["v"]}}, True),
        ("hello", {"attributes": {"SenderId": [{"prefix": "AIDA"}]}}, True),  # metadata only
        ('{"k": 1}', {"messageAttributes": {"kind": {"stringValue": ["x"]}}}, True),
    ],
)  # fmt: skip
def test_the_body_format_check(lambda_harness, body, pattern, kept):
    """5.10: Lambda checks the body's format against the pattern's before filtering."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send(body, attributes={"kind": "x"})
    fn = h.function(ok, name="orders")
    m = q.subscribe(fn, filter_criteria=[pattern])
    h.run()
    assert (m.deliveries[0].status == "succeeded") is kept


# --- configuration checks (4.1) ------------------------------------------------------------
@pytest.mark.parametrize(
    ("queue_kw", "kw", "message"),
    [
        ({}, {"batch_size": 0}, r"batch_size=0 is out of range: BatchSize for a standard queue "
                                r"is 1 to 10,000"),
        ({}, {"batch_size": 10_001, "batching_window": 1}, "1 to 10,000"),
        ({"fifo": True}, {"batch_size": 11}, "BatchSize for a FIFO queue is 1 to 10"),
        ({}, {"batch_size": 11}, "Maximum batch window in seconds must be greater than 0 if "
                                 "maximum batch size is greater than 10"),
        ({}, {"batching_window": 301}, "MaximumBatchingWindowInSeconds is 0 to 300"),
        ({"fifo": True}, {"batching_window": 1}, "not supported for FIFO queues"),
        ({}, {"max_concurrency": 1}, "ScalingConfig.MaximumConcurrency is 2 to 1,000"),
        ({}, {"max_concurrency": 1_001}, "2 to 1,000"),
        ({}, {"report_batch_item_failures": "yes"}, "True or False"),
        ({}, {"filter_criteria": {"body": {"a": "x"}}},
         r"InvalidParameterValueException: Invalid filter pattern definition\. "
         r"\(filter_criteria\[0\] body.a: "),
        ({}, {"filter_criteria": [{"a": ["x"]}] * 6}, "6 filters; a mapping takes 5"),
        ({}, {"filter_criteria": [{"a": ["x" * 5_000]}]}, "at most 4,096"),
        ({}, {"filter_criteria": 7}, "filter_criteria is a list of patterns"),
    ],
)  # fmt: skip
def test_invalid_mappings_raise_what_aws_raises(lambda_harness, queue_kw, kw, message):
    h = lambda_harness
    q = h.sqs_queue("orders", **queue_kw)
    with pytest.raises(EventSourceMappingError, match=message):
        q.subscribe(h.function(ok, name="orders"), **kw)


def test_the_function_timeout_must_fit_the_visibility_timeout(lambda_harness):
    """AWS refuses a mapping whose function timeout exceeds the queue's visibility timeout."""
    h = lambda_harness
    q = h.sqs_queue("orders", visibility_timeout=30)
    with pytest.raises(EventSourceMappingError, match="InvalidParameterValueException: Queue "
                       "visibility timeout: 30 seconds is less than Function timeout: 60 "
                       "seconds"):  # fmt: skip
        q.subscribe(h.function(ok, name="orders", timeout=60))


def test_one_mapping_per_queue_and_function(lambda_harness):
    """4.1: a second mapping for the same queue and function is a ResourceConflictException."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    fn = h.function(ok, name="orders")
    m = q.subscribe(fn)
    with pytest.raises(EventSourceMappingError, match=f"ResourceConflictException: .* already "
                                                      f"exists.*UUID {m.uuid}"):  # fmt: skip
        q.subscribe(fn)
    with pytest.raises(EventSourceMappingError, match="takes a harness Function"):
        q.subscribe(ok)


def test_a_disabled_mapping_does_not_poll(lambda_harness):
    """Enabled=false stops polling (LocalStack #3585 and moto #9948 got this wrong)."""
    h = lambda_harness
    q = h.sqs_queue("orders")
    q.send("a")
    fn = h.function(ok, name="orders")
    m = q.subscribe(fn, enabled=False)
    h.advance(minutes=10)
    assert fn.invocations == [] and m.state == "Disabled" and len(q.messages) == 1
    m.enable()
    h.run()
    assert len(fn.invocations) == 1 and q.messages == []
    m.delete()
    q.send("b")
    h.run()
    assert len(fn.invocations) == 1 and len(q.messages) == 1


def test_a_dead_letter_queue_can_be_consumed_too(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("dlq")
    q = h.sqs_queue("orders", max_receive_count=1, dead_letter_queue=dlq)
    q.send("poison")
    q.subscribe(h.function(Poison("poison"), name="orders"))
    inspector = h.function(ok, name="inspector")
    dlq.subscribe(inspector)
    h.run()
    (record,) = inspector.invocations[0].event["Records"]
    assert record["attributes"]["DeadLetterQueueSourceArn"] == q.arn
    assert record["attributes"]["ApproximateReceiveCount"] == "2"  # approximation: carried over


# --- the property --------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plan=st.lists(st.tuples(st.integers(0, 2), st.lists(st.booleans(), max_size=4)),
                  min_size=1, max_size=12),
    batch_size=st.integers(1, 10),
    fifo=st.booleans(),
    partial=st.booleans(),
    dlq=st.booleans(),
    max_receive_count=st.integers(1, 4),
)  # fmt: skip
def test_property_every_message_ends_once(plan, batch_size, fifo, partial, dlq, max_receive_count):
    """Random per-message failure patterns, batch sizes and FIFO groups: every message ends
    in exactly one of deleted / dead-lettered / expired (or is still queued); FIFO order per
    group holds; nothing is lost; redeliveries are bounded; run() terminates."""
    with Harness(seed=5) as h:
        suffix = ".fifo" if fifo else ""
        dead = h.sqs_queue("dlq" + suffix) if dlq else None
        q = h.sqs_queue("q" + suffix, visibility_timeout=30, message_retention_period=600,
                        max_receive_count=max_receive_count if dlq else None,
                        dead_letter_queue=dead, content_based_deduplication=fifo)  # fmt: skip
        failures = {str(i): list(outcomes) for i, (_, outcomes) in enumerate(plan)}
        log: list[str] = []

        def handler(event, context):
            reported, stop = [], False
            for r in event["Records"]:
                body = r["body"]
                log.append(body)
                fails = stop or (failures[body].pop(0) if failures[body] else False)
                stop = stop or (fifo and fails)  # FIFO handlers stop at the first failure
                if fails:
                    reported.append({"itemIdentifier": r["messageId"]})
            if reported and not partial:
                raise RuntimeError("batch failed")
            return {"batchItemFailures": reported}

        for i, (group, _) in enumerate(plan):
            q.send(str(i), group_id=f"g{group}" if fifo else None)
        fn = h.function(handler, name="fn")
        m = q.subscribe(fn, batch_size=batch_size, report_batch_item_failures=partial)
        h.run()

        final = {d.item.message_id: d.status for d in m.deliveries}
        assert len(final) == len(plan)  # one delivery per message: nothing lost or doubled
        dead_ids = {msg.message_id for msg in dead.messages} if dead else set()
        for delivery in m.deliveries:
            assert delivery.status in ("succeeded", "failed", "expired")
            assert (delivery.status == "failed") == (delivery.item.message_id in dead_ids)
            assert delivery.attempts == delivery.item.receive_count
            if dlq:
                assert delivery.attempts <= max_receive_count
            else:  # retention 600 s at visibility 30 s
                assert delivery.attempts <= 600 // 30
        assert q.messages == []
        if fifo:  # within a group a message succeeds only once its predecessors are done
            by_body = {d.item.body: d for d in m.deliveries}
            for group in {g for g, _ in plan}:
                members = [by_body[str(i)] for i, (g, _) in enumerate(plan) if g == group]
                for before, after in itertools.pairwise(members):
                    if after.status == "succeeded":
                        assert before.finished_at <= after.finished_at
                firsts = [log.index(d.item.body) for d in members if d.item.body in log]
                assert firsts == sorted(firsts)


# --- the Lambda environment while the harness runs -----------------------------------------
def test_each_handler_sees_its_own_environment_and_run_restores_it(lambda_harness):
    """Within run() the invoker keeps Lambda's variables set between calls (a fast path for
    mappings that invoke thousands of times); what each handler sees is unchanged."""
    h = lambda_harness
    seen, functions = [], {}

    def make(name):
        def handler(event, context):
            seen.append((name, os.environ["AWS_LAMBDA_FUNCTION_NAME"], os.environ.get("ONLY_A"),
                         os.environ["_X_AMZN_TRACE_ID"], os.environ["AWS_LAMBDA_LOG_STREAM_NAME"]
                         == context.log_stream_name))  # fmt: skip
            if name == "a":
                functions["b"].invoke({})  # a synchronous call from inside a handler
                assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "a"

        return handler

    b = functions["b"] = h.function(make("b"), name="b")
    a = h.function(make("a"), name="a", environment={"ONLY_A": "1"})
    qa, qb = h.sqs_queue("qa"), h.sqs_queue("qb")
    qa.subscribe(a, batch_size=1)
    qb.subscribe(b, batch_size=1)
    before = dict(os.environ)
    for i in range(2):
        qa.send(str(i))
        qb.send(str(i))
    h.run()
    assert dict(os.environ) == before
    assert [(s[0], s[1], s[2], s[4]) for s in seen] == [
        ("a", "a", "1", True), ("b", "b", None, True), ("a", "a", "1", True),
        ("b", "b", None, True), ("b", "b", None, True), ("b", "b", None, True)]  # fmt: skip
    assert len({s[3] for s in seen}) == len(seen)  # a trace id per invocation
