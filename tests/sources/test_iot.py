"""The ``iot`` (topic rule Lambda action) and ``iot_button`` sources (shapes.md 24).

Powertools has no model for either (oracles.md: "no models at all for ... IoT rule/button"), so
these tests check the real shapes themselves."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime

import pytest

from pytest_lambda_events import EventConfigError, build_event

T0 = datetime(2025, 7, 4, 9, 41, 27, 654_000, tzinfo=UTC)
T0_MS = 1751622087654
DEVICE_TYPES = ("environment", "tracker", "meter")
READINGS = {
    "environment": {"temperature", "humidity", "pressure", "co2", "battery"},
    "tracker": {"lat", "lon", "speedKmh", "heading", "satellites", "battery"},
    "meter": {"voltage", "currentA", "powerFactor", "powerW", "energyKwh", "frequencyHz"},
}


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("device_type", DEVICE_TYPES)
def test_telemetry_is_a_plain_json_object_per_device_type(seed: int, device_type: str) -> None:
    event = build_event("iot", seed, device_type=device_type, time=T0)
    assert "Records" not in event  # no envelope: the rule's SELECT output itself
    assert READINGS[device_type] <= set(event)
    assert {"deviceId", "ts", "firmware"} <= set(event)
    assert re.fullmatch(r"(env-sensor|gps-tracker|power-meter)-[0-9a-f]{6}", event["deviceId"])
    assert T0_MS - 2000 < event["ts"] < T0_MS  # the device stamps it just before the broker


@pytest.mark.parametrize("seed", range(20))
def test_meter_power_is_voltage_times_current_times_factor(seed: int) -> None:
    event = build_event("iot", seed, device_type="meter", region="eu-central-1")
    expected = event["voltage"] * event["currentA"] * event["powerFactor"]
    assert abs(event["powerW"] - expected) < 0.1
    assert event["frequencyHz"] == 50.0 and 225 <= event["voltage"] <= 235
    assert "battery" not in event  # mains powered
    us = build_event("iot", seed, device_type="meter", region="us-west-2")
    assert us["frequencyHz"] == 60.0 and 115 <= us["voltage"] <= 125


@pytest.mark.parametrize("seed", range(20))
def test_with_metadata_adds_what_topic_clientid_timestamp_return(seed: int) -> None:
    event = build_event("iot", seed, with_metadata=True, time=T0)
    assert event["timestamp"] == T0_MS  # timestamp(): when the rules engine ran, epoch ms
    assert event["ts"] <= event["timestamp"]
    assert event["clientId"] == event["deviceId"]  # the thing name is the client id
    topic = event["topic"]
    assert re.fullmatch(r"dt/[a-z]+/[a-z0-9-]+/[a-z-]+-[0-9a-f]{6}/telemetry", topic)
    assert topic.split("/")[3] == event["deviceId"]
    assert topic.count("/") <= 7 and "+" not in topic and "#" not in topic


def test_payload_topic_and_client_id_overrides() -> None:
    event = build_event(
        "iot",
        1,
        payload={"temp": 31},
        topic="sensors/room-1",
        client_id="dev-1",
        with_metadata=True,
        time=T0,
    )
    assert event == {"temp": 31, "topic": "sensors/room-1", "clientId": "dev-1", "timestamp": T0_MS}
    assert build_event("iot", 1, payload={"a": [1]}) == {"a": [1]}
    assert build_event("iot", 1, client_id="boiler-7")["deviceId"] == "boiler-7"
    assert (
        build_event("iot", 1, topic="$aws/things/t1/shadow/update/accepted", with_metadata=True)[
            "topic"
        ]
        == "$aws/things/t1/shadow/update/accepted"
    )


def test_binary_payload_arrives_base64_wrapped() -> None:
    raw = bytes(range(256))
    event = build_event("iot", 5, payload=raw)
    assert set(event) == {"data"}  # SELECT encode(*, 'base64') AS data
    assert base64.b64decode(event["data"], validate=True) == raw


def test_deterministic_per_seed() -> None:
    assert build_event("iot", 7) == build_event("iot", 7)
    assert build_event("iot", 7) != build_event("iot", 8)
    assert build_event("iot_button", 7) == build_event("iot_button", 7)
    assert [build_event("iot_button", s) for s in range(5)] != [
        build_event("iot_button", s + 5) for s in range(5)
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"topik": "a"}, r"unknown override 'topik'.*did you mean 'topic'"),
        ({"payload": "text"}, r"payload: expected dict or bytes, got str"),
        ({"device_type": "fridge"}, r"device_type: 'fridge' is not allowed; allowed: 'environ"),
        ({"payload": {}, "device_type": "meter"}, r"device_type: .*with payload, drop it"),
        ({"topic": ""}, r"topic: 0 bytes; an MQTT topic is 1 to 256 bytes"),
        ({"topic": "a" * 257}, r"topic: 257 bytes; an MQTT topic is 1 to 256"),
        ({"topic": "dt/+/x"}, r"topic: 'dt/\+/x' has a wildcard"),
        ({"topic": "a/b/c/d/e/f/g/h/i"}, r"topic: 8 '/' in .*at most 7"),
        ({"topic": "$sys/x"}, r"topic: '\$sys/x': topics starting with '\$' are reserved"),
        ({"client_id": ""}, r"client_id: 0 bytes; AWS IoT allows 1 to 128"),
        ({"client_id": "c" * 129}, r"client_id: 129 bytes; AWS IoT allows 1 to 128"),
        ({"payload": b"x" * 131_073}, r"payload: 131,073 bytes; an MQTT message is at most 128 KB"),
        (
            {"payload": {"topic": "mine"}, "with_metadata": True},
            r"with_metadata: the payload has 'topic' already; with_metadata adds topic, clientId",
        ),
    ],
)
def test_iot_bad_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("iot", 1, **overrides)


# --- iot_button ---------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_button_shape(seed: int) -> None:
    event = build_event("iot_button", seed)
    assert list(event) == ["serialNumber", "clickType", "batteryVoltage"]
    assert re.fullmatch(r"G030[A-Z]{2}\d{6}[A-Z0-9]{4}", event["serialNumber"])
    assert event["clickType"] in ("SINGLE", "DOUBLE", "LONG")
    assert re.fullmatch(r"\d{4}mV", event["batteryVoltage"])


def test_button_overrides() -> None:
    event = build_event(
        "iot_button", 3, serial_number="G030JF055364XVRB", click_type="DOUBLE", battery_voltage=1705
    )
    assert event == {
        "serialNumber": "G030JF055364XVRB",
        "clickType": "DOUBLE",
        "batteryVoltage": "1705mV",
    }
    clicks = {build_event("iot_button", s)["clickType"] for s in range(30)}
    assert clicks == {"SINGLE", "DOUBLE", "LONG"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"click_type": "TRIPLE"}, r"click_type: 'TRIPLE' is not allowed; allowed: 'SINGLE'"),
        ({"click_type": "single"}, r"click_type: 'single' is not allowed.*did you mean 'SINGLE'"),
        ({"battery_voltage": -1}, r"battery_voltage: -1 is below AWS's minimum 0"),
        ({"battery_voltage": 10_000}, r"battery_voltage: 10000 is above AWS's maximum 9,999"),
        ({"battery_voltage": 1.7}, r"battery_voltage: expected int, got float"),
        (
            {"serial_number": "ABCDEFG12345"},
            r"serial_number: 'ABCDEFG12345' is not a button serial",
        ),
        ({"serial": "G030"}, r"unknown override 'serial'.*did you mean 'serial_number'"),
    ],
)
def test_button_bad_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("iot_button", 1, **overrides)
