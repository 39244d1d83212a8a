"""API Gateway Lambda authorizer events (REST TOKEN/REQUEST, HTTP API v2): shape, invariants,
overrides, bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)
ARN = re.compile(
    r"^arn:(?P<p>[a-z-]+):execute-api:(?P<r>[a-z0-9-]+):(?P<a>\d{12}):(?P<api>[a-z0-9]{10})/"
    r"(?P<stage>[^/]+)/(?P<method>[A-Z]+)/(?P<path>.*)$"
)
MODELS = {
    "token": models.ApiGatewayAuthorizerToken,
    "request": models.ApiGatewayAuthorizerRequest,
    "v2": models.ApiGatewayAuthorizerRequestV2,
}


@pytest.mark.parametrize("kind", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_validates_with_powertools(seed: int, kind: str) -> None:
    MODELS[kind].model_validate(build_event("api_gateway_authorizer", seed, kind=kind))


@pytest.mark.parametrize("seed", SEEDS)
def test_token_invariants(seed: int) -> None:
    e = build_event(
        "api_gateway_authorizer", seed, kind="token", region="ap-south-1", account_id="210987654321"
    )
    assert set(e) == {"type", "authorizationToken", "methodArn"}
    assert e["type"] == "TOKEN"
    assert e["authorizationToken"].startswith("Bearer ey")
    m = ARN.match(e["methodArn"])
    assert m and (m["p"], m["r"], m["a"]) == ("aws", "ap-south-1", "210987654321")


@pytest.mark.parametrize("seed", SEEDS)
def test_request_invariants(seed: int) -> None:
    e = build_event("api_gateway_authorizer", seed, kind="request")
    rc = e["requestContext"]
    assert e["type"] == "REQUEST"
    assert "body" not in e and "isBase64Encoded" not in e and "authorizer" not in rc
    m = ARN.match(e["methodArn"])
    assert m is not None
    assert m["api"] == rc["apiId"] and m["stage"] == rc["stage"]
    assert m["method"] == e["httpMethod"] == rc["httpMethod"]
    assert "/" + m["path"] == e["path"]
    assert rc["resourcePath"] == e["resource"]
    assert e["headers"]["Authorization"].startswith("Bearer ")
    assert e["headers"] == {k: v[-1] for k, v in e["multiValueHeaders"].items()}


@pytest.mark.parametrize("seed", SEEDS)
def test_v2_invariants(seed: int) -> None:
    e = build_event("api_gateway_authorizer", seed, kind="v2")
    rc = e["requestContext"]
    assert (e["version"], e["type"]) == ("2.0", "REQUEST")
    assert "body" not in e and "isBase64Encoded" not in e and "authorizer" not in rc
    assert e["identitySource"] == [e["headers"]["authorization"]]
    m = ARN.match(e["routeArn"])
    assert m is not None
    assert (m["api"], m["stage"], m["method"]) == (rc["apiId"], rc["stage"], rc["http"]["method"])
    staged = rc["stage"] != "$default"
    assert e["rawPath"] == (f"/{rc['stage']}/{m['path']}" if staged else f"/{m['path']}")
    assert e["routeKey"] == rc["routeKey"]


def test_overrides_land() -> None:
    t = build_event(
        "api_gateway_authorizer",
        1,
        kind="token",
        authorization_token="allow",
        method="DELETE",
        path="/orders/9",
        stage="prod",
        api_id="abcdefghij",
    )
    assert t["authorizationToken"] == "allow"
    assert t["methodArn"] == (
        "arn:aws:execute-api:us-east-1:123456789012:abcdefghij/prod/DELETE/orders/9"
    )
    r = build_event(
        "api_gateway_authorizer",
        1,
        kind="request",
        resource="/orders/{id}",
        path="/orders/5",
        method="GET",
        query={"x": "1"},
        headers={"Authorization": "Basic abc"},
    )
    assert r["pathParameters"] == {"id": "5"}
    assert r["queryStringParameters"] == {"x": "1"}
    assert r["headers"]["Authorization"] == "Basic abc"
    assert r["methodArn"].endswith("/GET/orders/5")
    v = build_event(
        "api_gateway_authorizer",
        1,
        kind="v2",
        route_key="GET /pets/{petId}",
        path="/pets/3",
        stage="$default",
        query={"key": "k1"},
        identity_source=["$request.querystring.key", "$request.header.Authorization"],
    )
    assert v["routeKey"] == "GET /pets/{petId}"
    assert v["identitySource"][0] == "k1"
    assert v["identitySource"][1] == v["headers"]["authorization"]
    assert v["routeArn"].endswith("/$default/GET/pets/3")


def test_deterministic() -> None:
    for kind in MODELS:
        a = build_event("api_gateway_authorizer", 3, kind=kind)
        assert a == build_event("api_gateway_authorizer", 3, kind=kind)
        assert a != build_event("api_gateway_authorizer", 4, kind=kind)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"knd": "token"}, r"unknown override 'knd'.*did you mean 'kind'"),
        ({"kind": "TOKEN"}, r"kind: 'TOKEN' is not allowed.*'token'"),
        ({"kind": "token", "headers": {"a": "b"}}, r"headers: kind='token' events do not"),
        ({"kind": "request", "route_key": "$default"}, r"route_key: kind='request'.*'v2'"),
        ({"kind": "v2", "resource": "/a"}, r"resource: kind='v2'.*'request'"),
        ({"authorization_token": "a\nb"}, r"authorization_token: .*printable ASCII"),
        ({"kind": "v2", "identity_source": ["header.x"]}, r"identity_source: 'header.x'"),
        (
            {"kind": "v2", "identity_source": ["$request.header.X-Missing"]},
            r"identity_source: .*selects nothing",
        ),
        ({"method": "FETCH"}, r"method: 'FETCH' is not allowed"),
        ({"kind": "token", "path": "orders"}, r"path: 'orders' must start with '/'"),
        ({"identity_source": "x"}, r"identity_source: expected list"),
    ],
)
def test_bad_input(overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("api_gateway_authorizer", 1, **overrides)
