"""Event-building speed against ``json.loads`` of the same event's JSON.

Run: ``python benchmarks/bench_events.py [SOURCE ...]``. One row per figure: the time to build
an event with the public builder (``build_event(source, seed=n)``, a fresh seed each time, as
each test's events get), against ``json.loads`` of the JSON of the same seeds' events, timed
alternately in the same process (CPU time), best of 25 short rounds each, the figures taking
five turns of five rounds: on a shared machine the minimum of many short rounds spread over
the whole run finds the quiet moments that a few long rounds miss. Goals
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
VISITS = 5  # turns each row takes, ROUNDS // VISITS rounds at a time


def _per_call_us(loop: Callable[[], object], calls: int) -> float:
    return timeit.timeit(loop, timer=cpu, number=1) / calls * 1e6


class _Row:
    """One figure's two loops: building ``number`` seeds' events, and ``json.loads`` of their
    JSON (the same seeds on both sides: a source's variants differ in size)."""

    def __init__(self, source: str, number: int, overrides: dict[str, object]) -> None:
        seeds = range(number)
        texts = [json.dumps(build_event(source, seed=seed, **overrides)) for seed in seeds]

        def build_all() -> None:
            for seed in seeds:
                build_event(source, seed=seed, **overrides)

        def load_all() -> None:
            for text in texts:
                json.loads(text)

        self.number, self.build_all, self.load_all = number, build_all, load_all
        self.build_us = self.loads_us = float("inf")

    def round(self) -> None:
        """One round of both loops, one after the other: a busy moment slows both."""
        self.build_us = min(self.build_us, _per_call_us(self.build_all, self.number))
        self.loads_us = min(self.loads_us, _per_call_us(self.load_all, self.number))


def measure(rows: list[_Row]) -> None:
    """``ROUNDS`` rounds of every row, in ``VISITS`` turns: a row's rounds are spread over the
    whole run, so a slow spell of the machine (they last longer than one row's rounds would)
    cannot cover all of them, and each turn runs a few rounds, so the caches the other rows
    used are warm again for the best one."""
    for _ in range(VISITS):
        for row in rows:
            for _ in range(ROUNDS // VISITS):
                row.round()


def figures(quick: bool = False, only: list[str] | None = None) -> list[Figure]:
    number = 20 if quick else 100
    specs: list[tuple[str, str, float, dict[str, object]]] = [
        ("build a 10-record SQS event", "sqs", 2.0, {"count": 10})
    ]
    specs += [(f"build one {sid} event", sid, 3.0, {}) for sid in source_ids() if sid != "sqs"]
    specs = [spec for spec in specs if not only or spec[1] in only]
    rows = [_Row(source, number, overrides) for _, source, _, overrides in specs]
    measure(rows)
    return [
        Figure(name, row.build_us, row.loads_us, "µs", goal, baseline_name="json.loads")
        for (name, _, goal, _), row in zip(specs, rows, strict=True)
    ]


def main() -> int:
    print(render(figures(only=sys.argv[1:] or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
