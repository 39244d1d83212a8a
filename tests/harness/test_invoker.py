"""The invoker: context, environment, timeouts and AWS's error payloads (semantics.md 1.2, 1.3)."""

import os
import sys
import time
from datetime import timedelta
from decimal import Decimal

import pytest

from pytest_lambda_events.errors import FunctionConfigError
from pytest_lambda_events.world import Harness


def test_sync_invoke_returns_the_response_and_records_the_invocation(lambda_harness):
    fn = lambda_harness.function(lambda event, context: {"echo": event}, name="echo")
    inv = fn.invoke({"a": 1})
    assert inv.ok and inv.response == {"echo": {"a": 1}} and inv.error is None
    assert fn.invocations == [inv] and lambda_harness.ledger.invocations == [inv]
    assert inv.started_at == lambda_harness.clock.now() and inv.duration == timedelta(0)
    assert len(inv.request_id) == 36 and inv.context.aws_request_id == inv.request_id


def test_a_sync_error_is_never_retried_and_has_the_runtime_payload(lambda_harness):
    def handler(event, context):
        raise KeyError("order-1")

    fn = lambda_harness.function(handler, name="fails")
    inv = fn.invoke({})
    lambda_harness.run()
    assert len(fn.invocations) == 1  # 1.1: Lambda never retries a synchronous invocation
    assert not inv.ok and inv.error.type == "KeyError" and inv.error.message == "'order-1'"
    payload = inv.error.payload
    assert list(payload) == ["errorMessage", "errorType", "requestId", "stackTrace"]  # 1.2 order
    assert payload["requestId"] == inv.request_id
    assert 'raise KeyError("order-1")' in payload["stackTrace"][-1]
    assert all("pytest_lambda_events" not in frame for frame in payload["stackTrace"])


ENV_NAMES = ("AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "STAGE",
             "_HANDLER")  # fmt: skip


def test_the_context_and_environment_are_lambdas(lambda_harness):
    seen = {}

    def handler(event, context):
        seen.update(
            remaining=context.get_remaining_time_in_millis(),
            memory=context.memory_limit_in_mb,
            arn=context.invoked_function_arn,
            env={k: os.environ[k] for k in ENV_NAMES},
        )  # fmt: skip
        time.sleep(2.5)
        seen["after_sleep"] = context.get_remaining_time_in_millis()

    fn = lambda_harness.function(handler, name="ctx", timeout=30, memory_size=512,
                                 environment={"STAGE": "test"})  # fmt: skip
    assert fn.invoke({}).ok
    assert seen["remaining"] == 30_000 and seen["after_sleep"] == 27_500
    assert seen["memory"] == "512"
    assert seen["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:ctx"
    assert seen["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "ctx" and seen["env"]["STAGE"] == "test"
    assert seen["env"]["_HANDLER"].endswith(".handler")
    assert (
        "AWS_LAMBDA_FUNCTION_NAME" not in os.environ
        or os.environ["AWS_LAMBDA_FUNCTION_NAME"] != "ctx"
    )


def test_a_slow_handler_times_out_on_the_virtual_clock(lambda_harness):
    def handler(event, context):
        time.sleep(0.5)
        try:
            time.sleep(5)
        except Exception:
            return "caught"
        return "finished"

    fn = lambda_harness.function(handler, name="slow", timeout=1)
    start = lambda_harness.clock.now()
    inv = fn.invoke({})
    assert inv.timed_out and not inv.ok and inv.response is None
    assert inv.error.type == "Sandbox.Timedout"  # 1.3, the 2025 format
    assert inv.error.payload == {
        "errorType": "Sandbox.Timedout",
        "errorMessage": f"RequestId: {inv.request_id} Error: Task timed out after 1.00 seconds",
    }
    assert inv.duration == timedelta(seconds=1)
    assert lambda_harness.clock.now() - start == timedelta(seconds=1)


def test_after_a_timeout_the_handler_module_is_initialised_again(
    lambda_harness, tmp_path, monkeypatch
):
    tmp_path.joinpath("stateful_handler.py").write_text(
        "import time\nCOLD = []\n"
        "def handler(event, context):\n"
        "    COLD.append(1)\n"
        "    if event.get('slow'):\n        time.sleep(10)\n"
        "    return len(COLD)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    fn = lambda_harness.function("stateful_handler.handler", name="stateful", timeout=1)
    assert fn.invoke({}).response == 1
    assert fn.invoke({}).response == 2  # warm: module state kept
    assert fn.invoke({"slow": True}).timed_out
    assert fn.invoke({}).response == 1  # 1.3: the environment was re-initialised
    sys.modules.pop("stateful_handler", None)


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        ("no_such_module_xyz.handler", "Runtime.ImportModuleError",
         "Unable to import module 'no_such_module_xyz': No module named 'no_such_module_xyz'"),
        ("json.no_such_handler", "Runtime.HandlerNotFound",
         "Handler 'no_such_handler' missing on module 'json'"),
        ("nodot", "Runtime.MalformedHandlerName", "Bad handler 'nodot'"),
    ],
)  # fmt: skip
def test_handler_strings_fail_as_the_runtime_reports_it(
    lambda_harness, handler, error_type, message
):
    inv = lambda_harness.function(handler, name="broken").invoke({})
    assert inv.error.type == error_type and inv.error.message.startswith(message)


def test_responses_are_marshalled_as_json_like_the_runtime(lambda_harness):
    ok = lambda_harness.function(lambda e, c: {"n": Decimal("1.5"), "t": (1, 2)}, name="dec")
    assert ok.invoke({}).response == {"n": 1.5, "t": [1, 2]}
    bad = lambda_harness.function(lambda e, c: {"s": {1, 2}}, name="setty")
    inv = bad.invoke({})
    assert inv.error.type == "Runtime.MarshalError"
    assert (
        inv.error.message
        == "Unable to marshal response: Object of type set is not JSON serializable"
    )


def test_oversized_responses_fail_with_aws_limit(lambda_harness):
    inv = lambda_harness.function(lambda e, c: "x" * 6_291_556, name="big").invoke({})
    assert inv.error.type == "Function.ResponseSizeTooLarge"
    assert "(6291556 bytes)" in inv.error.message  # 8.1


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [({"timeout": 0}, "timeout 0: Lambda allows 1 to 900"),
     ({"memory_size": 100}, "memory_size 100: Lambda allows 128 to 10,240 MB"),
     ({"name": "has space"}, "function name 'has space'"),
     ({"handler": 42}, "handler must be a callable or a 'package.module.function' string")],
)  # fmt: skip
def test_function_settings_outside_aws_limits_are_refused(lambda_harness, kw, pattern):
    args = {"handler": lambda e, c: None, "name": "f", **kw}
    with pytest.raises(FunctionConfigError, match=pattern):
        lambda_harness.function(args.pop("handler"), **args)


def test_invocation_finished_hook_sees_every_invocation(pytester):
    pytester.makeconftest(
        "SEEN = []\n"
        "def pytest_lambda_events_invocation_finished(invocation):\n"
        "    SEEN.append((invocation.function, invocation.ok))\n"
    )
    pytester.makepyfile(
        "from conftest import SEEN\n"
        "def test_x(lambda_harness):\n"
        "    fn = lambda_harness.function(lambda e, c: 1, name='f')\n"
        "    fn.invoke({}); fn.invoke({})\n"
        "    assert SEEN == [('f', True), ('f', True)]\n"
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_observers_see_the_contracts_verdict():
    """invocation_finished observers run after the response contract judged the response."""
    seen = []
    with Harness(on_invocation=lambda inv: seen.append((inv.accepted, inv.rejection))) as h:
        fn = h.function(lambda e, c: {"statusCode": 200, "body": {"not": "a string"}}, name="api")
        fn.invoke({}, source="api_gateway")
        h.rest_api(fn).request("GET", "/")
    assert [accepted for accepted, _ in seen] == [False, False]
    assert all("body must be a string" in rejection for _, rejection in seen)
