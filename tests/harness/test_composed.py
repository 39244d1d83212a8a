"""Flows composed from ordinary harness resources: what lands at the end of a chain is the
exact nesting AWS produces (DESIGN: "flows compose (S3 -> SNS -> SQS -> Lambda)")."""

import json
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.parser import models

T0 = datetime(2025, 6, 1, 12, 0, 0, 250_000, tzinfo=UTC)


@pytest.fixture
def h(lambda_harness):
    lambda_harness.clock.set(T0)
    return lambda_harness


def test_s3_to_sns_to_sqs_nests_the_s3_event_inside_the_sns_envelope(h):
    """shapes.md 6: an SQS body from SNS is the envelope; its Message is the S3 event JSON, and
    S3 publishes with the subject "Amazon S3 Notification"."""
    queue = h.sqs_queue("uploads")
    topic = h.sns_topic("uploads")
    subscription = topic.subscribe(queue)
    bucket = h.s3_bucket("photos")
    bucket.notify(topic, events=["s3:ObjectCreated:*"], prefix="cats/")
    bucket.put_object("cats/tom 1.jpg", b"meow")
    test_message, upload = queue.messages  # S3's s3:TestEvent comes first
    assert json.loads(test_message.json()["Message"])["Event"] == "s3:TestEvent"
    envelope = upload.json()
    assert (envelope["Type"], envelope["TopicArn"], envelope["Subject"]) == (
        "Notification", topic.arn, "Amazon S3 Notification")  # fmt: skip
    assert envelope["UnsubscribeURL"].endswith("SubscriptionArn=" + subscription.arn)
    event = json.loads(envelope["Message"])
    models.S3Model.model_validate(event)
    obj = event["Records"][0]["s3"]["object"]
    assert (obj["key"], obj["size"]) == ("cats/tom+1.jpg", 4)
    assert event["Records"][0]["eventTime"] == envelope["Timestamp"] == "2025-06-01T12:00:00.250Z"


def test_the_chain_validates_as_an_sqs_event_wrapping_sns_wrapping_s3(h):
    """What a function polling that queue would parse: powertools' SqsModel with the envelope."""
    queue = h.sqs_queue("uploads")
    topic = h.sns_topic("uploads")
    topic.subscribe(queue)
    bucket = h.s3_bucket("photos")
    bucket.notify(topic)
    bucket.put_object("a.jpg", b"x")
    message = queue.messages[-1]
    sqs_record = {
        "messageId": message.message_id, "receiptHandle": "AQEB", "body": message.body,
        "attributes": {**message.attributes, "ApproximateReceiveCount": "1",
                       "ApproximateFirstReceiveTimestamp": message.attributes["SentTimestamp"]},
        "messageAttributes": message.message_attributes, "md5OfBody": message.md5_of_body,
        "eventSource": "aws:sqs", "eventSourceARN": queue.arn, "awsRegion": h.region,
    }  # fmt: skip
    models.SqsModel.model_validate({"Records": [sqs_record]})
    notification = models.SnsNotificationModel.model_validate_json(message.body)
    models.S3Model.model_validate_json(notification.Message)


def test_s3_to_sns_to_failing_lambda_retries_then_reaches_the_function_dlq(h):
    """S3 and SNS both invoke asynchronously: the function's async retries (2.1) run, then
    the dead-letter queue gets the SNS event, whose Message is the S3 event (2.5)."""
    dlq = h.sqs_queue("thumbnails-dlq")

    def thumbnails(event, context):
        raise RuntimeError("corrupt image")

    fn = h.function(thumbnails, name="thumbnails")
    fn.configure_async(dead_letter_queue=dlq)
    topic = h.sns_topic("uploads")
    topic.subscribe(fn)
    bucket = h.s3_bucket("photos")
    bucket.notify(topic)
    bucket.put_object("a.jpg", b"x")
    h.run()
    # the s3:TestEvent invocation and the upload: three attempts each, at 0, 60, 180 s
    starts = sorted((i.started_at - T0).total_seconds() for i in fn.invocations)
    assert starts == [0, 0, 60, 60, 180, 180]
    assert [d.condition for d in fn.deliveries] == ["RetriesExhausted"] * 2
    sns_event = json.loads(dlq.messages[-1].body)
    models.SnsModel.model_validate(sns_event)
    s3_event = json.loads(sns_event["Records"][0]["Sns"]["Message"])
    assert s3_event["Records"][0]["s3"]["object"]["key"] == "a.jpg"
    attrs = dlq.messages[-1].message_attributes
    assert attrs["ErrorMessage"]["stringValue"] == "corrupt image"
    assert attrs["ErrorCode"]["stringValue"] == "200"
    assert [d.status for d in topic.subscriptions[0].deliveries] == ["succeeded"] * 2


def test_s3_to_sqs_body_is_the_s3_event(h):
    queue = h.sqs_queue("uploads")
    bucket = h.s3_bucket("photos")
    bucket.notify(queue, suffix=".csv")
    bucket.put_object("reports/q1.csv", b"a,b\n")
    event = queue.messages[-1].json()
    models.S3Model.model_validate(event)
    assert event["Records"][0]["s3"]["object"]["key"] == "reports/q1.csv"


def test_lambda_failure_to_bucket_to_topic_to_queue(h):
    """A failure record written to a bucket is an object like any other: its notification
    travels on through SNS to SQS."""
    alerts = h.sqs_queue("alerts")
    topic = h.sns_topic("failure-alerts")
    topic.subscribe(alerts, raw_message_delivery=True)
    bucket = h.s3_bucket("failures")
    bucket.notify(topic, prefix="aws/lambda/async/")

    def orders(event, context):
        raise ValueError("bad order")

    fn = h.function(orders, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=bucket)
    fn.invoke_async({"id": 1})
    h.run()
    s3_event = json.loads(alerts.messages[-1].body)  # raw delivery: the S3 event itself
    key = s3_event["Records"][0]["s3"]["object"]["key"]
    record = bucket.objects[key].json()
    assert record["responsePayload"]["errorMessage"] == "bad order"
