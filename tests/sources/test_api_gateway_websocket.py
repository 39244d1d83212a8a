"""API Gateway WebSocket events: shape, invariants, overrides, bad input."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)
CLF = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
APIGW_ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")
MODELS = {
    "CONNECT": models.APIGatewayWebSocketConnectEventModel,
    "MESSAGE": models.APIGatewayWebSocketMessageEventModel,
    "DISCONNECT": models.APIGatewayWebSocketDisconnectEventModel,
}


@pytest.mark.parametrize("kind", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_validates_with_powertools(seed: int, kind: str) -> None:
    MODELS[kind].model_validate(build_event("api_gateway_websocket", seed, event_type=kind))


@pytest.mark.parametrize("kind", MODELS)
@pytest.mark.parametrize("seed", SEEDS)
def test_invariants(seed: int, kind: str) -> None:
    e = build_event("api_gateway_websocket", seed, event_type=kind, region="eu-west-1")
    rc = e["requestContext"]
    assert rc["eventType"] == kind
    assert rc["messageDirection"] == "IN"
    assert re.fullmatch(r"[a-z0-9]{10}", rc["apiId"])
    assert rc["domainName"] == f"{rc['apiId']}.execute-api.eu-west-1.amazonaws.com"
    assert APIGW_ID.match(rc["connectionId"]) and rc["connectionId"].endswith("=")
    assert rc["requestId"] == rc["extendedRequestId"]
    assert CLF.match(rc["requestTime"])
    when = datetime.strptime(rc["requestTime"], "%d/%b/%Y:%H:%M:%S %z")
    assert int(when.timestamp()) == rc["requestTimeEpoch"] // 1000
    assert rc["connectedAt"] <= rc["requestTimeEpoch"]
    assert rc["requestTimeEpoch"] - rc["connectedAt"] <= 2 * 3600 * 1000
    for key in ("httpMethod", "path", "resource"):
        assert key not in e
    assert ("messageId" in rc) is (kind == "MESSAGE")
    assert ("body" in e) is (kind == "MESSAGE")
    assert ("headers" in e) is (kind != "MESSAGE")
    if kind != "MESSAGE":
        assert e["headers"] == {k: v[-1] for k, v in e["multiValueHeaders"].items()}
        assert e["headers"]["Host"] == rc["domainName"]
        assert e["isBase64Encoded"] is False
    if kind == "CONNECT":
        assert rc["routeKey"] == "$connect"
        assert rc["requestTimeEpoch"] - rc["connectedAt"] < 1000  # accepted on the handshake
        assert e["headers"]["Sec-WebSocket-Version"] == "13"
        assert len(base64.b64decode(e["headers"]["Sec-WebSocket-Key"])) == 16
        assert e["headers"]["X-Forwarded-For"] == rc["identity"]["sourceIp"]
        assert e["headers"]["User-Agent"] == rc["identity"]["userAgent"]
        if "queryStringParameters" in e:
            multi = e["multiValueQueryStringParameters"]
            assert e["queryStringParameters"] == {k: v[-1] for k, v in multi.items()}
    if kind == "MESSAGE":
        assert APIGW_ID.match(rc["messageId"])
        doc = json.loads(e["body"])
        assert rc["routeKey"] == doc.get("action", "$default")
    if kind == "DISCONNECT":
        assert rc["routeKey"] == "$disconnect"
        assert 1000 <= rc["disconnectStatusCode"] <= 4999
        assert isinstance(rc["disconnectReason"], str)


def test_overrides_land() -> None:
    t = datetime(2024, 5, 1, 12, 0, 0, 250000, tzinfo=UTC)
    e = build_event(
        "api_gateway_websocket",
        1,
        event_type="MESSAGE",
        route_key="chat",
        body="hi",
        connection_id="BFHPhfCWIAMCKlQ=",
        connected_at=t - timedelta(minutes=5),
        time=t,
        stage="live",
        api_id="abcdefghij",
        source_ip="192.0.2.7",
        user_agent="wscat/5",
    )
    rc = e["requestContext"]
    assert (rc["routeKey"], e["body"], e["isBase64Encoded"]) == ("chat", "hi", False)
    assert rc["connectionId"] == "BFHPhfCWIAMCKlQ="
    assert rc["connectedAt"] == 1714564500250 and rc["requestTimeEpoch"] == 1714564800250
    assert (rc["stage"], rc["apiId"]) == ("live", "abcdefghij")
    assert rc["identity"] == {"userAgent": "wscat/5", "sourceIp": "192.0.2.7"}
    binary = build_event("api_gateway_websocket", 1, event_type="MESSAGE", body=b"\x00\x01")
    assert binary["isBase64Encoded"] is True and binary["body"] == "AAE="
    assert binary["requestContext"]["routeKey"] == "$default"
    routed = build_event(
        "api_gateway_websocket", 1, event_type="MESSAGE", body='{"action": "join"}'
    )
    assert routed["requestContext"]["routeKey"] == "join"
    bye = build_event(
        "api_gateway_websocket",
        1,
        event_type="DISCONNECT",
        disconnect_status_code=4001,
        disconnect_reason="kicked",
    )
    assert bye["requestContext"]["disconnectStatusCode"] == 4001
    assert bye["requestContext"]["disconnectReason"] == "kicked"


def test_connect_overrides_and_authorizer() -> None:
    e = build_event(
        "api_gateway_websocket",
        4,
        event_type="CONNECT",
        query={"room": "a"},
        headers={"X-Client": "c1"},
        authorizer={"tenant": "t1", "admin": True},
    )
    assert e["queryStringParameters"] == {"room": "a"}
    assert e["multiValueQueryStringParameters"] == {"room": ["a"]}
    assert e["headers"]["X-Client"] == "c1"
    auth = e["requestContext"]["authorizer"]
    assert auth["tenant"] == "t1" and auth["admin"] == "true"
    assert auth["principalId"].startswith("user|")


def test_deterministic() -> None:
    a = build_event("api_gateway_websocket", 7, event_type="MESSAGE")
    assert a == build_event("api_gateway_websocket", 7, event_type="MESSAGE")
    assert a != build_event("api_gateway_websocket", 8, event_type="MESSAGE")


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"event_typ": "CONNECT"}, r"unknown override 'event_typ'.*did you mean 'event_type'"),
        ({"event_type": "OPEN"}, r"event_type: 'OPEN' is not allowed.*'CONNECT'"),
        ({"disconnect_status_code": 999}, r"disconnect_status_code: 999 is below .*1,000"),
        ({"disconnect_status_code": "1000"}, r"disconnect_status_code: expected int"),
        ({"event_type": "CONNECT", "body": "x"}, r"body: only MESSAGE events carry it"),
        ({"event_type": "MESSAGE", "headers": {"a": "b"}}, r"headers: only CONNECT events"),
        ({"event_type": "CONNECT", "disconnect_reason": "x"}, r"disconnect_reason: only DISC"),
        ({"event_type": "MESSAGE", "route_key": "bad key"}, r"route_key: 'bad key'.*'\$default'"),
        ({"event_type": "MESSAGE", "body": "x" * 131_073}, r"body: 131,073 bytes.*128 KB"),
        ({"connection_id": "abc"}, r"connection_id: 'abc' is not a connection id"),
        (
            {
                "connected_at": datetime(2020, 1, 1, tzinfo=UTC),
                "time": datetime(2024, 1, 1, tzinfo=UTC),
            },
            r"connected_at: .* at most 2 hours",
        ),
        ({"event_type": "MESSAGE", "source_ip": "nope"}, r"source_ip: 'nope' is not an IPv4"),
        ({"stage": "a b"}, r"stage: 'a b'"),
    ],
)
def test_bad_input(overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("api_gateway_websocket", 1, **overrides)
