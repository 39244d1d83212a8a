"""Wall time of the async failure flow: 3 attempts (t, t+60 s, t+180 s), then the DLQ.

Run: ``python benchmarks/bench_async.py [--runs 50]``. Virtual time moves 3 minutes; wall time
should be milliseconds (issue 8's goal: <= 5 ms for the whole flow). The figure is the median
of ``runs`` flows, each in a new harness: the queue, the function, its async config, the
``invoke_async`` and ``h.run()`` (3 invocations, 2 retries, the DLQ message). Starting the
harness (freezegun's start, once per test) is not part of the flow; ``main`` prints it below
the table.
"""

from __future__ import annotations

import argparse
import statistics

import _table
from _table import Figure, wall

from pytest_lambda_events.world import Harness


def failing(event: object, context: object) -> None:
    raise RuntimeError("poison")


def flow_ms(runs: int) -> tuple[list[float], list[float]]:
    """Per run: the flow's wall milliseconds, and the harness start's."""
    samples, starts = [], []
    for n in range(runs):
        t0 = wall()
        h = Harness(seed=n)
        t1 = wall()
        dlq = h.sqs_queue("dlq")
        fn = h.function(failing, name="orders")
        fn.configure_async(dead_letter_queue=dlq)
        delivery = fn.invoke_async({"order": n})
        h.run()
        t2 = wall()
        h.close()
        assert delivery.attempts == 3 and len(dlq.messages) == 1
        samples.append((t2 - t1) * 1e3)
        starts.append((t1 - t0) * 1e3)
    return samples, starts


def figures(quick: bool = False, runs: int = 50) -> list[Figure]:
    """The async failure figure; ``quick`` takes the median of 10 runs."""
    return [_figure(flow_ms(10 if quick else runs)[0])]


def _figure(samples: list[float]) -> Figure:
    median = statistics.median(samples)
    return Figure("async failure with 2 retries and DLQ", median, None, "ms", 5, kind="absolute",
                  baseline_name="median wall time of the whole flow")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    samples, starts = flow_ms(args.runs)
    print(_table.render([_figure(samples)]))
    print(f"harness start (not in the flow, once per test): {statistics.median(starts):.3f} ms")


if __name__ == "__main__":
    main()
