"""Throughput of the Kinesis event source mapping.

Run: ``python benchmarks/bench_streams.py [--records 100000]``.

100,000 records on 4 shards, 1% poison, batch size 100, bisection on, max_retry_attempts=1.
The harness's wall time (put + run) is compared with a bare loop that builds the same records
(kinesis_record, base64 data) in the same batches, one per invocation the harness made, and
calls the handler directly. Goal: at most 2x.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import json
import time
from typing import Any

from pytest_lambda_events.sources.kinesis import kinesis_record
from pytest_lambda_events.world import Harness

# freezegun replaces module-level references to the time functions while a harness runs; a
# reference inside a tuple survives, so the wall clock stays real here
_REAL = (time.perf_counter,)


def _perf() -> float:
    return _REAL[0]()


def handler(event: dict[str, Any], context: Any) -> None:
    for record in event["Records"]:
        order = json.loads(base64.b64decode(record["kinesis"]["data"]))
        if order["poison"]:
            raise ValueError("poison record")


def run(count: int) -> None:
    with Harness(seed=1) as h:
        stream = h.kinesis_stream("bench", shards=4)
        fn = h.function(handler, name="bench")
        m = stream.subscribe(fn, batch_size=100, bisect_batch_on_function_error=True,
                             max_retry_attempts=1)  # fmt: skip
        start = _perf()
        for i in range(count):
            stream.put(json.dumps({"i": i, "poison": i % 100 == 57}), partition_key=f"k{i % 97}")
        h.run()
        harness_s = _perf() - start
        failed = sum(d.status == "failed" for d in m.deliveries)
        batches = [[(r["kinesis"]["partitionKey"], r["kinesis"]["sequenceNumber"],
                     r["kinesis"]["data"], r["kinesis"]["approximateArrivalTimestamp"],
                     r["eventID"].split(":")[0]) for r in inv.event["Records"]]
                   for inv in m.invocations]  # fmt: skip
        role, region, arn = m.role_arn, h.region, stream.arn
    start = _perf()
    for batch in batches:
        records = [kinesis_record(partition_key=k, sequence_number=s, data=d, arrival_s=a,
                                  shard_id=sh, role_arn=role, region=region, stream_arn=arn)
                   for k, s, d, a, sh in batch]  # fmt: skip
        with contextlib.suppress(ValueError):
            handler({"Records": records}, None)
    bare_s = _perf() - start
    print(f"records={count:,} invocations={len(batches):,} failed={failed:,}")
    print(f"harness {harness_s:.2f} s, bare loop {bare_s:.2f} s, ratio {harness_s / bare_s:.2f}x")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    run(parser.parse_args().records)
