"""AWS IoT Core (shapes.md 24): what a topic rule's Lambda action sends, and the classic AWS IoT
button's click. A rule sends the output of its SQL ``SELECT`` on the MQTT message: any JSON,
without an envelope; a binary message reaches Lambda only wrapped, as
``SELECT encode(*, 'base64') AS data``."""

from __future__ import annotations

import base64
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS

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
_UPPER_DIGITS_TABLE = aws.byte_table(aws.UPPER_DIGITS)
_M32 = 0xFFFFFFFF
_LINES = TWO_DIGITS[1:10]
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


# Readings are whole numbers of tenths (hundredths...) divided once: the nearest float to a
# decimal prints as that decimal, as round() would give, at a fraction of round()'s cost. Each
# reading scales a 32-bit slice of one draw (``x * n >> 32`` is int(random() * n)).
def _environment(b: int, thing: str, ts: int, region: str) -> dict[str, Any]:
    return {
        "deviceId": thing,
        "ts": ts,
        "temperature": (150 + ((b & _M32) * 150 >> 32)) / 10,
        "humidity": (250 + ((b >> 32 & _M32) * 500 >> 32)) / 10,
        "pressure": (9900 + ((b >> 64 & _M32) * 400 >> 32)) / 10,
        "co2": 400 + ((b >> 96 & _M32) * 900 >> 32),
    }


def _tracker(b: int, thing: str, ts: int, region: str) -> dict[str, Any]:
    return {
        "deviceId": thing,
        "ts": ts,
        "lat": (((b & _M32) * 130_000_000 >> 32) - 60_000_000) / 1_000_000,
        "lon": (((b >> 32 & _M32) * 360_000_000 >> 32) - 180_000_000) / 1_000_000,
        "speedKmh": ((b >> 64 & _M32) * 1100 >> 32) / 10,
        "heading": (b >> 96 & _M32) * 360 >> 32,
        "satellites": 4 + ((b >> 128 & _M32) * 9 >> 32),
    }


def _meter(b: int, thing: str, ts: int, region: str) -> dict[str, Any]:
    american = region.startswith(("us-", "ca-"))  # 120 V / 60 Hz mains, else 230 V / 50 Hz
    voltage = ((1150 if american else 2250) + ((b & _M32) * 100 >> 32)) / 10
    current = (50 + ((b >> 32 & _M32) * 1500 >> 32)) / 100
    factor = (85 + ((b >> 64 & _M32) * 15 >> 32)) / 100
    return {
        "deviceId": thing,
        "ts": ts,
        "voltage": voltage,
        "currentA": current,
        "powerFactor": factor,
        "powerW": round(voltage * current * factor, 1),  # P = V * I * cos(phi)
        "energyKwh": ((b >> 96 & _M32) * 90_000_000 >> 32) / 1000,
        "frequencyHz": 60.0 if american else 50.0,
    }


_READINGS = {"environment": _environment, "tracker": _tracker, "meter": _meter}


def _telemetry(device_type: str, thing: str, b: int, now_ms: int, region: str) -> dict[str, Any]:
    """A device's telemetry message from the bits above the names' 64 of ``b``: its own clock
    stamps it just before the broker gets it."""
    ts = now_ms - 20 - ((b >> 64 & _M32) * 1500 >> 32)
    message = _READINGS[device_type](b >> 96, thing, ts, region)
    if device_type != "meter":  # meters run on mains power
        message["battery"] = 20 + (b >> 48 & 255) % 81
    message["firmware"] = _FIRMWARE[(b >> 56 & 255) % len(_FIRMWARE)]
    return message


def _selected(
    ctx: BuildContext, o: Options, device_type: str, thing: str, b: int, now_ms: int
) -> dict[str, Any]:
    payload = o.payload
    if payload is None:
        return _telemetry(device_type, thing, b, now_ms, ctx.region)
    if isinstance(payload, bytes):
        if len(payload) > MAX_MESSAGE_BYTES:
            ctx.fail("payload", f"{len(payload):,} bytes; an MQTT message is at most 128 KB")
        return {"data": base64.b64encode(payload).decode()}
    return dict(payload)


def build_iot(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """The output of a rule's ``SELECT`` on one MQTT message: device telemetry by default."""
    if o.payload is not None and o.device_type is not None:
        ctx.fail("device_type", "it picks the default telemetry; with payload, drop it")
    # one draw for the whole event: names, battery and firmware in the low 64 bits, then the
    # telemetry's clock and readings
    b = ctx.getrandbits(256)
    device_type = o.device_type or DEVICE_TYPES[(b & 255) % len(DEVICE_TYPES)]
    # the thing name doubles as the MQTT client id, as AWS recommends
    thing: str | None = o.client_id
    if thing is None:
        thing = f"{_PREFIX[device_type]}-{b >> 8 & 0xFFFFFF:06x}"
    elif not 0 < len(thing.encode()) <= MAX_CLIENT_ID_BYTES:
        ctx.fail("client_id", f"{len(thing.encode())} bytes; AWS IoT allows 1 to 128")
    topic: str | None = o.topic
    if topic is None:
        app, site = _APPS[(b >> 32 & 255) % len(_APPS)], _SITES[(b >> 40 & 255) % len(_SITES)]
        topic = f"dt/{app}/{site}/{thing}/telemetry"
    if o.topic is not None or o.client_id is not None:  # drawn names are valid already
        _check_topic(ctx, topic)
    now_ms = ctx.time_ms
    event = _selected(ctx, o, device_type, thing, b, now_ms)
    if o.with_metadata:
        clash = [key for key in METADATA_KEYS if key in event]
        if clash:
            ctx.fail(
                "with_metadata",
                f"the payload has {clash[0]!r} already; with_metadata adds "
                f"{', '.join(METADATA_KEYS)} (topic(), clientid(), timestamp())",
            )
        # timestamp(): when the rules engine handled the message, epoch ms
        event.update(topic=topic, clientId=thing, timestamp=now_ms)
    return event


def _serial(raw: bytes) -> str:
    """A button DSN such as ``G030JF055364XVRB`` from the first 8 of ``raw``: factory, line
    (01-09), a four-digit unit and four letters or digits, each cut from tables (a format spec
    or a modulo of a big int costs more than the whole lookup)."""
    tail = raw[:4].translate(_UPPER_DIGITS_TABLE).decode()
    unit = TWO_DIGITS[raw[4] % 100] + TWO_DIGITS[raw[5] % 100]
    return f"G030{_FACTORY_CODES[raw[7] & 3]}{_LINES[raw[6] % 9]}{unit}{tail}"


def build_iot_button(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A click of the classic AWS IoT button, as its default rule forwards it."""
    raw = ctx.getrandbits(88).to_bytes(11, "little")  # one draw: serial, voltage, click
    serial: str | None = o.serial_number
    if serial is None:
        serial = _serial(raw)
    elif not _SERIAL.match(serial):
        ctx.fail(
            "serial_number",
            f"{serial!r} is not a button serial number: 'G' and 15 "
            "upper-case letters or digits, e.g. 'G030JF055364XVRB'",
        )
    voltage = o.battery_voltage
    if voltage is None:
        voltage = 1500 + (raw[8] | raw[9] << 8) % 600
    return {
        "serialNumber": serial,
        "clickType": o.click_type or CLICK_TYPES[raw[10] % 3],
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
