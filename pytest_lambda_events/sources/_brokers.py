"""What the message-broker sources (Kafka, Amazon MQ) share: payloads given as bytes, text or
JSON, base64 text, Java's signed byte arrays, and the 6 MB batch cap of an event source
mapping (semantics.md 6.1 and 6.2)."""

from __future__ import annotations

import binascii
import json
from typing import Any

from .. import aws
from ..building import MAX_BATCH_PAYLOAD_BYTES, BuildContext

MAX_BATCH = 10_000  # BatchSize maximum of Kafka, MQ and DocumentDB mappings
MEASURE_FROM = 100  # smaller batches cannot reach 6 MB by default
POOL_UP_TO = 2  # records whose per-record values come from the context's pool


def draws_for(ctx: BuildContext, count: int) -> aws.Draws:
    """Where a batch's per-record values come from: a small batch's few from the context's
    pool (seeding ``ctx.rng`` costs more than its whole build), a larger one's from ``ctx.rng``
    (a tenth of the cost per draw)."""
    return ctx if count <= POOL_UP_TO else ctx.rng


def as_bytes(value: Any) -> bytes:
    """A caller's payload as bytes: bytes as is, text as UTF-8, anything else as compact JSON."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":")).encode()


def b64(raw: bytes) -> str:
    """Standard, padded base64 text without a newline."""
    return binascii.b2a_base64(raw, newline=False).decode()


def java_bytes(raw: bytes) -> list[int]:
    """Bytes as a Java ``byte[]`` serialises to JSON: signed integers from -128 to 127."""
    if raw.isascii():  # header names and text: every byte is its own value (one C call)
        return list(raw)
    return [b - 256 if b > 127 else b for b in raw]


def check_batch_bytes(ctx: BuildContext, option: str, payload_bytes: int, count: int) -> None:
    """Refuse payloads that no batch could carry: Lambda cuts a batch at 6 MB, and base64 makes
    every payload byte cost 4/3 of a byte of the event."""
    size = payload_bytes * 4 // 3
    if size > MAX_BATCH_PAYLOAD_BYTES:
        ctx.fail(
            option,
            f"{count:,} records carry {payload_bytes:,} payload bytes ({size:,} in base64); an "
            f"event source mapping sends at most {MAX_BATCH_PAYLOAD_BYTES:,} bytes (6 MB) per "
            "batch. Use fewer or smaller records",
        )


def check_event_size(ctx: BuildContext, event: dict[str, Any], count: int) -> None:
    """The core measures only ``Records`` batches; these sources group records differently, so
    they measure themselves (large batches only: small ones cannot reach 6 MB by default)."""
    if count < MEASURE_FROM:
        return
    size = len(json.dumps(event, separators=(",", ":")))
    if size > MAX_BATCH_PAYLOAD_BYTES:
        ctx.fail(
            "count",
            f"{count:,} records make a {size:,}-byte event; an event source mapping sends at "
            f"most {MAX_BATCH_PAYLOAD_BYTES:,} bytes (6 MB) per batch. Use fewer or smaller "
            "records",
        )


def check_count(ctx: BuildContext, count: int | None, option: str, given: int) -> int:
    """The record count when a plural option (``values``, ``bodies``...) says ``given``."""
    if given == 0:
        ctx.fail(option, f"a batch holds 1 to {MAX_BATCH:,} records, not 0")
    if given > MAX_BATCH:
        ctx.fail(option, f"{given:,} records; a batch holds at most {MAX_BATCH:,}")
    if count is not None and count != given:
        ctx.fail(option, f"{given} given, but count says {count}; make them agree")
    return given
