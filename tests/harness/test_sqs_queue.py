"""SQS queues in the harness: settings and their limits, sending, visibility, delays,
retention, redrive and FIFO rules (semantics.md 4.2, 4.4, 4.6). ``receive`` here is SQS's
``ReceiveMessage``, as an event source mapping's poller calls it."""

import base64
import hashlib

import pytest

from pytest_lambda_events.errors import QueueConfigError
from pytest_lambda_events.timefmt import epoch_ms


def receive(queue, count=10, visibility_timeout=None):
    now = queue.harness.clock.now()
    queue.release(now)
    return queue.receive(now, count, queue.visibility_timeout if visibility_timeout is None
                         else visibility_timeout)  # fmt: skip


# --- settings ------------------------------------------------------------------------------
def test_defaults_are_sqs_defaults(lambda_harness):
    """4.4: visibility 30 s, retention 345,600 s (4 days), delay 0, 1 MiB messages."""
    q = lambda_harness.sqs_queue("orders")
    assert (q.visibility_timeout, q.message_retention_period, q.delay_seconds,
            q.max_message_size) == (30, 345_600, 0, 1_048_576)  # fmt: skip
    assert q.max_receive_count is None and q.dead_letter_queue is None and not q.fifo
    assert q.arn == "arn:aws:sqs:us-east-1:123456789012:orders"


@pytest.mark.parametrize(
    ("setting", "bad", "allowed"),
    [
        ("visibility_timeout", -1, "0 to 43,200 seconds"),
        ("visibility_timeout", 43_201, "0 to 43,200 seconds"),
        ("message_retention_period", 59, "60 to 1,209,600 seconds"),
        ("message_retention_period", 1_209_601, "60 to 1,209,600 seconds"),
        ("delay_seconds", 901, "0 to 900 seconds"),
        ("receive_message_wait_time_seconds", 21, "0 to 20 seconds"),
        ("max_message_size", 1_023, "1,024 to 1,048,576 bytes"),
        ("max_message_size", 1_048_577, "1,024 to 1,048,576 bytes"),
    ],
)  # fmt: skip
def test_settings_outside_sqs_limits_are_refused(lambda_harness, setting, bad, allowed):
    """4.4: CreateQueue attribute ranges; the message names the setting and the range."""
    with pytest.raises(QueueConfigError, match=f"{setting}={bad:,} is out of range; SQS allows "
                                               f"{allowed}"):  # fmt: skip
        lambda_harness.sqs_queue("q", **{setting: bad})


@pytest.mark.parametrize("setting", ["visibility_timeout", "max_message_size"])
def test_settings_must_be_ints(lambda_harness, setting):
    with pytest.raises(QueueConfigError, match=f"{setting} must be an int"):
        lambda_harness.sqs_queue("q", **{setting: "30"})


def test_limits_themselves_are_accepted(lambda_harness):
    h = lambda_harness
    h.sqs_queue("a", visibility_timeout=0, message_retention_period=60, max_message_size=1_024)
    h.sqs_queue("b", visibility_timeout=43_200, message_retention_period=1_209_600,
                delay_seconds=900, max_message_size=1_048_576)  # fmt: skip


def test_unknown_settings_suggest_a_close_match(lambda_harness):
    suggestion = r"unknown queue setting 'visibility' \(did you mean 'visibility_timeout'\?\)"
    with pytest.raises(QueueConfigError, match=suggestion):
        lambda_harness.sqs_queue("q", visibility=10)


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"max_receive_count": 3}, "max_receive_count needs a dead_letter_queue"),
        ({"max_receive_count": 0, "dlq": True}, "max_receive_count=0 is out of range; SQS allows "
                                                "1 to 1,000 receives"),
        ({"max_receive_count": 1_001, "dlq": True}, "1 to 1,000 receives"),
        ({"dead_letter_queue": "arn:aws:sqs:..."}, "dead_letter_queue is a harness SQS queue"),
        ({"content_based_deduplication": True}, "content_based_deduplication is for FIFO"),
    ],
)  # fmt: skip
def test_redrive_policy_is_checked(lambda_harness, kw, message):
    if kw.pop("dlq", False):
        kw["dead_letter_queue"] = lambda_harness.sqs_queue("dlq")
    with pytest.raises(QueueConfigError, match=message):
        lambda_harness.sqs_queue("orders", **kw)


def test_dead_letter_queue_kind_must_match(lambda_harness):
    """4.4: a standard queue's DLQ is standard, a FIFO queue's DLQ is FIFO."""
    h = lambda_harness
    standard, fifo = h.sqs_queue("dlq"), h.sqs_queue("dlq.fifo")
    with pytest.raises(QueueConfigError, match="dead-letter queue of a FIFO queue must be a "
                                               "FIFO queue too"):  # fmt: skip
        h.sqs_queue("orders.fifo", dead_letter_queue=standard)
    with pytest.raises(QueueConfigError, match="of a standard queue must be a standard queue"):
        h.sqs_queue("orders", dead_letter_queue=fifo)
    assert h.sqs_queue("ok", dead_letter_queue=standard).max_receive_count == 10  # default


# --- sending -------------------------------------------------------------------------------
def test_a_sent_message_has_the_record_form(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders")
    m = q.send("hello", attributes={"Author": "ana", "Blob": b"\x00\x01"},
               aws_trace_header="Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1")  # fmt: skip
    assert m.md5_of_body == hashlib.md5(b"hello").hexdigest()
    assert m.message_attributes["Author"] == {
        "stringValue": "ana",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert base64.b64decode(m.message_attributes["Blob"]["binaryValue"]) == b"\x00\x01"
    assert m.md5_of_message_attributes is not None
    assert m.attributes == {
        "ApproximateReceiveCount": "0", "SentTimestamp": str(epoch_ms(h.clock.now())),
        "SenderId": h.sender_id,
        "AWSTraceHeader": "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1",
    }  # fmt: skip
    assert q.messages == [m] and m.state == "queued" and m.receive_count == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [(b"bytes", "a message body is a str"), ("", "at least 1 character"),
     ("bad\x00char", "InvalidMessageContents"), ("\ufffe", "InvalidMessageContents")],
)  # fmt: skip
def test_bodies_sqs_refuses(lambda_harness, body, message):
    with pytest.raises(QueueConfigError, match=message):
        lambda_harness.sqs_queue("q").send(body)


def test_message_size_counts_body_and_attributes(lambda_harness):
    """4.4: MaximumMessageSize covers the body and each attribute's name, type and value."""
    q = lambda_harness.sqs_queue("q", max_message_size=1_024)
    q.send("x" * 1_024)
    with pytest.raises(QueueConfigError, match="the message is 1,025 bytes"):
        q.send("x" * 1_025)
    # 1,000 + len("k") + len("String") + len("v" * 17) = 1,024
    q.send("x" * 1_000, attributes={"k": "v" * 17})
    with pytest.raises(QueueConfigError, match="1,025 bytes"):
        q.send("x" * 1_000, attributes={"k": "v" * 18})


def test_a_binary_attribute_counts_its_bytes_not_its_base64(lambda_harness):
    """4.4: the value of a Binary attribute is its bytes (24 here; its base64 text is 32)."""
    q = lambda_harness.sqs_queue("q", max_message_size=1_024)
    # 993 + len("b") + len("Binary") + 24 = 1,024
    q.send("x" * 993, attributes={"b": b"\x00" * 24})
    with pytest.raises(QueueConfigError, match="the message is 1,025 bytes"):
        q.send("x" * 994, attributes={"b": b"\x00" * 24})


def test_at_most_ten_message_attributes(lambda_harness):
    q = lambda_harness.sqs_queue("q")
    with pytest.raises(QueueConfigError, match="11 message attributes; SQS allows at most 10"):
        q.send("x", attributes={f"a{i}": i for i in range(11)})
    with pytest.raises(QueueConfigError, match="is a list"):
        q.send("x", attributes={"a": [1]})


def test_send_batch_takes_up_to_ten_entries_and_the_size_limit_in_total(lambda_harness):
    q = lambda_harness.sqs_queue("q", max_message_size=2_048)
    sent = q.send_batch(["a", {"body": "b", "attributes": {"k": "v"}, "delay_seconds": 5}])
    assert [m.body for m in sent] == ["a", "b"] and sent[1].message_attributes["k"]
    with pytest.raises(QueueConfigError, match="1 to 10 entries, not 11"):
        q.send_batch(["x"] * 11)
    with pytest.raises(QueueConfigError, match="BatchRequestTooLong: the batch is 2,049 bytes"):
        q.send_batch(["x" * 1_024, "y" * 1_025])
    with pytest.raises(QueueConfigError, match=r"unknown batch entry key 'group' \(did you mean"):
        q.send_batch([{"body": "x", "group": "g"}])


def test_deleted_queues_refuse_messages(lambda_harness):
    q = lambda_harness.sqs_queue("q")
    q.send("x")
    q.delete_queue()
    assert q.deleted and q.messages == []
    with pytest.raises(QueueConfigError, match="NonExistentQueue"):
        q.send("y")


# --- visibility, delays, retention ---------------------------------------------------------
def test_received_messages_are_invisible_until_the_visibility_timeout_ends(lambda_harness):
    """4.4: a received message is in flight for the visibility timeout, then visible again
    with a higher ApproximateReceiveCount; its first-receive time stays."""
    h = lambda_harness
    q = h.sqs_queue("q", visibility_timeout=30)
    m = q.send("x")
    first = h.clock.now()
    assert receive(q) == [m] and m.state == "in_flight" and m.receive_count == 1
    h.advance(seconds=29)
    assert receive(q) == []
    h.advance(seconds=1)
    assert receive(q) == [m] and m.receive_count == 2
    assert m.attributes["ApproximateReceiveCount"] == "2"
    assert m.attributes["ApproximateFirstReceiveTimestamp"] == str(epoch_ms(first))
    assert q.delete(m) and q.messages == [] and m.state == "deleted"
    assert not q.delete(m)  # no longer in flight


def test_delay_seconds_hides_new_messages(lambda_harness):
    """4.4: DelaySeconds, per queue or (standard queues) per message."""
    h = lambda_harness
    q = h.sqs_queue("q", delay_seconds=10)
    m = q.send("late")
    now_message = q.send("now", delay_seconds=0)
    assert receive(q) == [now_message]
    h.advance(seconds=9)
    assert receive(q) == []
    h.advance(seconds=1)
    assert receive(q) == [m]
    with pytest.raises(QueueConfigError, match="delay_seconds=901 is out of range"):
        q.send("x", delay_seconds=901)


def test_retention_deletes_old_messages_in_flight_or_not(lambda_harness):
    """4.4: messages older than MessageRetentionPeriod are deleted, processed or not."""
    h = lambda_harness
    q = h.sqs_queue("q", message_retention_period=60, visibility_timeout=600)
    a = q.send("a")
    h.advance(seconds=30)
    b = q.send("b")
    assert receive(q, 1) == [a]  # a is now in flight
    h.advance(seconds=30)
    assert q.messages == [b] and a.state == "expired"
    h.advance(seconds=30)
    assert q.messages == [] and b.state == "expired"


def test_ten_messages_at_most_per_receive_is_the_callers_choice(lambda_harness):
    q = lambda_harness.sqs_queue("q")
    for i in range(25):
        q.send(str(i))
    assert [m.body for m in receive(q, 10)] == [str(i) for i in range(10)]


# --- redrive -------------------------------------------------------------------------------
def test_redrive_moves_a_message_after_max_receive_count_receives(lambda_harness):
    """4.4: once the receive count would exceed maxReceiveCount, SQS itself moves the message
    to the dead-letter queue, with DeadLetterQueueSourceArn; id, body and attributes stay."""
    h = lambda_harness
    dlq = h.sqs_queue("dlq")
    q = h.sqs_queue("q", visibility_timeout=10, max_receive_count=2, dead_letter_queue=dlq)
    m = q.send("poison", attributes={"k": "v"})
    for _ in range(2):
        assert receive(q) == [m]
        h.advance(seconds=10)
    assert receive(q) == [] and m.state == "dead_lettered"
    (moved,) = dlq.messages
    assert (moved.message_id, moved.body, moved.message_attributes) == (
        m.message_id, "poison", m.message_attributes)  # fmt: skip
    assert moved.attributes["DeadLetterQueueSourceArn"] == q.arn
    assert moved.attributes["SentTimestamp"] == m.attributes["SentTimestamp"]
    assert moved.receive_count == 2  # approximation: the count carries over


def test_a_standard_dead_letter_queue_keeps_the_original_enqueue_time(lambda_harness):
    """4.4/SQS DLQ retention: for standard queues expiry counts from the original enqueue
    time; FIFO dead-letter queues reset it."""
    h = lambda_harness
    dlq = h.sqs_queue("dlq", message_retention_period=120)
    q = h.sqs_queue("q", visibility_timeout=60, max_receive_count=1, dead_letter_queue=dlq)
    q.send("x")
    receive(q)
    h.advance(seconds=60)
    receive(q)  # moves it, 60 s after it was sent
    assert len(dlq.messages) == 1
    h.advance(seconds=60)
    assert dlq.messages == []  # 120 s after the original send


def test_a_fifo_dead_letter_queue_resets_enqueue_time_and_deduplication_id(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("dlq.fifo", message_retention_period=120)
    q = h.sqs_queue("q.fifo", visibility_timeout=60, max_receive_count=1, dead_letter_queue=dlq,
                    content_based_deduplication=True)  # fmt: skip
    m = q.send("x", group_id="g")
    receive(q)
    h.advance(seconds=60)
    receive(q)
    (moved,) = dlq.messages
    assert moved.attributes["MessageDeduplicationId"] == m.message_id
    assert moved.attributes["MessageGroupId"] == "g"
    h.advance(seconds=119)
    assert dlq.messages == [moved]


# --- FIFO ----------------------------------------------------------------------------------
def test_fifo_messages_need_a_group_and_a_deduplication_id(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("orders", fifo=True)
    assert q.name == "orders.fifo" and q.fifo
    with pytest.raises(QueueConfigError, match="needs group_id"):
        q.send("x")
    aws_says = ("The queue should either have ContentBasedDeduplication enabled or "
                "MessageDeduplicationId provided explicitly")  # fmt: skip
    with pytest.raises(QueueConfigError, match=aws_says):
        q.send("x", group_id="g")
    with pytest.raises(QueueConfigError, match="no per-message delay_seconds"):
        q.send("x", group_id="g", deduplication_id="d", delay_seconds=1)
    with pytest.raises(QueueConfigError, match="for FIFO queues only"):
        h.sqs_queue("std").send("x", deduplication_id="d")
    m = q.send("x", group_id="g", deduplication_id="d-1")
    assert {k: m.attributes[k] for k in ("MessageGroupId", "MessageDeduplicationId")} == {
        "MessageGroupId": "g",
        "MessageDeduplicationId": "d-1",
    }
    assert int(m.attributes["SequenceNumber"]) > 0


def test_fifo_deduplication_lasts_five_minutes(lambda_harness):
    """4.4: the FIFO deduplication interval is 5 minutes; a duplicate is accepted, not queued."""
    h = lambda_harness
    q = h.sqs_queue("q.fifo", content_based_deduplication=True)
    first = q.send("same", group_id="g")
    assert q.send("same", group_id="g") is first
    assert q.send("other", group_id="g") is not first  # content-based: another body
    assert q.send("x", group_id="g", deduplication_id="explicit").body == "x"
    assert q.send("y", group_id="g", deduplication_id="explicit").body == "x"
    assert len(q.messages) == 3
    h.advance(seconds=299)
    assert q.send("same", group_id="g") is first
    h.advance(seconds=1)
    again = q.send("same", group_id="g")
    assert again is not first and len(q.messages) == 4
    sequences = [int(m.attributes["SequenceNumber"]) for m in q.messages]
    assert sequences == sorted(sequences)


def test_fifo_receive_keeps_group_order_and_holds_back_groups_in_flight(lambda_harness):
    """4.6: order within a group; a group with a message in flight returns nothing more; the
    oldest group comes first, as many of its messages as fit, then other groups."""
    h = lambda_harness
    q = h.sqs_queue("q.fifo", content_based_deduplication=True)
    for body, group in [("a1", "A"), ("b1", "B"), ("a2", "A"), ("a3", "A"), ("b2", "B")]:
        q.send(body, group_id=group)
    assert [m.body for m in receive(q, 2)] == ["a1", "a2"]
    assert [m.body for m in receive(q, 10)] == ["b1", "b2"]  # group A is in flight
    assert receive(q) == []
    h.advance(seconds=30)  # A's and B's messages come back, in order
    assert [m.body for m in receive(q, 10)] == ["a1", "a2", "a3", "b1", "b2"]


def test_deleting_the_head_releases_the_group(lambda_harness):
    h = lambda_harness
    q = h.sqs_queue("q.fifo", content_based_deduplication=True)
    a1, a2 = q.send("a1", group_id="A"), q.send("a2", group_id="A")
    assert receive(q, 1) == [a1]
    assert receive(q) == []
    q.delete(a1)
    assert receive(q) == [a2]
