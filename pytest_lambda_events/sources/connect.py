"""Amazon Connect: the event a contact flow's "Invoke AWS Lambda function" block sends
(shapes.md 34)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS, epoch_ms

CHANNELS = ("VOICE", "CHAT", "TASK", "EMAIL")
INITIATION_METHODS = (
    "INBOUND",
    "OUTBOUND",
    "TRANSFER",
    "CALLBACK",
    "API",
    "QUEUE_TRANSFER",
    "DISCONNECT",
    "MONITOR",
    "EXTERNAL_OUTBOUND",
    "WEBRTC_API",
)
# how each channel's contacts usually start
_DEFAULT_METHOD = {"VOICE": "INBOUND", "CHAT": "API", "TASK": "API", "EMAIL": "INBOUND"}
_TRANSFERS = ("TRANSFER", "QUEUE_TRANSFER")
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
QUEUES = ("BasicQueue", "Billing", "Support", "Sales", "Returns")
_MASK_64 = (1 << 64) - 1


def _phone(bits: int) -> str:
    """A US number in E.164 from the 555-01xx block reserved for fiction (17 bits)."""
    return f"+1{200 + (bits & 1023) % 790}55501{TWO_DIGITS[(bits >> 10 & 127) % 100]}"


def _endpoint(
    ctx: BuildContext, o: Options, channel: str, who: str, bits: int
) -> dict[str, str] | None:
    """Customer or system endpoint: phone numbers for voice, addresses for e-mail, none else
    (from 17 bits)."""
    option = f"{who}_phone"
    given: str | None = getattr(o, option)
    if given is not None:
        if channel != "VOICE":
            ctx.fail(option, f"{channel} contacts have no phone endpoint; use channel='VOICE'")
        if not E164.match(given):
            ctx.fail(option, f"{given!r} is not E.164: '+', country code, number, 15 digits max")
        return {"Address": given, "Type": "TELEPHONE_NUMBER"}
    if channel == "VOICE":
        return {"Address": _phone(bits), "Type": "TELEPHONE_NUMBER"}
    if channel == "EMAIL":
        name = FIRST_NAMES[(bits & 255) % len(FIRST_NAMES)]
        local = name.lower() if who == "customer" else "support"
        return {"Address": f"{local}@{DOMAINS[(bits >> 8 & 3) % 3]}", "Type": "EMAIL_ADDRESS"}
    return None


def _media_streams(ctx: BuildContext, o: Options, channel: str, contact_id: str) -> Any:
    """Live media streaming: a Kinesis Video stream of the customer's audio, if started."""
    if not o.media_streaming:
        return {"Customer": {"Audio": None}}
    if channel != "VOICE":
        ctx.fail("media_streaming", f"only VOICE contacts stream audio, not {channel}")
    bits = ctx.getrandbits(80)
    started = ctx.time - timedelta(milliseconds=500 + (bits >> 64) % 20_000)
    stream = f"stream/connect-contact-{contact_id}/{epoch_ms(started) - 1}"
    return {
        "Customer": {
            "Audio": {
                "StartFragmentNumber": str(
                    91343852333181432392682062600000000000000000000 + (bits & _MASK_64)
                ),
                "StartTimestamp": str(epoch_ms(started)),
                "StreamARN": ctx.arn("kinesisvideo", stream),
            }
        }
    }


def _check_strings(ctx: BuildContext, option: str, values: dict[str, Any] | None) -> None:
    for key, value in (values or {}).items():
        if not isinstance(value, str):
            ctx.fail(option, f"{key!r} is a {type(value).__name__}; Connect passes strings only")


def build_connect(ctx: BuildContext, o: Options) -> dict[str, Any]:
    channel: str = o.channel or "VOICE"
    method: str = o.initiation_method or _DEFAULT_METHOD[channel]
    if channel != "VOICE" and method in ("OUTBOUND", "CALLBACK", "MONITOR", "QUEUE_TRANSFER"):
        ctx.fail(
            "initiation_method",
            f"{method} is for VOICE contacts; {channel} contacts "
            "start INBOUND, API, TRANSFER or DISCONNECT",
        )
    _check_strings(ctx, "attributes", o.attributes)
    _check_strings(ctx, "parameters", o.parameters)
    # one draw for the contact: the instance, contact and queue ids (384 bits) and 78 bits of
    # choices (the first pool block holds them); a transfer draws its earlier contact's id
    b = ctx.getrandbits(462)
    small = b >> 384
    instance = o.instance_id or uuid4_from_bits(b)
    instance_arn = ctx.arn("connect", f"instance/{instance}")
    contact = o.contact_id or uuid4_from_bits(b >> 128)
    # a transfer continues an earlier contact; otherwise the contact is its own first contact
    previous = uuid4_from_bits(ctx.getrandbits(128)) if method in _TRANSFERS else contact
    initial = previous if method in _TRANSFERS else contact
    queued = o.queue_name is not None or method in _TRANSFERS or bool(small & 1)
    queue = None
    if queued:
        queue = {
            "ARN": f"{instance_arn}/queue/{uuid4_from_bits(b >> 256)}",
            "Name": o.queue_name or QUEUES[(small >> 1 & 7) % len(QUEUES)],
            "OutboundCallerId": {"Address": _phone(small >> 4), "Type": "TELEPHONE_NUMBER"},
        }
    attributes = o.attributes
    if attributes is None:
        attributes = {"Language": "en-US", "intent": NOUNS[(small >> 21 & 31) % len(NOUNS)]}
    data = {
        "Attributes": dict(attributes),
        "AwsRegion": ctx.region,
        "Channel": channel,
        "ContactId": contact,
        "CustomerEndpoint": _endpoint(ctx, o, channel, "customer", small >> 26),
        "CustomerId": None,
        "Description": None,
        "InitialContactId": initial,
        "InitiationMethod": method,
        "InstanceARN": instance_arn,
        "LanguageCode": "en-US",
        "MediaStreams": _media_streams(ctx, o, channel, contact),
        "Name": None,
        "PreviousContactId": previous,
        "Queue": queue,
        "References": {},
        "RelatedContactId": None,
        "SegmentAttributes": {"connect:Subtype": {"ValueString": f"connect:{_SUBTYPES[channel]}"}},
        "SystemEndpoint": _endpoint(ctx, o, channel, "system", small >> 43),
        "Tags": {"aws:connect:instanceId": instance},
    }
    parameters = o.parameters
    if parameters is None:
        parameters = {
            "lookupType": ("order", "account", "ticket")[(small >> 60 & 15) % 3],
            "retries": "012"[(small >> 64 & 15) % 3],
        }
    return {
        "Name": "ContactFlowEvent",
        "Details": {"ContactData": data, "Parameters": dict(parameters)},
    }


_SUBTYPES = {"VOICE": "Telephony", "CHAT": "Chat", "TASK": "Task", "EMAIL": "Email"}


SOURCES = (
    EventSource(
        id="connect",
        service="Amazon Connect",
        invocation="sync",
        builder=build_connect,
        description="Amazon Connect contact flow Lambda invocation (ContactFlowEvent)",
        options=(
            Option("channel", str, "ContactData.Channel", choices=CHANNELS),
            Option(
                "initiation_method", str, "ContactData.InitiationMethod", choices=INITIATION_METHODS
            ),
            Option("contact_id", str, "ContactId (a UUID)"),
            Option("instance_id", str, "the Connect instance id (a UUID) in InstanceARN"),
            Option("customer_phone", str, "CustomerEndpoint.Address in E.164 (VOICE)"),
            Option("system_phone", str, "SystemEndpoint.Address in E.164 (VOICE)"),
            Option("queue_name", str, "Queue.Name (sets a queue; default: sometimes none yet)"),
            Option("attributes", dict, "contact Attributes (string values)"),
            Option("parameters", dict, "the block's Parameters (string values)"),
            Option("media_streaming", bool, "live media streaming started (VOICE only)", False),
        ),
    ),
)
