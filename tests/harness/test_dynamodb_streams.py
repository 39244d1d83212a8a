"""DynamoDB tables and their streams in the harness (5.2, 5.3; shapes.md 2)."""

from datetime import timedelta
from decimal import Decimal

import pytest

from pytest_lambda_events.attribute_values import item_size
from pytest_lambda_events.errors import TableConfigError
from pytest_lambda_events.timefmt import iso_z
from pytest_lambda_events.world import Harness


def test_put_modify_delete_make_insert_modify_remove():
    seen = []
    with Harness(seed=1) as h:
        t = h.dynamodb_table("users", key=("pk", "sk"), stream_view_type="NEW_AND_OLD_IMAGES")
        fn = h.function(lambda e, c: seen.extend(e["Records"]), name="f")
        m = t.subscribe(fn, batch_size=10)
        t.put_item({"pk": "u1", "sk": "p", "n": 1, "tags": {"a", "b"}, "blob": b"\x00"})
        t.put_item({"pk": "u1", "sk": "p", "n": 1, "tags": {"a", "b"}, "blob": b"\x00"})  # same
        t.put_item({"pk": "u1", "sk": "p", "n": 2.5, "ok": True, "none": None})
        t.delete_item({"pk": "u1", "sk": "p"})
        t.delete_item({"pk": "u1", "sk": "p"})  # absent: no record
        h.run()
        assert [r["eventName"] for r in seen] == ["INSERT", "MODIFY", "REMOVE"]
        insert, modify, remove = (r["dynamodb"] for r in seen)
        assert insert["Keys"] == {"pk": {"S": "u1"}, "sk": {"S": "p"}}
        assert insert["NewImage"]["tags"] == {"SS": ["a", "b"]} and "OldImage" not in insert
        assert modify["NewImage"]["n"] == {"N": "2.5"} and modify["OldImage"]["n"] == {"N": "1"}
        assert "NewImage" not in remove and remove["OldImage"]["n"] == {"N": "2.5"}
        seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in seen]
        assert seqs == sorted(seqs)
        assert all(r["eventVersion"] == "1.1" and r["eventSourceARN"] == t.stream_arn for r in seen)
        assert all(d.status == "succeeded" for d in m.deliveries)


@pytest.mark.parametrize(("view", "new", "old"), [
    ("KEYS_ONLY", False, False), ("NEW_IMAGE", True, False), ("OLD_IMAGE", False, True),
    ("NEW_AND_OLD_IMAGES", True, True),
])  # fmt: skip
def test_view_types_choose_the_images(view, new, old):
    with Harness(seed=2) as h:
        t = h.dynamodb_table("items", key="id", stream_view_type=view)
        t.put_item({"id": 1, "v": 1})
        record = t.put_item({"id": 1, "v": 2})
        body = t.record_event(record, "")["dynamodb"]
        assert ("NewImage" in body, "OldImage" in body) == (new, old)
        assert body["StreamViewType"] == view


@pytest.mark.parametrize("view", ["KEYS_ONLY", "NEW_AND_OLD_IMAGES"])
def test_size_bytes_counts_what_the_view_shows(view):
    # SizeBytes: the keys and the images carried; the images are measured once, at the write
    with Harness(seed=4) as h:
        t = h.dynamodb_table("items", key="id", stream_view_type=view)
        t.put_item({"id": 1, "v": "x" * 10})
        h.advance(seconds=1.5)
        record = t.put_item({"id": 1, "v": "y" * 20, "w": 7})
        body = t.record_event(record, "")["dynamodb"]
        images = [body[k] for k in ("NewImage", "OldImage") if k in body]
        assert len(images) == (2 if view == "NEW_AND_OLD_IMAGES" else 0)
        expected = item_size({"id": {"N": "1"}}) + sum(item_size(i) for i in images)
        assert body["SizeBytes"] == expected
        assert body["ApproximateCreationDateTime"] == int(record.arrival.timestamp())


def test_ttl_removals_carry_the_service_identity():
    seen = []
    with Harness(seed=3) as h:
        t = h.dynamodb_table("sessions", key="id", ttl_attribute="expiresAt")
        t.subscribe(h.function(lambda e, c: seen.extend(e["Records"]), name="f"))
        expires = int((h.clock.now() + timedelta(hours=1)).timestamp())
        t.put_item({"id": "s1", "expiresAt": expires})
        h.run()
        assert [r["eventName"] for r in seen] == ["INSERT", "REMOVE"]
        assert seen[1]["userIdentity"] == {"type": "Service",
                                           "principalId": "dynamodb.amazonaws.com"}  # fmt: skip
        assert t.items == []


def test_stream_retention_is_24_hours():
    with Harness(seed=4) as h:
        t = h.dynamodb_table("tbl1")
        t.put_item({"pk": "a"})
        h.advance(hours=24)
        assert t.records() == []


def test_ddb_failure_record_uses_ddb_stream_batch_info():
    # 5.9: DDBStreamBatchInfo, arrival times to the second.
    def fail(event, context):
        raise RuntimeError("no")

    with Harness(seed=5) as h:
        q = h.sqs_queue("dlq")
        t = h.dynamodb_table("tbl1")
        m = t.subscribe(h.function(fail), max_retry_attempts=1, on_failure=q)
        h.advance(seconds=0.5)
        stored = t.put_item({"pk": "a"})
        h.run()
        (record,) = m.failure_records
        info = record["DDBStreamBatchInfo"]
        assert info["approximateArrivalOfFirstRecord"] == iso_z(stored.arrival)  # no ".500"
        assert info["approximateArrivalOfLastRecord"] == iso_z(stored.arrival)
        assert record["requestContext"]["approximateInvokeCount"] == 2
        assert info["streamArn"] == t.stream_arn and len(q.messages) == 1


def test_items_read_back_and_key_errors():
    with Harness(seed=6) as h:
        t = h.dynamodb_table("tbl1", key=("pk", "sk"))
        t.put_item({"pk": "a", "sk": 1, "price": Decimal("1.10")})
        assert t.get_item({"pk": "a", "sk": 1}) == {"pk": "a", "sk": 1, "price": Decimal("1.1")}
        with pytest.raises(TableConfigError, match="lacks key"):
            t.put_item({"pk": "a"})
        with pytest.raises(TableConfigError, match="keys are strings"):
            t.put_item({"pk": "a", "sk": True})
        with pytest.raises(TableConfigError, match="StreamViewType"):
            h.dynamodb_table("tbl2", stream_view_type="ALL")
