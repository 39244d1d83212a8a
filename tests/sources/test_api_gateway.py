"""API Gateway REST (payload 1.0) and HTTP API (payload 2.0) events: shape, invariants,
overrides, bad input."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)
CLF = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
APIGW_ID = re.compile(r"^[A-Za-z0-9_-]{15}=$")  # JKJaXmPLvHcESHA=
API_ID = re.compile(r"^[a-z0-9]{10}$")
TRACE = re.compile(r"^Root=1-([0-9a-f]{8})-[0-9a-f]{24}$")
JAVA_DATE = re.compile(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$")
T0 = datetime(2024, 5, 1, 12, 0, 0, 123000, tzinfo=UTC)

REST_VARIANTS: list[dict[str, Any]] = [
    {},
    {"authorization_type": "COGNITO_USER_POOLS"},
    {"authorization_type": "CUSTOM"},
    {"authorization_type": "AWS_IAM"},
    {"endpoint_type": "EDGE", "method": "POST"},
    {"body": b"\x89PNG\r\n\x1a\n\x00", "method": "PUT", "resource": "/{proxy+}"},
    {"query": {"tag": ["a", "b"], "q": "x y"}, "headers": {"X-Multi": ["1", "2"]}},
    {"path": "/", "method": "GET", "api_key": "k" * 40, "stage_variables": {"alias": "live"}},
]
HTTP_VARIANTS: list[dict[str, Any]] = [
    {},
    {"authorization_type": "JWT"},
    {"authorization_type": "CUSTOM"},
    {"authorization_type": "AWS_IAM"},
    {"route_key": "$default"},
    {"stage": "prod", "route_key": "ANY /{proxy+}"},
    {"body": b"\x00\x01binary", "method": "POST", "cookies": {"a": "1", "b": "2"}},
    {"query": {"tag": ["a", "b"], "q": "x y"}, "headers": {"X-Multi": ["1", "2"]}},
]


def clf_epoch(text: str) -> int:
    return int(datetime.strptime(text, "%d/%b/%Y:%H:%M:%S %z").timestamp())


def match(template: str, path: str) -> dict[str, str] | None:
    """An independent matcher for API Gateway templates ({name}, final {name+})."""
    regex = re.sub(r"\\\{([^}+]+)\\\+\\\}", r"(?P<\1>.+)", re.escape(template))
    regex = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", regex)
    m = re.fullmatch(regex, path)
    return m.groupdict() if m else None


def raw_body(event: dict[str, Any]) -> bytes:
    body = event["body"] or ""
    return base64.b64decode(body) if event["isBase64Encoded"] else body.encode()


def jwt_payload(token: str) -> dict[str, Any]:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))  # type: ignore[no-any-return]


# --- REST API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", REST_VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_rest_event_validates_with_powertools(seed: int, variant: dict[str, Any]) -> None:
    models.APIGatewayProxyEventModel.model_validate(build_event("api_gateway", seed, **variant))


@pytest.mark.parametrize("variant", REST_VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_rest_invariants(seed: int, variant: dict[str, Any]) -> None:
    e = build_event("api_gateway", seed, **variant)
    rc = e["requestContext"]
    # single-value maps are the last value of the multi-value maps
    assert e["headers"] == {k: v[-1] for k, v in e["multiValueHeaders"].items()}
    if e["multiValueQueryStringParameters"] is None:
        assert e["queryStringParameters"] is None
    else:
        mv = e["multiValueQueryStringParameters"]
        assert e["queryStringParameters"] == {k: v[-1] for k, v in mv.items()}
        assert all(v for v in mv.values())
    # absent collections are null, never {}
    for key in ("queryStringParameters", "pathParameters", "stageVariables"):
        assert e[key] is None or e[key]
    # echoes
    assert rc["resourcePath"] == e["resource"]
    assert rc["httpMethod"] == e["httpMethod"]
    assert rc["path"] == f"/{rc['stage']}{e['path']}"
    assert (match(e["resource"], e["path"]) or None) == e["pathParameters"]
    assert rc["domainName"] == f"{rc['apiId']}.execute-api.us-east-1.amazonaws.com"
    assert rc["domainPrefix"] == rc["apiId"]
    assert API_ID.match(rc["apiId"])
    assert e["headers"]["Host"] == rc["domainName"]
    assert rc["accountId"] == "123456789012"
    # one instant, three formats
    assert CLF.match(rc["requestTime"])
    assert clf_epoch(rc["requestTime"]) == rc["requestTimeEpoch"] // 1000
    trace = TRACE.match(e["headers"]["X-Amzn-Trace-Id"])
    assert trace and int(trace.group(1), 16) == rc["requestTimeEpoch"] // 1000
    # ids
    assert UUID.match(rc["requestId"])
    assert APIGW_ID.match(rc["extendedRequestId"])
    assert re.fullmatch(
        r"[a-z0-9]{10}" if e["resource"] == "/" else r"[a-z0-9]{6}", rc["resourceId"]
    )
    # the client
    identity = rc["identity"]
    assert identity["userAgent"] == e["headers"]["User-Agent"]
    assert identity["sourceIp"] == e["headers"]["X-Forwarded-For"].split(", ")[0]
    assert e["headers"]["X-Forwarded-Proto"] == "https"
    assert e["headers"]["X-Forwarded-Port"] == "443"
    # the body
    if e["body"] is None:
        assert "Content-Length" not in e["headers"]
        assert e["isBase64Encoded"] is False
    else:
        assert int(e["headers"]["Content-Length"]) == len(raw_body(e))


@pytest.mark.parametrize("seed", SEEDS)
def test_rest_edge_optimized_adds_cloudfront(seed: int) -> None:
    e = build_event("api_gateway", seed, endpoint_type="EDGE")
    h = e["headers"]
    client, edge = h["X-Forwarded-For"].split(", ")
    assert e["requestContext"]["identity"]["sourceIp"] == client
    assert edge != client
    assert re.fullmatch(r"2\.0 [0-9a-f]{32}\.cloudfront\.net \(CloudFront\)", h["Via"])
    assert h["CloudFront-Forwarded-Proto"] == "https"
    assert {h["CloudFront-Is-Desktop-Viewer"], h["CloudFront-Is-Mobile-Viewer"]} == {
        "true",
        "false",
    }
    regional = build_event("api_gateway", seed, endpoint_type="REGIONAL")["headers"]
    assert not any(k.startswith("CloudFront-") for k in regional)
    assert "," not in regional["X-Forwarded-For"]


def test_rest_region_account_and_partition() -> None:
    e = build_event("api_gateway", 1, region="eu-west-2", account_id="210987654321")
    assert e["requestContext"]["accountId"] == "210987654321"
    assert e["requestContext"]["domainName"].endswith(".execute-api.eu-west-2.amazonaws.com")
    cn = build_event("api_gateway", 1, region="cn-north-1")
    assert cn["requestContext"]["domainName"].endswith(".execute-api.cn-north-1.amazonaws.com.cn")


def test_rest_time_override() -> None:
    e = build_event("api_gateway", 3, time=T0)
    assert e["requestContext"]["requestTime"] == "01/May/2024:12:00:00 +0000"
    assert e["requestContext"]["requestTimeEpoch"] == 1714564800123
    assert e["headers"]["X-Amzn-Trace-Id"].startswith("Root=1-66322ec0-")


def test_rest_route_overrides() -> None:
    e = build_event(
        "api_gateway", 1, method="DELETE", resource="/orders/{orderId}", path="/orders/7"
    )
    assert (e["httpMethod"], e["resource"], e["path"]) == (
        "DELETE",
        "/orders/{orderId}",
        "/orders/7",
    )
    assert e["pathParameters"] == {"orderId": "7"}
    filled = build_event(
        "api_gateway", 1, resource="/users/{id}/cart", path_parameters={"id": "u1"}
    )
    assert filled["path"] == "/users/u1/cart"
    derived = build_event("api_gateway", 1, path="/shops/9/items/3", path_parameters={
        "shopId": "9", "itemId": "3"})  # fmt: skip
    assert derived["resource"] == "/shops/{shopId}/items/{itemId}"
    proxy = build_event("api_gateway", 1, path="/a/b/c")
    assert proxy["resource"] == "/{proxy+}"
    assert proxy["pathParameters"] == {"proxy": "a/b/c"}
    greedy = build_event("api_gateway", 1, resource="/files/{key+}", path="/files/2024/05/x.csv")
    assert greedy["pathParameters"] == {"key": "2024/05/x.csv"}
    root = build_event("api_gateway", 1, path="/")
    assert (root["resource"], root["pathParameters"]) == ("/", None)
    only_params = build_event("api_gateway", 1, path_parameters={"orderId": "42"})
    assert only_params["pathParameters"] == {"orderId": "42"}
    assert match(only_params["resource"], only_params["path"]) == {"orderId": "42"}


def test_rest_request_overrides() -> None:
    e = build_event(
        "api_gateway",
        2,
        method="POST",
        query={"tag": ["a", "b"], "q": "hello world"},
        headers={"X-Request-Id": "abc", "Accept": ["text/html", "application/json"]},
        body='{"a": 1}',
        stage="beta",
        api_id="a1b2c3d4e5",
        source_ip="198.51.100.7",
        user_agent="my-client/1.0",
        stage_variables={"lambdaAlias": "live"},
        request_id="req-1",
        cookies={"sid": "x1"},
        endpoint_type="REGIONAL",
    )
    assert e["multiValueQueryStringParameters"] == {"tag": ["a", "b"], "q": ["hello world"]}
    assert e["queryStringParameters"] == {"tag": "b", "q": "hello world"}
    assert e["headers"]["X-Request-Id"] == "abc"
    assert e["multiValueHeaders"]["Accept"] == ["text/html", "application/json"]
    assert e["headers"]["Accept"] == "application/json"
    assert e["headers"]["Cookie"] == "sid=x1"
    assert e["body"] == '{"a": 1}'
    assert e["headers"]["Content-Type"] == "application/json"
    assert e["isBase64Encoded"] is False
    rc = e["requestContext"]
    assert rc["stage"] == "beta"
    assert rc["path"].startswith("/beta/")
    assert rc["apiId"] == "a1b2c3d4e5"
    assert rc["domainName"].startswith("a1b2c3d4e5.")
    assert rc["identity"]["sourceIp"] == "198.51.100.7"
    assert e["headers"]["X-Forwarded-For"] == "198.51.100.7"
    assert rc["identity"]["userAgent"] == e["headers"]["User-Agent"] == "my-client/1.0"
    assert e["stageVariables"] == {"lambdaAlias": "live"}
    assert rc["requestId"] == "req-1"


def test_rest_body_encoding() -> None:
    binary = build_event("api_gateway", 1, method="POST", body=b"\x00\xffdata")
    assert binary["isBase64Encoded"] is True
    assert base64.b64decode(binary["body"]) == b"\x00\xffdata"
    assert binary["headers"]["Content-Type"] == "application/octet-stream"
    media = build_event("api_gateway", 1, method="POST", body="text", headers={
        "Content-Type": "image/png"}, binary_media_types=["image/*"])  # fmt: skip
    assert media["isBase64Encoded"] is True
    assert base64.b64decode(media["body"]) == b"text"
    plain = build_event("api_gateway", 1, method="POST", body="text", headers={
        "Content-Type": "image/png"})  # fmt: skip
    assert plain["isBase64Encoded"] is False
    none = build_event("api_gateway", 1, method="POST", body=None)
    assert none["body"] is None
    assert "Content-Length" not in none["headers"]


def test_rest_custom_domain() -> None:
    e = build_event("api_gateway", 4, domain_name="api.example.com", path="/v1/items", stage="prod")
    rc = e["requestContext"]
    assert rc["domainName"] == e["headers"]["Host"] == "api.example.com"
    assert rc["domainPrefix"] == "api"
    assert rc["path"] == "/v1/items"  # base path mapping: no stage in the path
    via_host = build_event("api_gateway", 4, headers={"Host": "api.example.org"})
    assert via_host["requestContext"]["domainName"] == "api.example.org"


def test_rest_headers_can_drop_defaults() -> None:
    e = build_event("api_gateway", 5, headers={"Accept-Encoding": None, "user-agent": "x/1"})
    assert "Accept-Encoding" not in e["headers"]
    assert e["headers"]["user-agent"] == "x/1"
    assert "User-Agent" not in e["headers"]
    assert e["requestContext"]["identity"]["userAgent"] == "x/1"


@pytest.mark.parametrize("seed", SEEDS)
def test_dropping_the_cookie_header_drops_default_cookies(seed: int) -> None:
    browser = "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0"
    e = build_event("api_gateway_v2", seed, user_agent=browser, headers={"Cookie": None})
    assert "cookies" not in e and "cookie" not in e["headers"]
    kept = build_event("api_gateway_v2", seed, headers={"Cookie": None}, cookies={"a": "1"})
    assert kept["cookies"] == ["a=1"]


def test_rest_cognito_authorizer() -> None:
    e = build_event("api_gateway", 6, authorization_type="COGNITO_USER_POOLS", authorizer={
        "custom:tenant": "t1", "cognito:groups": ["admin", "ops"]})  # fmt: skip
    claims = e["requestContext"]["authorizer"]["claims"]
    assert all(isinstance(v, str) for v in claims.values())
    assert claims["custom:tenant"] == "t1"
    assert claims["cognito:groups"] == "admin,ops"
    assert claims["token_use"] == "id"
    assert JAVA_DATE.match(claims["iat"]) and JAVA_DATE.match(claims["exp"])
    assert claims["iss"].startswith("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_")
    token = jwt_payload(e["headers"]["Authorization"])
    assert token["sub"] == claims["sub"]
    epoch = e["requestContext"]["requestTimeEpoch"] // 1000
    assert token["auth_time"] <= token["iat"] <= epoch < token["exp"]


def test_rest_lambda_authorizer_stringifies_context() -> None:
    e = build_event("api_gateway", 7, authorizer={"admin": True, "level": 3, "principalId": "u-1"})
    auth = e["requestContext"]["authorizer"]
    assert auth["principalId"] == "u-1"
    assert (auth["admin"], auth["level"]) == ("true", "3")
    assert isinstance(auth["integrationLatency"], int)
    assert e["headers"]["Authorization"].startswith("Bearer ")


def test_rest_iam_caller() -> None:
    e = build_event("api_gateway", 8, authorization_type="AWS_IAM", account_id="111122223333",
                    region="eu-central-1")  # fmt: skip
    identity = e["requestContext"]["identity"]
    assert "authorizer" not in e["requestContext"]
    assert identity["accessKey"].startswith("ASIA")
    assert identity["accountId"] == "111122223333"
    assert identity["userArn"].startswith("arn:aws:sts::111122223333:assumed-role/")
    assert identity["caller"] == identity["user"]
    assert identity["userArn"].endswith("/" + identity["caller"].split(":")[1])
    auth = e["headers"]["Authorization"]
    day = datetime.fromtimestamp(e["requestContext"]["requestTimeEpoch"] / 1000, UTC)
    assert f"Credential={identity['accessKey']}/{day:%Y%m%d}/eu-central-1/execute-api/" in auth
    assert e["headers"]["X-Amz-Date"].startswith(f"{day:%Y%m%d}T")
    assert "X-Amz-Security-Token" in e["headers"]
    unauthenticated = build_event("api_gateway", 8)["requestContext"]["identity"]
    assert unauthenticated["accessKey"] is None and unauthenticated["userArn"] is None


def test_rest_api_key() -> None:
    e = build_event("api_gateway", 9, api_key="secret-key-1234567890")
    assert e["headers"]["x-api-key"] == "secret-key-1234567890"
    assert e["requestContext"]["identity"]["apiKey"] == "secret-key-1234567890"
    assert API_ID.match(e["requestContext"]["identity"]["apiKeyId"])
    assert "apiKey" not in build_event("api_gateway", 9)["requestContext"]["identity"]


# --- HTTP API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", HTTP_VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_http_event_validates_with_powertools(seed: int, variant: dict[str, Any]) -> None:
    models.APIGatewayProxyEventV2Model.model_validate(
        build_event("api_gateway_v2", seed, **variant)
    )


@pytest.mark.parametrize("variant", HTTP_VARIANTS, ids=lambda v: ",".join(v) or "default")
@pytest.mark.parametrize("seed", SEEDS)
def test_http_invariants(seed: int, variant: dict[str, Any]) -> None:
    e = build_event("api_gateway_v2", seed, **variant)
    rc, http = e["requestContext"], e["requestContext"]["http"]
    assert e["version"] == "2.0"
    assert e["routeKey"] == rc["routeKey"]
    assert e["rawPath"] == http["path"]
    # omitted, never null
    assert all(value is not None for value in e.values())
    for key in ("cookies", "queryStringParameters", "pathParameters", "stageVariables", "body"):
        assert key not in e or e[key] not in ({}, [])
    # headers: lower case, cookies split out
    assert all(name == name.lower() for name in e["headers"])
    assert "cookie" not in e["headers"]
    assert all("=" in c and ";" not in c for c in e.get("cookies", []))
    assert http["userAgent"] == e["headers"]["user-agent"]
    assert http["sourceIp"] == e["headers"]["x-forwarded-for"].split(",")[-1].strip()
    assert e["headers"]["host"] == rc["domainName"]
    # the query string is the source of queryStringParameters
    assert not e["rawQueryString"].startswith("?")
    parsed: dict[str, list[str]] = {}
    for k, v in parse_qsl(e["rawQueryString"], keep_blank_values=True):
        parsed.setdefault(k, []).append(v)
    assert e.get("queryStringParameters", {}) == {k: ",".join(v) for k, v in parsed.items()}
    # the route
    path = e["rawPath"]
    if rc["stage"] != "$default":
        assert path.startswith(f"/{rc['stage']}/") or path == f"/{rc['stage']}"
        path = path[len(rc["stage"]) + 1 :] or "/"
    if e["routeKey"] == "$default":
        assert "pathParameters" not in e
    else:
        verb, template = e["routeKey"].split(" ", 1)
        assert verb in ("ANY", http["method"])
        assert (match(template, path) or None) == e.get("pathParameters")
    # ids, domain, times
    assert APIGW_ID.match(rc["requestId"])
    assert rc["domainName"] == f"{rc['apiId']}.execute-api.us-east-1.amazonaws.com"
    assert rc["domainPrefix"] == rc["apiId"]
    assert CLF.match(rc["time"])
    assert clf_epoch(rc["time"]) == rc["timeEpoch"] // 1000
    trace = TRACE.match(e["headers"]["x-amzn-trace-id"])
    assert trace and int(trace.group(1), 16) == rc["timeEpoch"] // 1000
    # the body: text only for text-like content types
    if "body" in e:
        assert int(e["headers"]["content-length"]) == len(raw_body(e))
        text_like = re.match(
            r"text/|application/(json|xml|javascript)", e["headers"]["content-type"]
        )
        assert e["isBase64Encoded"] is (text_like is None)
    else:
        assert e["isBase64Encoded"] is False


def test_http_route_overrides() -> None:
    e = build_event("api_gateway_v2", 1, route_key="GET /orders/{orderId}", path="/orders/9")
    assert (e["routeKey"], e["requestContext"]["http"]["method"]) == (
        "GET /orders/{orderId}",
        "GET",
    )
    assert e["pathParameters"] == {"orderId": "9"}
    anything = build_event("api_gateway_v2", 1, route_key="ANY /{proxy+}", method="PATCH")
    assert anything["requestContext"]["http"]["method"] == "PATCH"
    assert anything["routeKey"] == "ANY /{proxy+}"
    stage = anything["requestContext"]["stage"]
    path = anything["rawPath"].removeprefix(f"/{stage}" if stage != "$default" else "")
    assert anything["pathParameters"] == {"proxy": path[1:]}
    default = build_event("api_gateway_v2", 1, route_key="$default", path="/x/y", stage="$default")
    assert default["routeKey"] == "$default"
    assert default["rawPath"] == "/x/y"
    assert "pathParameters" not in default
    bare = build_event("api_gateway_v2", 1, path="/a/b", stage="$default")
    assert (bare["routeKey"], bare["pathParameters"]) == ("ANY /{proxy+}", {"proxy": "a/b"})
    derived = build_event("api_gateway_v2", 1, method="PUT", path="/carts/3", path_parameters={
        "cartId": "3"})  # fmt: skip
    assert derived["routeKey"] == "PUT /carts/{cartId}"


def test_http_stage_prefix() -> None:
    staged = build_event("api_gateway_v2", 2, stage="dev", path="/items", route_key="GET /items")
    assert staged["rawPath"] == staged["requestContext"]["http"]["path"] == "/dev/items"
    assert staged["requestContext"]["stage"] == "dev"
    default = build_event("api_gateway_v2", 2, stage="$default", path="/items")
    assert default["rawPath"] == "/items"
    custom = build_event(
        "api_gateway_v2", 2, stage="dev", path="/items", domain_name="api.example.com"
    )
    assert custom["rawPath"] == "/items"  # the API mapping picks the stage
    assert custom["requestContext"]["domainPrefix"] == "api"


def test_http_request_overrides() -> None:
    e = build_event(
        "api_gateway_v2",
        3,
        method="POST",
        query={"tag": ["a", "b"], "q": "x&y z"},
        headers={"X-Custom": ["1", "2"], "Cookie": "a=1; b=2"},
        cookies={"c": "3"},
        body="hello",
        stage_variables={"v": "1"},
        request_id="R1",
        source_ip="2001:db8::1",
    )
    assert e["rawQueryString"] == "tag=a&tag=b&q=x%26y%20z"
    assert e["queryStringParameters"] == {"tag": "a,b", "q": "x&y z"}
    assert e["headers"]["x-custom"] == "1,2"
    assert e["cookies"] == ["a=1", "b=2", "c=3"]
    assert e["body"] == "hello"
    assert e["headers"]["content-type"].startswith("text/plain")
    assert e["stageVariables"] == {"v": "1"}
    assert e["requestContext"]["requestId"] == "R1"
    assert e["requestContext"]["http"]["sourceIp"] == "2001:db8::1"


def test_http_body_content_type_rule() -> None:
    form = build_event("api_gateway_v2", 4, method="POST", body="a=1&b=2", headers={
        "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert form["isBase64Encoded"] is True  # HTTP APIs base64 every non-text type
    assert base64.b64decode(form["body"]) == b"a=1&b=2"
    json_bytes = build_event("api_gateway_v2", 4, method="POST", body=b'{"a":1}', headers={
        "content-type": "application/json"})  # fmt: skip
    assert (json_bytes["isBase64Encoded"], json_bytes["body"]) == (False, '{"a":1}')
    octets = build_event("api_gateway_v2", 4, method="POST", body=b"\x00")
    assert octets["isBase64Encoded"] is True
    assert octets["headers"]["content-type"] == "application/octet-stream"


def test_http_jwt_authorizer() -> None:
    e = build_event("api_gateway_v2", 5, authorization_type="JWT", authorizer={
        "scope": "orders/read orders/write", "cognito:groups": ["a", "b"]})  # fmt: skip
    jwt = e["requestContext"]["authorizer"]["jwt"]
    assert jwt["scopes"] == ["orders/read", "orders/write"]
    assert jwt["claims"]["cognito:groups"] == "[a b]"
    assert all(isinstance(v, str) for v in jwt["claims"].values())
    token = jwt_payload(e["headers"]["authorization"].removeprefix("Bearer "))
    assert str(token["exp"]) == jwt["claims"]["exp"]
    assert token["iat"] <= e["requestContext"]["timeEpoch"] // 1000 < token["exp"]
    id_token = build_event("api_gateway_v2", 5, authorization_type="JWT", authorizer={"aud": "c1"})
    assert id_token["requestContext"]["authorizer"]["jwt"]["scopes"] is None


def test_http_lambda_and_iam_authorizers() -> None:
    e = build_event("api_gateway_v2", 6, authorizer={"admin": True, "n": 2})
    assert e["requestContext"]["authorizer"]["lambda"]["admin"] is True  # types kept in 2.0
    assert e["requestContext"]["authorizer"]["lambda"]["n"] == 2
    nested = build_event("api_gateway_v2", 6, authorizer={"roles": ["a"], "org": {"id": 1}})
    assert nested["requestContext"]["authorizer"]["lambda"]["org"] == {"id": 1}
    assert nested["requestContext"]["authorizer"]["lambda"]["roles"] == ["a"]
    iam = build_event("api_gateway_v2", 6, authorization_type="AWS_IAM", region="us-gov-west-1")
    caller = iam["requestContext"]["authorizer"]["iam"]
    assert caller["userArn"].startswith("arn:aws-us-gov:sts::123456789012:assumed-role/")
    assert caller["accountId"] == iam["requestContext"]["accountId"]
    assert iam["headers"]["authorization"].startswith(
        f"AWS4-HMAC-SHA256 Credential={caller['accessKey']}/"
    )


@pytest.mark.parametrize("source", ["api_gateway", "api_gateway_v2"])
def test_powertools_resolvers_route_the_events(source: str) -> None:
    from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, APIGatewayRestResolver

    app = APIGatewayRestResolver() if source == "api_gateway" else APIGatewayHttpResolver()

    @app.get("/orders/<order_id>")
    def get(order_id: str) -> dict[str, Any]:
        return {"id": order_id, "q": app.current_event.get_query_string_value("q")}

    for seed in SEEDS:
        event = build_event(source, seed, method="GET", path="/orders/42", query={"q": "a b"})
        response = app.resolve(event, {})
        assert response["statusCode"] == 200
        assert json.loads(response["body"]) == {"id": "42", "q": "a b"}


# --- determinism --------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["api_gateway", "api_gateway_v2"])
def test_same_seed_same_event_and_seeds_differ(source: str) -> None:
    assert build_event(source, 11, method="POST") == build_event(source, 11, method="POST")
    events = [json.dumps(build_event(source, s)) for s in SEEDS]
    assert len(set(events)) == len(events)


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["api_gateway", "api_gateway_v2"])
@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"methd": "GET"}, r"unknown override 'methd' \(did you mean 'method'\?\)"),
        ({"method": "TRACE"}, r"method: 'TRACE' is not allowed.*allowed: 'GET', 'POST'"),
        ({"method": 1}, r"method: expected str, got int"),
        ({"path": "orders"}, r"path: 'orders' must start with '/'"),
        ({"path": "/a?b=1"}, r"path: .*pass the query string as query="),
        ({"path": "/a b"}, r"path: .*whitespace"),
        ({"headers": {"Bad Name": "x"}}, r"headers: 'Bad Name' is not an HTTP header name"),
        ({"headers": {"X-A": 1}}, r"headers: 'X-A': 1; give a str, a non-empty list of str"),
        ({"headers": {"X-A": "a\r\nb"}}, r"headers: 'X-A'.*line break"),
        ({"headers": "x"}, r"headers: expected dict, got str"),
        ({"query": {"a": 1}}, r"query: 'a': 1; give a str or a non-empty list of str"),
        ({"query": {"a": []}}, r"query: 'a': \[\]"),
        ({"body": 5}, r"body: expected str or bytes, got int"),
        ({"body": "x" * 6_291_457}, r"body: 6,291,457 bytes; Lambda accepts .* 6,291,456"),
        ({"api_id": "ABC"}, r"api_id: 'ABC' is not an API id: 10 lower-case letters or digits"),
        ({"stage": "my stage"}, r"stage: 'my stage': stage names are 1 to 128 letters"),
        ({"source_ip": "999.1.1.1"}, r"source_ip: '999.1.1.1' is not an IPv4 or IPv6 address"),
        ({"source_ip": "1.2.3.4", "headers": {"X-Forwarded-For": "5.6.7.8"}},
         r"source_ip: '1.2.3.4' is not in X-Forwarded-For"),
        ({"user_agent": "a/1", "headers": {"User-Agent": "b/2"}},
         r"user_agent: 'a/1' but headers give User-Agent 'b/2'"),
        ({"domain_name": "Not_A_Host"}, r"domain_name: 'Not_A_Host' is not a DNS name"),
        ({"domain_name": "a.example.com", "headers": {"Host": "b.example.com"}},
         r"headers: Host 'b.example.com' but the request went to 'a.example.com'"),
        ({"path_parameters": {"id": "9"}, "path": "/orders/42"},
         r"path_parameters: id='9' is not a segment of path '/orders/42'"),
        ({"path_parameters": {"id": 9}}, r"path_parameters: 'id': 9; names and values must be"),
        ({"stage_variables": {"a-b": "x"}}, r"stage_variables: 'a-b': names are 1 to 64 letters"),
        ({"authorization_type": "NONE", "authorizer": {"a": "b"}},
         r"authorizer: authorization_type 'NONE' has no authorizer"),
        ({"authorization_type": "AWS_IAM", "authorizer": {"arn": "x"}},
         r"authorizer: \['arn'\] are not caller fields; allowed: accessKey, accountId"),
        ({"body": "abc", "method": "POST", "headers": {"Content-Length": "99"}},
         r"headers: Content-Length 99 but the body has 3 bytes"),
        ({"cookies": ["novalue"]}, r"cookies: 'novalue' is not a 'name=value' str"),
        ({"cookies": {"a": "x;y"}}, r"cookies: 'a=x;y' holds ';'"),
    ],
)  # fmt: skip
def test_bad_input_is_reported(source: str, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(EventConfigError, match=f"^{source}: " + message):
        build_event(source, 1, **overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"resource": "orders"}, r"resource: 'orders' must start with '/'"),
        ({"resource": "/a/{proxy+}/b"}, r"resource: greedy \{proxy\+\} must be the last segment"),
        ({"resource": "/a/x{id}"}, r"resource: 'x\{id\}' in '/a/x\{id\}': a parameter is a whole"),
        ({"resource": "/orders/{id}", "path": "/users/1"},
         r"path: '/users/1' does not match resource '/orders/\{id\}'"),
        ({"resource": "/orders/{id}", "path_parameters": {"x": "1"}},
         r"path_parameters: \['x'\] are not parameters of resource '/orders/\{id\}'"),
        ({"resource": "/o/{id}", "path": "/o/1", "path_parameters": {"id": "2"}},
         r"path_parameters: id='2' but path '/o/1' gives '1'"),
        ({"stage": "$default"}, r"stage: '\$default': stage names are 1 to 128"),
        ({"endpoint_type": "PRIVATE"},
         r"endpoint_type: 'PRIVATE' is not allowed.*'REGIONAL', 'EDGE'"),
        ({"authorization_type": "JWT"},
         r"authorization_type: 'JWT' is not allowed.*'COGNITO_USER_POOLS'"),
        ({"authorizer": {"nested": {"a": 1}}}, r"authorizer: context value 'nested' is a dict"),
        ({"authorizer": {"groups": ["a"]}},
         r"authorizer: a Lambda authorizer's context holds only"),
        ({"binary_media_types": [1]}, r"binary_media_types\[0\]: expected str, got int"),
        ({"route_key": "GET /"}, r"unknown override 'route_key'"),
    ],
)  # fmt: skip
def test_rest_bad_input(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(EventConfigError, match="^api_gateway: " + message):
        build_event("api_gateway", 1, **overrides)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"route_key": "GET orders"},
         r"route_key: 'GET orders'; allowed: '\$default' or 'METHOD /path'"),
        ({"route_key": "FETCH /x"}, r"route_key: 'FETCH /x'; allowed: .*ANY, GET, POST"),
        ({"route_key": "GET /x", "method": "POST"},
         r"method: 'POST' but route_key 'GET /x' only matches GET"),
        ({"route_key": "$default", "path_parameters": {"a": "b"}},
         r"path_parameters: the \$default route has no path parameters"),
        ({"route_key": "GET /o/{id}", "path": "/p/1"}, r"path: '/p/1' does not match route_key"),
        ({"authorization_type": "COGNITO_USER_POOLS"},
         r"authorization_type: .*allowed: 'NONE', 'AWS_IAM', 'CUSTOM', 'JWT'"),
        ({"stage": "a/b"}, r"stage: 'a/b': stage names are .* or '\$default'"),
        ({"authorization_type": "JWT", "authorizer": {"address": {"city": "x"}}},
         r"authorizer: claim 'address' is a dict; API Gateway passes only str, number, bool"),
        ({"resource": "/x"}, r"unknown override 'resource'"),
    ],
)  # fmt: skip
def test_http_bad_input(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(EventConfigError, match="^api_gateway_v2: " + message):
        build_event("api_gateway_v2", 1, **overrides)
