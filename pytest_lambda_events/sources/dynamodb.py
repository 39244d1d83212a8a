"""Amazon DynamoDB Streams: the batch a DynamoDB event source mapping sends, all records from
one shard of one table's stream (reference/shapes.md 2, semantics.md 5.2 and 5.8)."""

from __future__ import annotations

import binascii
import hashlib
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .. import aws
from ..attribute_values import (
    MAX_ITEM_SIZE,
    attribute_size,
    copy_item,
    item_size,
    number_size,
    serialize_item,
)
from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import CURRENCIES, DOMAINS, FIRST_NAMES, LAST_NAMES, PLANS, PRODUCTS
from ..errors import EventConfigError, did_you_mean
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z_of_ms, iso_of_ms
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
_TAGS = ("priority", "wholesale", "eu", "auto-renew", "net-30", "reviewed")
_TABLE_PREFIXES = ("shop", "app", "main", "core", "billing")
_SMALL_INTS = tuple(str(i) for i in range(300))
_SMALL_SIZES = {text: number_size(text) for text in _SMALL_INTS}
_N_FIRST, _N_LAST, _N_DOMAINS = len(FIRST_NAMES), len(LAST_NAMES), len(DOMAINS)
_N_PLANS, _N_PRODUCTS, _N_CURRENCIES = len(PLANS), len(PRODUCTS), len(CURRENCIES)
_N_AGENTS, _N_TAGS = len(_USER_AGENTS), len(_TAGS)
_MASK_34, _MASK_48, _MASK_52 = (1 << 34) - 1, (1 << 48) - 1, (1 << 52) - 1
_MASK_64, _MASK_66, _MASK_72 = (1 << 64) - 1, (1 << 66) - 1, (1 << 72) - 1
_MASK_128 = (1 << 128) - 1
# A batch's own values, sliced from one draw: entity and key layout (bits 0-7), view type
# (8-15), table name (16-23), stream age (24-63), first sequence number (64-129), a one-record
# batch's arrival (130-169).
_BATCH_BITS = 170
# One record's: eventID (8-135; 0-7 are spare), sequence step (136-152), creation (153-186)
# and update (187-220) times, TTL expiry (221-240), the item's small choices (241-304), its
# entity's ids, lines, checksum or address (305-592), a sort key's time (593-624), and a
# one-record batch's event name (625-632).
_RECORD_BITS = 633
_MASK_BATCH = (1 << _BATCH_BITS) - 1
# A one-record batch's 803 bits: 296 from the pool, and the 512 of their BLAKE2b digest (one C
# call, where a pool refill costs a SHAKE-128 block and more Python)
_HEAD_BITS = 296
_blake2b = hashlib.blake2b
_from_bytes = int.from_bytes
_flat = iso_of_ms  # _iso without its call, in the per-record path


def _one_record_bits(ctx: BuildContext) -> int:
    head = ctx.getrandbits(_HEAD_BITS)
    digest = _blake2b(head.to_bytes(_HEAD_BITS // 8, "little")).digest()
    return head | _from_bytes(digest, "little") << _HEAD_BITS


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


def _draw_event_names(ctx: BuildContext, o: Options, count: int, one: int | None) -> list[str]:
    """Event names that fit the images the caller gave: a new image only -> INSERT/MODIFY...
    (``one``: a one-record batch's record bits, whose bits 625-632 pick its name)."""
    if o.ttl_removal:
        return ["REMOVE"] * count
    has_new, has_old = o.new_image is not None, o.old_image is not None
    if has_new and has_old:
        return ["MODIFY"] * count
    xs = (
        [(one >> 625 & 0xFF) / 256] if one is not None else [ctx.rng.random() for _ in range(count)]
    )
    names = []
    for x in xs:
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


def _view_type(ctx: BuildContext, o: Options, b: int) -> str:
    if o.stream_view_type is not None:
        return str(o.stream_view_type)
    if o.new_image is not None or o.old_image is not None or o.items is not None:
        return "NEW_AND_OLD_IMAGES"  # show the caller's items
    x = (b >> 8 & 0xFF) / 256  # NEW_AND_OLD_IMAGES is what most Lambda consumers enable
    for view, upto in (("NEW_AND_OLD_IMAGES", 0.55), ("NEW_IMAGE", 0.8), ("KEYS_ONLY", 0.9)):
        if x < upto:
            return view
    return "OLD_IMAGE"


def _layout(b: int, names: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The generated items' entity and key names, when the caller gave no items."""
    entity = _ENTITIES[b & 3]
    if names:
        return entity, names
    if b & 4:  # single-table designs, mostly with lower-case key names
        return entity, ("pk", "sk") if (b >> 3 & 15) < 11 else ("PK", "SK")
    return entity, (f"{entity}Id",)


def _table_name(ctx: BuildContext, o: Options, entity: str, names: tuple[str, ...], b: int) -> str:
    if o.table_name is not None:
        if not _TABLE_NAME.match(o.table_name):
            ctx.fail(
                "table_name", f"{o.table_name!r}: table names are 3 to 255 of a-z A-Z 0-9 _ . -"
            )
        return str(o.table_name)
    env = _ENVS[(b >> 16 & 3) % 3]
    if names in (("pk", "sk"), ("PK", "SK")):
        return f"{_TABLE_PREFIXES[(b >> 18 & 7) % 5]}-table-{env}"
    return f"{entity.capitalize()}s" if b >> 21 & 1 else f"{entity}s-{env}"


def _stream_label(ctx: BuildContext, o: Options, b: int) -> str:
    if o.stream_label is None:  # the table's stream was enabled 2 hours to 2 years ago
        age_ms = 7_200_000 + (b >> 24 & 0xFFFFFFFFFF) % (730 * 86_400_000)
        return _iso(ctx.time_ms - age_ms)[:-1]
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
            f"{iso_ms_z_of_ms(ctx.time_ms)}; a stream label is its creation time",
        )
    return label


def _key_values(entity: str, names: tuple[str, ...], area: int, since_ms: int) -> tuple[str, ...]:
    """The key strings of a generated item: single-table ``PK/SK``, or an id (from the
    record's entity bits; ``since_ms``: a sort key's time when the caller's key names have one
    the layouts don't know)."""
    if entity == "order":
        h = (area & _MASK_72).to_bytes(9, "little").hex()
        own = f"ord-{h[:10]}"
        pk, sk = f"CUSTOMER#cus-{h[10:]}", f"ORDER#{own}"
    elif entity == "user":
        own = uuid4_from_bits(area)
        pk, sk = f"USER#{own}", "PROFILE"
    elif entity == "session":
        own = (area >> 128 & _MASK_128).to_bytes(16, "little").hex()
        pk, sk = f"USER#{uuid4_from_bits(area)}", f"SESSION#{own}"
    else:
        b = area & _MASK_52
        own = f"INV-{100_000 + b % 900_000}"
        pk, sk = f"ACCOUNT#acct-{b >> 20:08x}", f"INVOICE#{own}"
    if names in (("pk", "sk"), ("PK", "SK")):
        return pk, sk
    if len(names) == 1:
        return (own,)
    return own, _iso(since_ms)


def _typed_keys(names: tuple[str, ...], values: tuple[str, ...]) -> dict[str, Any]:
    """Typed string key attributes (a new dict each call: records share none)."""
    if len(names) == 2:
        return {names[0]: {"S": values[0]}, names[1]: {"S": values[1]}}
    return {names[0]: {"S": values[0]}}


def _attributes(
    entity: str,
    created_ms: int,
    created: str,
    updated: str,
    b: int,
    area: int,
    bump: int,
    later: str | None = None,
) -> tuple[dict[str, Any], int, dict[str, Any] | None]:
    """Typed non-key attributes of a generated item created at ``created_ms`` and last updated
    at ``updated``, from 64 bits of small choices (``b``) and the record's entity bits
    (``area``, past what its key took); ``bump=1`` gives the item one UpdateItem later (version
    + 1, status advanced). Written typed directly: marshalling plain values, or deep-copying an
    image to change it, costs several times more.

    Also returns the size of the values as ``item_size`` counts them (names are counted by the
    caller), summed as they are made: measuring each record's images again would cost as much
    as making them. With ``later`` (and ``bump=0``), the third value is the item one update
    later, updated at ``later`` (a MODIFY's new image beside its old one): the same values in
    dicts and lists of its own, written from the values drawn once."""
    pair: dict[str, Any] | None = None
    if entity == "order":
        attrs, size, pair = _order(b, area >> 72, bump, later is not None)
    elif entity == "user":
        first, last = FIRST_NAMES[b % _N_FIRST], LAST_NAMES[(b >> 5) % _N_LAST]
        role, other = _ROLE_NAMES[(b >> 9) % 5], _ROLE_NAMES[(b >> 12) % 5]
        roles = sorted({role, other}) if b >> 15 & 1 else [role]
        name = f"{first} {last}"
        email = f"{first.lower()}.{last.lower()}@{DOMAINS[(b >> 16) % _N_DOMAINS]}"
        plan = PLANS[(b >> 18) % _N_PLANS]
        logins = _SMALL_INTS[(b >> 23) % 300]
        never, verified = (b >> 32) % 5 == 0, (b >> 20) % 5 != 0
        attrs = _user(name, email, plan, verified, roles, logins, None if never else created)
        if later is not None:
            pair = _user(name, email, plan, verified, [*roles], logins, None if never else created)
        size = 4 + len(name) + len(email) + len(plan) + 1 + sum(map(len, roles))
        size += _SMALL_SIZES[logins] + (1 if never else len(created))
    elif entity == "session":
        ip = aws.ipv4_from_bits(area >> 256 & 0xFFFFFFFF)
        agent = _USER_AGENTS[b % _N_AGENTS]
        views = _SMALL_INTS[1 + (b >> 2) % 40]
        expires = str(created_ms // 1000 + 86_400)  # the table's TTL attribute
        attrs = _session(ip, agent, views, expires)
        if later is not None:
            pair = _session(ip, agent, views, expires)
        size = 7 + len(ip) + len(agent) + _SMALL_SIZES[views] + 1 + number_size(expires)
    else:
        tags = sorted({_TAGS[(b >> (32 + 3 * i)) % _N_TAGS] for i in range(1 + (b >> 30) % 3)})
        checksum = (area >> 52 & _MASK_128).to_bytes(16, "little")
        status = _INVOICE_STATUSES[b % 3 + bump]
        amount, amount_size = _amount(1000 + (b >> 2) % 500_000)
        currency = CURRENCIES[(b >> 21) % _N_CURRENCIES]
        lines = _SMALL_INTS[1 + (b >> 23) % 12]
        text = binascii.b2a_base64(checksum, newline=False).decode()
        attrs = _invoice(status, amount, currency, lines, text, tags)
        if later is not None:
            pair = _invoice(_INVOICE_STATUSES[b % 3 + 1], amount, currency, lines, text, [*tags])
        size = 7 + len(status) + amount_size + len(currency) + _SMALL_SIZES[lines]
        size += len(checksum) + sum(map(len, tags))
    attrs["createdAt"] = {"S": created}
    attrs["updatedAt"] = {"S": updated}
    version = _SMALL_INTS[1 + (b >> 56) % 8 + bump]
    attrs["version"] = {"N": version}
    if pair is not None:
        pair["createdAt"] = {"S": created}
        pair["updatedAt"] = {"S": later}
        pair["version"] = {"N": _SMALL_INTS[2 + (b >> 56) % 8]}
    return attrs, size + len(created) + len(updated) + _SMALL_SIZES[version], pair


# The attribute maps of each entity (new dicts each call: a record's two images share none)
def _user(
    name: str, email: str, plan: str, verified: bool, roles: list[str], logins: str, at: str | None
) -> dict[str, Any]:
    return {
        "entityType": {"S": "User"},
        "name": {"S": name},
        "email": {"S": email},
        "plan": {"S": plan},
        "emailVerified": {"BOOL": verified},
        "roles": {"SS": roles},
        "loginCount": {"N": logins},
        "lastLoginAt": {"NULL": True} if at is None else {"S": at},
    }


def _session(ip: str, agent: str, views: str, expires: str) -> dict[str, Any]:
    return {
        "entityType": {"S": "Session"},
        "ipAddress": {"S": ip},
        "userAgent": {"S": agent},
        "pageViews": {"N": views},
        "active": {"BOOL": True},
        "expiresAt": {"N": expires},
    }


def _invoice(
    status: str, amount: str, currency: str, lines: str, checksum: str, tags: list[str]
) -> dict[str, Any]:
    return {
        "entityType": {"S": "Invoice"},
        "status": {"S": status},
        "amount": {"N": amount},
        "currency": {"S": currency},
        "lineItems": {"N": lines},
        "checksum": {"B": checksum},
        "tags": {"SS": tags},
    }


_ORDER_STATUSES = ("PENDING", "PAID", "SHIPPED", "DELIVERED")
_INVOICE_STATUSES = ("draft", "open", "paid", "refunded")


def _order(
    b: int, lines_bits: int, bump: int, pair: bool
) -> tuple[dict[str, Any], int, dict[str, Any] | None]:
    """An order's attributes: one to three lines (48 bits each) and their total, the size of
    their values, and with ``pair`` the order one update later (see ``_attributes``)."""
    lines, later, total = [], [], 0
    size = 3  # the list
    for i in range(1 + b % 3):
        c = lines_bits >> (48 * i) & _MASK_48
        cents, quantity = 300 + c % 20_000, 1 + (c >> 15) % 4
        total += cents * quantity
        sku, product = f"SKU-{10_000 + (c >> 17) % 90_000}", PRODUCTS[(c >> 34) % _N_PRODUCTS]
        price, price_size = _amount(cents)
        count = _SMALL_INTS[quantity]
        lines.append({"M": {
            "sku": {"S": sku}, "name": {"S": product}, "quantity": {"N": count},
            "price": {"N": price},
        }})  # fmt: skip
        if pair:
            later.append({"M": {
                "sku": {"S": sku}, "name": {"S": product}, "quantity": {"N": count},
                "price": {"N": price},
            }})  # fmt: skip
        # an element's byte, the map's 3 and one per entry, the names (20), the values
        size += 28 + len(sku) + len(product) + 2 + price_size
    status = _ORDER_STATUSES[(b >> 2) % 3 + bump]
    currency = CURRENCIES[(b >> 4) % _N_CURRENCIES]
    amount, amount_size = _amount(total)
    attrs = {
        "entityType": {"S": "Order"},
        "status": {"S": status},
        "currency": {"S": currency},
        "items": {"L": lines},
        "total": {"N": amount},
    }
    bumped = None
    if pair:
        bumped = {
            "entityType": {"S": "Order"},
            "status": {"S": _ORDER_STATUSES[(b >> 2) % 3 + 1]},
            "currency": {"S": currency},
            "items": {"L": later},
            "total": {"N": amount},
        }
    return attrs, size + 5 + len(status) + len(currency) + amount_size, bumped


def _amount(cents: int) -> tuple[str, int]:
    """An amount of at least one unit, from its cents, as DynamoDB writes the number (12.5, not
    12.50), and its ``number_size`` (its significant digits are the cents' without their zeros
    at either end)."""
    digits = str(cents)
    frac = digits[-2:]
    text = f"{digits[:-2]}.{frac}".rstrip("0") if frac != "00" else digits[:-2]
    return text, (len(digits.strip("0")) + 1) // 2 + 1


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


# each entity's attribute names, and their bytes (ASCII) as item_size counts them
_ATTR_NAMES = {e: frozenset(_attributes(e, 0, "", "", 0, 0, 0)[0]) for e in _ENTITIES}
_NAME_BYTES = {e: sum(map(len, names)) for e, names in _ATTR_NAMES.items()}


def _shard_id(ctx: BuildContext, first_ms: int, label: str) -> str:
    """A DynamoDB Streams shard id: shardId-<20-digit creation ms>-<8 hex>; shards roll over
    every few hours, and none predates the stream."""
    stream_ms = int(datetime.fromisoformat(label).replace(tzinfo=UTC).timestamp() * 1000)
    created = max(stream_ms, first_ms - int(ctx.random() * 4 * 3600 * 1000))
    return f"shardId-{created:020d}-{ctx.hex(8)}"


# (NewImage, OldImage, size of NewImage, size of OldImage) of one record; None = no image
Change = tuple[dict[str, Any] | None, dict[str, Any] | None, int, int]


class _Images:
    """Resolves each record's images (typed, and their sizes) from the options or the seed.
    Every record gets its own dicts: a hook editing one record must not edit another."""

    def __init__(self, ctx: BuildContext, o: Options, keys: tuple[str, ...], entity: str) -> None:
        self.ctx, self.keys, self.entity = ctx, keys, entity
        self.ttl = bool(o.ttl_removal)
        self.shown = (True, True)  # (NewImage, OldImage): generated images the view carries
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

    def for_record(self, index: int, name: str, write_ms: int, bits: int) -> Change:
        if self.items is not None:
            return self._from_item(self.items[index], name, write_ms)
        if self.new is None and self.old is None:
            return self._generated(name, write_ms, bits)
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

    def _generated(self, name: str, write_ms: int, bits: int) -> Change:
        show_new, show_old = self.shown
        names = self.keys
        since = write_ms - (bits >> 593) % (30 * 86_400_000)
        key = _key_values(self.entity, names, bits >> 305, since)
        text = "".join(names)  # the caller's key names may be any Unicode
        key_bytes = (len(text) if text.isascii() else len(text.encode())) + sum(map(len, key))
        return _generated(
            self.entity, names, key, key_bytes, show_new, show_old, self.ttl, name, write_ms, bits
        )


def _generated(
    entity: str,
    names: tuple[str, ...],
    key: tuple[str, ...],
    key_bytes: int,
    show_new: bool,
    show_old: bool,
    ttl: bool,
    name: str,
    write_ms: int,
    bits: int,
) -> Change:
    """A generated item from the record's bits (``_RECORD_BITS``) and its ``key`` values
    (``_key_values``; ``key_bytes``: their size with their names), its images as the view
    shows them. A MODIFY's two images are written from values drawn once (``_attributes``'
    ``later``)."""
    area = bits >> 305
    # an image's size less its values', unless a key name is an attribute's (the attribute
    # replaces the key): then each image is measured in full
    fixed = key_bytes + _NAME_BYTES[entity] if _ATTR_NAMES[entity].isdisjoint(names) else -1
    b = bits >> 241 & _MASK_64
    image = _typed_keys(names, key)
    if name == "INSERT":
        if not show_new:  # the view carries no image: its keys are all the record needs
            return image, None, 0, 0
        now = _flat(write_ms) + "Z"
        attrs, size, _ = _attributes(entity, write_ms, now, now, b, area, 0)
        image.update(attrs)
        return image, None, fixed + size if fixed >= 0 else item_size(image), 0
    created_ms = write_ms - 60_000 - (bits >> 153 & _MASK_34) % (90 * 86_400_000)
    created = _flat(created_ms) + "Z"
    if name == "MODIFY" and not show_old:  # only the new image (or none) is carried
        if not show_new:
            return image, None, 0, 0
        now = _flat(write_ms) + "Z"
        attrs, size, _ = _attributes(entity, created_ms, created, now, b, area, 1)
        image.update(attrs)
        return image, None, fixed + size if fixed >= 0 else item_size(image), 0
    if name == "REMOVE" and not show_old:
        return None, image, 0, 0
    updated = _flat(created_ms + (bits >> 187 & _MASK_34) % (write_ms - created_ms)) + "Z"
    pair = name == "MODIFY" and show_new  # the new image too, from the same values
    later = _flat(write_ms) + "Z" if pair else None
    attrs, size, new_attrs = _attributes(entity, created_ms, created, updated, b, area, 0, later)
    image.update(attrs)
    if ttl:  # expired a while ago: TTL deletes lag expiry by minutes to days
        image["expiresAt"] = {"N": str(write_ms // 1000 - 60 - (bits >> 221 & 0xFFFFF) % 172_800)}
        old_size = item_size(image)
    else:
        old_size = fixed + size if fixed >= 0 else item_size(image)
    if later is None or new_attrs is None:
        return None, image, 0, old_size
    size += len(later) - len(updated)
    if "status" in attrs:  # advanced by the update
        size += len(new_attrs["status"]["S"]) - len(attrs["status"]["S"])
    new = _typed_keys(names, key)
    new.update(new_attrs)
    return new, image, fixed + size if fixed >= 0 else item_size(new), old_size


def _iso(epoch_ms: int) -> str:
    """``iso_ms_z`` of an epoch-ms instant (each record formats two or three times)."""
    return iso_of_ms(epoch_ms) + "Z"


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


def _default_tables() -> tuple[
    tuple[str, ...],
    tuple[tuple[str, bool, bool], ...],
    tuple[tuple[str, tuple[str, ...], int, tuple[str, ...]], ...],
]:
    """What the default build's small draws pick, as ``_draw_event_names``, ``_view_type``,
    ``_layout`` and ``_table_name`` pick them, by the bits they read: event names (8 bits),
    views and the images they show (8 bits), layouts (7 bits: entity, keys, the key names'
    size and the table names by bits 16-21). Read from the general path's own functions."""
    none = dict.fromkeys(("new_image", "old_image", "items", "stream_view_type", "table_name"))
    o = Options({**none, "ttl_removal": False}, frozenset())
    names = tuple(
        _draw_event_names(None, o, 1, x << 625)[0]  # type: ignore[arg-type]
        for x in range(256)
    )
    views = []
    for x in range(256):
        view = _view_type(None, o, x << 8)  # type: ignore[arg-type]
        both = view == "NEW_AND_OLD_IMAGES"
        views.append((view, both or view == "NEW_IMAGE", both or view == "OLD_IMAGE"))
    layouts = []
    for x in range(128):
        entity, keys = _layout(x, ())
        tables = tuple(
            _table_name(None, o, entity, keys, t << 16)  # type: ignore[arg-type]
            for t in range(64)
        )
        layouts.append((entity, keys, len("".join(keys)), tables))
    return names, tuple(views), tuple(layouts)


def _default_event(ctx: BuildContext) -> dict[str, Any]:
    """``build_dynamodb`` for the default options: one generated record, written without the
    option checks and helper calls a batch or given items need (the same event)."""
    head = ctx.getrandbits(_HEAD_BITS)  # as _one_record_bits draws them
    digest = _blake2b(head.to_bytes(_HEAD_BITS // 8, "little")).digest()
    bits = head | _from_bytes(digest, "little") << _HEAD_BITS
    b, one = bits & _MASK_BATCH, bits >> _BATCH_BITS
    name = _DEFAULT_NAMES[one >> 625 & 0xFF]
    entity, keys, names_size, tables = _DEFAULT_LAYOUTS[b & 0x7F]
    view, show_new, show_old = _DEFAULT_VIEWS[b >> 8 & 0xFF]
    time_ms = ctx.time_ms
    # the stream label and arrival time as _stream_label and arrival_times_ms draw them
    label = iso_of_ms(time_ms - 7_200_000 - (b >> 24 & 0xFFFFFFFFFF) % (730 * 86_400_000))
    table = tables[b >> 16 & 0x3F]
    arrival = b >> 130
    write_ms = time_ms - 150 - (arrival & 0xFFF) % 1200 - (arrival >> 12 & 0xFFFFFFF) % 31
    key = _key_values(entity, keys, one >> 305, 0)  # no layout drawn here has a time key
    key_size = names_size + sum(map(len, key))  # ASCII: the Keys' size
    new, old, new_size, old_size = _generated(
        entity, keys, key, key_size, show_new, show_old, False, name, write_ms, one
    )
    if len(key) == 2:
        key_map = {keys[0]: {"S": key[0]}, keys[1]: {"S": key[1]}}
    else:
        key_map = {keys[0]: {"S": key[0]}}
    stream: dict[str, Any] = {"ApproximateCreationDateTime": write_ms // 1000, "Keys": key_map}
    if new is not None and show_new:
        stream["NewImage"] = new
        key_size += new_size
    if old is not None and show_old:
        stream["OldImage"] = old
        key_size += old_size
    stream["SequenceNumber"] = str(100_000_000_000_000_000_000 + (b >> 64 & _MASK_66))
    stream["SizeBytes"] = key_size
    stream["StreamViewType"] = view
    return {"Records": [{
        "eventID": f"{one >> 8 & _MASK_128:032x}", "eventName": name, "eventVersion": "1.1",
        "eventSource": "aws:dynamodb", "awsRegion": ctx.region, "dynamodb": stream,
        "eventSourceARN": f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/"
        f"{table}/stream/{label}",
    }]}  # fmt: skip


_DEFAULT_NAMES, _DEFAULT_VIEWS, _DEFAULT_LAYOUTS = _default_tables()


def build_dynamodb(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_event(ctx)
    count = _count(ctx, o)
    if count == 1:
        bits = _one_record_bits(ctx)
        b, one = bits & _MASK_BATCH, bits >> _BATCH_BITS
    else:
        b, one = ctx.getrandbits(_BATCH_BITS), None
    names = _event_names(ctx, o, count) or _draw_event_names(ctx, o, count, one)
    _check_fit(ctx, o, names)
    window = tumbling_window(ctx, o)
    sample = o.new_image or o.old_image or (o.items[0] if o.items else None)
    entity, keys = _layout(b, _key_names(ctx, o, sample))
    images = _Images(ctx, o, keys, entity)
    view = _view_type(ctx, o, b)
    show_new = view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES")
    show_old = view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES")
    images.shown = (show_new, show_old)
    label = _stream_label(ctx, o, b)
    table = _table_name(ctx, o, entity, keys, b)
    table_arn = f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{table}"
    table_arn += f"/stream/{label}"
    writes = arrival_times_ms(ctx, count, window, b >> 130 & 0xFFFFFFFFFF)
    sequence = 100_000_000_000_000_000_000 + (b >> 64 & _MASK_66)
    draw = None if one is not None else ctx.rng.getrandbits
    first = one or 0
    region, ttl = ctx.region, bool(o.ttl_removal)
    records = []
    for index, (name, write_ms) in enumerate(zip(names, writes, strict=True)):
        bits = first if draw is None else draw(_RECORD_BITS)
        new, old, new_size, old_size = images.for_record(index, name, write_ms, bits)
        image = new if new is not None else old
        assert image is not None
        records.append(dynamodb_record(
            event_id=f"{bits >> 8 & _MASK_128:032x}", event_name=name,
            keys={k: dict(image[k]) for k in keys},
            new_image=new if show_new else None, old_image=old if show_old else None,
            image_sizes=(new_size, old_size), view_type=view, sequence_number=str(sequence),
            created_s=write_ms // 1000, region=region, source_arn=table_arn, ttl_removal=ttl,
        ))  # fmt: skip
        sequence += 1 + (bits >> 136 & 0x1FFFF) % 100_000
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
