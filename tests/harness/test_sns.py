"""SNS topics in the harness: Lambda and SQS subscriptions, limits, FIFO topics, client-side
failures, delivery-status logs and filter policies (semantics.md section 3)."""

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import build_event
from pytest_lambda_events.errors import (
    FunctionConfigError,
    HarnessError,
    QueueConfigError,
    TopicConfigError,
)

T0 = datetime(2025, 6, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def ok(event, context):
    return None


def failing(event, context):
    raise RuntimeError("cannot handle it")


@pytest.fixture
def h(lambda_harness):
    lambda_harness.clock.set(T0)
    return lambda_harness


# --- Lambda subscriptions (section 3) ---------------------------------------------------------


def test_lambda_gets_one_record_shaped_like_the_sns_source(h):
    """3: one record, built from the topic's real state; same keys as the ``sns`` builder."""
    fn = h.function(ok, name="consumer")
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(fn)
    message_id = topic.publish("hello", subject="Hi", message_attributes={"n": 3})
    h.run()
    event = fn.invocations[0].event
    models.SnsModel.model_validate(event)
    (record,) = event["Records"]
    built = build_event("sns", 1)["Records"][0]
    assert list(record) == list(built) and list(record["Sns"]) == list(built["Sns"])
    sns = record["Sns"]
    assert record["EventSubscriptionArn"] == subscription.arn
    assert re.fullmatch(re.escape(topic.arn) + r":[0-9a-f-]{36}", subscription.arn)
    assert topic.arn == "arn:aws:sns:us-east-1:123456789012:alerts"
    assert (sns["MessageId"], sns["TopicArn"], sns["Message"]) == (message_id, topic.arn, "hello")
    assert sns["Subject"] == "Hi" and sns["Timestamp"] == "2025-06-01T12:00:00.250Z"
    assert sns["MessageAttributes"] == {"n": {"Type": "Number", "Value": "3"}}
    assert sns["UnsubscribeUrl"].endswith("SubscriptionArn=" + subscription.arn)
    assert len(base64.b64decode(sns["Signature"])) == 256


def test_subject_is_null_and_attributes_empty_when_not_published(h):
    fn = h.function(ok, name="consumer")
    topic = h.sns_topic("alerts")
    topic.subscribe(fn)
    topic.publish("no subject")
    h.run()
    sns = fn.invocations[0].event["Records"][0]["Sns"]
    assert sns["Subject"] is None and sns["MessageAttributes"] == {}


def test_function_errors_follow_lambda_async_retries_not_sns_retries(h):
    """3 + 2.1: SNS has delivered once Lambda accepts (202); Lambda retries at +60 s, +180 s."""
    dlq = h.sqs_queue("consumer-dlq")
    fn = h.function(failing, name="consumer")
    fn.configure_async(dead_letter_queue=dlq)
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(fn)
    topic.publish("boom")
    h.run()
    assert [(i.started_at - T0).total_seconds() for i in fn.invocations] == [0, 60, 180]
    (sns_delivery,) = subscription.deliveries
    assert (sns_delivery.status, sns_delivery.condition) == ("succeeded", "Success")
    assert fn.deliveries[0].condition == "RetriesExhausted"
    assert json.loads(dlq.messages[0].body)["Records"][0]["Sns"]["Message"] == "boom"


# --- SQS subscriptions (shapes.md section 6) ---------------------------------------------------


def test_sqs_body_is_the_sns_envelope_in_http_spelling(h):
    """shapes.md 6: raw delivery off -> JSON body with the SNS envelope (SigningCertURL ...)."""
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(queue)
    message_id = topic.publish("hello")
    (message,) = queue.messages
    envelope = message.json()
    # no Subject and no MessageAttributes when none were published
    assert list(envelope) == ["Type", "MessageId", "TopicArn", "Message", "Timestamp",
                              "SignatureVersion", "Signature", "SigningCertURL",
                              "UnsubscribeURL"]  # fmt: skip
    assert envelope["MessageId"] == message_id and envelope["Message"] == "hello"
    assert envelope["UnsubscribeURL"].endswith("SubscriptionArn=" + subscription.arn)
    assert message.body.startswith('{\n  "Type" : "Notification",\n  "MessageId" : ')
    assert message.md5_of_body == hashlib.md5(message.body.encode()).hexdigest()
    assert message.message_attributes == {}  # attributes travel inside the envelope


def test_sqs_envelope_carries_subject_and_attributes_when_published(h):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    topic.subscribe(queue)
    topic.publish("hi", subject="Greeting", message_attributes={"kind": "order", "n": 2})
    envelope = queue.messages[0].json()
    assert envelope["Subject"] == "Greeting"
    assert envelope["MessageAttributes"] == {"kind": {"Type": "String", "Value": "order"},
                                             "n": {"Type": "Number", "Value": "2"}}  # fmt: skip
    assert '\n    "kind" : {"Type":"String","Value":"order"},\n' in queue.messages[0].body


def test_raw_delivery_sends_the_message_with_sqs_message_attributes(h):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    topic.subscribe(queue, raw_message_delivery=True)
    topic.publish('{"id": 1}', message_attributes={"kind": "order", "n": 2, "blob": b"\x00\x01"})
    (message,) = queue.messages
    assert message.body == '{"id": 1}'
    attrs = message.message_attributes
    assert attrs["kind"]["dataType"] == "String" and attrs["kind"]["stringValue"] == "order"
    assert attrs["n"]["dataType"] == "Number" and attrs["n"]["stringValue"] == "2"
    assert attrs["blob"]["dataType"] == "Binary"
    assert base64.b64decode(attrs["blob"]["binaryValue"]) == b"\x00\x01"


def test_raw_delivery_is_refused_for_lambda(h):
    topic = h.sns_topic("alerts")
    with pytest.raises(TopicConfigError, match="raw_message_delivery applies to SQS"):
        topic.subscribe(h.function(ok, name="consumer"), raw_message_delivery=True)


# --- Publish limits -----------------------------------------------------------------------------


def test_limits_at_the_edge_are_accepted(h):
    """256 KiB message, 100-character subject, 10 attributes."""
    topic = h.sns_topic("alerts")
    attributes = {f"a{i}": "v" for i in range(10)}
    assert topic.publish("x" * 262_144, subject="s" * 100, message_attributes=attributes)


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"message": "x" * 262_145}, r"262,145 bytes; SNS messages are 1 to 262,144 bytes"),
     ({"message": ""}, r"0 bytes"),
     ({"message": {"a": 1}}, r"message is a str, not dict"),
     ({"message": "m", "subject": "s" * 101}, r"1 to 100 printable ASCII characters"),
     ({"message": "m", "subject": "two\nlines"}, r"no line breaks"),
     ({"message": "m", "subject": "caf\u00e9"}, r"printable ASCII"),
     ({"message": "m", "message_attributes": {f"a{i}": 1 for i in range(11)}},
      r"11 message attributes; at most 10"),
     ({"message": "m", "message_attributes": {"AWS.trace": "x"}},
      r"not starting with 'AWS.' or 'Amazon.'"),
     ({"message": "m", "message_attributes": {"flag": True}}, r"'flag' has a bool"),
     ({"message": "m", "group_id": "g"}, r"apply to FIFO topics only")],
)  # fmt: skip
def test_publish_refuses_what_sns_refuses(h, kwargs, pattern):
    with pytest.raises(TopicConfigError, match=pattern):
        h.sns_topic("alerts").publish(**kwargs)


@pytest.mark.parametrize(
    ("name", "settings", "pattern"),
    [("bad name", {}, r"1-256 letters, digits, '-' or '_'"),
     ("t" * 257, {}, r"not a topic name"),
     ("alerts", {"signature_version": "3"}, r"'1' \(SHA1\) or '2' \(SHA256\)"),
     ("alerts", {"content_based_deduplication": True}, r"FIFO topics only"),
     ("alerts", {"signature_versoin": "2"},
      r"unknown setting 'signature_versoin' \(did you mean 'signature_version'\?\); allowed: ")],
)  # fmt: skip
def test_topic_settings_are_checked(h, name, settings, pattern):
    with pytest.raises(TopicConfigError, match=pattern):
        h.sns_topic(name, **settings)


def test_topic_names_are_unique_in_a_harness(h):
    h.sns_topic("alerts")
    with pytest.raises(HarnessError, match="a topic named 'alerts' exists already"):
        h.sns_topic("alerts")


def test_subscription_endpoints_are_functions_or_queues(h):
    topic = h.sns_topic("alerts")
    with pytest.raises(TopicConfigError, match="a harness Function or Queue, not str"):
        topic.subscribe("arn:aws:lambda:us-east-1:123456789012:function:f")
    with pytest.raises(TopicConfigError, match="dead_letter_queue is an SQS queue"):
        topic.subscribe(h.sqs_queue("inbox"), dead_letter_queue=topic)


# --- FIFO topics ----------------------------------------------------------------------------


def test_fifo_topics_cannot_deliver_to_lambda(h):
    """3: FIFO topics deliver to SQS only."""
    topic = h.sns_topic("orders.fifo")
    assert topic.fifo and topic.arn.endswith(":orders.fifo")
    with pytest.raises(TopicConfigError, match="FIFO topics deliver only to SQS queues, not to"):
        topic.subscribe(h.function(ok, name="consumer"))


def test_fifo_topics_pair_with_fifo_queues(h):
    """3.2: "A FIFO topic needs a FIFO queue" (the same pairing for endpoints)."""
    fifo_topic = h.sns_topic("orders", fifo=True)
    with pytest.raises(TopicConfigError, match="FIFO topic, so its subscription endpoint must"):
        fifo_topic.subscribe(h.sqs_queue("standard"))
    with pytest.raises(TopicConfigError, match="its dead_letter_queue must be a FIFO queue"):
        fifo_topic.subscribe(h.sqs_queue("a.fifo"), dead_letter_queue=h.sqs_queue("dlq"))
    with pytest.raises(TopicConfigError, match="standard topic, so its subscription endpoint"):
        h.sns_topic("alerts").subscribe(h.sqs_queue("b.fifo"))


def test_fifo_topic_passes_group_and_sequence_and_deduplicates_for_5_minutes(h):
    queue = h.sqs_queue("orders.fifo")
    topic = h.sns_topic("orders.fifo", content_based_deduplication=True)
    topic.subscribe(queue)
    first = topic.publish("order 1", group_id="customer-7")
    assert topic.publish("order 1", group_id="customer-7") == first  # within 5 minutes
    assert len(queue.messages) == 1
    envelope = queue.messages[0].json()
    # FIFO: SequenceNumber, no signature fields (powertools snsSqsFifoEvent.json)
    assert list(envelope) == ["Type", "MessageId", "SequenceNumber", "TopicArn", "Message",
                              "Timestamp", "UnsubscribeURL"]  # fmt: skip
    assert queue.messages[0].group_id == "customer-7"
    h.advance(minutes=5)
    second = topic.publish("order 1", group_id="customer-7")
    assert second != first and len(queue.messages) == 2
    assert int(queue.messages[1].json()["SequenceNumber"]) > int(envelope["SequenceNumber"])


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({}, r"needs group_id \(MessageGroupId, 1 to 128 characters\)"),
     ({"group_id": "g" * 129}, r"1 to 128 characters"),
     ({"group_id": "g"}, r"give deduplication_id, or create the topic with content_based")],
)  # fmt: skip
def test_fifo_publish_needs_group_and_deduplication_ids(h, kwargs, pattern):
    with pytest.raises(TopicConfigError, match=pattern):
        h.sns_topic("orders.fifo").publish("m", **kwargs)


# --- Client-side errors (3.1, 3.2) ------------------------------------------------------------


def test_deleted_function_is_a_client_error_not_retried_and_goes_to_the_dlq(h):
    """3.1: client-side errors are not retried; 3.2: they go to the subscription DLQ."""
    dlq = h.sqs_queue("subscription-dlq")
    fn = h.function(ok, name="consumer")
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(fn, dead_letter_queue=dlq)
    fn.delete()
    message_id = topic.publish("lost?", subject="S")
    h.run()
    (delivery,) = subscription.deliveries
    assert (delivery.status, delivery.condition) == ("failed", "ResourceNotFoundException")
    assert fn.invocations == []
    (log,) = topic.delivery_logs
    assert log["status"] == "FAILURE" and log["delivery"]["attempts"] == 1
    assert log["delivery"]["statusCode"] == 404
    envelope = dlq.messages[0].json()  # approximation (3.2): the SNS envelope
    assert (envelope["MessageId"], envelope["Message"], envelope["Subject"]) == (
        message_id, "lost?", "S")  # fmt: skip
    assert envelope["UnsubscribeURL"].endswith(subscription.arn)


def test_deleted_queue_without_dlq_drops_the_message(h):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(queue, raw_message_delivery=True)
    queue.delete_queue()
    topic.publish("gone")
    (delivery,) = subscription.deliveries
    assert delivery.condition == "AWS.SimpleQueueService.NonExistentQueue"
    assert topic.delivery_logs[0]["delivery"]["statusCode"] == 400


def test_raw_subscription_dlq_gets_the_raw_message_and_attributes(h):
    dlq = h.sqs_queue("dlq")
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    topic.subscribe(queue, raw_message_delivery=True, dead_letter_queue=dlq)
    queue.delete_queue()
    topic.publish("raw", message_attributes={"k": "v"})
    assert dlq.messages[0].body == "raw"
    assert dlq.messages[0].message_attributes["k"]["stringValue"] == "v"


def test_deleted_functions_and_queues_refuse_direct_calls(h):
    fn = h.function(ok, name="consumer")
    fn.delete()
    with pytest.raises(FunctionConfigError, match=r"Function not found: .*ResourceNotFound"):
        fn.invoke({})
    with pytest.raises(FunctionConfigError, match="consumer was deleted"):
        fn.invoke_async({})
    queue = h.sqs_queue("inbox")
    queue.delete_queue()
    with pytest.raises(QueueConfigError, match="NonExistentQueue"):
        queue.send("x")


# --- Delivery-status logs (3.3) ---------------------------------------------------------------


def test_delivery_status_log_for_lambda_has_the_aws_json_shape(h):
    """3.3: notification{messageMD5Sum, messageId, topicArn, timestamp 'YYYY-MM-DD HH:MM:SS.mmm'},
    delivery{...}, status; 202 and {"lambdaRequestId": ...} for Lambda (approximation)."""
    fn = h.function(ok, name="consumer")
    topic = h.sns_topic("alerts")
    topic.subscribe(fn)
    message_id = topic.publish("hello")
    h.run()
    (log,) = topic.delivery_logs
    assert list(log) == ["notification", "delivery", "status"]
    assert log["notification"] == {
        "messageMD5Sum": hashlib.md5(b"hello").hexdigest(), "messageId": message_id,
        "topicArn": topic.arn, "timestamp": "2025-06-01 12:00:00.250",
    }  # fmt: skip
    delivery = log["delivery"]
    assert list(delivery) == ["deliveryId", "destination", "providerResponse", "dwellTimeMs",
                              "attempts", "statusCode"]  # fmt: skip
    assert (delivery["destination"], delivery["statusCode"], delivery["attempts"]) == (
        fn.arn, 202, 1)  # fmt: skip
    assert json.loads(delivery["providerResponse"]) == {
        "lambdaRequestId": fn.invocations[0].request_id
    }
    assert delivery["dwellTimeMs"] == 0 and log["status"] == "SUCCESS"


def test_delivery_status_log_for_sqs_names_the_queue(h):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    topic.subscribe(queue)
    topic.publish("hello")
    delivery = topic.delivery_logs[0]["delivery"]
    assert delivery["destination"] == queue.arn and delivery["statusCode"] == 200
    assert json.loads(delivery["providerResponse"])["sqsMessageId"] == queue.messages[0].message_id


def test_every_subscription_delivery_is_in_the_ledger(h):
    topic = h.sns_topic("alerts")
    topic.subscribe(h.sqs_queue("a"))
    topic.subscribe(h.sqs_queue("b"))
    topic.publish("x")
    topic.publish("y")
    flows = [d.flow for d in h.ledger.deliveries]
    assert flows == ["sns:alerts"] * 4
    assert [len(s.deliveries) for s in topic.subscriptions] == [2, 2]


# --- Filter policies --------------------------------------------------------------------------

ATTRS = {"store": "example_corp", "event": "order_placed", "price_usd": 210.75,
         "interests": ["soccer", "rugby"], "blob": b"\x01"}  # fmt: skip


@pytest.mark.parametrize(
    ("policy", "delivered"),
    [({"store": ["example_corp"]}, True),
     ({"store": ["Example_Corp"]}, False),  # case-sensitive
     ({"store": ["other", "example_corp"]}, True),  # alternatives are ORed
     ({"store": ["example_corp"], "event": ["order_cancelled"]}, False),  # keys are ANDed
     ({"event": [{"prefix": "order_"}]}, True),
     ({"event": [{"suffix": "_placed"}]}, True),
     ({"store": [{"equals-ignore-case": "EXAMPLE_CORP"}]}, True),
     ({"store": [{"anything-but": ["example_corp"]}]}, False),
     ({"store": [{"anything-but": {"prefix": "test"}}]}, True),
     ({"price_usd": [{"numeric": [">=", 100, "<", 300]}]}, True),
     ({"price_usd": [{"numeric": ["=", 210.75]}]}, True),
     ({"price_usd": [210.75]}, True),
     ({"price_usd": [{"numeric": ["<", 100]}]}, False),
     ({"price_usd": ["210.75"]}, False),  # a string never equals a Number attribute
     ({"interests": ["rugby"]}, True),  # String.Array: any element
     ({"missing": [{"exists": False}]}, True),
     ({"store": [{"exists": True}]}, True),
     ({"blob": [{"exists": True}]}, False),  # Binary attributes take no part
     ({"missing": [{"anything-but": "x"}]}, False)],  # anything-but needs the attribute
)  # fmt: skip
def test_filter_policies_on_message_attributes(h, policy, delivered):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(queue, filter_policy=policy)
    topic.publish("m", message_attributes=ATTRS)
    (delivery,) = subscription.deliveries
    assert (len(queue.messages) == 1) is delivered
    assert delivery.status == ("succeeded" if delivered else "filtered")
    if not delivered:
        assert delivery.condition == "FilteredOut" and not topic.delivery_logs


def test_a_message_without_attributes_is_filtered_out_and_says_why(h):
    topic = h.sns_topic("alerts")
    subscription = topic.subscribe(h.function(ok, name="f"), filter_policy={"store": ["x"]})
    topic.publish("m")
    h.run()
    (delivery,) = subscription.deliveries
    assert delivery.status == "filtered"
    assert delivery.reason == "the message has no attributes; the filter policy needs 'store'"
    assert subscription.endpoint.invocations == []


@pytest.mark.parametrize(
    ("policy", "pattern"),
    [({f"k{i}": ["v"] for i in range(6)}, r"6 keys; SNS allows at most 5"),
     ({"a": list("abcdef"), "b": list("abcdef"), "c": list("abcde")},
      r"180 combinations of values .*at most 150"),
     ({"store": "example_corp"}, r"'store' needs a non-empty list of conditions"),
     ({"store": [{"anything_but": ["x"]}]},
      r"unknown operator 'anything_but' \(did you mean 'anything-but'\?\)"),
     ({"price": [{"numeric": ["<", 1e10]}]}, r"numbers from -1e9 to 1e9"),
     ({"price": [{"numeric": ["<", 5, ">", 1]}]}, r"lower bound first"),
     ({"price": [{"numeric": ["~", 5]}]}, r"numeric operators are =, <, <=, >, >="),
     ({"store": [{"exists": "yes"}]}, r"exists takes true or false"),
     ({"store": [{"prefix": ""}]}, r"prefix takes a non-empty string"),
     ({"store": [None]}, r"None is not a condition"),
     ({}, r"a dict of attribute name -> list of conditions")],
)  # fmt: skip
def test_invalid_filter_policies_are_refused_at_subscribe(h, policy, pattern):
    with pytest.raises(TopicConfigError, match=pattern):
        h.sns_topic("alerts").subscribe(h.sqs_queue("inbox"), filter_policy=policy)


# --- As an async destination and dead-letter queue (2.4, 2.5) ---------------------------------


def test_topic_as_on_failure_destination_publishes_the_record(h):
    """2.4: "SQS and SNS: the record is the message body (Message)"."""
    inbox = h.sqs_queue("inbox")
    topic = h.sns_topic("failures")
    topic.subscribe(inbox)
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=topic)
    fn.invoke_async({"id": 9})
    h.run()
    record = json.loads(inbox.messages[0].json()["Message"])
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == {"id": 9}


def test_topic_as_function_dlq_publishes_the_event_with_error_attributes(h):
    """2.5: the original event, with RequestID, ErrorCode (Number) and ErrorMessage."""
    topic = h.sns_topic("dead-letters")
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, dead_letter_queue=topic)
    fn.invoke_async({"id": 9})
    h.run()
    (notification,) = topic.published
    assert json.loads(notification.message) == {"id": 9}
    assert notification.attributes == {
        "RequestID": {"Type": "String", "Value": fn.invocations[0].request_id},
        "ErrorCode": {"Type": "Number", "Value": "200"},
        "ErrorMessage": {"Type": "String", "Value": "cannot handle it"},
    }


def test_oversized_records_lose_their_payloads_and_oversized_dead_letters_are_dropped(h):
    """2.2: SNS destinations take 256 KB; above that Lambda drops the payload (2.5: DLQ too)."""
    topic = h.sns_topic("failures")
    big = {"blob": "x" * 300_000}
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=topic, dead_letter_queue=topic)
    fn.invoke_async(big)
    h.run()
    (notification,) = topic.published  # the record only; the event was too big for the DLQ
    record = json.loads(notification.message)
    assert "requestPayload" not in record and "responsePayload" not in record
    assert record["requestContext"]["condition"] == "RetriesExhausted"


def test_fifo_topics_and_queues_cannot_be_function_dead_letter_queues(h):
    """2.5 (Lambda guide): a standard SQS queue or standard SNS topic."""
    fn = h.function(failing, name="orders")
    with pytest.raises(FunctionConfigError, match="is FIFO; a function's dead-letter queue is"):
        fn.configure_async(dead_letter_queue=h.sns_topic("dlq.fifo"))
    with pytest.raises(FunctionConfigError, match=r"orders-dlq\.fifo is FIFO"):
        fn.configure_async(dead_letter_queue=h.sqs_queue("orders-dlq.fifo"))


def test_publish_time_follows_the_virtual_clock(h):
    queue = h.sqs_queue("inbox")
    topic = h.sns_topic("alerts")
    topic.subscribe(queue)
    h.advance(hours=1)
    topic.publish("later")
    assert queue.messages[0].json()["Timestamp"] == "2025-06-01T13:00:00.250Z"
    assert topic.published[0].timestamp == T0 + timedelta(hours=1)
