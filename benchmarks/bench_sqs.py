"""Throughput and memory of the SQS event source mapping.

Run: ``python benchmarks/bench_sqs.py [--messages 100000] [--memory-messages 1000000]``.

1. Drain: 100,000 messages, 1% poison, batch size 10, partial batch responses, poison messages
   dead-lettered after 3 receives. The harness's wall time is compared with two bare loops that
   build the same batches (one batch per invocation the harness made, of the same sizes, with
   the same bodies) and call the handler directly:
   - the builder loop builds each batch as a test without the harness does, with the plugin's
     event builder (``build_event("sqs", bodies=...)``, what ``lambda_events.sqs`` calls).
     Goal: at most 2x.
   - the hand-built floor assembles the records directly from the record-shaping functions
     (ids, receipt handles, MD5s; constant timestamps, no option checks, no seeding): the least
     any Python code could spend on these dictionaries. Shown for reference.
2. A poison message with no dead-letter queue and 14 days of retention: run() until it
   expires.
3. Memory: memory tracemalloc traces per message while 1,000,000 messages wait in a queue, and per
   message after 100,000 were drained (the ledger keeps every invocation's event, so this
   includes the records the handler saw). Goal: at most 1 KiB per waiting message.
"""

from __future__ import annotations

import argparse
import gc
import random
import time
import tracemalloc
from typing import Any

from pytest_lambda_events import aws, build_event
from pytest_lambda_events.sources.sqs import sqs_record, system_attributes
from pytest_lambda_events.world import Harness

# freezegun replaces module-level references to the time functions while a harness runs; a
# reference inside a tuple survives, so the wall clock stays real here
_REAL = (time.perf_counter_ns,)
POISON = "poison"


def handler(event: dict[str, Any], context: object) -> dict[str, list[dict[str, str]]]:
    failures = [{"itemIdentifier": r["messageId"]} for r in event["Records"]
                if r["body"] == POISON]  # fmt: skip
    return {"batchItemFailures": failures}


def _bodies(count: int) -> list[str]:
    rng = random.Random(7)
    return [POISON if rng.random() < 0.01 else f'{{"order": {i}, "qty": 2}}'
            for i in range(count)]  # fmt: skip


def drain(count: int) -> tuple[float, float, list[int], int]:
    """Seconds to send, and to drain, ``count`` messages; the batch sizes; the DLQ's size."""
    bodies = _bodies(count)
    with Harness(seed=1) as h:
        dlq = h.sqs_queue("orders-dlq")
        queue = h.sqs_queue("orders", max_receive_count=3, dead_letter_queue=dlq)
        fn = h.function(handler, name="orders")
        gc.collect()  # no garbage of earlier runs left for the collector to find meanwhile
        t0 = _REAL[0]()
        for body in bodies:
            queue.send(body)
        t1 = _REAL[0]()
        mapping = queue.subscribe(fn, batch_size=10, report_batch_item_failures=True)
        h.run()
        t2 = _REAL[0]()
        sizes = [len(inv.event["Records"]) for inv in mapping.invocations]
        assert not queue.messages, "the queue should be drained"
        return (t1 - t0) / 1e9, (t2 - t1) / 1e9, sizes, len(dlq.messages)


def bare_loop(sizes: list[int]) -> float:
    """Build batches of these sizes as the harness's records look, and call the handler."""
    rng = random.Random(2)
    bodies = _bodies(sum(sizes))
    arn = "arn:aws:sqs:us-east-1:123456789012:orders"
    sender = aws.iam_unique_id(rng)
    context = object()
    gc.collect()
    t0 = _REAL[0]()
    position = 0
    for size in sizes:
        records = []
        for body in bodies[position : position + size]:
            attributes = system_attributes(
                receive_count="1", sent_timestamp="1700000000000", sender_id=sender,
                first_receive_timestamp="1700000000001",
            )  # fmt: skip
            records.append(sqs_record(
                message_id=aws.uuid4(rng),
                receipt_handle=aws.receipt_handle_from(rng.randbytes(aws.RECEIPT_HANDLE_BYTES)),
                body=body, attributes=attributes, message_attributes={},
                md5_of_message_attributes=None, queue_arn=arn, region="us-east-1",
            ))  # fmt: skip
        position += size
        handler({"Records": records}, context)
    return (_REAL[0]() - t0) / 1e9


def builder_loop(sizes: list[int]) -> float:
    """The same batches built with the plugin's own event builder (``lambda_events.sqs``),
    as a test without the harness would build them, and the handler called on each."""
    bodies = _bodies(sum(sizes))
    context = object()
    gc.collect()
    t0 = _REAL[0]()
    position = 0
    for i, size in enumerate(sizes):
        event = build_event("sqs", seed=i, bodies=bodies[position : position + size])
        position += size
        handler(event, context)
    return (_REAL[0]() - t0) / 1e9


def poison_to_expiry() -> tuple[float, int]:
    """One poison message, no dead-letter queue, 14-day retention, 30 s visibility timeout:
    run() redelivers it every 30 s until SQS deletes it (40,320 invocations)."""

    def always_fails(event: object, context: object) -> None:
        raise RuntimeError("poison")

    with Harness(seed=5) as h:
        queue = h.sqs_queue("orders", message_retention_period=1_209_600)
        queue.send("poison")
        fn = h.function(always_fails, name="orders")
        mapping = queue.subscribe(fn)
        t0 = _REAL[0]()
        h.run()
        seconds = (_REAL[0]() - t0) / 1e9
        assert mapping.deliveries[0].status == "expired"
        return seconds, len(fn.invocations)


def memory_waiting(count: int) -> float:
    """Bytes per message while ``count`` messages wait in a queue (body included)."""
    gc.collect()
    with Harness(seed=3) as h:
        queue = h.sqs_queue("big")
        body = '{"order": 1, "qty": 2}'
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for _ in range(count):
            queue.send(body)
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        return used / count


def memory_drained(count: int) -> float:
    """Bytes per message after draining ``count`` messages (ledger, deliveries, events)."""
    gc.collect()
    with Harness(seed=4) as h:
        queue = h.sqs_queue("big")
        fn = h.function(handler, name="big")
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        for i in range(count):
            queue.send(f'{{"order": {i}}}')
        queue.subscribe(fn, batch_size=10)
        h.run()
        used = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        return used / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--memory-messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best is shown")
    args = parser.parse_args()

    # best of --repeat runs each: this is a shared 2-core machine, and the minimum is the run
    # least disturbed by other work
    runs = [drain(args.messages) for _ in range(args.repeat)]
    send_s, drain_s = min(run[0] for run in runs), min(run[1] for run in runs)
    sizes, dead = runs[0][2], runs[0][3]
    bare_s = min(bare_loop(sizes) for _ in range(args.repeat))
    builder_s = min(builder_loop(sizes) for _ in range(args.repeat))
    ratio = drain_s / builder_s
    print(f"{'figure':<62} {'value':>10}  goal")
    print(f"{'messages, of which dead-lettered (1% poison)':<62} "
          f"{args.messages:>7,}/{dead:,}")  # fmt: skip
    print(f"{'invocations (batches of up to 10)':<62} {len(sizes):>10,}")
    print(f"{'harness: send the messages (s)':<62} {send_s:>10.3f}")
    print(f"{'harness: drain them, h.run() (s)':<62} {drain_s:>10.3f}")
    print(f"{'builder loop: build_event(sqs) per batch + call handler (s)':<62} "
          f"{builder_s:>10.3f}")  # fmt: skip
    print(f"{'hand-built floor: records assembled directly + call handler (s)':<62} "
          f"{bare_s:>10.3f}")  # fmt: skip
    print(f"{'ratio drain / builder loop':<62} {ratio:>10.2f}  <= 2x  "
          f"{'ok' if ratio <= 2 else 'over'}")  # fmt: skip
    print(f"{'ratio drain / hand-built floor (reference)':<62} {drain_s / bare_s:>10.2f}")
    poison_s, redeliveries = poison_to_expiry()
    print(f"{f'poison, no DLQ, 14 days at 30 s: {redeliveries:,} invocations (s)':<62} "
          f"{poison_s:>10.3f}")  # fmt: skip
    waiting = memory_waiting(args.memory_messages)
    print(f"{f'memory per waiting message ({args.memory_messages:,} queued, bytes)':<62} "
          f"{waiting:>10.0f}  <= 1024  {'ok' if waiting <= 1024 else 'over'}")  # fmt: skip
    drained_count = min(args.messages, args.memory_messages)
    drained = memory_drained(drained_count)
    print(f"{f'memory per drained message ({drained_count:,}, ledger kept, bytes)':<62} "
          f"{drained:>10.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
