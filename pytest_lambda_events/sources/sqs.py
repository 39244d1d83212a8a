"""Amazon SQS: the event an SQS event source mapping sends (standard and FIFO queues)."""

from __future__ import annotations

import base64
import hashlib
import struct
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, ROLES, business_json_from
from ..registry import EventSource, Option, Options

MAX_BATCH = 10_000  # standard queue; FIFO queues deliver at most 10 (semantics.md 4.1)
MAX_FIFO_BATCH = 10
MAX_MESSAGE_ATTRIBUTES = 10


if TYPE_CHECKING:
    _md5 = hashlib.md5
else:
    try:  # CPython's own MD5: a third cheaper to start than OpenSSL's for a message body
        from _md5 import md5 as _md5
    except ImportError:  # pragma: no cover - builds without it
        _md5 = hashlib.md5


def md5_of_body(body: str) -> str:
    return _md5(body.encode()).hexdigest()


def md5_of_message_attributes(attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
    """SQS's MD5 over message attributes: sorted by name, each encoded as length-prefixed name,
    data type, a transport byte (1 string/number, 2 binary) and the length-prefixed value."""
    if not attributes:
        return None
    digest = hashlib.md5()
    for name in sorted(attributes):
        attr = attributes[name]
        data_type = attr["dataType"]
        for part in (name.encode(), data_type.encode()):
            digest.update(struct.pack(">I", len(part)) + part)
        if data_type.startswith("Binary"):
            value = base64.b64decode(attr["binaryValue"])
            digest.update(b"\x02")
        else:
            value = attr["stringValue"].encode()
            digest.update(b"\x01")
        digest.update(struct.pack(">I", len(value)) + value)
    return digest.hexdigest()


def message_size(body: str, attributes: Mapping[str, Mapping[str, Any]] | None) -> int:
    """What SQS counts against the maximum message size: the body, and each attribute's name,
    data type and value (a binary value by its bytes, not its base64 text)."""
    size = len(body.encode())
    for name, attribute in (attributes or {}).items():
        size += len(name.encode()) + len(str(attribute["dataType"]).encode())
        if "binaryValue" in attribute:
            value = attribute["binaryValue"]
            size += len(value) if isinstance(value, bytes) else len(base64.b64decode(value))
        else:
            size += len(str(attribute.get("stringValue", "")).encode())
    return size


def message_attribute(value: Any) -> dict[str, Any]:
    """A Python value as an SQS message attribute (str, int/float, bytes, or the full dict)."""
    if isinstance(value, Mapping):
        return {"stringListValues": [], "binaryListValues": [], **value}
    if isinstance(value, bytes):
        encoded = base64.b64encode(value).decode()
        return {"binaryValue": encoded, "stringListValues": [], "binaryListValues": [],
                "dataType": "Binary"}  # fmt: skip
    data_type = "Number" if isinstance(value, int | float) and not isinstance(value, bool) else (
        "String")  # fmt: skip
    return {"stringValue": str(value), "stringListValues": [], "binaryListValues": [],
            "dataType": data_type}  # fmt: skip


def system_attributes(
    receive_count: str,
    sent_timestamp: str,
    sender_id: str,
    first_receive_timestamp: str | None,
    aws_trace_header: str | None = None,
    sequence_number: str | None = None,
    group_id: str | None = None,
    deduplication_id: str | None = None,
    dead_letter_queue_source_arn: str | None = None,
) -> dict[str, str]:
    """A record's ``attributes``: SQS system attributes, all strings, in AWS's order. FIFO
    queues add the sequence number, group id and deduplication id (``sequence_number`` set)."""
    attributes = {
        "ApproximateReceiveCount": receive_count,
        "SentTimestamp": sent_timestamp,
        "SenderId": sender_id,
    }
    if first_receive_timestamp is not None:
        attributes["ApproximateFirstReceiveTimestamp"] = first_receive_timestamp
    if aws_trace_header is not None:
        attributes["AWSTraceHeader"] = aws_trace_header
    if sequence_number is not None:
        attributes["SequenceNumber"] = sequence_number
        attributes["MessageGroupId"] = str(group_id)
        attributes["MessageDeduplicationId"] = str(deduplication_id)
    if dead_letter_queue_source_arn is not None:
        attributes["DeadLetterQueueSourceArn"] = dead_letter_queue_source_arn
    return attributes


def sqs_record(
    message_id: str,
    receipt_handle: str,
    body: str,
    attributes: dict[str, str],
    message_attributes: dict[str, Any],
    md5_of_message_attributes: str | None,
    queue_arn: str,
    region: str,
    md5_of_body: str | None = None,
) -> dict[str, Any]:
    """One record of an SQS event (semantics.md 4.2), from explicit values: the event builder
    and the harness's queues both build their records here. ``md5_of_body`` is computed from
    ``body`` unless the caller already has it."""
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": attributes,
        "messageAttributes": message_attributes,
        "md5OfBody": md5_of_body or _md5(body.encode()).hexdigest(),
        "md5OfMessageAttributes": md5_of_message_attributes,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _fifo_system(
    receive_count: str,
    sent: str,
    sender: str,
    first_receive: str,
    trace: str | None,
    sequence_number: str,
    group: str,
    body: str,
) -> dict[str, str]:
    # content-based deduplication: the SHA-256 of the body
    deduplication_id = hashlib.sha256(body.encode()).hexdigest()
    return system_attributes(
        receive_count, sent, sender, first_receive, trace, sequence_number, group, deduplication_id
    )


def standard_record(
    message_id: str,
    receipt_handle: str,
    body: str,
    md5_of_body: str,
    receive_count: str,
    sent_timestamp: str,
    sender_id: str,
    first_receive_timestamp: str,
    queue_arn: str,
    region: str,
) -> dict[str, Any]:
    """``sqs_record`` of a standard queue's message with no message attributes, trace header or
    dead-letter source (what most batches hold), its system attributes written inline: the
    builder's default batches and the harness's drains make one per message."""
    return {
        "messageId": message_id,
        "receiptHandle": receipt_handle,
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": receive_count,
            "SentTimestamp": sent_timestamp,
            "SenderId": sender_id,
            "ApproximateFirstReceiveTimestamp": first_receive_timestamp,
        },
        "messageAttributes": {},
        "md5OfBody": md5_of_body,
        "md5OfMessageAttributes": None,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


def _check_attributes(ctx: BuildContext, attributes: Mapping[str, Any]) -> dict[str, Any]:
    if len(attributes) > MAX_MESSAGE_ATTRIBUTES:
        ctx.fail("message_attributes", f"{len(attributes)} attributes; SQS allows at most 10")
    out = {}
    for name, value in attributes.items():
        if not isinstance(value, str | int | float | bytes | Mapping) or isinstance(value, bool):
            ctx.fail(
                "message_attributes",
                f"{name!r} has a {type(value).__name__}; use str, int, float, bytes or a dict "
                "with dataType and stringValue/binaryValue",
            )
        attr = message_attribute(value)
        if "dataType" not in attr or ("stringValue" not in attr and "binaryValue" not in attr):
            ctx.fail("message_attributes", f"{name!r} needs dataType and stringValue/binaryValue")
        out[name] = attr
    return out


def _bodies(o: Options, count: int, draws: aws.Draws) -> list[str]:
    if o.bodies is not None:
        return list(o.bodies)
    if o.body is not None:
        return [o.body] * count
    raw = draws.randbytes(32 * count)
    return [business_json_from(int.from_bytes(raw[i : i + 32])) for i in range(0, 32 * count, 32)]


def _count(ctx: BuildContext, o: Options) -> int:
    count: int | None = o.count
    if o.bodies is not None:
        if count is not None and count != len(o.bodies):
            ctx.fail("count", f"count={count} but {len(o.bodies)} bodies were given")
        count = len(o.bodies)
        if count == 0:
            ctx.fail("bodies", "an SQS event holds 1 to 10,000 messages, not 0")
    count = count or 1
    if o.fifo and count > MAX_FIFO_BATCH:
        ctx.fail("count", f"{count} messages; a FIFO queue delivers at most 10 per batch")
    return count


# options that leave a batch as a standard queue's default one: _standard_batch writes it
_PLAIN_BATCH = frozenset({"count", "region", "account_id", "time"})


def build_sqs(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.given_only(_PLAIN_BATCH):
        return _standard_batch(ctx, o.count or 1)
    fifo = bool(o.fifo) or (o.queue_name or "").endswith(".fifo")
    if o.given("group_id") and not o.group_id and fifo:
        ctx.fail("group_id", "a FIFO message needs a MessageGroupId (1 to 128 characters)")
    if o.group_id and not fifo:
        ctx.fail("group_id", "MessageGroupId is for FIFO queues; pass fifo=True")
    count = _count(ctx, o)
    # one draw for the queue (bits 0-14), group (15-18), sender (19-158), send time (159-177)
    # and FIFO sequence (178-237)
    b = ctx.getrandbits(238)
    queue = o.queue_name or f"{NOUNS[b % 20]}-{NOUNS[(b >> 5) % 20]}-{ROLES[(b >> 10) % 9]}"
    if fifo and not queue.endswith(".fifo"):
        queue += ".fifo"
    if not fifo and queue.endswith(".fifo"):
        ctx.fail("queue_name", f"{queue!r} ends in .fifo, which only FIFO queues may")
    queue_arn = ctx.arn("sqs", queue)
    attributes = _check_attributes(ctx, o.message_attributes or {})
    md5_attrs = md5_of_message_attributes(attributes)
    sender = o.sender_id or (
        f"AROA{aws.chars_from(b >> 19, 17, aws.UPPER_DIGITS)}:{ROLES[(b >> 155 & 15) % 9]}-session"
    )
    group = o.group_id or f"group-{1 + (b >> 15 & 15) % 5}"
    draws = ctx.draws_for(count * (256 + 128 + 160))
    bodies = _bodies(o, count, draws)
    received_ms = ctx.time_ms
    first_sent_ms = received_ms - count - 5 - (b >> 159 & 0x7FFFF) % 4995
    sequence = (b >> 178) + 10**19
    first_receive, receive_count = str(received_ms - 3), str(o.receive_count)
    trace, region = o.aws_trace_header or None, ctx.region
    message_ids = aws.uuid4s(draws, count)
    handles = aws.receipt_handles(draws, count)
    if fifo or attributes:
        records = [
            sqs_record(
                message_ids[i], handles[i], body,
                _fifo_system(receive_count, str(first_sent_ms + i), sender, first_receive, trace,
                             str(sequence + i * 65536), group, body) if fifo else
                system_attributes(receive_count, str(first_sent_ms + i), sender, first_receive,
                                  trace),
                {k: dict(v) for k, v in attributes.items()}, md5_attrs, queue_arn, region,
            )
            for i, body in enumerate(bodies)
        ]  # fmt: skip
    else:  # the common batch: positional calls in one comprehension (up to 10,000 records)
        records = [
            sqs_record(
                message_ids[i], handles[i], body,
                system_attributes(receive_count, str(first_sent_ms + i), sender, first_receive,
                                  trace),
                {}, None, queue_arn, region,
            )
            for i, body in enumerate(bodies)
        ]  # fmt: skip
    return {"Records": records}


def _standard_batch(ctx: BuildContext, count: int) -> dict[str, Any]:
    """``build_sqs`` of a standard queue's batch with no message options: the same draws and
    the same event, each record one ``standard_record`` call (the general path's calls per
    record cost a sixth of a batch's build; tests/sources/test_sqs.py checks both agree)."""
    b = ctx.getrandbits(238)
    queue = f"{NOUNS[b % 20]}-{NOUNS[(b >> 5) % 20]}-{ROLES[(b >> 10) % 9]}"
    queue_arn = f"arn:{ctx.partition}:sqs:{ctx.region}:{ctx.account_id}:{queue}"
    sender = (
        f"AROA{aws.chars_from(b >> 19, 17, aws.UPPER_DIGITS)}:{ROLES[(b >> 155 & 15) % 9]}-session"
    )
    draws = ctx.draws_for(count * (256 + 128 + 160))
    raw = draws.randbytes(32 * count)
    bodies = [business_json_from(int.from_bytes(raw[i : i + 32])) for i in range(0, 32 * count, 32)]
    received_ms = ctx.time_ms
    first_sent_ms = received_ms - count - 5 - (b >> 159 & 0x7FFFF) % 4995
    first_receive, region = str(received_ms - 3), ctx.region
    message_ids = aws.uuid4s(draws, count)
    handles = aws.receipt_handles(draws, count)
    return {"Records": [
        standard_record(
            message_ids[i], handles[i], body, _md5(body.encode()).hexdigest(), "1",
            str(first_sent_ms + i), sender, first_receive, queue_arn, region,
        )
        for i, body in enumerate(bodies)
    ]}  # fmt: skip


SOURCES = (
    EventSource(
        id="sqs",
        service="Amazon SQS",
        invocation="poll",
        builder=build_sqs,
        max_count=MAX_BATCH,
        description="SQS event source mapping batch (standard or FIFO queue)",
        options=(
            Option("body", str, "the body of every message"),
            Option("bodies", list, "one body per message (sets count)", item_type=str),
            Option("fifo", bool, "a FIFO queue: SequenceNumber, MessageGroupId, dedup id", False),
            Option("queue_name", str, "queue name (FIFO names end in .fifo)"),
            Option("group_id", str, "MessageGroupId of every message (FIFO only)"),
            Option("message_attributes", dict, "name -> str/int/float/bytes or attribute dict"),
            Option("receive_count", int, "ApproximateReceiveCount", 1, minimum=1, maximum=1000),
            Option("sender_id", str, "SenderId: the IAM unique id of the sender"),
            Option("aws_trace_header", str, "AWSTraceHeader (X-Ray Root=...;Parent=...)"),
        ),
    ),
)
