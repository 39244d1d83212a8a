"""Throughput of the Kinesis event source mapping: the harness against bare loops.

Run: ``python benchmarks/bench_streams.py [--records 100000] [--repeat 3] [--quick]`` (the
sides alternate ``--repeat`` times and each keeps its best CPU time, for a shared machine).

100,000 records on 4 shards, 1% poison, batch size 100, bisection on, max_retry_attempts=1.
Every side starts from the same payload strings (``json.dumps`` runs before any timer):

* harness flow: ``stream.put`` of every payload (timed apart, an info row), then ``h.run()``
  draining the stream: polling, batching, invokes, bisection, retries, the ledger.
* builder loop (the figure's baseline, one definition for the SQS and Kinesis flow figures):
  for each invocation the harness made, the same batch built as a test without the harness
  builds it, with the plugin's public builder ``build_event("kinesis", seed=i, data=<the
  payloads>, partition_keys=<their keys>, shard_id=<the shard>, stream_name=..., sequence_number=
  <the first record's>, invoke_identity_arn=<the mapping's role>)``, and the handler called.
  The builder cannot pin every record's sequence number or arrival time: the first sequence
  number is the harness's, the later ones grow by the builder's own random gaps, and arrival
  times come from the builder's clock. Goal: the flow at most 2x this.
* hand-built floor (reference): base64 of every payload once, then each batch's records made
  with ``kinesis_record`` from the harness's own values, and the handler called; the least any
  Python code could spend on these records. Compared with put + run, for reference.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gc
import json
import math
from dataclasses import dataclass
from typing import Any

import _table
from _table import Figure, cpu

from pytest_lambda_events import build_event
from pytest_lambda_events.sources.kinesis import kinesis_record
from pytest_lambda_events.world import Harness

STREAM = "bench"
SHARDS = 4

# one record of a batch: payload index, sequence number, arrival (epoch s), shard id
Slot = tuple[int, str, float, str]


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if order["poison"]:
            raise ValueError("poison record")


@dataclass
class Flow:
    """What one harness run measured and made: its timings and each invocation's batch."""

    put_s: float
    run_s: float
    batches: list[list[Slot]]
    failed: int
    role_arn: str
    region: str
    stream_arn: str


def inputs(count: int) -> tuple[list[str], list[str]]:
    """The payloads (1% poison) and partition keys every side uses."""
    payloads = [json.dumps({"i": i, "poison": i % 100 == 57}) for i in range(count)]
    return payloads, [f"k{i % 97}" for i in range(count)]


def harness_flow(payloads: list[str], keys: list[str]) -> Flow:
    """Put every payload, then drain the stream, timed apart; the batches the handler got."""
    with Harness(seed=1) as h:
        stream = h.kinesis_stream(STREAM, shards=SHARDS)
        fn = h.function(handler, name="bench")
        m = stream.subscribe(fn, batch_size=100, bisect_batch_on_function_error=True,
                             max_retry_attempts=1)  # fmt: skip
        gc.collect()  # no garbage of earlier runs left for the collector to find meanwhile
        t0 = cpu()
        stored = [stream.put(p, partition_key=k) for p, k in zip(payloads, keys, strict=True)]
        t1 = cpu()
        h.run()
        t2 = cpu()
        index = {(r.shard_id, r.sequence): i for i, r in enumerate(stored)}
        batches = [[_slot(r, index) for r in inv.event["Records"]] for inv in m.invocations]
        failed = sum(d.status == "failed" for d in m.deliveries)
        return Flow(t1 - t0, t2 - t1, batches, failed, m.role_arn, h.region, stream.arn)


def _slot(record: dict[str, Any], index: dict[tuple[str, str], int]) -> Slot:
    shard, sequence = record["eventID"].split(":")
    return index[shard, sequence], sequence, record["kinesis"]["approximateArrivalTimestamp"], shard


def builder_loop(payloads: list[str], keys: list[str], flow: Flow) -> float:
    """Seconds to build each invocation's batch with ``build_event`` and call the handler."""
    batches = [
        {"data": [payloads[i] for i, *_ in batch], "partition_keys": [keys[i] for i, *_ in batch],
         "shard_id": int(batch[0][3].rsplit("-", 1)[1]), "sequence_number": batch[0][1]}
        for batch in flow.batches
    ]  # fmt: skip
    gc.collect()
    t0 = cpu()
    for seed, batch in enumerate(batches):
        event = build_event("kinesis", seed=seed, stream_name=STREAM,
                            invoke_identity_arn=flow.role_arn, **batch)  # fmt: skip
        with contextlib.suppress(ValueError):
            handler(event, None)
    return cpu() - t0


def floor_loop(payloads: list[str], keys: list[str], flow: Flow) -> float:
    """Seconds to base64 the payloads, assemble each batch with ``kinesis_record`` from the
    harness's values, and call the handler."""
    role, region, arn = flow.role_arn, flow.region, flow.stream_arn
    gc.collect()
    t0 = cpu()
    data = [base64.b64encode(p.encode()).decode() for p in payloads]
    for batch in flow.batches:
        records = [kinesis_record(partition_key=keys[i], sequence_number=s, data=data[i],
                                  arrival_s=a, shard_id=sh, role_arn=role, region=region,
                                  stream_arn=arn)
                   for i, s, a, sh in batch]  # fmt: skip
        with contextlib.suppress(ValueError):
            handler({"Records": records}, None)
    return cpu() - t0


def figures(quick: bool = False, records: int = 100_000, repeat: int = 2) -> list[Figure]:
    """The flow figure, the floor reference and the put row; ``quick``: 10,000 records, once."""
    if quick:
        records, repeat = 10_000, 1
    payloads, keys = inputs(records)
    best: Flow | None = None
    put_s = builder_s = floor_s = math.inf
    for _ in range(repeat):  # the sides alternate; each keeps its best time
        flow = harness_flow(payloads, keys)
        put_s = min(put_s, flow.put_s)
        if best is None or flow.run_s < best.run_s:
            best = flow
        builder_s = min(builder_s, builder_loop(payloads, keys, best))
        floor_s = min(floor_s, floor_loop(payloads, keys, best))
    assert best is not None
    n = f"{records:,} records"
    calls = f"{len(best.batches):,} invocations"
    return [
        Figure(f"Kinesis flow: run() over {n}, 1% poison, bisection", best.run_s, builder_s,
               "s", 2, baseline_name=f"{calls}: build_event batches + handler"),
        Figure("  put + run vs the hand-built floor", put_s + best.run_s, floor_s, "s",
               None, baseline_name="records assembled directly + handler"),
        Figure(f"  putting the {n} (stream.put)", put_s, None, "s", None, "absolute"),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is kept")
    parser.add_argument("--quick", action="store_true", help="10,000 records")
    args = parser.parse_args()
    print(_table.render(figures(args.quick, records=args.records, repeat=args.repeat)))


if __name__ == "__main__":
    main()
