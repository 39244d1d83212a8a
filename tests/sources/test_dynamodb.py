"""The ``dynamodb`` source: a DynamoDB Streams event source mapping batch (shapes.md section 2,
semantics.md 5.2 and 5.8)."""

from __future__ import annotations

import base64
import gc
import itertools
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes import DynamoDBStreamEvent
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")
STREAM_ARN = re.compile(
    r"^arn:aws:dynamodb:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):table/(?P<table>[a-zA-Z0-9_.-]"
    r"{3,255})/stream/(?P<label>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})$"
)
ISO_S_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
DDB_SHARD = re.compile(r"^shardId-\d{20}-[0-9a-f]{8}$")
T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)
ITEM = {"pk": "CUSTOMER#42", "sk": "PROFILE", "name": "Ana", "visits": 3, "tags": {"vip"}}

VARIANTS: dict[str, dict[str, Any]] = {
    "default": {"count": 10},
    **{view: {"stream_view_type": view, "count": 12} for view in VIEW_TYPES},
    **{name: {"event_name": name, "count": 3} for name in EVENT_NAMES},
    "ttl": {"ttl_removal": True, "count": 3},
    "window": {"tumbling_window": 300, "count": 4, "state": {"sum": 9}},
    "items": {"items": [ITEM, {**ITEM, "sk": "ORDER#1", "total": Decimal("9.5")}]},
    "modify_mine": {"new_image": ITEM, "event_name": "MODIFY"},
    "single_key": {"key": ("orderId",), "count": 5},
}


def event_at(seed: int = 0, **overrides: Any) -> dict[str, Any]:
    return build_event("dynamodb", seed, time=T0, **overrides)


def size_of(value: dict[str, Any]) -> int:
    """DynamoDB's documented item-size rules, written again here so the test does not trust the
    implementation: names + values; N = 1 byte per 2 significant digits + 1; L/M 3 + 1 each."""
    (tag, v), = value.items()  # fmt: skip
    if tag == "S":
        return len(v.encode())
    if tag == "N":
        return (len(v.lstrip("-").replace(".", "").strip("0")) + 1) // 2 + 1
    if tag == "B":
        return len(base64.b64decode(v))
    if tag in ("BOOL", "NULL"):
        return 1
    if tag in ("SS", "NS", "BS"):
        return sum(size_of({tag[0]: member}) for member in v)
    if tag == "L":
        return 3 + sum(1 + size_of(x) for x in v)
    return 3 + sum(1 + len(k.encode()) + size_of(x) for k, x in v.items())


def image_size(image: dict[str, Any]) -> int:
    return sum(len(name.encode()) + size_of(av) for name, av in image.items())


def check_attribute_value(av: Any) -> None:
    """shapes.md 2: one type tag; numbers are strings; sets non-empty and unique; NULL true."""
    assert isinstance(av, dict) and len(av) == 1
    (tag, value), = av.items()  # fmt: skip
    assert tag in ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")
    if tag in ("S", "N", "B"):
        assert isinstance(value, str)
    if tag == "N":
        Decimal(value)  # a decimal number...
        assert "e" not in value.lower() and not value.endswith(".")  # ...as DynamoDB writes it
    if tag == "B":
        base64.b64decode(value, validate=True)
    if tag == "NULL":
        assert value is True
    if tag == "BOOL":
        assert isinstance(value, bool)
    if tag in ("SS", "NS", "BS"):
        assert value and len(set(value)) == len(value)
    if tag == "L":
        for item in value:
            check_attribute_value(item)
    if tag == "M":
        for item in value.values():
            check_attribute_value(item)


# --- shape: Powertools' parser model accepts every variant -------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", VARIANTS)
def test_every_variant_validates_with_powertools(seed: int, variant: str) -> None:
    event = build_event("dynamodb", seed, **VARIANTS[variant])
    parsed = models.DynamoDBStreamModel.model_validate(event)
    assert len(parsed.Records) == len(event["Records"])
    for model, record in zip(parsed.Records, event["Records"], strict=True):
        assert model.eventName == record["eventName"]
        assert model.dynamodb.StreamViewType == record["dynamodb"]["StreamViewType"]
        assert (model.userIdentity is not None) == ("userIdentity" in record)


@pytest.mark.parametrize("seed", range(20))
def test_images_read_through_powertools_data_class(seed: int) -> None:
    event = DynamoDBStreamEvent(build_event("dynamodb", seed, count=5, tumbling_window=60))
    assert event.window is not None and ISO_S_Z.match(event.window.start)
    for record in event.records:
        assert record.dynamodb is not None
        keys = record.dynamodb.keys
        image = record.dynamodb.new_image or record.dynamodb.old_image
        if image:  # KEYS_ONLY streams carry no image
            assert all(image[k] == v for k, v in keys.items())


# --- cross-field invariants -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("view", VIEW_TYPES)
def test_images_follow_stream_view_type_and_event_name(seed: int, view: str) -> None:
    for record in event_at(seed, stream_view_type=view, count=15)["Records"]:
        stream, name = record["dynamodb"], record["eventName"]
        expect_new = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") and name != "REMOVE"
        expect_old = view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") and name != "INSERT"
        assert ("NewImage" in stream) == expect_new, (view, name)
        assert ("OldImage" in stream) == expect_old, (view, name)
        assert stream["StreamViewType"] == view


@pytest.mark.parametrize("seed", range(20))
def test_keys_are_the_key_attributes_of_every_image(seed: int) -> None:
    records = event_at(seed, stream_view_type="NEW_AND_OLD_IMAGES", count=15)["Records"]
    key_names = {tuple(r["dynamodb"]["Keys"]) for r in records}
    assert len(key_names) == 1  # one table, one key schema
    (names,) = key_names
    assert 1 <= len(names) <= 2
    for record in records:
        keys = record["dynamodb"]["Keys"]
        for av in keys.values():
            assert next(iter(av)) in ("S", "N", "B")  # key attributes are scalars
        for image in ("NewImage", "OldImage"):
            if image in record["dynamodb"]:
                assert {k: record["dynamodb"][image][k] for k in keys} == keys


@pytest.mark.parametrize("seed", range(20))
def test_modify_changes_a_non_key_attribute(seed: int) -> None:
    records = event_at(seed, event_name="MODIFY", stream_view_type="NEW_AND_OLD_IMAGES", count=5)
    for record in records["Records"]:
        new, old = record["dynamodb"]["NewImage"], record["dynamodb"]["OldImage"]
        keys = record["dynamodb"]["Keys"]
        changed = {k for k in new.keys() | old.keys() if new.get(k) != old.get(k)}
        assert changed and not changed & keys.keys()


@pytest.mark.parametrize("seed", range(20))
def test_size_bytes_is_keys_plus_images(seed: int) -> None:
    for record in event_at(seed, count=15)["Records"]:
        stream = record["dynamodb"]
        expected = image_size(stream["Keys"])
        expected += sum(image_size(stream[i]) for i in ("NewImage", "OldImage") if i in stream)
        assert stream["SizeBytes"] == expected


@pytest.mark.parametrize("seed", range(20))
def test_attribute_values_are_well_formed(seed: int) -> None:
    for record in event_at(seed, count=20)["Records"]:
        for part in ("Keys", "NewImage", "OldImage"):
            for av in record["dynamodb"].get(part, {}).values():
                check_attribute_value(av)


@pytest.mark.parametrize("seed", range(20))
def test_sequence_numbers_increase_within_the_shard(seed: int) -> None:
    numbers = [r["dynamodb"]["SequenceNumber"] for r in event_at(seed, count=30)["Records"]]
    assert all(re.fullmatch(r"[1-9]\d{20,39}", n) for n in numbers)  # 21 to 40 digits
    assert all(int(a) < int(b) for a, b in itertools.pairwise(numbers))


@pytest.mark.parametrize("seed", range(20))
def test_creation_times_are_epoch_seconds_before_the_invoke(seed: int) -> None:
    times = [
        r["dynamodb"]["ApproximateCreationDateTime"] for r in event_at(seed, count=30)["Records"]
    ]
    assert all(type(t) is int for t in times)
    assert times == sorted(times)
    assert times[-1] <= T0.timestamp()
    assert times[0] > (T0 - timedelta(minutes=30)).timestamp()


@pytest.mark.parametrize("seed", range(20))
def test_stream_arn_agrees_with_the_world(seed: int) -> None:
    event = build_event("dynamodb", seed, region="ap-south-1", account_id="210987654321",
                        count=4, time=T0)  # fmt: skip
    arns = {r["eventSourceARN"] for r in event["Records"]}
    assert len(arns) == 1
    match = STREAM_ARN.match(arns.pop())
    assert match is not None
    assert match["region"] == "ap-south-1" and match["account"] == "210987654321"
    label = datetime.fromisoformat(match["label"]).replace(tzinfo=UTC)
    assert label < T0  # the stream existed before its records
    assert all(r["awsRegion"] == "ap-south-1" for r in event["Records"])


@pytest.mark.parametrize("seed", range(20))
def test_event_ids_and_constants(seed: int) -> None:
    records = event_at(seed, count=30)["Records"]
    assert all(re.fullmatch(r"[0-9a-f]{32}", r["eventID"]) for r in records)
    assert len({r["eventID"] for r in records}) == len(records)
    assert {r["eventVersion"] for r in records} == {"1.1"}
    assert {r["eventSource"] for r in records} == {"aws:dynamodb"}
    assert {r["eventName"] for r in records} <= set(EVENT_NAMES)
    assert all("userIdentity" not in r for r in records)  # only TTL deletions carry it


@pytest.mark.parametrize("seed", range(20))
def test_ttl_removal_is_a_service_delete_of_an_expired_item(seed: int) -> None:
    records = event_at(seed, ttl_removal=True, stream_view_type="NEW_AND_OLD_IMAGES", count=4)
    for record in records["Records"]:
        assert record["eventName"] == "REMOVE"
        assert record["userIdentity"] == {
            "type": "Service",
            "principalId": "dynamodb.amazonaws.com",
        }
        expires = int(record["dynamodb"]["OldImage"]["expiresAt"]["N"])
        assert expires < record["dynamodb"]["ApproximateCreationDateTime"]


def test_records_share_no_dicts() -> None:
    event = event_at(2, new_image=ITEM, event_name="MODIFY", count=2)
    first, second = (r["dynamodb"] for r in event["Records"])
    first["NewImage"]["name"]["S"] = "changed"
    first["Keys"]["pk"]["S"] = "changed"
    first["OldImage"]["tags"]["SS"].append("x")
    assert second["NewImage"]["name"] == {"S": "Ana"}
    assert first["NewImage"]["pk"] == {"S": "CUSTOMER#42"}
    assert second["OldImage"]["tags"] == {"SS": ["vip"]}


# --- tumbling windows -------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_window_fields_match_the_batch(seed: int) -> None:
    event = event_at(seed, tumbling_window=120, count=8, state={"n": 2})
    start = datetime.fromisoformat(event["window"]["start"].replace("Z", "+00:00")).timestamp()
    end = datetime.fromisoformat(event["window"]["end"].replace("Z", "+00:00")).timestamp()
    assert end - start == 120 and start % 120 == 0
    assert all(
        start <= r["dynamodb"]["ApproximateCreationDateTime"] < end for r in event["Records"]
    )
    assert event["eventSourceARN"] == event["Records"][0]["eventSourceARN"]
    assert DDB_SHARD.match(event["shardId"])
    shard_ms = int(event["shardId"].split("-")[1])
    assert shard_ms <= event["Records"][0]["dynamodb"]["ApproximateCreationDateTime"] * 1000 + 999
    assert event["state"] == {"n": 2}
    assert event["isFinalInvokeForWindow"] is False and event["isWindowTerminatedEarly"] is False


def test_final_window_invoke_follows_the_window() -> None:
    event = event_at(1, tumbling_window=60, is_final_invoke_for_window=True)
    end = datetime.fromisoformat(event["window"]["end"].replace("Z", "+00:00"))
    assert end <= T0 and event["isFinalInvokeForWindow"] is True


# --- overrides --------------------------------------------------------------------------------


def test_table_name_and_stream_label_land_in_the_arn() -> None:
    record = event_at(1, table_name="Orders", stream_label="2024-11-05T08:09:10.123")["Records"][0]
    assert record["eventSourceARN"] == (
        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders/stream/2024-11-05T08:09:10.123"
    )


@pytest.mark.parametrize("key", [("id",), ("tenant", "createdAt")])
def test_key_names_the_key_attributes(key: tuple[str, ...]) -> None:
    for record in event_at(1, key=key, count=5, stream_view_type="NEW_IMAGE")["Records"]:
        assert tuple(record["dynamodb"]["Keys"]) == key
        for name in key:
            assert record["dynamodb"]["Keys"][name]["S"]


def test_event_name_list_sets_count_and_order() -> None:
    records = event_at(1, event_name=["INSERT", "MODIFY", "REMOVE", "INSERT"])["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE", "INSERT"]


def test_new_image_is_marshalled_into_every_record() -> None:
    records = event_at(1, new_image=ITEM, event_name="INSERT", count=3)["Records"]
    for record in records:
        assert record["dynamodb"]["NewImage"] == {
            "pk": {"S": "CUSTOMER#42"}, "sk": {"S": "PROFILE"}, "name": {"S": "Ana"},
            "visits": {"N": "3"}, "tags": {"SS": ["vip"]},
        }  # fmt: skip
        assert record["dynamodb"]["Keys"] == {"pk": {"S": "CUSTOMER#42"}, "sk": {"S": "PROFILE"}}
        assert "OldImage" not in record["dynamodb"]
        assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"  # shows your items


def test_modify_with_only_a_new_image_derives_an_older_one() -> None:
    record = event_at(1, new_image={**ITEM, "version": 4}, event_name="MODIFY")["Records"][0]
    old = record["dynamodb"]["OldImage"]
    assert old["version"] == {"N": "3"}
    assert old["pk"] == {"S": "CUSTOMER#42"}


def test_old_and_new_image_together() -> None:
    old = {"id": 7, "status": "PENDING"}
    new = {"id": 7, "status": "PAID"}
    record = event_at(1, old_image=old, new_image=new)["Records"][0]
    assert record["eventName"] == "MODIFY"
    assert record["dynamodb"]["Keys"] == {"id": {"N": "7"}}  # guessed from the item
    assert record["dynamodb"]["OldImage"]["status"] == {"S": "PENDING"}
    assert record["dynamodb"]["NewImage"]["status"] == {"S": "PAID"}


def test_remove_carries_the_old_image() -> None:
    record = event_at(1, old_image=ITEM, event_name="REMOVE")["Records"][0]
    assert record["dynamodb"]["OldImage"]["name"] == {"S": "Ana"}
    assert "NewImage" not in record["dynamodb"]


def test_items_sets_count_one_item_per_record() -> None:
    items = [{"pk": f"USER#{i}", "sk": "PROFILE", "n": i} for i in range(4)]
    records = event_at(1, items=items, event_name=["INSERT", "INSERT", "MODIFY", "REMOVE"])
    got = [r["dynamodb"].get("NewImage") or r["dynamodb"]["OldImage"] for r in records["Records"]]
    assert [image["pk"]["S"] for image in got] == ["USER#0", "USER#1", "USER#2", "USER#3"]


def test_keys_only_still_names_the_item() -> None:
    record = event_at(1, new_image=ITEM, stream_view_type="KEYS_ONLY")["Records"][0]
    assert set(record["dynamodb"]) == {
        "ApproximateCreationDateTime", "Keys", "SequenceNumber", "SizeBytes", "StreamViewType"
    }  # fmt: skip
    assert record["dynamodb"]["Keys"] == {"pk": {"S": "CUSTOMER#42"}, "sk": {"S": "PROFILE"}}


def test_same_seed_gives_the_same_event_and_other_seeds_differ() -> None:
    first = build_event("dynamodb", 4, count=6)
    assert json.dumps(first) == json.dumps(build_event("dynamodb", 4, count=6))
    assert first != build_event("dynamodb", 5, count=6)


def test_max_batch_of_ten_thousand() -> None:
    records = build_event("dynamodb", 1, count=10_000, stream_view_type="KEYS_ONLY")["Records"]
    assert len(records) == 10_000
    assert len({r["dynamodb"]["SequenceNumber"] for r in records}) == 10_000


def test_building_leaves_the_garbage_collector_as_it_was() -> None:
    # the builder pauses gc for speed; it must restore it, even when it raises
    assert gc.isenabled()
    build_event("dynamodb", 1, count=3)
    with pytest.raises(EventConfigError):
        build_event("dynamodb", 1, event_name="UPSERT")
    assert gc.isenabled()
    gc.disable()
    try:
        build_event("dynamodb", 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"stream_view": "KEYS_ONLY"}, r"unknown override 'stream_view' \(did you mean "
                                       r"'stream_view_type'\?\)"),
        ({"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ({"stream_view_type": "NEW"}, r"stream_view_type: 'NEW' is not allowed.*; allowed: "
                                      r"'KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', "
                                      r"'NEW_AND_OLD_IMAGES'"),
        ({"event_name": "UPDATE"}, r"event_name: 'UPDATE' is not allowed; allowed: INSERT, "
                                   r"MODIFY, REMOVE"),
        ({"event_name": ["INSERT", "modify"]}, r"event_name\[1\]: 'modify' is not allowed \(did "
                                               r"you mean 'MODIFY'\?\)"),
        ({"event_name": []}, r"event_name: an empty list"),
        ({"event_name": ["INSERT"] * 10_001}, r"event_name: 10,001 records; a DynamoDB Streams "
                                              r"batch holds at most 10,000"),
        ({"event_name": [1]}, r"event_name\[0\]: expected str, got int"),
        ({"event_name": ["INSERT"], "count": 2}, r"event_name: count says 2, event_name says 1"),
        ({"items": []}, r"items: a DynamoDB event holds 1 to 10,000 records, not 0"),
        ({"items": ["pk"]}, r"items\[0\]: expected dict, got str"),
        ({"items": [{"pk": "a"}], "count": 3}, r"items: count says 3, items says 1"),
        ({"items": [{"pk": "a"}], "new_image": {"pk": "a"}}, r"items: pass either items"),
        ({"new_image": "x"}, r"new_image: expected dict, got str"),
        ({"new_image": {"foo": 1}}, r"key: cannot tell the table's key from attributes \['foo'\]; "
                                    r"pass key="),
        ({"new_image": {"pk": "a"}, "key": ("id",)}, r"new_image: the item lacks key attribute "
                                                     r"'id'"),
        ({"new_image": {"pk": ["a"]}}, r"new_image: key attribute 'pk' is L; keys are strings, "
                                       r"numbers or bytes"),
        ({"new_image": {"pk": ""}}, r"new_image: key attribute 'pk' must hold 1 to 2,048 bytes"),
        ({"new_image": {"pk": "a", "sk": "s" * 1025}}, r"key attribute 'sk' must hold 1 to 1,024"),
        ({"new_image": {"pk": "a", "tags": set()}}, r"new_image\['tags'\]: DynamoDB rejects empty "
                                                    r"sets"),
        ({"new_image": {"pk": "a", "x": float("nan")}}, r"new_image\['x'\]: nan is not a DynamoDB "
                                                        r"number"),
        ({"new_image": {"pk": "a", "x": object()}}, r"new_image\['x'\]: object .* has no DynamoDB "
                                                    r"type; supported: str, int"),
        ({"new_image": {"pk": "a", "x": 10**39 + 1}}, r"significant digits; DynamoDB keeps at "
                                                      r"most 38"),
        ({"new_image": {"pk": "a", "blob": b"x" * 410_000}}, r"new_image: .* bytes; a DynamoDB "
                                                             r"item holds at most 400 KB"),
        ({"new_image": {"pk": "a"}, "event_name": "REMOVE"}, r"new_image: REMOVE records have no "
                                                             r"NewImage; pass old_image"),
        ({"old_image": {"pk": "a"}, "event_name": "INSERT"}, r"old_image: INSERT records have no "
                                                             r"OldImage"),
        ({"new_image": {"pk": "a", "n": 1}, "old_image": {"pk": "b", "n": 2}},
         r"old_image: old and new image must have the same key"),
        ({"new_image": {"pk": "a", "n": 1}, "old_image": {"pk": "a", "n": 1}},
         r"new_image: a MODIFY record changes the item; DynamoDB writes no stream record"),
        ({"ttl_removal": True, "event_name": "INSERT"}, r"ttl_removal: TTL expiry only deletes "
                                                        r"items: every event_name must be REMOVE"),
        ({"ttl_removal": "yes"}, r"ttl_removal: expected bool, got str"),
        ({"key": ("a", "b", "c")}, r"key: \['a', 'b', 'c'\]: give the partition key name, or "
                                   r"partition and sort key"),
        ({"key": ("a", "a")}, r"key: .*give the partition key name"),
        ({"key": "pk"}, r"key: expected tuple or list, got str"),
        ({"table_name": "ab"}, r"table_name: 'ab': table names are 3 to 255 of a-z A-Z 0-9"),
        ({"table_name": "my table"}, r"table names are 3 to 255"),
        ({"stream_label": "2025-01-02"}, r"stream_label: '2025-01-02' is not a stream label like "
                                         r"2025-01-02T03:04:05.678"),
        ({"stream_label": "2025-13-02T03:04:05.678"}, r"stream_label: .* is not a valid date"),
        ({"stream_label": "2030-01-01T00:00:00.000", "time": "2025-01-01T00:00:00Z"},
         r"stream_label: the stream was created at 2030-01-01T00:00:00.000, after the event time"),
        ({"state": {"a": 1}}, r"state: belongs to tumbling-window invokes"),
        ({"tumbling_window": 1000}, r"tumbling_window: 1000 is above AWS's maximum 900"),
    ],
)  # fmt: skip
def test_bad_input_is_rejected_with_what_is_allowed(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message) as info:
        build_event("dynamodb", 1, **overrides)
    assert str(info.value).startswith("dynamodb: ")


@pytest.mark.parametrize("seed", range(80))
def test_the_default_build_is_the_general_one(seed: int) -> None:
    """Without overrides the builder writes the one-record event directly: it must be the
    event the general path builds (an override equal to the drawn view type takes it)."""
    event = build_event("dynamodb", seed)
    view = event["Records"][0]["dynamodb"]["StreamViewType"]
    assert event == build_event("dynamodb", seed, stream_view_type=view)


def _containers(value: Any) -> list[int]:
    """The ids of every dict and list inside ``value`` (itself included)."""
    if isinstance(value, dict):
        return [id(value), *(i for v in value.values() for i in _containers(v))]
    if isinstance(value, list):
        return [id(value), *(i for v in value for i in _containers(v))]
    return []


@pytest.mark.parametrize("seed", range(60))
def test_a_records_images_and_keys_share_no_dicts(seed: int) -> None:
    """A generated MODIFY's new image is copied from its old one: editing one must not edit
    the other (nor Keys)."""
    for record in build_event("dynamodb", seed, count=4, event_name="MODIFY")["Records"]:
        stream = record["dynamodb"]
        parts = [_containers(stream[p]) for p in ("Keys", "NewImage", "OldImage") if p in stream]
        ids = [i for part in parts for i in part]
        assert len(ids) == len(set(ids))
