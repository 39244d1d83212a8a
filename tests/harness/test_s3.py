"""S3 buckets in the harness: the notifications S3 sends for object operations, notification
configurations (event types, filters, overlaps, test events), and a bucket as an on-failure
destination (shapes.md section 1; semantics.md 2.2, 2.4)."""

import hashlib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import build_event
from pytest_lambda_events.errors import BucketConfigError, FunctionConfigError, HarnessError

T0 = datetime(2025, 6, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def ok(event, context):
    return None


def failing(event, context):
    raise RuntimeError("cannot read it")


@pytest.fixture
def h(lambda_harness):
    lambda_harness.clock.set(T0)
    return lambda_harness


def records(fn):
    return [inv.event["Records"][0] for inv in fn.invocations]


# --- The notification record (shapes.md section 1) ---------------------------------------------


def test_put_object_sends_the_exact_record_to_lambda(h):
    fn = h.function(ok, name="thumbnails")
    bucket = h.s3_bucket("photos")
    config = bucket.notify(fn, events=["s3:ObjectCreated:*"], configuration_id="to-thumbnails")
    bucket.put_object("cats/tom 1.jpg", b"meow")
    h.run()
    (invocation,) = fn.invocations
    models.S3Model.model_validate(invocation.event)
    (record,) = invocation.event["Records"]
    built = build_event("s3", 1)["Records"][0]
    assert list(record) == list(built) and list(record["s3"]) == list(built["s3"])
    assert (record["eventVersion"], record["eventSource"], record["eventName"]) == (
        "2.1", "aws:s3", "ObjectCreated:Put")  # fmt: skip
    assert (record["awsRegion"], record["eventTime"]) == ("us-east-1", "2025-06-01T12:00:00.250Z")
    assert record["userIdentity"] == {"principalId": f"AWS:{h.sender_id}"}
    assert re.fullmatch(r"[0-9A-F]{16}", record["responseElements"]["x-amz-request-id"])
    s3 = record["s3"]
    assert s3["configurationId"] == config.id == "to-thumbnails"
    assert s3["bucket"]["name"] == "photos" and s3["bucket"]["arn"] == "arn:aws:s3:::photos"
    assert s3["object"] == {"key": "cats/tom+1.jpg", "size": 4,
                            "eTag": hashlib.md5(b"meow").hexdigest(),
                            "sequencer": s3["object"]["sequencer"]}  # fmt: skip
    assert re.fullmatch(r"00[0-9A-F]{16}", s3["object"]["sequencer"])


def test_keys_are_url_form_encoded_in_the_event(h):
    fn = h.function(ok, name="f")
    bucket = h.s3_bucket("photos")
    bucket.notify(fn)
    bucket.put_object("a b+c/é=1.txt", "x")
    h.run()
    assert records(fn)[0]["s3"]["object"]["key"] == "a+b%2Bc/%C3%A9%3D1.txt"


def test_sequencer_grows_per_key_and_version_id_appears_only_when_versioned(h):
    fn = h.function(ok, name="f")
    plain = h.s3_bucket("plain")
    plain.notify(fn, events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    plain.put_object("k", b"1")
    plain.put_object("k", b"2")
    h.advance(seconds=1)
    plain.delete_object("k")
    h.run()
    objects = [r["s3"]["object"] for r in records(fn)]
    sequencers = [o["sequencer"] for o in objects]
    assert sequencers == sorted(sequencers) and len(set(sequencers)) == 3
    assert all("versionId" not in o for o in objects)
    assert objects[2] == {"key": "k", "sequencer": sequencers[2]}  # removal: no size or eTag


def test_versioned_delete_creates_a_delete_marker(h):
    """shapes.md 1: DeleteMarkerCreated happens only in versioned buckets, with the marker's id."""
    fn = h.function(ok, name="f")
    bucket = h.s3_bucket("docs", versioning=True)
    bucket.notify(fn, events=["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])
    first = bucket.put_object("report.pdf", b"v1")
    second = bucket.put_object("report.pdf", b"v2")
    marker = bucket.delete_object("report.pdf")
    h.run()
    created, _, removed = records(fn)
    assert created["s3"]["object"]["versionId"] == first.version_id
    assert re.fullmatch(r"[A-Za-z0-9._]{32}", first.version_id)
    assert removed["eventName"] == "ObjectRemoved:DeleteMarkerCreated"
    assert removed["s3"]["object"]["versionId"] == marker.version_id
    assert set(removed["s3"]["object"]) == {"key", "versionId", "sequencer"}
    assert bucket.objects == {}
    assert [v.version_id for v in bucket.versions] == [first.version_id, second.version_id,
                                                       marker.version_id]  # fmt: skip


def test_deleting_a_version_removes_it_and_reports_its_id(h):
    fn = h.function(ok, name="f")
    bucket = h.s3_bucket("docs", versioning=True)
    bucket.notify(fn, events=["s3:ObjectRemoved:Delete"])
    first = bucket.put_object("report.pdf", b"v1")
    second = bucket.put_object("report.pdf", b"v2")
    bucket.delete_object("report.pdf", version_id=second.version_id)
    h.run()
    (removed,) = records(fn)
    assert removed["eventName"] == "ObjectRemoved:Delete"
    assert removed["s3"]["object"]["versionId"] == second.version_id
    assert bucket.objects["report.pdf"].version_id == first.version_id  # the older one is back
    with pytest.raises(BucketConfigError, match="has no version 'nope' \\(NoSuchVersion\\)"):
        bucket.delete_object("report.pdf", version_id="nope")
    with pytest.raises(BucketConfigError, match="needs a bucket created with versioning=True"):
        h.s3_bucket("plain").delete_object("k", version_id="x")


def test_objects_hold_what_was_put(h):
    bucket = h.s3_bucket("data")
    obj = bucket.put_object("a.json", '{"x": 1}', metadata={"Owner": "team-a"})
    assert bucket.objects["a.json"] is obj
    assert (obj.size, obj.json(), obj.metadata) == (8, {"x": 1}, {"owner": "team-a"})
    assert obj.last_modified == T0 and obj.version_id is None
    bucket.delete_object("a.json")
    assert bucket.objects == {}


def test_a_failing_handler_gets_lambda_async_retries(h):
    """S3 invokes asynchronously: 2 retries, about 1 and 2 minutes apart (semantics.md 2.1)."""
    fn = h.function(failing, name="f")
    bucket = h.s3_bucket("photos")
    bucket.notify(fn)
    bucket.put_object("a.jpg", b"x")
    h.run()
    assert [(i.started_at - T0).total_seconds() for i in fn.invocations] == [0, 60, 180]
    assert (bucket.notifications[0].deliveries[0].status, fn.deliveries[0].condition) == (
        "succeeded", "RetriesExhausted")  # fmt: skip


# --- Event types and filters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("events", "operation", "sent"),
    [(["s3:ObjectCreated:*"], "put", True),
     (["s3:ObjectCreated:Put"], "put", True),
     (["s3:ObjectCreated:Post"], "put", False),
     (["s3:ObjectCreated:*"], "delete", False),
     (["s3:ObjectRemoved:*"], "delete", True),
     (["s3:ObjectRemoved:DeleteMarkerCreated"], "delete", False)],  # unversioned: Delete
)  # fmt: skip
def test_event_types_and_wildcards(h, events, operation, sent):
    fn = h.function(ok, name="f")
    bucket = h.s3_bucket("photos")
    bucket.put_object("a.jpg", b"x")
    bucket.notify(fn, events=events)
    bucket.put_object("a.jpg", b"x") if operation == "put" else bucket.delete_object("a.jpg")
    h.run()
    assert len(fn.invocations) == int(sent)


@pytest.mark.parametrize(
    ("prefix", "suffix", "key", "sent"),
    [("images/", None, "images/cat.jpg", True),
     ("images/", None, "logs/cat.jpg", False),
     (None, ".jpg", "images/cat.jpg", True),
     (None, ".jpg", "images/cat.JPG", False),  # case-sensitive
     ("images/", ".png", "images/cat.jpg", False),  # both must match
     ("my+photos/", None, "my photos/cat.jpg", True),  # a space is written "+"
     ("my photos/", None, "my photos/cat.jpg", False),
     ("v%3D1/", None, "v=1/cat.jpg", True)],  # other special characters percent-encoded
)  # fmt: skip
def test_prefix_and_suffix_filters_compare_the_encoded_key(h, prefix, suffix, key, sent):
    """S3 user guide ("object key name filtering"): a space in a filter value is "+", other
    special characters are URL-encoded, as the key is in the event."""
    fn = h.function(ok, name="f")
    bucket = h.s3_bucket("photos")
    bucket.notify(fn, prefix=prefix, suffix=suffix)
    bucket.put_object(key, b"x")
    h.run()
    assert len(fn.invocations) == int(sent)


@pytest.mark.parametrize(
    ("first", "second"),
    [({"events": ["s3:ObjectCreated:*"]}, {"events": ["s3:ObjectCreated:*"]}),
     ({"events": ["s3:ObjectCreated:*"]}, {"events": ["s3:ObjectCreated:Put"]}),
     ({"prefix": "images/"}, {"prefix": "images/thumbs/"}),
     ({"suffix": ".jpg"}, {"suffix": "cat.jpg"}),
     ({"prefix": "images/"}, {"suffix": ".jpg"}),
     ({"events": ["s3:ObjectRemoved:*", "s3:ObjectCreated:Put"]}, {})],
)  # fmt: skip
def test_overlapping_configurations_are_refused(h, first, second):
    bucket = h.s3_bucket("photos")
    bucket.notify(h.function(ok, name="a"), **first)
    with pytest.raises(BucketConfigError, match=r"Configurations overlap\. Configurations on the "
                       r"same bucket cannot share a common event type\."):  # fmt: skip
        bucket.notify(h.function(ok, name="b"), **second)


@pytest.mark.parametrize(
    ("first", "second"),
    [({"prefix": "images/"}, {"prefix": "logs/"}),
     ({"prefix": "images/", "suffix": ".jpg"}, {"prefix": "images/", "suffix": ".png"}),
     ({"events": ["s3:ObjectCreated:*"]}, {"events": ["s3:ObjectRemoved:*"]}),
     ({"events": ["s3:ObjectCreated:Put"]}, {"events": ["s3:ObjectCreated:Copy"]})],
)  # fmt: skip
def test_disjoint_configurations_coexist_and_each_gets_its_events(h, first, second):
    bucket = h.s3_bucket("photos")
    a = bucket.notify(h.function(ok, name="a"), **first)
    b = bucket.notify(h.function(ok, name="b"), **second)
    assert bucket.notifications == [a, b]


def test_configuration_ids_are_generated_and_unique(h):
    bucket = h.s3_bucket("photos")
    config = bucket.notify(h.function(ok, name="a"), prefix="a/")
    assert re.fullmatch(r"[A-Za-z0-9+/]{48}", config.id)  # approximation: base64 of a UUID
    bucket.notify(h.function(ok, name="b"), prefix="b/", configuration_id="mine")
    with pytest.raises(BucketConfigError, match="configuration id 'mine' is taken"):
        bucket.notify(h.function(ok, name="c"), prefix="c/", configuration_id="mine")


# --- Queue and topic destinations -------------------------------------------------------------


def test_queue_destination_gets_the_test_event_then_the_json_event(h):
    """S3 sends s3:TestEvent when the configuration is saved; a body is the S3 event JSON."""
    queue = h.sqs_queue("uploads")
    bucket = h.s3_bucket("photos")
    bucket.notify(queue)
    bucket.put_object("a.jpg", b"x")
    test, event = (m.json() for m in queue.messages)
    assert list(test) == ["Service", "Event", "Time", "Bucket", "RequestId", "HostId"]
    assert (test["Service"], test["Event"], test["Bucket"], test["Time"]) == (
        "Amazon S3", "s3:TestEvent", "photos", "2025-06-01T12:00:00.250Z")  # fmt: skip
    assert event["Records"][0]["eventName"] == "ObjectCreated:Put"
    assert queue.messages[1].body.startswith('{"Records":[{"eventVersion":"2.1",')  # compact


def test_topic_destination_publishes_with_the_s3_subject(h):
    topic = h.sns_topic("uploads")
    bucket = h.s3_bucket("photos")
    bucket.notify(topic)
    bucket.put_object("a.jpg", b"x")
    test, event = topic.published
    assert test.subject == event.subject == "Amazon S3 Notification"
    assert json.loads(test.message)["Event"] == "s3:TestEvent"
    assert json.loads(event.message)["Records"][0]["s3"]["object"]["key"] == "a.jpg"


def test_lambda_destinations_get_no_test_event(h):
    fn = h.function(ok, name="f")
    h.s3_bucket("photos").notify(fn)
    h.run()
    assert fn.invocations == []


def test_a_deleted_destination_loses_the_event(h):
    queue = h.sqs_queue("uploads")
    bucket = h.s3_bucket("photos")
    config = bucket.notify(queue)
    queue.delete_queue()
    bucket.put_object("a.jpg", b"x")
    delivery = config.deliveries[-1]
    assert (delivery.status, delivery.condition) == (
        "failed", "AWS.SimpleQueueService.NonExistentQueue")  # fmt: skip


# --- What S3 refuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [({"events": ["s3:ObjectCreated:put"]},
      r"'s3:ObjectCreated:put' is not an S3 event type \(did you mean 's3:ObjectCreated:Put'"),
     ({"events": "s3:ObjectCreated:*"}, r"events is a non-empty list of event types"),
     ({"events": []}, r"non-empty list"),
     ({"prefix": "p" * 1025}, r"prefix: a string of at most 1024 bytes")],
)  # fmt: skip
def test_notification_settings_are_checked(h, kwargs, pattern):
    with pytest.raises(BucketConfigError, match=pattern):
        h.s3_bucket("photos").notify(h.function(ok, name="f"), **kwargs)


def test_destinations_are_standard_queues_topics_or_functions(h):
    bucket = h.s3_bucket("photos")
    with pytest.raises(BucketConfigError, match=r"uploads\.fifo is FIFO; S3 event notifications"):
        bucket.notify(h.sqs_queue("uploads.fifo"))
    with pytest.raises(BucketConfigError, match=r"alerts\.fifo is FIFO"):
        bucket.notify(h.sns_topic("alerts.fifo"))
    with pytest.raises(BucketConfigError, match="a harness Function, Topic or Queue, not str"):
        bucket.notify("arn:aws:sqs:us-east-1:123456789012:q")


@pytest.mark.parametrize(
    ("call", "pattern"),
    [(lambda b: b.put_object("", b"x"), r"S3 keys are 1 to 1,024 bytes of UTF-8"),
     (lambda b: b.put_object("é" * 513, b"x"), r"1 to 1,024 bytes"),
     (lambda b: b.put_object("k", 42), r"body is bytes or str"),
     (lambda b: b.put_object("k", b"", metadata={"m": "v" * 2048}),
      r"2,049 bytes; user-defined metadata is at most 2 KB"),
     (lambda b: b.put_object("k", b"", metadata={"n": 1}), r"str names to str values")],
)  # fmt: skip
def test_object_requests_are_checked(h, call, pattern):
    with pytest.raises(BucketConfigError, match=pattern):
        call(h.s3_bucket("photos"))


@pytest.mark.parametrize(
    ("name", "settings", "pattern"),
    [("My_Bucket", {}, r"use lowercase letters, digits, dots and hyphens"),
     ("ab", {}, r"bucket names have 3 to 63"),
     ("photos", {"versioned": True}, r"unknown setting 'versioned' \(did you mean 'versioning'")],
)  # fmt: skip
def test_bucket_names_and_settings_are_checked(h, name, settings, pattern):
    with pytest.raises(BucketConfigError, match=pattern):
        h.s3_bucket(name, **settings)


def test_bucket_names_are_unique_in_a_harness(h):
    h.s3_bucket("photos")
    with pytest.raises(HarnessError, match="a bucket named 'photos' exists already"):
        h.s3_bucket("photos")


# --- As an on-failure destination (2.2) -------------------------------------------------------


def test_bucket_stores_failure_records_under_the_documented_key(h):
    """Lambda guide: aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<UUID>."""
    bucket = h.s3_bucket("failures")
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=bucket)
    fn.invoke_async({"id": 5})
    h.advance(seconds=1)
    (key,) = bucket.objects
    assert re.fullmatch(r"aws/lambda/async/orders/2025/06/01/2025-06-01T12\.00\.00-"
                        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}",
                        key)  # fmt: skip
    record = bucket.objects[key].json()
    assert record["requestContext"]["condition"] == "RetriesExhausted"
    assert record["requestPayload"] == {"id": 5}


def test_buckets_are_on_failure_destinations_only(h):
    fn = h.function(ok, name="orders")
    with pytest.raises(FunctionConfigError, match="an S3 bucket can only be an on_failure"):
        fn.configure_async(on_success=h.s3_bucket("results"))


def test_failure_records_written_to_a_bucket_trigger_its_notifications(h):
    queue = h.sqs_queue("failure-alerts")
    bucket = h.s3_bucket("failures")
    bucket.notify(queue, prefix="aws/lambda/async/")
    fn = h.function(failing, name="orders")
    fn.configure_async(max_retry_attempts=0, on_failure=bucket)
    fn.invoke_async({"id": 5})
    h.run()
    event = queue.messages[-1].json()
    assert event["Records"][0]["s3"]["object"]["key"].startswith("aws/lambda/async/orders/")
    assert event["Records"][0]["eventTime"] == "2025-06-01T12:00:00.250Z"
    assert h.clock.now() - T0 < timedelta(seconds=1)
