"""The performance suite of issue 8: every figure against its baseline, as one table.

Run from the repository root: ``python benchmarks/run.py`` (about 1.7 minutes on a 2-core
machine; ``--quick`` runs smaller variants in ~20 s to check the scripts work, and its figures
are not the goals' figures). ``--only sqs events`` runs some groups. Exit status 0, or 1 with
``--strict`` when a figure misses its goal. Not part of the test run: timings belong here.

The event builds and the SQS flow run first, alone (~1 minute). The other groups run in
``--jobs`` processes at once (default: one per core, at most two), longest first: every figure
is a ratio of CPU times measured in one process (or of its child processes), so a group on the
other core changes it little, and they take half the wall time.

Each group is a ``bench_*.py`` module beside this file with ``figures(quick) -> list[Figure]``;
each can also be run alone for its own table.
"""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from _table import Figure, render, wall

GROUPS = {
    "events": "bench_events",  # event builders vs json.loads
    "startup": "bench_startup",  # the CLI process and pytest start-up
    "sqs": "bench_sqs",  # the SQS flow and its memory
    "streams": "bench_streams",  # the Kinesis flow
    "async": "bench_async",  # the asynchronous failure flow
    "schedules": "bench_schedules",  # a virtual year of rate(1 minute)
    "ric": "bench_ric",  # the real-runtime mode's cost per invocation and per cold start
}
# the order the groups start in: longest first, so that two processes finish together
LONGEST_FIRST = ("schedules", "startup", "streams", "async", "ric")
# groups run alone before the others: microsecond builds timed against json.loads lose their
# quiet rounds to a neighbour sharing the caches, and the SQS drain (100,000 messages kept for
# the ledger) its memory bandwidth
ALONE = ("events", "sqs")


def run_group(group: str, quick: bool) -> list[Figure]:
    module = importlib.import_module(GROUPS[group])
    started = wall()
    figures: list[Figure] = module.figures(quick=quick)
    print(f"  {group}: {wall() - started:.1f} s", file=sys.stderr, flush=True)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller runs (a smoke check)")
    parser.add_argument("--only", nargs="+", choices=sorted(GROUPS), help="run these groups")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a goal is missed")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1),
                        help="groups run at once (default: one per core, at most 2)")  # fmt: skip
    args = parser.parse_args(argv)
    quick = " (quick: smaller runs, not the goals' figures)" if args.quick else ""
    print(
        f"python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} cores"
        + quick
    )
    started = wall()
    chosen = set(args.only or GROUPS)
    results = {group: run_group(group, args.quick) for group in ALONE if group in chosen}
    order = [group for group in LONGEST_FIRST if group in chosen]
    with ProcessPoolExecutor(max(1, args.jobs)) as pool:
        done = pool.map(run_group, order, [args.quick] * len(order))
        results.update(zip(order, done, strict=True))
    figures = [figure for group in GROUPS if group in results for figure in results[group]]
    print(render(figures))
    missed = [f for f in figures if not f.passed]
    print(f"{len(figures)} figures, {len(missed)} over their goal, {wall() - started:.0f} s")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
