"""Amazon DocumentDB: the batch of change-stream events a DocumentDB event source mapping sends
(reference/shapes.md 29, semantics.md 6.3). Events are MongoDB extended JSON with their keys in
alphabetical order, as the captured events have them."""

from __future__ import annotations

import copy
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import (
    ACTIONS,
    CURRENCIES,
    DOMAINS,
    FIRST_NAMES,
    LAST_NAMES,
    NOUNS,
    PLANS,
    PRODUCTS,
)
from ..registry import EventSource, Option, Options
from ._brokers import MAX_BATCH, check_count, check_event_size

DOCUMENT_OPERATIONS = ("insert", "update", "replace", "delete")
COLLECTION_OPERATIONS = ("drop", "rename", "dropDatabase", "invalidate")
OPERATION_TYPES = DOCUMENT_OPERATIONS + COLLECTION_OPERATIONS
FULL_DOCUMENT = ("Default", "UpdateLookup")
_WITH_DOCUMENT = ("insert", "replace")
_CLUSTER = re.compile(r"^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$")
_NAME = re.compile(r"^[^/\\. \"$]{1,63}$")  # database names; collections are checked looser
_DRAWN_OPERATIONS = ("insert", "insert", "insert", "update", "update", "replace", "delete")
_INVOICE_STATES = ("paid", "overdue", "draft")
_MASK_128 = (1 << 128) - 1
# A batch's own values, sliced from one draw: the drawn operation of a one-event batch (bits
# 0-7), cluster name (8-39), database and collection names (40-55), the ObjectId process
# bytes (56-95) and counter (96-119), the first cluster second (120-127).
_BATCH_BITS = 128
# One event's: a new cluster second (0-7), its document's creation (8-39), its document
# (40-167), an update's version (168-175) and changed document (176-303), its resume token's
# suffix (304-319).
_RECORD_BITS = 320


def _count(ctx: BuildContext, o: Options) -> int:
    count = int(o.count or 1)
    if o.documents is not None:
        count = check_count(ctx, o.count, "documents", len(o.documents))
    if o.operation_type in COLLECTION_OPERATIONS and count != 1:
        ctx.fail(
            "count",
            f"a {o.operation_type!r} event ends the stream of its namespace; "
            f"a batch holds one, not {count}",
        )
    return count


def _operations(ctx: BuildContext, o: Options, count: int, b: int) -> list[str]:
    if o.operation_type is not None:
        return [o.operation_type] * count
    if o.documents is not None:
        return ["insert"] * count
    if o.updated_fields is not None or o.removed_fields is not None:
        return ["update"] * count
    if count == 1:
        return [_DRAWN_OPERATIONS[(b & 0xFF) % 7]]
    r = ctx.rng.random
    return [_DRAWN_OPERATIONS[int(r() * 7)] for _ in range(count)]


def _check(ctx: BuildContext, o: Options) -> None:
    """Options that only some operation types carry."""
    op = o.operation_type
    if o.documents is not None and op not in (None, *_WITH_DOCUMENT, "update"):
        ctx.fail(
            "documents",
            f"{op!r} events carry no fullDocument; use insert, replace or "
            "update (with full_document='UpdateLookup')",
        )
    if o.documents is not None and op == "update" and o.full_document != "UpdateLookup":
        ctx.fail(
            "documents", "update events carry fullDocument only with full_document='UpdateLookup'"
        )
    has_update = o.updated_fields is not None or o.removed_fields is not None
    if has_update and op not in (None, "update"):
        ctx.fail("updated_fields", f"only update events have an updateDescription, not {op!r}")
    if o.rename_to is not None and op != "rename":
        ctx.fail("rename_to", "only rename events have 'to'; pass operation_type='rename'")
    for option in ("database", "rename_to"):
        value = getattr(o, option)
        if value is not None and not _NAME.match(value):
            ctx.fail(option, f'{value!r}: 1-63 characters without / \\ . space " or $')
    if o.collection is not None and not 0 < len(o.collection) <= 255:
        ctx.fail("collection", f"{len(o.collection)} characters; a collection name has 1 to 255")


def _cluster_arn(ctx: BuildContext, o: Options, b: int) -> str:
    if o.cluster_name is None:
        name = f"{NOUNS[b % len(NOUNS)]}-docdb-{b >> 8:06x}"
    elif _CLUSTER.match(o.cluster_name):
        name = o.cluster_name
    else:
        ctx.fail(
            "cluster_name",
            f"{o.cluster_name!r} is not a cluster identifier: 1-63 letters, digits "
            "or hyphens, starting with a letter, no '--' and no hyphen at the end",
        )
    return f"arn:{ctx.partition}:rds:{ctx.region}:{ctx.account_id}:cluster:{name}"


def _document(b: int) -> dict[str, Any]:
    """A small business document (an order, a signup, a page view or an invoice) from 128
    random bits, its last field one an update changes (never its own identifier)."""
    kind = b & 3
    if kind == 0:
        return {
            "orderId": f"ord-{b >> 8 & 0xFFFFFFFFFF:010x}",
            "customerId": f"cus-{b >> 48 & 0xFFFFFFFF:08x}",
            "item": PRODUCTS[(b >> 80) % len(PRODUCTS)],
            "quantity": 1 + (b >> 88) % 5,
            "amount": (300 + (b >> 96) % 39_700) / 100,
            "currency": CURRENCIES[(b >> 2) % len(CURRENCIES)],
        }
    if kind == 1:
        first = FIRST_NAMES[(b >> 2) % len(FIRST_NAMES)]
        last = LAST_NAMES[(b >> 8) % len(LAST_NAMES)]
        return {
            "userId": aws.uuid4_from(b.to_bytes(16, "little")),
            "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower()}@{DOMAINS[(b >> 14) % len(DOMAINS)]}",
            "plan": PLANS[(b >> 18) % len(PLANS)],
        }
    if kind == 2:
        return {
            "sessionId": f"{b >> 8 & 0xFFFFFFFFFFFFFFFF:016x}",
            "page": f"/{NOUNS[(b >> 72) % len(NOUNS)]}/{1 + (b >> 80) % 9999}",
            "action": ACTIONS[(b >> 2) % len(ACTIONS)],
        }
    return {
        "invoiceId": f"INV-{100_000 + (b >> 8) % 900_000}",
        "status": _INVOICE_STATES[(b >> 2) % len(_INVOICE_STATES)],
        "total": (1000 + (b >> 40) % 499_000) / 100,
    }


def _event(
    o: Options,
    op: str,
    t: int,
    i: int,
    oid: dict[str, str] | None,
    document: dict[str, Any] | None,
    ns: dict[str, str],
    bits: int,
) -> dict[str, Any]:
    """One change event, keys in alphabetical order (``bits``: the record's, see
    ``_RECORD_BITS``)."""
    update = _update_description(o, document, bits) if op == "update" else None
    token = resume_token(t, i, f"{bits >> 304 & 0xFFFF:04x}")
    rename_to = o.rename_to or f"{ns['coll']}_old"
    return change_event(op, t, i, token, ns, oid, document, update, rename_to)


def resume_token(t: int, i: int, suffix: str) -> str:
    """The change event's ``_id._data``: hex, from its cluster time."""
    return f"01{t:08x}{i:08x}01{i:08x}0000{suffix}"


def change_event(
    op: str,
    t: int,
    i: int,
    token: str,
    ns: dict[str, str],
    oid: Any = None,
    document: dict[str, Any] | None = None,
    update: dict[str, Any] | None = None,
    rename_to: str | None = None,
) -> dict[str, Any]:
    """One change event (``oid``: the document's ``_id``, ``{"$oid": ...}`` or a value;
    ``document``: its fullDocument without ``_id``), keys in alphabetical order."""
    event: dict[str, Any] = {
        "_id": {"_data": token},
        "clusterTime": {"$timestamp": {"t": t, "i": i}},
    }
    if oid is not None:
        event["documentKey"] = {"_id": _copy_id(oid)}
    if document is not None:
        event["fullDocument"] = {"_id": _copy_id(oid or {}), **document}
    if op != "invalidate":
        event["ns"] = {"db": ns["db"]} if op == "dropDatabase" else dict(ns)
    event["operationType"] = op
    if op == "rename":
        event["to"] = {"db": ns["db"], "coll": rename_to or f"{ns['coll']}_old"}
    if update is not None:
        event["updateDescription"] = update
    return event


def _copy_id(oid: Any) -> Any:
    """A copy of a document's ``_id``: events share no dicts (ObjectIds, the usual ids, are
    copied without deepcopy's cost)."""
    if type(oid) is dict and len(oid) == 1 and type(oid.get("$oid")) is str:
        return {"$oid": oid["$oid"]}
    return copy.deepcopy(oid)


def _update_description(o: Options, document: dict[str, Any] | None, bits: int) -> dict[str, Any]:
    if o.updated_fields is not None or o.removed_fields is not None:
        return {
            "updatedFields": dict(o.updated_fields or {}),
            "removedFields": list(o.removed_fields or []),
        }
    source = document or _document(bits >> 176 & _MASK_128)
    name = list(source)[-1]  # a status, total or plan; never the record's own identifier
    fields = {name: source[name], "version": 2 + (bits >> 168 & 0xFF) % 9}
    if document is not None:  # UpdateLookup: the looked-up document already has the change
        document.update(fields)
    return {"updatedFields": fields, "removedFields": []}


def _default_documentdb(ctx: BuildContext) -> dict[str, Any]:
    """``build_documentdb`` for the default options: one drawn event, written without the
    option checks and helper calls of the general path (the same event)."""
    bits = ctx.getrandbits(_BATCH_BITS + _RECORD_BITS)
    r = bits >> _BATCH_BITS
    op = _DRAWN_OPERATIONS[(bits & 0xFF) % 7]
    c = bits >> 8
    arn = (
        f"arn:{ctx.partition}:rds:{ctx.region}:{ctx.account_id}:cluster:"
        f"{NOUNS[c % len(NOUNS)]}-docdb-{c >> 8:06x}"
    )
    db, coll = (
        f"{NOUNS[(bits >> 40 & 0xFF) % len(NOUNS)]}_db",
        NOUNS[(bits >> 48 & 0xFF) % len(NOUNS)],
    )
    # the batch's only event: its second's first operation (i = 1), the process's next ObjectId
    # counter, the resume token as resume_token writes it
    t = ctx.time_ms // 1000 - 1 - (bits >> 120 & 0xFF) % 5
    created = t if op == "insert" else t - 60 - (r >> 8 & 0xFFFFFFFF) % (30 * 86_400)
    oid = f"{created & 0xFFFFFFFF:08x}{bits >> 56 & 0xFFFFFFFFFF:010x}"
    oid += f"{((bits >> 96 & 0xFFFFFF) + 1) & 0xFFFFFF:06x}"
    event: dict[str, Any] = {
        "_id": {"_data": f"01{t:08x}0000000101000000010000{r >> 304 & 0xFFFF:04x}"},
        "clusterTime": {"$timestamp": {"t": t, "i": 1}},
        "documentKey": {"_id": {"$oid": oid}},
    }
    if op == "insert" or op == "replace":
        event["fullDocument"] = {"_id": {"$oid": oid}, **_document(r >> 40 & _MASK_128)}
    event["ns"] = {"db": db, "coll": coll}
    event["operationType"] = op
    if op == "update":  # as _update_description draws it (no UpdateLookup by default)
        source = _document(r >> 176 & _MASK_128)
        name = list(source)[-1]
        fields = {name: source[name], "version": 2 + (r >> 168 & 0xFF) % 9}
        event["updateDescription"] = {"updatedFields": fields, "removedFields": []}
    return {"eventSourceArn": arn, "events": [{"event": event}], "eventSource": "aws:docdb"}


def build_documentdb(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch of change events from one database (and collection) of a DocumentDB cluster."""
    if o.is_default:
        return _default_documentdb(ctx)
    _check(ctx, o)
    count = _count(ctx, o)
    b, one = ctx.batch_bits(count, _BATCH_BITS, _RECORD_BITS)
    operations = _operations(ctx, o, count, b)
    arn = _cluster_arn(ctx, o, b >> 8)
    ns = {
        "db": o.database or f"{NOUNS[(b >> 40 & 0xFF) % len(NOUNS)]}_db",
        "coll": o.collection or NOUNS[(b >> 48 & 0xFF) % len(NOUNS)],
    }
    # ObjectIds as MongoDB drivers make them: 4-byte seconds, 5 random bytes per process,
    # a 3-byte counter
    process, counter = f"{b >> 56 & 0xFFFFFFFFFF:010x}", b >> 96 & 0xFFFFFF
    lookup = o.full_document == "UpdateLookup"
    # cluster times: seconds before the invoke, each second's operations numbered from 1
    last = ctx.time_ms // 1000 - 1
    t, i = last - (b >> 120 & 0xFF) % 5 - count // 500, 0
    draw = None if one is not None else ctx.rng.getrandbits
    first = one or 0
    events = []
    for index, op in enumerate(operations):
        bits = first if draw is None else draw(_RECORD_BITS)
        if index and t < last and (bits & 0xFF) < 77:  # 30% of events start a new second
            t, i = t + 1, 0
        i += 1
        oid = None
        if op in DOCUMENT_OPERATIONS:
            created = t if op == "insert" else t - 60 - (bits >> 8 & 0xFFFFFFFF) % (30 * 86_400)
            counter = (counter + 1) & 0xFFFFFF
            oid = {"$oid": f"{created & 0xFFFFFFFF:08x}{process}{counter:06x}"}
        document = None
        if op in _WITH_DOCUMENT or (op == "update" and lookup):
            given = o.documents[index] if o.documents is not None else None
            document = (
                copy.deepcopy(given) if given is not None else _document(bits >> 40 & _MASK_128)
            )
            if "_id" in document:
                ctx.fail("documents", "leave _id out: it is the documentKey the builder draws")
        events.append({"event": _event(o, op, t, i, oid, document, ns, bits)})
    batch = {"eventSourceArn": arn, "events": events, "eventSource": "aws:docdb"}
    check_event_size(ctx, batch, count)
    return batch


SOURCES = (
    EventSource(
        id="documentdb",
        service="Amazon DocumentDB",
        invocation="poll",
        builder=build_documentdb,
        max_count=MAX_BATCH,
        description="Amazon DocumentDB change stream event source mapping batch",
        options=(
            Option(
                "operation_type",
                str,
                "operationType of every event (default: a mix of insert/update/replace/delete)",
                choices=OPERATION_TYPES,
            ),
            Option("database", str, "ns.db: the mapping's DatabaseName"),
            Option("collection", str, "ns.coll: the mapping's CollectionName"),
            Option(
                "documents",
                list,
                "one fullDocument per event, without _id (sets count)",
                item_type=dict,
            ),
            Option(
                "full_document",
                str,
                "the mapping's FullDocument: UpdateLookup adds fullDocument to updates",
                "Default",
                choices=FULL_DOCUMENT,
            ),
            Option("updated_fields", dict, "update events: updateDescription.updatedFields"),
            Option(
                "removed_fields",
                list,
                "update events: updateDescription.removedFields",
                item_type=str,
            ),
            Option("rename_to", str, "rename events: the new collection name (to.coll)"),
            Option("cluster_name", str, "cluster identifier (eventSourceArn ends cluster:<name>)"),
        ),
    ),
)
