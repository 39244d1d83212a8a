"""The ``mq`` and ``rabbitmq`` sources: Amazon MQ event source mapping batches from ActiveMQ and
RabbitMQ brokers (shapes.md section 28, semantics.md 6.2).

Powertools has no parser model for Amazon MQ (oracles.md), so the shape is checked here key by
key, and the Powertools data classes (ActiveMQEvent, RabbitMQEvent) read every property."""

from __future__ import annotations

import base64
import itertools
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.active_mq_event import ActiveMQEvent
from aws_lambda_powertools.utilities.data_classes.rabbit_mq_event import RabbitMQEvent

from pytest_lambda_events import EventConfigError, build_event

T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)
T0_MS = int(T0.timestamp() * 1000)
BROKER_ARN = re.compile(
    r"^arn:aws:mq:eu-west-2:210987654321:broker:[A-Za-z0-9_-]{1,50}:"
    r"(b-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12})$"
)
ACTIVEMQ_KEYS = {
    "messageID",
    "messageType",
    "timestamp",
    "deliveryMode",
    "correlationID",
    "replyTo",
    "destination",
    "redelivered",
    "type",
    "expiration",
    "priority",
    "data",
    "brokerInTime",
    "brokerOutTime",
    "properties",
    "connectionId",
}
BASIC_PROPERTIES = [
    "contentType",
    "contentEncoding",
    "headers",
    "deliveryMode",
    "priority",
    "correlationId",
    "replyTo",
    "expiration",
    "messageId",
    "timestamp",
    "type",
    "userId",
    "appId",
    "clusterId",
    "bodySize",
]
JAVA_MEDIUM = re.compile(r"^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d:\d\d [AP]M$")
MQ_VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "batch": {"count": 30},
    "bytes": {"data": [b"\x00\x01", "text"], "redelivered": True},
    "props": {"properties": {"k": "v"}, "priority": 9, "delivery_mode": 1, "count": 2},
}
RMQ_VARIANTS: dict[str, dict[str, Any]] = {
    "default": {},
    "batch": {"count": 30},
    "vhost": {"virtual_host": "tenant-a", "headers": {"h": "v", "n": 3}, "priority": 5},
    "unset": {"headers": None, "message_id": None, "user_id": None, "app_id": None},
}


def rmq_messages(event: dict[str, Any]) -> list[dict[str, Any]]:
    (messages,) = event["rmqMessagesByQueue"].values()
    return list(messages)


# --- ActiveMQ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", MQ_VARIANTS)
def test_activemq_shape_and_powertools_data_class(seed: int, variant: str) -> None:
    event = build_event("mq", seed, **MQ_VARIANTS[variant])
    assert list(event) == ["eventSource", "eventSourceArn", "messages"]
    assert event["eventSource"] == "aws:mq"
    wrapped = ActiveMQEvent(event)
    for message, raw in zip(wrapped.messages, event["messages"], strict=True):
        assert set(raw) == ACTIVEMQ_KEYS
        assert message.message_type in ("jms/text-message", "jms/bytes-message")
        assert base64.b64decode(message.data, validate=True) is not None
        assert message.destination_physicalname
        assert isinstance(message.redelivered, bool)
        assert message.delivery_mode in (1, 2) and 0 <= message.priority <= 9  # type: ignore[operator]
        assert message.properties is None or all(
            isinstance(v, str) for v in message.properties.values()
        )


@pytest.mark.parametrize("seed", range(20))
def test_activemq_times_are_ordered_epoch_ms_before_the_invoke(seed: int) -> None:
    messages = build_event("mq", seed, count=20, time=T0)["messages"]
    for m in messages:
        assert m["timestamp"] <= m["brokerInTime"] <= m["brokerOutTime"] < T0_MS
        assert m["timestamp"] > T0_MS - 60_000
    assert [m["timestamp"] for m in messages] == sorted(m["timestamp"] for m in messages)


@pytest.mark.parametrize("seed", range(20))
def test_activemq_ids_embed_the_broker_and_region_and_are_unique(seed: int) -> None:
    event = build_event("mq", seed, count=20, region="eu-west-2", account_id="210987654321")
    match = BROKER_ARN.match(event["eventSourceArn"])
    assert match, event["eventSourceArn"]
    host = rf"{match.group(1)}-[12]\.mq\.eu-west-2\.amazonaws\.com"
    ids = [m["messageID"] for m in event["messages"]]
    assert len(set(ids)) == len(ids)
    for m in event["messages"]:
        assert re.fullmatch(rf"ID:{host}-\d+-\d{{13}}-\d+:\d+:\d+:\d+:\d+", m["messageID"])
        assert m["messageID"].startswith(m["connectionId"] + ":")
    sequence = [int(i.rsplit(":", 1)[1]) for i in ids]
    assert all(b == a + 1 for a, b in itertools.pairwise(sequence))
    assert len({m["destination"]["physicalName"] for m in event["messages"]}) == 1


@pytest.mark.parametrize("seed", range(20))
def test_activemq_default_data_is_base64_json(seed: int) -> None:
    for m in build_event("mq", seed, count=5)["messages"]:
        assert isinstance(json.loads(base64.b64decode(m["data"], validate=True)), dict)


def test_activemq_overrides_land() -> None:
    event = build_event(
        "mq",
        1,
        data=[b"\xff\x00", "héllo", {"a": 1}],
        queue="orders.q",
        broker_name="Main_1",
        redelivered=True,
        correlation_id="c-1",
        reply_to="queue://replies",
        type="Order",
        expiration=1_800_000_000_000,
        priority=7,
        delivery_mode=1,
        properties={"k": "v"},
    )
    messages = event["messages"]
    assert [base64.b64decode(m["data"]) for m in messages] == [
        b"\xff\x00",
        "héllo".encode(),
        b'{"a":1}',
    ]
    assert [m["messageType"] for m in messages] == [
        "jms/bytes-message",
        "jms/text-message",
        "jms/text-message",
    ]
    assert ":broker:Main_1:b-" in event["eventSourceArn"]
    for m in messages:
        assert m["destination"] == {"physicalName": "orders.q"}
        assert (m["redelivered"], m["correlationID"], m["replyTo"], m["type"]) == (
            True,
            "c-1",
            "queue://replies",
            "Order",
        )
        assert (m["expiration"], m["priority"], m["deliveryMode"]) == (1_800_000_000_000, 7, 1)
        assert m["properties"] == {"k": "v"}
    assert build_event("mq", 1, properties=None)["messages"][0]["properties"] is None


def test_activemq_message_type_override() -> None:
    event = build_event("mq", 1, payload="x", count=2, message_type="jms/bytes-message")
    assert {m["messageType"] for m in event["messages"]} == {"jms/bytes-message"}


# --- RabbitMQ ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", RMQ_VARIANTS)
def test_rabbitmq_shape_and_powertools_data_class(seed: int, variant: str) -> None:
    event = build_event("rabbitmq", seed, **RMQ_VARIANTS[variant])
    assert list(event) == ["eventSource", "eventSourceArn", "rmqMessagesByQueue"]
    assert event["eventSource"] == "aws:rmq"
    (key,) = event["rmqMessagesByQueue"]
    queue, _, vhost = key.partition("::")
    assert queue and vhost == RMQ_VARIANTS[variant].get("virtual_host", "/")
    wrapped = RabbitMQEvent(event)
    for message in wrapped.rmq_messages_by_queue[key]:
        props = message.basic_properties
        assert list(props) == BASIC_PROPERTIES  # every property, null when unset
        assert props.body_size == len(message.decoded_data.encode())
        assert JAVA_MEDIUM.match(props.timestamp)
        assert props.delivery_mode in (1, 2)
        assert isinstance(message.redelivered, bool)


@pytest.mark.parametrize("seed", range(20))
def test_rabbitmq_body_size_is_decoded_length_and_times_precede_the_invoke(seed: int) -> None:
    for m in rmq_messages(build_event("rabbitmq", seed, count=10, time=T0)):
        raw = base64.b64decode(m["data"], validate=True)
        assert m["basicProperties"]["bodySize"] == len(raw)
        sent = datetime.strptime(m["basicProperties"]["timestamp"], "%b %d, %Y, %I:%M:%S %p")
        assert 0 <= (T0 - sent.replace(tzinfo=UTC)).total_seconds() < 60


@pytest.mark.parametrize("seed", range(20))
def test_rabbitmq_arn_agrees_with_the_world(seed: int) -> None:
    event = build_event("rabbitmq", seed, region="eu-west-2", account_id="210987654321")
    assert BROKER_ARN.match(event["eventSourceArn"])


def test_rabbitmq_headers_are_java_byte_arrays_or_numbers() -> None:
    m = rmq_messages(build_event("rabbitmq", 1, headers={"s": "ab", "b": b"\xff", "n": 2.5}))[0]
    assert m["basicProperties"]["headers"] == {
        "s": {"bytes": [97, 98]},
        "b": {"bytes": [-1]},
        "n": 2.5,
    }


def test_rabbitmq_overrides_land() -> None:
    event = build_event(
        "rabbitmq",
        1,
        data=[b"\x00", "t", {"a": 1}],
        queue="jobs",
        virtual_host="prod",
        content_encoding="gzip",
        delivery_mode=1,
        priority=200,
        expiration=60000,
        message_id="m-1",
        user_id="svc",
        app_id="app",
        correlation_id="c",
        reply_to="r",
        type="job",
    )
    assert list(event["rmqMessagesByQueue"]) == ["jobs::prod"]
    messages = rmq_messages(event)
    assert [m["basicProperties"]["contentType"] for m in messages] == [
        "application/octet-stream",
        "text/plain",
        "application/json",
    ]
    p = messages[0]["basicProperties"]
    assert (p["contentEncoding"], p["deliveryMode"], p["priority"], p["expiration"]) == (
        "gzip",
        1,
        200,
        "60000",
    )
    assert (
        p["messageId"],
        p["userId"],
        p["appId"],
        p["correlationId"],
        p["replyTo"],
        p["type"],
    ) == ("m-1", "svc", "app", "c", "r", "job")
    custom = rmq_messages(build_event("rabbitmq", 1, payload="x", content_type="text/csv"))
    assert custom[0]["basicProperties"]["contentType"] == "text/csv"


def test_messages_do_not_share_dicts() -> None:
    first, second = rmq_messages(build_event("rabbitmq", 2, count=2, headers={"h": "v"}))
    first["basicProperties"]["headers"]["h"]["bytes"].append(0)
    assert second["basicProperties"]["headers"]["h"] == {"bytes": [118]}


@pytest.mark.parametrize("source", ["mq", "rabbitmq"])
def test_same_seed_same_event_and_different_seeds_differ(source: str) -> None:
    assert build_event(source, 4, count=10) == build_event(source, 4, count=10)
    assert build_event(source, 4) != build_event(source, 5)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "overrides", "message"),
    [
        ("mq", {"queu": "a"}, r"unknown override 'queu'.*did you mean 'queue'"),
        ("mq", {"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ("mq", {"priority": 10}, r"priority: 10 is above AWS's maximum 9"),
        ("mq", {"delivery_mode": 3}, r"delivery_mode: 3 is not allowed; allowed: 1, 2"),
        ("mq", {"message_type": "text"}, r"message_type: 'text' is not allowed"),
        ("mq", {"data": [b"\xff"], "message_type": "jms/text-message"}, r"message_type: .*UTF-8"),
        ("mq", {"properties": {"k": 1}}, r"properties: JMS properties reach Lambda as strings"),
        ("mq", {"data": [], "count": 1}, r"data: a batch holds 1 to 10,000 records, not 0"),
        ("mq", {"data": ["a"], "payload": "b"}, r"payload: pass either payload"),
        ("mq", {"broker_name": "bad name"}, r"broker_name: 'bad name' is not a broker name"),
        ("mq", {"redelivered": "yes"}, r"redelivered: expected bool"),
        ("rabbitmq", {"priority": 256}, r"priority: 256 is above AWS's maximum 255"),
        ("rabbitmq", {"virtual_host": ""}, r"virtual_host: a virtual host has a name"),
        ("rabbitmq", {"headers": {"x": [1]}}, r"headers: 'x' has a list; headers hold str"),
        ("rabbitmq", {"queue": ""}, r"queue: 0 characters; a queue name has 1 to 1,000"),
        ("rabbitmq", {"payload": b"x" * 5_000_000}, r"payload: .*6 MB"),
    ],
)
def test_bad_input_names_the_field_and_what_is_allowed(
    source: str, overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event(source, 1, **overrides)


def test_a_full_batch_stays_under_six_mb_or_is_refused() -> None:
    rabbit = build_event("rabbitmq", 2, count=10_000)
    assert len(json.dumps(rabbit, separators=(",", ":"))) <= 6 * 1024 * 1024
    # JMS ids make ActiveMQ messages bigger: 10,000 JSON messages exceed the 6 MB batch cap
    with pytest.raises(EventConfigError, match=r"count: 10,000 records make a [\d,]+-byte event"):
        build_event("mq", 2, count=10_000)


@pytest.mark.parametrize("source", ["mq", "rabbitmq"])
def test_the_default_path_writes_what_the_general_path_writes(source: str) -> None:
    """A build without options takes the direct path (_default_mq, _default_rabbitmq); an
    option that changes nothing (redelivered=False) takes the general one, which must agree."""
    for seed in range(200):
        assert build_event(source, seed=seed) == build_event(source, seed=seed, redelivered=False)


@pytest.mark.parametrize("source", ["mq", "rabbitmq"])
def test_user_documents_carry_a_drawn_user_id(source: str) -> None:
    """A user record reads its UUID from bits a builder draws only for user records: the kind
    it writes and the kind the builder drew for must agree (no all-zero ids)."""
    users = 0
    for seed in range(120):
        event = build_event(source, seed=seed, count=1 + seed % 3)
        for message in event.get("messages") or next(iter(event["rmqMessagesByQueue"].values())):
            document = json.loads(base64.b64decode(message["data"]))
            if "userId" in document:
                users += 1
                assert not document["userId"].startswith("00000000-0000"), document
    assert users > 20
