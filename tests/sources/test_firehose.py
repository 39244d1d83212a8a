"""The ``firehose`` source: Firehose data-transformation batches (shapes.md 26)."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from itertools import pairwise

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

T0 = datetime(2025, 5, 6, 7, 8, 9, 500_000, tzinfo=UTC)
T0_MS = 1746515289500


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("source_stream", [None, True])
def test_validates_with_powertools(seed: int, source_stream: bool | None) -> None:
    event = build_event("firehose", seed, count=5, source_stream=source_stream)
    parsed = models.KinesisFirehoseModel.model_validate(event)  # also decodes every data
    assert [r.data for r in parsed.records] == [
        base64.b64decode(r["data"]) for r in event["records"]
    ]
    assert (parsed.sourceKinesisStreamArn is None) == (source_stream is None)


@pytest.mark.parametrize("seed", range(20))
def test_direct_put_batch(seed: int) -> None:
    event = build_event("firehose", seed, count=20, region="ap-south-1", account_id="123123123123",
                        time=T0)  # fmt: skip
    assert list(event) == ["invocationId", "deliveryStreamArn", "region", "records"]
    assert event["region"] == "ap-south-1"
    assert re.fullmatch(r"arn:aws:firehose:ap-south-1:123123123123:deliverystream/[\w.-]+",
                        event["deliveryStreamArn"])  # fmt: skip
    records = event["records"]
    assert len({r["recordId"] for r in records}) == 20
    for record in records:
        assert list(record) == ["recordId", "approximateArrivalTimestamp", "data"]
        assert re.fullmatch(r"\d{62}", record["recordId"])
        assert isinstance(json.loads(base64.b64decode(record["data"], validate=True)), dict)
    arrivals = [r["approximateArrivalTimestamp"] for r in records]
    assert all(isinstance(a, int) for a in arrivals)
    assert arrivals == sorted(arrivals) and arrivals[-1] < T0_MS
    assert T0_MS - arrivals[0] <= 60_000 + 200  # within the default 60 s buffering interval


@pytest.mark.parametrize("seed", range(20))
def test_kinesis_source_metadata(seed: int) -> None:
    event = build_event("firehose", seed, count=30, source_stream="clicks", region="us-west-2")
    assert event["sourceKinesisStreamArn"] == "arn:aws:kinesis:us-west-2:123456789012:stream/clicks"
    by_shard: dict[str, list[dict[str, object]]] = {}
    for record in event["records"]:
        meta = record["kinesisRecordMetadata"]
        assert re.fullmatch(r"shardId-\d{12}", meta["shardId"])
        assert record["recordId"] == meta["sequenceNumber"] + "000000"
        assert meta["subsequenceNumber"] == 0
        assert meta["approximateArrivalTimestamp"] <= record["approximateArrivalTimestamp"]
        by_shard.setdefault(meta["shardId"], []).append(meta)
    for metas in by_shard.values():  # per shard: sequence numbers and arrivals grow together
        for a, b in pairwise(metas):
            assert int(str(a["sequenceNumber"])) < int(str(b["sequenceNumber"]))
            assert int(str(a["approximateArrivalTimestamp"])) <= int(
                str(b["approximateArrivalTimestamp"])
            )


def test_data_override_sets_count_and_round_trips() -> None:
    items = ["plain text", b"\x00\x01binary", '{"a": 1}']
    event = build_event("firehose", 1, data=items)
    decoded = [base64.b64decode(r["data"]) for r in event["records"]]
    assert decoded == [b"plain text", b"\x00\x01binary", b'{"a": 1}']


def test_overrides_land() -> None:
    event = build_event("firehose", 2, delivery_stream="logs-to-s3", invocation_id="inv-42",
                        buffer_interval=0, time=T0)  # fmt: skip
    assert event["deliveryStreamArn"].endswith(":deliverystream/logs-to-s3")
    assert event["invocationId"] == "inv-42"
    assert T0_MS - event["records"][0]["approximateArrivalTimestamp"] <= 201
    assert "sourceKinesisStreamArn" not in build_event("firehose", 2, source_stream=False)


def test_deterministic_per_seed() -> None:
    assert build_event("firehose", 3, count=4) == build_event("firehose", 3, count=4)
    assert build_event("firehose", 3) != build_event("firehose", 4)


def test_large_batch_has_unique_record_ids() -> None:
    event = build_event("firehose", 1, count=2_000, source_stream=True)
    assert len({r["recordId"] for r in event["records"]}) == 2_000


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"count": 0}, r"count: 0 is below AWS's minimum 1"),
        ({"count": 10_001}, r"count: 10001 is above AWS's maximum 10,000"),
        ({"data": []}, r"data: a Firehose batch holds 1 to 10,000 records, not 0"),
        ({"data": ["a", "b"], "count": 3}, r"count: count=3 but 2 data items were given"),
        ({"data": ["a", 5]}, r"data\[1\]: expected str or bytes"),
        (
            {"data": [b"x" * 1_024_001]},
            r"data: data\[0\] has 1,024,001 bytes; a record holds at most 1,024,000",
        ),
        ({"data": [b"x" * 1_000_000] * 7}, r"count: 7 records make a ~.*6 MB"),
        (
            {"delivery_stream": "bad name"},
            r"delivery_stream: 'bad name' is not a Firehose stream name",
        ),
        ({"source_stream": "a/b"}, r"source_stream: 'a/b' is not a Kinesis stream name"),
        ({"buffer_interval": 901}, r"buffer_interval: 901 is above AWS's maximum 900"),
        ({"record": ["a"]}, r"unknown override 'record'"),
    ],
)
def test_bad_input_is_explained(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("firehose", 1, **overrides)


def test_the_default_batch_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the batch directly; naming the default buffering
    # interval takes the general path, which must make the same batch from the same seed
    for seed in range(300):
        assert build_event("firehose", seed) == build_event("firehose", seed, buffer_interval=60)
