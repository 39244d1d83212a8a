"""CloudWatch Logs subscription filters: ``awslogs.data`` = base64(gzip(JSON)) (shapes.md 10)."""

from __future__ import annotations

import base64
import binascii
import json
import re
import struct
import time
import zlib
from collections.abc import Mapping
from datetime import UTC, datetime
from json.encoder import encode_basestring as _quote  # C: json.dumps's escaping, non-ASCII kept
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, WORDS, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms, iso_z

MAX_EVENTS = 10_000  # log events in one PutLogEvents batch, forwarded as one payload
MAX_MESSAGE_BYTES = 256 * 1024
MESSAGE_TYPES = ("DATA_MESSAGE", "CONTROL_MESSAGE")
POLICY_LEVELS = ("ACCOUNT_LEVEL_POLICY", "LOG_GROUP_LEVEL_POLICY")
# The destination health check CloudWatch Logs sends (documented wording for Kinesis; the
# destination noun for Lambda is our assumption).
CONTROL_TEXT = "CWL CONTROL MESSAGE: Checking health of destination Lambda function."
# What CloudWatch Logs' Java gzip writer emits: no file name, mtime 0, OS byte 0.
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x00"
_LOG_GROUP = re.compile(r"^[A-Za-z0-9_./#-]{1,512}$")
_NO_COLON_STAR = re.compile(r"^[^:*]{1,512}$")
_LEVELS = ("INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR")


def gzip_bytes(data: bytes) -> bytes:
    """gzip ``data`` with a fixed header, so that the same seed gives the same bytes.

    The window and the hash table are sized to the data: zlib's default state (32 KiB window,
    64 KiB hash table cleared on every call) costs several times the compression of a small
    payload, and a window at least as long as the data finds every match all the same."""
    bits = len(data).bit_length()
    compressor = zlib.compressobj(
        6, zlib.DEFLATED, -min(max(bits, 9), 15), min(max(bits - 6, 1), 8)
    )
    body = compressor.compress(data) + compressor.flush()
    return _GZIP_HEADER + body + struct.pack("<II", zlib.crc32(data), len(data) & 0xFFFFFFFF)


def encode_awslogs(payload: Mapping[str, Any]) -> str:
    """The ``awslogs.data`` text for a decoded payload (compact JSON, gzip, base64)."""
    return _encode(json.dumps(payload, separators=(",", ":"), ensure_ascii=False))


def _encode(text: str) -> str:
    return binascii.b2a_base64(gzip_bytes(text.encode()), newline=False).decode()


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


def _lambda_lines(ctx: BuildContext, stamps: list[int]) -> list[str]:
    """Log lines the way a Python Lambda function writes them: START/REPORT and app logs."""
    rng = ctx.rng
    r = rng.random
    lines: list[str] = []
    request = ""  # the first line starts a request
    second, prefix = -1, ""
    for i, ms in enumerate(stamps):
        kind = r()
        if i == 0 or kind < 0.08:
            request = ctx.uuid()
            lines.append(f"START RequestId: {request} Version: $LATEST\n")
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


def _filter_name(ctx: BuildContext) -> str:
    # The console names a Lambda subscription "LambdaStream_<destination function>".
    return f"LambdaStream_{aws.pick(ctx.rng, NOUNS)}-log-{aws.pick(ctx.rng, ROLES)}"


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


def _messages(ctx: BuildContext, o: Options, stamps: list[int]) -> list[str]:
    messages: list[str] | None = o.messages
    if messages is None:
        return _lambda_lines(ctx, stamps)
    for i, message in enumerate(messages):
        if not message or len(message.encode()) > MAX_MESSAGE_BYTES:
            ctx.fail(f"messages[{i}]", "log event messages are 1 byte to 256 KiB")
    return messages


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
        "logEvents": [{"id": "", "timestamp": epoch_ms(ctx.time), "message": CONTROL_TEXT}],
    }


def _data_payload(ctx: BuildContext, o: Options) -> str:
    """The DATA_MESSAGE payload as compact JSON text, written directly (every string escaped as
    ``json.dumps`` would): the dict and the encoder cost more than the text."""
    rng = ctx.rng
    _check_names(ctx, o)
    count = _count(ctx, o)
    sent_ms = epoch_ms(ctx.time)
    # Events were logged over the last moments, ingested together, then forwarded.
    ingestion_ms = sent_ms - 200 - int(rng.random() * 1500)
    first_ms = ingestion_ms - 50 - count // 4 - int(rng.random() * 2000)
    span = ingestion_ms - first_ms
    stamps = [first_ms + i * span // count for i in range(count)]  # non-decreasing
    messages = _messages(ctx, o, stamps)
    function = aws.resource_name(rng, NOUNS) + "-" + aws.pick(rng, ROLES)
    group = o.log_group or f"/aws/lambda/{function}"
    day = time.gmtime(first_ms // 1000)  # the stream is named for the day of its first event
    stream = o.log_stream or (
        f"{day.tm_year}/{day.tm_mon:02d}/{day.tm_mday:02d}/[$LATEST]{ctx.hex(32)}"
    )
    stream_bits = rng.getrandbits(64)
    events = ",".join([
        f'{{"id":"{event_id(ts, ingestion_ms, stream_bits, i)}","timestamp":{ts},'
        f'"message":{_quote(message)}}}'
        for i, (ts, message) in enumerate(zip(stamps, messages, strict=True))
    ])  # fmt: skip
    subscription = o.subscription_filter or _filter_name(ctx)
    policy = "" if o.policy_level is None else f',"policyLevel":"{o.policy_level}"'
    return (
        f'{{"messageType":"DATA_MESSAGE","owner":{_quote(ctx.account_id)},'
        f'"logGroup":{_quote(group)},"logStream":{_quote(stream)},'
        f'"subscriptionFilters":[{_quote(subscription)}],"logEvents":[{events}]{policy}}}'
    )


def build_cloudwatch_logs(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A subscription delivery: DATA_MESSAGE log events, or the CONTROL_MESSAGE check."""
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
