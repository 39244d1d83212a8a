"""Amazon SNS: the one-record event a topic's Lambda subscription delivers (shapes.md section 4),
and the JSON envelope SNS writes into an SQS queue's message body (shapes.md section 6).

The builder draws values; the harness (``world/sns.py``) takes them from its topics. Both hand
them to ``lambda_event`` / ``sqs_envelope``, so the two can never disagree on a shape.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import json
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, business_json, sentence
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z

ATTRIBUTE_TYPES = ("String", "String.Array", "Number", "Binary")
MAX_MESSAGE_BYTES = 256 * 1024
MAX_SUBJECT = 100
MAX_ATTRIBUTES = 10
SIGNATURE_BYTES = 256  # an RSA-2048 signature
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOPIC_ARN = re.compile(r"^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_TOPIC_SUFFIXES = ("events", "notifications", "alerts", "updates", "topic")


@dataclass(frozen=True)
class Notification:
    """One published SNS message: what every subscription of the topic is sent."""

    topic_arn: str
    message_id: str
    message: str
    subject: str | None
    timestamp: datetime
    signature: str
    signature_version: str = "1"
    attributes: dict[str, dict[str, Any]] = field(default_factory=dict)
    sequence_number: str | None = None  # FIFO topics only

    @property
    def region(self) -> str:
        return self.topic_arn.split(":")[3]


def endpoint(region: str) -> str:
    """The SNS endpoint host of ``region`` (China regions live under amazonaws.com.cn)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"sns.{region}.{suffix}"


@functools.lru_cache(maxsize=64)  # bounded: one entry per region in use (md5 costs ~1 µs)
def signing_cert_url(region: str) -> str:
    # One signing certificate per region at a time, so the same URL for every topic there.
    cert = hashlib.md5(f"sns-signing-{region}".encode()).hexdigest()
    return f"https://{endpoint(region)}/SimpleNotificationService-{cert}.pem"


def unsubscribe_url(region: str, subscription_arn: str) -> str:
    return f"https://{endpoint(region)}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}"


def draw_signature(rng: random.Random) -> str:
    """A base64 signature of the size SNS's RSA-2048 key makes (not a verifiable one)."""
    return base64.b64encode(rng.randbytes(SIGNATURE_BYTES)).decode()


def lambda_event(notification: Notification, subscription_arn: str) -> dict[str, Any]:
    """The event a Lambda subscription is invoked with: one record, ``SigningCertUrl`` and
    ``UnsubscribeUrl`` spelled as Lambda spells them, ``Subject`` null when none was given."""
    n = notification
    region = n.region
    sns = {
        "Type": "Notification",
        "MessageId": n.message_id,
        "TopicArn": n.topic_arn,
        "Subject": n.subject,
        "Message": n.message,
        "Timestamp": iso_ms_z(n.timestamp),
        "SignatureVersion": n.signature_version,
        "Signature": n.signature,
        "SigningCertUrl": signing_cert_url(region),
        "UnsubscribeUrl": unsubscribe_url(region, subscription_arn),
        "MessageAttributes": n.attributes,
    }
    record = {"EventSource": "aws:sns", "EventVersion": "1.0",
              "EventSubscriptionArn": subscription_arn, "Sns": sns}  # fmt: skip
    return {"Records": [record]}


def sqs_envelope(notification: Notification, subscription_arn: str) -> dict[str, Any]:
    """The JSON document SNS writes as an SQS message body when raw delivery is off: HTTP
    spelling (``SigningCertURL``), ``Subject`` and ``MessageAttributes`` only when present.
    FIFO topics add ``SequenceNumber`` and send no signature (powertools snsSqsFifoEvent)."""
    n = notification
    envelope: dict[str, Any] = {"Type": "Notification", "MessageId": n.message_id}
    if n.sequence_number is not None:
        envelope["SequenceNumber"] = n.sequence_number
    envelope["TopicArn"] = n.topic_arn
    if n.subject is not None:
        envelope["Subject"] = n.subject
    envelope.update(Message=n.message, Timestamp=iso_ms_z(n.timestamp))
    if n.sequence_number is None:
        envelope.update(SignatureVersion=n.signature_version, Signature=n.signature,
                        SigningCertURL=signing_cert_url(n.region))  # fmt: skip
    envelope["UnsubscribeURL"] = unsubscribe_url(n.region, subscription_arn)
    if n.attributes:
        envelope["MessageAttributes"] = n.attributes
    return envelope


def sqs_body(notification: Notification, subscription_arn: str) -> str:
    """``sqs_envelope`` as the text SNS writes: two-space indent, ``" : "`` between key and
    value, each message attribute on one line as compact JSON, non-ASCII text left as is
    (as SQS messages captured from SNS show it)."""
    envelope = sqs_envelope(notification, subscription_arn)
    attributes = envelope.pop("MessageAttributes", None)
    lines = [f"  {_text(key)} : {_text(value)}" for key, value in envelope.items()]
    if attributes:
        inner = ",\n".join(
            f"    {_text(name)} : {_text(attr)}" for name, attr in attributes.items()
        )
        lines.append(f'  "MessageAttributes" : {{\n{inner}\n  }}')
    return "{\n" + ",\n".join(lines) + "\n}"


def _text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sns_attribute(value: Any) -> dict[str, Any]:
    """A Python value as an SNS message attribute: str -> String, int/float -> Number,
    bytes -> Binary (base64), list -> String.Array (JSON), or a ready {"Type", "Value"} dict."""
    if isinstance(value, Mapping):
        return {"Type": value.get("Type"), "Value": value.get("Value")}
    if isinstance(value, bytes):
        return {"Type": "Binary", "Value": base64.b64encode(value).decode()}
    if isinstance(value, list | tuple):
        return {"Type": "String.Array", "Value": json.dumps(list(value), separators=(",", ":"))}
    if isinstance(value, int | float):
        return {"Type": "Number", "Value": str(value)}
    return {"Type": "String", "Value": str(value)}


def attribute_problem(name: str, value: Any) -> str | None:
    """Why SNS would refuse the message attribute ``name`` = ``value``, or None."""
    if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith(("aws.", "amazon.")):
        return (
            f"{name!r} is not an attribute name: 1-256 letters, digits, "
            "'_', '-', '.', not starting with 'AWS.' or 'Amazon.'"
        )
    if isinstance(value, bool) or not isinstance(
        value, str | int | float | bytes | list | tuple | Mapping
    ):
        return (
            f"{name!r} has a {type(value).__name__}; use str, int, "
            "float, bytes, a list, or a dict with Type and Value"
        )
    attr = sns_attribute(value)
    if attr["Type"] not in ATTRIBUTE_TYPES or not isinstance(attr["Value"], str):
        return f"{name!r} needs Type (one of {', '.join(ATTRIBUTE_TYPES)}) and a string Value"
    if attr["Type"] == "Number" and not _NUMBER.match(attr["Value"]):
        return f"{name!r}: Number value {attr['Value']!r} is not a number"
    return None


def topic_name_problem(name: str) -> str | None:
    """Why SNS would refuse ``name`` as a topic name (FIFO topic names end in ``.fifo``)."""
    if len(name) <= 256 and _TOPIC.match(name.removesuffix(".fifo")):
        return None
    return f"{name!r} is not a topic name: 1-256 letters, digits, '-' or '_' (FIFO: then .fifo)"


def subject_problem(subject: str) -> str | None:
    """Why SNS would refuse ``subject``, or None."""
    if 0 < len(subject) <= MAX_SUBJECT and subject.isascii() and subject.isprintable():
        return None
    return "SNS subjects are 1 to 100 printable ASCII characters, no line breaks"


def message_problem(message: str) -> str | None:
    """Why SNS would refuse ``message`` (by its UTF-8 size), or None."""
    size = len(message.encode())
    if 0 < size <= MAX_MESSAGE_BYTES:
        return None
    return f"the message is {size:,} bytes; SNS messages are 1 to 262,144 bytes"


def _check_attribute(ctx: BuildContext, name: str, value: Any) -> dict[str, Any]:
    problem = attribute_problem(name, value)
    if problem is not None:
        ctx.fail("message_attributes", problem)
    return sns_attribute(value)


def _attributes(ctx: BuildContext, o: Options) -> dict[str, dict[str, Any]]:
    given: dict[str, Any] | None = o.message_attributes
    if given is not None:
        if len(given) > MAX_ATTRIBUTES:
            ctx.fail("message_attributes", f"{len(given)} attributes; SNS allows at most 10")
        return {name: _check_attribute(ctx, name, value) for name, value in given.items()}
    bits = ctx.rng.getrandbits(32)
    if bits & 1:  # half the messages are published without attributes
        return {}
    change = "updated" if bits & 2 else "created"
    return {
        "eventType": {
            "Type": "String",
            "Value": f"{NOUNS[(bits >> 8 & 255) % len(NOUNS)]}.{change}",
        },
        "priority": {"Type": "Number", "Value": str(1 + (bits >> 16 & 255) % 5)},
    }


def _topic(ctx: BuildContext, o: Options) -> tuple[str, str, str, str]:
    """Topic name, topic ARN, region and account: from topic_arn when given, else the world."""
    if o.topic_arn is not None:
        match = _TOPIC_ARN.match(o.topic_arn)
        if not match:
            ctx.fail(
                "topic_arn",
                f"{o.topic_arn!r} is not an SNS topic ARN "
                "'arn:<partition>:sns:<region>:<account>:<topic>'",
            )
        partition, region, account, name = match.groups()
        if o.given("region") and region != ctx.region:
            ctx.fail("topic_arn", f"the ARN's region {region!r} differs from region={ctx.region!r}")
        if o.given("account_id") and account != ctx.account_id:
            ctx.fail("topic_arn", f"the ARN's account {account} differs from account_id")
        if partition != aws.partition_of(region):
            ctx.fail("topic_arn", f"region {region!r} is in partition {aws.partition_of(region)!r}")
        if o.topic_name is not None and o.topic_name != name:
            ctx.fail(
                "topic_name", f"{o.topic_name!r} differs from the topic in topic_arn ({name!r})"
            )
    elif o.topic_name is None:  # a drawn name is a valid standard topic name
        bits = ctx.rng.getrandbits(24)
        noun, other = NOUNS[(bits & 255) % len(NOUNS)], NOUNS[(bits >> 8 & 255) % len(NOUNS)]
        name = f"{noun}-{other}-{_TOPIC_SUFFIXES[(bits >> 16) % len(_TOPIC_SUFFIXES)]}"
        return name, ctx.arn("sns", name), ctx.region, ctx.account_id
    else:
        name, region, account = o.topic_name, ctx.region, ctx.account_id
    _check_topic_name(ctx, name)
    return name, aws.arn(aws.partition_of(region), "sns", region, account, name), region, account


def _check_topic_name(ctx: BuildContext, name: str) -> None:
    if name.endswith(".fifo"):
        ctx.fail(
            "topic_name",
            f"{name!r} is a FIFO topic; FIFO topics deliver only to SQS queues, "
            "not to Lambda: use a standard topic name",
        )
    problem = topic_name_problem(name)
    if problem is not None:
        ctx.fail("topic_name", problem)


def _subject(ctx: BuildContext, o: Options) -> str | None:
    if o.given("subject"):
        subject: str | None = o.subject
        problem = None if subject is None else subject_problem(subject)
        if problem is not None:
            ctx.fail("subject", f"{problem}; pass None for a message published without one")
        return subject
    rng = ctx.rng
    r = rng.random()
    return sentence(rng, 2 + int(r * 8))[:-1] if r < 0.5 else None  # 2 to 5 words


def _message(ctx: BuildContext, o: Options) -> str:
    if o.message is None:
        return business_json(ctx.rng)
    message: str = o.message
    problem = message_problem(message)
    if problem is not None:
        ctx.fail("message", problem)
    return message


def build_sns(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One SNS notification whose ARNs and URLs agree with the topic's region and account."""
    _name, topic_arn, _region, _account = _topic(ctx, o)
    raw = ctx.rng.randbytes(SIGNATURE_BYTES + 32)  # the signature, then two UUIDs
    subscription_arn = f"{topic_arn}:{aws.uuid4_from(raw[SIGNATURE_BYTES:])}"
    message_id = o.message_id or aws.uuid4_from(raw[SIGNATURE_BYTES + 16 :])
    subject = _subject(ctx, o)
    message = _message(ctx, o)
    signature = binascii.b2a_base64(raw[:SIGNATURE_BYTES], newline=False).decode()
    notification = Notification(
        topic_arn=topic_arn, message_id=message_id, message=message, subject=subject,
        timestamp=ctx.time, signature=signature, signature_version=o.signature_version,
        attributes=_attributes(ctx, o),
    )  # fmt: skip
    return lambda_event(notification, subscription_arn)


SOURCES = (
    EventSource(
        id="sns",
        service="Amazon SNS",
        invocation="async",
        builder=build_sns,
        description="SNS notification delivered to a Lambda subscription (one record)",
        options=(
            Option(
                "topic_name", str, "topic name (standard topics only: FIFO cannot reach Lambda)"
            ),
            Option("topic_arn", str, "topic ARN; its region and account are used for the event"),
            Option("message", str, "the Message text (default: a JSON document as a string)"),
            Option("subject", str, "Subject (None: published without a subject, sent as null)"),
            Option(
                "message_attributes",
                dict,
                "name -> str/int/float/bytes/list or {'Type': ..., 'Value': ...}",
            ),
            Option("message_id", str, "MessageId (a UUID; kept across retried deliveries)"),
            Option(
                "signature_version",
                str,
                "SignatureVersion: '1' (SHA1) or '2' (SHA256)",
                "1",
                choices=("1", "2"),
            ),
        ),
    ),
)
