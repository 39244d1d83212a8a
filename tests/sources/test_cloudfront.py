"""CloudFront Lambda@Edge events. No Powertools model exists, so the shape of shapes.md 25 is
checked directly."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from pytest_lambda_events import EventConfigError, build_event

TYPES = ("viewer-request", "origin-request", "origin-response", "viewer-response")


@pytest.mark.parametrize("event_type", TYPES)
@pytest.mark.parametrize("seed", range(20))
def test_shape_and_invariants(seed: int, event_type: str) -> None:
    e = build_event("cloudfront", seed, event_type=event_type)
    assert len(e["Records"]) == 1
    cf = e["Records"][0]["cf"]
    config, request = cf["config"], cf["request"]
    assert set(config) == {"distributionDomainName", "distributionId", "eventType", "requestId"}
    assert config["eventType"] == event_type
    assert config["distributionDomainName"].endswith(".cloudfront.net")
    assert config["distributionId"].startswith("E") and config["requestId"].endswith("==")
    assert {"clientIp", "headers", "method", "querystring", "uri"} <= set(request)
    assert not request["querystring"].startswith("?") and request["uri"].startswith("/")
    for headers in [request["headers"], cf.get("response", {}).get("headers", {})]:
        for name, entries in headers.items():
            assert all(entry["key"].lower() == name for entry in entries)
    host = request["headers"]["host"][0]["value"]
    assert ("origin" in request) is event_type.startswith("origin")
    assert ("response" in cf) is event_type.endswith("response")
    if event_type.startswith("origin"):
        ((kind, origin),) = request["origin"].items()
        assert host == origin["domainName"]
        if kind == "s3":
            assert origin["region"] == "us-east-1"
    else:
        assert host == config["distributionDomainName"]
    if "response" in cf:
        assert isinstance(cf["response"]["status"], str) and cf["response"]["status"].isdigit()


def test_overrides_and_body() -> None:
    e = build_event(
        "cloudfront",
        1,
        event_type="viewer-request",
        method="POST",
        body="x" * 50_000,
        include_body=True,
        query={"a": "1 2"},
        path="/upload",
        alias="cdn.example.com",
        distribution_id="EDFDVBD6EXAMPLE",
        source_ip="192.0.2.1",
    )
    cf = e["Records"][0]["cf"]
    req = cf["request"]
    assert cf["config"]["distributionId"] == "EDFDVBD6EXAMPLE"
    assert (req["method"], req["uri"], req["querystring"]) == ("POST", "/upload", "a=1%202")
    assert req["clientIp"] == "192.0.2.1"
    assert req["headers"]["host"] == [{"key": "Host", "value": "cdn.example.com"}]
    assert req["body"]["inputTruncated"] is True  # viewer requests expose 40 KB
    assert base64.b64decode(req["body"]["data"]) == b"x" * 40_960
    r = build_event("cloudfront", 1, event_type="origin-response", status=404, origin_type="s3")
    assert r["Records"][0]["cf"]["response"]["status"] == "404"
    assert r["Records"][0]["cf"]["response"]["statusDescription"] == "Not Found"
    assert "s3" in r["Records"][0]["cf"]["request"]["origin"]


def test_deterministic() -> None:
    assert build_event("cloudfront", 5) == build_event("cloudfront", 5)
    assert build_event("cloudfront", 5) != build_event("cloudfront", 6)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"event_typ": "x"}, r"unknown override 'event_typ'.*did you mean 'event_type'"),
        ({"event_type": "viewer"}, r"event_type: 'viewer' is not allowed"),
        ({"event_type": "origin-response", "include_body": True}, r"include_body: only"),
        ({"event_type": "viewer-request", "status": 200}, r"status: only origin-response"),
        ({"status": 99}, r"status: 99 is below AWS's minimum 100"),
        ({"distribution_id": "abc"}, r"distribution_id: 'abc' is not a distribution id"),
        ({"origin_type": "s4"}, r"origin_type: 's4' is not allowed"),
        ({"include_body": "yes"}, r"include_body: expected bool"),
    ],
)
def test_bad_input(overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("cloudfront", 1, **overrides)
