"""Throughput and memory of the SQS event source mapping.

Run: ``python benchmarks/bench_sqs.py`` (or ``benchmarks/run.py`` for the whole table).

1. Drain: 100,000 messages, 1% poison, batch size 10, partial batch responses, poison messages
   dead-lettered after 3 receives. The harness's CPU time is compared with two bare loops that
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
3. Memory (tracemalloc): bytes per message while 1,000,000 messages wait in a queue (goal: at
   most 1 KiB), and per message after 100,000 were sent and drained, ledger included.
"""

from __future__ import annotations

import gc
import random
import sys
import tracemalloc
from typing import Any

from _table import Figure, cpu, render

from pytest_lambda_events import aws, build_event
from pytest_lambda_events.sources.sqs import sqs_record, system_attributes
from pytest_lambda_events.world import Harness

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
        t0 = cpu()
        for body in bodies:
            queue.send(body)
        t1 = cpu()
        mapping = queue.subscribe(fn, batch_size=10, report_batch_item_failures=True)
        h.run()
        t2 = cpu()
        sizes = [len(inv.event["Records"]) for inv in mapping.invocations]
        assert not queue.messages, "the queue should be drained"
        return t1 - t0, t2 - t1, sizes, len(dlq.messages)


def bare_loop(sizes: list[int]) -> float:
    """Build batches of these sizes as the harness's records look, and call the handler."""
    rng = random.Random(2)
    bodies = _bodies(sum(sizes))
    arn = "arn:aws:sqs:us-east-1:123456789012:orders"
    sender = aws.iam_unique_id(rng)
    context = object()
    gc.collect()
    t0 = cpu()
    position = 0
    for size in sizes:
        records = []
        handles = aws.receipt_handles(rng, size)
        for handle, body in zip(handles, bodies[position : position + size], strict=True):
            attributes = system_attributes(
                receive_count="1", sent_timestamp="1700000000000", sender_id=sender,
                first_receive_timestamp="1700000000001",
            )  # fmt: skip
            records.append(sqs_record(
                message_id=aws.uuid4(rng),
                receipt_handle=handle,
                body=body, attributes=attributes, message_attributes={},
                md5_of_message_attributes=None, queue_arn=arn, region="us-east-1",
            ))  # fmt: skip
        position += size
        handler({"Records": records}, context)
    return cpu() - t0


def builder_loop(sizes: list[int]) -> float:
    """The same batches built with the plugin's own event builder (``lambda_events.sqs``),
    as a test without the harness would build them, and the handler called on each."""
    bodies = _bodies(sum(sizes))
    context = object()
    gc.collect()
    t0 = cpu()
    position = 0
    for i, size in enumerate(sizes):
        event = build_event("sqs", seed=i, bodies=bodies[position : position + size])
        position += size
        handler(event, context)
    return cpu() - t0


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
        t0 = cpu()
        h.run()
        seconds = cpu() - t0
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


def figures(quick: bool = False) -> list[Figure]:
    """The drain against both loops (best of 3 runs each, alternating), and the memory rows."""
    messages = 10_000 if quick else 100_000
    waiting = 100_000 if quick else 1_000_000
    send_s = drain_s = builder_s = floor_s = float("inf")
    sizes: list[int] = []
    for _ in range(3):  # best of 3: the run least disturbed by other work
        sent, drained, sizes, _ = drain(messages)
        send_s, drain_s = min(send_s, sent), min(drain_s, drained)
        builder_s = min(builder_s, builder_loop(sizes))
        floor_s = min(floor_s, bare_loop(sizes))
    name = f"SQS flow: drain {messages:,} messages, 1% poison, batch 10"
    return [
        Figure(name, drain_s, builder_s, "s", 2.0, baseline_name="build_event batches + handler"),
        Figure(
            "  the same drain vs the hand-built floor",
            drain_s,
            floor_s,
            "s",
            None,
            baseline_name="records assembled directly + handler",
        ),
        Figure(
            f"  sending the {messages:,} messages (queue.send)", send_s, None, "s", None, "absolute"
        ),
        Figure(
            f"SQS memory per message, {waiting:,} queued",
            memory_waiting(waiting),
            None,
            "B",
            1024,
            "absolute",
        ),
        Figure(
            f"  per message, {messages:,} sent and drained (ledger kept)",
            memory_drained(messages),
            None,
            "B",
            None,
            "absolute",
        ),
    ]


def main() -> None:
    print(render(figures("--quick" in sys.argv)))
    seconds, redeliveries = poison_to_expiry()
    print(f"poison message, no DLQ, 14 days at 30 s: {redeliveries:,} invocations, {seconds:.2f} s")


if __name__ == "__main__":
    main()
