"""Cost of the real-runtime mode (issue 9): an invocation under awslambdaric in a subprocess,
served the Runtime API over 127.0.0.1, against the same invocation in-process.

Run: ``python benchmarks/bench_ric.py [--invocations 500]``. Figures: the warm invocation
(median of rounds of ``invocations`` calls, wall time: the work is split between two
processes), and the cold start (a new execution environment: Python, awslambdaric, freezegun
and the handler's module, up to its first answer). Reference figures, with no goal: the issue
asks that the cost be documented.
"""

from __future__ import annotations

import argparse
import statistics

import _table
from _table import Figure, wall

from pytest_lambda_events.world import Harness

HANDLER = "bench_ric_handler.handler"


def per_invocation_us(runtime: str, invocations: int, rounds: int) -> float:
    h = Harness(seed=1, runtime=runtime)
    try:
        fn = h.function(HANDLER, name="bench")
        fn.invoke({"warm": True})
        samples = []
        for _ in range(rounds):
            started = wall()
            for n in range(invocations):
                fn.invoke({"n": n})
            samples.append((wall() - started) / invocations * 1e6)
    finally:
        h.close()
    return statistics.median(samples)


def cold_start_ms(starts: int) -> float:
    samples = []
    for n in range(starts):
        h = Harness(seed=n, runtime="ric")
        try:
            fn = h.function(HANDLER, name="bench")
            started = wall()
            fn.invoke({})
            samples.append((wall() - started) * 1e3)
        finally:
            h.close()
    return statistics.median(samples)


def figures(quick: bool = False, invocations: int = 500) -> list[Figure]:
    count, rounds, starts = (100, 3, 3) if quick else (invocations, 5, 7)
    ric = per_invocation_us("ric", count, rounds)
    in_process = per_invocation_us("in-process", count, rounds)
    return [
        Figure("invocation under awslambdaric (warm)", ric, in_process, "us", None,
               baseline_name="the same invocation in-process"),
        Figure("cold start of a real-runtime environment", cold_start_ms(starts), None, "ms",
               None, kind="absolute", baseline_name="median first invocation"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--invocations", type=int, default=500)
    args = parser.parse_args()
    print(_table.render(figures(invocations=args.invocations)))


if __name__ == "__main__":
    main()
