"""Timelines: a harness's ledger told per lane on the virtual clock (``h.timeline()``)."""

import base64
import json
import time
from datetime import UTC, datetime

import pytest

from pytest_lambda_events.errors import HarnessError
from pytest_lambda_events.timeline import Timeline, build, offset_text
from pytest_lambda_events.world import Harness

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def h():
    with Harness(seed=7, start=START) as harness:
        yield harness


def poison(event, context):
    bad = [r["body"] for r in event["Records"] if r["body"].startswith("bad")]
    if bad:
        raise ValueError(f"cannot process {bad}")


def ok(event, context):
    return None


def failing(event, context):
    raise RuntimeError("mail server unavailable")


def kinesis_poison(event, context):
    for record in event["Records"]:
        if base64.b64decode(record["kinesis"]["data"]) == b"bad":
            raise ValueError("poison record")


def kinesis_reporter(event, context):
    return {"batchItemFailures": [
        {"itemIdentifier": r["kinesis"]["sequenceNumber"]} for r in event["Records"]
        if base64.b64decode(r["kinesis"]["data"]) == b"bad"
    ]}  # fmt: skip


def lane_of(text, name):
    """The lines of one lane: its heading up to the next heading."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(f"== {name}"))
    rest = next((i for i in range(first + 1, len(lines)) if lines[i].startswith("== ")), None)
    return lines[first : rest if rest is not None else len(lines)]


def squeeze(line):
    return " ".join(line.split())


def test_an_idle_harness_says_so_in_one_line(h):
    assert h.timeline() == (
        "lambda-events timeline: the harness ran nothing (no invocations, no deliveries)"
    )
    assert build(h.ledger, h.clock.now()).empty


def test_sqs_retries_then_redrive_to_the_dead_letter_queue(h):
    dlq = h.sqs_queue("orders-dlq")
    q = h.sqs_queue("orders", visibility_timeout=30, max_receive_count=3, dead_letter_queue=dlq)
    sent = q.send_batch(["order-1", "bad-2", "order-3"])
    q.subscribe(h.function(poison, name="process-orders"))
    h.run()
    ids = " ".join(m.message_id[:8] for m in sent)
    text = h.timeline()
    assert text.splitlines()[0] == (
        "lambda-events timeline: 3 invocations, 3 deliveries in 1 lane; "
        "t0 = 2026-01-05T09:00:00Z (first event), clock at t0+1m30s"
    )
    error = "ERROR ValueError: cannot process ['bad-2']"
    assert [squeeze(line) for line in lane_of(text, "sqs:orders->process-orders")] == [
        "== sqs:orders->process-orders: 3 invocations, 3 messages (3 failed)",
        f"+0s process-orders #1 3 messages: {ids} {error}",
        f"+30s process-orders #2 3 messages: {ids} {error} "
        "<- visibility timeout ran out 30s after receive 1",
        f"+1m00s process-orders #3 3 messages: {ids} {error} "
        "<- visibility timeout ran out 30s after receive 2",
        f"=> 3 failed MaxReceiveCountExceeded at +1m30s [{ids}]: received 3 times "
        "(max_receive_count=3), moved to orders-dlq; last failure: ValueError: cannot process "
        "['bad-2']",
    ]


def test_sqs_partial_batch_response_counts_the_reported_messages(h):
    def reporter(event, context):
        return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                      for r in event["Records"] if r["body"] == "bad"]}  # fmt: skip

    dlq = h.sqs_queue("dlq")
    q = h.sqs_queue("jobs", visibility_timeout=20, max_receive_count=2, dead_letter_queue=dlq)
    good, bad = q.send_batch(["good", "bad"])
    q.subscribe(h.function(reporter, name="jobs"), report_batch_item_failures=True)
    h.run()
    lines = [squeeze(line) for line in lane_of(h.timeline(), "sqs:jobs->jobs")]
    assert lines[1] == (f"+0s jobs #1 2 messages: {good.message_id[:8]} {bad.message_id[:8]} "
                        "PARTIAL 1 of 2 reported in batchItemFailures")  # fmt: skip
    assert lines[2].startswith(f"+20s jobs #2 1 message: {bad.message_id[:8]} PARTIAL 1 of 1")
    assert lines[3] == f"=> 1 succeeded at +0s [{good.message_id[:8]}]"
    assert lines[4].startswith(
        f"=> 1 failed MaxReceiveCountExceeded at +40s [{bad.message_id[:8]}]: received 2 times"
    )
    assert lines[4].endswith("last failure: reported in batchItemFailures")


def test_a_rejected_partial_batch_response_says_why(h):
    def malformed(event, context):
        return {"batchItemFailures": [{"id": "x"}]}

    q = h.sqs_queue("jobs", visibility_timeout=20, max_receive_count=1,
                    dead_letter_queue=h.sqs_queue("dlq"))  # fmt: skip
    q.send("x")
    q.subscribe(h.function(malformed, name="jobs"), report_batch_item_failures=True)
    h.run()
    line = squeeze(lane_of(h.timeline(), "sqs:jobs->jobs")[1])
    assert (
        "REJECTED invalid partial batch response: batchItemFailures[0] has no itemIdentifier"
        in (line)
    )


def test_async_retries_then_dead_letter_queue(h):
    dlq = h.sqs_queue("notify-dlq")
    fn = h.function(failing, name="notify")
    fn.configure_async(max_retry_attempts=2, dead_letter_queue=dlq)
    delivery = fn.invoke_async({"to": "a@example.com"})
    h.run()
    assert [squeeze(line) for line in lane_of(h.timeline(), "async:notify")] == [
        "== async:notify: 3 invocations, 1 event (1 failed)",
        "+0s notify #1 event {to} ERROR RuntimeError: mail server unavailable",
        "+1m00s notify #2 event {to} ERROR RuntimeError: mail server unavailable "
        "<- asynchronous retry 1, 1m00s after attempt 1 failed",
        "+3m00s notify #3 event {to} ERROR RuntimeError: mail server unavailable "
        "<- asynchronous retry 2, 2m00s after attempt 2 failed",
        f"=> 1 failed RetriesExhausted at +3m00s [{delivery.request_id[:8]}]: RuntimeError: mail "
        "server unavailable",
    ]


def test_kinesis_bisection_isolates_the_poison_record(h):
    stream = h.kinesis_stream("clicks")
    records = [stream.put(data=data, partition_key="k") for data in (b"a", b"b", b"bad", b"c")]
    stream.subscribe(h.function(kinesis_poison, name="clicks"), max_retry_attempts=1,
                     bisect_batch_on_function_error=True)  # fmt: skip
    h.run()
    seq = ["..." + r.sequence_number.__str__()[-6:] for r in records]
    lines = [squeeze(line) for line in lane_of(h.timeline(), "kinesis:clicks->clicks")]
    poison_error = "ERROR ValueError: poison record"
    assert lines == [
        "== kinesis:clicks->clicks [shardId-000000000000]: 6 invocations, 4 records "
        "(3 succeeded, 1 failed)",
        f"+1s clicks #1 4 records: seq {seq[0]} to {seq[3]} {poison_error}",
        f"+1s clicks #2 2 records: seq {seq[0]} seq {seq[1]} ok "
        "<- bisected: half of the failed batch of 4",
        f"+1s clicks #2 2 records: seq {seq[2]} seq {seq[3]} {poison_error} "
        "<- bisected: half of the failed batch of 4",
        f"+1s clicks #3 1 record: seq {seq[2]} {poison_error} "
        "<- bisected: half of the failed batch of 2",
        f"+8.5s clicks #4 1 record: seq {seq[2]} {poison_error} "
        "<- retried 7.5s after the batch failed",
        f"+8.5s clicks #3 1 record: seq {seq[3]} ok <- bisected: half of the failed batch of 2",
        f"=> 3 succeeded at +8.5s [seq {seq[0]} seq {seq[1]} seq {seq[3]}]: 3 of them after "
        "more than one invocation",
        f"=> 1 failed RetryAttemptsExhausted at +8.5s [seq {seq[2]}]: ValueError: poison record",
    ]


def test_kinesis_partial_failure_retries_from_the_checkpoint(h):
    stream = h.kinesis_stream("clicks")
    for data in (b"a", b"bad", b"c"):
        stream.put(data=data, partition_key="k")
    stream.subscribe(h.function(kinesis_reporter, name="clicks"), max_retry_attempts=1,
                     report_batch_item_failures=True)  # fmt: skip
    h.run()
    lines = [squeeze(line) for line in lane_of(h.timeline(), "kinesis:clicks->clicks")]
    assert lines[1].endswith("PARTIAL 1 of 3 reported in batchItemFailures")
    assert lines[2].endswith("PARTIAL 1 of 2 reported in batchItemFailures "
                             "<- retried from the checkpoint: 1 of 3 had succeeded")  # fmt: skip
    assert lines[3].startswith("=> 1 succeeded at +1s [seq ...")
    assert lines[4].startswith("=> 2 failed RetryAttemptsExhausted at +8.5s [seq ...")
    assert lines[4].endswith("]: reported in batchItemFailures")


def test_kafka_batches_show_partitions_and_offsets(h):
    topic = h.kafka_topic("orders", partitions=2)
    for n in range(4):
        topic.send(f"order-{n}", partition=1)
    topic.subscribe(h.function(ok, name="consume"), batching_window=0)
    h.run()
    lines = [squeeze(line) for line in lane_of(h.timeline(), "msk:orders->consume")]
    assert lines[0].startswith("== msk:orders->consume [orders-1]: 1 invocation, 4 records")
    assert "4 records: offsets 0 to 3 ok" in lines[1]


def test_a_schedule_fires_on_the_virtual_clock(h):
    h.schedule("rate(1 hour)", h.function(ok, name="report"), name="hourly")
    h.advance(hours=3)
    lines = [squeeze(line) for line in lane_of(h.timeline(), "async:report")]
    assert lines[:4] == [
        "== async:report: 3 invocations, 3 events (3 succeeded)",
        "+0s report #1 Scheduled Event (hourly) ok",
        "+1h00m00s report #1 Scheduled Event (hourly) ok",
        "+2h00m00s report #1 Scheduled Event (hourly) ok",
    ]
    assert lines[4].startswith("=> 3 succeeded at +2h00m00s [")
    assert (
        h.timeline()
        .splitlines()[0]
        .endswith("t0 = 2026-01-05T10:00:00Z (first event), clock at t0+2h00m00s")
    )


def test_synchronous_invocations_timeouts_and_status_codes(h):
    def slow(event, context):
        time.sleep(5)

    def api(event, context):
        return {"statusCode": 201}

    h.function(slow, name="slow", timeout=2).invoke({})
    h.http_api(h.function(api, name="web")).request("POST", "/orders", body="{}")
    text = h.timeline()
    assert [squeeze(line) for line in lane_of(text, "invoke:slow")] == [
        "== invoke:slow: 1 invocation",
        "+0s slow #1 event {} TIMEOUT Task timed out after 2.00 seconds",
    ]
    assert [squeeze(line) for line in lane_of(text, "invoke:web")][1] == (
        "+2s web #1 POST /orders ok (statusCode 201)"
    )


def test_a_slow_success_says_how_long_it_took(h):
    def slow(event, context):
        time.sleep(1.5)

    h.function(slow, name="slow", timeout=3).invoke({})
    assert squeeze(lane_of(h.timeline(), "invoke:slow")[1]) == "+0s slow #1 event {} ok (took 1.5s)"


def test_pending_deliveries_tell_their_last_failure(h):
    q = h.sqs_queue("jobs", visibility_timeout=60)
    q.send("bad-1")
    q.subscribe(h.function(poison, name="jobs"))
    h.advance(seconds=90)
    fate = squeeze(lane_of(h.timeline(), "sqs:jobs->jobs")[-1])
    assert fate.startswith("=> 1 pending [")
    assert fate.endswith("]: last failure: ValueError: cannot process ['bad-1']")


def test_long_lanes_keep_their_first_and_last_lines(h):
    fn = h.function(ok, name="busy")
    for n in range(30):
        fn.invoke({"n": n})
        h.advance(seconds=1)
    lines = lane_of(h.timeline(), "invoke:busy")
    assert len(lines) == 1 + 8 + 1 + 4
    assert squeeze(lines[1]).startswith("+0s busy #1")
    assert squeeze(lines[8]).startswith("+7s busy #1")
    assert lines[9] == "   ... 18 more invocations ..."
    assert squeeze(lines[10]).startswith("+26s busy #1")
    assert squeeze(lines[13]).startswith("+29s busy #1")
    assert len(lane_of(h.timeline(lines_per_lane=None), "invoke:busy")) == 31
    short = lane_of(h.timeline(lines_per_lane=1), "invoke:busy")
    assert [squeeze(line) for line in short[1:]] == [
        "+0s busy #1 event {n} ok", "... 29 more invocations ...",
    ]  # fmt: skip


def test_many_lanes_are_cut_and_counted(h):
    for n in range(23):
        h.function(ok, name=f"fn-{n}").invoke({})
    text = h.timeline()
    assert text.count("\n== ") == 20
    assert text.splitlines()[-1] == "... 3 more lanes (3 invocations) not shown"
    assert "23 lanes" in text.splitlines()[0]


@pytest.mark.parametrize("value", [0, -1, 2.5, "12", True])
def test_lines_per_lane_must_be_a_positive_int_or_none(h, value):
    with pytest.raises(HarnessError, match=r"timeline\(lines_per_lane=.*positive int"):
        h.timeline(lines_per_lane=value)


def test_the_timeline_survives_a_json_round_trip(h):
    q = h.sqs_queue("orders", visibility_timeout=30, max_receive_count=2,
                    dead_letter_queue=h.sqs_queue("dlq"))  # fmt: skip
    q.send_batch(["a", "bad"])
    q.subscribe(h.function(poison, name="orders"))
    h.function(failing, name="mail").invoke_async({"x": 1})
    h.run()
    timeline = build(h.ledger, h.clock.now()).compact(lines_per_lane=2)
    data = json.loads(json.dumps(timeline.to_dict()))
    again = Timeline.from_dict(data)
    assert again == timeline
    assert again.text() == timeline.text()


def test_error_messages_stay_on_one_line_and_are_cut(h):
    def noisy(event, context):
        raise ValueError("line one\nline two " + "x" * 300)

    h.function(noisy, name="noisy").invoke({})
    line = lane_of(h.timeline(), "invoke:noisy")[1]
    assert "line one line two xxx" in line
    assert line.endswith("...")
    assert len(line) < 200


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "+0s"), (7.5, "+7.5s"), (0.25, "+0.25s"), (60, "+1m00s"), (90.5, "+1m30.5s"),
    (3600, "+1h00m00s"), (7384, "+2h03m04s"), (86_400 * 3 + 3600 * 4 + 300, "+3d04h05m"),
])  # fmt: skip
def test_offsets_read_like_durations(seconds, text):
    assert offset_text(seconds) == text


def test_pushed_events_say_where_they_came_from(h):
    fn = h.function(ok, name="react")
    photos = h.s3_bucket("photos")
    photos.notify(fn, events=["s3:ObjectCreated:*"])
    photos.put_object("cats/tom.jpg", b"...")
    bus = h.event_bus()
    bus.rule(h.sqs_queue("audit"), event_pattern={"source": ["shop.orders"]}, name="audit")
    bus.put_events([{"Source": "shop.orders", "DetailType": "Order Placed", "Detail": "{}"}])
    h.run()
    text = h.timeline()
    assert squeeze(lane_of(text, "async:react")[1]) == "+0s react #1 1 aws:s3 record ok"
    assert [squeeze(line) for line in lane_of(text, "s3:photos")] == [
        "== s3:photos: 1 event (1 succeeded)", "=> 1 succeeded at +0s [1 aws:s3 record]",
    ]  # fmt: skip
    assert lane_of(text, "rule:audit")[0] == "== rule:audit: 1 event (1 succeeded)"
