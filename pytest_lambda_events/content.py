"""Human-looking payloads drawn from a ``random.Random``: fast enough for hot paths, where Faker
would cost ~30x more (reference/libraries.md)."""

from __future__ import annotations

import random
from typing import Any

from .aws import hex_string, uuid4

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
FILE_TYPES = (("jpg", "image/jpeg"), ("png", "image/png"), ("pdf", "application/pdf"),
              ("csv", "text/csv"), ("json", "application/json"), ("txt", "text/plain"))  # fmt: skip


def person(rng: random.Random) -> tuple[str, str]:
    """A display name and a matching e-mail address on a reserved example domain."""
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    return f"{first} {last}", f"{first.lower()}.{last.lower()}@{rng.choice(DOMAINS)}"


def sentence(rng: random.Random, words: int = 6) -> str:
    text = " ".join(rng.choices(WORDS, k=words))
    return text[0].upper() + text[1:] + "."


def business_record(rng: random.Random) -> dict[str, Any]:
    """A small JSON document of the kind Lambda handlers receive: an order, a signup, a click..."""
    kind = rng.randrange(4)
    if kind == 0:
        return {
            "orderId": f"ord-{hex_string(rng, 10)}",
            "customerId": f"cus-{hex_string(rng, 8)}",
            "item": rng.choice(PRODUCTS),
            "quantity": rng.randint(1, 5),
            "amount": round(rng.uniform(3, 400), 2),
            "currency": rng.choice(("USD", "EUR", "GBP", "JPY")),
        }
    if kind == 1:
        name, email = person(rng)
        return {"userId": uuid4(rng), "name": name, "email": email, "plan": rng.choice(
            ("free", "pro", "team"))}  # fmt: skip
    if kind == 2:
        return {
            "sessionId": hex_string(rng, 16),
            "page": f"/{rng.choice(NOUNS)}/{rng.randrange(1, 9999)}",
            "action": rng.choice(("view", "click", "scroll", "purchase")),
        }
    return {
        "invoiceId": f"INV-{rng.randrange(100000, 999999)}",
        "status": rng.choice(("paid", "overdue", "draft")),
        "total": round(rng.uniform(10, 5000), 2),
    }


def business_json(rng: random.Random) -> str:
    """``business_record`` as compact JSON text, written directly from one random draw (the hot
    path of queue and stream bodies; every value is plain ASCII, so no escaping is needed)."""
    b = rng.getrandbits(128)
    kind = b % 3
    if kind == 0:
        return (
            f'{{"orderId":"ord-{b >> 8 & 0xFFFFFFFFFF:010x}",'
            f'"customerId":"cus-{b >> 48 & 0xFFFFFFFF:08x}",'
            f'"item":"{PRODUCTS[(b >> 80) % len(PRODUCTS)]}","quantity":{1 + (b >> 88) % 5},'
            f'"amount":{(300 + (b >> 96) % 40000) / 100},"currency":"{CURRENCIES[(b >> 2) % 4]}"}}'
        )
    if kind == 1:
        first = FIRST_NAMES[(b >> 8) % len(FIRST_NAMES)]
        last = LAST_NAMES[(b >> 16) % len(LAST_NAMES)]
        return (
            f'{{"userId":"{uuid4(rng)}",'
            f'"name":"{first} {last}",'
            f'"email":"{first.lower()}.{last.lower()}@{DOMAINS[(b >> 2) % 3]}",'
            f'"plan":"{PLANS[(b >> 4) % 3]}"}}'
        )
    return (
        f'{{"sessionId":"{b >> 8 & 0xFFFFFFFFFFFFFFFF:016x}",'
        f'"page":"/{NOUNS[(b >> 72) % len(NOUNS)]}/{1 + (b >> 80) % 9999}",'
        f'"action":"{ACTIONS[(b >> 2) % 4]}"}}'
    )
