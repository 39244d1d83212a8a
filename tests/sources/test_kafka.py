"""The ``msk`` and ``kafka`` sources: Kafka event source mapping batches from Amazon MSK and a
self-managed cluster (shapes.md section 27, semantics.md 6.1)."""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models
from pydantic import BaseModel

from pytest_lambda_events import EventConfigError, build_event

T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)
T0_MS = int(T0.timestamp() * 1000)
MSK_ARN = re.compile(
    r"^arn:aws:kafka:eu-west-2:210987654321:cluster/([0-9A-Za-z-]+)/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-\d{1,2}$"
)
MODELS: dict[str, type[BaseModel]] = {
    "msk": models.KafkaMskEventModel,
    "kafka": models.KafkaSelfManagedEventModel,
}
VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "batch": {"count": 40},
    "partitions": {"count": 12, "partitions": 3},
    "keyless": {"count": 5, "key": None},
    "values": {"values": ["héllo".encode(), "text", {"orderId": "o-1"}]},
    "headers": {"headers": {"tenant": "t-1", "bin": b"\xfe\x01"}, "count": 2},
    "schema": {"schema_format": "AVRO", "count": 3, "timestamp_type": "LOG_APPEND_TIME"},
}


def records(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for batch in event["records"].values() for r in batch]


# --- shape: Powertools' parser models accept every variant ------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_every_variant_validates_with_powertools(seed: int, variant: str, source: str) -> None:
    event = build_event(source, seed, **VARIANTS[variant])
    parsed: Any = MODELS[source].model_validate(event)
    assert parsed.bootstrapServers == event["bootstrapServers"].split(",")
    for key, batch in parsed.records.items():
        for model, record in zip(batch, event["records"][key], strict=True):
            assert model.value == base64.b64decode(record["value"]).decode(errors="replace")
            assert model.timestamp == datetime.fromtimestamp(record["timestamp"] / 1000, UTC)


def test_binary_values_are_base64_of_the_bytes() -> None:
    # Powertools' KafkaRecordModel decodes every value as UTF-8 text, so it rejects binary
    # values (Avro, Protobuf, compressed payloads) that Kafka carries; check them here.
    event = build_event("msk", 1, values=[b"\x00\xff\x80", b"\x12"], partitions=1)
    assert [base64.b64decode(r["value"], validate=True) for r in records(event)] == [
        b"\x00\xff\x80",
        b"\x12",
    ]


def test_tombstones_have_a_null_value() -> None:
    # Powertools' KafkaRecordModel types value as a required base64 str, so it rejects the
    # null value Kafka delivers for a tombstone (a deleted key); check the real shape here.
    event = build_event("kafka", 1, values=[{"a": 1}, None], key="customer-1")
    first, tombstone = records(event)
    assert tombstone["value"] is None
    assert base64.b64decode(tombstone["key"]) == b"customer-1"
    assert json.loads(base64.b64decode(first["value"])) == {"a": 1}


# --- cross-field invariants -------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_map_keys_are_topic_dash_partition_of_their_records(seed: int, source: str) -> None:
    event = build_event(source, seed, count=30)
    topics = {r["topic"] for r in records(event)}
    assert len(topics) == 1  # a mapping reads exactly one topic
    for key, batch in event["records"].items():
        assert batch
        assert {f"{r['topic']}-{r['partition']}" for r in batch} == {key}


@pytest.mark.parametrize("seed", range(20))
def test_offsets_strictly_increase_within_a_partition(seed: int) -> None:
    event = build_event("msk", seed, count=60, partitions=4)
    assert len(event["records"]) == 4
    for batch in event["records"].values():
        offsets = [r["offset"] for r in batch]
        assert all(b == a + 1 for a, b in itertools.pairwise(offsets))


@pytest.mark.parametrize("seed", range(20))
def test_timestamps_are_epoch_ms_ordered_per_partition_and_before_the_invoke(seed: int) -> None:
    event = build_event("kafka", seed, count=50, time=T0)
    for batch in event["records"].values():
        stamps = [r["timestamp"] for r in batch]
        assert all(isinstance(s, int) for s in stamps)
        assert stamps == sorted(stamps)
        assert stamps[0] > T0_MS - 60_000 and stamps[-1] < T0_MS
    types = {r["timestampType"] for r in records(event)}
    assert len(types) == 1 and types <= {"CREATE_TIME", "LOG_APPEND_TIME"}


@pytest.mark.parametrize("seed", range(20))
def test_one_key_always_lands_in_one_partition(seed: int) -> None:
    partition_of: dict[str, set[int]] = {}
    for record in records(build_event("msk", seed, count=80, partitions=3)):
        if "key" in record:
            partition_of.setdefault(record["key"], set()).add(record["partition"])
    assert all(len(parts) == 1 for parts in partition_of.values())


@pytest.mark.parametrize("seed", range(20))
def test_keys_and_values_are_base64_and_headers_are_byte_arrays(seed: int) -> None:
    for record in records(build_event("msk", seed, count=10)):
        json.loads(base64.b64decode(record["value"], validate=True))
        if "key" in record:
            assert base64.b64decode(record["key"], validate=True).decode().isprintable()
        for header in record["headers"]:
            assert len(header) == 1
            (values,) = header.values()
            assert all(isinstance(b, int) and -128 <= b <= 127 for b in values)


@pytest.mark.parametrize("seed", range(20))
def test_msk_arn_and_brokers_agree_with_the_world(seed: int) -> None:
    event = build_event("msk", seed, region="eu-west-2", account_id="210987654321")
    match = MSK_ARN.match(event["eventSourceArn"])
    assert match, event["eventSourceArn"]
    cluster = match.group(1).lower()
    ports = set()
    for server in event["bootstrapServers"].split(","):
        host, port = server.rsplit(":", 1)
        assert re.fullmatch(
            rf"b-\d\.{re.escape(cluster)}\.[a-z0-9]{{6}}\.c\d\.kafka\.eu-west-2\.amazonaws\.com",
            host,
        )
        ports.add(int(port))
    assert len(ports) == 1 and ports <= {9092, 9094, 9096, 9098}
    assert event["eventSource"] == "aws:kafka"


def test_china_regions_use_the_aws_cn_partition_and_domain() -> None:
    event = build_event("msk", 1, region="cn-north-1")
    assert event["eventSourceArn"].startswith("arn:aws-cn:kafka:cn-north-1:")
    assert all(
        s.split(":")[0].endswith(".amazonaws.com.cn") for s in event["bootstrapServers"].split(",")
    )


@pytest.mark.parametrize("seed", range(20))
def test_self_managed_has_no_arn(seed: int) -> None:
    event = build_event("kafka", seed)
    assert list(event) == ["eventSource", "bootstrapServers", "records"]
    assert event["eventSource"] == "SelfManagedKafka"
    assert all(re.fullmatch(r"[a-z0-9.-]+:9092", s) for s in event["bootstrapServers"].split(","))


def test_records_do_not_share_lists() -> None:
    first, second = records(build_event("kafka", 3, count=2, partitions=1, headers={"a": "b"}))
    first["headers"][0]["a"].append(1)
    assert second["headers"] == [{"a": [98]}]


# --- overrides --------------------------------------------------------------------------------


def test_values_set_count_and_encode_each_payload() -> None:
    event = build_event("kafka", 1, values=[b"\xff\x00", "héllo", {"a": 1}], partitions=1)
    assert [base64.b64decode(r["value"]) for r in records(event)] == [
        b"\xff\x00",
        "héllo".encode(),
        b'{"a":1}',
    ]


def test_topic_partitions_offset_key_and_timestamp_type_land() -> None:
    event = build_event(
        "msk",
        1,
        topic="orders.v1",
        partitions=[0, 7],
        offset=100,
        count=6,
        timestamp_type="LOG_APPEND_TIME",
        key=None,
    )
    assert set(event["records"]) == {"orders.v1-0", "orders.v1-7"}
    for batch in event["records"].values():
        assert batch[0]["offset"] == 100
        assert all("key" not in r and r["timestampType"] == "LOG_APPEND_TIME" for r in batch)


def test_one_key_means_one_partition() -> None:
    event = build_event("kafka", 1, key=b"\x01k", count=4)
    (batch,) = event["records"].values()
    assert {base64.b64decode(r["key"]) for r in batch} == {b"\x01k"}


def test_headers_keep_order_and_repeats_and_sign_bytes_as_java_does() -> None:
    record = records(build_event("kafka", 1, headers=[{"a": "x"}, {"a": b"\xff"}]))[0]
    assert record["headers"] == [{"a": [120]}, {"a": [-1]}]


def test_schema_format_adds_value_schema_metadata() -> None:
    for record in records(build_event("msk", 2, schema_format="PROTOBUF", count=3)):
        assert record["valueSchemaMetadata"]["dataFormat"] == "PROTOBUF"
        assert re.fullmatch(r"[0-9a-f-]{36}", record["valueSchemaMetadata"]["schemaId"])


def test_cluster_name_port_and_bootstrap_servers_land() -> None:
    msk = build_event("msk", 1, cluster_name="Sales-Cluster", port=9098)
    assert "/Sales-Cluster/" in msk["eventSourceArn"]
    assert all(
        ".sales-cluster." in s and s.endswith(":9098") for s in msk["bootstrapServers"].split(",")
    )
    servers = "k1.example.com:9093,10.0.0.5:9093"
    assert build_event("kafka", 1, bootstrap_servers=servers)["bootstrapServers"] == servers


@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_same_seed_same_event_and_different_seeds_differ(source: str) -> None:
    assert build_event(source, 9, count=20) == build_event(source, 9, count=20)
    assert build_event(source, 9) != build_event(source, 10)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "overrides", "message"),
    [
        ("msk", {"topik": "a"}, r"unknown override 'topik'.*did you mean 'topic'"),
        ("msk", {"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ("msk", {"partitions": "3"}, r"partitions: expected int or list"),
        ("msk", {"port": 443}, r"port: 443 is not allowed.*9092, 9094, 9096, 9098"),
        ("kafka", {"timestamp_type": "create"}, r"timestamp_type: 'create' is not allowed"),
        ("kafka", {"topic": "bad topic"}, r"topic: 'bad topic' is not a Kafka topic: 1-249"),
        ("kafka", {"values": []}, r"values: a batch holds 1 to 10,000 records, not 0"),
        ("kafka", {"values": ["a", 1]}, r"values\[1\]: expected bytes or str or dict"),
        ("kafka", {"values": ["a"], "count": 2}, r"values: 1 given, but count says 2"),
        ("kafka", {"value": "a", "values": ["a"]}, r"value: pass either value .* or values"),
        ("kafka", {"partitions": 5, "count": 2}, r"partitions: 5 partitions need at least"),
        ("kafka", {"partitions": [1, 1], "count": 2}, r"partitions: .*distinct partition"),
        ("kafka", {"key": "k", "partitions": 2, "count": 4}, r"partitions: .*one key, one"),
        ("kafka", {"headers": [{"a": "1", "b": "2"}]}, r"headers: .*one \{name: value\} pair"),
        ("kafka", {"headers": {"a": 1}}, r"headers: 'a': header names are str and values str"),
        ("kafka", {"bootstrap_servers": "host"}, r"bootstrap_servers: 'host' is not host:port"),
        ("kafka", {"bootstrap_servers": "h:1", "port": 2}, r"port: bootstrap_servers carry"),
        ("msk", {"cluster_name": "-x"}, r"cluster_name: '-x' is not an MSK cluster name"),
        ("msk", {"value": b"x" * 5_000_000}, r"value: .*at most 6,291,456 bytes \(6 MB\)"),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    source: str, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event(source, 1, **overrides)


@pytest.mark.parametrize("source", ["msk", "kafka"])
def test_a_full_batch_stays_under_six_mb(source: str) -> None:
    event = build_event(source, 0, count=10_000)
    assert len(json.dumps(event, separators=(",", ":"))) <= 6 * 1024 * 1024
    assert sum(len(batch) for batch in event["records"].values()) == 10_000
