"""The README's Quick start is what CI runs: two commands, the examples, then the suite."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = ROOT.joinpath("README.md").read_text()
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the Quick start section starts with a bash code block"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_two_commands_examples_first():
    first, second = _quick_start_commands()
    assert first.endswith("python -m pytest examples")
    assert 'install -e ".[test]"' in second


def test_ci_runs_the_quick_start_commands_verbatim():
    ci = ROOT.joinpath(".ci", "run").read_text().splitlines()
    for command in _quick_start_commands():
        assert command in ci
