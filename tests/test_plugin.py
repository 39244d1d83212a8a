"""What pytest touches: options, markers, fixtures, hooks, header, reports (pytester)."""

import json

import pytest

pytest_plugins = ["pytester"]


def test_every_source_and_the_context_marker_are_registered(pytester):
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines([
        "@pytest.mark.lambda_function(name=..., timeout=*",
        "@pytest.mark.sqs(**overrides): build a SQS event source mapping batch*(poll invocation)",
    ])  # fmt: skip


def test_markers_work_with_strict_markers_and_m_selection(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.sqs(count=3)
        def test_queue(sqs_event):
            assert len(sqs_event["Records"]) == 3

        def test_other():
            pass
        """
    )
    result = pytester.runpytest("--strict-markers", "-m", "sqs", "-v")
    result.assert_outcomes(passed=1, deselected=1)
    result.stdout.fnmatch_lines(["*test_queue PASSED*"])


def test_marker_kwargs_merge_module_then_class_then_test(pytester):
    pytester.makepyfile(
        """
        import pytest

        pytestmark = pytest.mark.sqs(count=2, body="module", receive_count=2)

        @pytest.mark.sqs(body="class")
        class TestMerge:
            @pytest.mark.sqs(receive_count=5)
            def test_closest_wins(self, sqs_event):
                records = sqs_event["Records"]
                assert len(records) == 2
                assert {r["body"] for r in records} == {"class"}
                assert records[0]["attributes"]["ApproximateReceiveCount"] == "5"

        def test_module_only(sqs_event):
            assert sqs_event["Records"][0]["body"] == "module"
        """
    )
    pytester.runpytest().assert_outcomes(passed=2)


def test_the_scheduled_marker_takes_the_rules_schedule_expression(pytester):
    pytester.makepyfile(
        """
        import pytest
        from datetime import datetime

        @pytest.mark.scheduled("cron(0 9 ? * MON-FRI *)", rule_name="weekday-report")
        def test_weekday_morning(scheduled_event):
            fired = datetime.fromisoformat(scheduled_event["time"].replace("Z", "+00:00"))
            assert (fired.hour, fired.minute, fired.second) == (9, 0, 0)
            assert fired.isoweekday() <= 5
            assert scheduled_event["resources"][0].endswith(":rule/weekday-report")

        @pytest.mark.scheduled("cron(0 9 * * * *)")
        def test_invalid(scheduled_event):
            pass

        @pytest.mark.scheduled("rate(1 hour)", "rate(2 hours)")
        def test_two_expressions(scheduled_event):
            pass
        """
    )
    result = pytester.runpytest("--strict-markers")
    result.assert_outcomes(passed=1, errors=2)
    # one call each: pytest-randomly may run the two tests in either order
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.scheduled: invalid schedule expression 'cron(0 9 * * * *)'*Day-of-week*"]
    )
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.scheduled takes one argument (schedule_expression) and keyword arguments*"]
    )


def test_a_marker_typo_fails_the_test_with_a_suggestion(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.sqs(bodyy="x")
        def test_typo(sqs_event):
            pass

        @pytest.mark.sqs("positional")
        def test_args(sqs_event):
            pass

        @pytest.mark.lambda_function(timeout=5000)
        def test_context(lambda_context):
            pass

        @pytest.mark.lambda_function(memory=512)
        def test_context_typo(lambda_context):
            pass
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.assert_outcomes(errors=4)
    output = result.stdout.str()
    for expected in (
        "@pytest.mark.sqs: sqs: unknown override 'bodyy' (did you mean 'body'?)",
        "@pytest.mark.sqs takes keyword arguments only",
        "@pytest.mark.lambda_function: timeout 5000: Lambda allows 1 to 900 seconds",
        "@pytest.mark.lambda_function: unknown option(s) memory; allowed: memory_size, name",
    ):
        assert expected in output
    assert "During handling of the above exception" not in output
    assert "KeyError" not in result.stdout.str() and "TypeError" not in result.stdout.str()


def test_factory_attributes_sources_and_unknown_ids(pytester):
    pytester.makepyfile(
        """
        import pytest
        from pytest_lambda_events import UnknownSourceError

        def test_factory(lambda_events):
            assert "sqs" in lambda_events.sources
            assert lambda_events.sqs(count=2) != lambda_events.sqs(count=2)  # n-th draws differ
            assert lambda_events.build("sqs", seed=7) == lambda_events.build("sqs", seed=7)
            with pytest.raises(UnknownSourceError, match="did you mean 'sqs'"):
                lambda_events.sqss
            assert not hasattr(lambda_events, "nope")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_context_fixture_follows_the_lambda_function_marker(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.lambda_function(name="orders", timeout=30, memory_size=512)
        def test_context(lambda_context):
            assert lambda_context.function_name == "orders"
            assert lambda_context.memory_limit_in_mb == "512"
            assert 29_000 < lambda_context.get_remaining_time_in_millis() <= 30_000
            assert lambda_context.invoked_function_arn == (
                "arn:aws:lambda:ap-south-1:111122223333:function:orders")
        """
    )
    result = pytester.runpytest("--lambda-region=ap-south-1", "--lambda-account-id=111122223333")
    result.assert_outcomes(passed=1)


def test_header_prints_the_seed_given_or_chosen(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest("--lambda-events-seed=1234")
    result.stdout.fnmatch_lines([
        "lambda-events: seed 1234 (reproduce with --lambda-events-seed=1234), "
        "region us-east-1, account 123456789012"
    ])  # fmt: skip
    pytester.makeini("[pytest]\nlambda_events_seed = 77\nlambda_region = eu-west-3\n")
    pytester.runpytest().stdout.fnmatch_lines(["lambda-events: seed 77 *region eu-west-3*"])
    pytester.makeini("[pytest]\nlambda_events_seed = abc\n")
    result = pytester.runpytest()
    result.stderr.fnmatch_lines(["*ini lambda_events_seed must be an integer, not 'abc'*"])


def test_region_and_account_options_reach_the_events(pytester):
    pytester.makepyfile(
        """
        def test_arn(sqs_event):
            arn = sqs_event["Records"][0]["eventSourceARN"]
            assert arn.startswith("arn:aws:sqs:eu-north-1:444455556666:")
        """
    )
    result = pytester.runpytest("--lambda-region=eu-north-1", "--lambda-account-id=444455556666")
    result.assert_outcomes(passed=1)


def test_a_failing_test_reports_the_seeds_to_reproduce_it(pytester):
    pytester.makepyfile("def test_fails(sqs_event):\n    assert False\n")
    result = pytester.runpytest("--lambda-events-seed=31")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*- lambda-events -*",
        "base seed 31, this test's seed *; reproduce with --lambda-events-seed=31",
    ])  # fmt: skip


def test_a_conftest_in_a_subfolder_registers_a_source_with_fixture_and_marker(pytester):
    sub = pytester.mkpydir("billing")
    sub.joinpath("conftest.py").write_text(
        """
from pytest_lambda_events import EventSource, Option

def build_invoice(ctx, o):
    return {"invoiceId": o.invoice_id or ctx.uuid(), "region": ctx.region,
            "arn": ctx.arn("billing", "invoice/x")}

def pytest_lambda_events_register_sources(registry):
    registry.register(EventSource(
        id="invoice", service="Billing", invocation="async", builder=build_invoice,
        options=(Option("invoice_id", str, "the invoice id"),)))
"""
    )
    sub.joinpath("test_invoice.py").write_text(
        """
import pytest

@pytest.mark.invoice(invoice_id="INV-1")
def test_marker_configures_the_fixture(invoice_event):
    assert invoice_event["invoiceId"] == "INV-1"
    assert invoice_event["arn"].startswith("arn:aws:billing:us-east-1:123456789012:")

def test_factory_knows_it(lambda_events):
    assert "invoice" in lambda_events.sources
    assert lambda_events.invoice()["region"] == "us-east-1"
"""
    )
    result = pytester.runpytest("--strict-markers", "-m", "invoice or not invoice")
    result.assert_outcomes(passed=2)


def test_event_built_hook_may_modify_events(pytester):
    pytester.makeconftest(
        """
        def pytest_lambda_events_event_built(source, event):
            if source == "sqs":
                for record in event["Records"]:
                    record["attributes"]["AWSTraceHeader"] = "Root=1-00000000-" + "0" * 24
        """
    )
    pytester.makepyfile(
        """
        def test_traced(sqs_event, lambda_events):
            for event in (sqs_event, lambda_events.sqs()):
                assert event["Records"][0]["attributes"]["AWSTraceHeader"].startswith("Root=1-")
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_disabling_the_plugin_removes_its_fixtures(pytester):
    pytester.makepyfile("def test_x(sqs_event): pass")
    pytester.runpytest("-p", "no:lambda_events").assert_outcomes(errors=1)


DUMP_TESTS = """
import json, pathlib, pytest

OUT = pathlib.Path({out!r})

def _dump(name, event):
    OUT.joinpath(name).write_text(json.dumps(event, sort_keys=True))

@pytest.mark.parametrize("n", range(4))
def test_param(n, sqs_event, lambda_events):
    _dump(f"param{{n}}", [sqs_event, lambda_events.sqs(count=2), lambda_events.build("sqs")])

@pytest.mark.sqs(fifo=True, count=3)
def test_fifo(sqs_event):
    _dump("fifo", sqs_event)

class TestClass:
    def test_method(self, lambda_events):
        _dump("method", lambda_events.sqs(count=5))
"""


def _run_and_collect(pytester, tmp_path_factory, *args, with_result=False):
    out = tmp_path_factory.mktemp("events")
    pytester.makepyfile(test_dump=DUMP_TESTS.format(out=str(out)))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=6)
    events = {p.name: json.loads(p.read_text()) for p in sorted(out.iterdir())}
    return (events, result) if with_result else events


def test_same_seed_same_events_across_runs_and_orders(pytester, tmp_path_factory):
    serial = _run_and_collect(pytester, tmp_path_factory, "--lambda-events-seed=5")
    again = _run_and_collect(pytester, tmp_path_factory, "--lambda-events-seed=5", "-p", "randomly")
    other = _run_and_collect(pytester, tmp_path_factory, "--lambda-events-seed=6")
    assert len(serial) == 6 and serial == again
    assert all(serial[name] != other[name] for name in serial)


def test_xdist_workers_build_the_same_events_as_a_serial_run(pytester, tmp_path_factory):
    serial = _run_and_collect(
        pytester, tmp_path_factory, "--lambda-events-seed=9", "-p", "no:xdist"
    )
    parallel = _run_and_collect(pytester, tmp_path_factory, "--lambda-events-seed=9", "-n", "2")
    assert parallel == serial


def test_xdist_workers_share_the_seed_the_controller_chose(pytester, tmp_path_factory):
    parallel, result = _run_and_collect(
        pytester, tmp_path_factory, "-n", "2", "-p", "no:randomly", with_result=True
    )
    header = next(line for line in result.outlines if line.startswith("lambda-events: seed "))
    chosen = header.split()[2]
    serial = _run_and_collect(pytester, tmp_path_factory, f"--lambda-events-seed={chosen}")
    assert parallel == serial


def test_pytest_randomly_seed_is_the_base_seed_when_none_is_given(pytester):
    pytester.makepyfile("def test_x(): pass")
    result = pytester.runpytest_subprocess("-p", "randomly", "--randomly-seed=4242")
    result.stdout.fnmatch_lines(["lambda-events: seed 4242 *"])


@pytest.mark.parametrize("flag", [[], ["-p", "no:randomly"]])
def test_randomly_on_or_off_gives_the_same_events_for_the_same_seed(
    pytester, tmp_path_factory, flag
):
    base = _run_and_collect(
        pytester, tmp_path_factory, "--lambda-events-seed=3", "-p", "no:randomly"
    )
    assert _run_and_collect(pytester, tmp_path_factory, "--lambda-events-seed=3", *flag) == base
