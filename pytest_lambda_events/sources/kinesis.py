"""Amazon Kinesis Data Streams: the batch a Kinesis event source mapping sends, all records
from one shard (reference/shapes.md 3, semantics.md 5.2 and 5.8)."""

from __future__ import annotations

import binascii
import json
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_json_from
from ..registry import EventSource, Option, Options
from ._streams import (
    ARRIVAL_BITS,
    WINDOW_OPTIONS,
    arrival_times_ms,
    tumbling_window,
    window_fields,
)

MAX_BATCH = 10_000  # BatchSize maximum (semantics.md 5.1)
MAX_RECORD_BYTES = 1024 * 1024  # data blob plus partition key
MAX_PARTITION_KEY = 256
MAX_SHARD = 999_999_999_999
_STREAM_NAME = re.compile(r"^[a-zA-Z0-9_.-]{1,128}$")
_SHARD_ID = re.compile(r"^shardId-\d{12}$")
_SEQUENCE = re.compile(r"^(0|[1-9]\d{0,128})$")
_ROLE_ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role/[\w+=,.@/-]{1,512}$")
_SEQUENCE_STEP = 4.7e21  # gaps seen between neighbouring records of one shard
_FIRST_SEQUENCE = 49_500_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000
_STREAM_SUFFIXES = ("stream", "events", "ingest", "feed", "firehose-src", "cdc")
_KEY_STYLES = ("uuid", "customer", "device", "tenant")
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)


def _count(ctx: BuildContext, o: Options) -> int:
    count: int | None = o.count
    if o.data is None and o.partition_keys is None:
        return count or 1
    for name in ("data", "partition_keys"):
        values = getattr(o, name)
        if values is None:
            continue
        if not values:
            ctx.fail(name, "a Kinesis event holds 1 to 10,000 records, not 0")
        if count is not None and count != len(values):
            what = "count" if o.given("count") else "data"
            ctx.fail(name, f"{len(values)} given, but {what} says {count} records; make them agree")
        count = len(values)
        if count > MAX_BATCH:
            ctx.fail(name, f"{count:,} records; a Kinesis batch holds at most 10,000")
    return count or 1


_MASK_64 = (1 << 64) - 1
_MASK_128 = (1 << 128) - 1
_MASK_256 = (1 << 256) - 1
# the batch's own values, sliced from one draw: key style 2 bits, key entities 3, shard 2,
# stream name 16, role 8 + 64, first sequence number 80
_BATCH_BITS = 175
# a one-record batch's record, drawn with them (within the context's first block): its payload
# (256 bits, the high half only used by user records: a uuid key takes it, so a user's
# record is keyed by its userId as producers do), then its arrival
_RECORD_BITS = 256 + ARRIVAL_BITS
_SHARDS = tuple(f"shardId-{i:012d}" for i in range(4))


def _payloads(
    ctx: BuildContext, o: Options, count: int, keys: list[str], one: int | None
) -> list[str]:
    """The base64 ``data`` of each record; a caller's payload and its partition key must fit
    in Kinesis's 1 MiB record."""
    if o.data is not None and o.payload is not None:
        ctx.fail("payload", "pass either payload (one for every record) or data (one per record)")
    if o.data is None and o.payload is None:
        b64 = binascii.b2a_base64
        if one is not None:
            return [b64(business_json_from(one & _MASK_256).encode(), newline=False).decode()]
        g = ctx.rng.getrandbits
        return [
            b64(business_json_from(g(256)).encode(), newline=False).decode() for _ in range(count)
        ]
    raw = [_as_bytes(v) for v in o.data] if o.data is not None else [_as_bytes(o.payload)] * count
    for index, (blob, key) in enumerate(zip(raw, keys, strict=True)):
        size = len(blob) + len(key.encode())
        if size > MAX_RECORD_BYTES:
            name = "payload" if o.data is None else f"data[{index}]"
            ctx.fail(name, f"{size:,} bytes with the partition key; a Kinesis record holds at "
                     "most 1 MiB (1,048,576 bytes)")  # fmt: skip
    if o.data is None:
        return [_b64(raw[0])] * count
    return [_b64(blob) for blob in raw]


def _b64(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).decode()


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode()
    return json.dumps(value, separators=(",", ":")).encode()


def _partition_keys(
    ctx: BuildContext, o: Options, count: int, b: int, one: int | None
) -> list[str]:
    if o.partition_key is not None and o.partition_keys is not None:
        ctx.fail("partition_key", "pass either partition_key (every record) or partition_keys")
    if o.partition_keys is not None or o.partition_key is not None:
        keys = o.partition_keys or [o.partition_key] * count
        for key in keys:
            if not 1 <= len(key) <= MAX_PARTITION_KEY:
                name = "partition_key" if o.partition_keys is None else "partition_keys"
                ctx.fail(name, f"{key[:40]!r} has {len(key)} characters; AWS allows 1 to 256")
        return list(keys)
    style = _KEY_STYLES[b & 3]
    if one is not None:
        if style == "uuid":
            return [aws.uuid4_from((one >> 128 & _MASK_128).to_bytes(16, "little"))]
        return [_entity_key(one >> 224 & 0xFFFFFFFF, style)]
    rng = ctx.rng
    if style == "uuid":  # producers that spread load with a random key per record
        return aws.uuid4s(rng, count)
    # a few entities (up to 8) write the batch's records
    g = rng.getrandbits
    pool = [_entity_key(g(32), style) for _ in range(min(count, 1 + (b >> 2 & 7)))]
    r, n = rng.random, len(pool)
    return [pool[int(r() * n)] for _ in range(count)]


def _entity_key(b: int, style: str) -> str:
    if style == "device":
        return f"device-{b % 10_000:04d}"
    return f"{style}-{b:08x}"


def _shard_id(ctx: BuildContext, o: Options, b: int) -> str:
    shard = o.shard_id
    if shard is None:
        return _SHARDS[b >> 5 & 3]
    if isinstance(shard, int):
        return f"shardId-{shard:012d}"
    if not _SHARD_ID.match(shard):
        ctx.fail("shard_id", f"{shard!r} is not a shard id; use an int or 'shardId-' + 12 digits")
    return str(shard)


def _stream_name(ctx: BuildContext, o: Options, b: int) -> str:
    if o.stream_name is None:
        return f"{NOUNS[(b >> 7 & 0xFF) % len(NOUNS)]}-{_STREAM_SUFFIXES[(b >> 15 & 0xFF) % 6]}"
    if not _STREAM_NAME.match(o.stream_name):
        ctx.fail(
            "stream_name", f"{o.stream_name!r}: stream names are 1 to 128 of a-z A-Z 0-9 _ . -"
        )
    return str(o.stream_name)


def _role_arn(ctx: BuildContext, o: Options, stream: str, b: int) -> str:
    if o.invoke_identity_arn is None:
        return _drawn_role_arn(ctx, stream, b)
    match = _ROLE_ARN.match(o.invoke_identity_arn)
    if match is None:
        ctx.fail(
            "invoke_identity_arn",
            f"{o.invoke_identity_arn!r} is not an IAM role ARN "
            "like arn:aws:iam::123456789012:role/name",
        )
    if match.group(1) != ctx.partition or match.group(2) != ctx.account_id:
        ctx.fail(
            "invoke_identity_arn",
            f"the execution role must be in partition "
            f"{ctx.partition!r} and account {ctx.account_id} (set region/account_id to move)",
        )
    return str(o.invoke_identity_arn)


def _drawn_role_arn(ctx: BuildContext, stream: str, b: int) -> str:
    """The consumer function's role, named as the console does, from bits 23-94."""
    suffix = (b >> 31 & _MASK_64).to_bytes(8, "little").translate(_LOWER_DIGITS).decode()
    name = f"{stream.split('-')[0][:32]}-{ROLES[(b >> 23 & 0xFF) % len(ROLES)]}-role-{suffix}"
    return f"arn:{ctx.partition}:iam::{ctx.account_id}:role/{name}"


def _first_sequence(ctx: BuildContext, o: Options, b: int, arrival_ms: int) -> int:
    if o.sequence_number is None:  # 56 digits that grow with the arrival time, as AWS's do
        return _FIRST_SEQUENCE + arrival_ms * 10**24 + (b >> 95) % 10**24
    if not _SEQUENCE.match(o.sequence_number):
        ctx.fail(
            "sequence_number",
            f"{o.sequence_number!r}: sequence numbers are 1 to 129 digits without leading zeros",
        )
    return int(o.sequence_number)


def kinesis_record(
    *,
    partition_key: str,
    sequence_number: str,
    data: str,
    arrival_s: float,
    shard_id: str,
    role_arn: str,
    region: str,
    stream_arn: str,
    encrypted: bool = False,
) -> dict[str, Any]:
    """One record of a Kinesis batch from explicit values (``data`` is base64 already); the
    builder and the harness's event source mapping both make records with this."""
    payload: dict[str, Any] = {
        "kinesisSchemaVersion": "1.0",
        "partitionKey": partition_key,
        "sequenceNumber": sequence_number,
        "data": data,
        "approximateArrivalTimestamp": arrival_s,
    }
    if encrypted:
        payload["encryptionType"] = "KMS"
    return {
        "kinesis": payload,
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"{shard_id}:{sequence_number}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": role_arn,
        "awsRegion": region,
        "eventSourceARN": stream_arn,
    }


def build_kinesis(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_kinesis(ctx)
    count = _count(ctx, o)
    window = tumbling_window(ctx, o)
    # the default one-record batch draws everything at once from the context's pool; larger
    # batches draw per record from ctx.rng
    one: int | None = None
    if count == 1:
        b = ctx.getrandbits(_BATCH_BITS + _RECORD_BITS)
        one = b >> _BATCH_BITS
        b &= (1 << _BATCH_BITS) - 1
    else:
        b = ctx.getrandbits(_BATCH_BITS)
    keys = _partition_keys(ctx, o, count, b, one)
    payloads = _payloads(ctx, o, count, keys, one)
    shard_id = _shard_id(ctx, o, b)
    stream = _stream_name(ctx, o, b)
    stream_arn = f"arn:{ctx.partition}:kinesis:{ctx.region}:{ctx.account_id}:stream/{stream}"
    role_arn = _role_arn(ctx, o, stream, b)
    arrivals = arrival_times_ms(ctx, count, window, None if one is None else one >> 256)
    sequence = _first_sequence(ctx, o, b, arrivals[0])
    encrypted = o.encryption_type == "KMS"
    region = ctx.region
    records = []
    step = None if count == 1 else ctx.rng.random
    for data, key, arrival in zip(payloads, keys, arrivals, strict=True):
        records.append(kinesis_record(
            partition_key=key, sequence_number=str(sequence), data=data,
            arrival_s=arrival / 1000, shard_id=shard_id, role_arn=role_arn, region=region,
            stream_arn=stream_arn, encrypted=encrypted,
        ))  # fmt: skip
        if step is not None:
            sequence += 1 + int(step() * _SEQUENCE_STEP)
    event: dict[str, Any] = {"Records": records}
    if window is not None:
        event.update(window_fields(ctx, o, window, shard_id, stream_arn))
    return event


def _default_kinesis(ctx: BuildContext) -> dict[str, Any]:
    """``build_kinesis`` without options: one record, from the same bits in the same places,
    written directly (the option checks cost more than the record; tests/sources/
    test_kinesis.py checks that both paths agree)."""
    b = ctx.getrandbits(_BATCH_BITS + _RECORD_BITS)
    one, b = b >> _BATCH_BITS, b & (1 << _BATCH_BITS) - 1
    style = _KEY_STYLES[b & 3]
    # a uuid key is the userId of a user record, as producers key them
    if style == "uuid":
        key = aws.uuid4_from_bits(one >> 128)
    else:
        key = _entity_key(one >> 224 & 0xFFFFFFFF, style)
    stream = f"{NOUNS[(b >> 7 & 0xFF) % len(NOUNS)]}-{_STREAM_SUFFIXES[(b >> 15 & 0xFF) % 6]}"
    arrival = arrival_times_ms(ctx, 1, None, one >> 256)[0]
    sequence = str(_FIRST_SEQUENCE + arrival * 10**24 + (b >> 95) % 10**24)
    record = kinesis_record(
        partition_key=key, sequence_number=sequence,
        data=binascii.b2a_base64(business_json_from(one & _MASK_256).encode(), newline=False)
        .decode(),
        arrival_s=arrival / 1000, shard_id=_SHARDS[b >> 5 & 3],
        role_arn=_drawn_role_arn(ctx, stream, b), region=ctx.region,
        stream_arn=f"arn:{ctx.partition}:kinesis:{ctx.region}:{ctx.account_id}:stream/{stream}",
    )  # fmt: skip
    return {"Records": [record]}


SOURCES = (
    EventSource(
        id="kinesis",
        service="Amazon Kinesis Data Streams",
        invocation="poll",
        builder=build_kinesis,
        max_count=MAX_BATCH,
        description="Kinesis Data Streams event source mapping batch (one shard)",
        options=(
            Option(
                "data",
                list,
                "one payload per record: bytes, str or a dict sent as JSON (sets count)",
                item_type=(bytes, str, dict),
            ),
            Option("payload", (bytes, str, dict), "the payload of every record (dict: JSON)"),
            Option("partition_key", str, "partitionKey of every record (1 to 256 characters)"),
            Option(
                "partition_keys", list, "one partitionKey per record (sets count)", item_type=str
            ),
            Option(
                "shard_id",
                (int, str),
                "the shard: 3 or 'shardId-000000000003'",
                minimum=0,
                maximum=MAX_SHARD,
            ),
            Option("stream_name", str, "stream name (eventSourceARN ends in stream/<name>)"),
            Option("sequence_number", str, "sequenceNumber of the first record; the next grow"),
            Option(
                "encryption_type",
                str,
                "KMS adds encryptionType to each record",
                "NONE",
                choices=("NONE", "KMS"),
            ),
            Option("invoke_identity_arn", str, "the mapping's execution role ARN"),
            *WINDOW_OPTIONS,
        ),
    ),
)
