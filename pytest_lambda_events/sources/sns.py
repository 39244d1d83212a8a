"""Amazon SNS: the one-record event a topic's Lambda subscription delivers (shapes.md section 4)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping
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
_TOPIC = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_TOPIC_ARN = re.compile(r"^arn:(aws[a-z-]*):sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$")
_ATTRIBUTE_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][+-]?\d+)?$")
_TOPIC_SUFFIXES = ("events", "notifications", "alerts", "updates", "topic")


def endpoint(region: str) -> str:
    """The SNS endpoint host of ``region`` (China regions live under amazonaws.com.cn)."""
    suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
    return f"sns.{region}.{suffix}"


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


def _check_attribute(ctx: BuildContext, name: str, value: Any) -> dict[str, Any]:
    if not _ATTRIBUTE_NAME.match(name) or name.lower().startswith(("aws.", "amazon.")):
        ctx.fail(
            "message_attributes",
            f"{name!r} is not an attribute name: 1-256 letters, digits, "
            "'_', '-', '.', not starting with 'AWS.' or 'Amazon.'",
        )
    if isinstance(value, bool) or not isinstance(
        value, str | int | float | bytes | list | tuple | Mapping
    ):
        ctx.fail(
            "message_attributes",
            f"{name!r} has a {type(value).__name__}; use str, int, "
            "float, bytes, a list, or a dict with Type and Value",
        )
    attr = sns_attribute(value)
    if attr["Type"] not in ATTRIBUTE_TYPES or not isinstance(attr["Value"], str):
        ctx.fail(
            "message_attributes",
            f"{name!r} needs Type (one of {', '.join(ATTRIBUTE_TYPES)}) and a string Value",
        )
    if attr["Type"] == "Number" and not _NUMBER.match(attr["Value"]):
        ctx.fail("message_attributes", f"{name!r}: Number value {attr['Value']!r} is not a number")
    return attr


def _attributes(ctx: BuildContext, o: Options) -> dict[str, dict[str, Any]]:
    given: dict[str, Any] | None = o.message_attributes
    if given is not None:
        if len(given) > MAX_ATTRIBUTES:
            ctx.fail("message_attributes", f"{len(given)} attributes; SNS allows at most 10")
        return {name: _check_attribute(ctx, name, value) for name, value in given.items()}
    rng = ctx.rng
    if rng.random() < 0.5:
        return {}
    noun = aws.pick(rng, NOUNS)
    return {
        "eventType": {"Type": "String", "Value": f"{noun}.{aws.pick(rng, ('created', 'updated'))}"},
        "priority": {"Type": "Number", "Value": str(rng.randint(1, 5))},
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
    else:
        rng = ctx.rng
        name = o.topic_name or f"{aws.resource_name(rng, NOUNS)}-{aws.pick(rng, _TOPIC_SUFFIXES)}"
        region, account = ctx.region, ctx.account_id
    _check_topic_name(ctx, name)
    return name, aws.arn(aws.partition_of(region), "sns", region, account, name), region, account


def _check_topic_name(ctx: BuildContext, name: str) -> None:
    if name.endswith(".fifo"):
        ctx.fail(
            "topic_name",
            f"{name!r} is a FIFO topic; FIFO topics deliver only to SQS queues, "
            "not to Lambda: use a standard topic name",
        )
    if not _TOPIC.match(name):
        ctx.fail("topic_name", f"{name!r} is not a topic name: 1-256 letters, digits, '-' or '_'")


def _subject(ctx: BuildContext, o: Options) -> str | None:
    if o.given("subject"):
        subject: str | None = o.subject
        if subject is not None and not (
            0 < len(subject) <= MAX_SUBJECT and subject.isascii() and subject.isprintable()
        ):
            ctx.fail(
                "subject",
                "SNS subjects are 1 to 100 printable ASCII characters, no line "
                "breaks; pass None for a message published without one",
            )
        return subject
    rng = ctx.rng
    return sentence(rng, rng.randint(2, 5))[:-1] if rng.random() < 0.5 else None


def _message(ctx: BuildContext, o: Options) -> str:
    if o.message is None:
        return business_json(ctx.rng)
    message: str = o.message
    size = len(message.encode())
    if not 0 < size <= MAX_MESSAGE_BYTES:
        ctx.fail("message", f"the message is {size:,} bytes; SNS messages are 1 to 262,144 bytes")
    return message


def build_sns(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One SNS notification whose ARNs and URLs agree with the topic's region and account."""
    rng = ctx.rng
    _name, topic_arn, region, _account = _topic(ctx, o)
    subscription_arn = f"{topic_arn}:{ctx.uuid()}"
    host = endpoint(region)
    # One signing certificate per region at a time, so the same URL for every topic there.
    cert = hashlib.md5(f"sns-signing-{region}".encode()).hexdigest()
    notification = {
        "Type": "Notification",
        "MessageId": o.message_id or ctx.uuid(),
        "TopicArn": topic_arn,
        "Subject": _subject(ctx, o),
        "Message": _message(ctx, o),
        "Timestamp": iso_ms_z(ctx.time),
        "SignatureVersion": o.signature_version,
        "Signature": base64.b64encode(rng.randbytes(256)).decode(),  # RSA-2048 signature size
        "SigningCertUrl": f"https://{host}/SimpleNotificationService-{cert}.pem",
        "UnsubscribeUrl": f"https://{host}/?Action=Unsubscribe&SubscriptionArn={subscription_arn}",
        "MessageAttributes": _attributes(ctx, o),
    }
    return {
        "Records": [
            {
                "EventSource": "aws:sns",
                "EventVersion": "1.0",
                "EventSubscriptionArn": subscription_arn,
                "Sns": notification,
            }
        ]
    }


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
