"""AWS IoT Core (shapes.md 24): what a topic rule's Lambda action sends, and the classic AWS IoT
button's click. A rule sends the output of its SQL ``SELECT`` on the MQTT message: any JSON,
without an envelope; a binary message reaches Lambda only wrapped, as
``SELECT encode(*, 'base64') AS data``."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms

DEVICE_TYPES = ("environment", "tracker", "meter")
CLICK_TYPES = ("SINGLE", "DOUBLE", "LONG")
MAX_TOPIC_BYTES = 256  # AWS IoT message broker quotas
MAX_TOPIC_SLASHES = 7
MAX_CLIENT_ID_BYTES = 128
MAX_MESSAGE_BYTES = 131_072  # a PUBLISH payload: 128 KB
METADATA_KEYS = ("topic", "clientId", "timestamp")  # SELECT *, topic() AS topic, ...
_SERIAL = re.compile(r"^G[0-9A-Z]{15}$")
_APPS = ("plant", "fleet", "building", "farm", "warehouse", "grid")
_SITES = ("berlin-01", "austin-02", "osaka-03", "lyon-01", "porto-02", "denver-04")
_FACTORY_CODES = ("JF", "PM", "PT", "KD")
_FIRMWARE = ("1.4.2", "1.6.0", "2.0.3", "2.1.1")
_PREFIX = {"environment": "env-sensor", "tracker": "gps-tracker", "meter": "power-meter"}


def _check_topic(ctx: BuildContext, topic: str) -> None:
    size = len(topic.encode())
    if not 0 < size <= MAX_TOPIC_BYTES:
        ctx.fail("topic", f"{size} bytes; an MQTT topic is 1 to {MAX_TOPIC_BYTES} bytes of UTF-8")
    if "+" in topic or "#" in topic:
        ctx.fail(
            "topic",
            f"{topic!r} has a wildcard; messages are published to a topic name, "
            "without '+' or '#' (those belong in the rule's FROM filter)",
        )
    if topic.count("/") > MAX_TOPIC_SLASHES:
        ctx.fail("topic", f"{topic.count('/')} '/' in {topic!r}; AWS IoT allows at most 7")
    if topic.startswith("$") and not topic.startswith("$aws/"):
        ctx.fail(
            "topic",
            f"{topic!r}: topics starting with '$' are reserved; use '$aws/...' "
            "reserved topics or a name without '$'",
        )


def _environment(ctx: BuildContext) -> dict[str, Any]:
    r = ctx.rng.random
    return {
        "temperature": round(15 + r() * 15, 1),
        "humidity": round(25 + r() * 50, 1),
        "pressure": round(990 + r() * 40, 1),
        "co2": 400 + int(r() * 900),
    }


def _tracker(ctx: BuildContext) -> dict[str, Any]:
    r = ctx.rng.random
    return {
        "lat": round(-60 + r() * 130, 6),
        "lon": round(-180 + r() * 360, 6),
        "speedKmh": round(r() * 110, 1),
        "heading": int(r() * 360),
        "satellites": 4 + int(r() * 9),
    }


def _meter(ctx: BuildContext) -> dict[str, Any]:
    r = ctx.rng.random
    american = ctx.region.startswith(("us-", "ca-"))  # 120 V / 60 Hz mains, else 230 V / 50 Hz
    voltage = round((115 if american else 225) + r() * 10, 1)
    current = round(0.5 + r() * 15, 2)
    factor = round(0.85 + r() * 0.14, 2)
    return {
        "voltage": voltage,
        "currentA": current,
        "powerFactor": factor,
        "powerW": round(voltage * current * factor, 1),  # P = V * I * cos(phi)
        "energyKwh": round(r() * 90_000, 3),
        "frequencyHz": 60.0 if american else 50.0,
    }


_READINGS = {"environment": _environment, "tracker": _tracker, "meter": _meter}


def _telemetry(ctx: BuildContext, device_type: str, thing: str) -> dict[str, Any]:
    """A device's telemetry message: its own clock stamps it just before the broker gets it."""
    sent = ctx.time - timedelta(milliseconds=20 + int(ctx.rng.random() * 1500))
    message = {"deviceId": thing, "ts": epoch_ms(sent), **_READINGS[device_type](ctx)}
    if device_type != "meter":  # meters run on mains power
        message["battery"] = 20 + int(ctx.rng.random() * 81)
    message["firmware"] = aws.pick(ctx.rng, _FIRMWARE)
    return message


def _selected(ctx: BuildContext, o: Options, device_type: str, thing: str) -> dict[str, Any]:
    payload = o.payload
    if payload is None:
        return _telemetry(ctx, device_type, thing)
    if isinstance(payload, bytes):
        if len(payload) > MAX_MESSAGE_BYTES:
            ctx.fail("payload", f"{len(payload):,} bytes; an MQTT message is at most 128 KB")
        return {"data": base64.b64encode(payload).decode()}
    return dict(payload)


def build_iot(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """The output of a rule's ``SELECT`` on one MQTT message: device telemetry by default."""
    if o.payload is not None and o.device_type is not None:
        ctx.fail("device_type", "it picks the default telemetry; with payload, drop it")
    rng = ctx.rng
    device_type = o.device_type or aws.pick(rng, DEVICE_TYPES)
    # the thing name doubles as the MQTT client id, as AWS recommends
    thing = o.client_id if o.client_id is not None else f"{_PREFIX[device_type]}-{ctx.hex(6)}"
    client_id: str = thing
    if not 0 < len(client_id.encode()) <= MAX_CLIENT_ID_BYTES:
        ctx.fail("client_id", f"{len(client_id.encode())} bytes; AWS IoT allows 1 to 128")
    topic: str = o.topic
    if topic is None:
        topic = f"dt/{aws.pick(rng, _APPS)}/{aws.pick(rng, _SITES)}/{thing}/telemetry"
    _check_topic(ctx, topic)
    event = _selected(ctx, o, device_type, thing)
    if o.with_metadata:
        clash = [key for key in METADATA_KEYS if key in event]
        if clash:
            ctx.fail(
                "with_metadata",
                f"the payload has {clash[0]!r} already; with_metadata adds "
                f"{', '.join(METADATA_KEYS)} (topic(), clientid(), timestamp())",
            )
        # timestamp(): when the rules engine handled the message, epoch ms
        event.update(topic=topic, clientId=client_id, timestamp=epoch_ms(ctx.time))
    return event


def _serial(ctx: BuildContext) -> str:
    rng = ctx.rng
    tail = aws.chars(rng, 4, aws.UPPER_DIGITS)
    code = aws.pick(rng, _FACTORY_CODES)
    return f"G030{code}{rng.randrange(1, 10):02d}{rng.randrange(10_000):04d}{tail}"


def build_iot_button(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A click of the classic AWS IoT button, as its default rule forwards it."""
    serial: str = o.serial_number if o.serial_number is not None else _serial(ctx)
    if not _SERIAL.match(serial):
        ctx.fail(
            "serial_number",
            f"{serial!r} is not a button serial number: 'G' and 15 "
            "upper-case letters or digits, e.g. 'G030JF055364XVRB'",
        )
    voltage = o.battery_voltage
    if voltage is None:
        voltage = 1500 + int(ctx.rng.random() * 600)
    return {
        "serialNumber": serial,
        "clickType": o.click_type or aws.pick(ctx.rng, CLICK_TYPES),
        "batteryVoltage": f"{voltage}mV",
    }


SOURCES = (
    EventSource(
        id="iot",
        service="AWS IoT Core",
        invocation="async",
        builder=build_iot,
        description="IoT topic rule Lambda action: the rule's SELECT output (device telemetry)",
        options=(
            Option(
                "payload",
                (dict, bytes),
                "the selected message: a dict, or bytes of a "
                "binary message (sent as {'data': base64}, SELECT encode(*, 'base64'))",
            ),
            Option("topic", str, "the MQTT topic the message was published to (no wildcards)"),
            Option("client_id", str, "the MQTT client id of the publisher (clientid())"),
            Option(
                "with_metadata",
                bool,
                "add topic, clientId and timestamp as the rule's "
                "topic(), clientid(), timestamp() would",
                False,
            ),
            Option("device_type", str, "the default telemetry's device", choices=DEVICE_TYPES),
        ),
    ),
    EventSource(
        id="iot_button",
        service="AWS IoT Core",
        invocation="async",
        builder=build_iot_button,
        description="AWS IoT button click (serialNumber, clickType, batteryVoltage)",
        options=(
            Option("serial_number", str, "serialNumber: the button's DSN, e.g. G030JF055364XVRB"),
            Option("click_type", str, "clickType", choices=CLICK_TYPES),
            Option("battery_voltage", int, "batteryVoltage in millivolts", minimum=0, maximum=9999),
        ),
    ),
)
