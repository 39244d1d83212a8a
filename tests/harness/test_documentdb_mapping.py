"""DocumentDB event source mappings in the harness: change events from writes, in order, a
failed batch retried until it succeeds, no filtering and no on-failure destinations
(semantics.md 6.3)."""

import pytest

from pytest_lambda_events.errors import EventSourceMappingError, HarnessError, HarnessStall
from pytest_lambda_events.flows.broker_mapping import STALL_ATTEMPTS
from pytest_lambda_events.world import Harness


@pytest.fixture
def h():
    with Harness(seed=3) as harness:
        yield harness


def ok(event, context):
    return None


def ops(invocation):
    return [e["event"]["operationType"] for e in invocation.event["events"]]


def offsets(invocations, start):
    return [(inv.started_at - start).total_seconds() for inv in invocations]


def test_writes_make_change_events_in_the_builders_shape(h):
    coll = h.documentdb_collection("shop", "orders", cluster="prod-docdb")
    mapping = coll.subscribe(h.function(ok, name="f"))
    start = h.clock.now()
    oid = coll.insert_one({"item": "mug", "qty": 1})
    assert coll.update_one(oid, {"qty": 2})
    assert coll.delete_one(oid)
    h.run()
    (inv,) = mapping.invocations
    assert offsets(mapping.invocations, start) == [0.5]  # the 500 ms default window
    assert inv.event["eventSource"] == "aws:docdb" and inv.source == "documentdb"
    assert inv.event["eventSourceArn"] == "arn:aws:rds:us-east-1:123456789012:cluster:prod-docdb"
    insert, update, delete = (e["event"] for e in inv.event["events"])
    assert ops(inv) == ["insert", "update", "delete"]
    assert set(oid) == {"$oid"} and len(oid["$oid"]) == 24
    assert insert["fullDocument"] == {"_id": oid, "item": "mug", "qty": 1}
    assert "fullDocument" not in update and "fullDocument" not in delete  # FullDocument Default
    assert update["updateDescription"] == {"updatedFields": {"qty": 2}, "removedFields": []}
    for event in (insert, update, delete):
        assert event["documentKey"] == {"_id": oid}
        assert event["ns"] == {"db": "shop", "coll": "orders"}
        assert list(event) == sorted(event)  # keys in alphabetical order, as captured
    times = [(e["clusterTime"]["$timestamp"]["t"], e["clusterTime"]["$timestamp"]["i"])
             for e in (insert, update, delete)]  # fmt: skip
    assert times == sorted(times) and len(set(times)) == 3
    assert times[0] == (int(start.timestamp()), 1)
    tokens = [e["_id"]["_data"] for e in (insert, update, delete)]
    assert len(set(tokens)) == 3 and all(int(t, 16) for t in tokens)
    assert [d.status for d in mapping.deliveries] == ["succeeded"] * 3


def test_update_lookup_carries_the_full_document_and_cluster_time_grows(h):
    coll = h.documentdb_collection("shop", "orders", full_document="UpdateLookup")
    mapping = coll.subscribe(h.function(ok, name="f"), batching_window=0)
    coll.insert_one({"_id": "k1", "status": "new"})
    h.advance(seconds=3)
    coll.update_one("k1", {"status": "paid"})
    h.run()
    first, second = mapping.invocations
    update = second.event["events"][0]["event"]
    assert update["fullDocument"] == {"_id": "k1", "status": "paid"}
    assert update["documentKey"] == {"_id": "k1"}
    t1 = first.event["events"][0]["event"]["clusterTime"]["$timestamp"]
    t2 = update["clusterTime"]["$timestamp"]
    assert (t2["t"] - t1["t"], t2["i"]) == (3, 1)


def test_a_failed_batch_is_retried_until_it_succeeds_and_order_holds(h):
    failures = iter([True, True, True])

    def flaky(event, context):
        if next(failures, False):
            raise RuntimeError("downstream unavailable")

    coll = h.documentdb_collection("db", "c")
    mapping = coll.subscribe(h.function(flaky, name="f"), batch_size=2, batching_window=0)
    start = h.clock.now()
    for n in range(3):
        coll.insert_one({"n": n})
    h.advance(seconds=1.5)
    coll.insert_one({"n": 3})  # arrives while the first batch is being retried
    h.run()
    seen = [[e["event"]["fullDocument"]["n"] for e in inv.event["events"]]
            for inv in mapping.invocations]  # fmt: skip
    assert seen == [[0, 1]] * 4 + [[2, 3]]
    assert offsets(mapping.invocations, start) == [0, 1, 2, 3, 3]
    assert [(d.status, d.attempts) for d in mapping.deliveries] == [
        ("succeeded", 4), ("succeeded", 4), ("succeeded", 1), ("succeeded", 1)]  # fmt: skip
    assert "RuntimeError: downstream unavailable" in mapping.deliveries[0].reason


def test_a_batch_that_always_fails_stalls_run(h):
    coll = h.documentdb_collection("db", "c")

    def broken(event, context):
        raise ValueError("never")

    mapping = coll.subscribe(h.function(broken, name="f"), batching_window=0)
    coll.insert_one({"a": 1})
    with pytest.raises(HarnessStall, match=r"docdb:db\.c->f"):
        h.run()
    assert len(mapping.invocations) == STALL_ATTEMPTS
    assert mapping.deliveries[0].status == "pending"


def test_batch_size_and_window(h):
    coll = h.documentdb_collection("db", "c")
    mapping = coll.subscribe(h.function(ok, name="f"), batch_size=100, batching_window=10)
    start = h.clock.now()
    for n in range(250):
        coll.insert_one({"n": n})
    h.run()
    assert [len(inv.event["events"]) for inv in mapping.invocations] == [100, 100, 50]
    assert offsets(mapping.invocations, start) == [0, 0, 10]
    numbers = [e["event"]["fullDocument"]["n"] for inv in mapping.invocations
               for e in inv.event["events"]]  # fmt: skip
    assert numbers == list(range(250))


@pytest.mark.parametrize("option", ["filter_criteria", "on_failure"])
def test_no_filtering_and_no_on_failure_destinations(h, option):
    coll = h.documentdb_collection("db", "c")
    with pytest.raises(EventSourceMappingError, match=f"{option} is not supported.*batch_size, "
                       "batching_window"):  # fmt: skip
        coll.subscribe(h.function(ok, name="f"), **{option: {"x": 1}})


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"batch_size": 0}, "BatchSize is 1 to 10,000"),
        ({"batch_size": 10_001}, "BatchSize is 1 to 10,000"),
        ({"batching_window": 301}, "0 to 300"),
    ],
)
def test_mapping_limits(h, settings, match):
    coll = h.documentdb_collection("db", "c")
    with pytest.raises(EventSourceMappingError, match=match):
        coll.subscribe(h.function(ok, name="f"), **settings)


def test_collection_checks(h):
    coll = h.documentdb_collection("db", "c")
    coll.insert_one({"_id": 1})
    with pytest.raises(HarnessError, match="duplicate key"):
        coll.insert_one({"_id": 1})
    assert coll.update_one(2, {"a": 1}) is False and coll.delete_one(2) is False
    assert len(coll.changes) == 1
    with pytest.raises(HarnessError, match="full_document"):
        h.documentdb_collection("db", "d", full_document="WhenAvailable")
    with pytest.raises(HarnessError, match="1-63 characters"):
        h.documentdb_collection("a.b", "c")
