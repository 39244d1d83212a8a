"""SQS events (shapes.md section 6): Powertools-valid, with real MD5s and FIFO rules."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ATTRIBUTES = {"Author": "ana", "Retries": 3, "Ratio": 0.5, "Blob": b"\x00\x01binary"}


def _reference_md5_of_attributes(attributes: dict) -> str:
    """An independent rendering of SQS's algorithm: length-prefixed name, type, transport byte
    (1 string/number, 2 binary), length-prefixed value; attributes sorted by name."""
    out = b""
    for name in sorted(attributes):
        attr = attributes[name]
        kind = attr["dataType"]
        out += len(name).to_bytes(4, "big") + name.encode()
        out += len(kind).to_bytes(4, "big") + kind.encode()
        if "binaryValue" in attr:
            raw = base64.b64decode(attr["binaryValue"])
            out += b"\x02" + len(raw).to_bytes(4, "big") + raw
        else:
            raw = attr["stringValue"].encode()
            out += b"\x01" + len(raw).to_bytes(4, "big") + raw
    return hashlib.md5(out).hexdigest()


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", [{}, {"fifo": True}, {"message_attributes": ATTRIBUTES}])
def test_valid_under_the_powertools_model(seed, variant):
    event = build_event("sqs", seed=seed, count=1 + seed % 10, **variant)
    models.SqsModel.model_validate(event)


@pytest.mark.parametrize("seed", range(20))
def test_records_are_internally_consistent(seed):
    event = build_event("sqs", seed=seed, count=5, region="eu-west-2", account_id="210987654321",
                        message_attributes=ATTRIBUTES)  # fmt: skip
    records = event["Records"]
    assert len({r["messageId"] for r in records}) == 5
    for record in records:
        assert UUID.match(record["messageId"])
        assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
        assert record["md5OfMessageAttributes"] == _reference_md5_of_attributes(
            record["messageAttributes"])  # fmt: skip
        assert re.fullmatch(r"arn:aws:sqs:eu-west-2:210987654321:[a-z-]+", record["eventSourceARN"])
        assert record["awsRegion"] == "eu-west-2" and record["eventSource"] == "aws:sqs"
        attrs = record["attributes"]
        assert int(attrs["SentTimestamp"]) <= int(attrs["ApproximateFirstReceiveTimestamp"])
        assert re.fullmatch(r"\d{13}", attrs["SentTimestamp"])
        assert re.fullmatch(r"AROA[A-Z0-9]{17}:[a-z]+-session", attrs["SenderId"])
        assert record["receiptHandle"].startswith("AQEB")
        assert "SequenceNumber" not in attrs and "MessageGroupId" not in attrs
    sent = [int(r["attributes"]["SentTimestamp"]) for r in records]
    assert sent == sorted(sent)


def test_md5_of_attributes_matches_a_published_vector():
    """The MD5 of {"Author": String "ana"} computed by hand from the documented encoding."""
    record = build_event("sqs", seed=1, message_attributes={"Author": "ana"})["Records"][0]
    expected = hashlib.md5(
        b"\x00\x00\x00\x06Author\x00\x00\x00\x06String\x01\x00\x00\x00\x03ana"
    ).hexdigest()
    assert record["md5OfMessageAttributes"] == expected


def test_no_attributes_means_null_md5_and_empty_map():
    record = build_event("sqs", seed=2)["Records"][0]
    assert record["messageAttributes"] == {} and record["md5OfMessageAttributes"] is None


@pytest.mark.parametrize("seed", range(20))
def test_fifo_records_carry_group_sequence_and_deduplication(seed):
    records = build_event("sqs", seed=seed, fifo=True, count=10)["Records"]
    assert all(r["eventSourceARN"].endswith(".fifo") for r in records)
    sequences = [int(r["attributes"]["SequenceNumber"]) for r in records]
    assert sequences == sorted(sequences) and len(set(sequences)) == 10
    assert all(len(r["attributes"]["SequenceNumber"]) == 20 for r in records)
    assert len({r["attributes"]["MessageGroupId"] for r in records}) == 1
    for r in records:  # content-based deduplication: SHA-256 of the body
        assert (
            r["attributes"]["MessageDeduplicationId"]
            == hashlib.sha256(r["body"].encode()).hexdigest()
        )


def test_overrides_land_where_they_belong():
    event = build_event(
        "sqs", seed=3, bodies=["a", "b"], queue_name="orders.fifo", group_id="g1",
        receive_count=4, sender_id="AIDAEXAMPLE", aws_trace_header="Root=1-x",
    )  # fmt: skip
    first, second = event["Records"]
    assert (first["body"], second["body"]) == ("a", "b")
    assert first["eventSourceARN"].endswith(":orders.fifo")
    attrs = first["attributes"]
    assert attrs["MessageGroupId"] == "g1" and attrs["ApproximateReceiveCount"] == "4"
    assert attrs["SenderId"] == "AIDAEXAMPLE" and attrs["AWSTraceHeader"] == "Root=1-x"


def test_same_seed_same_event_and_records_do_not_share_attribute_dicts():
    event = build_event("sqs", seed=4, count=2, message_attributes={"a": "1"})
    assert event == build_event("sqs", seed=4, count=2, message_attributes={"a": "1"})
    first, second = event["Records"]
    first["messageAttributes"]["a"]["stringValue"] = "changed"
    assert second["messageAttributes"]["a"]["stringValue"] == "1"


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"count": 10_001}, r"sqs: count: 10001 is above AWS's maximum 10,000"),
        ({"count": 0}, r"sqs: count: 0 is below AWS's minimum 1"),
        ({"fifo": True, "count": 11}, r"sqs: count: 11 messages; a FIFO queue delivers at most 10"),
        ({"fifo": True, "group_id": None}, r"sqs: group_id: a FIFO message needs a MessageGroupId"),
        ({"group_id": "g"}, r"sqs: group_id: MessageGroupId is for FIFO queues; pass fifo=True"),
        ({"queue_name": "q.fifo", "fifo": False, "group_id": None}, r"group_id: a FIFO message"),
        ({"bodies": []}, r"sqs: bodies: an SQS event holds 1 to 10,000 messages, not 0"),
        ({"bodies": ["a"], "count": 2}, r"sqs: count: count=2 but 1 bodies were given"),
        ({"bodies": ["a", 1]}, r"sqs: bodies\[1\]: expected str, got int 1"),
        ({"message_attributes": {str(i): "v" for i in range(11)}},
         r"message_attributes: 11 attributes; SQS allows at most 10"),
        ({"message_attributes": {"a": [1]}}, r"'a' has a list; use str, int, float, bytes"),
        ({"message_attributes": {"a": {"dataType": "String"}}},
         r"'a' needs dataType and stringValue"),
        ({"receive_count": 0}, r"receive_count: 0 is below AWS's minimum 1"),
        ({"bodyy": "x"}, r"unknown override 'bodyy' \(did you mean 'body'\?\)"),
        ({"fifo": "yes"}, r"sqs: fifo: expected bool, got str 'yes'"),
    ],
)  # fmt: skip
def test_bad_input_is_a_clear_event_config_error(overrides, pattern):
    with pytest.raises(EventConfigError, match=pattern):
        build_event("sqs", seed=1, **overrides)


@pytest.mark.parametrize("count", [1, 2, 10, 150])
def test_the_plain_batch_path_writes_what_the_general_path_writes(count):
    """``count`` alone takes _standard_batch (its records written as literals); an option
    that changes nothing (receive_count=1) takes the general path, which must agree."""
    for seed in range(15):
        plain = build_event("sqs", seed=seed, count=count)
        assert plain == build_event("sqs", seed=seed, count=count, receive_count=1)
        assert len({r["receiptHandle"] for r in plain["Records"]}) == count
