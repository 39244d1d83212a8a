"""Human-looking payloads drawn from a generator (``aws.Draws``): fast enough for hot paths,
where Faker would cost ~30x more (reference/libraries.md)."""

from __future__ import annotations

from typing import Any

from .aws import UUID4_CLEAR, UUID4_SET, Draws, uuid4_from

NOUNS = (
    "orders", "invoices", "payments", "users", "photos", "clicks", "events", "reports",
    "inventory", "shipments", "carts", "sessions", "audit", "billing", "catalog", "profiles",
    "notifications", "uploads", "metrics", "tickets",
)  # fmt: skip
ROLES = ("worker", "processor", "ingest", "handler", "sync", "export", "api", "stream", "jobs")
FIRST_NAMES = (
    "Ana", "Ben", "Chen", "Dara", "Elif", "Femi", "Grace", "Hiro", "Ines", "Jonas", "Kemal",
    "Lena", "Mateo", "Nadia", "Omar", "Priya", "Quinn", "Rosa", "Sven", "Tariq", "Uma", "Yara",
)  # fmt: skip
LAST_NAMES = (
    "Okafor", "Schmidt", "Tanaka", "Garcia", "Novak", "Haddad", "Silva", "Kowalski", "Nguyen",
    "Larsen", "Rossi", "Dubois", "Ahmed", "Murphy", "Costa", "Ivanova",
)  # fmt: skip
PRODUCTS = (
    "espresso beans", "trail shoes", "desk lamp", "rain jacket", "notebook", "headphones",
    "yoga mat", "water bottle", "backpack", "keyboard", "tea sampler", "bike light",
)  # fmt: skip
WORDS = (
    "order", "shipped", "payment", "received", "customer", "updated", "invoice", "created",
    "profile", "deleted", "batch", "processed", "request", "accepted", "retry", "scheduled",
    "report", "ready", "upload", "completed", "user", "signed", "in", "the", "new", "for",
)  # fmt: skip
DOMAINS = ("example.com", "example.org", "example.net")
CURRENCIES = ("USD", "EUR", "GBP", "JPY")
PLANS = ("free", "pro", "team")
ACTIONS = ("view", "click", "scroll", "purchase")
STATUSES = ("paid", "overdue", "draft")
FILE_TYPES = (("jpg", "image/jpeg"), ("png", "image/png"), ("pdf", "application/pdf"),
              ("csv", "text/csv"), ("json", "application/json"), ("txt", "text/plain"))  # fmt: skip


def person(rng: Draws) -> tuple[str, str]:
    """A display name and a matching e-mail address on a reserved example domain."""
    return person_from(rng.getrandbits(16))


def person_from(b: int) -> tuple[str, str]:
    """``person`` from 16 random bits a builder already drew."""
    first = FIRST_NAMES[(b & 0xFF) % len(FIRST_NAMES)]
    last = LAST_NAMES[(b >> 8 & 0x3F) % len(LAST_NAMES)]
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{DOMAINS[(b >> 14) % 3]}"


def sentence(rng: Draws, words: int = 6) -> str:
    b = rng.getrandbits(8 * words)
    text = " ".join([WORDS[(b >> 8 * i & 0xFF) % len(WORDS)] for i in range(words)])
    return text[0].upper() + text[1:] + "."


def business_record(rng: Draws) -> dict[str, Any]:
    """A small JSON document of the kind Lambda handlers receive: an order, a signup, a click
    or an invoice, from one 256-bit draw."""
    b = rng.getrandbits(256)
    kind = b & 3
    if kind == 0:
        return {
            "orderId": f"ord-{b >> 8 & 0xFFFFFFFFFF:010x}",
            "customerId": f"cus-{b >> 48 & 0xFFFFFFFF:08x}",
            "item": PRODUCTS[(b >> 80 & 0xFF) % len(PRODUCTS)],
            "quantity": 1 + (b >> 88 & 0xFF) % 5,
            "amount": (300 + (b >> 96 & 0xFFFFFF) % 39_701) / 100,
            "currency": CURRENCIES[b >> 2 & 3],
        }
    if kind == 1:
        name, email = person_from(b >> 8)
        return {
            "userId": uuid4_from((b >> 128).to_bytes(16, "little")),
            "name": name,
            "email": email,
            "plan": PLANS[(b >> 24 & 0xFF) % 3],
        }
    if kind == 2:
        return {
            "sessionId": f"{b >> 8 & 0xFFFFFFFFFFFFFFFF:016x}",
            "page": f"/{NOUNS[(b >> 72 & 0xFF) % len(NOUNS)]}/{1 + (b >> 80 & 0xFFFF) % 9998}",
            "action": ACTIONS[b >> 2 & 3],
        }
    return {
        "invoiceId": f"INV-{100_000 + (b >> 8 & 0xFFFFFF) % 900_000}",
        "status": STATUSES[(b >> 32 & 0xFF) % 3],
        "total": (1000 + (b >> 40 & 0xFFFFFF) % 499_001) / 100,
    }


_CENTS = tuple(f"{cents:02d}" for cents in range(100))
# (display name, e-mail local part and "@") of every first x last name pair
_PEOPLE = tuple(
    (f"{first} {last}", f"{first.lower()}.{last.lower()}@")
    for first in FIRST_NAMES
    for last in LAST_NAMES
)


def business_json(rng: Draws) -> str:
    """``business_record``-like compact JSON text (the hot path of queue and stream bodies;
    every value is plain ASCII, so no escaping is needed): 128 random bits, 128 more for the
    user record's UUID."""
    b = rng.getrandbits(128)
    return business_json_from(b | rng.getrandbits(128) << 128 if is_user_record(b) else b)


def is_user_record(b: int) -> bool:
    """Whether ``business_json_from(b)`` writes a user record, the one kind that reads bits
    128-255 (its UUID): a builder draws them only then. The kind is bits 0-7 mod 3."""
    return (b & 0xFF) % 3 == 1


def business_json_from(b: int) -> str:
    """``business_json`` from 256 random bits a builder already drew (a batch draws its bodies'
    bits at once). This runs once per record, so each body is a few pieces of text: ids cut
    from one hex conversion of the bits, and every run of fixed choices (item and quantity, a
    person and their domain) one lookup in a table of its text, chosen by 32 bits (96-127)."""
    kind = (b & 0xFF) % 3  # as is_user_record reads it
    w = b >> 96 & 0xFFFFFFFF
    if kind == 1:
        # the user id is the UUID of the high 128 bits (uuid4_from_bits), cut from one hex
        u = (b >> 128 & UUID4_CLEAR | UUID4_SET).to_bytes(16, "little").hex()
        return (
            f'{{"userId":"{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}'
            f'{_USERS[w % len(_USERS)]}{PLANS[(w >> 16) % 3]}"}}'
        )
    h = b.to_bytes(32, "little").hex()
    if kind == 0:
        cents = 300 + (w >> 8) % 40000  # written as text: a float's repr costs more
        return (
            f'{{"orderId":"ord-{h[2:12]}","customerId":"cus-{h[12:20]}{_ITEMS[w % len(_ITEMS)]}'
            f"{cents // 100}.{_CENTS[cents % 100]}{_CURRENCIES[w >> 30]}"
        )
    return f'{{"sessionId":"{h[2:18]}{_PAGES[w % 20]}{1 + (w >> 5) % 9999}{_ACTIONS[w >> 30]}'


# the fixed runs of business_json_from's bodies, as text
_USERS = tuple(
    f'","name":"{name}","email":"{local}{domain}","plan":"'
    for name, local in _PEOPLE
    for domain in DOMAINS
)
_ITEMS = tuple(
    f'","item":"{product}","quantity":{quantity},"amount":'
    for product in PRODUCTS
    for quantity in range(1, 6)
)
_CURRENCIES = tuple(f',"currency":"{currency}"}}' for currency in CURRENCIES)
_PAGES = tuple(f'","page":"/{noun}/' for noun in NOUNS)
_ACTIONS = tuple(f'","action":"{action}"}}' for action in ACTIONS)
