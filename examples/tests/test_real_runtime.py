"""The same handlers under AWS's own runtime interface client (``runtime="ric"``): each runs in
a subprocess that is served the Lambda Runtime API, so what only the real runtime does (its
error documents, response marshalling, a process that exits) shows up in the test. Needs the
``ric`` extra: ``pip install "pytest-lambda-events[ric]"``."""

import pytest

pytest.importorskip("awslambdaric")


def test_retries_and_the_dead_letter_queue_through_the_real_runtime(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("notify-dlq")
    fn = h.function("shop.notify.handler", name="notify", runtime="ric")
    fn.configure_async(dead_letter_queue=dlq)

    delivery = fn.invoke_async({"orderId": "o-1", "email": "not-an-address"})
    h.run()  # the runtime client answers; the retries still run on the virtual clock

    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "failed", "RetriesExhausted", 3)  # fmt: skip
    error = delivery.invocations[-1].error
    assert (error.type, error.message) == ("InvalidAddress", "cannot e-mail 'not-an-address'")
    assert error.payload["stackTrace"]  # the runtime's own traceback, from the handler's file


def test_a_mistyped_handler_string_is_the_runtimes_init_error(lambda_harness):
    fn = lambda_harness.function("shop.notify.handle", name="notify", runtime="ric")
    error = fn.invoke({"email": "ana@example.com"}).error
    assert error.type == "Runtime.HandlerNotFound"
    assert error.message == "Handler 'handle' missing on module 'shop.notify'"
