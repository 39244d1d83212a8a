"""One virtual year of an EventBridge rule ``rate(1 minute)``: the harness against a bare loop.

Run: ``python benchmarks/bench_schedules.py [--days 365] [--repeat 1]`` (with ``--repeat N`` the
sides alternate N times and each keeps its best time, for a noisy machine).

Three timings of the same 525,600 calls of the same trivial handler (it counts them):

* harness: ``h.schedule("rate(1 minute)", h.function(handler, name=...), name=RULE)`` then
  ``h.advance(days=365)``: each firing builds the "Scheduled Event", invokes the function
  asynchronously (request id, context, trace header, Lambda environment) and records the fire
  time, the event, the delivery and the invocation.
* builder loop (the figure's baseline, one definition for every poll/schedule figure): the event
  built as a test without the harness builds it, with the plugin's public builder
  ``build_event("scheduled", seed=i, time=<that minute>, rule_name=RULE)``, and the handler
  called with it. Goal: the harness at most 3x this.
* hand-built floor (reference): a dict literal with a fresh uuid and the formatted time, the
  least any Python code could spend on this event. The second row shows how far the harness is
  from it, for reference (the harness does an asynchronous invocation's bookkeeping, which a
  dict literal does not).

Timed in CPU seconds (``_table.cpu``).
"""

from __future__ import annotations

import argparse
import gc
import random
from datetime import UTC, datetime, timedelta
from typing import Any

import _table
from _table import Figure, cpu

from pytest_lambda_events import aws, build_event
from pytest_lambda_events.world import Harness

RULE = "every-minute"
START = datetime(2026, 1, 1, tzinfo=UTC)
RULE_ARN = f"arn:aws:events:us-east-1:123456789012:rule/{RULE}"
_MINUTE = timedelta(minutes=1)


class Counter:
    """The trivial handler: counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, event: dict[str, Any], context: object) -> None:
        self.calls += 1


def harness_run(days: float) -> float:
    """Seconds for ``h.advance(days=days)`` with one ``rate(1 minute)`` rule."""
    handler = Counter()
    with Harness(seed=1, start=START) as h:
        h.schedule("rate(1 minute)", h.function(handler, name="tick"), name=RULE)
        gc.collect()  # no garbage of earlier runs left for the collector to find meanwhile
        t0 = cpu()
        h.advance(days=days)
        seconds = cpu() - t0
    assert handler.calls == round(days * 1440), handler.calls
    return seconds


def builder_loop(days: float) -> float:
    """Seconds to build each minute's event with ``build_event`` and call the handler."""
    handler, context, n = Counter(), object(), round(days * 1440)
    times = [START + _MINUTE * (i + 1) for i in range(n)]
    gc.collect()
    t0 = cpu()
    for i, when in enumerate(times):
        handler(build_event("scheduled", seed=i, time=when, rule_name=RULE), context)
    seconds = cpu() - t0
    assert handler.calls == n
    return seconds


def floor_loop(days: float) -> float:
    """Seconds to hand-build each minute's event as a dict literal and call the handler."""
    handler, context, n = Counter(), object(), round(days * 1440)
    times = [START + _MINUTE * (i + 1) for i in range(n)]
    rng = random.Random(1)
    gc.collect()
    t0 = cpu()
    for when in times:
        event = {
            "version": "0", "id": aws.uuid4(rng), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": "123456789012",
            "time": f"{when:%Y-%m-%dT%H:%M:%S}Z", "region": "us-east-1",
            "resources": [RULE_ARN], "detail": {},
        }  # fmt: skip
        handler(event, context)
    seconds = cpu() - t0
    assert handler.calls == n
    return seconds


def figures(quick: bool = False, days: int = 365, repeat: int = 1) -> list[Figure]:
    """The year figure and the floor reference; ``quick`` runs 2 virtual days (under a second)."""
    if quick:
        days, repeat = 2, 1
    harness_s = builder_s = floor_s = float("inf")
    for _ in range(repeat):  # the sides alternate; each keeps its best time
        harness_s = min(harness_s, harness_run(days))
        builder_s = min(builder_s, builder_loop(days))
        floor_s = min(floor_s, floor_loop(days))
    span = "one virtual year" if days == 365 else f"{days} virtual days"
    loop = f"bare loop of {days * 1440:,} calls"
    return [
        Figure(f"{span} of rate(1 minute)", harness_s, builder_s, "s", 3,
               baseline_name=f"{loop}, build_event('scheduled')"),
        Figure("  the same run vs the hand-built floor", harness_s, floor_s, "s", None,
               baseline_name=f"{loop}, hand-built dict"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=1, help="runs of each; the best is kept")
    parser.add_argument("--quick", action="store_true", help="2 virtual days")
    args = parser.parse_args()
    print(_table.render(figures(args.quick, days=args.days, repeat=args.repeat)))


if __name__ == "__main__":
    main()
