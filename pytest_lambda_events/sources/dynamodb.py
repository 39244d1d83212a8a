"""Amazon DynamoDB Streams: the batch a DynamoDB event source mapping sends, all records from
one shard of one table's stream (reference/shapes.md 2, semantics.md 5.2 and 5.8)."""

from __future__ import annotations

import binascii
import random
import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from .. import aws
from ..attribute_values import (
    MAX_ITEM_SIZE,
    attribute_size,
    copy_item,
    item_size,
    serialize_item,
)
from ..building import BuildContext
from ..content import CURRENCIES, DOMAINS, FIRST_NAMES, LAST_NAMES, PLANS, PRODUCTS
from ..errors import EventConfigError, did_you_mean
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms, iso_ms_z
from ._streams import (
    WINDOW_OPTIONS,
    arrival_times_ms,
    tumbling_window,
    window_fields,
)

MAX_BATCH = 10_000  # BatchSize maximum (semantics.md 5.1)
EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")
VIEW_TYPES = ("KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES")
MAX_KEY_BYTES = (2048, 1024)  # partition key, sort key
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}
_TABLE_NAME = re.compile(r"^[a-zA-Z0-9_.-]{3,255}$")
_STREAM_LABEL = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$")
_GUESSED_KEYS = (("pk", "sk"), ("PK", "SK"), ("pk",), ("PK",), ("id",), ("Id",), ("ID",))
_ENTITIES = ("order", "user", "session", "invoice")
_ENVS = ("prod", "dev", "staging")
_STATUS_NEXT = {
    "PENDING": "PAID",
    "PAID": "SHIPPED",
    "SHIPPED": "DELIVERED",
    "draft": "open",
    "open": "paid",
    "paid": "refunded",
}
_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Safari/605.1.15",
)
_ROLE_NAMES = ("viewer", "editor", "admin", "billing", "support")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TAGS = ("priority", "wholesale", "eu", "auto-renew", "net-30", "reviewed")


class _Image:
    """A user-given item: its plain form (to derive a changed copy) and its typed form."""

    __slots__ = ("plain", "size", "typed")

    def __init__(self, plain: dict[str, Any], typed: dict[str, Any], size: int) -> None:
        self.plain = plain
        self.typed = typed
        self.size = size


def _marshal(ctx: BuildContext, item: Any, option: str) -> _Image:
    if not isinstance(item, Mapping):
        ctx.fail(option, f"an item is a dict of attribute name -> value, not {type(item).__name__}")
    try:
        typed = serialize_item(item, where=option)
    except EventConfigError as exc:
        raise EventConfigError(f"{ctx.source}: {exc}", source=ctx.source, field=option) from None
    size = item_size(typed)
    if size > MAX_ITEM_SIZE:
        ctx.fail(option, f"{size:,} bytes; a DynamoDB item holds at most 400 KB")
    return _Image(dict(item), typed, size)


def _key_names(ctx: BuildContext, o: Options, sample: Mapping[str, Any] | None) -> tuple[str, ...]:
    if o.key is not None:
        names = tuple(o.key)
        if not 1 <= len(names) <= 2 or len(set(names)) != len(names) or not all(names):
            ctx.fail("key", f"{o.key!r}: give the partition key name, or partition and sort key")
        return names
    if sample is None:
        return ()  # drawn with the table layout
    for names in _GUESSED_KEYS:
        if all(n in sample for n in names):
            return names
    ctx.fail(
        "key",
        f"cannot tell the table's key from attributes {sorted(sample)}; pass "
        "key=('<partition key>',) or key=('<partition key>', '<sort key>')",
    )


def _check_keys(ctx: BuildContext, image: _Image, names: tuple[str, ...], option: str) -> None:
    """Key attributes must be present and scalar (S, N or B), as DynamoDB requires."""
    for index, name in enumerate(names):
        av = image.typed.get(name)
        if av is None:
            ctx.fail(
                option,
                f"the item lacks key attribute {name!r} (key={names}); it has "
                f"{sorted(image.typed)}",
            )
        tag = next(iter(av))
        if tag not in ("S", "N", "B"):
            ctx.fail(option, f"key attribute {name!r} is {tag}; keys are strings, numbers or bytes")
        if tag != "N" and not 1 <= attribute_size(av) <= MAX_KEY_BYTES[index]:
            limit = MAX_KEY_BYTES[index]
            ctx.fail(option, f"key attribute {name!r} must hold 1 to {limit:,} bytes")


def _event_names(ctx: BuildContext, o: Options, count: int) -> list[str] | None:
    value = o.event_name
    if value is None:
        return None
    if isinstance(value, str):
        _check_event_name(ctx, value, "event_name")
        return [value] * count
    if not value:
        ctx.fail("event_name", "an empty list; give one of INSERT, MODIFY, REMOVE per record")
    for index, name in enumerate(value):
        _check_event_name(ctx, name, f"event_name[{index}]")
    return list(value)


def _check_event_name(ctx: BuildContext, name: str, option: str) -> None:
    if name not in EVENT_NAMES:
        hint = did_you_mean(name.upper(), EVENT_NAMES)
        ctx.fail(option, f"{name!r} is not allowed{hint}; allowed: INSERT, MODIFY, REMOVE")


def _count(ctx: BuildContext, o: Options) -> int:
    if o.items is None and not isinstance(o.event_name, list):
        return int(o.count or 1)  # the core checked count against 1 to 10,000
    sizes = {"count": o.count, "items": None if o.items is None else len(o.items)}
    if isinstance(o.event_name, list):
        sizes["event_name"] = len(o.event_name)
    given = {name: n for name, n in sizes.items() if n is not None}
    if o.items is not None and not o.items:
        ctx.fail("items", "a DynamoDB event holds 1 to 10,000 records, not 0")
    if len(set(given.values())) > 1:
        said = ", ".join(f"{name} says {n}" for name, n in given.items())
        ctx.fail(next(n for n in given if n != "count"), f"{said}; make them agree")
    for name, n in given.items():
        if n > MAX_BATCH:
            ctx.fail(name, f"{n:,} records; a DynamoDB Streams batch holds at most 10,000")
    return next(iter(given.values()), 1)


def _draw_event_names(ctx: BuildContext, o: Options, count: int) -> list[str]:
    """Event names that fit the images the caller gave: a new image only -> INSERT/MODIFY..."""
    if o.ttl_removal:
        return ["REMOVE"] * count
    has_new, has_old = o.new_image is not None, o.old_image is not None
    if has_new and has_old:
        return ["MODIFY"] * count
    r = ctx.rng.random
    names = []
    for _ in range(count):
        x = r()
        if has_new:
            names.append("INSERT" if x < 0.45 else "MODIFY")
        elif has_old:
            names.append("MODIFY" if x < 0.7 else "REMOVE")
        else:
            names.append("INSERT" if x < 0.4 else "MODIFY" if x < 0.85 else "REMOVE")
    return names


def _check_fit(ctx: BuildContext, o: Options, names: list[str]) -> None:
    if not o.ttl_removal and o.old_image is None and o.new_image is None and o.items is None:
        return  # names drawn or given alone fit any item
    kinds = set(names)
    if o.ttl_removal and kinds != {"REMOVE"}:
        ctx.fail("ttl_removal", "TTL expiry only deletes items: every event_name must be REMOVE")
    if o.old_image is not None and kinds == {"INSERT"}:
        ctx.fail("old_image", "INSERT records have no OldImage; use MODIFY or REMOVE records")
    if o.new_image is not None and kinds == {"REMOVE"}:
        ctx.fail("new_image", "REMOVE records have no NewImage; pass old_image instead")
    if o.items is not None and (o.new_image is not None or o.old_image is not None):
        ctx.fail("items", "pass either items (one item per record) or new_image/old_image")


def _view_type(ctx: BuildContext, o: Options) -> str:
    if o.stream_view_type is not None:
        return str(o.stream_view_type)
    if o.new_image is not None or o.old_image is not None or o.items is not None:
        return "NEW_AND_OLD_IMAGES"  # show the caller's items
    x = ctx.rng.random()  # NEW_AND_OLD_IMAGES is what most Lambda consumers enable
    for view, upto in (("NEW_AND_OLD_IMAGES", 0.55), ("NEW_IMAGE", 0.8), ("KEYS_ONLY", 0.9)):
        if x < upto:
            return view
    return "OLD_IMAGE"


def _layout(ctx: BuildContext, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The generated items' entity and key names, when the caller gave no items."""
    rng = ctx.rng
    entity = aws.pick(rng, _ENTITIES)
    if names:
        return entity, names
    if rng.random() < 0.5:
        return entity, ("pk", "sk") if rng.random() < 0.7 else ("PK", "SK")
    return entity, (f"{entity}Id",)


def _table_name(ctx: BuildContext, o: Options, entity: str, names: tuple[str, ...]) -> str:
    if o.table_name is not None:
        if not _TABLE_NAME.match(o.table_name):
            ctx.fail(
                "table_name", f"{o.table_name!r}: table names are 3 to 255 of a-z A-Z 0-9 _ . -"
            )
        return str(o.table_name)
    rng = ctx.rng
    env = aws.pick(rng, _ENVS)
    if names in (("pk", "sk"), ("PK", "SK")):
        return f"{aws.pick(rng, ('shop', 'app', 'main', 'core', 'billing'))}-table-{env}"
    return f"{entity.capitalize()}s" if rng.random() < 0.5 else f"{entity}s-{env}"


def _stream_label(ctx: BuildContext, o: Options) -> str:
    if o.stream_label is None:  # the table's stream was enabled 2 hours to 2 years ago
        age_ms = 7_200_000 + int(ctx.rng.random() * 730 * 86_400_000)
        return _iso(epoch_ms(ctx.time) - age_ms)[:-1]
    label = str(o.stream_label)
    if not _STREAM_LABEL.match(label):
        ctx.fail("stream_label", f"{label!r} is not a stream label like 2025-01-02T03:04:05.678")
    try:
        created = datetime.fromisoformat(label).replace(tzinfo=UTC)
    except ValueError:
        ctx.fail("stream_label", f"{label!r} is not a valid date and time")
    if created > ctx.time:
        ctx.fail(
            "stream_label",
            f"the stream was created at {label}, after the event time "
            f"{iso_ms_z(ctx.time)}; a stream label is its creation time",
        )
    return label


def _key_values(ctx: BuildContext, entity: str, names: tuple[str, ...]) -> dict[str, Any]:
    """Typed key attributes of a generated item: single-table ``PK/SK`` strings, or an id."""
    rng = ctx.rng
    if entity == "order":
        h = rng.randbytes(9).hex()
        own = f"ord-{h[:10]}"
        pk, sk = f"CUSTOMER#cus-{h[10:]}", f"ORDER#{own}"
    elif entity == "user":
        own = ctx.uuid()
        pk, sk = f"USER#{own}", "PROFILE"
    elif entity == "session":
        raw = rng.randbytes(32)
        own = raw[16:].hex()
        pk, sk = f"USER#{aws.uuid4_from(raw)}", f"SESSION#{own}"
    else:
        b = rng.getrandbits(52)
        own = f"INV-{100_000 + b % 900_000}"
        pk, sk = f"ACCOUNT#acct-{b >> 20:08x}", f"INVOICE#{own}"
    if names in (("pk", "sk"), ("PK", "SK")):
        return {names[0]: {"S": pk}, names[1]: {"S": sk}}
    if len(names) == 1:
        return {names[0]: {"S": own}}
    since = epoch_ms(ctx.time) - int(rng.random() * 30 * 86_400_000)
    return {names[0]: {"S": own}, names[1]: {"S": _iso(since)}}


def _attributes(ctx: BuildContext, entity: str, created_ms: int) -> dict[str, Any]:
    """Typed non-key attributes of a generated item created at ``created_ms``. Written typed
    directly: marshalling plain values costs several times more on 10,000-record batches."""
    rng = ctx.rng
    b = rng.getrandbits(64)  # the item's small choices, a few bits each
    created = _iso(created_ms)
    attrs: dict[str, Any]
    if entity == "order":
        attrs = _order(rng, b)
    elif entity == "user":
        first, last = FIRST_NAMES[b % len(FIRST_NAMES)], LAST_NAMES[(b >> 5) % len(LAST_NAMES)]
        role, other = (
            _ROLE_NAMES[(b >> 9) % len(_ROLE_NAMES)],
            _ROLE_NAMES[(b >> 12) % len(_ROLE_NAMES)],
        )
        attrs = {
            "entityType": {"S": "User"},
            "name": {"S": f"{first} {last}"},
            "email": {"S": f"{first.lower()}.{last.lower()}@{DOMAINS[(b >> 16) % len(DOMAINS)]}"},
            "plan": {"S": PLANS[(b >> 18) % len(PLANS)]},
            "emailVerified": {"BOOL": (b >> 20) % 5 != 0},
            "roles": {"SS": sorted({role, other}) if b >> 15 & 1 else [role]},
            "loginCount": {"N": str((b >> 23) % 300)},
            "lastLoginAt": {"NULL": True} if (b >> 32) % 5 == 0 else {"S": created},
        }
    elif entity == "session":
        attrs = {
            "entityType": {"S": "Session"},
            "ipAddress": {"S": aws.ipv4(rng)},
            "userAgent": {"S": _USER_AGENTS[b % len(_USER_AGENTS)]},
            "pageViews": {"N": str(1 + (b >> 2) % 40)},
            "active": {"BOOL": True},
            "expiresAt": {"N": str(created_ms // 1000 + 86_400)},  # the table's TTL attribute
        }
    else:
        tags = {_TAGS[(b >> (32 + 3 * i)) % len(_TAGS)] for i in range(1 + (b >> 30) % 3)}
        attrs = {
            "entityType": {"S": "Invoice"},
            "status": {"S": ("draft", "open", "paid")[b % 3]},
            "amount": {"N": _cents(1000 + (b >> 2) % 500_000)},
            "currency": {"S": CURRENCIES[(b >> 21) % len(CURRENCIES)]},
            "lineItems": {"N": str(1 + (b >> 23) % 12)},
            "checksum": {"B": binascii.b2a_base64(rng.randbytes(16), newline=False).decode()},
            "tags": {"SS": sorted(tags)},
        }
    attrs["createdAt"] = {"S": created}
    attrs["updatedAt"] = {"S": created}
    attrs["version"] = {"N": str(1 + (b >> 56) % 8)}
    return attrs


def _order(rng: random.Random, b: int) -> dict[str, Any]:
    """An order's attributes: one to three lines and their total."""
    lines, total = [], 0
    for _ in range(1 + b % 3):
        c = rng.getrandbits(48)
        cents, quantity = 300 + c % 20_000, 1 + (c >> 15) % 4
        total += cents * quantity
        lines.append({"M": {
            "sku": {"S": f"SKU-{10_000 + (c >> 17) % 90_000}"},
            "name": {"S": PRODUCTS[(c >> 34) % len(PRODUCTS)]},
            "quantity": {"N": str(quantity)},
            "price": {"N": _cents(cents)},
        }})  # fmt: skip
    return {
        "entityType": {"S": "Order"},
        "status": {"S": ("PENDING", "PAID", "SHIPPED")[(b >> 2) % 3]},
        "currency": {"S": CURRENCIES[(b >> 4) % len(CURRENCIES)]},
        "items": {"L": lines},
        "total": {"N": _cents(total)},
    }


def _bumped(image: dict[str, Any], when: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A generated item one UpdateItem later (version + 1, updatedAt now, status advanced),
    and the names of the attributes that changed."""
    out = copy_item(image)
    out["version"] = {"N": str(int(image["version"]["N"]) + 1)}
    out["updatedAt"] = {"S": when}
    status = image.get("status")
    if status is None or status["S"] not in _STATUS_NEXT:
        return out, ("version", "updatedAt")
    out["status"] = {"S": _STATUS_NEXT[status["S"]]}
    return out, ("version", "updatedAt", "status")


def _cents(cents: int) -> str:
    """An amount in cents as DynamoDB writes the number: 12.5, not 12.50."""
    whole, frac = divmod(cents, 100)
    return f"{whole}.{frac:02d}".rstrip("0") if frac else str(whole)


def _changed(
    item: Mapping[str, Any], keys: tuple[str, ...], when: str, forward: bool
) -> dict[str, Any]:
    """A copy of ``item`` one update later (``forward``) or earlier: version, updatedAt and
    status move as an application's UpdateItem would; some non-key attribute always differs."""
    out = dict(item)
    step = 1 if forward else -1
    version = out.get("version")
    if isinstance(version, int) and not isinstance(version, bool):
        out["version"] = version + step
    if isinstance(out.get("updatedAt"), str):
        out["updatedAt"] = when
    status = out.get("status")
    if forward and isinstance(status, str) and status in _STATUS_NEXT:
        out["status"] = _STATUS_NEXT[status]
    if out != item:
        return out
    others = [name for name in out if name not in keys]
    for name in others:
        value = out[name]
        if isinstance(value, bool):
            out[name] = not value
            return out
        if isinstance(value, int | float | Decimal):
            out[name] = value + step
            return out
    if forward or not others:
        out["updatedAt"] = when  # the update set a timestamp
    else:
        del out[others[-1]]  # the update added this attribute
    return out


def _shard_id(ctx: BuildContext, first_ms: int, label: str) -> str:
    """A DynamoDB Streams shard id: shardId-<20-digit creation ms>-<8 hex>; shards roll over
    every few hours, and none predates the stream."""
    stream_ms = int(datetime.fromisoformat(label).replace(tzinfo=UTC).timestamp() * 1000)
    created = max(stream_ms, first_ms - int(ctx.rng.random() * 4 * 3600 * 1000))
    return f"shardId-{created:020d}-{ctx.hex(8)}"


# (NewImage, OldImage, size of NewImage, size of OldImage) of one record; None = no image
Change = tuple[dict[str, Any] | None, dict[str, Any] | None, int, int]


class _Images:
    """Resolves each record's images (typed, and their sizes) from the options or the seed.
    Every record gets its own dicts: a hook editing one record must not edit another."""

    def __init__(self, ctx: BuildContext, o: Options, keys: tuple[str, ...], entity: str) -> None:
        self.ctx, self.keys, self.entity = ctx, keys, entity
        self.ttl = bool(o.ttl_removal)
        self.new = None if o.new_image is None else _marshal(ctx, o.new_image, "new_image")
        self.old = None if o.old_image is None else _marshal(ctx, o.old_image, "old_image")
        self.items = None
        if o.items is not None:
            self.items = [_marshal(ctx, item, f"items[{i}]") for i, item in enumerate(o.items)]
        for option, image in (("new_image", self.new), ("old_image", self.old)):
            if image is not None:
                _check_keys(ctx, image, keys, option)
        for index, image in enumerate(self.items or ()):
            _check_keys(ctx, image, keys, f"items[{index}]")
        if self.new and self.old and any(self.new.typed[k] != self.old.typed[k] for k in keys):
            ctx.fail("old_image", f"old and new image must have the same key {keys}")
        self._derived: dict[str, _Image] = {}

    def for_record(self, index: int, name: str, write_ms: int) -> Change:
        if self.items is not None:
            return self._from_item(self.items[index], name, write_ms)
        if self.new is None and self.old is None:
            return self._generated(name, write_ms)
        given = self.new or self.old
        assert given is not None
        if name == "INSERT":
            return copy_item(given.typed), None, given.size, 0
        if name == "REMOVE":
            removed = self.old or given
            return None, copy_item(removed.typed), 0, removed.size
        new = self.new or self._derive("new", given, True, write_ms)
        old = self.old or self._derive("old", new, False, write_ms)
        if new.typed == old.typed:
            self.ctx.fail("new_image", "a MODIFY record changes the item; DynamoDB writes no "
                          "stream record when old and new image are equal")  # fmt: skip
        return copy_item(new.typed), copy_item(old.typed), new.size, old.size

    def _derive(self, slot: str, image: _Image, forward: bool, write_ms: int) -> _Image:
        if slot not in self._derived:  # one derived image serves the whole batch
            when = write_ms if forward else write_ms - 60_000 - int(self.ctx.rng.random() * 9e8)
            plain = _changed(image.plain, self.keys, _iso(when), forward)
            self._derived[slot] = _marshal(self.ctx, plain, f"{slot}_image")
        return self._derived[slot]

    def _from_item(self, item: _Image, name: str, write_ms: int) -> Change:
        if name == "INSERT":
            return item.typed, None, item.size, 0
        if name == "REMOVE":
            return None, item.typed, 0, item.size
        earlier = write_ms - 60_000 - int(self.ctx.rng.random() * 9e8)
        old = serialize_item(_changed(item.plain, self.keys, _iso(earlier), False))
        return item.typed, old, item.size, item_size(old)

    def _generated(self, name: str, write_ms: int) -> Change:
        ctx, r = self.ctx, self.ctx.rng.random
        image = _key_values(ctx, self.entity, self.keys)
        if name == "INSERT":
            image.update(_attributes(ctx, self.entity, write_ms))
            return image, None, item_size(image), 0
        created = write_ms - 60_000 - int(r() * 90 * 86_400_000)
        image.update(_attributes(ctx, self.entity, created))
        image["updatedAt"] = {"S": _iso(created + int(r() * (write_ms - created)))}
        if self.ttl:  # expired a while ago: TTL deletes lag expiry by minutes to days
            image["expiresAt"] = {"N": str(write_ms // 1000 - 60 - int(r() * 2 * 86_400))}
        size = item_size(image)
        if name == "REMOVE":
            return None, image, 0, size
        new, changed = _bumped(image, _iso(write_ms))
        # the names are the same: only the changed values' sizes differ
        delta = sum(attribute_size(new[k]) - attribute_size(image[k]) for k in changed)
        return new, image, size + delta, size


@lru_cache(maxsize=1024)
def _iso_date(day: int) -> str:
    return f"{_EPOCH + timedelta(days=day):%Y-%m-%d}T"


def _iso(epoch_ms: int) -> str:
    """``iso_ms_z`` of an epoch-ms instant, without strftime (a hot path here)."""
    day, ms = divmod(epoch_ms, 86_400_000)
    seconds, ms = divmod(ms, 1000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_iso_date(day)}{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}Z"


def dynamodb_record(
    *,
    event_id: str,
    event_name: str,
    keys: dict[str, Any],
    new_image: dict[str, Any] | None,
    old_image: dict[str, Any] | None,
    view_type: str,
    sequence_number: str,
    created_s: int,
    region: str,
    source_arn: str,
    ttl_removal: bool = False,
    image_sizes: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """One DynamoDB Streams record from explicit values: typed ``keys`` and the images the
    view type shows (None where the record has none). ``SizeBytes`` counts the keys and the
    images carried; ``image_sizes`` are their sizes when the caller knows them already. The
    builder and the harness's event source mapping both make records with this."""
    new_size, old_size = image_sizes or (
        0 if new_image is None else item_size(new_image),
        0 if old_image is None else item_size(old_image),
    )
    stream: dict[str, Any] = {"ApproximateCreationDateTime": created_s, "Keys": keys}
    size = item_size(keys)
    if new_image is not None:
        stream["NewImage"] = new_image
        size += new_size
    if old_image is not None:
        stream["OldImage"] = old_image
        size += old_size
    stream.update(SequenceNumber=sequence_number, SizeBytes=size, StreamViewType=view_type)
    record: dict[str, Any] = {
        "eventID": event_id,
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
    }
    if ttl_removal:
        record["userIdentity"] = dict(TTL_IDENTITY)
    record["dynamodb"] = stream
    record["eventSourceARN"] = source_arn
    return record


def build_dynamodb(ctx: BuildContext, o: Options) -> dict[str, Any]:
    count = _count(ctx, o)
    names = _event_names(ctx, o, count) or _draw_event_names(ctx, o, count)
    _check_fit(ctx, o, names)
    window = tumbling_window(ctx, o)
    sample = o.new_image or o.old_image or (o.items[0] if o.items else None)
    entity, keys = _layout(ctx, _key_names(ctx, o, sample))
    images = _Images(ctx, o, keys, entity)
    view = _view_type(ctx, o)
    show_new = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    show_old = view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
    label = _stream_label(ctx, o)
    table = _table_name(ctx, o, entity, keys)
    table_arn = f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{table}"
    table_arn += f"/stream/{label}"
    writes = arrival_times_ms(ctx, count, window)
    rng = ctx.rng
    r = rng.random
    sequence = int(aws.dynamodb_sequence_number(rng))
    records = []
    for index, (name, write_ms) in enumerate(zip(names, writes, strict=True)):
        new, old, new_size, old_size = images.for_record(index, name, write_ms)
        image = new if new is not None else old
        assert image is not None
        number = str(sequence)
        sequence += 1 + int(r() * 100_000)  # drawn before the eventID, as it always was
        records.append(dynamodb_record(
            event_id=ctx.hex(32), event_name=name, keys={k: dict(image[k]) for k in keys},
            new_image=new if show_new else None, old_image=old if show_old else None,
            image_sizes=(new_size, old_size), view_type=view, sequence_number=number,
            created_s=write_ms // 1000, region=ctx.region, source_arn=table_arn,
            ttl_removal=bool(o.ttl_removal),
        ))  # fmt: skip
    event: dict[str, Any] = {"Records": records}
    if window is not None:
        event.update(window_fields(ctx, o, window, _shard_id(ctx, writes[0], label), table_arn))
    return event


SOURCES = (
    EventSource(
        id="dynamodb",
        service="Amazon DynamoDB Streams",
        invocation="poll",
        builder=build_dynamodb,
        max_count=MAX_BATCH,
        description="DynamoDB Streams event source mapping batch (one shard)",
        options=(
            Option("table_name", str, "table name (in eventSourceARN)"),
            Option(
                "key",
                (tuple, list),
                "key attribute names: (partition,) or (partition, sort)",
                item_type=str,
            ),
            Option(
                "stream_view_type",
                str,
                "StreamViewType: which images records carry",
                choices=VIEW_TYPES,
            ),
            Option(
                "event_name",
                (str, list),
                "INSERT, MODIFY or REMOVE, or one per record (a list sets count)",
                item_type=str,
            ),
            Option("new_image", dict, "the item after the change (plain Python values)"),
            Option("old_image", dict, "the item before the change (plain Python values)"),
            Option(
                "items",
                list,
                "one item per record: its NewImage, or the removed item for REMOVE (sets count)",
                item_type=dict,
            ),
            Option("ttl_removal", bool, "REMOVE records made by TTL expiry (userIdentity)", False),
            Option("stream_label", str, "stream creation time, e.g. 2025-01-02T03:04:05.678"),
            *WINDOW_OPTIONS,
        ),
    ),
)
