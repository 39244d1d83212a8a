"""Event-building speed against ``json.loads`` of the same event's JSON.

Run: ``python benchmarks/bench_events.py [SOURCE ...]``. One row per figure: the time to build
an event with the public builder (``build_event(source, seed=n)``, a fresh seed each time, as
each test's events get), against ``json.loads`` of the JSON of the same seeds' events, timed
alternately in the same process (CPU time), best of 25 short rounds each: on a shared machine
the minimum of many short rounds finds the quiet moments that a few long rounds miss. Goals
(issue 8): a 10-record SQS event at most 2x, one event of every other source at most 3x.
"""

from __future__ import annotations

import json
import sys
import timeit
from collections.abc import Callable

from _table import Figure, cpu, render

from pytest_lambda_events import build_event, source_ids

ROUNDS = 25


def _per_call_us(loop: Callable[[], object], calls: int) -> float:
    return timeit.timeit(loop, timer=cpu, number=1) / calls * 1e6


def measure(source: str, number: int, **overrides: object) -> tuple[float, float]:
    """Microseconds to build one event, and to ``json.loads`` its JSON: the same ``number``
    seeds on both sides (a source's variants differ in size), best of ``ROUNDS`` rounds each."""
    seeds = range(number)
    texts = [json.dumps(build_event(source, seed=seed, **overrides)) for seed in seeds]

    def build_all() -> None:
        for seed in seeds:
            build_event(source, seed=seed, **overrides)

    def load_all() -> None:
        for text in texts:
            json.loads(text)

    build_us = loads_us = float("inf")
    for _ in range(ROUNDS):  # alternate, so a busy moment slows both sides
        build_us = min(build_us, _per_call_us(build_all, number))
        loads_us = min(loads_us, _per_call_us(load_all, number))
    return build_us, loads_us


def figures(quick: bool = False, only: list[str] | None = None) -> list[Figure]:
    number = 20 if quick else 100
    rows: list[tuple[str, str, float, dict[str, object]]] = [
        ("build a 10-record SQS event", "sqs", 2.0, {"count": 10})
    ]
    rows += [(f"build one {sid} event", sid, 3.0, {}) for sid in source_ids() if sid != "sqs"]
    result = []
    for name, source, goal, overrides in rows:
        if only and source not in only:
            continue
        build_us, loads_us = measure(source, number, **overrides)
        result.append(Figure(name, build_us, loads_us, "µs", goal, baseline_name="json.loads"))
    return result


def main() -> int:
    print(render(figures(only=sys.argv[1:] or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
