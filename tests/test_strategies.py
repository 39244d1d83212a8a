"""Hypothesis strategies (``pytest_lambda_events.strategies``): every drawn event passes the
builders' own validity checks, the edge cases are reached, draws are reproducible, and bad
arguments raise ``EventConfigError`` when the strategy is made."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models
from hypothesis import HealthCheck, Phase, find, given, seed, settings
from pydantic import BaseModel

from pytest_lambda_events import EventConfigError, UnknownSourceError, source_ids
from pytest_lambda_events.attribute_values import deserialize_item
from pytest_lambda_events.building import MAX_BATCH_PAYLOAD_BYTES
from pytest_lambda_events.catalogue import SourceRegistry
from pytest_lambda_events.registry import EventSource, Option
from pytest_lambda_events.strategies import (
    batches,
    dynamodb_records,
    events,
    kinesis_records,
    sqs_records,
)

from ._key_structure import key_paths
from .sources.test_cognito import _for_powertools as _cognito_for_powertools
from .sources.test_sqs import _reference_md5_of_attributes

GOLDEN = Path(__file__).parent / "golden"
# every example is generated, none replayed or shrunk: a passing property needs no shrinking,
# and derandomize fixes the examples, so the counts below are the same on every run
FAST = settings(
    max_examples=12,
    deadline=None,
    database=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
Check = Callable[[Any], tuple[type[BaseModel], Any]]


# ---------------------------------------------------------------------------------------------
# the Powertools parser model of each source, with the builder tests' own work-arounds


def _model(model: type[BaseModel]) -> Check:
    return lambda event: (model, event)


def _alb(event: dict[str, Any]) -> tuple[type[BaseModel], Any]:
    if "multiValueHeaders" not in event:
        return models.AlbModel, event
    # the model knows only the single-value mode (as tests/sources/test_alb.py)
    collapsed = {k: v for k, v in event.items() if not k.startswith("multiValue")}
    collapsed["headers"] = {k: v[-1] for k, v in event["multiValueHeaders"].items()}
    collapsed["queryStringParameters"] = {
        k: v[-1] for k, v in event["multiValueQueryStringParameters"].items()
    }
    return models.AlbModel, collapsed


def _vpc_lattice(event: dict[str, Any]) -> tuple[type[BaseModel], Any]:
    if event.get("version") != "2.0":
        return models.VpcLatticeModel, event
    # Powertools types v2 header and query values as str; AWS sends lists (test_vpc_lattice)
    joined = {**event, "headers": {k: ",".join(v) for k, v in event["headers"].items()}}
    if "queryStringParameters" in event:
        query = event["queryStringParameters"]
        joined["queryStringParameters"] = {k: ",".join(v) for k, v in query.items()}
    return models.VpcLatticeV2Model, joined


def _authorizer(event: dict[str, Any]) -> tuple[type[BaseModel], Any]:
    if event.get("version") == "2.0":
        return models.ApiGatewayAuthorizerRequestV2, event
    token = event["type"] == "TOKEN"
    return (
        models.ApiGatewayAuthorizerToken if token else models.ApiGatewayAuthorizerRequest
    ), event


_WEBSOCKET = {
    "CONNECT": models.APIGatewayWebSocketConnectEventModel,
    "MESSAGE": models.APIGatewayWebSocketMessageEventModel,
    "DISCONNECT": models.APIGatewayWebSocketDisconnectEventModel,
}
_CLOUDFORMATION = {
    "Create": models.CloudFormationCustomResourceCreateModel,
    "Update": models.CloudFormationCustomResourceUpdateModel,
    "Delete": models.CloudFormationCustomResourceDeleteModel,
}
POWERTOOLS: dict[str, Check] = {
    "alb": _alb,
    "api_gateway": _model(models.APIGatewayProxyEventModel),
    "api_gateway_authorizer": _authorizer,
    "api_gateway_v2": _model(models.APIGatewayProxyEventV2Model),
    "api_gateway_websocket": lambda e: (_WEBSOCKET[e["requestContext"]["eventType"]], e),
    "cloudformation": lambda e: (_CLOUDFORMATION[e["RequestType"]], e),
    "cloudwatch_logs": _model(models.CloudWatchLogsModel),
    "cognito_user_pool": _cognito_for_powertools,
    "dynamodb": _model(models.DynamoDBStreamModel),
    "eventbridge": _model(models.EventBridgeModel),
    "firehose": _model(models.KinesisFirehoseModel),
    "function_url": _model(models.LambdaFunctionUrlModel),
    "kafka": _model(models.KafkaSelfManagedEventModel),
    "kinesis": _model(models.KinesisDataStreamModel),
    "msk": _model(models.KafkaMskEventModel),
    "s3": _model(models.S3Model),
    "s3_batch": _model(models.S3BatchOperationModel),
    "s3_eventbridge": _model(models.S3EventNotificationEventBridgeModel),
    "scheduled": _model(models.EventBridgeModel),
    "ses": _model(models.SesModel),
    "sns": _model(models.SnsModel),
    "sqs": _model(models.SqsModel),
    "vpc_lattice": _vpc_lattice,
}


def _powertools_valid(source_id: str, event: Any) -> None:
    if source_id == "appsync":  # an Invoke event, or a BatchInvoke list of them
        for item in event if isinstance(event, list) else [event]:
            models.AppSyncResolverEventModel.model_validate(item)
    elif source_id == "s3_object_lambda":
        if "getObjectContext" in event:  # the model knows GetObject requests only
            models.S3ObjectLambdaEvent.model_validate(event)
    elif source_id in POWERTOOLS:
        model, shown = POWERTOOLS[source_id](event)
        model.model_validate(shown)


# ---------------------------------------------------------------------------------------------
# golden key structure: a drawn event has no key path the documentation lacks


def _golden() -> dict[str, tuple[set[str], frozenset[str]]]:
    """Per source: the documented key paths (every golden file of it) and its optional ones."""
    out: dict[str, tuple[set[str], frozenset[str]]] = {}
    for path in sorted(GOLDEN.glob("*.json")):
        golden = json.loads(path.read_text())
        paths, optional = out.get(golden["source"], (set(), frozenset()))
        paths |= key_paths(golden["event"])
        out[golden["source"]] = (paths, optional | golden.get("optional", {}).keys())
    return out


GOLDEN_PATHS = _golden()


# keys of documented variants the golden (default) events do not show, by source, with why
VARIANT_KEYS: dict[str, frozenset[str]] = {
    "alb": frozenset({".multiValueHeaders", ".multiValueQueryStringParameters"}),  # multi-value
    "api_gateway_websocket": frozenset(  # $connect with a query string
        {".queryStringParameters", ".multiValueQueryStringParameters"}
    ),
    "appsync": frozenset({"[]"}),  # a BatchInvoke list of Invoke events
    "documentdb": frozenset({".events[].event.to"}),  # a rename event's target
    "dynamodb": frozenset({".Records[].userIdentity"}),  # REMOVE by TTL expiry
    "kinesis": frozenset({".Records[].kinesis.encryptionType"}),  # KMS-encrypted stream
    "s3_object_lambda": frozenset(  # HeadObject and ListObjects operations
        {".headObjectContext", ".listObjectsContext", ".listObjectsV2Context"}
    ),
}
# the event is the caller's own JSON (payload or Input): its keys are free
FREE_PAYLOAD = frozenset({"custom", "iot", "scheduler", "step_functions"})


def _documented_keys_only(source_id: str, event: Any) -> None:
    if source_id in FREE_PAYLOAD:
        return
    documented, optional = GOLDEN_PATHS[source_id]
    allowed = optional | VARIANT_KEYS.get(source_id, frozenset())
    extra = {p for p in key_paths(event) - documented - allowed if not _in_optional(p, allowed)}
    assert not extra, f"{source_id}: keys the documentation does not show: {sorted(extra)}"


def _in_optional(path: str, optional: frozenset[str]) -> bool:
    return any(path.startswith(o) for o in optional)


# ---------------------------------------------------------------------------------------------
# source-specific consistency


def _sqs_consistent(event: dict[str, Any]) -> None:
    records = event["Records"]
    fifo = "SequenceNumber" in records[0]["attributes"]
    assert len(records) <= (10 if fifo else 10_000)
    for record in records:
        body = record["body"]
        assert record["md5OfBody"] == hashlib.md5(body.encode()).hexdigest()
        attributes = record["messageAttributes"]
        if attributes:
            expected = _reference_md5_of_attributes(attributes)
            assert record["md5OfMessageAttributes"] == expected
        else:
            assert record["md5OfMessageAttributes"] is None
        size = len(body.encode()) + sum(_sqs_attribute_bytes(n, a) for n, a in attributes.items())
        assert body and size <= 1_048_576  # SendMessage: 1 character to 1 MiB with attributes
        assert not NOT_XML_CHAR.search(body)
        partition, region = record["eventSourceARN"].split(":")[1:4:2]
        assert record["awsRegion"] == region and partition == _partition(region)


def _sqs_attribute_bytes(name: str, attribute: dict[str, Any]) -> int:
    value = attribute.get("stringValue")
    raw = value.encode() if value is not None else base64.b64decode(attribute["binaryValue"])
    return len(name.encode()) + len(attribute["dataType"]) + len(raw)


# the characters SendMessage refuses in a body
NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
NON_BMP = re.compile("[\U00010000-\U0010ffff]")
COMBINING = re.compile("[\u0300-\u036f]")  # combining diacritical marks
RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff]")  # Hebrew, Arabic, Syriac, Thaana...


def _partition(region: str) -> str:
    return "aws-cn" if region.startswith("cn-") else (
        "aws-us-gov" if region.startswith("us-gov-") else "aws")  # fmt: skip


def _kinesis_consistent(event: dict[str, Any]) -> None:
    sequences = []
    for record in event["Records"]:
        data = base64.b64decode(record["kinesis"]["data"], validate=True)
        key = record["kinesis"]["partitionKey"]
        assert 1 <= len(key) <= 256 and len(data) + len(key.encode()) <= 1_048_576
        sequences.append(int(record["kinesis"]["sequenceNumber"]))
        assert record["eventSourceARN"].split(":")[3] == record["awsRegion"]
    assert sequences == sorted(set(sequences))  # strictly increasing within the shard


def _dynamodb_consistent(event: dict[str, Any]) -> None:
    for record in event["Records"]:
        stream = record["dynamodb"]
        for image in ("Keys", "NewImage", "OldImage"):
            if image in stream:
                deserialize_item(stream[image])  # valid typed AttributeValues
        assert ("NewImage" in stream) != (record["eventName"] == "REMOVE") or (
            stream["StreamViewType"] in ("KEYS_ONLY", "OLD_IMAGE")
        )
        keys = deserialize_item(stream["Keys"])
        for image in ("NewImage", "OldImage"):
            if image in stream:
                assert {k: v for k, v in deserialize_item(stream[image]).items() if k in keys} == (
                    keys
                )


def _http_consistent(event: dict[str, Any]) -> None:
    body = event.get("body")
    if event.get("isBase64Encoded"):
        base64.b64decode(body, validate=True)
    multi = event.get("multiValueHeaders")
    if multi and event.get("headers"):
        for name, values in multi.items():
            assert event["headers"][name] == values[-1]


CONSISTENT: dict[str, Callable[[dict[str, Any]], None]] = {
    "sqs": _sqs_consistent,
    "kinesis": _kinesis_consistent,
    "dynamodb": _dynamodb_consistent,
    "api_gateway": _http_consistent,
    "api_gateway_v2": _http_consistent,
    "alb": _http_consistent,
    "function_url": _http_consistent,
}


def _valid(source_id: str, event: Any) -> None:
    _powertools_valid(source_id, event)
    _documented_keys_only(source_id, event)
    if source_id in CONSISTENT:
        CONSISTENT[source_id](event)
    if isinstance(event, dict) and len(event.get("Records") or ()) >= 100:
        assert len(json.dumps(event, separators=(",", ":"))) <= MAX_BATCH_PAYLOAD_BYTES


@pytest.mark.parametrize("source_id", source_ids())
def test_every_drawn_event_passes_the_builders_checks(source_id: str) -> None:
    @FAST
    @given(events(source_id))
    def check(event: Any) -> None:
        _valid(source_id, event)

    check()


def test_every_source_has_a_golden_event_to_check_against() -> None:
    assert sorted(set(source_ids()) - GOLDEN_PATHS.keys()) == []


@pytest.mark.parametrize(
    ("strategy", "source_id", "low", "high"),
    [
        (sqs_records(), "sqs", 1, 10),
        (sqs_records(3, 3, fifo=True), "sqs", 3, 3),
        (kinesis_records(2, 20), "kinesis", 2, 20),
        (dynamodb_records(max_size=5), "dynamodb", 1, 5),
        (batches("firehose", 1, 4), "firehose", 1, 4),
    ],
    ids=["sqs", "sqs-fifo", "kinesis", "dynamodb", "firehose"],
)
def test_record_helpers_yield_whole_events_in_the_size_range(
    strategy: Any, source_id: str, low: int, high: int
) -> None:
    @FAST
    @given(strategy)
    def check(event: dict[str, Any]) -> None:
        records = event["Records"] if "Records" in event else event["records"]
        assert low <= len(records) <= high
        _valid(source_id, event)

    check()


def test_fixed_overrides_hold_in_every_draw() -> None:
    @FAST
    @given(events("sqs", fifo=True, group_id="g-1", region="eu-west-2"))
    def check(event: dict[str, Any]) -> None:
        assert {r["attributes"]["MessageGroupId"] for r in event["Records"]} == {"g-1"}
        assert {r["awsRegion"] for r in event["Records"]} == {"eu-west-2"}
        _sqs_consistent(event)

    check()


# ---------------------------------------------------------------------------------------------
# edge cases are reached: counted over a fixed (derandomized) run of examples


def _reached(strategy: Any, n: int, edges: dict[str, Callable[[Any], bool]]) -> set[str]:
    """The edges that some of ``n`` examples reach (derandomized: the same ones every run)."""
    seen: set[str] = set()

    @settings(FAST, max_examples=n)
    @given(strategy)
    def collect(event: Any) -> None:
        seen.update(name for name, test in edges.items() if name not in seen and test(event))

    collect()
    return seen


def _bodies(event: dict[str, Any]) -> list[str]:
    return [r["body"] for r in event["Records"]]


def _message_bytes(record: dict[str, Any]) -> int:
    attributes = record["messageAttributes"]
    extra = sum(_sqs_attribute_bytes(n, a) for n, a in attributes.items())
    return len(record["body"].encode()) + extra


def _near_6_mb(event: dict[str, Any]) -> bool:
    size = len(json.dumps(event, separators=(",", ":")))
    return 0.9 * MAX_BATCH_PAYLOAD_BYTES < size <= MAX_BATCH_PAYLOAD_BYTES


SQS_EDGES: dict[str, Callable[[Any], bool]] = {
    "one-character body": lambda e: any(len(b) == 1 for b in _bodies(e)),
    "262,144-byte message": lambda e: any(_message_bytes(r) == 262_144 for r in e["Records"]),
    "1 MiB message": lambda e: any(_message_bytes(r) == 1_048_576 for r in e["Records"]),
    "non-BMP body": lambda e: any(NON_BMP.search(b) for b in _bodies(e)),
    "combining mark": lambda e: any(COMBINING.search(b) for b in _bodies(e)),
    "right-to-left text": lambda e: any(RIGHT_TO_LEFT.search(b) for b in _bodies(e)),
    "binary attribute": lambda e: any(
        a["dataType"].startswith("Binary")
        for r in e["Records"]
        for a in r["messageAttributes"].values()
    ),
    "FIFO": lambda e: "SequenceNumber" in e["Records"][0]["attributes"],
    "redelivered": lambda e: e["Records"][0]["attributes"]["ApproximateReceiveCount"] != "1",
    "largest batch (near 6 MB)": lambda e: len(e["Records"]) > 1_000 and _near_6_mb(e),
    "China partition": lambda e: e["Records"][0]["eventSourceARN"].startswith("arn:aws-cn:"),
}


def test_sqs_edge_cases_are_reached() -> None:
    seen = _reached(events("sqs"), 250, SQS_EDGES)
    assert sorted(SQS_EDGES.keys() - seen) == []


HTTP_EDGES: dict[str, Callable[[Any], bool]] = {
    "base64 body": lambda e: e["isBase64Encoded"] is True,
    "empty body": lambda e: e.get("body") == "",
    "no body": lambda e: e.get("body") is None,
    "multi-value header": lambda e: any(len(v) > 1 for v in e["multiValueHeaders"].values()),
    "repeated query parameter": lambda e: any(
        len(v) > 1 for v in (e["multiValueQueryStringParameters"] or {}).values()
    ),
    "non-BMP query value": lambda e: any(
        NON_BMP.search(v) for v in (e["queryStringParameters"] or {}).values()
    ),
}


def test_http_edge_cases_are_reached() -> None:
    seen = _reached(events("api_gateway"), 120, HTTP_EDGES)
    assert sorted(HTTP_EDGES.keys() - seen) == []


def test_alb_multi_value_mode_is_reached() -> None:
    seen = _reached(events("alb"), 40, {"multi-value": lambda e: "multiValueHeaders" in e})
    assert seen == {"multi-value"}


def _kinesis_data(event: dict[str, Any]) -> list[bytes]:
    return [base64.b64decode(r["kinesis"]["data"]) for r in event["Records"]]


def test_stream_edge_cases_are_reached() -> None:
    kinesis = {
        "empty data": lambda e: b"" in _kinesis_data(e),
        "binary data": lambda e: any(not _utf8(d) for d in _kinesis_data(e)),
        "1 MiB record": lambda e: any(
            len(base64.b64decode(r["kinesis"]["data"])) + len(r["kinesis"]["partitionKey"].encode())
            == 1_048_576
            for r in e["Records"]
        ),
        "256-character partition key": lambda e: any(
            len(r["kinesis"]["partitionKey"]) == 256 for r in e["Records"]
        ),
    }
    assert sorted(kinesis.keys() - _reached(events("kinesis"), 150, kinesis)) == []
    dynamodb = {
        "binary attribute": lambda e: any('{"B":' in json.dumps(r) for r in e["Records"]),
        "TTL removal": lambda e: any("userIdentity" in r for r in e["Records"]),
        "unicode key": lambda e: any(
            not r["dynamodb"]["Keys"].get("pk", {"S": ""}).get("S", "").isascii()
            for r in e["Records"]
        ),
    }
    assert sorted(dynamodb.keys() - _reached(dynamodb_records(1, 5), 80, dynamodb)) == []


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def test_sns_and_s3_edge_cases_are_reached() -> None:
    sns = {
        "largest message": lambda e: len(e["Records"][0]["Sns"]["Message"].encode()) == 262_144,
        "no subject": lambda e: e["Records"][0]["Sns"]["Subject"] is None,
        "binary attribute": lambda e: any(
            a["Type"] == "Binary" for a in e["Records"][0]["Sns"]["MessageAttributes"].values()
        ),
    }
    assert sorted(sns.keys() - _reached(events("sns"), 150, sns)) == []
    s3 = {
        "empty object": lambda e: e["Records"][0]["s3"]["object"].get("size") == 0,
        "encoded key": lambda e: "%" in e["Records"][0]["s3"]["object"]["key"],
    }
    assert sorted(s3.keys() - _reached(events("s3"), 150, s3)) == []


# ---------------------------------------------------------------------------------------------
# determinism and shrinking


def _drawn(strategy: Any, at: int) -> list[Any]:
    out: list[Any] = []

    @seed(at)
    @settings(max_examples=15, deadline=None, database=None, phases=[Phase.generate])
    @given(strategy)
    def collect(event: Any) -> None:
        out.append(event)

    collect()
    return out


def test_the_same_hypothesis_seed_draws_the_same_events() -> None:
    first = _drawn(sqs_records(1, 20), 1234)
    assert first == _drawn(sqs_records(1, 20), 1234)
    assert first != _drawn(sqs_records(1, 20), 4321)


def test_a_failing_property_shrinks_to_a_small_event() -> None:
    """A handler that fails on any FIFO message: the counterexample shrinks to one message,
    seed 0 and the builder's default body."""
    event = find(
        sqs_records(1, 10),
        lambda e: "SequenceNumber" in e["Records"][0]["attributes"],
        settings=settings(deadline=None, database=None, derandomize=True, max_examples=200),
    )
    assert len(event["Records"]) == 1
    assert json.loads(event["Records"][0]["body"])  # the builder's default: a JSON document
    assert event["Records"][0]["awsRegion"] == "us-east-1"


# ---------------------------------------------------------------------------------------------
# third-party sources: found through the registry


def _ticket_source() -> EventSource:
    def build_ticket(ctx: Any, o: Any) -> dict[str, Any]:
        return {"ticketId": ctx.uuid(), "priority": o.priority, "region": ctx.region,
                "lines": [ctx.hex(8) for _ in range(o.count or 1)]}  # fmt: skip

    return EventSource(
        "ticket", "Tickets", "poll", build_ticket, max_count=50,
        options=(Option("priority", str, "priority", "low", choices=("low", "high")),),
    )  # fmt: skip


def test_a_plugin_source_draws_through_its_registry() -> None:
    registry = SourceRegistry()
    registry.register(_ticket_source())
    seen = _reached(
        events("ticket", registry=registry),
        40,
        {"high": lambda e: e["priority"] == "high", "many": lambda e: len(e["lines"]) > 1},
    )
    assert seen == {"high", "many"}
    with pytest.raises(UnknownSourceError, match=r"'tickets'.*did you mean 'ticket'"):
        events("tickets", registry=registry)


def test_a_plugin_source_registered_by_hook_is_found_in_a_pytest_session(
    pytester: pytest.Pytester,
) -> None:
    pytester.makeconftest(
        """
        from pytest_lambda_events import EventSource, Option

        def build(ctx, o):
            return {"ticketId": ctx.uuid(), "priority": o.priority}

        def pytest_lambda_events_register_sources(registry):
            registry.register(EventSource("ticket", "Tickets", "async", build, options=(
                Option("priority", str, "priority", "low", choices=("low", "high")),)))
        """
    )
    pytester.makepyfile(
        """
        from hypothesis import given, settings
        from pytest_lambda_events.strategies import events

        @settings(max_examples=10, database=None)
        @given(events("ticket"))
        def test_tickets(event):
            assert event["priority"] in ("low", "high")
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=1)


# ---------------------------------------------------------------------------------------------
# bad arguments: EventConfigError when the strategy is made


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: events("sqss"), r"unknown event source 'sqss' \(did you mean 'sqs'\?\)"),
        (lambda: events(3), r"a source id is a str such as 'sqs', not int 3"),
        (lambda: events("sqs", bodyy=["a"]), r"sqs: unknown override 'bodyy' \(did you mean"),
        (lambda: events("sqs", receive_count=0), r"sqs: receive_count: 0 is below AWS's minimum"),
        (lambda: events("sqs", group_id="g"), r"sqs: group_id: MessageGroupId is for FIFO"),
        (lambda: events("sqs", count=10_001), r"sqs: count: 10001 is above AWS's maximum 10,000"),
        (
            lambda: sqs_records(max_size=10_001),
            r"sqs_records: max_size: 10,001 is outside 1 to "
            r"10,000, the records AWS puts in one sqs event",
        ),
        (lambda: sqs_records(min_size=0), r"sqs_records: min_size: 0 is outside 1 to 10,000"),
        (lambda: sqs_records(-1, 5), r"sqs_records: min_size: -1 is outside 1 to 10,000"),
        (lambda: sqs_records(5, 3), r"sqs_records: min_size: 5 is above max_size 3"),
        (
            lambda: sqs_records(1, 11, fifo=True),
            r"max_size: 11 is outside 1 to 10, the "
            r"records AWS puts in one batch from a FIFO",
        ),
        (lambda: sqs_records(9_500, 10_000), r"no sqs event of that size builds .*6 MB"),
        (
            lambda: sqs_records(1, "9"),
            r"sqs_records: max_size: expected int, got str '9'; "
            r"allowed: 1 to 10,000",
        ),
        (lambda: sqs_records(count=3), r"sqs_records: count: is drawn from min_size to max_size"),
        (lambda: kinesis_records(1, 10_001), r"kinesis_records: max_size: 10,001 is outside"),
        (lambda: dynamodb_records(0), r"dynamodb_records: min_size: 0 is outside 1 to 10,000"),
        (lambda: batches("sns"), r"batches: sns events hold one record \(AWS does not batch"),
        (lambda: batches("appsync", 1, 2001), r"batches: max_size: 2,001 is outside 1 to 2,000"),
    ],
)
def test_bad_arguments_raise_event_config_error_eagerly(
    make: Callable[[], Any], message: str
) -> None:
    with pytest.raises(EventConfigError, match=message):
        make()


def test_hypothesis_is_optional_and_named_when_missing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "hypothesis", None)  # makes `import hypothesis` fail
    monkeypatch.delitem(sys.modules, "pytest_lambda_events.strategies")
    with pytest.raises(ImportError, match=r'pip install "pytest-lambda-events\[hypothesis\]"'):
        import pytest_lambda_events.strategies  # noqa: F401


def test_the_plugin_and_the_package_do_not_import_hypothesis() -> None:
    code = (
        "import sys, pytest_lambda_events, pytest_lambda_events.plugin; "
        "print('hypothesis' in sys.modules, 'pytest_lambda_events.strategies' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_kinesis_data_of_drawn_events_is_base64() -> None:
    @FAST
    @given(kinesis_records(1, 3))
    def check(event: dict[str, Any]) -> None:
        for record in event["Records"]:
            try:
                base64.b64decode(record["kinesis"]["data"], validate=True)
            except binascii.Error:  # pragma: no cover - the failure message
                pytest.fail(f"not base64: {record['kinesis']['data'][:40]!r}")

    check()
