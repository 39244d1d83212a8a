"""Event builds against ``json.loads`` in instructions, counted by valgrind: a stable cross-check
of ``bench_events.py`` for a machine too busy to time (needs valgrind; ~10 s per source).

Run: ``python benchmarks/instructions.py [SOURCE ...] [--jobs N]``. For each source, three child
processes build the same 100 seeds' events first (so imports and caches are warm), then do
nothing more, build them all again, or ``json.loads`` their JSON; the differences divided by 100
are the instructions per build and per parse. The hash seed is fixed, so a count repeats to a
few hundred instructions. Instructions are not time: an interpreter's Python code runs fewer
instructions per cycle than json's C parser, so a time ratio runs 1.1-1.8x the instruction
ratio. The goals (10-record SQS at most 2x, every other source at most 3x) are time goals.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

from _table import Figure, render

CALLS = 100
CHILD = """
import gc, json, sys
from pytest_lambda_events import build_event
source, mode, calls = sys.argv[1], sys.argv[2], int(sys.argv[3])
overrides = {"count": 10} if source == "sqs" else {}
texts = [json.dumps(build_event(source, seed=seed, **overrides)) for seed in range(calls)]
gc.disable()
if mode == "build":
    for seed in range(calls):
        build_event(source, seed=seed, **overrides)
elif mode == "loads":
    for text in texts:
        json.loads(text)
"""


def instructions(source: str, mode: str) -> int:
    """Instructions of one child process (``mode``: none, build or loads)."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        counted = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out",
             sys.executable, "-c", CHILD, source, mode, str(CALLS)],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    found = re.search(r"Collected : (\d+)", counted.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from valgrind: {counted.stderr[-500:]}")
    return int(found.group(1))


def figure(source: str) -> Figure:
    base = instructions(source, "none")
    build = (instructions(source, "build") - base) / CALLS
    loads = (instructions(source, "loads") - base) / CALLS
    name = "build a 10-record SQS event" if source == "sqs" else f"build one {source} event"
    goal = 2.0 if source == "sqs" else 3.0
    return Figure(name, build / 1e3, loads / 1e3, "k instr", goal, baseline_name="json.loads")


def main() -> int:
    from pytest_lambda_events import source_ids

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", nargs="*", help="source ids (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    with ThreadPoolExecutor(args.jobs) as pool:
        figures = list(pool.map(figure, args.sources or source_ids()))
    print(render(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
