"""The ``documentdb`` source: a DocumentDB change-stream event source mapping batch (shapes.md
section 29, semantics.md 6.3).

No Powertools model or data class exists for DocumentDB (oracles.md), so the shape of every
operation type is checked here against the captured events' keys."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.sources.documentdb import DOCUMENT_OPERATIONS

T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)
OID = re.compile(r"^[0-9a-f]{24}$")
KEYS = {
    "insert": ["_id", "clusterTime", "documentKey", "fullDocument", "ns", "operationType"],
    "update": ["_id", "clusterTime", "documentKey", "ns", "operationType", "updateDescription"],
    "replace": ["_id", "clusterTime", "documentKey", "fullDocument", "ns", "operationType"],
    "delete": ["_id", "clusterTime", "documentKey", "ns", "operationType"],
    "drop": ["_id", "clusterTime", "ns", "operationType"],
    "rename": ["_id", "clusterTime", "ns", "operationType", "to"],
    "dropDatabase": ["_id", "clusterTime", "ns", "operationType"],
    "invalidate": ["_id", "clusterTime", "operationType"],
}


def changes(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["event"] for e in event["events"]]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("operation", KEYS)
def test_every_operation_type_has_its_keys(seed: int, operation: str) -> None:
    event = build_event("documentdb", seed, operation_type=operation)
    assert list(event) == ["eventSourceArn", "events", "eventSource"]
    assert event["eventSource"] == "aws:docdb"
    (change,) = changes(event)
    assert list(change) == KEYS[operation]
    assert change["operationType"] == operation
    if "ns" in change:
        assert list(change["ns"]) == (["db"] if operation == "dropDatabase" else ["db", "coll"])
    if "documentKey" in change:
        assert OID.match(change["documentKey"]["_id"]["$oid"])
    if "fullDocument" in change:
        assert change["fullDocument"]["_id"] == change["documentKey"]["_id"]
    if operation == "update":
        assert set(change["updateDescription"]) == {"updatedFields", "removedFields"}
    if operation == "rename":
        assert change["to"]["db"] == change["ns"]["db"]
        assert change["to"]["coll"] != change["ns"]["coll"]


@pytest.mark.parametrize("seed", range(20))
def test_cluster_times_increase_and_resume_tokens_embed_them(seed: int) -> None:
    events = changes(build_event("documentdb", seed, count=40, time=T0))
    stamps = [
        (e["clusterTime"]["$timestamp"]["t"], e["clusterTime"]["$timestamp"]["i"]) for e in events
    ]
    assert all(a < b for a, b in itertools.pairwise(stamps))  # strictly: (t, i) is unique
    assert all(T0.timestamp() - 60 < t < T0.timestamp() for t, _ in stamps)
    assert all(i >= 1 for _, i in stamps)
    for event, (t, i) in zip(events, stamps, strict=True):
        token = event["_id"]["_data"]
        assert re.fullmatch(r"[0-9a-f]{36}", token)
        assert token[2:10] == f"{t:08x}" and token[10:18] == f"{i:08x}"


@pytest.mark.parametrize("seed", range(20))
def test_one_namespace_unique_document_keys_and_inserted_ids_made_at_cluster_time(
    seed: int,
) -> None:
    events = changes(build_event("documentdb", seed, count=30))
    assert len({(e["ns"]["db"], e["ns"]["coll"]) for e in events}) == 1
    oids = [e["documentKey"]["_id"]["$oid"] for e in events]
    assert len(set(oids)) == len(oids)
    for e in events:
        made = int(e["documentKey"]["_id"]["$oid"][:8], 16)
        t = e["clusterTime"]["$timestamp"]["t"]
        assert made == t if e["operationType"] == "insert" else made < t


@pytest.mark.parametrize("seed", range(20))
def test_arn_agrees_with_the_world(seed: int) -> None:
    event = build_event("documentdb", seed, region="eu-west-2", account_id="210987654321")
    assert re.fullmatch(
        r"arn:aws:rds:eu-west-2:210987654321:cluster:[a-z][a-z0-9-]*[a-z0-9]",
        event["eventSourceArn"],
    )


def test_gov_cloud_uses_its_partition() -> None:
    arn = build_event("documentdb", 1, region="us-gov-west-1")["eventSourceArn"]
    assert arn.startswith("arn:aws-us-gov:rds:us-gov-west-1:")


def test_update_lookup_adds_the_updated_document() -> None:
    (change,) = changes(
        build_event("documentdb", 3, operation_type="update", full_document="UpdateLookup")
    )
    updated = change["updateDescription"]["updatedFields"]
    assert all(change["fullDocument"][k] == v for k, v in updated.items())
    plain = changes(build_event("documentdb", 3, operation_type="update", count=3))
    assert all("fullDocument" not in c for c in plain)


def test_overrides_land() -> None:
    event = build_event(
        "documentdb",
        1,
        documents=[{"sku": "a"}, {"sku": "b"}],
        database="shop",
        collection="items",
        cluster_name="prod-docdb",
    )
    assert event["eventSourceArn"].endswith(":cluster:prod-docdb")
    events = changes(event)
    assert [e["operationType"] for e in events] == ["insert", "insert"]
    assert [e["fullDocument"]["sku"] for e in events] == ["a", "b"]
    assert all(e["ns"] == {"db": "shop", "coll": "items"} for e in events)
    (update,) = changes(
        build_event("documentdb", 1, updated_fields={"qty": 2}, removed_fields=["tmp"])
    )
    assert update["operationType"] == "update"
    assert update["updateDescription"] == {"updatedFields": {"qty": 2}, "removedFields": ["tmp"]}
    (rename,) = changes(build_event("documentdb", 1, operation_type="rename", rename_to="x2"))
    assert rename["to"]["coll"] == "x2"


def test_documents_are_copied_not_shared() -> None:
    doc = {"tags": ["a"]}
    event = build_event("documentdb", 1, documents=[doc])
    event["events"][0]["event"]["fullDocument"]["tags"].append("b")
    assert doc == {"tags": ["a"]}


def test_same_seed_same_event_and_different_seeds_differ() -> None:
    assert build_event("documentdb", 4, count=10) == build_event("documentdb", 4, count=10)
    assert build_event("documentdb", 4) != build_event("documentdb", 5)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"operation": "insert"}, r"unknown override 'operation'.*did you mean 'operation_type'"),
        ({"operation_type": "upsert"}, r"operation_type: 'upsert' is not allowed.*'insert'"),
        ({"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ({"full_document": "Lookup"}, r"full_document: 'Lookup' is not allowed.*UpdateLookup"),
        ({"operation_type": "drop", "count": 2}, r"count: a 'drop' event ends the stream"),
        ({"operation_type": "delete", "documents": [{}]}, r"documents: 'delete' events carry no"),
        ({"operation_type": "update", "documents": [{}]}, r"documents: .*UpdateLookup"),
        ({"documents": [{"_id": 1}]}, r"documents: leave _id out"),
        ({"documents": [], "count": 1}, r"documents: a batch holds 1 to 10,000 records, not 0"),
        ({"documents": ["x"]}, r"documents\[0\]: expected dict"),
        ({"operation_type": "insert", "updated_fields": {"a": 1}}, r"updated_fields: only update"),
        ({"rename_to": "x"}, r"rename_to: only rename events have 'to'"),
        ({"database": "a.b"}, r"database: 'a.b': 1-63 characters without"),
        ({"cluster_name": "1abc"}, r"cluster_name: '1abc' is not a cluster identifier"),
        ({"removed_fields": [1]}, r"removed_fields\[0\]: expected str"),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("documentdb", 1, **overrides)


def test_big_documents_past_six_mb_are_refused() -> None:
    with pytest.raises(EventConfigError, match=r"count: 200 records make a [\d,]+-byte event"):
        build_event("documentdb", 1, documents=[{"blob": "x" * 40_000}] * 200)


def test_the_default_path_writes_what_the_general_path_writes() -> None:
    """A build without options takes the direct path (_default_documentdb); an option that
    changes nothing (full_document='Default') takes the general one, which must agree."""
    operations = set()
    for seed in range(300):
        event = build_event("documentdb", seed=seed)
        assert event == build_event("documentdb", seed=seed, full_document="Default")
        operations.add(changes(event)[0]["operationType"])
    assert operations == set(DOCUMENT_OPERATIONS)
