"""The Kafka event source mapping (semantics.md 6.1) on the stream poller."""

import base64
import json
from datetime import timedelta

import pytest

from pytest_lambda_events.errors import EventSourceMappingError
from pytest_lambda_events.world import Harness
from pytest_lambda_events.world.kafka import murmur2, partition_for_key


def _values(event):
    return [
        (part, json.loads(base64.b64decode(r["value"])))
        for part, records in event["records"].items()
        for r in records
    ]


def test_murmur2_matches_kafkas_own_test_vectors():
    assert murmur2(b"21") == -973932308
    assert murmur2(b"foobar") == -790332482
    assert murmur2(b"abc") == 479470107
    assert partition_for_key(b"foobar", 3) == (-790332482 & 0x7FFFFFFF) % 3


def test_per_partition_order_with_keyed_records_on_three_partitions():
    with Harness(seed=1) as h:
        seen = []
        fn = h.function(lambda e, c: seen.append(e), name="orders")
        topic = h.kafka_topic("orders", partitions=3)
        topic.subscribe(fn, batch_size=2)
        keys = [f"customer-{i}" for i in range(6)]
        for n in range(30):
            key = keys[n % 6]
            record = topic.send({"key": key, "n": n}, key=key)
            assert record.shard_id == f"orders-{partition_for_key(key.encode(), 3)}"
        h.run()
        event = seen[0]
        assert event["eventSource"] == "aws:kafka"
        assert event["eventSourceArn"].startswith("arn:aws:kafka:")
        assert event["bootstrapServers"].endswith(":9098")
        by_partition: dict[str, list[tuple[str, int]]] = {}
        for e in seen:
            assert len(e["records"]) == 1  # a batch holds one partition
            for part, records in e["records"].items():
                for r in records:
                    value = json.loads(base64.b64decode(r["value"]))
                    assert base64.b64decode(r["key"]).decode() == value["key"]
                    assert r["topic"] == "orders" and f"orders-{r['partition']}" == part
                    by_partition.setdefault(part, []).append((r["offset"], value["n"]))
        assert sum(len(v) for v in by_partition.values()) == 30
        for rows in by_partition.values():
            assert [o for o, _ in rows] == list(range(len(rows)))  # offsets 0, 1, 2, ...
            assert [n for _, n in rows] == sorted(n for _, n in rows)


def test_keyless_records_go_round_robin_and_self_managed_has_no_arn():
    with Harness(seed=2) as h:
        seen = []
        fn = h.function(lambda e, c: seen.append(e), name="logs")
        topic = h.kafka_topic("logs", partitions=2, self_managed=True)
        topic.subscribe(fn)
        assert [topic.send(f"v{i}").shard_id for i in range(4)] == [
            "logs-0", "logs-1", "logs-0", "logs-1"]  # fmt: skip
        h.run()
        assert seen[0]["eventSource"] == "SelfManagedKafka"
        assert "eventSourceArn" not in seen[0]
        assert "key" not in next(iter(seen[0]["records"].values()))[0]


def test_poison_record_retried_then_sent_to_the_sqs_destination():
    with Harness(seed=3) as h:
        calls = []

        def handler(event, context):
            calls.append(_values(event))
            if any(v.get("poison") for _, v in _values(event)):
                raise ValueError("poison")

        fn = h.function(handler, name="consumer")
        dlq = h.sqs_queue("kafka-failures")
        topic = h.kafka_topic("payments", partitions=1)
        mapping = topic.subscribe(fn, max_retry_attempts=2, on_failure=dlq)
        topic.send({"ok": 1}, key="a")
        topic.send({"poison": True}, key="a")
        h.run()
        assert len(calls) == 3  # 1 + max_retry_attempts
        [failure] = mapping.failure_records
        assert failure["requestContext"]["condition"] == "RetryAttemptsExhausted"
        assert failure["requestContext"]["approximateInvokeCount"] == 3
        assert failure["responseContext"]["functionError"] == "Unhandled"
        info = failure["KafkaBatchInfo"]
        assert info["batchSize"] == 2 and info["eventSourceArn"] == topic.arn
        assert info["recordsInfo"] == {"payments-0": {
            "firstRecordOffset": "0", "lastRecordOffset": "1",
            "firstRecordTimestamp": info["recordsInfo"]["payments-0"]["firstRecordTimestamp"],
            "lastRecordTimestamp": info["recordsInfo"]["payments-0"]["lastRecordTimestamp"],
        }}  # fmt: skip
        [message] = dlq.messages
        assert json.loads(message.body) == failure
        assert [d.status for d in mapping.deliveries] == ["failed", "failed"]


def test_infinite_retries_with_a_destination_are_capped_at_ten():
    with Harness(seed=4) as h:
        fn = h.function(lambda e, c: 1 / 0, name="always-fails")
        topic = h.kafka_topic("t", partitions=1)
        mapping = topic.subscribe(fn, on_failure=h.sqs_queue("dlq"))
        assert mapping.max_retry_attempts == 10
        topic.send("x")
        h.run()
        assert len(mapping.invocations) == 11
        assert mapping.failure_records[0]["requestContext"]["approximateInvokeCount"] == 11


def test_default_infinite_retries_block_only_that_partition():
    # run() would grind through 7 days of retries (the topic's retention) before the records
    # expire: advance a bounded time instead
    with Harness(seed=5) as h:
        ok = []

        def handler(event, context):
            for part, value in _values(event):
                if value.get("poison"):
                    raise ValueError("poison")
                ok.append((part, value["n"]))

        fn = h.function(handler, name="blocked")
        topic = h.kafka_topic("t", partitions=2)
        mapping = topic.subscribe(fn, batch_size=1)
        topic.send({"poison": True}, partition=0)
        for n in range(3):
            topic.send({"n": n}, partition=0)
            topic.send({"n": n}, partition=1)
        h.advance(minutes=5)
        assert ok == [("t-1", 0), ("t-1", 1), ("t-1", 2)]
        assert len(mapping.invocations) > 30  # retried every 7.5 s, still going
        assert not mapping.failure_records
        pending = [d for d in mapping.deliveries if d.status == "pending"]
        assert {d.item.shard_id for d in pending} == {"t-0"} and len(pending) == 4


def test_the_default_batching_window_is_500_ms():
    with Harness(seed=6) as h:
        seen = []
        fn = h.function(lambda e, c: seen.append((h.clock.now(), e)), name="windowed")
        topic = h.kafka_topic("t")
        mapping = topic.subscribe(fn)
        assert mapping.batching_window == 0.5
        start = h.clock.now()
        topic.send("a")
        h.advance(milliseconds=200)
        topic.send("b")
        h.run()
        [(when, event)] = seen
        assert when - start == timedelta(milliseconds=500)
        assert len(event["records"]["t-0"]) == 2


def test_an_explicit_window_is_whole_seconds():
    with Harness(seed=7) as h:
        seen = []
        fn = h.function(lambda e, c: seen.append(h.clock.now()), name="w")
        topic = h.kafka_topic("t")
        topic.subscribe(fn, batching_window=0)
        start = h.clock.now()
        topic.send("a")
        h.run()
        assert seen == [start]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"batch_size": 0}, r"BatchSize is an int from 1 to 10,000"),
        ({"batch_size": 10_001}, r"BatchSize is an int from 1 to 10,000"),
        ({"batching_window": 0.5}, r"whole seconds from 0 to 300 \(None keeps the 500 ms"),
        ({"batching_window": 301}, r"whole seconds from 0 to 300"),
        ({"max_retry_attempts": 10_001}, r"MaximumRetryAttempts is -1 \(infinite\) or an int"),
        (
            {"max_record_age": 59},
            r"MaximumRecordAgeInSeconds is -1 \(infinite\) or an int "
            r"from 60 to 604,800",
        ),
        ({"consumer_group_id": ""}, r"ConsumerGroupId is a string of 1 to 200 characters"),
        ({"consumer_group_id": "g" * 201}, r"ConsumerGroupId is a string of 1 to 200"),
        ({"starting_position": "EARLIEST"}, r"StartingPosition for msk is one of"),
    ],
)
def test_limits_raise_the_plugins_errors(options, message):
    with Harness(seed=8) as h:
        fn = h.function(lambda e, c: None, name="f")
        topic = h.kafka_topic("t")
        with pytest.raises(EventSourceMappingError, match=message):
            topic.subscribe(fn, **options)


def test_batch_size_limits_are_accepted_and_consumer_groups_are_unique():
    with Harness(seed=9) as h:
        fn = h.function(lambda e, c: None, name="f")
        topic = h.kafka_topic("t")
        topic.subscribe(fn, batch_size=1, consumer_group_id="g1")
        topic.subscribe(fn, batch_size=10_000)
        with pytest.raises(EventSourceMappingError, match="must be unique"):
            topic.subscribe(fn, consumer_group_id="g1")


def test_bisection_splits_the_failing_batch():
    with Harness(seed=10) as h:
        sizes = []

        def handler(event, context):
            values = _values(event)
            sizes.append(len(values))
            if any(v.get("poison") for _, v in values):
                raise ValueError("poison")

        fn = h.function(handler, name="bisect")
        topic = h.kafka_topic("t")
        mapping = topic.subscribe(fn, batching_window=1, max_retry_attempts=0,
                                  bisect_batch_on_function_error=True)  # fmt: skip
        for n in range(4):
            topic.send({"n": n, "poison": n == 3})
        h.run()
        assert sizes == [4, 2, 2, 1, 1]  # left half first; each split costs no retry
        [failure] = mapping.failure_records
        assert failure["KafkaBatchInfo"]["recordsInfo"]["t-0"]["firstRecordOffset"] == "3"
        assert [d.status for d in mapping.deliveries] == ["succeeded"] * 3 + ["failed"]


def test_partial_batch_response_retries_from_the_reported_offset():
    with Harness(seed=11) as h:
        calls = []

        def handler(event, context):
            records = event["records"]["t-0"]
            calls.append([r["offset"] for r in records])
            if len(calls) == 1:
                return {"batchItemFailures": [
                    {"itemIdentifier": {"partition": "t-0", "offset": 2}}]}  # fmt: skip
            return {"batchItemFailures": []}

        fn = h.function(handler, name="partial")
        topic = h.kafka_topic("t")
        topic.subscribe(fn, batching_window=1, report_batch_item_failures=True)
        for n in range(4):
            topic.send(str(n))
        h.run()
        assert calls == [[0, 1, 2, 3], [2, 3]]
