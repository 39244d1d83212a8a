"""CloudWatch Logs subscription filters: ``awslogs.data`` = base64(gzip(JSON)) (shapes.md 10).

Approximation: payloads up to 4 KiB of JSON (the default event, batches of up to ~15 log
events) are gzip'd with one stored (level 0) deflate block rather than compressed. The gzip
stream is real (``gzip.decompress`` and Powertools read it; the header is CloudWatch's), only
its length differs: the default event's data is ~590 base64 characters instead of ~450
(~440 gzip bytes instead of ~335). Larger payloads are compressed (level 6)."""

from __future__ import annotations

import base64
import binascii
import functools
import json
import re
import struct
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring as _quote  # C: json.dumps's escaping, non-ASCII kept
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, WORDS, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import date_path, iso_z

MAX_EVENTS = 10_000  # log events in one PutLogEvents batch, forwarded as one payload
MAX_MESSAGE_BYTES = 256 * 1024
MESSAGE_TYPES = ("DATA_MESSAGE", "CONTROL_MESSAGE")
POLICY_LEVELS = ("ACCOUNT_LEVEL_POLICY", "LOG_GROUP_LEVEL_POLICY")
# The destination health check CloudWatch Logs sends (documented wording for Kinesis; the
# destination noun for Lambda is our assumption).
CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Lambda function."
# What CloudWatch Logs' Java gzip writer emits: no file name, mtime 0, OS byte 0.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00"
# Payloads up to this size are gzip'd as one stored deflate block (see gzip_bytes).
STORED_MAX_BYTES = 4096
# the gzip header, then a stored deflate block's header byte (BFINAL=1, BTYPE=00), LEN, NLEN
_STORED_HEADER = _GZIP_HEADER + b"\x01"
_lengths = struct.Struct("<HH").pack  # RFC 1951 3.2.4
_trailer = struct.Struct("<II").pack  # CRC-32, size mod 2**32 (RFC 1952)
_LOG_GROUP = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")
_NO_COLON_STAR = re.compile(r"^[^:*]{1,512}$")
_NOUNS, _ROLES = len(NOUNS), len(ROLES)
_LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR")


def gzip_bytes(data: bytes) -> bytes:
    """gzip ``data`` with a fixed header, so that the same seed gives the same bytes.

    Up to ``STORED_MAX_BYTES`` the deflate stream is one stored block (level 0): zlib's set-up
    alone (~10 µs) costs several times a small event's build, and a handler sees no difference
    but the length (the default 1-event payload: ~440 gzip bytes instead of ~335). Larger
    payloads are compressed (level 6), so that big batches keep the size AWS would send; the
    window and the hash table are sized to the data, as zlib's default state (32 KiB window,
    64 KiB hash table cleared on every call) costs more than compressing a few KiB."""
    n = len(data)
    trailer = _trailer(zlib.crc32(data), n & 0xFFFFFFFF)
    if n <= STORED_MAX_BYTES:
        return b"".join((_STORED_HEADER, _lengths(n, n ^ 0xFFFF), data, trailer))
    bits = n.bit_length()
    compressor = zlib.compressobj(6, zlib.DEFLATED, -min(bits, 15), min(bits - 6, 8))
    return b"".join((_GZIP_HEADER, compressor.compress(data), compressor.flush(), trailer))


def encode_awslogs(payload: Mapping[str, Any]) -> str:
    """The ``awslogs.data`` text for a decoded payload (compact JSON, gzip, base64)."""
    return _encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False))


def _encode(text: str) -> str:
    data = text.encode()
    n = len(data)
    if n > STORED_MAX_BYTES:
        return binascii.b2a_base64(gzip_bytes(data), newline=False).decode()
    # gzip_bytes inlined for the small payloads every default event has
    raw = b"".join((_STORED_HEADER, _lengths(n, n ^ 0xFFFF), data, _trailer(zlib.crc32(data), n)))
    return binascii.b2a_base64(raw, newline=False).decode()


def decode_awslogs(event_or_data: Mapping[str, Any] | str) -> dict[str, Any]:
    """The decoded payload of a CloudWatch Logs event (or of its ``awslogs.data`` string):
    ``{"messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"}``."""
    data = event_or_data if isinstance(event_or_data, str) else event_or_data["awslogs"]["data"]
    raw = zlib.decompress(base64.b64decode(data), zlib.MAX_WBITS | 16)  # gzip only, as AWS sends
    decoded: dict[str, Any] = json.loads(raw)
    return decoded


def event_id(timestamp_ms: int, ingestion_ms: int, stream_bits: int, index: int) -> str:
    """A log event id as CloudWatch makes them: event time << 144 | ingestion time << 80 | 64
    stream bits << 16 | position, as 56 decimal digits (so ids grow with the timestamp)."""
    value = (timestamp_ms << 144) | (ingestion_ms << 80) | (stream_bits << 16) | (index & 0xFFFF)
    return str(value).zfill(56)


def _start(request: str) -> str:
    return f"START RequestId: {request} Version: $LATEST\n"


def _lambda_lines(ctx: BuildContext, stamps: list[int], request: str) -> list[str]:
    """Log lines the way a Python Lambda function writes them: START/REPORT and app logs. The
    first line starts ``request``; more lines draw from ``ctx.rng`` (a batch's stream)."""
    lines = [_start(request)]
    if len(stamps) == 1:
        return lines
    rng = ctx.rng
    r = rng.random
    second, prefix = -1, ""
    for ms in stamps[1:]:
        kind = r()
        if kind < 0.08:
            request = aws.uuid4(rng)
            lines.append(_start(request))
        elif kind < 0.16:
            duration = round(1 + r() * 900, 2)
            used = 60 + int(r() * 90)
            lines.append(
                f"REPORT RequestId: {request}\tDuration: {duration} ms\tBilled Duration: "
                f"{int(duration) + 1} ms\tMemory Size: 256 MB\tMax Memory Used: {used} MB\t\n"
            )
        else:
            if ms // 1000 != second:  # stamps are sorted: format each second once
                second = ms // 1000
                prefix = iso_z(datetime.fromtimestamp(second, UTC))[:-1]
            text = (
                business_json(rng) if kind > 0.7 else " ".join(rng.choices(WORDS, k=5)).capitalize()
            )
            level = _LEVELS[int(r() * len(_LEVELS))]
            lines.append(f"[{level}]\t{prefix}.{ms % 1000:03d}Z\t{request}\t{text}\n")
    return lines


def _check_names(ctx: BuildContext, o: Options) -> None:
    if o.log_group is not None and not _LOG_GROUP.match(o.log_group):
        ctx.fail(
            "log_group",
            f"{o.log_group!r}: log group names are 1-512 characters of "
            "letters, digits, '_', '-', '/', '.', '#'",
        )
    for option in ("log_stream", "subscription_filter"):
        value = getattr(o, option)
        if value is not None and not _NO_COLON_STAR.match(value):
            ctx.fail(option, f"{value!r}: 1-512 characters, without ':' or '*'")


def _count(ctx: BuildContext, o: Options) -> int:
    messages: list[str] | None = o.messages
    if messages is None:
        return o.count or 1
    if not messages:
        ctx.fail("messages", "a subscription delivers 1 to 10,000 log events, not 0")
    if len(messages) > MAX_EVENTS:
        ctx.fail("messages", f"{len(messages):,} log events; one delivery holds at most 10,000")
    if o.count is not None and o.count != len(messages):
        ctx.fail("count", f"count={o.count} but {len(messages)} messages were given")
    return len(messages)


def _messages(ctx: BuildContext, o: Options, stamps: list[int], request: str) -> list[str]:
    messages: list[str] | None = o.messages
    if messages is None:
        return _lambda_lines(ctx, stamps, request)
    for i, message in enumerate(messages):
        if not message or len(message.encode()) > MAX_MESSAGE_BYTES:
            ctx.fail(f"messages[{i}]", "log event messages are 1 byte to 256 KiB")
    return messages


@functools.lru_cache(maxsize=256)  # a few days of events: immutable strings
def _control_payload(ctx: BuildContext, o: Options) -> dict[str, Any]:
    for option in ("messages", "log_group", "log_stream", "subscription_filter", "policy_level"):
        if getattr(o, option) is not None:
            ctx.fail(
                option,
                "a CONTROL_MESSAGE has no log group, stream, filter or log events of "
                "yours; use message_type='DATA_MESSAGE'",
            )
    if o.count not in (None, 1):
        ctx.fail("count", "a CONTROL_MESSAGE holds exactly 1 log event")
    return {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [{"id": "", "timestamp": ctx.time_ms, "message": CONTROL_TEXT}],
    }


def _log_events(
    ctx: BuildContext, o: Options, first_ms: int, ingestion_ms: int, stream_bits: int, request: str
) -> str:
    """The ``logEvents`` items of a batch or of given messages, as JSON text."""
    count = _count(ctx, o)
    span = ingestion_ms - first_ms
    stamps = [first_ms + i * span // count for i in range(count)]  # non-decreasing
    messages = _messages(ctx, o, stamps, request)
    return ",".join([
        f'{{"id":"{event_id(ts, ingestion_ms, stream_bits, i)}","timestamp":{ts},'
        f'"message":{_quote(message)}}}'
        for i, (ts, message) in enumerate(zip(stamps, messages, strict=True))
    ])  # fmt: skip


def _data_payload(ctx: BuildContext, o: Options) -> str:
    """The DATA_MESSAGE payload as compact JSON text, written directly: the dict and the
    encoder cost more than the text. Drawn names are plain ASCII (no escaping needed); the
    options' strings are escaped as ``json.dumps`` would."""
    if o.log_group is not None or o.log_stream is not None or o.subscription_filter is not None:
        _check_names(ctx, o)
    # One draw for a small event: 256 bits as hex (the stream id, the first request id: one
    # conversion, as formatting big ints with "032x" costs several times more), then 128 bits
    # of small values: 2 x 11 bits of delays, 5 x 8 bits of name picks, 2 bits of the request
    # id's variant, 64 bits of the stream's part of the event ids.
    b = ctx.getrandbits(384)
    h = b.to_bytes(48, "little").hex()
    s = b >> 256
    request = f"{h[32:40]}-{h[40:44]}-4{h[45:48]}-{'89ab'[s >> 62 & 3]}{h[49:52]}-{h[52:64]}"
    # Events were logged over the last moments, ingested together, then forwarded.
    ingestion_ms = ctx.time_ms - 200 - (s & 0x7FF) % 1500
    stream_bits = s >> 64
    if o.messages is None and o.count is None:  # the default: one event, a request's START
        first_ms = ingestion_ms - 50 - (s >> 11 & 0x7FF) % 2000
        events = (
            f'{{"id":"{event_id(first_ms, ingestion_ms, stream_bits, 0)}","timestamp":'
            f'{first_ms},"message":"START RequestId: {request} Version: $LATEST\\n"}}'
        )
    else:
        count = len(o.messages) if o.messages is not None else o.count
        first_ms = ingestion_ms - 50 - count // 4 - (s >> 11 & 0x7FF) % 2000
        events = _log_events(ctx, o, first_ms, ingestion_ms, stream_bits, request)
    group = (
        _quote(o.log_group)
        if o.log_group is not None
        else f'"/aws/lambda/{NOUNS[(s >> 22 & 0xFF) % _NOUNS]}-{NOUNS[(s >> 30 & 0xFF) % _NOUNS]}'
        f'-{ROLES[(s >> 38 & 0xFF) % _ROLES]}"'
    )
    # the stream is named for the day of its first event
    stream = (
        _quote(o.log_stream)
        if o.log_stream is not None
        else f'"{date_path(first_ms // 86_400_000)}/[$LATEST]{h[:32]}"'
    )
    # The console names a Lambda subscription "LambdaStream_<destination function>".
    subscription = (
        _quote(o.subscription_filter)
        if o.subscription_filter is not None
        else f'"LambdaStream_{NOUNS[(s >> 46 & 0xFF) % _NOUNS]}-log-'
        f'{ROLES[(s >> 54 & 0xFF) % _ROLES]}"'
    )
    policy = "" if o.policy_level is None else f',"policyLevel":"{o.policy_level}"'
    return (
        f'{{"messageType":"DATA_MESSAGE","owner":"{ctx.account_id}","logGroup":{group},'
        f'"logStream":{stream},"subscriptionFilters":[{subscription}],"logEvents":[{events}]'
        f"{policy}}}"
    )


_b2a = binascii.b2a_base64
_crc32 = zlib.crc32


def _default_event(ctx: BuildContext) -> dict[str, Any]:
    """``_data_payload`` and ``_encode`` for the default options in one function: the same
    event (one log event, a request's START), without the helper calls and option checks."""
    b = ctx.getrandbits(384)  # as _data_payload draws and slices it
    h = b.to_bytes(48, "little").hex()
    s = b >> 256
    ingestion_ms = ctx.time_ms - 200 - (s & 0x7FF) % 1500
    first_ms = ingestion_ms - 50 - (s >> 11 & 0x7FF) % 2000
    n, r = _NOUNS, _ROLES
    data = (
        f'{{"messageType":"DATA_MESSAGE","owner":"{ctx.account_id}","logGroup":"/aws/lambda/'
        f"{NOUNS[(s >> 22 & 0xFF) % n]}-{NOUNS[(s >> 30 & 0xFF) % n]}-{ROLES[(s >> 38 & 0xFF) % r]}"
        f'","logStream":"{date_path(first_ms // 86_400_000)}/[$LATEST]{h[:32]}",'
        f'"subscriptionFilters":["LambdaStream_{NOUNS[(s >> 46 & 0xFF) % n]}-log-'
        f'{ROLES[(s >> 54 & 0xFF) % r]}"],"logEvents":[{{"id":"'
        # event_id(first_ms, ingestion_ms, stream bits, 0)
        f"{str(first_ms << 144 | ingestion_ms << 80 | (s >> 64) << 16).zfill(56)}"
        f'","timestamp":{first_ms},"message":"START RequestId: {h[32:40]}-{h[40:44]}-4{h[45:48]}-'
        f'{"89ab"[s >> 62 & 3]}{h[49:52]}-{h[52:64]} Version: $LATEST\\n"}}]}}'
    ).encode()
    size = len(data)  # under STORED_MAX_BYTES: one stored deflate block, as _encode writes it
    raw = b"".join((
        _STORED_HEADER, (size | (size ^ 0xFFFF) << 16).to_bytes(4, "little"), data,
        (_crc32(data) | size << 32).to_bytes(8, "little"),
    ))  # fmt: skip
    return {"awslogs": {"data": _b2a(raw, newline=False).decode()}}


def build_cloudwatch_logs(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A subscription delivery: DATA_MESSAGE log events, or the CONTROL_MESSAGE check."""
    if o.is_default:
        return _default_event(ctx)
    if o.message_type == "CONTROL_MESSAGE":
        text = json.dumps(_control_payload(ctx, o), separators=(",", ":"))
    else:
        text = _data_payload(ctx, o)
    return {"awslogs": {"data": _encode(text)}}


SOURCES = (
    EventSource(
        id="cloudwatch_logs",
        service="Amazon CloudWatch Logs",
        invocation="async",
        builder=build_cloudwatch_logs,
        max_count=MAX_EVENTS,
        description="CloudWatch Logs subscription filter delivery (awslogs.data, gzip + base64)",
        options=(
            Option("messages", list, "one log event message each (sets count)", item_type=str),
            Option("log_group", str, "logGroup, e.g. '/aws/lambda/my-function'"),
            Option("log_stream", str, "logStream, e.g. '2025/03/01/[$LATEST]<32 hex>'"),
            Option("subscription_filter", str, "the subscription filter name"),
            Option(
                "message_type",
                str,
                "DATA_MESSAGE, or the CONTROL_MESSAGE health check",
                "DATA_MESSAGE",
                choices=MESSAGE_TYPES,
            ),
            Option(
                "policy_level",
                str,
                "policyLevel, sent for account-level subscription policies",
                choices=POLICY_LEVELS,
            ),
        ),
    ),
)
