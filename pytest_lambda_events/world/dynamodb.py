"""DynamoDB tables with streams in the harness: a key schema, ``put_item`` (INSERT or MODIFY),
``delete_item`` (REMOVE), optional TTL removals, the four stream view types and the fixed 24 h
stream retention (semantics.md 5.2-5.3; shapes.md 2).

Approximations (AWS does not document these; the closest documented behaviour is used):

* A table's stream has one shard. DynamoDB splits and rolls shards over every few hours; the
  records of one item stay in one shard in order, which is what a single shard keeps too.
* TTL: DynamoDB deletes an expired item "typically within a few days"; the harness deletes it
  at the second its TTL attribute names (or at the next ``run``/``advance`` if that passed).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import aws
from ..attribute_values import (
    MAX_ITEM_SIZE,
    AttributeValue,
    attribute_size,
    deserialize_item,
    item_size,
    serialize_item,
)
from ..errors import EventConfigError, TableConfigError, checked_arguments
from ..sources.dynamodb import MAX_KEY_BYTES, VIEW_TYPES, dynamodb_record
from .streams import Shard, StreamRecord

if TYPE_CHECKING:
    from ..flows.stream_mapping import StreamMapping
    from . import Harness
    from .function import Function

RETENTION = timedelta(hours=24)  # DynamoDB Streams keeps records 24 h, fixed (5.3)
_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")
_SIZE_MARGIN = 512  # eventID, ARNs and the other fixed fields


@dataclass(frozen=True)
class ItemChange:
    """A DynamoDB Streams record's own fields, with both images; the view type decides which
    the event shows."""

    event_id: str
    event_name: str
    keys: dict[str, AttributeValue]
    new_image: dict[str, AttributeValue] | None
    old_image: dict[str, AttributeValue] | None
    ttl_removal: bool = False
    image_sizes: tuple[int, int] = (0, 0)  # measured once: each invoke's SizeBytes adds them


class DynamoDBTable:
    """``h.dynamodb_table(name, key=("pk", "sk"), stream_view_type=..., ttl_attribute=None)``.

    ``put_item`` writes INSERT (a new key) or MODIFY (a changed item; an unchanged item writes
    no stream record), ``delete_item`` writes REMOVE (nothing when the item is absent)."""

    source = "dynamodb"
    batch_info_key = "DDBStreamBatchInfo"
    poll_interval = timedelta(milliseconds=250)  # 4 polls a second per shard (5.1)
    retention = RETENTION

    @property
    def source_arn(self) -> str:
        return self.stream_arn

    def __init__(
        self,
        harness: Harness,
        name: str,
        *,
        key: tuple[str, ...] | list[str] | str = ("pk",),
        stream_view_type: str | None = "NEW_AND_OLD_IMAGES",
        ttl_attribute: str | None = None,
    ) -> None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise TableConfigError(f"{name!r}: table names are 3 to 255 of a-z A-Z 0-9 _ . -")
        self.key = _key_schema(key)
        if stream_view_type is not None and stream_view_type not in VIEW_TYPES:
            raise TableConfigError(
                f"stream_view_type={stream_view_type!r}: StreamViewType is one of "
                f"{', '.join(VIEW_TYPES)} (or None for no stream)"
            )
        self.harness = harness
        self.name = name
        self.stream_view_type = stream_view_type
        self.ttl_attribute = ttl_attribute
        created = harness.clock.now()
        self.stream_label = f"{created:%Y-%m-%dT%H:%M:%S}.{created.microsecond // 1000:03d}"
        self.arn = aws.arn(harness.partition, "dynamodb", harness.region, harness.account_id,
                           f"table/{name}")  # fmt: skip
        self.stream_arn = f"{self.arn}/stream/{self.stream_label}"
        shard_ms = int(created.timestamp() * 1000)
        self.shards = [Shard(f"shardId-{shard_ms:020d}-{aws.hex_string(harness.rng, 8)}")]
        self.mappings: list[StreamMapping] = []
        self._items: dict[str, dict[str, AttributeValue]] = {}
        self._sequence = int(aws.dynamodb_sequence_number(harness.rng))

    # --- items ---------------------------------------------------------------------------
    @property
    def items(self) -> list[dict[str, Any]]:
        """Every item, as plain Python values (numbers as Decimal, as boto3 returns them)."""
        return [deserialize_item(item, use_decimal=True) for item in self._items.values()]

    def get_item(self, key: Mapping[str, Any]) -> dict[str, Any] | None:
        typed = self._typed_key(key, "key")
        item = self._items.get(_key_id(typed))
        return None if item is None else deserialize_item(item, use_decimal=True)

    @checked_arguments
    def put_item(self, item: Mapping[str, Any]) -> StreamRecord | None:
        """``PutItem``: INSERT for a new key, MODIFY for a changed item; returns the stream
        record written (None when the item did not change, or the table has no stream)."""
        typed = self._serialize(item, "item")
        keys = self._typed_key(item, "item")
        size = item_size(typed)
        if size > MAX_ITEM_SIZE:
            raise TableConfigError(
                f"the item is {size:,} bytes; DynamoDB items hold at most 400 KB"
            )
        ident = _key_id(keys)
        old = self._items.get(ident)
        self._items[ident] = typed
        self._schedule_ttl(typed, keys)
        if old == typed:
            return None  # DynamoDB writes no stream record for a write that changes nothing
        return self._append("MODIFY" if old is not None else "INSERT", ident, keys, typed, old)

    @checked_arguments
    def delete_item(self, key: Mapping[str, Any]) -> StreamRecord | None:
        """``DeleteItem``: REMOVE with the old image; nothing when the item is absent."""
        keys = self._typed_key(key, "key")
        extra = set(key) - set(self.key)
        if extra:
            raise TableConfigError(
                f"delete_item takes the key attributes {self.key} only, not {sorted(extra)}"
            )
        return self._remove(keys, ttl=False)

    def _remove(self, keys: dict[str, AttributeValue], *, ttl: bool) -> StreamRecord | None:
        ident = _key_id(keys)
        old = self._items.pop(ident, None)
        if old is None:
            return None
        return self._append("REMOVE", ident, keys, None, old, ttl=ttl)

    # --- TTL -----------------------------------------------------------------------------
    def _schedule_ttl(
        self, item: dict[str, AttributeValue], keys: dict[str, AttributeValue]
    ) -> None:
        if self.ttl_attribute is None:
            return
        value = item.get(self.ttl_attribute)
        if value is None or "N" not in value:
            return  # DynamoDB ignores a TTL attribute that is not a number
        expires = datetime.fromtimestamp(float(Decimal(value["N"])), UTC)
        when = max(expires, self.harness.clock.now())
        self.harness.agenda.at(when, f"dynamodb-ttl:{self.name}",
                               partial(self._expire, keys, value))  # fmt: skip

    def _expire(self, keys: dict[str, AttributeValue], ttl_value: AttributeValue) -> None:
        item = self._items.get(_key_id(keys))
        if item is not None and item.get(self.ttl_attribute or "") == ttl_value:
            self._remove(keys, ttl=True)

    # --- the stream ----------------------------------------------------------------------
    def _append(
        self,
        event_name: str,
        ident: str,
        keys: dict[str, AttributeValue],
        new: dict[str, AttributeValue] | None,
        old: dict[str, AttributeValue] | None,
        *,
        ttl: bool = False,
    ) -> StreamRecord | None:
        if self.stream_view_type is None:
            return None
        rng = self.harness.rng
        sizes = (0 if new is None else item_size(new), 0 if old is None else item_size(old))
        change = ItemChange(aws.hex_string(rng, 32), event_name, keys, new, old, ttl, sizes)
        shard = self.shards[0]
        record = shard.append(str(self._sequence), self.harness.clock.now(), ident, 0,
                              change)  # fmt: skip
        self._sequence += 1 + int(rng.random() * 100_000)
        record.size_hint = len(json.dumps(self.record_event(record, ""))) + _SIZE_MARGIN
        for mapping in self.mappings:
            mapping.on_record(shard, record)
        return record

    def records(self) -> list[StreamRecord]:
        """Every stream record not yet trimmed (24 h), in order."""
        return self.shards[0].retained(self.harness.clock.now(), RETENTION)

    def subscribe(self, function: Function, **options: Any) -> StreamMapping:
        """An event source mapping from this table's stream to ``function`` (semantics.md 5)."""
        from ..errors import EventSourceMappingError
        from ..flows.stream_mapping import StreamMapping

        if self.stream_view_type is None:
            raise EventSourceMappingError(
                f"table {self.name} has no stream; create it with stream_view_type=one of "
                f"{', '.join(VIEW_TYPES)}"
            )
        return StreamMapping(self, function, **options)

    def record_event(self, record: StreamRecord, role_arn: str) -> dict[str, Any]:
        """The record as the mapping's event carries it (shapes.md 2)."""
        change: ItemChange = record.body
        view = self.stream_view_type or "KEYS_ONLY"
        show_new = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
        show_old = view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
        return dynamodb_record(
            event_id=change.event_id, event_name=change.event_name,
            keys={k: dict(v) for k, v in change.keys.items()},
            new_image=change.new_image if show_new else None,
            old_image=change.old_image if show_old else None, view_type=view,
            sequence_number=record.sequence, created_s=record.arrival_ms // 1000,
            region=self.harness.region, source_arn=self.stream_arn,
            ttl_removal=change.ttl_removal, image_sizes=change.image_sizes,
        )  # fmt: skip

    def event_records(self, records: list[StreamRecord], role_arn: str) -> list[dict[str, Any]]:
        """``record_event`` of each record, for a batch."""
        return [self.record_event(r, role_arn) for r in records]

    def filter_view(self, event_record: dict[str, Any]) -> dict[str, Any] | None:
        """Filter patterns see the record as it is (``dynamodb`` is the data key, 5.10)."""
        return event_record

    # --- helpers -------------------------------------------------------------------------
    def _serialize(self, item: Any, what: str) -> dict[str, AttributeValue]:
        if not isinstance(item, Mapping):
            raise TableConfigError(f"{what} is a dict of attribute name -> value, not "
                                   f"{type(item).__name__}")  # fmt: skip
        try:
            return serialize_item(item, where=what)
        except EventConfigError as exc:
            raise TableConfigError(f"table {self.name}: {exc}") from None

    def _typed_key(self, item: Any, what: str) -> dict[str, AttributeValue]:
        if not isinstance(item, Mapping):
            raise TableConfigError(f"{what} is a dict of attribute name -> value, not "
                                   f"{type(item).__name__}")  # fmt: skip
        missing = [name for name in self.key if name not in item]
        if missing:
            raise TableConfigError(
                f"the {what} lacks key attribute(s) {missing}; table {self.name} has key {self.key}"
            )
        typed = self._serialize({name: item[name] for name in self.key}, what)
        for index, name in enumerate(self.key):
            tag = next(iter(typed[name]))
            if tag not in ("S", "N", "B"):
                raise TableConfigError(
                    f"key attribute {name!r} is {tag}; keys are strings, numbers or bytes"
                )
            if tag != "N" and not 1 <= attribute_size(typed[name]) <= MAX_KEY_BYTES[index]:
                raise TableConfigError(
                    f"key attribute {name!r} must hold 1 to {MAX_KEY_BYTES[index]:,} bytes"
                )
        return typed

    def __repr__(self) -> str:
        return f"<DynamoDBTable {self.name} key={self.key} stream={self.stream_view_type}>"


def _key_schema(key: Any) -> tuple[str, ...]:
    names = (key,) if isinstance(key, str) else tuple(key) if isinstance(key, list | tuple) else ()
    if not 1 <= len(names) <= 2 or len(set(names)) != len(names) or not all(
            isinstance(n, str) and n for n in names):  # fmt: skip
        raise TableConfigError(
            f"key={key!r}: give the partition key name, or (partition key, sort key)"
        )
    return names


def _key_id(keys: Mapping[str, Any]) -> str:
    return json.dumps(keys, sort_keys=True)
