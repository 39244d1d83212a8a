"""Real-runtime mode (issue 9.1): handlers run under AWS's runtime interface client in a
subprocess, served the Lambda Runtime API by the harness.

Parity: each scenario runs once in-process and once under the runtime client, from the same
seed and start, and the two ledgers must agree field by field (request ids, virtual times,
responses, error documents, deliveries, what lands in dead-letter queues). Then the behaviour
only a separate process shows: exits, isolation, a handler busy past its timeout.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from pytest_lambda_events.errors import FunctionConfigError
from pytest_lambda_events.invoker import exit_error
from pytest_lambda_events.world import Harness

from . import ric_handlers

pytest.importorskip("awslambdaric")

HANDLERS = "tests.harness.ric_handlers"
START = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def run_both(scenario: Callable[[Harness], None]) -> tuple[Harness, Harness]:
    """The scenario in each mode, on harnesses with the same seed and start."""
    harnesses = []
    for runtime in ("in-process", "ric"):
        ric_handlers.WARM.clear()  # in-process, the module's state lives in this process
        harness = Harness(seed=11, start=START, runtime=runtime)
        try:
            scenario(harness)
            TIMELINES[harness] = harness.timeline()
        finally:
            harness.close()
        harnesses.append(harness)
    return harnesses[0], harnesses[1]


TIMELINES: dict[Harness, str] = {}  # each harness's story, told before it closed


def ledger(h: Harness) -> list[Any]:
    invocations = [
        (i.function, i.request_id, i.started_at, i.duration, i.response, i.timed_out,
         i.attempt, i.invocation_type, i.error and _comparable(i.error.payload))
        for i in h.ledger.invocations
    ]  # fmt: skip
    deliveries = [
        (d.flow, d.status, d.condition, d.attempts, d.reason, d.finished_at)
        for d in h.ledger.deliveries
    ]
    return [invocations, deliveries]


def _comparable(payload: dict[str, Any]) -> dict[str, Any]:
    """An error document without its stack trace: the frames name the runtime's own files."""
    return {key: value for key, value in payload.items() if key != "stackTrace"}


def assert_same_ledger(scenario: Callable[[Harness], None]) -> tuple[Harness, Harness]:
    in_process, ric = run_both(scenario)
    assert ledger(ric) == ledger(in_process)
    assert ledger(ric)[0], "the scenario invoked nothing"
    assert TIMELINES.pop(ric) == TIMELINES.pop(in_process)  # a failure reads the same in both
    return in_process, ric


def test_sync_invocations_agree_including_the_context_and_the_lambda_variables():
    def scenario(h: Harness) -> None:
        fn = h.function(f"{HANDLERS}.echo", name="echo", timeout=5, memory_size=256,
                        environment={"GREETING": "hello"})  # fmt: skip
        fn.invoke({"n": 1})
        h.advance(minutes=3)
        fn.invoke({"n": 2, "text": "naïve ☃ 🐍"})

    _, ric = assert_same_ledger(scenario)
    first, second = (i.response for i in ric.ledger.invocations)
    assert first["function_name"] == "echo" and first["memory_limit_in_mb"] == "256"
    assert first["remaining_ms"] == 5000  # Lambda-Runtime-Deadline-Ms on the virtual clock
    assert first["now"] == START.timestamp()
    assert first["invoked_function_arn"] == "arn:aws:lambda:us-east-1:123456789012:function:echo"
    assert first["handler_variable"] == f"{HANDLERS}.echo" and first["custom"] == "hello"
    assert first["trace_id_set"] and first["region"] == "us-east-1"
    assert second["warm_calls"] == 2  # one warm execution environment served both
    assert second["now"] == START.timestamp() + 180


@pytest.mark.parametrize(
    ("handler", "error_type", "message"),
    [
        (f"{HANDLERS}.fail", "ValueError", "cannot take 3"),
        (f"{HANDLERS}.returns_a_set", "Runtime.MarshalError",
         "Unable to marshal response: Object of type set is not JSON serializable"),
        (f"{HANDLERS}.returns_too_much", "Function.ResponseSizeTooLarge",
         "Response payload size exceeded maximum allowed payload size (6291556 bytes)."),
        (f"{HANDLERS}.no_such_handler", "Runtime.HandlerNotFound",
         f"Handler 'no_such_handler' missing on module '{HANDLERS}'"),
        ("nodot", "Runtime.MalformedHandlerName",
         "Bad handler 'nodot': not enough values to unpack (expected 2, got 1)"),
        ("sys.handler", "Runtime.BuiltInModuleConflict",
         "Cannot use built-in module sys as a handler module"),
    ],
)  # fmt: skip
def test_function_and_runtime_errors_agree(handler, error_type, message):
    def scenario(h: Harness) -> None:
        h.function(handler, name="f").invoke({"n": 3})

    _, ric = assert_same_ledger(scenario)
    (invocation,) = ric.ledger.invocations
    assert (invocation.error.type, invocation.error.message) == (error_type, message)  # 1.2


def test_responses_marshal_alike_decimals_tuples_and_bytes():
    def scenario(h: Harness) -> None:
        h.function(f"{HANDLERS}.returns_decimals", name="dec").invoke({})
        h.function(f"{HANDLERS}.returns_bytes", name="raw").invoke({})

    _, ric = assert_same_ledger(scenario)
    decimals, raw = (i.response for i in ric.ledger.invocations)
    assert decimals == {"price": 9.5, "pair": [1, 2]}
    assert raw == b"\x89PNG"  # sent as application/unknown, returned as it came (1.2)


def test_sleeps_pass_virtual_time_and_a_timeout_restarts_the_environment():
    def scenario(h: Harness) -> None:
        sleepy = h.function(f"{HANDLERS}.sleep_for", name="sleepy", timeout=3)
        sleepy.invoke({"seconds": 1.25})
        sleepy.invoke({"seconds": 5})  # past the 3 s timeout
        echo = h.function(f"{HANDLERS}.echo", name="echo")
        echo.invoke({})
        echo.invoke({})

    _, ric = assert_same_ledger(scenario)
    slept, timed_out, *_ = ric.ledger.invocations
    assert slept.response["remaining_ms"] == 1750 and slept.duration.total_seconds() == 1.25
    assert timed_out.timed_out and timed_out.error.type == "Sandbox.Timedout"  # 1.3
    assert timed_out.error.message.endswith("Task timed out after 3.00 seconds")
    assert timed_out.duration.total_seconds() == 3


def test_an_environment_is_initialised_again_after_a_timeout():
    def scenario(h: Harness) -> None:
        fn = h.function(f"{HANDLERS}.echo", name="echo", timeout=2)
        fn.invoke({})
        fn.invoke({})
        h.function(f"{HANDLERS}.sleep_for", name="sleepy", timeout=2).invoke({"seconds": 9})
        fn.invoke({})

    in_process, ric = run_both(scenario)
    warm = [i.response["warm_calls"] for i in ric.ledger.invocations if i.function == "echo"]
    assert warm == [1, 2, 3]  # another function's timeout leaves this environment warm
    assert ledger(ric) == ledger(in_process)


def test_async_retries_and_the_dead_letter_queue_agree():
    dead: list[list[Any]] = []

    def scenario(h: Harness) -> None:
        dlq = h.sqs_queue("dlq")
        fn = h.function(f"{HANDLERS}.fail", name="worker")
        fn.configure_async(max_retry_attempts=2, dead_letter_queue=dlq)
        fn.invoke_async({"n": 1})
        h.run()
        dead.append([(m.body, m.message_attributes) for m in dlq.messages])

    _, ric = assert_same_ledger(scenario)
    (delivery,) = ric.ledger.deliveries
    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "failed", "RetriesExhausted", 3,
    )  # 2.2: one attempt and two retries  # fmt: skip
    in_process_dead, ric_dead = dead
    assert ric_dead == in_process_dead and len(ric_dead) == 1
    assert ric_dead[0][1]["ErrorMessage"]["stringValue"] == "cannot take 1"


def test_an_sqs_mapping_with_partial_batch_responses_agrees():
    def scenario(h: Harness) -> None:
        dlq = h.sqs_queue("orders-dlq")
        queue = h.sqs_queue("orders", visibility_timeout=30, max_receive_count=2,
                            dead_letter_queue=dlq)  # fmt: skip
        queue.send_batch(["ok", "bad", "fine"])
        fn = h.function(f"{HANDLERS}.partial_batch", name="orders")
        queue.subscribe(fn, batch_size=10, report_batch_item_failures=True)
        h.run()

    _, ric = assert_same_ledger(scenario)
    fates = sorted((d.item.body, d.status, d.condition) for d in ric.ledger.deliveries)
    assert fates == [
        ("bad", "failed", "MaxReceiveCountExceeded"),
        ("fine", "succeeded", "Success"),
        ("ok", "succeeded", "Success"),
    ]


def test_a_kinesis_mapping_that_bisects_agrees():
    def scenario(h: Harness) -> None:
        stream = h.kinesis_stream("clicks", shards=1)
        for data in (b"a", b"b", b"poison", b"c"):
            stream.put(data=data, partition_key="k")
        fn = h.function(f"{HANDLERS}.kinesis_poison", name="clicks")
        stream.subscribe(fn, batch_size=4, starting_position="TRIM_HORIZON",
                         max_retry_attempts=1, bisect_batch_on_function_error=True)  # fmt: skip
        h.run()

    _, ric = assert_same_ledger(scenario)
    sizes = [len(i.event["Records"]) for i in ric.ledger.invocations]
    assert sizes[0] == 4 and 1 in sizes  # bisected down to the poison record (5.4)


def test_a_front_door_answers_alike():
    answers: dict[str, list[int]] = {}

    def scenario(h: Harness) -> None:
        api = h.http_api(h.function(f"{HANDLERS}.echo", name="api"))
        api.request("POST", "/orders", body='{"id": 1}')
        failing = h.http_api(h.function(f"{HANDLERS}.fail", name="failing"))
        answers.setdefault(h.runtime, []).append(failing.request("GET", "/x").status_code)

    _, ric = assert_same_ledger(scenario)
    echoed = ric.ledger.invocations[0].response
    assert echoed["event"]["requestContext"]["http"]["method"] == "POST"
    assert answers == {"in-process": [500], "ric": [500]}  # 1.4: HTTP API, function error


def test_a_schedule_fires_through_the_runtime_on_the_virtual_clock():
    def scenario(h: Harness) -> None:
        h.schedule("rate(1 hour)", h.function(f"{HANDLERS}.echo", name="hourly"))
        h.advance(hours=3)

    _, ric = assert_same_ledger(scenario)
    times = [i.response["now"] for i in ric.ledger.invocations]
    assert [t - times[0] for t in times] == [0, 3600, 7200]


@pytest.mark.parametrize(
    ("source", "error_type", "message"),
    [
        ("raise RuntimeError('no config')\n", "RuntimeError", "no config"),
        ("import no_such_dependency_xyz\n", "Runtime.ImportModuleError",
         "Unable to import module '{m}': No module named 'no_such_dependency_xyz'"),
        ("def handler(event, context)\n", "Runtime.UserCodeSyntaxError",
         "Syntax error in module '{m}': expected ':' ({m}.py, line 1)"),
    ],
)  # fmt: skip
def test_init_errors_agree_and_carry_no_request_id(
    tmp_path, monkeypatch, source, error_type, message
):
    module = f"init_{abs(hash(source)) % 10**8}"
    tmp_path.joinpath(f"{module}.py").write_text(source)
    monkeypatch.syspath_prepend(str(tmp_path))

    def scenario(h: Harness) -> None:
        fn = h.function(f"{module}.handler", name="broken")
        fn.invoke({})
        fn.invoke({})  # the init is tried again, as AWS does for each new environment

    try:
        _, ric = assert_same_ledger(scenario)
    finally:
        sys.modules.pop(module, None)
    for invocation in ric.ledger.invocations:
        error = invocation.error.payload
        assert (error["errorType"], error["errorMessage"]) == (error_type, message.format(m=module))
        assert error["requestId"] == ""  # 1.2: an init error has no invocation yet


def test_sys_exit_is_a_runtime_exit_error_in_both_modes_and_ends_the_environment():
    def scenario(h: Harness) -> None:
        fn = h.function(f"{HANDLERS}.calls_sys_exit", name="quits")
        fn.invoke({"status": 3})
        fn.invoke({"status": None})
        fn.invoke({})
        fn.invoke({})

    _, ric = assert_same_ledger(scenario)
    first, second, *returned = ric.ledger.invocations
    assert first.error.message == (
        f"RequestId: {first.request_id} Error: Runtime exited with error: exit status 3"
    )
    assert second.error.message.endswith("Error: Runtime exited without providing a reason")
    assert [i.response for i in returned] == [1, 2]  # loaded afresh after the exit, then warm
    assert first.context.log_stream_name != returned[0].context.log_stream_name


def test_a_process_exit_is_a_runtime_exit_error_and_the_next_call_starts_afresh():
    h = Harness(seed=3, start=START, runtime="ric")
    try:
        exits = h.function(f"{HANDLERS}.exits", name="exits")
        first = exits.invoke({})
        echo = h.function(f"{HANDLERS}.echo", name="echo")
        assert echo.invoke({}).ok
    finally:
        h.close()
    assert first.error.type == "Runtime.ExitError"  # 1.2, observed from AWS
    assert first.error.message == (
        f"RequestId: {first.request_id} Error: Runtime exited with error: exit status 7"
    )
    assert first.error.payload == {"errorType": "Runtime.ExitError",
                                   "errorMessage": first.error.message}  # fmt: skip


@pytest.mark.parametrize(
    ("status", "ending"),
    [(0, "Runtime exited without providing a reason"),
     (127, "Runtime exited with error: exit status 127"),
     (-9, "Runtime exited with error: signal: killed"),
     (-11, "Runtime exited with error: signal: segmentation fault")],
)  # fmt: skip
def test_exit_errors_are_worded_as_aws_words_them(status, ending):
    error = exit_error("r-1", status)
    assert error.message == f"RequestId: r-1 Error: {ending}"  # 1.2, observed


def test_what_the_handler_changes_stays_in_its_own_process(monkeypatch):
    monkeypatch.setenv("LEAKED_BY_HANDLER", "no")  # restored (unset) after the test
    ric_handlers.WARM.clear()
    results = {}
    for runtime in ("ric", "in-process"):
        h = Harness(seed=3, start=START)
        try:
            fn = h.function(ric_handlers.leaks, name="leaks", runtime=runtime)  # a callable
            results[runtime] = (fn.invoke({}).response, os.environ["LEAKED_BY_HANDLER"],
                                list(ric_handlers.WARM))  # fmt: skip
        finally:
            h.close()
    assert results["ric"] == (results["ric"][0], "no", [])
    assert results["ric"][0] != os.getpid()
    # in-process, the same handler changes the test's own process: what "ric" isolates
    assert results["in-process"] == (os.getpid(), "yes", ["leaked"])


def test_a_handler_busy_past_its_timeout_in_real_time_is_stopped():
    h = Harness(seed=3, start=START, runtime="ric")
    try:
        fn = h.function(f"{HANDLERS}.spin", name="spin", timeout=1)
        spun = fn.invoke({})
    finally:
        h.close()
    assert spun.timed_out and spun.error.type == "Sandbox.Timedout"
    assert h.clock.now() >= START.replace(second=1)


def test_handlers_it_cannot_import_by_name_are_refused_with_the_reason():
    h = Harness(seed=3, start=START)
    try:
        with pytest.raises(FunctionConfigError, match="not a module-level function"):
            h.function(lambda e, c: None, name="anonymous", runtime="ric")
        with pytest.raises(FunctionConfigError, match="runtime must be one of 'in-process', 'ric'"):
            h.function(f"{HANDLERS}.echo", name="echo", runtime="docker")
    finally:
        h.close()


def test_the_ini_default_runs_harness_functions_under_the_runtime(pytester):
    pytester.makepyfile(
        app="import os\ndef handler(event, context):\n    return os.getpid()\n",
        test_app=(
            "import os\n"
            "def test_pid(lambda_harness):\n"
            "    fn = lambda_harness.function('app.handler', name='app')\n"
            "    assert fn.runtime == 'ric'\n"
            "    assert fn.invoke({}).response != os.getpid()\n"
        ),
    )
    pytester.makeini("[pytest]\nlambda_runtime = ric\n")
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)
    result = pytester.runpytest("-p", "no:randomly", "--lambda-runtime", "in-process")
    result.assert_outcomes(failed=1)


def test_an_unknown_ini_runtime_is_a_usage_error(pytester):
    pytester.makepyfile("def test_x():\n    pass\n")
    pytester.makeini("[pytest]\nlambda_runtime = docker\n")
    result = pytester.runpytest()
    result.stderr.fnmatch_lines(["*lambda_runtime = 'docker': use one of in-process, ric*"])
