"""Apache Kafka: the batch a Kafka event source mapping sends, from Amazon MSK (``msk``) or a
self-managed cluster (``kafka``): records of one topic grouped by ``<topic>-<partition>``
(reference/shapes.md 27, semantics.md 6.1)."""

from __future__ import annotations

import random
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, NOUNS, ROLES, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms
from ._brokers import (
    MAX_BATCH,
    as_bytes,
    b64,
    check_batch_bytes,
    check_count,
    check_event_size,
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
_KEY_STYLES = ("uuid", "customer", "order", "device")
_TRACED_UP_TO = 1000
_APPS = tuple(f"{noun}-{role}" for noun in NOUNS[:8] for role in ROLES[:4])
_JSON_TYPE = tuple(java_bytes(b"application/json"))  # copied into a fresh list per record


def _count(ctx: BuildContext, o: Options) -> int:
    if o.values is not None:
        return check_count(ctx, o.count, "values", len(o.values))
    return int(o.count or 1)


def _topic(ctx: BuildContext, o: Options) -> str:
    if o.topic is None:
        b = ctx.rng.getrandbits(16)
        return f"{NOUNS[b % len(NOUNS)]}.{_TOPIC_SUFFIXES[(b >> 8) % len(_TOPIC_SUFFIXES)]}"
    if not _TOPIC.match(o.topic) or o.topic in (".", ".."):
        ctx.fail("topic", f"{o.topic!r} is not a Kafka topic: 1-249 letters, digits, '.', '_', '-'")
    return str(o.topic)


def _values(ctx: BuildContext, o: Options, count: int) -> list[str | None]:
    """The base64 ``value`` of each record; None is a tombstone (a deleted key)."""
    if o.values is not None and o.value is not None:
        ctx.fail("value", "pass either value (every record) or values (one per record)")
    if o.values is None and o.value is None:
        rng = ctx.rng
        return [b64(business_json(rng).encode()) for _ in range(count)]
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


def _keys(ctx: BuildContext, o: Options, count: int) -> list[str | None]:
    """Record keys as text (None: no key). A producer keys all its records or none."""
    if o.given("key"):
        return [None if o.key is None else as_bytes(o.key).decode("latin-1")] * count
    rng = ctx.rng
    b = rng.getrandbits(32)
    if b % 100 < 15:
        return [None] * count
    style = _KEY_STYLES[(b >> 7) % len(_KEY_STYLES)]
    wanted = o.partitions if isinstance(o.partitions, int) else len(o.partitions or ())
    size = min(count, max(wanted, 2 + (b >> 9) % 12))  # a key per partition at least
    keys = [_entity_key(rng, style) for _ in range(size)]
    if count > size:
        r = rng.random
        keys += [keys[int(r() * size)] for _ in range(count - size)]
        rng.shuffle(keys)
    return list(keys)


def _entity_key(rng: random.Random, style: str) -> str:
    if style == "uuid":
        return aws.uuid4(rng)
    b = rng.getrandbits(32)
    if style == "device":
        return f"device-{b % 100_000:05d}"
    return f"{style}-{b:08x}"


def _partition_numbers(ctx: BuildContext, o: Options, count: int, distinct_keys: int) -> list[int]:
    """The partitions the batch spans, sorted: as given, or drawn from a topic's partitions."""
    wanted = o.partitions
    if isinstance(wanted, list):
        if not wanted or any(p < 0 for p in wanted) or len(set(wanted)) != len(wanted):
            ctx.fail("partitions", f"{wanted!r}: give distinct partition numbers (0 or more)")
        numbers = sorted(wanted)
    else:
        rng = ctx.rng
        k = wanted if wanted is not None else 1 + int(rng.random() * min(count, 3))
        total = max(int(k), _TOPIC_PARTITIONS[int(rng.random() * len(_TOPIC_PARTITIONS))])
        numbers = _some_of(rng, total, k)
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


def _some_of(rng: random.Random, total: int, k: int) -> list[int]:
    """``k`` distinct partitions of ``total``, sorted (a batch spans only a few)."""
    if k >= total:
        return list(range(total))
    if 2 * k > total:
        return sorted(rng.sample(range(total), k))
    chosen: set[int] = set()
    r = rng.random
    while len(chosen) < k:
        chosen.add(int(r() * total))
    return sorted(chosen)


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


def _drawn_headers(ctx: BuildContext, app: str, scheme: int) -> list[dict[str, list[int]]]:
    if scheme == 0:
        return []
    headers = [{"content-type": list(_JSON_TYPE)}]
    if scheme >= 2:
        ids = ctx.rng.randbytes(24).hex()
        headers.append({"traceparent": list(f"00-{ids[:32]}-{ids[32:]}-01".encode())})
        headers.append({"source": list(app.encode())})
    return headers


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


def _records(ctx: BuildContext, o: Options, topic: str) -> dict[str, list[dict[str, Any]]]:
    count = _count(ctx, o)
    values = _values(ctx, o, count)
    keys = _keys(ctx, o, count)
    numbers = _partition_numbers(ctx, o, count, len(set(keys)) if keys[0] is not None else count)
    partitions = _assign(keys, numbers)
    rng = ctx.rng
    given_headers = _headers(ctx, o)
    fixed = None if given_headers is None else [{n: java_bytes(v)} for n, v in given_headers]
    # trace headers on small batches only: as byte arrays they would push a full one past 6 MB
    scheme, app = int(rng.random() * (3 if count <= _TRACED_UP_TO else 2)), aws.pick(rng, _APPS)
    schema_id = ctx.uuid() if o.schema_format else None
    timestamp_type = o.timestamp_type or aws.pick(rng, TIMESTAMP_TYPES)
    next_offset = {
        p: o.offset if o.offset is not None else int(rng.random() * 5e6) for p in numbers
    }
    # records were written over the last moments before the poller read them, in order
    newest = epoch_ms(ctx.time) - 5 - int(rng.random() * 495)
    stamp = newest - count * 3 - int(rng.random() * 2000)
    grouped: dict[str, list[dict[str, Any]]] = {f"{topic}-{p}": [] for p in numbers}
    for value, key, partition in zip(values, keys, partitions, strict=True):
        stamp = min(newest, stamp + int(rng.random() * 6))
        record = kafka_record(
            topic=topic,
            partition=partition,
            offset=next_offset[partition],
            timestamp_ms=stamp,
            timestamp_type=timestamp_type,
            key=None if key is None else b64(key.encode("latin-1")),
            value=value,
            headers=(
                [{n: list(v) for n, v in h.items()} for h in fixed]
                if fixed is not None
                else _drawn_headers(ctx, app, scheme)
            ),
        )
        next_offset[partition] += 1
        if schema_id is not None:
            record["valueSchemaMetadata"] = {"dataFormat": o.schema_format, "schemaId": schema_id}
        grouped[f"{topic}-{partition}"].append(record)
    return grouped


def _msk_cluster(ctx: BuildContext, o: Options) -> tuple[str, str]:
    """The cluster ARN and its bootstrap broker string (hosts name the cluster and region)."""
    rng = ctx.rng
    b = rng.getrandbits(32)
    name = o.cluster_name or f"{NOUNS[b % len(NOUNS)]}-{('cluster', 'msk', 'kafka')[(b >> 5) % 3]}"
    if o.cluster_name and not _MSK_CLUSTER.match(name):
        ctx.fail(
            "cluster_name",
            f"{name!r} is not an MSK cluster name: 1-64 letters, digits "
            "and '-', starting with a letter or digit",
        )
    resource = f"cluster/{name}/{aws.uuid4(rng)}-{1 + (b >> 7) % 25}"
    arn = f"arn:{ctx.partition}:kafka:{ctx.region}:{ctx.account_id}:{resource}"
    suffix = "amazonaws.com.cn" if ctx.partition == "aws-cn" else "amazonaws.com"
    cell = f"{aws.chars(rng, 6, aws.LOWER_DIGITS)}.c{1 + (b >> 12) % 3}"
    port = o.port or MSK_PORTS[(b >> 14) % len(MSK_PORTS)]
    n = 2 + (b >> 16) % 2
    host = f"{name.lower()}.{cell}.kafka.{ctx.region}.{suffix}:{port}"
    first = (b >> 17) % n  # the mapping lists the brokers in no particular order
    return arn, ",".join(f"b-{1 + (first + i) % n}.{host}" for i in range(n))


def _self_managed_servers(ctx: BuildContext, o: Options) -> str:
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
    b = ctx.rng.getrandbits(64)
    port = o.port or 9092
    n = 2 + b % 2
    if b & 2:  # brokers in the VPC, by private address
        subnet = f"10.{(b >> 2) & 255}"
        hosts = [f"{subnet}.{i}.{10 + (b >> (10 + 8 * i)) % 240}:{port}" for i in range(n)]
        return ",".join(hosts)
    domain = f"{NOUNS[(b >> 2) % len(NOUNS)]}.{DOMAINS[(b >> 7) % len(DOMAINS)]}"
    return ",".join(f"kafka-{i}.{domain}:{port}" for i in range(1, n + 1))


def build_msk(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch from an Amazon MSK cluster."""
    topic = _topic(ctx, o)
    arn, servers = _msk_cluster(ctx, o)
    event = {
        "eventSource": "aws:kafka",
        "eventSourceArn": arn,
        "bootstrapServers": servers,
        "records": _records(ctx, o, topic),
    }
    check_event_size(ctx, event, _count(ctx, o))
    return event


def build_kafka(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A batch from a self-managed Apache Kafka cluster (no ARN: Lambda knows its brokers)."""
    topic = _topic(ctx, o)
    event = {
        "eventSource": "SelfManagedKafka",
        "bootstrapServers": _self_managed_servers(ctx, o),
        "records": _records(ctx, o, topic),
    }
    check_event_size(ctx, event, _count(ctx, o))
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
