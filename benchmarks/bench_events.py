"""Event-building speed against ``json.loads`` of the same event's JSON.

Run: ``python benchmarks/bench_events.py``. Prints one row per figure: the build time, the
baseline measured in the same process, their ratio and the goal (issue 2: a 10-record SQS event
should cost no more than about 2x json.loads of its JSON). Not a test: it never fails a build.
"""

from __future__ import annotations

import json
import statistics
import sys
import timeit
from collections.abc import Callable

from pytest_lambda_events import build_event, source_ids


def _best_us(fn: Callable[[], object], number: int) -> float:
    runs = timeit.repeat(fn, number=number, repeat=7)
    return min(runs) / number * 1e6


def measure(source: str, goal: float, **overrides: object) -> tuple[float, float, float]:
    event = build_event(source, seed=1, **overrides)
    text = json.dumps(event)
    seeds = iter(range(10**9))
    build_us = _best_us(lambda: build_event(source, seed=next(seeds), **overrides), 500)
    loads_us = _best_us(lambda: json.loads(text), 500)
    return build_us, loads_us, build_us / loads_us


def main() -> int:
    rows = [("sqs, 10 records", "sqs", 2.0, {"count": 10})]
    rows += [(f"{sid}, 1 event", sid, 3.0, {}) for sid in source_ids() if sid != "sqs"]
    print(f"{'figure':<32} {'build µs':>9} {'loads µs':>9} {'ratio':>6} {'goal':>5}  verdict")
    ratios = []
    for label, source, goal, overrides in rows:
        build_us, loads_us, ratio = measure(source, goal, **overrides)
        ratios.append(ratio)
        verdict = "ok" if ratio <= goal else "over"
        print(f"{label:<32} {build_us:9.1f} {loads_us:9.1f} {ratio:6.2f} {goal:5.1f}  {verdict}")
    print(f"median ratio {statistics.median(ratios):.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
