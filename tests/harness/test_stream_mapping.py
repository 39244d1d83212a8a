"""The Kinesis / DynamoDB Streams event source mapping (semantics.md section 5)."""

import base64
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_lambda_events.errors import EventSourceMappingError
from pytest_lambda_events.timefmt import iso_ms_z
from pytest_lambda_events.world import Harness


def datas(invocation):
    return [base64.b64decode(r["kinesis"]["data"]).decode() for r in invocation.event["Records"]]


def report(bad):
    """ReportBatchItemFailures handler that reports every record whose data is in ``bad``."""

    def handler(event, context):
        failed = [r["kinesis"]["sequenceNumber"] for r in event["Records"]
                  if base64.b64decode(r["kinesis"]["data"]).decode() in bad]  # fmt: skip
        return {"batchItemFailures": [{"itemIdentifier": s} for s in failed]}

    return handler


def poison(bad):
    def handler(event, context):
        if any(base64.b64decode(r["kinesis"]["data"]).decode() in bad for r in event["Records"]):
            raise ValueError("poison")

    return handler


def test_a_poll_reads_the_records_that_arrived():
    # 5.1: Lambda polls a Kinesis shard once a second; a record's delivery opens when a poll
    # reads it, and records that arrive behind a failing batch wait as pending
    with Harness(seed=1) as h:
        s = h.kinesis_stream("clicks")
        m = s.subscribe(h.function(poison({"bad"}), name="consumer"))
        s.put("bad", partition_key="k")
        assert m.deliveries == []
        h.advance(seconds=1)
        assert [d.status for d in m.deliveries] == ["pending"]
        assert len(m.invocations) == 1
        s.put("good", partition_key="k")
        h.advance(seconds=1)
        assert [d.status for d in m.deliveries] == ["pending", "pending"]
        assert len(m.invocations) == 1  # the shard is blocked until the retry at 7.5 s
        assert m.deliveries[1].enqueued_at == m.deliveries[0].enqueued_at + timedelta(seconds=1)


def test_each_invoke_gets_its_own_records():
    # a handler that changes its event must not change what a retry gets: AWS sends every
    # invoke as fresh JSON
    seen = []

    def handler(event, context):
        record = event["Records"][0]
        seen.append(record["kinesis"]["data"])
        record["kinesis"]["data"] = "changed"
        if len(seen) == 1:
            raise ValueError("first attempt fails")

    with Harness(seed=1) as h:
        s = h.kinesis_stream("clicks")
        m = s.subscribe(h.function(handler, name="consumer"))
        s.put("order-1", partition_key="k")
        h.run()
        original = base64.b64encode(b"order-1").decode()
        assert seen == [original, original]
        assert [d.status for d in m.deliveries] == ["succeeded"]


def test_issue_example_partial_failure_until_exhaustion():
    # 5.6 [OBS]: 6 records, BatchSize=3, the 6th always fails, MaximumRetryAttempts=3:
    # records 1-5 once, the 6th 4 times, then one failure record (count 4, batchSize 1).
    with Harness(seed=1) as h:
        dlq = h.sqs_queue("failures")
        s = h.kinesis_stream("clicks")
        fn = h.function(report({"6"}), name="consumer")
        m = s.subscribe(fn, batch_size=3, max_retry_attempts=3, report_batch_item_failures=True,
                        on_failure=dlq)  # fmt: skip
        stored = [s.put(str(i), partition_key="k") for i in range(1, 7)]
        h.run()
        assert [d.attempts for d in m.deliveries] == [1, 1, 1, 1, 1, 4]
        assert [d.status for d in m.deliveries] == ["succeeded"] * 5 + ["failed"]
        assert m.deliveries[5].condition == "RetryAttemptsExhausted"
        assert [datas(i) for i in m.invocations] == [["1", "2", "3"], ["4", "5", "6"]] + [["6"]] * 3
        (message,) = dlq.messages
        record = json.loads(message.body)
        assert record["requestContext"]["approximateInvokeCount"] == 4
        assert record["requestContext"]["condition"] == "RetryAttemptsExhausted"
        assert record["requestContext"]["functionArn"] == fn.arn  # unqualified (5.9)
        assert record["responseContext"] == {"statusCode": 200, "executedVersion": "$LATEST",
                                             "functionError": None}  # fmt: skip
        info = record["KinesisBatchInfo"]
        assert info["batchSize"] == 1
        assert info["startSequenceNumber"] == info["endSequenceNumber"] == stored[5].sequence
        assert info["shardId"] == "shardId-000000000000" and info["streamArn"] == s.arn
        arrival = iso_ms_z(stored[5].arrival)
        assert info["approximateArrivalOfFirstRecord"] == arrival
        assert info["approximateArrivalOfLastRecord"] == arrival
        assert record["timestamp"] == iso_ms_z(h.clock.now())


def test_a_failing_batch_blocks_its_shard_and_is_retried_whole():
    # 5.3: the whole batch is retried; approximateInvokeCount = 1 + MaximumRetryAttempts.
    with Harness(seed=2) as h:
        s = h.kinesis_stream("s")
        fn = h.function(poison({"b"}))
        m = s.subscribe(fn, batch_size=2, max_retry_attempts=2)
        for d in ("a", "b", "c"):
            s.put(d, partition_key="k")
        h.run()
        assert [datas(i) for i in m.invocations] == [["a", "b"]] * 3 + [["c"]]
        assert m.failure_records[0]["requestContext"]["approximateInvokeCount"] == 3
        assert m.failure_records[0]["responseContext"]["functionError"] == "Unhandled"
        assert [d.status for d in m.deliveries] == ["failed", "failed", "succeeded"]


def test_retries_are_spaced_and_max_record_age_ends_them():
    # 5.3 [OBS]: with 60 s maximum age and infinite retries AWS made 8 invokes, then
    # RecordAgeExceeded (approximation: 7.5 s spacing).
    with Harness(seed=3) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(poison({"x"})), max_record_age=60)
        s.put("x", partition_key="k")
        h.run()
        assert len(m.invocations) == 8
        (record,) = m.failure_records
        assert record["requestContext"]["condition"] == "RecordAgeExceeded"
        assert "responseContext" not in record
        assert m.deliveries[0].condition == "RecordAgeExceeded"


def test_records_already_too_old_are_never_sent():
    # 5.4 [OBS]: a record older than the maximum age at poll time is not invoked;
    # RecordAgeExceeded with approximateInvokeCount 1; the fresh records go on.
    with Harness(seed=4) as h:
        s = h.kinesis_stream("s")
        s.put("old", partition_key="k")
        h.advance(seconds=120)
        for i in range(5):
            s.put(str(i), partition_key="k")
        fn = h.function(lambda e, c: None, name="f")
        m = s.subscribe(fn, max_record_age=60)
        h.run()
        assert [datas(i) for i in m.invocations] == [["0", "1", "2", "3", "4"]]
        (record,) = m.failure_records
        assert record["requestContext"]["approximateInvokeCount"] == 1
        assert record["requestContext"]["condition"] == "RecordAgeExceeded"
        assert "responseContext" not in record and m.deliveries[0].attempts == 0


def test_default_retries_block_until_the_record_expires():
    # 5.3: with the defaults a poison record blocks the shard for the 24 h retention.
    with Harness(seed=5) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(poison({"x"})), batch_size=1)
        s.put("x", partition_key="k")
        s.put("y", partition_key="k")
        start = h.clock.now()
        h.run()
        first, second = m.deliveries
        assert first.status == "expired" and first.finished_at - start >= timedelta(hours=24)
        assert second.status == "expired"
        assert m.failure_records == []


def test_bisection_isolates_the_poison_record_without_using_the_quota():
    # 5.5: splitting does not count toward MaximumRetryAttempts (0 here).
    with Harness(seed=6) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(poison({"3"})), batch_size=4, max_retry_attempts=0,
                        bisect_batch_on_function_error=True)  # fmt: skip
        for i in range(4):
            s.put(str(i), partition_key="k")
        h.run()
        # approximation: left half first, recursively down to single records
        assert [datas(i) for i in m.invocations] == [["0", "1", "2", "3"], ["0", "1"],
                                                     ["2", "3"], ["2"], ["3"]]  # fmt: skip
        assert [d.status for d in m.deliveries] == ["succeeded"] * 3 + ["failed"]
        assert m.failure_records[0]["KinesisBatchInfo"]["batchSize"] == 1


def test_partial_response_checkpoints_at_the_lowest_sequence_number():
    # 5.6: several items listed -> retry from the lowest one, later successes again too.
    calls = []

    def handler(event, context):
        calls.append([r["kinesis"]["sequenceNumber"] for r in event["Records"]])
        if len(calls) == 1:
            seqs = calls[0]
            return {"batchItemFailures": [{"itemIdentifier": seqs[3]},
                                          {"itemIdentifier": seqs[1]}]}  # fmt: skip
        return {"batchItemFailures": []}

    with Harness(seed=7) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(handler), batch_size=5, report_batch_item_failures=True)
        for i in range(5):
            s.put(str(i), partition_key="k")
        h.run()
        assert calls[1] == calls[0][1:]
        assert all(d.status == "succeeded" for d in m.deliveries)


@pytest.mark.parametrize("response", [None, "", [], {}, {"batchItemFailures": None}])
def test_empty_responses_are_complete_success(response):
    # 5.6 [OBS]: "" and [] accepted as success, like null and {}.
    with Harness(seed=8) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(lambda e, c: response, name="f"),
                        report_batch_item_failures=True)  # fmt: skip
        s.put("a", partition_key="k")
        h.run()
        assert m.deliveries[0].status == "succeeded" and len(m.invocations) == 1


@pytest.mark.parametrize(
    "response",
    [
        {"batchItemFailures": [{"itemIdentifier": 123}]},
        {"batchItemFailures": [{"foo": 123}]},
        {"batchItemFailures": [{"itemIdentifier": "nope"}]},
    ],
)
def test_malformed_responses_fail_the_whole_batch(response):
    # 5.6 [OBS]: retried until MaximumRetryAttempts (2), count 3, functionError null.
    with Harness(seed=9) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(lambda e, c: response, name="f"), max_retry_attempts=2,
                        report_batch_item_failures=True)  # fmt: skip
        s.put("a", partition_key="k")
        h.run()
        (record,) = m.failure_records
        assert record["requestContext"]["approximateInvokeCount"] == 3
        assert record["responseContext"]["functionError"] is None


def test_parallelization_keeps_order_per_partition_key():
    # 5.7: a poison key blocks only its own lane (approximation: MD5(key) mod factor).
    with Harness(seed=10) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(poison({"bad"})), parallelization_factor=10, batch_size=10,
                        max_retry_attempts=1)  # fmt: skip
        for i in range(20):
            s.put(f"k{i % 4}-{i}", partition_key=f"k{i % 4}")
        s.put("bad", partition_key="other")
        h.run()
        seen = [d for inv in m.invocations for d in datas(inv)]
        for key in ("k0", "k1", "k2", "k3"):
            mine = [d for d in seen if d.startswith(key + "-")]
            assert mine == sorted(set(mine), key=lambda d: int(d.split("-")[1]))
        assert sum(d.status == "succeeded" for d in m.deliveries) == 20


def test_tumbling_window_carries_state_and_ends_with_a_final_invoke():
    # 5.8: state per shard, final invoke with isFinalInvokeForWindow, then state dropped.
    events = []

    def handler(event, context):
        events.append(event)
        total = event["state"].get("n", 0) + len(event["Records"])
        return {"state": {"n": total}}

    with Harness(seed=11) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(handler), tumbling_window=60, batch_size=2)
        for i in range(3):
            s.put(str(i), partition_key="k")
        h.run()
        assert [len(e["Records"]) for e in events] == [2, 1, 0]
        assert [e["state"] for e in events] == [{}, {"n": 2}, {"n": 3}]
        assert [e["isFinalInvokeForWindow"] for e in events] == [False, False, True]
        assert events[0]["shardId"] == "shardId-000000000000"
        assert all(d.status == "succeeded" for d in m.deliveries)


def test_a_window_response_without_state_is_a_failure():
    # 5.8: the response must contain state.
    with Harness(seed=12) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(lambda e, c: {}, name="f"), tumbling_window=30,
                        max_retry_attempts=0)  # fmt: skip
        s.put("a", partition_key="k")
        h.run()
        assert m.deliveries[0].condition == "RetryAttemptsExhausted"


def test_batches_stay_under_six_megabytes():
    # 8.1: ESM batch payload 6 MB.
    with Harness(seed=13) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(lambda e, c: None, name="f"), batch_size=100)
        for i in range(8):
            s.put(b"x" * 1_000_000, partition_key=f"k{i}")
        h.run()
        sizes = [len(json.dumps(i.event)) for i in m.invocations]
        assert len(sizes) == 2 and max(sizes) <= 6_291_456


def test_filter_criteria_skip_records_for_good():
    # 5.10: Kinesis data is decoded and parsed as JSON; non-matching records are never invoked.
    with Harness(seed=14) as h:
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(lambda e, c: None, name="f"),
                        filter_criteria=[{"data": {"kind": ["order"]}}])  # fmt: skip
        s.put({"kind": "order"}, partition_key="k")
        s.put({"kind": "click"}, partition_key="k")
        s.put(b"not json", partition_key="k")
        h.run()
        assert [d.status for d in m.deliveries] == ["succeeded", "filtered", "filtered"]


def test_starting_position_latest_skips_existing_records():
    with Harness(seed=15) as h:
        s = h.kinesis_stream("s")
        s.put("old", partition_key="k")
        m = s.subscribe(h.function(lambda e, c: None, name="f"), starting_position="LATEST")
        s.put("new", partition_key="k")
        h.run()
        assert [datas(i) for i in m.invocations] == [["new"]]


def test_s3_and_sns_destinations_get_the_record():
    # 5.9: S3 key layout and payload; SNS gets the record as the message.
    with Harness(seed=16) as h:
        bucket = h.s3_bucket("fails")
        s = h.kinesis_stream("s")
        m = s.subscribe(h.function(poison({"x"})), max_retry_attempts=0, on_failure=bucket)
        s.put("x", partition_key="k")
        h.run()
        (key,) = [o.key for o in bucket.objects.values()] if isinstance(
            bucket.objects, dict) else [o.key for o in bucket.objects]  # fmt: skip
        assert key.startswith(f"aws/lambda/{m.uuid}/shardId-000000000000/")
        assert m.failure_records[0]["KinesisBatchInfo"]["batchSize"] == 1


@pytest.mark.parametrize(("option", "value"), [
    ("batch_size", 0), ("batch_size", 10_001), ("batching_window", 301),
    ("max_retry_attempts", -2), ("max_retry_attempts", 10_001), ("max_record_age", 59),
    ("max_record_age", 604_801), ("parallelization_factor", 11), ("tumbling_window", 901),
    ("starting_position", "AT_SEQUENCE_NUMBER"), ("bisect_batch_on_function_error", "yes"),
])  # fmt: skip
def test_options_outside_aws_limits_are_refused(option, value):
    # 5.1: each limit, with the setting and range named.
    with Harness(seed=17) as h:
        s = h.kinesis_stream("s")
        with pytest.raises(EventSourceMappingError, match=option):
            s.subscribe(h.function(lambda e, c: None, name="f"), **{option: value})


def test_at_timestamp_is_kinesis_only():
    with Harness(seed=18) as h:
        t = h.dynamodb_table("users")
        with pytest.raises(EventSourceMappingError, match="TRIM_HORIZON, LATEST"):
            t.subscribe(h.function(lambda e, c: None, name="f"), starting_position="AT_TIMESTAMP")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    bad=st.sets(st.integers(0, 29), max_size=6),
    batch_size=st.integers(1, 8),
    bisect=st.booleans(),
    partial_=st.booleans(),
    factor=st.integers(1, 3),
    retries=st.integers(0, 3),
)
def test_property_order_final_state_and_termination(bad, batch_size, bisect, partial_, factor,
                                                     retries):  # fmt: skip
    # 5.3/5.7: first deliveries in order per key; every record ends in exactly one final
    # state; run() terminates.
    names = {str(i) for i in bad}
    handler = report(names) if partial_ else poison(names)
    with Harness(seed=19) as h:
        s = h.kinesis_stream("s", shards=2)
        m = s.subscribe(h.function(handler), batch_size=batch_size, max_retry_attempts=retries,
                        bisect_batch_on_function_error=bisect, report_batch_item_failures=partial_,
                        parallelization_factor=factor)  # fmt: skip
        for i in range(30):
            s.put(str(i), partition_key=f"key{i % 5}")
        h.run()
        first = []
        for inv in m.invocations:
            for d in datas(inv):
                if d not in first:
                    first.append(d)
        for key in range(5):
            mine = [int(d) for d in first if int(d) % 5 == key]
            assert mine == sorted(mine)
        assert all(d.status in ("succeeded", "failed", "expired") for d in m.deliveries)
        for d in m.deliveries:
            data = base64.b64decode(d.item.body).decode()
            if data in names:  # a poison record never succeeds
                assert d.status == "failed"
            if bisect and not partial_:  # bisection isolates: only poison records fail
                assert (d.status == "failed") == (data in names)
        failed = sum(r["KinesisBatchInfo"]["batchSize"] for r in m.failure_records)
        assert failed == sum(d.status == "failed" for d in m.deliveries)
