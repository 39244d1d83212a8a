"""Apache Kafka: the batch a Kafka event source mapping sends, from Amazon MSK (``msk``) or a
self-managed cluster (``kafka``): records of one topic grouped by ``<topic>-<partition>``
(reference/shapes.md 27, semantics.md 6.1).

A default build (one record, no record options) takes a short path: its values come from two
draws of the context's pool, sliced, and strings are cut from tables and templates built once
(function calls and string operations are most of a small event's cost). Larger batches draw
per record from ``ctx.rng``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, NOUNS, ROLES, business_json, business_json_from
from ..registry import EventSource, Option, Options
from ._brokers import (
    MAX_BATCH,
    MEASURE_FROM,
    as_bytes,
    b64,
    check_batch_bytes,
    check_count,
    check_event_size,
    draws_for,
    java_bytes,
)

TIMESTAMP_TYPES = ("CREATE_TIME", "LOG_APPEND_TIME")
SCHEMA_FORMATS = ("AVRO", "JSON", "PROTOBUF")
MSK_PORTS = (9092, 9094, 9096, 9098)  # plaintext, TLS, SASL/SCRAM, IAM
_TOPIC = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")
_MSK_CLUSTER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,63}$")
_SERVER = re.compile(r"^[A-Za-z0-9.-]+:(\d{1,5})$")
_TOPIC_PARTITIONS = (1, 3, 6, 12, 24)
_TOPIC_SUFFIXES = ("events", "updates", "changes", "commands", "cdc", "v1")
_TOPICS = tuple(f"{noun}.{suffix}" for noun in NOUNS for suffix in _TOPIC_SUFFIXES)
_CLUSTERS = tuple(f"{noun}-{kind}" for noun in NOUNS for kind in ("cluster", "msk", "kafka"))
# the bootstrap string lists 2 or 3 brokers in no particular order: str.format templates
_MSK_BROKERS = tuple(
    ",".join(f"b-{i}.{{0}}" for i in order)
    for order in ((1, 2), (2, 1), (1, 2, 3), (2, 3, 1), (3, 1, 2))
)
_VPC_BROKERS = (  # {0}: second octet, {1}-{3}: last octets, {4}: port
    "10.{0}.0.{1}:{4},10.{0}.1.{2}:{4}",
    "10.{0}.0.{1}:{4},10.{0}.1.{2}:{4},10.{0}.2.{3}:{4}",
)
_NAMED_BROKERS = (
    "kafka-1.{0}:{1},kafka-2.{0}:{1}",
    "kafka-1.{0}:{1},kafka-2.{0}:{1},kafka-3.{0}:{1}",
)
_KEY_STYLES = ("uuid", "customer", "order", "device")
_TRACED_UP_TO = 1000
_APPS = tuple(f"{noun}-{role}" for noun in NOUNS[:8] for role in ROLES[:4])
_APP_BYTES = tuple(tuple(app.encode()) for app in _APPS)
_JSON_TYPE = tuple(java_bytes(b"application/json"))  # copied into a fresh list per record
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)
_BITS_128 = (1 << 128) - 1
_BITS_256 = (1 << 256) - 1


def _count(ctx: BuildContext, o: Options) -> int:
    if o.values is not None:
        return check_count(ctx, o.count, "values", len(o.values))
    return int(o.count or 1)


def _topic(ctx: BuildContext, o: Options, b: int) -> str:
    """The topic: as given, or ``<noun>.<suffix>`` from 16 bits ``b``."""
    if o.topic is None:
        return _TOPICS[b % len(_TOPICS)]
    if not _TOPIC.match(o.topic) or o.topic in (".", ".."):
        ctx.fail("topic", f"{o.topic!r} is not a Kafka topic: 1-249 letters, digits, '.', '_', '-'")
    return str(o.topic)


def _values(ctx: BuildContext, o: Options, count: int, d: aws.Draws) -> list[str | None]:
    """The base64 ``value`` of each record; None is a tombstone (a deleted key)."""
    if o.values is not None and o.value is not None:
        ctx.fail("value", "pass either value (every record) or values (one per record)")
    if o.values is None and o.value is None:
        return [b64(business_json(d).encode()) for _ in range(count)]
    raw = (
        [None if v is None else as_bytes(v) for v in o.values]
        if o.values is not None
        else ([as_bytes(o.value)] * count)
    )
    total = sum(len(v) for v in raw if v is not None)
    check_batch_bytes(ctx, "values" if o.values is not None else "value", total, count)
    if o.values is None:
        return [b64(raw[0] or b"")] * count
    return [None if v is None else b64(v) for v in raw]


def _keys(ctx: BuildContext, o: Options, count: int, d: aws.Draws, b: int) -> list[str | None]:
    """Record keys as text (None: no key), from 13 bits ``b`` and the draws of the keys. A
    producer keys all its records or none."""
    if o.given("key"):
        return [None if o.key is None else as_bytes(o.key).decode("latin-1")] * count
    if b & 127 < 19:  # about 15% of producers send no keys
        return [None] * count
    style = _KEY_STYLES[b >> 7 & 3]
    wanted = o.partitions if isinstance(o.partitions, int) else len(o.partitions or ())
    size = min(count, max(wanted, 2 + (b >> 9 & 15) % 12))  # a key per partition at least
    keys: list[str | None] = list(_entity_keys(d, style, size))
    if count > size:  # more records than keys: each key repeats, in a random order
        rng = ctx.rng
        r = rng.random
        keys += [keys[int(r() * size)] for _ in range(count - size)]
        rng.shuffle(keys)
    return keys


def _entity_keys(d: aws.Draws, style: str, size: int) -> list[str]:
    """``size`` distinct-looking keys of one style, from one draw."""
    if style == "uuid":
        raw = d.randbytes(16 * size)
        return [aws.uuid4_from(raw[i : i + 16]) for i in range(0, 16 * size, 16)]
    raw = d.randbytes(4 * size)
    numbers = [int.from_bytes(raw[i : i + 4], "little") for i in range(0, 4 * size, 4)]
    if style == "device":
        return [f"device-{n % 100_000:05d}" for n in numbers]
    return [f"{style}-{n:08x}" for n in numbers]


def _partition_numbers(
    ctx: BuildContext, o: Options, count: int, distinct_keys: int, d: aws.Draws, b: int
) -> list[int]:
    """The partitions the batch spans, sorted: as given, or drawn (13 bits ``b``) from a
    topic's partitions."""
    wanted = o.partitions
    if isinstance(wanted, list):
        if not wanted or any(p < 0 for p in wanted) or len(set(wanted)) != len(wanted):
            ctx.fail("partitions", f"{wanted!r}: give distinct partition numbers (0 or more)")
        numbers = sorted(wanted)
    else:
        k = wanted if wanted is not None else 1 + (b & 3) % min(count, 3)
        total = max(int(k), _TOPIC_PARTITIONS[(b >> 2 & 7) % len(_TOPIC_PARTITIONS)])
        numbers = _some_of(d, total, k, b >> 5 & 255)
    if len(numbers) > count:
        ctx.fail(
            "partitions",
            f"{len(numbers)} partitions need at least as many records; the batch has {count}",
        )
    if o.partitions is not None and len(numbers) > distinct_keys:
        ctx.fail(
            "partitions",
            f"{len(numbers)} partitions, but records with {distinct_keys} "
            "distinct key(s) land in at most that many: one key, one partition",
        )
    return numbers[: max(1, min(len(numbers), distinct_keys))]


def _some_of(d: aws.Draws, total: int, k: int, b: int) -> list[int]:
    """``k`` distinct partitions of ``total``, sorted (a batch spans only a few; ``total`` is
    at most 24 when ``k`` is less): one from 8 bits ``b``, more by a partial shuffle."""
    if k >= total:
        return list(range(total))
    if k == 1:
        return [b % total]
    pool = list(range(total))
    steps = d.randbytes(k)
    for i in range(k):
        j = i + steps[i] % (total - i)
        pool[i], pool[j] = pool[j], pool[i]
    return sorted(pool[:k])


def _assign(keys: list[str | None], numbers: list[int]) -> list[int]:
    """Each record's partition: a key always maps to the same partition (as Kafka's
    partitioner does); keyless records fill the partitions in runs (the sticky partitioner)."""
    if keys[0] is None:
        count, k = len(keys), len(numbers)
        return [numbers[i * k // count] for i in range(count)]
    of_key: dict[str | None, int] = {}
    for key in keys:
        if key not in of_key:
            of_key[key] = numbers[len(of_key) % len(numbers)]
    return [of_key[key] for key in keys]


def _first_offsets(o: Options, numbers: list[int], d: aws.Draws, b: int) -> dict[int, int]:
    """Where each partition's run starts: as given, or drawn (up to three from 69 bits ``b``)."""
    if o.offset is not None:
        return dict.fromkeys(numbers, o.offset)
    if len(numbers) <= 3:
        return {p: (b >> 23 * i & 0x7FFFFF) % 5_000_000 for i, p in enumerate(numbers)}
    r = d.random
    return {p: int(r() * 5e6) for p in numbers}


def _headers(ctx: BuildContext, o: Options) -> list[tuple[str, bytes]] | None:
    """The caller's headers for every record, or None to draw them per record."""
    given = o.headers
    if given is None:
        return None
    items = list(given.items()) if isinstance(given, dict) else []
    if isinstance(given, list):
        for header in given:
            if not isinstance(header, dict) or len(header) != 1:
                ctx.fail("headers", f"{header!r}: each list item is one {{name: value}} pair")
            items.extend(header.items())
    out = []
    for name, value in items:
        if not isinstance(name, str) or not isinstance(value, str | bytes):
            ctx.fail("headers", f"{name!r}: header names are str and values str or bytes")
        out.append((name, as_bytes(value)))
    return out


def _header_maker(
    ctx: BuildContext, o: Options, count: int, d: aws.Draws, b: int
) -> Callable[[int], list[dict[str, list[int]]]]:
    """A fresh headers list per record index: the caller's, or what a producer app adds (from
    7 bits ``b``: none, a content type, or also a W3C trace context and the app's name)."""
    given = _headers(ctx, o)
    if given is not None:
        fixed = [(n, java_bytes(v)) for n, v in given]
        return lambda _: [{n: list(v)} for n, v in fixed]
    # trace headers on small batches only: as byte arrays they would push a full one past 6 MB
    scheme = (b & 3) % (3 if count <= _TRACED_UP_TO else 2)
    if scheme == 0:
        return lambda _: []
    if scheme == 1:
        return lambda _: [{"content-type": list(_JSON_TYPE)}]
    source = java_bytes(_APPS[b >> 2 & 31].encode())
    ids = d.randbytes(24 * count).hex()  # a trace id and a parent span id per record

    def traced(i: int) -> list[dict[str, list[int]]]:
        at = 48 * i
        parent = f"00-{ids[at : at + 32]}-{ids[at + 32 : at + 48]}-01".encode()
        return [
            {"content-type": list(_JSON_TYPE)},
            {"traceparent": list(parent)},
            {"source": list(source)},
        ]

    return traced


def kafka_record(
    *,
    topic: str,
    partition: int,
    offset: int,
    timestamp_ms: int,
    timestamp_type: str,
    key: str | None,
    value: str | None,
    headers: list[dict[str, list[int]]],
) -> dict[str, Any]:
    """One record of a Kafka batch (shapes.md 27): ``key`` and ``value`` are base64 text (a
    record without a key has no ``key``; a None value is a tombstone), ``headers`` a list of
    ``{name: [signed byte ints]}``."""
    record: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "timestamp": timestamp_ms,
        "timestampType": timestamp_type,
    }
    if key is not None:
        record["key"] = key
    record["value"] = value
    record["headers"] = headers
    return record


def _records(
    ctx: BuildContext, o: Options, topic: str, count: int, b: int
) -> dict[str, list[dict[str, Any]]]:
    """The batch grouped by ``<topic>-<partition>``; ``b``: 128 bits of the event's draws."""
    if (
        count == 1
        and o.values is None
        and o.value is None
        and o.partitions is None
        and o.headers is None
        and not o.given("key")
    ):
        return _one_record(ctx, o, topic, b)
    d = draws_for(ctx, count)
    values = _values(ctx, o, count, d)
    keys = _keys(ctx, o, count, d, b)
    numbers = _partition_numbers(
        ctx, o, count, len(set(keys)) if keys[0] is not None else count, d, b >> 13
    )
    partitions = _assign(keys, numbers)
    headers = _header_maker(ctx, o, count, d, b >> 26)
    schema_format = o.schema_format
    schema_id = ctx.uuid() if schema_format else None
    timestamp_type = o.timestamp_type or TIMESTAMP_TYPES[b >> 33 & 1]
    next_offset = _first_offsets(o, numbers, d, b >> 34)
    # records were written over the last moments before the poller read them, in order
    newest = ctx.time_ms - 5 - (b >> 103 & 511) % 495
    stamp = newest - count * 3 - (b >> 112 & 2047) % 2000
    steps = d.randbytes(count)
    encoded: dict[str | None, str | None] = {None: None}  # a key's base64, once per key
    grouped: dict[str, list[dict[str, Any]]] = {f"{topic}-{p}": [] for p in numbers}
    for i, (value, key, partition) in enumerate(zip(values, keys, partitions, strict=True)):
        stamp = min(newest, stamp + steps[i] % 6)
        if key not in encoded:
            encoded[key] = b64(str(key).encode("latin-1"))
        record = kafka_record(
            topic=topic,
            partition=partition,
            offset=next_offset[partition],
            timestamp_ms=stamp,
            timestamp_type=timestamp_type,
            key=encoded[key],
            value=value,
            headers=headers(i),
        )
        next_offset[partition] += 1
        if schema_id is not None:
            record["valueSchemaMetadata"] = {"dataFormat": schema_format, "schemaId": schema_id}
        grouped[f"{topic}-{partition}"].append(record)
    return grouped


def _one_record(ctx: BuildContext, o: Options, topic: str, b: int) -> dict[str, list[Any]]:
    """The default batch of one record: what ``_records`` draws, from the 128 bits ``b`` and
    one more draw (the value, a uuid key, a trace context), in few calls."""
    keyed = b & 127 >= 19  # about 15% of producers send no keys
    style = b >> 7 & 3
    scheme = (b >> 20 & 15) % 3  # no headers, a content type, or also trace context and source
    uuid_key = keyed and style == 0
    x = ctx.getrandbits(256 + 128 * uuid_key + 192 * (scheme == 2))
    partition = (b >> 9 & 255) % _TOPIC_PARTITIONS[(b >> 17 & 7) % len(_TOPIC_PARTITIONS)]
    newest = ctx.time_ms - 5 - (b >> 53 & 511) % 495
    record: dict[str, Any] = {
        "topic": topic,
        "partition": partition,
        "offset": (b >> 30 & 0x7FFFFF) % 5_000_000 if o.offset is None else o.offset,
        "timestamp": newest - 3 - (b >> 62 & 2047) % 2000,
        "timestampType": o.timestamp_type or TIMESTAMP_TYPES[b >> 29 & 1],
    }
    if keyed:
        n = b >> 73 & 0xFFFFFFFF
        if uuid_key:
            key = aws.uuid4_from((x >> 256 & _BITS_128).to_bytes(16, "little"))
        elif style == 3:
            key = f"device-{n % 100_000:05d}"
        else:
            key = f"{_KEY_STYLES[style]}-{n:08x}"
        record["key"] = b64(key.encode())
    record["value"] = b64(business_json_from(x & _BITS_256).encode())
    if scheme == 0:
        record["headers"] = []
    elif scheme == 1:
        record["headers"] = [{"content-type": list(_JSON_TYPE)}]
    else:
        ids = x >> 256 + 128 * uuid_key  # a trace id and a parent span id
        record["headers"] = [
            {"content-type": list(_JSON_TYPE)},
            {"traceparent": list(b"00-%032x-%016x-01" % (ids >> 64, ids & 0xFFFFFFFFFFFFFFFF))},
            {"source": list(_APP_BYTES[b >> 24 & 31])},
        ]
    if o.schema_format:
        record["valueSchemaMetadata"] = {"dataFormat": o.schema_format, "schemaId": ctx.uuid()}
    return {f"{topic}-{partition}": [record]}


def _msk_cluster(ctx: BuildContext, o: Options, b: int) -> tuple[str, str]:
    """The cluster ARN and its bootstrap broker string (hosts name the cluster and region),
    from 208 bits ``b``: the cluster's uuid, its cell id, then choices."""
    c = b >> 176
    name = o.cluster_name or _CLUSTERS[(c & 255) % len(_CLUSTERS)]
    if o.cluster_name and not _MSK_CLUSTER.match(name):
        ctx.fail(
            "cluster_name",
            f"{name!r} is not an MSK cluster name: 1-64 letters, digits "
            "and '-', starting with a letter or digit",
        )
    uuid = aws.uuid4_from((b & _BITS_128).to_bytes(16, "little"))
    arn = (
        f"arn:{ctx.partition}:kafka:{ctx.region}:{ctx.account_id}:cluster/{name}/{uuid}"
        f"-{1 + (c >> 8 & 31) % 25}"
    )
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    cell = (b >> 128 & 0xFFFFFFFFFFFF).to_bytes(6, "little").translate(_LOWER_DIGITS).decode()
    port = o.port or MSK_PORTS[c >> 13 & 3]
    host = f"{name.lower()}.{cell}.c{1 + (c >> 15 & 3) % 3}.kafka.{ctx.region}.{suffix}:{port}"
    return arn, _MSK_BROKERS[(c >> 17 & 7) % len(_MSK_BROKERS)].format(host)


def _self_managed_servers(ctx: BuildContext, o: Options, b: int) -> str:
    """The brokers' ``host:port`` list: as given, or drawn from 64 bits ``b``."""
    if o.bootstrap_servers is not None:
        servers = str(o.bootstrap_servers).split(",")
        for server in servers:
            match = _SERVER.match(server)
            if match is None or not 1 <= int(match.group(1)) <= 65535:
                ctx.fail(
                    "bootstrap_servers",
                    f"{server!r} is not host:port; give a "
                    "comma-separated list such as 'kafka-1.example.com:9092'",
                )
        if o.port is not None:
            ctx.fail("port", "bootstrap_servers carry their ports already; pass one of them")
        return str(o.bootstrap_servers)
    port = o.port or 9092
    if b & 2:  # brokers in the VPC, by private address
        return _VPC_BROKERS[b & 1].format(
            b >> 2 & 255, 10 + (b >> 10) % 240, 10 + (b >> 18) % 240, 10 + (b >> 26) % 240, port
        )
    domain = f"{NOUNS[(b >> 2) % len(NOUNS)]}.{DOMAINS[(b >> 7) % len(DOMAINS)]}"
    return _NAMED_BROKERS[b & 1].format(domain, port)


def build_msk(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch from an Amazon MSK cluster."""
    count = _count(ctx, o)
    b = ctx.getrandbits(352)  # the cluster's 208 bits, the topic's 16, the batch's 128
    arn, servers = _msk_cluster(ctx, o, b)
    event = {
        "eventSource": "aws:kafka",
        "eventSourceArn": arn,
        "bootstrapServers": servers,
        "records": _records(ctx, o, _topic(ctx, o, b >> 208 & 0xFFFF), count, b >> 224),
    }
    if count >= MEASURE_FROM:
        check_event_size(ctx, event, count)
    return event


def build_kafka(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch from a self-managed Apache Kafka cluster (no ARN: Lambda knows its brokers)."""
    count = _count(ctx, o)
    b = ctx.getrandbits(208)  # the topic's 16 bits, the batch's 128, the brokers' 64
    event = {
        "eventSource": "SelfManagedKafka",
        "bootstrapServers": _self_managed_servers(ctx, o, b >> 144),
        "records": _records(ctx, o, _topic(ctx, o, b & 0xFFFF), count, b >> 16 & _BITS_128),
    }
    if count >= MEASURE_FROM:
        check_event_size(ctx, event, count)
    return event


_RECORD_OPTIONS = (
    Option("topic", str, "the topic (a mapping reads exactly one): 1-249 of [a-zA-Z0-9._-]"),
    Option(
        "partitions",
        (int, list),
        "how many partitions the batch spans, or their numbers",
        minimum=1,
        maximum=MAX_BATCH,
        item_type=int,
    ),
    Option("value", (bytes, str, dict), "the value of every record (dict: JSON)"),
    Option(
        "values",
        list,
        "one value per record: bytes, str, dict (JSON) or None for a tombstone (sets count)",
        item_type=(bytes, str, dict, type(None)),
    ),
    Option("key", (bytes, str), "the key of every record; key=None: records without a key"),
    Option(
        "headers",
        (dict, list),
        "headers of every record: {name: str|bytes} or a list of {name: value} (repeats allowed)",
    ),
    Option("timestamp_type", str, "timestampType of the topic", choices=TIMESTAMP_TYPES),
    Option("offset", int, "offset of the first record of each partition", minimum=0),
    Option(
        "schema_format",
        str,
        "a schema registry's dataFormat: adds valueSchemaMetadata",
        choices=SCHEMA_FORMATS,
    ),
)

SOURCES = (
    EventSource(
        id="msk",
        service="Amazon MSK",
        invocation="poll",
        builder=build_msk,
        max_count=MAX_BATCH,
        description="Amazon MSK event source mapping batch (records keyed topic-partition)",
        options=(
            *_RECORD_OPTIONS,
            Option("cluster_name", str, "MSK cluster name (in the ARN and broker host names)"),
            Option(
                "port",
                int,
                "broker port: 9092 plaintext, 9094 TLS, 9096 SASL/SCRAM, 9098 IAM",
                choices=MSK_PORTS,
            ),
        ),
    ),
    EventSource(
        id="kafka",
        service="Apache Kafka (self-managed)",
        invocation="poll",
        builder=build_kafka,
        max_count=MAX_BATCH,
        description="self-managed Apache Kafka event source mapping batch (SelfManagedKafka)",
        options=(
            *_RECORD_OPTIONS,
            Option("bootstrap_servers", str, "comma-separated host:port list of the brokers"),
            Option("port", int, "port of the drawn brokers", minimum=1, maximum=65535),
        ),
    ),
)
