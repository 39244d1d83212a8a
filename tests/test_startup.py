"""Start-up stays cheap (issue 8): a pytest run that does not use the plugin imports none of the
builders, and the command line imports neither pytest nor pluggy."""

import subprocess
import sys

import pytest

from pytest_lambda_events import building, cli, plugin


def test_the_plugins_copies_of_the_defaults_agree_with_the_builders():
    assert (plugin.DEFAULT_REGION, plugin.DEFAULT_ACCOUNT_ID) == (
        building.DEFAULT_REGION,
        building.DEFAULT_ACCOUNT_ID,
    )


def test_the_plugins_copy_of_the_runtime_modes_agrees_with_the_invokers():
    from pytest_lambda_events import context

    assert plugin.RUNTIME_MODES == context.RUNTIME_MODES


def test_a_run_that_uses_no_fixture_imports_no_builder(pytester):
    pytester.makepyfile(
        """
        import sys

        def test_unused():
            loaded = {m.removeprefix("pytest_lambda_events.") for m in sys.modules
                      if m.startswith("pytest_lambda_events.")}
            heavy = {"building", "aws", "context", "events", "world", "flows", "faker_provider",
                     "registry"}
            assert not loaded & heavy
            assert not {m for m in loaded if m.startswith("sources.") and "._" not in m}
            assert not {m for m in sys.modules if m.split(".")[0] in ("faker", "freezegun")}
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:faker")
    result.assert_outcomes(passed=1)


def test_the_command_line_imports_neither_pytest_nor_pluggy():
    code = (
        "import sys\n"
        "from pytest_lambda_events.cli import main\n"
        "main(['generate', 'sqs', '--seed', '1'])\n"
        "print(sorted(m for m in ('pytest', '_pytest', 'pluggy') if m in sys.modules), "
        "file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["docs", "out"],
        ["generate", "sqs"],
        ["generate", "sqs", "--seed", "3", "--set", "a=1", "--set", "b=2", "--indent", "0"],
        ["generate", "s3", "--options", "--count", "2", "--region", "eu-west-1"],
    ],
)
def test_a_commands_own_parser_reads_arguments_as_the_whole_command_line_does(argv):
    assert cli.parse_args(argv) == cli._parser().parse_args(argv)
