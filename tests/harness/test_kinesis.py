"""Kinesis streams in the harness: shards, hashing, sequence numbers, retention (5.3)."""

import base64
import hashlib
import json
from datetime import timedelta

import pytest

from pytest_lambda_events.errors import StreamConfigError
from pytest_lambda_events.world import Harness
from pytest_lambda_events.world.kinesis import partition_hash


def test_partition_keys_hash_with_md5_into_the_shard_ranges():
    with Harness(seed=1) as h:
        s = h.kinesis_stream("clicks", shards=4)
        assert s.shards[0].starting_hash_key == 0
        assert s.shards[-1].ending_hash_key == 2**128 - 1
        for key in ("a", "user-1", "zzz", "k" * 256):
            record = s.put(b"x", partition_key=key)
            value = int(hashlib.md5(key.encode()).hexdigest(), 16)
            assert value == partition_hash(key)
            shard = next(x for x in s.shards if x.shard_id == record.shard_id)
            assert shard.starting_hash_key <= value <= shard.ending_hash_key


def test_shards_stay_right_past_the_remembered_keys():
    # the stream remembers the shard of a bounded number of keys; past the bound it forgets
    # them and hashes again, and every record still lands in its key's range
    with Harness(seed=1) as h:
        s = h.kinesis_stream("clicks", shards=3)
        for i in range(5_000):
            key = f"user-{i % 4_500}"
            record = s.put(b"x", partition_key=key)
            shard = next(x for x in s.shards if x.shard_id == record.shard_id)
            assert shard.starting_hash_key <= partition_hash(key) <= shard.ending_hash_key


def test_explicit_hash_key_chooses_the_shard():
    with Harness(seed=2) as h:
        s = h.kinesis_stream("clicks", shards=2)
        assert s.put("x", "k", explicit_hash_key=str(2**127)).shard_id == "shardId-000000000001"
        assert s.put("x", "k", explicit_hash_key=0).shard_id == "shardId-000000000000"
        with pytest.raises(StreamConfigError, match="ExplicitHashKey"):
            s.put("x", "k", explicit_hash_key=2**128)


def test_sequence_numbers_grow_per_shard_and_arrival_is_the_clock():
    with Harness(seed=3) as h:
        s = h.kinesis_stream("clicks")
        first = s.put("a", "k")
        h.advance(seconds=2)
        second = s.put("b", "k")
        assert second.sequence_number > first.sequence_number
        assert second.arrival - first.arrival == timedelta(seconds=2)
        event = s.record_event(second, "arn:aws:iam::123456789012:role/r")
        assert event["kinesis"]["approximateArrivalTimestamp"] == second.arrival.timestamp()
        assert base64.b64decode(event["kinesis"]["data"]) == b"b"
        assert event["eventID"] == f"shardId-000000000000:{second.sequence}"


def test_put_records_and_retention():
    with Harness(seed=4) as h:
        s = h.kinesis_stream("clicks", retention_hours=48)
        s.put_records(
            [{"data": b"1", "partition_key": "a"}, {"data": {"x": 1}, "partition_key": "b"}]
        )
        h.advance(hours=47)
        assert len(s.records()) == 2
        h.advance(hours=1)
        assert s.records() == []


@pytest.mark.parametrize(("kw", "match"), [
    ({"shards": 0}, "ShardCount"), ({"retention_hours": 23}, "RetentionPeriodHours"),
    ({"retention_hours": 8_761}, "8,760"),
])  # fmt: skip
def test_stream_settings_outside_limits(kw, match):
    with Harness(seed=5) as h, pytest.raises(StreamConfigError, match=match):
        h.kinesis_stream("s", **kw)


def test_record_limits():
    with Harness(seed=6) as h:
        s = h.kinesis_stream("s")
        with pytest.raises(StreamConfigError, match="1 to 256"):
            s.put("x", "")
        with pytest.raises(StreamConfigError, match="1 MiB"):
            s.put(b"x" * 1024 * 1024, "k")
        with pytest.raises(StreamConfigError, match="1 to 500"):
            s.put_records([])


def test_every_send_is_a_fresh_record_with_its_mappings_role():
    # a record is made once and copied for each send: a handler changing any part of its
    # event must not reach a retry, nor another mapping reading the same stream (whose
    # records carry its own function's role)
    seen: dict[str, list[dict]] = {"a": [], "b": []}

    def consumer(name):
        def handler(event, context):
            record = event["Records"][0]
            seen[name].append(json.loads(json.dumps(record)))
            record["eventID"] = "changed"
            record["kinesis"]["partitionKey"] = "changed"
            del record["invokeIdentityArn"]
            if len(seen[name]) == 1:
                raise ValueError("first attempt fails")

        return handler

    with Harness(seed=4) as h:
        s = h.kinesis_stream("clicks")
        ma = s.subscribe(h.function(consumer("a"), name="a"))
        mb = s.subscribe(h.function(consumer("b"), name="b"))
        stored = s.put("order-1", partition_key="k")
        h.run()
        for name, mapping in (("a", ma), ("b", mb)):
            expected = s.record_event(stored, mapping.role_arn)
            assert seen[name] == [expected, expected]
            assert list(seen[name][0]) == list(expected)  # the keys in AWS's order
            assert expected["invokeIdentityArn"].endswith(f"role/{name}-role")
            assert [d.status for d in mapping.deliveries] == ["succeeded"]
        assert stored.sent is None  # let go once every delivery finished


def test_records_sent_many_times_are_the_same_each_time():
    # bisection sends a failing batch's records again and again (copies of one kept record
    # from the second send on): each send equals a freshly made record, whatever the handler
    # did to the previous one
    seen = []

    def handler(event, context):
        for record in event["Records"]:
            seen.append(json.loads(json.dumps(record)))
            record["kinesis"]["data"] = record["eventID"] = "changed"
        if any(r["kinesis"]["partitionKey"] == "poison" for r in event["Records"]):
            raise ValueError("poison")

    with Harness(seed=6) as h:
        s = h.kinesis_stream("clicks")
        m = s.subscribe(h.function(handler, name="f"), bisect_batch_on_function_error=True,
                        max_retry_attempts=1)  # fmt: skip
        stored = [s.put(f"order-{i}", partition_key="poison" if i == 5 else "k")
                  for i in range(8)]  # fmt: skip
        h.run()
        fresh = {r.sequence: s.record_event(r, m.role_arn) for r in stored}
        assert len(seen) > 2 * len(stored)  # most records went out more than twice
        assert all(record == fresh[record["kinesis"]["sequenceNumber"]] for record in seen)
        assert [d.status for d in m.deliveries].count("failed") == 1
        assert all(r.sent is None for r in stored)
