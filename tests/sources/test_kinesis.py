"""The ``kinesis`` source: a Kinesis Data Streams event source mapping batch (shapes.md section 3,
semantics.md 5.2 and 5.8)."""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import KinesisStreamEvent
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SHARD_ID = re.compile(r"^shardId-\d{12}$")
ISO_S_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
ROLE_ARN = re.compile(r"^arn:aws:iam::123456789012:role/[\w+=,.@/-]+$")
T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "batch": {"count": 25},
    "kms": {"encryption_type": "KMS", "count": 3},
    "user_data": {"data": [b"\x00\x01binary", "plain text", {"orderId": "o-1"}]},
    "payload": {"payload": {"type": "ping"}, "count": 4, "partition_key": "tenant-7"},
    "window": {"tumbling_window": 120, "count": 5, "state": {"total": 12}},
    "final_window": {"tumbling_window": 60, "is_final_invoke_for_window": True, "count": 2},
}


def event_at(seed: int = 0, **overrides: Any) -> dict[str, Any]:
    """An event at a known time, so time invariants can be checked against it."""
    return build_event("kinesis", seed, time=T0, **overrides)


# --- shape: Powertools' parser model accepts every variant -------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_validates_with_powertools(seed: int, variant: str) -> None:
    event = build_event("kinesis", seed, **VARIANTS[variant])
    parsed = models.KinesisDataStreamModel.model_validate(event)
    assert len(parsed.Records) == len(event["Records"])
    for model, record in zip(parsed.Records, event["Records"], strict=True):
        assert model.kinesis.data == base64.b64decode(record["kinesis"]["data"])


@pytest.mark.parametrize("seed", range(20))
def test_tumbling_window_fields_read_through_powertools_data_class(seed: int) -> None:
    # The parser model ignores the window keys; the data class exposes them.
    event = KinesisStreamEvent(build_event("kinesis", seed, tumbling_window=300, state={"n": 1}))
    assert event.window is not None
    assert ISO_S_Z.match(event.window.start) and ISO_S_Z.match(event.window.end)
    assert event.state == {"n": 1}
    assert event.shard_id is not None and SHARD_ID.match(event.shard_id)
    assert event.is_final_invoke_for_window is False
    assert event.is_window_terminated_early is False
    assert all(r.kinesis.data_as_bytes() for r in event.records)


# --- cross-field invariants -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_event_id_is_shard_id_and_sequence_number(seed: int) -> None:
    for record in event_at(seed, count=10)["Records"]:
        shard, _, sequence = record["eventID"].partition(":")
        assert SHARD_ID.match(shard)
        assert sequence == record["kinesis"]["sequenceNumber"]


@pytest.mark.parametrize("seed", range(20))
def test_a_batch_comes_from_one_shard(seed: int) -> None:
    shards = {r["eventID"].split(":")[0] for r in event_at(seed, count=50)["Records"]}
    assert len(shards) == 1


@pytest.mark.parametrize("seed", range(20))
def test_sequence_numbers_strictly_increase(seed: int) -> None:
    numbers = [r["kinesis"]["sequenceNumber"] for r in event_at(seed, count=50)["Records"]]
    assert all(re.fullmatch(r"[1-9]\d{55}", n) for n in numbers)  # 56 digits, as Kinesis gives
    values = [int(n) for n in numbers]
    assert all(a < b for a, b in itertools.pairwise(values))


@pytest.mark.parametrize("seed", range(20))
def test_arrival_times_are_epoch_seconds_with_ms_non_decreasing_before_the_invoke(
    seed: int,
) -> None:
    times = [
        r["kinesis"]["approximateArrivalTimestamp"] for r in event_at(seed, count=40)["Records"]
    ]
    assert all(isinstance(t, float) for t in times)
    assert all(abs(t * 1000 - round(t * 1000)) < 1e-3 for t in times)  # millisecond precision
    assert times == sorted(times)
    assert times[-1] <= T0.timestamp()
    assert times[0] > (T0 - timedelta(minutes=30)).timestamp()  # recent: no stale records


@pytest.mark.parametrize("seed", range(20))
def test_default_data_is_base64_of_a_json_document(seed: int) -> None:
    for record in event_at(seed, count=5)["Records"]:
        text = base64.b64decode(record["kinesis"]["data"], validate=True).decode()
        assert isinstance(json.loads(text), dict)


@pytest.mark.parametrize("seed", range(20))
def test_arns_and_region_agree_with_the_world(seed: int) -> None:
    event = build_event("kinesis", seed, region="eu-west-2", account_id="210987654321", count=3)
    for record in event["Records"]:
        assert record["awsRegion"] == "eu-west-2"
        assert re.fullmatch(
            r"arn:aws:kinesis:eu-west-2:210987654321:stream/[a-zA-Z0-9_.-]+",
            record["eventSourceARN"],
        )
        # the execution role: IAM is global, so no region in its ARN
        assert re.fullmatch(
            r"arn:aws:iam::210987654321:role/[\w+=,.@/-]+", record["invokeIdentityArn"]
        )
    assert len({r["eventSourceARN"] for r in event["Records"]}) == 1
    assert len({r["invokeIdentityArn"] for r in event["Records"]}) == 1


def test_china_regions_use_the_aws_cn_partition() -> None:
    record = build_event("kinesis", 1, region="cn-north-1")["Records"][0]
    assert record["eventSourceARN"].startswith("arn:aws-cn:kinesis:cn-north-1:")
    assert record["invokeIdentityArn"].startswith("arn:aws-cn:iam::")


@pytest.mark.parametrize("seed", range(20))
def test_constant_fields(seed: int) -> None:
    for record in event_at(seed, count=3)["Records"]:
        assert record["eventSource"] == "aws:kinesis"
        assert record["eventName"] == "aws:kinesis:record"
        assert record["eventVersion"] == "1.0"
        assert record["kinesis"]["kinesisSchemaVersion"] == "1.0"
        assert "encryptionType" not in record["kinesis"]  # only KMS-encrypted streams send it


@pytest.mark.parametrize("seed", range(20))
def test_partition_keys_are_valid(seed: int) -> None:
    for record in event_at(seed, count=20)["Records"]:
        assert 1 <= len(record["kinesis"]["partitionKey"]) <= 256


def test_records_do_not_share_dicts() -> None:
    first, second = event_at(3, count=2)["Records"]
    first["kinesis"]["data"] = "changed"
    assert second["kinesis"]["data"] != "changed"


# --- tumbling windows -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("seconds", [1, 60, 900])
def test_window_holds_every_record_and_matches_the_batch(seed: int, seconds: int) -> None:
    event = event_at(seed, tumbling_window=seconds, count=30)
    start = datetime.fromisoformat(event["window"]["start"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(event["window"]["end"].replace("Z", "+00:00"))
    assert ISO_S_Z.match(event["window"]["start"]) and ISO_S_Z.match(event["window"]["end"])
    assert (end - start).total_seconds() == seconds
    assert start.timestamp() % seconds == 0  # windows are aligned to their length
    for record in event["Records"]:
        assert (
            start.timestamp() <= record["kinesis"]["approximateArrivalTimestamp"] < end.timestamp()
        )
        assert record["eventID"].split(":")[0] == event["shardId"]
        assert record["eventSourceARN"] == event["eventSourceARN"]
    assert start <= T0  # a non-final invoke happens while the window is open...
    assert event["state"] == {}  # ...and the first one of a window carries empty state
    assert event["isFinalInvokeForWindow"] is False
    assert event["isWindowTerminatedEarly"] is False


@pytest.mark.parametrize("seed", range(20))
def test_final_invoke_comes_after_the_window_closes(seed: int) -> None:
    event = event_at(seed, tumbling_window=120, is_final_invoke_for_window=True)
    end = datetime.fromisoformat(event["window"]["end"].replace("Z", "+00:00"))
    assert event["isFinalInvokeForWindow"] is True
    assert end <= T0


def test_pinned_window_moves_the_event_time_next_to_it() -> None:
    event = build_event(
        "kinesis", 5, window_start="2024-12-31T23:58:00Z", window_end="2025-01-01T00:00:00Z",
        count=4, state={"seen": 3}, is_window_terminated_early=True,
    )  # fmt: skip
    assert event["window"] == {"start": "2024-12-31T23:58:00Z", "end": "2025-01-01T00:00:00Z"}
    assert event["state"] == {"seen": 3}
    assert event["isWindowTerminatedEarly"] is True
    lo, hi = datetime(2024, 12, 31, 23, 58, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    for record in event["Records"]:
        assert lo.timestamp() <= record["kinesis"]["approximateArrivalTimestamp"] < hi.timestamp()


def test_state_is_copied_not_shared_with_the_caller() -> None:
    state = {"counts": {"a": 1}}
    event = event_at(1, tumbling_window=60, state=state)
    event["state"]["counts"]["a"] = 99
    assert state == {"counts": {"a": 1}}


def test_no_window_keys_without_tumbling_window() -> None:
    assert set(event_at(1)) == {"Records"}


# --- overrides --------------------------------------------------------------------------------


def test_data_sets_count_and_encodes_each_payload() -> None:
    event = event_at(1, data=[b"\xff\x00", "héllo", {"a": 1}])
    decoded = [base64.b64decode(r["kinesis"]["data"]) for r in event["Records"]]
    assert decoded == [b"\xff\x00", "héllo".encode(), b'{"a":1}']


def test_a_record_may_fill_one_mib_with_its_partition_key() -> None:
    event = event_at(1, payload=b"x" * (1024 * 1024 - 2), partition_key="ab")
    assert len(base64.b64decode(event["Records"][0]["kinesis"]["data"])) == 1024 * 1024 - 2


def test_payload_is_the_data_of_every_record() -> None:
    event = event_at(1, payload="same", count=3)
    assert {base64.b64decode(r["kinesis"]["data"]) for r in event["Records"]} == {b"same"}
    assert len(event["Records"]) == 3


def test_partition_key_and_partition_keys_land_on_records() -> None:
    single = event_at(1, partition_key="user-1", count=3)["Records"]
    assert [r["kinesis"]["partitionKey"] for r in single] == ["user-1"] * 3
    many = event_at(1, partition_keys=["a", "b"])["Records"]
    assert [r["kinesis"]["partitionKey"] for r in many] == ["a", "b"]


@pytest.mark.parametrize(
    ("shard", "expected"),
    [(7, "shardId-000000000007"), ("shardId-000000000042", "shardId-000000000042")],
)
def test_shard_id_as_int_or_string(shard: int | str, expected: str) -> None:
    event = event_at(1, shard_id=shard, count=2, tumbling_window=30)
    assert {r["eventID"].split(":")[0] for r in event["Records"]} == {expected}
    assert event["shardId"] == expected


def test_stream_name_sequence_number_role_and_encryption_land() -> None:
    role = "arn:aws:iam::123456789012:role/service-role/consumer"
    first = "49590338271490256608559692538361571095921575989136588898"
    event = event_at(1, stream_name="clicks.v2", sequence_number=first, invoke_identity_arn=role,
                     encryption_type="KMS", count=2)  # fmt: skip
    one, two = event["Records"]
    assert one["eventSourceARN"] == "arn:aws:kinesis:us-east-1:123456789012:stream/clicks.v2"
    assert one["kinesis"]["sequenceNumber"] == first
    assert int(two["kinesis"]["sequenceNumber"]) > int(first)
    assert one["invokeIdentityArn"] == role
    assert one["kinesis"]["encryptionType"] == "KMS" == two["kinesis"]["encryptionType"]


def test_default_role_is_an_iam_role_in_the_account() -> None:
    assert ROLE_ARN.match(event_at(1)["Records"][0]["invokeIdentityArn"])


def test_time_sets_the_arrival_times() -> None:
    event = build_event("kinesis", 1, time="2025-01-02T03:04:05Z", count=3)
    stamps = [r["kinesis"]["approximateArrivalTimestamp"] for r in event["Records"]]
    t = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp()
    assert all(t - 60 < s <= t for s in stamps)


def test_same_seed_gives_the_same_event_and_other_seeds_differ() -> None:
    first = build_event("kinesis", 9, count=5, tumbling_window=60)
    assert json.dumps(first) == json.dumps(build_event("kinesis", 9, count=5, tumbling_window=60))
    assert first != build_event("kinesis", 10, count=5, tumbling_window=60)


def test_max_batch_of_ten_thousand() -> None:
    records = build_event("kinesis", 1, count=10_000, payload=b"1")["Records"]
    assert len(records) == 10_000
    assert len({r["kinesis"]["sequenceNumber"] for r in records}) == 10_000


def test_a_batch_over_6_mb_is_refused() -> None:
    """semantics.md 8.1: an event source mapping's batch payload is at most 6 MB."""
    with pytest.raises(
        EventConfigError, match=r"kinesis: count: 10,000 records make a .*6,291,456"
    ):
        build_event("kinesis", 1, count=10_000)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"datta": [b"x"]}, r"unknown override 'datta' \(did you mean 'data'\?\); allowed: "),
        ({"partition_keyy": "x"}, r"did you mean 'partition_key'"),
        ({"count": 0}, r"count: 0 is below AWS's minimum 1"),
        ({"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ({"data": "abc"}, r"data: expected list, got str"),
        ({"data": [1]}, r"data\[0\]: expected bytes or str or dict, got int 1"),
        ({"data": []}, r"data: a Kinesis event holds 1 to 10,000 records, not 0"),
        ({"partition_keys": ["k"] * 10_001}, r"partition_keys: 10,001 records; a Kinesis batch "
                                             r"holds at most 10,000"),
        ({"payload": 3}, r"payload: expected bytes or str or dict, got int"),
        ({"payload": b"x" * (1024 * 1024)}, r"payload: 1,048,\d{3} bytes with the partition "
                                             r"key; a Kinesis record holds at most 1 MiB"),
        ({"data": [b"ok", b"x" * (1024 * 1024 - 1)], "partition_key": "ab"},
         r"data\[1\]: 1,048,577 bytes with the partition key"),
        ({"data": [b"x"], "payload": "y"}, r"payload: pass either payload .* or data"),
        ({"data": [b"x", b"y"], "count": 3}, r"data: 2 given, but count says 3 records"),
        ({"partition_keys": ["a"], "data": [b"x", b"y"]}, r"partition_keys: 1 given, but data "
                                                          r"says 2 records"),
        ({"partition_key": ""}, r"partition_key: '' has 0 characters; AWS allows 1 to 256"),
        ({"partition_key": "k" * 257}, r"has 257 characters; AWS allows 1 to 256"),
        ({"partition_keys": ["ok", ""]}, r"partition_keys: '' has 0 characters"),
        ({"partition_key": "a", "partition_keys": ["b"]}, r"partition_key: pass either"),
        ({"shard_id": -1}, r"shard_id: -1 is below AWS's minimum 0"),
        ({"shard_id": "shard-1"}, r"shard_id: 'shard-1' is not a shard id; use an int or "
                                  r"'shardId-' \+ 12 digits"),
        ({"shard_id": 1.5}, r"shard_id: expected int or str, got float"),
        ({"stream_name": "has space"}, r"stream_name: 'has space': stream names are 1 to 128"),
        ({"stream_name": "s" * 129}, r"stream names are 1 to 128 of a-z A-Z 0-9 _ \. -"),
        ({"sequence_number": "0042"}, r"sequence_number: '0042': sequence numbers are 1 to 129 "
                                      r"digits without leading zeros"),
        ({"sequence_number": 42}, r"sequence_number: expected str, got int"),
        ({"encryption_type": "kms"}, r"encryption_type: 'kms' is not allowed.*; allowed: 'NONE', "
                                     r"'KMS'"),
        ({"invoke_identity_arn": "role/x"}, r"invoke_identity_arn: 'role/x' is not an IAM role "
                                           r"ARN like arn:aws:iam::123456789012:role/name"),
        ({"invoke_identity_arn": "arn:aws:iam::999999999999:role/x"}, r"must be in partition "
                                                                      r"'aws' and account "
                                                                      r"123456789012"),
        ({"region": "cn-north-1", "invoke_identity_arn": "arn:aws:iam::123456789012:role/x"},
         r"must be in partition 'aws-cn'"),
        ({"tumbling_window": 0}, r"tumbling_window: 0 is below AWS's minimum 1"),
        ({"tumbling_window": 901}, r"tumbling_window: 901 is above AWS's maximum 900"),
        ({"state": {"a": 1}}, r"state: belongs to tumbling-window invokes; pass "
                              r"tumbling_window=<seconds>"),
        ({"is_final_invoke_for_window": True}, r"is_final_invoke_for_window: belongs to "
                                               r"tumbling-window invokes"),
        ({"tumbling_window": 60, "state": {"a": {1, 2}}}, r"state: must be JSON data"),
        ({"tumbling_window": 60, "state": {"a": "x" * (1024 * 1024)}}, r"state: .* bytes; Lambda "
                                                                        r"keeps at most 1 MB"),
        ({"window_start": "2025-01-01T00:00:00Z", "window_end": "2025-01-01T00:20:00Z"},
         r"window_end: window_end - window_start is 1200 s; a tumbling window lasts 1 to 900"),
        ({"window_start": "2025-01-01T00:00:00Z", "window_end": "2025-01-01T00:01:00Z",
          "tumbling_window": 30}, r"tumbling_window: 30 s disagrees with window_end - "
                                  r"window_start \(60 s\)"),
        ({"window_start": "2025-01-01T00:00:00.250Z"}, r"window_start: .* is not a whole second"),
        ({"window_start": "2025-01-01T00:00:00Z", "time": "2024-12-31T23:00:00Z"},
         r"window_start: 2025-01-01T00:00:00Z is after the event time"),
        ({"window_start": "2025-01-01T00:00:00Z", "window_end": "2025-01-01T00:05:00Z",
          "is_final_invoke_for_window": True, "time": "2025-01-01T00:03:00Z"},
         r"is_final_invoke_for_window: the final invoke comes after the window closes"),
        ({"window_start": "yesterday"}, r"window_start: 'yesterday' is not a time"),
    ],
)  # fmt: skip
def test_bad_input_is_rejected_with_what_is_allowed(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message) as info:
        build_event("kinesis", 1, **overrides)
    assert str(info.value).startswith("kinesis: ")


def test_the_default_path_writes_what_the_general_path_writes() -> None:
    """A build without options takes _default_kinesis; an option that changes nothing
    (encryption_type=None) takes the general path, which must agree."""
    for seed in range(300):
        assert build_event("kinesis", seed=seed) == build_event(
            "kinesis", seed=seed, encryption_type=None
        )
