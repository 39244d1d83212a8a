"""A typo in a harness call gets the plugin's own error naming a close match, not Python's bare
TypeError (it is still a TypeError, so ``except TypeError`` keeps working)."""

import pytest

from pytest_lambda_events import FunctionConfigError, HarnessArgumentError
from pytest_lambda_events.errors import checked_arguments


def _calls(h):
    fn = h.function(lambda e, c: None, name="f")
    return {
        "function": lambda: h.function(lambda e, c: None, nam="g"),
        "configure_async": lambda: fn.configure_async(max_retries=1),
        "invoke_async": lambda: fn.invoke_async({}, delay=1),
        "queue.subscribe": lambda: h.sqs_queue("q").subscribe(fn, batch_sizee=3),
        "stream.subscribe": lambda: h.kinesis_stream("s").subscribe(fn, batch_sizee=3),
        "topic.subscribe": lambda: h.sns_topic("t").subscribe(fn, raw_delivery=True),
        "bucket.notify": lambda: h.s3_bucket("bucket-x").notify(fn, event=["s3:ObjectCreated:*"]),
        "request": lambda: h.http_api(fn).request("GET", "/", header={}),
        "dynamodb_table": lambda: h.dynamodb_table("t", keys=("pk",)),
    }


HINTS = {
    "function": "'name'", "configure_async": "'max_retry_attempts'", "invoke_async": None,
    "queue.subscribe": "'batch_size'", "stream.subscribe": "'batch_size'",
    "topic.subscribe": "'raw_message_delivery'", "bucket.notify": "'events'",
    "request": "'headers'", "dynamodb_table": "'key'",
}  # fmt: skip


@pytest.mark.parametrize("call", sorted(HINTS))
def test_typos_name_the_method_and_a_close_match(lambda_harness, call):
    with pytest.raises(HarnessArgumentError, match="unexpected keyword argument") as info:
        _calls(lambda_harness)[call]()
    assert isinstance(info.value, TypeError)
    assert "it takes: " in str(info.value)
    if HINTS[call]:
        assert f"did you mean {HINTS[call]}?" in str(info.value)


def test_a_type_error_raised_inside_a_method_is_left_alone():
    @checked_arguments
    def method(value):
        return value + 1

    with pytest.raises(TypeError) as info:
        method("one")
    assert not isinstance(info.value, HarnessArgumentError)


def test_an_event_that_is_not_json_is_explained(lambda_harness):
    fn = lambda_harness.function(lambda e, c: None, name="f")
    for call in (fn.invoke, fn.invoke_async):
        with pytest.raises(
            FunctionConfigError, match=r"f: the event is not JSON \(Object of type set"
        ):
            call({1, 2})
