"""Amazon Data Firehose (Kinesis Data Firehose) data transformation: the buffered batch Firehose
hands to a transformation function, from Direct PUT or from a Kinesis data stream (shapes.md 26)."""

from __future__ import annotations

import binascii
import re
from typing import Any

from .. import aws
from ..aws import Draws, uuid4_from_bits
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_json_from, is_user_record
from ..registry import EventSource, Option, Options

# Firehose caps a transformation batch by bytes, not records: the Lambda buffer hint is at most
# 3 MB and a synchronous invocation at most 6 MB. 10,000 records is this builder's own cap.
MAX_BATCH = 10_000
MAX_INVOKE_BYTES = 6 * 1024 * 1024
MAX_RECORD_BYTES = 1000 * 1024  # PutRecord: a data blob of up to 1,000 KiB
MAX_BUFFER_S = 900  # Lambda buffering interval hint: 0 to 900 seconds
_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,64}$")
_STREAM = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")
_SEQUENCE_BASE = 49_500_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000
_SEQUENCE_STEP = 4.7e21  # gap between neighbouring records of one shard
_MASK_142 = (1 << 142) - 1
_MASK_256 = (1 << 256) - 1
_MASK_272 = (1 << 272) - 1
_POOL_RECORDS = 4
_b2a_base64 = binascii.b2a_base64


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _given_payloads(ctx: BuildContext, o: Options) -> list[bytes] | None:
    """The records' decoded data as given in ``data`` (None: draw them)."""
    count: int | None = o.count
    if o.data is None:
        return None
    if count is not None and count != len(o.data):
        ctx.fail("count", f"count={count} but {len(o.data)} data items were given")
    if not o.data:
        ctx.fail("data", f"a Firehose batch holds 1 to {MAX_BATCH:,} records, not 0")
    if len(o.data) > MAX_BATCH:
        ctx.fail("data", f"{len(o.data):,} records; this builder sends at most {MAX_BATCH:,}")
    payloads = [_as_bytes(item) for item in o.data]
    for index, payload in enumerate(payloads):
        if len(payload) > MAX_RECORD_BYTES:
            ctx.fail("data", f"data[{index}] has {len(payload):,} bytes; a record holds at "
                     f"most {MAX_RECORD_BYTES:,} (1,000 KiB)")  # fmt: skip
    return payloads


def _delivery_stream(ctx: BuildContext, o: Options, bits: int) -> str:
    """The Firehose stream's name: given (checked), or drawn from 24 bits (valid by
    construction)."""
    name: str | None = o.delivery_stream
    if name is None:
        noun, role = NOUNS[(bits & 255) % len(NOUNS)], ROLES[(bits >> 16 & 255) % len(ROLES)]
        return f"{noun}-{NOUNS[(bits >> 8 & 255) % len(NOUNS)]}-{role}-firehose"
    if not _NAME.match(name):
        ctx.fail("delivery_stream", f"{name!r} is not a Firehose stream name: 1-64 letters, "
                 "digits, '_', '.' or '-'")  # fmt: skip
    return name


def _source_stream(ctx: BuildContext, o: Options, bits: int) -> str | None:
    """The source Kinesis stream name (None for Direct PUT), drawn from 16 bits for True."""
    source: str | bool | None = o.source_stream
    if source is None or source is False:
        return None
    if not isinstance(source, str):
        return f"{_noun(bits)}-{_noun(bits >> 8)}-stream"
    if not _STREAM.match(source):
        ctx.fail("source_stream", f"{source!r} is not a Kinesis stream name: 1-128 letters, "
                 "digits, '_', '.' or '-'")  # fmt: skip
    return source


def _noun(bits: int) -> str:
    return NOUNS[(bits & 255) % len(NOUNS)]


def _record_bits(ctx: BuildContext, count: int) -> list[int]:
    """272 random bits per record (a drawn body's 256, then its arrival's 16) for a batch too
    large for the context's pool: from the seeded Random, whose draws cost a tenth as much."""
    draw = ctx.rng.getrandbits
    return [draw(272) for _ in range(count)]


def _arrivals(start: int, span: int, per_record: list[int]) -> list[int]:
    """Non-decreasing arrival times (epoch ms) in ``span`` ms from ``start``: each record's
    from the 16 top bits of its 272."""
    return sorted(start + ((x >> 256) * span >> 16) for x in per_record)


def _kinesis_metadata(rng: Draws, arrivals: list[int]) -> list[dict[str, Any]]:
    """``kinesisRecordMetadata`` per record: 1-4 shards, each with growing sequence numbers;
    a record reached the stream before Firehose read it from there."""
    shards = 1 + int(rng.random() * 4)
    first_shard = int(rng.random() * 8)
    sequences = [_SEQUENCE_BASE + rng.getrandbits(150) for _ in range(shards)]
    in_stream = [0] * shards  # last arrival in each shard: non-decreasing, like the sequence
    metadata = []
    for arrival in arrivals:
        shard = int(rng.random() * shards)
        sequences[shard] += 1 + int(rng.random() * _SEQUENCE_STEP)
        in_stream[shard] = max(in_stream[shard], arrival - int(rng.random() * 1500))
        metadata.append({
            "shardId": f"shardId-{first_shard + shard:012d}",
            "partitionKey": aws.uuid4_from(rng.randbytes(16)),
            "approximateArrivalTimestamp": in_stream[shard],
            "sequenceNumber": str(sequences[shard]),
            "subsequenceNumber": 0,
        })  # fmt: skip
    return metadata


def _check_size(ctx: BuildContext, records: list[dict[str, Any]]) -> None:
    # every record adds ~150 bytes of keys and ids to its base64 data; exact enough for 6 MB
    size = sum(len(r["data"]) + 150 for r in records) + 300
    if size > MAX_INVOKE_BYTES:
        ctx.fail(
            "count",
            f"{len(records):,} records make a ~{size:,}-byte invocation; Firehose invokes "
            f"Lambda synchronously with at most {MAX_INVOKE_BYTES:,} bytes (6 MB)",
        )


# A one-record batch's draw: the batch's 334 bits (see ``build_firehose``), its body's 128 and
# its arrival's 16: the pool's whole first block. The documents use fewer than 128 bits
# (``business_json_from``) but for a user's UUID: that comes from the high half of the body's
# bits times a fixed odd number (mixing every bit into it), as drawing 128 more bits would
# cost a refill of the pool, more than the rest of the build.
_ONE_RECORD_BITS = 478
_MIX_128 = 0x9E3779B97F4A7C15F39CC0605CEDC835  # the golden ratio's first 128 bits, made odd
_MASK_128 = (1 << 128) - 1


def _with_uuid_bits(body: int) -> int:
    """A user document's 128 bits with 128 more above them for its UUID (see
    ``_ONE_RECORD_BITS``), mixed from its own."""
    return body | (body * _MIX_128 >> 128) << 128


def _default_firehose(ctx: BuildContext) -> dict[str, Any]:
    """The default batch (one Direct PUT record, no overrides) written at once: the general
    path's values from the same draw, without its checks of options that were not given (each
    small value masked out of the draw first: shifts of a small int cost less)."""
    b = ctx.getrandbits(_ONE_RECORD_BITS)
    body = b >> 334 & _MASK_128
    if is_user_record(body):  # a user document: its UUID's bits (as ``_with_uuid_bits``)
        body |= (body * _MIX_128 >> 128) << 128
    # the arrival: within the default 60 s buffering interval, up to 200 ms before the call
    w = b >> 310 & 0xFFFFFF
    end = ctx.time_ms - 1 - ((w & 255) * 200 >> 8)
    span = ((w >> 8) * 60_000 >> 16) + 1
    n = b >> 270 & 0xFFFFFF  # the stream's name, as ``_delivery_stream``
    region = ctx.region
    arn = (
        f"arn:{ctx.partition}:firehose:{region}:{ctx.account_id}:deliverystream/"
        f"{NOUNS[(n & 255) % 20]}-{NOUNS[(n >> 8 & 255) % 20]}-{ROLES[(n >> 16) % 9]}-firehose"
    )
    return {
        "invocationId": uuid4_from_bits(b),
        "deliveryStreamArn": arn,
        "region": region,
        "records": [{
            "recordId": f"{_SEQUENCE_BASE + (b >> 128 & _MASK_142)}000000",
            "approximateArrivalTimestamp": end - span + 1 + ((b >> 462) * span >> 16),
            "data": _b2a_base64((business_json_from(body) + "\n").encode(), newline=False).decode(),
        }],
    }  # fmt: skip


def build_firehose(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A transformation batch: base64 data, unique record ids, arrival times in order."""
    if o.is_default:
        return _default_firehose(ctx)
    payloads = None if o.data is None else _given_payloads(ctx, o)
    count: int = (o.count or 1) if payloads is None else len(payloads)
    # one draw for the batch: the invocation id (128 bits), the first record id (142), the
    # names (40) and the arrival window (24); a few records' 272 bits each come with it (the
    # context's pool), a larger batch's from the seeded Random
    if count == 1:  # as the default event's (``_default_firehose``)
        b = ctx.getrandbits(_ONE_RECORD_BITS)
        body = b >> 334 & _MASK_128
        if payloads is None and is_user_record(body):
            body = _with_uuid_bits(body)
        per_record = [body | b >> 462 << 256]
    elif count <= _POOL_RECORDS:
        b = ctx.getrandbits(334 + 272 * count)
        rest = b >> 334
        per_record = [rest] if count == 1 else [rest >> 272 * i & _MASK_272 for i in range(count)]
    else:
        b = ctx.getrandbits(334)
        per_record = _record_bits(ctx, count)
    # arrivals: within the buffering interval, up to 200 ms before Firehose invoked
    window_ms = (o.buffer_interval if o.buffer_interval is not None else 60) * 1000
    end = ctx.time_ms - 1 - ((b >> 310 & 255) * 200 >> 8)
    start = end - ((b >> 318 & 0xFFFF) * window_ms >> 16)
    if count == 1:
        arrivals = [start + ((per_record[0] >> 256) * (end - start + 1) >> 16)]
    else:
        arrivals = _arrivals(start, end - start + 1, per_record)
    stream = _source_stream(ctx, o, b >> 294)
    metadata = None
    if stream is not None:
        metadata = _kinesis_metadata(ctx if count <= _POOL_RECORDS else ctx.rng, arrivals)
    # a record id is a 56-digit sequence number and 6 digits (the subsequence, 0 here)
    base = _SEQUENCE_BASE + (b >> 128 & _MASK_142)
    records = []
    for i, x in enumerate(per_record):
        # drawn documents are a few hundred bytes: far below the record and invocation limits
        if payloads is None:
            payload = (business_json_from(x & _MASK_256) + "\n").encode()
        else:
            payload = payloads[i]
        record: dict[str, Any] = {
            "recordId": f"{metadata[i]['sequenceNumber'] if metadata else base + i * 65_536}000000",
            "approximateArrivalTimestamp": arrivals[i],
            "data": binascii.b2a_base64(payload, newline=False).decode(),
        }
        if metadata:
            record["kinesisRecordMetadata"] = metadata[i]
        records.append(record)
    if o.data is not None:  # drawn documents cannot reach the limit (see above)
        _check_size(ctx, records)
    arn = f"arn:{ctx.partition}:firehose:{ctx.region}:{ctx.account_id}:deliverystream/"
    event: dict[str, Any] = {"invocationId": o.invocation_id or uuid4_from_bits(b)}
    if stream is not None:
        event["sourceKinesisStreamArn"] = ctx.arn("kinesis", f"stream/{stream}")
    event["deliveryStreamArn"] = arn + _delivery_stream(ctx, o, b >> 270)
    event["region"] = ctx.region
    event["records"] = records
    return event


SOURCES = (
    EventSource(
        id="firehose",
        service="Amazon Data Firehose",
        invocation="sync",
        builder=build_firehose,
        max_count=MAX_BATCH,
        description="Firehose data transformation batch (Direct PUT or Kinesis stream source)",
        options=(
            Option(
                "data",
                list,
                "one record's data per item, str or bytes (sets count)",
                item_type=(str, bytes),
            ),
            Option("delivery_stream", str, "the Firehose stream name (deliveryStreamArn)"),
            Option(
                "source_stream",
                (str, bool),
                "a Kinesis data stream source: its name, or True for a drawn one "
                "(adds sourceKinesisStreamArn and kinesisRecordMetadata)",
            ),
            Option("invocation_id", str, "invocationId (a UUID)"),
            Option(
                "buffer_interval",
                int,
                "Lambda buffering interval hint in seconds: how far back arrivals go",
                minimum=0,
                maximum=MAX_BUFFER_S,
            ),
        ),
    ),
)
