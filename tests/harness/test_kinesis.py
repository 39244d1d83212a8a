"""Kinesis streams in the harness: shards, hashing, sequence numbers, retention (5.3)."""

import base64
import hashlib
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
