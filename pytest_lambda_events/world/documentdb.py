"""Amazon DocumentDB collections in the harness: writes make change events, and the event
source mapping reads the change stream (semantics.md 6.3).

Records reach the function in order; a failed batch is retried until it succeeds (at least once
delivery). DocumentDB mappings take no filter criteria and no on-failure destination.

Approximations (AWS does not document these; the closest documented behaviour is used):

* Retry spacing: 1 s between attempts of a failed batch.
* ``full_document="UpdateLookup"``: an update event carries the document as it was right after
  that update (DocumentDB looks it up later, and may see later writes).
* A batch that keeps failing raises ``HarnessStall`` after ``STALL_ATTEMPTS`` failed attempts
  (flows/broker_mapping.py); the change stream's retention and the mapping being disabled when
  its events expire are not modelled.
"""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventSourceMappingError, HarnessError, checked_arguments
from ..flows.broker_mapping import BatchRetryMapping, record_bytes
from ..ledger import Delivery
from ..sources.documentdb import FULL_DOCUMENT, change_event, resume_token

if TYPE_CHECKING:
    from . import Harness
    from .function import Function

_CLUSTER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")
_NAME = re.compile(r"^[^/\\. \"$]{1,63}$")
ACCEPTED = ("batch_size", "batching_window")


class ChangeEvent:
    """One change-stream event: ``event`` (the change event), ``operation_type``."""

    __slots__ = ("event", "operation_type")

    def __init__(self, event: dict[str, Any]) -> None:
        self.event = event
        self.operation_type = event["operationType"]

    def __repr__(self) -> str:
        return f"<ChangeEvent {self.operation_type} {self.event['clusterTime']}>"


class DocumentDBCollection:
    """``h.documentdb_collection(database, collection, ...)``: ``insert_one``, ``update_one``,
    ``delete_one``; ``documents`` (by key), ``changes`` (every change event) and
    ``subscribe``."""

    def __init__(self, harness: Harness, database: str, collection: str, *,
                 cluster: str | None, full_document: str) -> None:  # fmt: skip
        if not isinstance(database, str) or not _NAME.match(database):
            raise HarnessError(f'database {database!r}: 1-63 characters without / \\ . space " '
                               "or $")  # fmt: skip
        if not isinstance(collection, str) or not 0 < len(collection) <= 255:
            raise HarnessError(f"collection {collection!r}: a collection name has 1 to 255 "
                               "characters")  # fmt: skip
        if full_document not in FULL_DOCUMENT:
            raise HarnessError(f"full_document is one of {FULL_DOCUMENT}, not {full_document!r}")
        cluster = cluster or f"{database.replace('_', '-')}-docdb"[:63].strip("-")
        if not _CLUSTER.match(cluster):
            raise HarnessError(
                f"cluster {cluster!r} is not a cluster identifier: 1-63 letters, digits or "
                "hyphens, starting with a letter, no '--' and no hyphen at the end"
            )
        self.harness = harness
        self.database = database
        self.collection = collection
        self.cluster = cluster
        self.full_document = full_document
        self.arn = aws.arn(harness.partition, "rds", harness.region, harness.account_id,
                           f"cluster:{cluster}")  # fmt: skip
        self.documents: dict[str, dict[str, Any]] = {}  # json of the _id -> document with _id
        self.changes: list[ChangeEvent] = []
        self.mappings: list[DocumentDBMapping] = []
        self._process = f"{harness.rng.getrandbits(40):010x}"  # ObjectId's per-process bytes
        self._counter = harness.rng.randrange(0xFFFFFF)
        self._last_time = (0, 0)

    # --- writes --------------------------------------------------------------------------
    @checked_arguments
    def insert_one(self, doc: dict[str, Any]) -> Any:
        """Insert ``doc``; return its ``_id`` (drawn as ``{"$oid": ...}`` when missing)."""
        if not isinstance(doc, dict):
            raise HarnessError(f"insert_one takes a document (dict), not {type(doc).__name__}")
        t = int(self.harness.clock.now().timestamp())
        oid = doc["_id"] if "_id" in doc else self._object_id(t)
        key = _key(oid)
        if key in self.documents:
            raise HarnessError(f"E11000 duplicate key error: _id {oid!r} exists already")
        body = {k: copy.deepcopy(v) for k, v in doc.items() if k != "_id"}
        self.documents[key] = {"_id": copy.deepcopy(oid), **body}
        self._change("insert", oid, document=copy.deepcopy(body))
        return copy.deepcopy(oid)

    @checked_arguments
    def update_one(self, filter_id: Any, set_fields: dict[str, Any]) -> bool:
        """``updateOne({_id: filter_id}, {$set: set_fields})``; False if no such document."""
        if not isinstance(set_fields, dict) or not set_fields or "_id" in set_fields:
            raise HarnessError("set_fields is a non-empty dict of fields to $set (not _id)")
        current = self.documents.get(_key(filter_id))
        if current is None:
            return False
        current.update(copy.deepcopy(set_fields))
        lookup = None
        if self.full_document == "UpdateLookup":
            lookup = {k: copy.deepcopy(v) for k, v in current.items() if k != "_id"}
        update = {"updatedFields": copy.deepcopy(set_fields), "removedFields": []}
        self._change("update", filter_id, document=lookup, update=update)
        return True

    @checked_arguments
    def delete_one(self, id: Any) -> bool:
        """``deleteOne({_id: id})``; False if no such document."""
        if self.documents.pop(_key(id), None) is None:
            return False
        self._change("delete", id)
        return True

    def _object_id(self, seconds: int) -> dict[str, str]:
        self._counter = (self._counter + 1) & 0xFFFFFF
        return {"$oid": f"{seconds & 0xFFFFFFFF:08x}{self._process}{self._counter:06x}"}

    def _change(self, op: str, oid: Any, document: dict[str, Any] | None = None,
                update: dict[str, Any] | None = None) -> None:  # fmt: skip
        now = self.harness.clock.now()
        t = int(now.timestamp())
        last_t, last_i = self._last_time
        i = last_i + 1 if t <= last_t else 1
        t = max(t, last_t)  # cluster time never goes back
        self._last_time = (t, i)
        token = resume_token(t, i, f"{self.harness.rng.getrandbits(32):08x}")
        ns = {"db": self.database, "coll": self.collection}
        change = ChangeEvent(change_event(op, t, i, token, ns, oid, document, update))
        self.changes.append(change)
        for mapping in self.mappings:
            mapping.offer(change, now)

    # --- event source mappings -----------------------------------------------------------
    @checked_arguments
    def subscribe(
        self,
        function: Function,
        *,
        batch_size: int = 100,
        batching_window: int | None = None,
        filter_criteria: Any = None,
        on_failure: Any = None,
    ) -> DocumentDBMapping:
        """An event source mapping reading this collection's change stream from now on:
        batches of ``batch_size`` (1 to 10,000) after ``batching_window`` seconds (None: the
        500 ms default; 0 to 300). DocumentDB mappings take no ``filter_criteria`` and no
        ``on_failure``."""
        for name, value in (("filter_criteria", filter_criteria), ("on_failure", on_failure)):
            if value is not None:
                raise EventSourceMappingError(
                    f"InvalidParameterValueException: {name} is not supported for DocumentDB "
                    f"event source mappings (no filtering, no on-failure destinations, 6.3); "
                    f"they accept {', '.join(ACCEPTED)}"
                )
        mapping = DocumentDBMapping(self, function, batch_size=batch_size,
                                    batching_window=batching_window)  # fmt: skip
        self.mappings.append(mapping)
        return mapping

    def __repr__(self) -> str:
        return (f"<DocumentDBCollection {self.database}.{self.collection} "
                f"documents={len(self.documents)}>")  # fmt: skip


class DocumentDBMapping(BatchRetryMapping):
    """``collection.subscribe(fn, ...)``: ``deliveries`` (one per change event:
    ``succeeded``, ``pending``, or ``failed`` ``RecordTooLarge``) and ``invocations``."""

    source_id = "documentdb"

    def __init__(self, collection: DocumentDBCollection, function: Function, *,
                 batch_size: int, batching_window: int | None) -> None:  # fmt: skip
        self.collection = collection
        super().__init__(
            collection, function, kind="collection", batch_size=batch_size,
            batching_window=batching_window,
            flow=f"docdb:{collection.database}.{collection.collection}->{function.name}",
        )  # fmt: skip

    def event(self, items: list[Any], now: datetime) -> tuple[dict[str, Any], list[int]]:
        records = [{"event": copy.deepcopy(change.event)} for change in items]
        event = {"eventSourceArn": self.collection.arn, "events": records,
                 "eventSource": "aws:docdb"}  # fmt: skip
        return event, [record_bytes(r) for r in records]

    def failed(self, deliveries: list[Delivery], reason: str, now: datetime) -> list[Delivery]:
        for delivery in deliveries:
            delivery.reason = reason
        return deliveries  # retried until it succeeds (6.3)


def _key(oid: Any) -> str:
    try:
        return json.dumps(oid, sort_keys=True)
    except TypeError:
        raise HarnessError(f"an _id is a JSON value (or {{'$oid': ...}}), not {oid!r}") from None
