"""Amazon Connect: the event a contact flow's "Invoke AWS Lambda function" block sends
(shapes.md 34)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms

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


def _phone(rng: Any) -> str:
    return f"+1{200 + int(rng.random() * 790)}55501{int(rng.random() * 100):02d}"


def _endpoint(ctx: BuildContext, o: Options, channel: str, who: str) -> dict[str, str] | None:
    """Customer or system endpoint: phone numbers for voice, addresses for e-mail, none else."""
    option = f"{who}_phone"
    given: str | None = getattr(o, option)
    if given is not None:
        if channel != "VOICE":
            ctx.fail(option, f"{channel} contacts have no phone endpoint; use channel='VOICE'")
        if not E164.match(given):
            ctx.fail(option, f"{given!r} is not E.164: '+', country code, number, 15 digits max")
        return {"Address": given, "Type": "TELEPHONE_NUMBER"}
    rng = ctx.rng
    if channel == "VOICE":
        return {"Address": _phone(rng), "Type": "TELEPHONE_NUMBER"}
    if channel == "EMAIL":
        local = aws.pick(rng, FIRST_NAMES).lower() if who == "customer" else "support"
        return {"Address": f"{local}@{aws.pick(rng, DOMAINS)}", "Type": "EMAIL_ADDRESS"}
    return None


def _media_streams(ctx: BuildContext, o: Options, channel: str, contact_id: str) -> Any:
    """Live media streaming: a Kinesis Video stream of the customer's audio, if started."""
    if not o.media_streaming:
        return {"Customer": {"Audio": None}}
    if channel != "VOICE":
        ctx.fail("media_streaming", f"only VOICE contacts stream audio, not {channel}")
    started = ctx.time - timedelta(milliseconds=500 + int(ctx.rng.random() * 20_000))
    stream = f"stream/connect-contact-{contact_id}/{epoch_ms(started) - 1}"
    return {
        "Customer": {
            "Audio": {
                "StartFragmentNumber": str(
                    91343852333181432392682062600000000000000000000 + ctx.rng.getrandbits(64)
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
    rng = ctx.rng
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
    ids = rng.randbytes(64)  # the instance, contact, earlier contact and queue ids in one draw
    instance = o.instance_id or aws.uuid4_from(ids)
    instance_arn = ctx.arn("connect", f"instance/{instance}")
    contact = o.contact_id or aws.uuid4_from(ids[16:])
    # a transfer continues an earlier contact; otherwise the contact is its own first contact
    previous = aws.uuid4_from(ids[32:]) if method in _TRANSFERS else contact
    initial = previous if method in _TRANSFERS else contact
    queued = o.queue_name is not None or (method in _TRANSFERS or rng.random() < 0.5)
    queue = None
    if queued:
        queue = {
            "ARN": f"{instance_arn}/queue/{aws.uuid4_from(ids[48:])}",
            "Name": o.queue_name or aws.pick(rng, QUEUES),
            "OutboundCallerId": {"Address": _phone(rng), "Type": "TELEPHONE_NUMBER"},
        }
    attributes = o.attributes
    if attributes is None:
        attributes = {"Language": "en-US", "intent": aws.pick(rng, NOUNS)}
    data = {
        "Attributes": dict(attributes),
        "AwsRegion": ctx.region,
        "Channel": channel,
        "ContactId": contact,
        "CustomerEndpoint": _endpoint(ctx, o, channel, "customer"),
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
        "SystemEndpoint": _endpoint(ctx, o, channel, "system"),
        "Tags": {"aws:connect:instanceId": instance},
    }
    parameters = o.parameters
    if parameters is None:
        parameters = {
            "lookupType": aws.pick(rng, ("order", "account", "ticket")),
            "retries": str(int(rng.random() * 3)),
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
