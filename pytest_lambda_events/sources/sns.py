"""Amazon SNS: the one-record event a topic's Lambda subscription delivers (shapes.md section 4),
and the JSON envelope SNS writes into an SQS queue's message body (shapes.md section 6).

The builder draws values; the harness (``world/sns.py``) takes them from its topics. Both hand
them to ``lambda_event`` / ``sqs_envelope``, so the two can never disagree on a shape.
"""

from __future__ import annotations

import base64
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
from ..content import NOUNS, WORDS, business_json
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z, iso_ms_z_of_ms
from . import _http

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
_PRIORITIES = ("1", "2", "3", "4", "5")
_DRAWN_BYTES = 43


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
    return _unsubscribe_prefix(region) + subscription_arn


@functools.lru_cache(maxsize=64)  # bounded: one entry per region in use
def _unsubscribe_prefix(region: str) -> str:
    return f"https://{endpoint(region)}/?Action=Unsubscribe&SubscriptionArn="


def draw_signature(rng: random.Random) -> str:
    """A base64 signature of the size SNS's RSA-2048 key makes (not a verifiable one)."""
    return base64.b64encode(rng.randbytes(SIGNATURE_BYTES)).decode()


def lambda_event(notification: Notification, subscription_arn: str) -> dict[str, Any]:
    """The event a Lambda subscription is invoked with: one record, ``SigningCertUrl`` and
    ``UnsubscribeUrl`` spelled as Lambda spells them, ``Subject`` null when none was given."""
    n = notification
    return _lambda_event(
        n.region, n.topic_arn, n.message_id, n.subject, n.message, iso_ms_z(n.timestamp),
        n.signature_version, n.signature, n.attributes, subscription_arn,
    )  # fmt: skip


def _lambda_event(
    region: str, topic_arn: str, message_id: str, subject: str | None, message: str,
    timestamp: str, signature_version: str, signature: str,
    attributes: dict[str, dict[str, Any]], subscription_arn: str,
) -> dict[str, Any]:  # fmt: skip
    """``lambda_event`` from plain values: the builder's path, without a ``Notification``."""
    sns = {
        "Type": "Notification",
        "MessageId": message_id,
        "TopicArn": topic_arn,
        "Subject": subject,
        "Message": message,
        "Timestamp": timestamp,
        "SignatureVersion": signature_version,
        "Signature": signature,
        "SigningCertUrl": signing_cert_url(region),
        "UnsubscribeUrl": _unsubscribe_prefix(region) + subscription_arn,
        "MessageAttributes": attributes,
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
    """The given message attributes, checked as SNS checks them."""
    given: dict[str, Any] = o.message_attributes
    if len(given) > MAX_ATTRIBUTES:
        ctx.fail("message_attributes", f"{len(given)} attributes; SNS allows at most 10")
    return {name: _check_attribute(ctx, name, value) for name, value in given.items()}


def _drawn_attributes(flags: int, noun: int) -> dict[str, dict[str, Any]]:
    """Half the messages are published without attributes, the others with two."""
    if flags & 1:
        return {}
    change = "updated" if flags & 2 else "created"
    return {
        "eventType": {"Type": "String", "Value": f"{NOUNS[noun % len(NOUNS)]}.{change}"},
        "priority": {"Type": "Number", "Value": _PRIORITIES[(flags >> 2) % len(_PRIORITIES)]},
    }


def _topic(ctx: BuildContext, o: Options) -> tuple[str, str]:
    """The given topic's ARN and region: from topic_arn, else topic_name in the world."""
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
    else:
        name, region, account = o.topic_name, ctx.region, ctx.account_id
    _check_topic_name(ctx, name)
    return aws.arn(aws.partition_of(region), "sns", region, account, name), region


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
    """The given Subject, checked (None: published without one)."""
    subject: str | None = o.subject
    problem = None if subject is None else subject_problem(subject)
    if problem is not None:
        ctx.fail("subject", f"{problem}; pass None for a message published without one")
    return subject


def _drawn_subject(raw: bytes) -> str | None:
    """From 6 random bytes: half the messages have no subject, the others a sentence of 2 to 5
    words (lower-case words, so ``capitalize`` only raises the first letter)."""
    flags = raw[0]
    if flags & 1:
        return None
    return " ".join([WORDS[b % len(WORDS)] for b in raw[1 : 3 + (flags >> 1 & 3)]]).capitalize()


def _message(ctx: BuildContext, o: Options) -> str:
    if o.message is None:
        return business_json(ctx)
    message: str = o.message
    problem = message_problem(message)
    if problem is not None:
        ctx.fail("message", problem)
    return message


def build_sns(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One SNS notification whose ARNs and URLs agree with the topic's region and account."""
    # one draw for the small values, in the pool block the message then draws from: topic
    # 0-2, attributes 3-4, subject 5-10, subscription id 11-26, message id 27-42 (its bytes
    # also pick the signature's parts: a signature is a function of the message)
    raw = ctx.getrandbits(8 * _DRAWN_BYTES).to_bytes(_DRAWN_BYTES, "little")
    if o.topic_arn is None and o.topic_name is None:
        region = ctx.region
        topic_arn = (
            f"arn:{ctx.partition}:sns:{region}:{ctx.account_id}:{NOUNS[raw[0] % len(NOUNS)]}-"
            f"{NOUNS[raw[1] % len(NOUNS)]}-{_TOPIC_SUFFIXES[raw[2] % len(_TOPIC_SUFFIXES)]}"
        )  # a drawn name is a valid standard topic name
    else:
        topic_arn, region = _topic(ctx, o)
    message_id = o.message_id or aws.uuid4_from(raw[27:43])
    return _lambda_event(
        region,
        topic_arn,
        message_id,
        _subject(ctx, o) if o.given("subject") else _drawn_subject(raw[5:11]),
        _message(ctx, o),
        iso_ms_z_of_ms(ctx.time_ms),
        o.signature_version,
        _http.opaque_b64(int.from_bytes(raw[27:31]), SIGNATURE_BYTES),  # not a verifiable one
        _drawn_attributes(raw[3], raw[4]) if o.message_attributes is None else _attributes(ctx, o),
        f"{topic_arn}:{aws.uuid4_from(raw[11:27])}",
    )


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
