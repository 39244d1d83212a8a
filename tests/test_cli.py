"""``python -m pytest_lambda_events list|generate``."""

import json
import subprocess
import sys

from pytest_lambda_events import build_event, source_ids
from pytest_lambda_events.cli import main


def test_list_prints_every_source_with_its_invocation_type(capsys):
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == source_ids()
    assert any(line.split()[:2] == ["sqs", "poll"] for line in lines)


# the catalogue of reference/sources.md: every event source Lambda supports
CATALOGUE = (
    "alb", "alexa", "api_gateway", "api_gateway_authorizer", "api_gateway_v2",
    "api_gateway_websocket", "appsync", "cloudformation", "cloudfront", "cloudwatch_alarm",
    "cloudwatch_logs", "codecommit", "codepipeline", "cognito_sync", "cognito_user_pool",
    "config", "connect", "custom", "documentdb", "dynamodb", "eventbridge", "firehose",
    "function_url", "iot", "iot_button", "kafka", "kinesis", "lex", "lex_v2", "mq", "msk",
    "rabbitmq", "s3", "s3_batch", "s3_eventbridge", "s3_object_lambda", "scheduled",
    "scheduler", "secrets_manager", "ses", "sns", "sqs", "step_functions", "vpc_lattice",
)  # fmt: skip


def test_list_shows_all_44_sources_and_generate_works_for_each(capsys):
    assert len(CATALOGUE) == 44
    main(["list"])
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(CATALOGUE)
    for source_id in CATALOGUE:
        assert main(["generate", source_id, "--seed", "4", "--indent", "0"]) == 0
        assert json.loads(capsys.readouterr().out) == build_event(source_id, seed=4)


def test_generate_prints_the_same_event_as_build_event(capsys):
    assert main(["generate", "sqs", "--seed", "9", "--count", "2", "--set", "body=hi there"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == build_event("sqs", seed=9, count=2, body="hi there")


def test_set_values_are_json_when_they_parse_and_text_for_text_fields(capsys):
    argv = ["generate", "sqs", "--seed", "1", "--set", "fifo=true", "--set", "group_id=42",
            "--set", "receive_count=4", "--set", "body=[1]"]  # fmt: skip
    assert main(argv) == 0
    attrs = json.loads(capsys.readouterr().out)["Records"][0]
    assert attrs["attributes"]["MessageGroupId"] == "42"
    assert attrs["attributes"]["ApproximateReceiveCount"] == "4"
    assert attrs["body"] == "[1]"


def test_without_seed_the_seed_used_is_printed_on_stderr(capsys):
    assert main(["generate", "sqs"]) == 0
    captured = capsys.readouterr()
    seed = int(captured.err.split("seed: ")[1])
    assert json.loads(captured.out) == build_event("sqs", seed=seed)


def test_errors_are_one_line_with_exit_code_2(capsys):
    assert main(["generate", "sqsx"]) == 2
    assert "error: unknown event source 'sqsx' (did you mean 'sqs'?)" in capsys.readouterr().err
    assert main(["generate", "sqs", "--set", "bodyy=x"]) == 2
    assert "did you mean 'body'?" in capsys.readouterr().err
    assert main(["generate", "sqs", "--set", "novalue"]) == 2
    assert "write FIELD=VALUE" in capsys.readouterr().err
    assert main(["generate", "sqs", "--count", "10001"]) == 2
    assert "count: 10001 is above AWS's maximum 10,000" in capsys.readouterr().err


def test_options_lists_a_sources_overrides(capsys):
    assert main(["generate", "sqs", "--options"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"count", "body", "fifo", "region", "time"} <= set(names)


def test_module_entry_point_runs_without_pytest_or_faker():
    code = (
        "import runpy, sys; sys.argv = ['x', 'generate', 'sqs', '--seed', '3'];\n"
        "try:\n    runpy.run_module('pytest_lambda_events', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print(sorted(m for m in ('pytest', 'faker', 'freezegun') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
    result = subprocess.run(
        [sys.executable, "-m", "pytest_lambda_events", "generate", "sqs", "--seed", "3"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(result.stdout) == build_event("sqs", seed=3)
