"""Application Load Balancer events (single- and multi-value mode): shape, invariants,
overrides, bad input."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)
TG_ARN = re.compile(
    r"^arn:(aws|aws-cn|aws-us-gov):elasticloadbalancing:([a-z0-9-]+):(\d{12}):"
    r"targetgroup/([A-Za-z0-9-]{1,32})/([0-9a-f]{16})$"
)
TRACE = re.compile(r"^Root=1-([0-9a-f]{8})-[0-9a-f]{24}$")
TEXT_TYPE = re.compile(r"^(text/|application/(json|xml|javascript)\b)")
VARIANTS: list[dict[str, Any]] = [
    {},
    {"method": "POST", "body": b"\x89PNG\x00"},
    {"method": "GET", "query": {"q": "a b&c", "tag": ["x", "y"]}, "headers": {"X-M": ["1", "2"]}},
    {
        "method": "POST",
        "body": "k=v",
        "headers": {"Content-Type": "application/x-www-form-urlencoded"},
    },
    {"path": "/", "cookies": {"sid": "1"}, "target_group_name": "web-tg"},
]
SINGLE_KEYS = {"requestContext", "httpMethod", "path", "queryStringParameters", "headers", "body",
               "isBase64Encoded"}  # fmt: skip
MULTI_KEYS = {"requestContext", "httpMethod", "path", "multiValueQueryStringParameters",
              "multiValueHeaders", "body", "isBase64Encoded"}  # fmt: skip


def raw_body(event: dict[str, Any]) -> bytes:
    body: str = event["body"]
    return base64.b64decode(body) if event["isBase64Encoded"] else body.encode()


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_single_value_validates_with_powertools(seed: int, variant: dict[str, Any]) -> None:
    event = build_event("alb", seed, **variant)
    assert set(event) == SINGLE_KEYS
    models.AlbModel.model_validate(event)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_multi_value_shape(seed: int, variant: dict[str, Any]) -> None:
    # AlbModel (powertools 3.x) requires headers and queryStringParameters, so it rejects every
    # multi-value ALB event (oracles.md section 1). Check the real shape here instead: exactly the
    # multi-value keys, list-of-str values, and the rest of the model on the collapsed event.
    event = build_event("alb", seed, multi_value_headers=True, **variant)
    assert set(event) == MULTI_KEYS
    for mapping in (event["multiValueHeaders"], event["multiValueQueryStringParameters"]):
        assert isinstance(mapping, dict)
        for values in mapping.values():
            assert isinstance(values, list) and values
            assert all(isinstance(v, str) for v in values)
    collapsed = {k: v for k, v in event.items() if not k.startswith("multiValue")}
    collapsed["headers"] = {k: v[-1] for k, v in event["multiValueHeaders"].items()}
    collapsed["queryStringParameters"] = {
        k: v[-1] for k, v in event["multiValueQueryStringParameters"].items()
    }
    models.AlbModel.model_validate(collapsed)


@pytest.mark.parametrize("multi", [False, True])
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_invariants(seed: int, variant: dict[str, Any], multi: bool) -> None:
    e = build_event("alb", seed, multi_value_headers=multi, **variant)
    # never both modes in one event
    assert ("headers" in e) is not multi and ("multiValueHeaders" in e) is multi
    assert ("queryStringParameters" in e) is not multi
    headers = e["multiValueHeaders"] if multi else {k: [v] for k, v in e["headers"].items()}
    last = {k: v[-1] for k, v in headers.items()}
    # header names lower-case; the load balancer's own headers are always there
    assert all(name == name.lower() for name in headers)
    for name in ("host", "x-amzn-trace-id", "x-forwarded-for", "x-forwarded-port",
                 "x-forwarded-proto"):  # fmt: skip
        assert name in headers
    assert (last["x-forwarded-proto"], last["x-forwarded-port"]) in (
        ("https", "443"),
        ("http", "80"),
    )
    assert re.fullmatch(r"[a-z0-9-]+\.us-east-1\.elb\.amazonaws\.com", last["host"])
    assert TRACE.match(last["x-amzn-trace-id"])
    # target group ARN agrees with the world and the name
    arn = TG_ARN.match(e["requestContext"]["elb"]["targetGroupArn"])
    assert arn is not None
    assert arn.group(1, 2, 3) == ("aws", "us-east-1", "123456789012")
    if "target_group_name" in variant:
        assert arn.group(4) == variant["target_group_name"]
    # query values are passed on still percent-encoded
    query = e["multiValueQueryStringParameters"] if multi else e["queryStringParameters"]
    encoded = re.compile(r"[A-Za-z0-9%._~-]*")  # what a client's percent-encoding leaves
    for name, values in query.items():
        assert encoded.fullmatch(name)
        assert all(encoded.fullmatch(v) for v in (values if multi else [values]))
    if "query" in variant:
        decoded = {
            unquote(k): [unquote(v) for v in (vs if multi else [vs])] for k, vs in query.items()
        }
        given = {k: v if isinstance(v, list) else [v] for k, v in variant["query"].items()}
        assert decoded == (given if multi else {k: v[-1:] for k, v in given.items()})
    # body: "" when empty, base64 unless text-like
    assert isinstance(e["body"], str)
    if e["body"] == "":
        assert e["isBase64Encoded"] is False and "content-length" not in headers
    else:
        assert int(last["content-length"]) == len(raw_body(e))
        assert e["isBase64Encoded"] is not bool(TEXT_TYPE.match(last["content-type"]))


def test_single_value_mode_keeps_the_last_duplicate() -> None:
    single = build_event("alb", 1, headers={"X-Dup": ["a", "b"]}, query={"k": ["1", "2"]})
    assert single["headers"]["x-dup"] == "b"
    assert single["queryStringParameters"]["k"] == "2"
    multi = build_event("alb", 1, multi_value_headers=True, headers={"X-Dup": ["a", "b"]},
                        query={"k": ["1", "2"]})  # fmt: skip
    assert multi["multiValueHeaders"]["x-dup"] == ["a", "b"]
    assert multi["multiValueQueryStringParameters"]["k"] == ["1", "2"]
    assert build_event("alb", 1, method="POST", query=None)["queryStringParameters"] == {}


def test_overrides_land() -> None:
    when = datetime(2024, 7, 4, 8, 30, 0, tzinfo=UTC)
    e = build_event(
        "alb",
        2,
        method="PATCH",
        path="/api/v1/items/9",
        query={"filter": "name eq 'x'"},
        body='{"n": 1}',
        target_group_name="items-api",
        domain_name="shop.example.com",
        source_ip="198.51.100.23",
        user_agent="curl/8.0",
        region="eu-north-1",
        account_id="999988887777",
        time=when,
    )
    assert (e["httpMethod"], e["path"]) == ("PATCH", "/api/v1/items/9")
    assert e["queryStringParameters"] == {"filter": "name%20eq%20%27x%27"}
    assert (e["body"], e["isBase64Encoded"]) == ('{"n": 1}', False)
    assert e["headers"]["content-type"] == "application/json"
    arn = e["requestContext"]["elb"]["targetGroupArn"]
    assert arn.startswith(
        "arn:aws:elasticloadbalancing:eu-north-1:999988887777:targetgroup/items-api/"
    )
    assert e["headers"]["host"] == "shop.example.com"
    assert e["headers"]["x-forwarded-for"] == "198.51.100.23"
    assert e["headers"]["user-agent"] == "curl/8.0"
    assert e["headers"]["x-amzn-trace-id"].startswith(f"Root=1-{int(when.timestamp()):08x}-")
    cn = build_event("alb", 2, region="cn-northwest-1")
    assert cn["requestContext"]["elb"]["targetGroupArn"].startswith("arn:aws-cn:")
    assert cn["headers"]["host"].endswith(".cn-northwest-1.elb.amazonaws.com.cn")


def test_body_encoding() -> None:
    binary = build_event("alb", 3, method="POST", body=b"\x00\xff")
    assert (binary["body"], binary["isBase64Encoded"]) == ("AP8=", True)
    form = build_event("alb", 3, method="POST", body="a=1", headers={
        "content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form["isBase64Encoded"] is True and base64.b64decode(form["body"]) == b"a=1"
    js = build_event("alb", 3, method="POST", body="x()", headers={
        "Content-Type": "application/javascript; charset=utf-8"})  # fmt: skip
    assert (js["body"], js["isBase64Encoded"]) == ("x()", False)
    empty = build_event("alb", 3, method="GET", body=None)
    assert (empty["body"], empty["isBase64Encoded"]) == ("", False)


def test_powertools_resolver_routes_the_event() -> None:
    from aws_lambda_powertools.event_handler import ALBResolver

    app = ALBResolver()

    @app.get("/items/<item_id>")
    def get(item_id: str) -> dict[str, Any]:
        # multi-value mode has no single-value map; resolved_* reads whichever the event holds,
        # as lists
        return {"id": item_id, "q": app.current_event.resolved_query_string_parameters["q"]}

    for seed in SEEDS:
        for multi in (False, True):
            event = build_event("alb", seed, method="GET", path="/items/5", query={"q": "a b"},
                                multi_value_headers=multi)  # fmt: skip
            response = app.resolve(event, {})
            assert response["statusCode"] == 200
            # the value arrives as the client encoded it: ALB does not decode
            assert json.loads(response["body"]) == {"id": "5", "q": ["a%20b"]}


def test_deterministic() -> None:
    assert build_event("alb", 5, multi_value_headers=True) == build_event(
        "alb", 5, multi_value_headers=True)  # fmt: skip
    events = {json.dumps(build_event("alb", s)) for s in SEEDS}
    assert len(events) == len(SEEDS)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"multi_value_header": True},
         r"unknown override 'multi_value_header' \(did you mean 'multi_value_headers'\?\)"),
        ({"multi_value_headers": "yes"}, r"multi_value_headers: expected bool, got str"),
        ({"target_group_name": "internal-web"},
         r"target_group_name: 'internal-web': 1 to 32 letters, digits or '-'.*'internal-'"),
        ({"target_group_name": "-web"}, r"target_group_name: '-web': 1 to 32"),
        ({"target_group_name": "t" * 33}, r"target_group_name: 't{33}': 1 to 32"),
        ({"body": "x" * 1_048_577}, r"body: 1,048,577 bytes; a load balancer sends Lambda targets "
         r"at most 1 MB"),
        ({"body": b"x" * 800_000}, r"body: 800,000 bytes are 1,066,668 in base64"),
        ({"method": "TRACE"}, r"method: 'TRACE' is not allowed; allowed: 'GET', 'POST'"),
        ({"path": "no-slash"}, r"path: 'no-slash' must start with '/'"),
        ({"query": {"a": None}}, r"query: 'a': None; give a str or a non-empty list of str"),
        ({"headers": {"a:b": "x"}}, r"headers: 'a:b' is not an HTTP header name"),
        ({"domain_name": "a.example.com", "headers": {"host": "b.example.com"}},
         r"headers: Host 'b.example.com' but the request went to 'a.example.com'"),
        ({"stage": "prod"}, r"unknown override 'stage'"),
    ],
)  # fmt: skip
def test_bad_input_is_reported(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(EventConfigError, match="^alb: " + message):
        build_event("alb", 1, **overrides)
