"""Amazon MQ event source mappings in the harness: ActiveMQ and RabbitMQ queues, whole-batch
retries, ActiveMQ's redelivery policy and DLQ, RabbitMQ's TTL, event shapes and limits
(semantics.md 6.2)."""

import base64
import json

import pytest

from pytest_lambda_events.errors import EventSourceMappingError, HarnessError, HarnessStall
from pytest_lambda_events.flows.broker_mapping import STALL_ATTEMPTS
from pytest_lambda_events.world import Harness


@pytest.fixture
def h():
    with Harness(seed=7) as harness:
        yield harness


def ok(event, context):
    return None


def bodies(invocation):
    return bodies_of(invocation.event)


def flags(invocation):
    return [m["redelivered"] for m in invocation.event["messages"]]


def offsets(invocations, start):
    return [(inv.started_at - start).total_seconds() for inv in invocations]


class Poison:
    """Fails any batch holding one of ``bad``."""

    def __init__(self, *bad):
        self.bad = set(bad)

    def __call__(self, event, context):
        hit = [m for m in bodies_of(event) if m in self.bad]
        if hit:
            raise ValueError(f"cannot process {hit}")


def bodies_of(event):
    if event["eventSource"] == "aws:mq":
        messages = event["messages"]
    else:
        (messages,) = event["rmqMessagesByQueue"].values()
    return [base64.b64decode(m["data"]).decode() for m in messages]


# --- ActiveMQ -------------------------------------------------------------------------------
def test_activemq_batch_has_the_event_shape_in_send_order(h):
    broker = h.mq_broker("orders")
    queue = broker.queue("orders.queue")
    mapping = queue.subscribe(h.function(ok, name="f"))
    start = h.clock.now()
    queue.send("one", correlation_id="c-1", priority=7, properties={"tenant": "t1"})
    queue.send({"n": 2})
    queue.send(b"\x00\xff")
    h.run()
    (inv,) = mapping.invocations
    assert offsets(mapping.invocations, start) == [0.5]  # the 500 ms default window
    event = inv.event
    assert event["eventSource"] == "aws:mq"
    assert event["eventSourceArn"] == broker.arn
    assert broker.arn.startswith("arn:aws:mq:us-east-1:123456789012:broker:orders:b-")
    first, second, third = event["messages"]
    assert [m["messageType"] for m in event["messages"]] == [
        "jms/text-message", "jms/text-message", "jms/bytes-message"]  # fmt: skip
    assert base64.b64decode(second["data"]) == b'{"n":2}'
    assert base64.b64decode(third["data"]) == b"\x00\xff"
    assert first["messageID"].startswith(f"ID:{broker.broker_id}-1.mq.us-east-1.amazonaws.com-")
    assert len({m["messageID"] for m in event["messages"]}) == 3
    assert first["destination"] == {"physicalName": "orders.queue"}
    assert (first["correlationID"], first["priority"], first["properties"]) == (
        "c-1", 7, {"tenant": "t1"})  # fmt: skip
    assert first["redelivered"] is False and first["replyTo"] == "null"
    for m in event["messages"]:
        assert m["timestamp"] <= m["brokerInTime"] <= m["brokerOutTime"]
    assert [d.status for d in mapping.deliveries] == ["succeeded"] * 3
    assert queue.messages == [] and inv.source == "mq"


def test_activemq_poison_is_delivered_6_times_then_moved_to_the_dlq_with_its_batch(h):
    broker = h.mq_broker("b")
    queue = broker.queue("q")
    mapping = queue.subscribe(h.function(Poison("bad"), name="f"), batching_window=0)
    start = h.clock.now()
    queue.send("good-1")
    queue.send("bad")
    queue.send("good-2")
    h.run()
    # the whole batch is retried: its batch-mates are delivered again, every time
    assert len(mapping.invocations) == 6
    assert all(bodies(inv) == ["good-1", "bad", "good-2"] for inv in mapping.invocations)
    assert [flags(inv) for inv in mapping.invocations] == [[False] * 3] + [[True] * 3] * 5
    # ActiveMQ's default redelivery delay: 1 s, no exponential back-off
    assert offsets(mapping.invocations, start) == [0, 1, 2, 3, 4, 5]
    for delivery in mapping.deliveries:
        assert (delivery.status, delivery.condition, delivery.attempts) == (
            "failed", "MaximumRedeliveries", 6)  # fmt: skip
        assert "maximumRedeliveries=5" in delivery.reason and "ValueError" in delivery.reason
    assert [m.body for m in queue.dead_letter_messages] == [b"good-1", b"bad", b"good-2"]
    assert broker.dead_letter_queue.name == "ActiveMQ.DLQ"
    assert queue.messages == []


def test_activemq_later_messages_wait_for_the_failing_batch_then_succeed(h):
    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(Poison("bad"), name="f"), batching_window=0)
    queue.send("bad")
    h.advance(seconds=2.5)  # delivered at 0, 1, 2
    queue.send("after")
    h.run()
    assert [bodies(inv) for inv in mapping.invocations] == [["bad"]] * 6 + [["after"]]
    assert [d.status for d in mapping.deliveries] == ["failed", "succeeded"]
    assert mapping.deliveries[1].attempts == 1


def test_activemq_a_transient_failure_retries_the_batch_until_it_succeeds(h):
    failures = iter([True, True])

    def flaky(event, context):
        if next(failures, False):
            raise RuntimeError("database busy")

    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(flaky, name="f"), batch_size=2, batching_window=0)
    queue.send("a")
    queue.send("b")
    queue.send("c")
    h.run()
    assert [bodies(inv) for inv in mapping.invocations] == [["a", "b"]] * 3 + [["c"]]
    assert [flags(inv) for inv in mapping.invocations] == [[False] * 2] + [[True] * 2] * 2 + [
        [False]]  # fmt: skip
    assert [(d.status, d.attempts) for d in mapping.deliveries] == [
        ("succeeded", 3), ("succeeded", 3), ("succeeded", 1)]  # fmt: skip
    assert queue.messages == [] and queue.dead_letter_messages == []


def test_activemq_expired_message_goes_to_the_dlq(h):
    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(Poison("x"), name="f"), batching_window=0)
    expires = int(h.clock.now().timestamp() * 1000) + 2_500
    queue.send("x", expiration=expires)
    h.run()
    assert len(mapping.invocations) == 3  # at 0, 1 and 2 s; expired at 3 s
    (delivery,) = mapping.deliveries
    assert (delivery.status, delivery.condition) == ("expired", "Expired")
    assert [m.body for m in queue.dead_letter_messages] == [b"x"]
    assert mapping.invocations[0].event["messages"][0]["expiration"] == expires


def test_messages_sent_before_the_mapping_are_delivered_and_batches_respect_batch_size(h):
    queue = h.mq_broker("b").queue("q")
    for i in range(250):
        queue.send(f"m{i}")
    assert len(queue.messages) == 250
    start = h.clock.now()
    mapping = queue.subscribe(h.function(ok, name="f"), batch_size=100)
    h.run()
    assert [len(bodies(inv)) for inv in mapping.invocations] == [100, 100, 50]
    sent = [body for inv in mapping.invocations for body in bodies(inv)]
    assert sent == [f"m{i}" for i in range(250)]
    # full batches go at once; the rest waits for the 500 ms window
    assert offsets(mapping.invocations, start) == [0, 0, 0.5]
    assert len(mapping.deliveries) == 250 and queue.messages == []


def test_batching_window_in_whole_seconds(h):
    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(ok, name="f"), batching_window=5)
    start = h.clock.now()
    queue.send("a")
    h.advance(seconds=2)
    queue.send("b")
    h.run()
    assert offsets(mapping.invocations, start) == [5]
    assert bodies(mapping.invocations[0]) == ["a", "b"]


def test_six_megabytes_cut_the_batch_and_bigger_records_are_dropped(h):
    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(ok, name="f"), batching_window=0)
    two_mb = "x" * 2_000_000  # 2.67 MB in base64: two fit in 6 MB, three do not
    for _ in range(3):
        queue.send(two_mb)
    queue.send("y" * 5_000_000)  # 6.67 MB in base64: dropped
    h.run()
    assert [len(inv.event["messages"]) for inv in mapping.invocations] == [2, 1]
    assert [d.status for d in mapping.deliveries] == ["succeeded"] * 3 + ["failed"]
    assert mapping.deliveries[3].condition == "RecordTooLarge"
    assert [m.delivery_count for m in (d.item for d in mapping.deliveries)] == [1, 1, 1, 0]
    for inv in mapping.invocations:
        assert len(json.dumps(inv.event)) <= 6_291_456


# --- RabbitMQ -------------------------------------------------------------------------------
def test_rabbitmq_event_shape(h):
    broker = h.mq_broker("rabbit", engine="RabbitMQ")
    queue = broker.queue("jobs")
    mapping = queue.subscribe(h.function(ok, name="f"))
    queue.send({"job": 1}, headers={"source": "web", "n": 3}, expiration=60_000, app_id="api")
    queue.send("text", message_id="m-2", priority=5)
    h.run()
    (inv,) = mapping.invocations
    event = inv.event
    assert (event["eventSource"], event["eventSourceArn"]) == ("aws:rmq", broker.arn)
    assert list(event["rmqMessagesByQueue"]) == ["jobs::/"]
    first, second = event["rmqMessagesByQueue"]["jobs::/"]
    assert set(first) == {"basicProperties", "redelivered", "data"}
    props = first["basicProperties"]
    assert props["headers"] == {"source": {"bytes": [119, 101, 98]}, "n": 3}
    assert (props["expiration"], props["appId"], props["contentType"]) == (
        "60000", "api", "application/json")  # fmt: skip
    assert props["bodySize"] == len(base64.b64decode(first["data"])) == len(b'{"job":1}')
    assert second["basicProperties"]["messageId"] == "m-2"
    assert second["basicProperties"]["contentType"] == "text/plain"
    assert second["basicProperties"]["priority"] == 5
    assert first["redelivered"] is False
    assert inv.source == "rabbitmq"


def test_rabbitmq_virtual_host_is_in_the_map_key(h):
    queue = h.mq_broker("rabbit", engine="RabbitMQ").queue("jobs", virtual_host="tenant-a")
    mapping = queue.subscribe(h.function(ok, name="f"))
    queue.send("x")
    h.run()
    assert list(mapping.invocations[0].event["rmqMessagesByQueue"]) == ["jobs::tenant-a"]


def test_rabbitmq_poison_is_retried_until_its_ttl_passes_and_has_no_dlq(h):
    queue = h.mq_broker("rabbit", engine="RabbitMQ").queue("jobs")
    mapping = queue.subscribe(h.function(Poison("bad"), name="f"), batching_window=0)
    start = h.clock.now()
    queue.send("bad", expiration=3_500)
    queue.send("mate")
    h.run()
    # whole batch retried 1 s apart; at 4 s "bad" has expired and "mate" goes alone
    assert offsets(mapping.invocations, start) == [0, 1, 2, 3, 4]
    assert [bodies(inv) for inv in mapping.invocations] == [["bad", "mate"]] * 4 + [["mate"]]
    redelivered = [
        [m["redelivered"] for m in inv.event["rmqMessagesByQueue"]["jobs::/"]]
        for inv in mapping.invocations
    ]
    assert redelivered == [[False, False]] + [[True, True]] * 3 + [[True]]
    bad, mate = mapping.deliveries
    assert (bad.status, bad.condition, bad.attempts) == ("expired", "MessageTTLExpired", 4)
    assert (mate.status, mate.attempts) == ("succeeded", 5)
    assert queue.dead_letter_messages == [] and queue.messages == []


def test_rabbitmq_poison_without_ttl_stalls_run(h):
    queue = h.mq_broker("rabbit", engine="RabbitMQ").queue("jobs")
    mapping = queue.subscribe(h.function(Poison("bad"), name="f"), batching_window=0)
    queue.send("bad")
    with pytest.raises(HarnessStall, match=r"rabbitmq:jobs->f.*expiration"):
        h.run()
    assert len(mapping.invocations) == STALL_ATTEMPTS
    assert mapping.deliveries[0].status == "pending"


# --- limits ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"batch_size": 0}, "BatchSize is 1 to 10,000"),
        ({"batch_size": 10_001}, "BatchSize is 1 to 10,000"),
        ({"batch_size": True}, "batch_size must be an int"),
        ({"batching_window": 301}, "MaximumBatchingWindowInSeconds is 0 to 300"),
        ({"batching_window": -1}, "MaximumBatchingWindowInSeconds is 0 to 300"),
        ({"batching_window": 0.5}, "whole seconds"),
    ],
)
def test_mapping_limits(h, settings, match):
    queue = h.mq_broker("b").queue("q")
    with pytest.raises(EventSourceMappingError, match=match):
        queue.subscribe(h.function(ok, name="f"), **settings)


def test_limits_at_the_edges_are_accepted(h):
    queue = h.mq_broker("b").queue("q")
    mapping = queue.subscribe(h.function(ok, name="f"), batch_size=10_000, batching_window=300)
    assert (mapping.batch_size, mapping.batching_window) == (10_000, 300)


def test_broker_and_message_checks(h):
    with pytest.raises(HarnessError, match="ActiveMQ' or 'RabbitMQ"):
        h.mq_broker("k", engine="Kafka")
    active = h.mq_broker("b").queue("q")
    with pytest.raises(HarnessError, match="not a ActiveMQ message property"):
        active.send("x", headers={"a": "b"})
    with pytest.raises(HarnessError, match="virtual_host is RabbitMQ's"):
        h.mq_broker("b2").queue("q", virtual_host="v")
    with pytest.raises(HarnessError, match="UTF-8"):
        active.send(b"\xff", message_type="jms/text-message")
    rabbit = h.mq_broker("r", engine="RabbitMQ").queue("q")
    with pytest.raises(HarnessError, match="headers hold str"):
        rabbit.send("x", headers={"a": [1]})
    with pytest.raises(HarnessError, match="exists already"):
        h.mq_broker("b")


def test_one_mapping_per_queue_and_the_14_minute_timeout(h):
    queue = h.mq_broker("b").queue("q")
    queue.subscribe(h.function(ok, name="f"))
    with pytest.raises(EventSourceMappingError, match="mapping already"):
        queue.subscribe(h.function(ok, name="g"))
    slow = h.function(ok, name="slow", timeout=900)
    with pytest.raises(EventSourceMappingError, match="14 minutes"):
        h.mq_broker("b3").queue("q").subscribe(slow)
