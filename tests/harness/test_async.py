"""Asynchronous invocation: retries, event age, destinations, dead-letter queue (semantics.md 2)."""

import json
import re
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lambda_events.errors import FunctionConfigError
from pytest_lambda_events.world import Harness


def failing(event, context):
    raise RuntimeError(f"cannot process {event.get('id')}")


def _offsets(fn, start):
    return [(inv.started_at - start).total_seconds() for inv in fn.invocations]


def test_default_config_makes_three_attempts_at_t_t60_t180(lambda_harness):
    """2.1: two retries, about 1 minute then about 2 minutes apart."""
    h = lambda_harness
    fn = h.function(failing, name="orders")
    start = h.clock.now()
    delivery = fn.invoke_async({"id": 1})
    assert delivery.status == "pending" and delivery.attempts == 0  # queued, 202
    h.run()
    assert _offsets(fn, start) == [0, 60, 180]
    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "failed",
        "RetriesExhausted",
        3,
    )
    assert len({inv.request_id for inv in fn.invocations}) == 1  # same request id on every retry
    assert [inv.attempt for inv in fn.invocations] == [1, 2, 3]
    assert all(inv.invocation_type == "Event" for inv in fn.invocations)


@pytest.mark.parametrize(("retries", "offsets"), [(0, [0]), (1, [0, 60]), (2, [0, 60, 180])])
def test_max_retry_attempts_bounds_the_attempts(lambda_harness, retries, offsets):
    fn = lambda_harness.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=retries)
    start = lambda_harness.clock.now()
    delivery = fn.invoke_async({})
    lambda_harness.run()
    assert _offsets(fn, start) == offsets and delivery.condition == "RetriesExhausted"


@pytest.mark.parametrize(
    ("max_age", "attempts", "condition"),
    [(60, 1, "EventAgeExceeded"), (90, 2, "EventAgeExceeded"), (180, 2, "EventAgeExceeded"),
     (181, 3, "RetriesExhausted")],
)  # fmt: skip
def test_event_age_lookahead_fails_as_soon_as_the_next_retry_would_be_late(
    lambda_harness, max_age, attempts, condition
):
    """2.3: with 60 s AWS sent EventAgeExceeded after the first failure, with 90 s after two."""
    h = lambda_harness
    failures = h.sqs_queue("failures")
    fn = h.function(failing, name="orders")
    fn.configure_async(max_event_age=max_age, on_failure=failures)
    delivery = fn.invoke_async({"id": 7})
    h.run()
    assert (delivery.attempts, delivery.condition) == (attempts, condition)
    record = failures.messages[0].json()
    assert record["requestContext"]["condition"] == condition
    assert record["requestContext"]["approximateInvokeCount"] == attempts
    assert record["responseContext"]["functionError"] == "Unhandled"  # present for age too


def test_failure_record_has_aws_shape(lambda_harness):
    """2.4: the exact record an on-failure destination receives."""
    h = lambda_harness
    failures = h.sqs_queue("failures")
    fn = h.function(failing, name="orders")
    fn.configure_async(on_failure=failures)
    fn.invoke_async({"id": 3})
    h.run()
    record = failures.messages[0].json()
    assert list(record) == ["version", "timestamp", "requestContext", "requestPayload",
                            "responseContext", "responsePayload"]  # fmt: skip
    assert record["version"] == "1.0"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", record["timestamp"])
    context = record["requestContext"]
    assert context["functionArn"] == "arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST"
    assert context["requestId"] == fn.invocations[-1].request_id
    assert record["requestPayload"] == {"id": 3}
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                         "functionError": "Unhandled"}  # fmt: skip
    payload = record["responsePayload"]
    assert payload["errorType"] == "RuntimeError" and payload["errorMessage"] == "cannot process 3"
    assert payload["requestId"] == context["requestId"]


def test_success_after_a_retry_sends_the_success_record_without_function_error(lambda_harness):
    h = lambda_harness
    outcomes = iter([RuntimeError("flaky"), None])

    def flaky(event, context):
        error = next(outcomes)
        if error:
            raise error
        return {"done": True}

    succeeded = h.sqs_queue("succeeded")
    fn = h.function(flaky, name="flaky")
    fn.configure_async(on_success=succeeded)
    delivery = fn.invoke_async({"id": 1})
    h.run()
    assert (delivery.status, delivery.condition, delivery.attempts) == ("succeeded", "Success", 2)
    record = succeeded.messages[0].json()
    assert record["requestContext"]["condition"] == "Success"
    assert record["requestContext"]["approximateInvokeCount"] == 2
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST"}
    assert record["responsePayload"] == {"done": True}


def test_dead_letter_queue_gets_the_original_event_with_error_attributes(lambda_harness):
    """2.5: RequestID, ErrorCode (Number, "200" for function errors), ErrorMessage (first 1 KB)."""
    h = lambda_harness
    dlq = h.sqs_queue("orders-dlq")

    def long_error(event, context):
        raise ValueError("x" * 3000)

    fn = h.function(long_error, name="orders")
    fn.configure_async(dead_letter_queue=dlq)
    fn.invoke_async({"order": 42})
    h.run()
    (message,) = dlq.messages
    assert json.loads(message.body) == {"order": 42}
    attrs = message.message_attributes
    assert attrs["RequestID"]["stringValue"] == fn.invocations[0].request_id
    assert attrs["ErrorCode"] == {"dataType": "Number", "stringValue": "200",
                                  "stringListValues": [], "binaryListValues": []}  # fmt: skip
    assert attrs["ErrorMessage"]["stringValue"] == "x" * 1024


def test_timeouts_are_function_errors_and_are_retried(lambda_harness):
    import time

    fn = lambda_harness.function(lambda e, c: time.sleep(5), name="slow", timeout=2)
    delivery = fn.invoke_async({})
    lambda_harness.run()
    assert delivery.attempts == 3 and all(inv.timed_out for inv in fn.invocations)
    assert delivery.reason.startswith("Sandbox.Timedout: RequestId: ")


def test_function_and_event_bus_destinations(lambda_harness):
    h = lambda_harness
    audit = h.function(lambda e, c: None, name="audit")
    bus = h.event_bus("ops")
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=audit)
    fn.invoke_async({"id": 1})
    h.run()
    (audit_call,) = audit.invocations
    assert audit_call.event["requestContext"]["condition"] == "RetriesExhausted"

    ok = h.function(lambda e, c: "fine", name="ok")
    ok.configure_async(on_success=bus)
    ok.invoke_async({})
    h.run()
    (event,) = bus.events
    assert event["source"] == "lambda"
    assert event["detail-type"] == "Lambda Function Invocation Result - Success"
    assert event["resources"] == [bus.arn, ok.qualified_arn]
    assert event["detail"]["responsePayload"] == "fine"


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [({"max_retry_attempts": 3}, "max_retry_attempts 3: AWS allows 0 to 2"),
     ({"max_retry_attempts": -1}, "max_retry_attempts -1: AWS allows 0 to 2"),
     ({"max_event_age": 59}, "max_event_age 59: AWS allows 60 to 21,600"),
     ({"max_event_age": 21_601}, "max_event_age 21601: AWS allows 60 to 21,600"),
     ({"max_event_age": "1h"}, "max_event_age must be an int"),
     ({"on_failure": "arn:aws:sqs:..."}, "a destination is a harness queue, topic, function"),
     ({"dead_letter_queue": object()}, "dead_letter_queue: use a harness SQS queue or SNS topic")],
)  # fmt: skip
def test_out_of_range_async_configuration_is_refused(lambda_harness, kw, pattern):
    fn = lambda_harness.function(failing, name="orders")
    with pytest.raises(FunctionConfigError, match=pattern):
        fn.configure_async(**kw)


def test_fifo_queues_cannot_be_destinations(lambda_harness):
    fn = lambda_harness.function(failing, name="orders")
    fifo = lambda_harness.sqs_queue("results.fifo")
    with pytest.raises(FunctionConfigError, match="is FIFO; destinations must be standard"):
        fn.configure_async(on_failure=fifo)


def test_async_payloads_over_1_mb_are_refused(lambda_harness):
    fn = lambda_harness.function(failing, name="orders")
    with pytest.raises(FunctionConfigError, match=r"at most 1,048,576 \(AWS answers 413"):
        fn.invoke_async({"blob": "x" * 1_048_576})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    outcomes=st.lists(st.lists(st.booleans(), min_size=3, max_size=3), min_size=1, max_size=8),
    retries=st.integers(0, 2),
    max_age=st.integers(60, 21_600),
    gaps=st.lists(st.integers(0, 400), min_size=8, max_size=8),
)
def test_property_every_event_ends_once_within_its_limits(outcomes, retries, max_age, gaps):
    """Whatever fails when: one final state per event, attempts within the config, nothing lost
    or duplicated, and run() terminates."""
    with Harness(seed=1) as h:
        dlq, failures, successes = h.sqs_queue("dlq"), h.sqs_queue("fail"), h.sqs_queue("ok")
        plan = {i: list(o) for i, o in enumerate(outcomes)}

        def handler(event, context):
            if plan[event["i"]].pop(0):
                raise RuntimeError("planned failure")

        fn = h.function(handler, name="prop")
        fn.configure_async(
            max_retry_attempts=retries,
            max_event_age=max_age,
            on_success=successes,
            on_failure=failures,
            dead_letter_queue=dlq,
        )
        deliveries = []
        for i, gap in zip(range(len(outcomes)), gaps, strict=False):
            h.advance(seconds=gap)
            deliveries.append(fn.invoke_async({"i": i}))
        h.run()
        assert all(d.status in ("succeeded", "failed") for d in deliveries)
        assert all(1 <= d.attempts <= retries + 1 for d in deliveries)
        failed = [d for d in deliveries if d.status == "failed"]
        assert len(dlq.messages) == len(failures.messages) == len(failed)
        assert len(successes.messages) == len(deliveries) - len(failed)
        assert sorted(json.loads(m.body)["i"] for m in dlq.messages) == sorted(
            d.item["i"] for d in failed)  # fmt: skip
        for d in deliveries:
            span = d.invocations[-1].started_at - d.enqueued_at
            assert span < timedelta(seconds=max_age)
            first_failure_index = next(
                (k for k, f in enumerate(outcomes[d.item["i"]]) if not f), None
            )
            expected_success = first_failure_index is not None and first_failure_index <= min(
                retries, d.attempts - 1)  # fmt: skip
            assert (d.status == "succeeded") == expected_success
