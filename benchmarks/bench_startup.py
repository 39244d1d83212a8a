"""Start-up cost, measured as whole processes (issue 8).

Run: ``python benchmarks/bench_startup.py`` (about 20 s; ``--instructions`` adds instruction
counts under valgrind, a few minutes). Two figures:

* ``python -m pytest_lambda_events generate sqs`` against ``python -c "import json"``, as a ratio;
* pytest running one trivial test with the plugin installed but unused, against the same run
  with ``-p no:lambda_events``, in added milliseconds (``-p no:faker`` on both sides, so Faker's
  own pytest plugin does not drown the figure).

Both sides run with bytecode: this machine sets ``PYTHONDONTWRITEBYTECODE=1``, while an installed
package always has its ``.pyc`` files, so the subprocesses run without it and each command runs
once to warm the cache before timing.

A run's time is the CPU time of the child process (user + system, from ``os.wait4``), not its
wall time: on a shared 2-core machine a process waits for a core for a varying, often large,
part of its wall time, which is not start-up cost (where ``os.wait4`` is missing, wall time is
used). The two sides alternate (and swap order every round). For the CLI ratio each side keeps
its minimum: start-up is fixed work and every disturbance only adds time. The pytest figure is
a small difference between two large numbers (a trivial pytest run is ~2 billion instructions
with the plugins installed here, the plugin ~30 million), so it is the median of the
differences of adjacent runs: a slow phase of the machine slows both runs of a pair, and the
median drops the pairs a disturbance split. Even so, the instruction counts
(``--instructions``, deterministic with a fixed hash seed) are the figure to trust on a busy
machine, at roughly 3 instructions per nanosecond on the development machine.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import _table
from _table import Figure, wall

Command = Sequence[str]
CLI = [sys.executable, "-m", "pytest_lambda_events", "generate", "sqs", "--seed", "1"]
BARE = [sys.executable, "-c", "import json"]
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:faker", "test_trivial.py"]
PYTEST_WITHOUT = [*PYTEST, "-p", "no:lambda_events"]


def _env() -> dict[str, str]:
    """The caller's environment with bytecode allowed and no pytest options leaking in."""
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        env.pop(name, None)
    return env


def _seconds(command: Command, cwd: Path, env: dict[str, str]) -> float:
    """CPU seconds of one run of ``command`` (wall seconds where ``os.wait4`` is missing)."""
    start = wall()
    child = subprocess.Popen(command, cwd=cwd, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    if not hasattr(os, "wait4"):
        child.wait()
        cpu = wall() - start
    else:
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        cpu = usage.ru_utime + usage.ru_stime
    if child.returncode != 0:
        raise subprocess.CalledProcessError(child.returncode, command)
    return cpu


def alternating(
    measured: Command, baseline: Command, runs: int, cwd: Path
) -> tuple[list[float], list[float]]:
    """The seconds of each command in ``runs`` alternating rounds, after a warm-up."""
    env = _env()
    for command in (measured, baseline):
        _seconds(command, cwd, env)
    times: tuple[list[float], list[float]] = ([], [])
    for n in range(runs):
        order = (0, 1) if n % 2 == 0 else (1, 0)
        for side in order:
            times[side].append(_seconds((measured, baseline)[side], cwd, env))
    return times


def best_of_alternating(
    measured: Command, baseline: Command, runs: int, cwd: Path
) -> tuple[float, float]:
    """The minimum seconds of each command over ``runs`` alternating rounds."""
    times = alternating(measured, baseline, runs, cwd)
    return min(times[0]), min(times[1])


def paired_added(measured: Command, baseline: Command, runs: int, cwd: Path) -> tuple[float, float]:
    """The baseline's minimum seconds, and the median over rounds of measured - baseline."""
    times = alternating(measured, baseline, runs, cwd)
    return min(times[1]), statistics.median(a - b for a, b in zip(*times, strict=True))


def _in(tmp: str) -> Path:
    cwd = Path(tmp)
    (cwd / "test_trivial.py").write_text("def test_trivial():\n    assert True\n")
    return cwd


def figures(quick: bool = False) -> list[Figure]:
    """Both start-up figures; ``quick`` takes fewer rounds (about 5 s instead of about 25 s)."""
    with tempfile.TemporaryDirectory() as tmp:
        cwd = _in(tmp)
        cli, bare = best_of_alternating(CLI, BARE, 5 if quick else 20, cwd)
        without, added = paired_added(PYTEST, PYTEST_WITHOUT, 3 if quick else 15, cwd)
    return [
        Figure("CLI `generate sqs`, whole process", cli * 1e3, bare * 1e3, "ms", 2.5,
               baseline_name='python -c "import json"'),
        Figure("pytest start-up, plugin installed but unused", (without + added) * 1e3,
               without * 1e3, "ms", 10, kind="added", baseline_name="-p no:lambda_events"),
    ]  # fmt: skip


def instructions(command: Command, cwd: Path) -> int:
    """Instructions one run of ``command`` executes, counted by valgrind's callgrind."""
    env = {**_env(), "PYTHONHASHSEED": "0"}  # the same dict layouts, so the same count each run
    subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)  # warm the cache
    counted = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *command],
        cwd=cwd, env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    found = re.search(r"Collected : (\d+)", counted.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {counted.stderr[-500:]}")
    return int(found.group(1))


def main() -> None:
    print(_table.render(figures()))
    if "--instructions" in sys.argv[1:]:
        with tempfile.TemporaryDirectory() as tmp:
            cwd = _in(tmp)
            cli, bare = instructions(CLI, cwd), instructions(BARE, cwd)
            run, without = instructions(PYTEST, cwd), instructions(PYTEST_WITHOUT, cwd)
        print(f"instructions: CLI {cli / 1e6:.1f} M / bare {bare / 1e6:.1f} M = {cli / bare:.2f}x")
        print(f"instructions: pytest {run / 1e6:.1f} M - {without / 1e6:.1f} M (without) = "
              f"{(run - without) / 1e6:+.1f} M")  # fmt: skip


if __name__ == "__main__":
    main()
