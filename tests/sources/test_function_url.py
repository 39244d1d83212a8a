"""Lambda function URL events (payload format 2.0): shape, invariants, overrides, bad input."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)
CLF = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
TRACE = re.compile(r"^Root=1-([0-9a-f]{8})-[0-9a-f]{24}$")
TEXT_TYPE = re.compile(r"^(text/|application/(json|xml|javascript)\b)")
VARIANTS: list[dict[str, Any]] = [
    {},
    {"auth_type": "AWS_IAM"},
    {"auth_type": "AWS_IAM", "method": "POST", "body": b"\x00\x01\x02"},
    {"method": "GET", "query": {"tag": ["a", "b"], "q": "x y"}, "cookies": {"s": "1", "t": "2"}},
    {"method": "POST", "body": "plain", "headers": {"Content-Type": "text/plain"}},
    {"path": "/", "headers": {"X-Multi": ["1", "2"]}},
]


def raw_body(event: dict[str, Any]) -> bytes:
    if "body" not in event:
        return b""
    body: str = event["body"]
    return base64.b64decode(body) if event["isBase64Encoded"] else body.encode()


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_validates_with_powertools(seed: int, variant: dict[str, Any]) -> None:
    models.LambdaFunctionUrlModel.model_validate(build_event("function_url", seed, **variant))


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_invariants(seed: int, variant: dict[str, Any]) -> None:
    e = build_event("function_url", seed, **variant)
    rc, http = e["requestContext"], e["requestContext"]["http"]
    assert e["version"] == "2.0"
    assert e["routeKey"] == rc["routeKey"] == "$default"
    assert rc["stage"] == "$default"
    assert e["rawPath"] == http["path"]
    # no API Gateway features: no path parameters or stage variables; omitted, never null
    assert "pathParameters" not in e and "stageVariables" not in e
    assert all(value is not None for value in e.values())
    # domain: <url-id>.lambda-url.<region>.on.aws, the url id doubling as apiId and prefix
    assert re.fullmatch(r"[a-z0-9]{32}", rc["apiId"])
    assert rc["domainName"] == f"{rc['apiId']}.lambda-url.us-east-1.on.aws"
    assert rc["domainPrefix"] == rc["apiId"]
    assert e["headers"]["host"] == rc["domainName"]
    # headers lower case; the cookie header is kept next to the split cookies list
    assert all(name == name.lower() for name in e["headers"])
    if "cookies" in e:
        assert e["cookies"] == [c.strip() for c in e["headers"]["cookie"].split(";")]
    else:
        assert "cookie" not in e["headers"]
    assert http["userAgent"] == e["headers"]["user-agent"]
    assert http["sourceIp"] == e["headers"]["x-forwarded-for"]
    assert e["headers"]["x-amzn-tls-version"] in ("TLSv1.2", "TLSv1.3")
    # query
    parsed: dict[str, list[str]] = {}
    for k, v in parse_qsl(e["rawQueryString"], keep_blank_values=True):
        parsed.setdefault(k, []).append(v)
    assert e.get("queryStringParameters", {}) == {k: ",".join(v) for k, v in parsed.items()}
    # times and ids
    assert UUID.match(rc["requestId"])
    assert CLF.match(rc["time"])
    when = datetime.strptime(rc["time"], "%d/%b/%Y:%H:%M:%S %z")
    assert int(when.timestamp()) == rc["timeEpoch"] // 1000
    trace = TRACE.match(e["headers"]["x-amzn-trace-id"])
    assert trace and int(trace.group(1), 16) == rc["timeEpoch"] // 1000
    # body: base64 unless the content type is text-like
    if "body" in e:
        assert int(e["headers"]["content-length"]) == len(raw_body(e))
        assert e["isBase64Encoded"] is not bool(TEXT_TYPE.match(e["headers"]["content-type"]))
    else:
        assert e["isBase64Encoded"] is False
    # authentication
    if variant.get("auth_type") == "AWS_IAM":
        iam = rc["authorizer"]["iam"]
        assert rc["accountId"] == iam["accountId"] == "123456789012"
        assert iam["userArn"].startswith("arn:aws:sts::123456789012:assumed-role/")
        assert iam["callerId"] == iam["userId"]
        headers = e["headers"]
        signed = datetime.strptime(headers["x-amz-date"], "%Y%m%dT%H%M%S%z")
        request = datetime.fromtimestamp(rc["timeEpoch"] / 1000, UTC)
        assert request - timedelta(minutes=5) <= signed <= request
        assert headers["x-amz-content-sha256"] == hashlib.sha256(raw_body(e)).hexdigest()
        assert ("x-amz-security-token" in headers) is iam["accessKey"].startswith("ASIA")
        assert "authorization" not in headers  # the URL strips the SigV4 signature
    else:
        assert rc["accountId"] == "anonymous"
        assert "authorizer" not in rc
        assert not any(name.startswith("x-amz-") for name in e["headers"])


def test_overrides_land() -> None:
    e = build_event(
        "function_url",
        1,
        url_id="abcdefghijklmnopqrstuvwxyz012345",
        method="PUT",
        path="/items/7",
        query={"q": "a&b", "n": ["1", "2"]},
        headers={"X-Trace": "t1", "Content-Type": "application/xml"},
        body="<a/>",
        source_ip="192.0.2.10",
        user_agent="agent/2",
        request_id="11111111-2222-4333-8444-555555555555",
        region="ap-southeast-2",
        time=datetime(2024, 2, 29, 23, 59, 59, 500000, tzinfo=UTC),
    )
    rc = e["requestContext"]
    assert rc["apiId"] == "abcdefghijklmnopqrstuvwxyz012345"
    assert rc["domainName"] == "abcdefghijklmnopqrstuvwxyz012345.lambda-url.ap-southeast-2.on.aws"
    assert (rc["http"]["method"], e["rawPath"]) == ("PUT", "/items/7")
    assert e["rawQueryString"] == "q=a%26b&n=1&n=2"
    assert e["queryStringParameters"] == {"q": "a&b", "n": "1,2"}
    assert e["headers"]["x-trace"] == "t1"
    assert (e["body"], e["isBase64Encoded"]) == ("<a/>", False)
    assert rc["http"]["sourceIp"] == "192.0.2.10"
    assert rc["http"]["userAgent"] == "agent/2"
    assert rc["requestId"] == "11111111-2222-4333-8444-555555555555"
    assert (rc["time"], rc["timeEpoch"]) == ("29/Feb/2024:23:59:59 +0000", 1709251199500)


def test_body_without_text_content_type_is_base64() -> None:
    e = build_event("function_url", 2, method="POST", body="hi", headers={"content-type": "idk"})
    assert (e["body"], e["isBase64Encoded"]) == ("aGk=", True)
    untyped = build_event("function_url", 2, method="POST", body="hi", headers={
        "Content-Type": None})  # fmt: skip
    assert "content-type" not in untyped["headers"]
    assert untyped["isBase64Encoded"] is True  # no Content-Type counts as binary
    none = build_event("function_url", 2, method="POST", body=None)
    assert "body" not in none and none["isBase64Encoded"] is False


def test_iam_caller_overrides() -> None:
    e = build_event("function_url", 3, auth_type="AWS_IAM", authorizer={
        "accessKey": "AKIAIOSFODNN7EXAMPLE", "accountId": "444455556666",
        "userArn": "arn:aws:iam::444455556666:user/ci"})  # fmt: skip
    iam = e["requestContext"]["authorizer"]["iam"]
    assert iam["accessKey"] == "AKIAIOSFODNN7EXAMPLE"
    assert e["requestContext"]["accountId"] == "444455556666"
    assert "x-amz-security-token" not in e["headers"]  # long-term keys have no session token


def test_shares_request_handling_with_http_api() -> None:
    """Function URLs and HTTP APIs run the same request code: same query, headers, cookies."""
    common = {"method": "POST", "path": "/p", "query": {"a": ["1", "2"], "b": "x y"},
              "headers": {"X-A": ["1", "2"]}, "cookies": {"c": "1"}, "body": "{}",
              "source_ip": "203.0.113.9", "user_agent": "ua/1"}  # fmt: skip
    url = build_event("function_url", 4, **common)
    api = build_event("api_gateway_v2", 4, stage="$default", **common)
    for key in ("rawQueryString", "queryStringParameters", "cookies", "body", "isBase64Encoded"):
        assert url[key] == api[key]
    for name in ("x-a", "content-type", "content-length", "user-agent", "x-forwarded-for"):
        assert url["headers"][name] == api["headers"][name]
    assert "cookie" in url["headers"] and "cookie" not in api["headers"]


def test_powertools_resolver_routes_the_event() -> None:
    from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver

    app = LambdaFunctionUrlResolver()

    @app.post("/orders")
    def create() -> dict[str, Any]:
        return {
            "body": app.current_event.json_body,
            "ip": app.current_event.request_context.http.source_ip,
        }

    for seed in SEEDS:
        event = build_event("function_url", seed, method="POST", path="/orders", body='{"a":1}')
        response = app.resolve(event, {})
        assert response["statusCode"] == 200
        body = json.loads(response["body"])
        assert body["body"] == {"a": 1}
        assert body["ip"] == event["requestContext"]["http"]["sourceIp"]


def test_deterministic() -> None:
    assert build_event("function_url", 9, auth_type="AWS_IAM") == build_event(
        "function_url", 9, auth_type="AWS_IAM")  # fmt: skip
    events = {json.dumps(build_event("function_url", s)) for s in SEEDS}
    assert len(events) == len(SEEDS)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"auth_typ": "NONE"}, r"unknown override 'auth_typ' \(did you mean 'auth_type'\?\)"),
        ({"route_key": "GET /"}, r"unknown override 'route_key'; allowed: .*auth_type"),
        ({"auth_type": "JWT"}, r"auth_type: 'JWT' is not allowed; allowed: 'NONE', 'AWS_IAM'"),
        ({"url_id": "ABC"}, r"url_id: 'ABC' is not a function URL id: 32 lower-case letters"),
        ({"url_id": 5}, r"url_id: expected str, got int"),
        ({"authorizer": {"accessKey": "x"}}, r"authorizer: auth_type 'NONE' has no IAM caller"),
        ({"auth_type": "AWS_IAM", "authorizer": {"role": "x"}},
         r"authorizer: \['role'\] are not caller fields; allowed: accessKey"),
        ({"headers": {"Host": "example.com"}},
         r"headers: Host 'example.com' but the request went to '[a-z0-9]{32}\.lambda-url"),
        ({"path": "x"}, r"path: 'x' must start with '/'"),
        ({"method": "CONNECT"}, r"method: 'CONNECT' is not allowed"),
        ({"body": b"x" * 6_291_457}, r"body: 6,291,457 bytes; Lambda accepts request payloads"),
        ({"body": b"x" * 5_000_000}, r"body: 5,000,000 bytes are 6,666,668 in base64; Lambda"),
        ({"cookies": "a=b"}, r"cookies: expected dict or list, got str"),
    ],
)  # fmt: skip
def test_bad_input_is_reported(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(EventConfigError, match="^function_url: " + message):
        build_event("function_url", 1, **overrides)
