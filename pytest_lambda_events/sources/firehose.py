"""Amazon Data Firehose (Kinesis Data Firehose) data transformation: the buffered batch Firehose
hands to a transformation function, from Direct PUT or from a Kinesis data stream (shapes.md 26)."""

from __future__ import annotations

import binascii
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms

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


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _payloads(ctx: BuildContext, o: Options) -> list[bytes]:
    """The records' decoded data: ``data`` as given, or newline-terminated JSON documents."""
    count: int | None = o.count
    if o.data is not None:
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
    # drawn documents are a few hundred bytes: far below the record and invocation limits
    rng = ctx.rng
    return [(business_json(rng) + "\n").encode() for _ in range(count or 1)]


def _names(ctx: BuildContext, o: Options) -> tuple[str, str | None]:
    """The delivery stream name, and the source Kinesis stream name (None for Direct PUT)."""
    bits = ctx.rng.getrandbits(72)  # drawn names are valid by construction: no check needed
    name: str | None = o.delivery_stream
    if name is None:
        role = ROLES[(bits >> 32 & 255) % len(ROLES)]
        name = f"{_noun(bits)}-{_noun(bits >> 16)}-{role}-firehose"
    elif not _NAME.match(name):
        ctx.fail("delivery_stream", f"{name!r} is not a Firehose stream name: 1-64 letters, "
                 "digits, '_', '.' or '-'")  # fmt: skip
    source: str | bool | None = o.source_stream
    if source is None or source is False:
        return name, None
    if not isinstance(source, str):
        return name, f"{_noun(bits >> 40)}-{_noun(bits >> 56)}-stream"
    if not _STREAM.match(source):
        ctx.fail("source_stream", f"{source!r} is not a Kinesis stream name: 1-128 letters, "
                 "digits, '_', '.' or '-'")  # fmt: skip
    return name, source


def _noun(bits: int) -> str:
    return NOUNS[(bits & 0xFFFF) % len(NOUNS)]


def _arrivals(ctx: BuildContext, o: Options, count: int) -> list[int]:
    """Non-decreasing arrival times (epoch ms) within the buffering interval before now."""
    rng = ctx.rng
    window_ms = (o.buffer_interval if o.buffer_interval is not None else 60) * 1000
    end = epoch_ms(ctx.time) - 1 - int(rng.random() * 200)
    start = end - int(rng.random() * window_ms)
    return sorted(start + int(rng.random() * (end - start + 1)) for _ in range(count))


def _kinesis_metadata(ctx: BuildContext, arrivals: list[int]) -> list[dict[str, Any]]:
    """``kinesisRecordMetadata`` per record: 1-4 shards, each with growing sequence numbers;
    a record reached the stream before Firehose read it from there."""
    rng = ctx.rng
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


def build_firehose(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A transformation batch: base64 data, unique record ids, arrival times in order."""
    payloads = _payloads(ctx, o)
    name, stream = _names(ctx, o)
    rng = ctx.rng
    arrivals = _arrivals(ctx, o, len(payloads))
    metadata = _kinesis_metadata(ctx, arrivals) if stream is not None else None
    # a record id is a 56-digit sequence number and 6 digits (the subsequence, 0 here)
    base = _SEQUENCE_BASE + rng.getrandbits(150)
    records = []
    for i, payload in enumerate(payloads):
        sequence = metadata[i]["sequenceNumber"] if metadata else str(base + i * 65_536)
        record: dict[str, Any] = {
            "recordId": f"{sequence}000000",
            "approximateArrivalTimestamp": arrivals[i],
            "data": binascii.b2a_base64(payload, newline=False).decode(),
        }
        if metadata:
            record["kinesisRecordMetadata"] = metadata[i]
        records.append(record)
    if o.data is not None:  # drawn documents cannot reach the limit (see _payloads)
        _check_size(ctx, records)
    event: dict[str, Any] = {"invocationId": o.invocation_id or ctx.uuid()}
    if stream is not None:
        event["sourceKinesisStreamArn"] = ctx.arn("kinesis", f"stream/{stream}")
    event["deliveryStreamArn"] = ctx.arn("firehose", f"deliverystream/{name}")
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
