"""The HTTP front doors (semantics.md 1.4): the event each one sends, one synchronous call, and
the response the client receives: errors, integration timeouts, size limits, settings."""

import base64
import json
import time
from datetime import timedelta

import pytest

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.flows.front_doors import FrontDoorConfigError

REST_502 = b'{"message": "Internal server error"}'
REST_504 = b'{"message": "Endpoint request timed out"}'
HTTP_API_500 = b'{"message":"Internal Server Error"}'
HTTP_API_503 = b'{"message":"Service Unavailable"}'
PNG = b"\x89PNG\r\n\x1a\n\x00\xff"


def echo(event, context):
    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "body": json.dumps(event)}  # fmt: skip


def failing(event, context):
    raise RuntimeError("database is down")


def sleeper(seconds):
    def handler(event, context):
        time.sleep(seconds)
        return {"statusCode": 200, "body": "late"}

    return handler


# --- the event each front door sends -------------------------------------------------------


def test_rest_api_sends_a_payload_1_event_and_passes_the_response_on(lambda_harness):
    h = lambda_harness
    fn = h.function(echo, name="orders")
    api = h.rest_api(fn, stage="v1")
    r = api.request(
        "post",
        "/orders/42",
        headers={"X-Trace": ["a", "b"]},
        query={"tag": ["x", "y"]},
        body='{"qty": 2}',
        cookies={"sid": "s1"},
    )
    assert (r.status_code, r.headers["content-type"]) == (200, "application/json")
    event = r.json()
    assert event == r.invocation.event and fn.invocations == [r.invocation]
    assert (event["httpMethod"], event["path"]) == ("POST", "/orders/42")
    assert event["body"] == '{"qty": 2}'
    assert event["multiValueHeaders"]["X-Trace"] == ["a", "b"]
    assert event["headers"]["X-Trace"] == "b"
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"]}
    assert event["headers"]["Cookie"] == "sid=s1"
    context = event["requestContext"]
    assert (context["stage"], context["path"]) == ("v1", "/v1/orders/42")
    assert context["requestTimeEpoch"] == int(h.clock.now().timestamp() * 1000)
    assert r.invocation.source == "api_gateway" and r.invocation.accepted is True


def test_a_front_door_is_one_api_across_requests(lambda_harness):
    h = lambda_harness
    fn = h.function(echo, name="orders")
    api = h.rest_api(fn)
    first, second = api.request("GET", "/a").json(), api.request("GET", "/b").json()
    assert first["requestContext"]["apiId"] == second["requestContext"]["apiId"]
    assert first["requestContext"]["stage"] == second["requestContext"]["stage"] == "prod"
    assert first["requestContext"]["requestId"] != second["requestContext"]["requestId"]
    # only what the client sent: no query string, body or cookies drawn at random
    assert first["queryStringParameters"] is None and first["body"] is None
    assert "Cookie" not in first["headers"]
    assert len(api.responses) == 2 and [r.invocation for r in api.responses] == fn.invocations


def test_http_api_sends_a_payload_2_event(lambda_harness):
    fn = lambda_harness.function(lambda e, c: e, name="orders")
    api = lambda_harness.http_api(fn, route_key="GET /orders/{id}", api_id="a1b2c3d4e5")
    r = api.request("GET", "/orders/9", cookies=["a=1", "b=2"], query={"q": "x y"})
    event = r.json()  # inferred: the event itself is the body (1.4)
    assert (event["version"], event["routeKey"], event["rawPath"]) == ("2.0", "GET /orders/{id}",
                                                                      "/orders/9")  # fmt: skip
    assert event["pathParameters"] == {"id": "9"} and event["cookies"] == ["a=1", "b=2"]
    assert event["rawQueryString"] == "q=x%20y"
    assert event["requestContext"]["apiId"] == "a1b2c3d4e5"


def test_function_url_sends_its_event_and_auth_type(lambda_harness):
    fn = lambda_harness.function(lambda e, c: e, name="orders")
    url = lambda_harness.function_url(fn, auth_type="AWS_IAM")
    event = url.request("GET", "/").json()
    assert url.url == f"https://{event['requestContext']['domainName']}/"
    assert "iam" in event["requestContext"]["authorizer"]
    anonymous = lambda_harness.function_url(fn).request("GET", "/").json()
    assert anonymous["requestContext"]["accountId"] == "anonymous"


@pytest.mark.parametrize("multi", [False, True])
def test_alb_sends_its_header_mode_and_one_target_group(lambda_harness, multi):
    fn = lambda_harness.function(lambda e, c: {"statusCode": 200, "body": json.dumps(e)}, name="w")
    alb = lambda_harness.alb(fn, multi_value_headers=multi)
    events = [alb.request("GET", "/", query={"k": ["1", "2"]}).json() for _ in range(2)]
    for event in events:
        assert ("multiValueHeaders" in event) is multi and ("headers" in event) is not multi
        assert event["requestContext"]["elb"]["targetGroupArn"] == alb.target_group_arn
    assert alb.target_group_arn.startswith(
        "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/w-tg/"
    )


def test_alb_answers_in_its_header_mode(lambda_harness):
    def handler(event, context):
        return {
            "statusCode": 200,
            "statusDescription": "200 OK",
            "isBase64Encoded": False,
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "headers": {"X-S": "1"},
        }

    fn = lambda_harness.function(handler, name="web")
    multi = lambda_harness.alb(fn, multi_value_headers=True).request("GET", "/")
    assert multi.multi_headers == {"set-cookie": ["a=1", "b=2"]}
    single = lambda_harness.alb(fn).request("GET", "/")
    assert single.multi_headers == {"x-s": ["1"]}


# --- responses: errors, never retried -----------------------------------------------------


@pytest.mark.parametrize(
    ("door", "status", "body"),
    [
        ("rest_api", 502, REST_502),  # 1.4: function error -> 502
        ("http_api", 500, HTTP_API_500),  # 1.4: capital S; 500 is an approximation
        ("function_url", 502, b"Internal Server Error"),  # 1.4 (AWS-validated)
    ],
)
def test_a_function_error_is_answered_once_never_retried(lambda_harness, door, status, body):
    h = lambda_harness
    fn = h.function(failing, name="orders")
    r = getattr(h, door)(fn).request("POST", "/orders", body="{}")
    h.run()
    assert (r.status_code, r.content) == (status, body)
    assert len(fn.invocations) == 1  # 1.4: API Gateway never retries a Lambda call
    assert r.invocation.error.type == "RuntimeError" and r.invocation.accepted is False
    assert r.rejection == "function error (RuntimeError): database is down"


def test_alb_function_error_is_502(lambda_harness):
    fn = lambda_harness.function(failing, name="orders")
    r = lambda_harness.alb(fn).request("GET", "/")
    assert r.status_code == 502 and "<h1>502 Bad Gateway</h1>" in r.body
    assert r.rejection.startswith("LambdaUnhandled: ") and len(fn.invocations) == 1


def test_a_malformed_proxy_response_is_502(lambda_harness):
    fn = lambda_harness.function(lambda e, c: {"statusCode": 200, "body": {"a": 1}}, name="f")
    r = lambda_harness.rest_api(fn).request("GET", "/")
    assert (r.status_code, r.content) == (502, REST_502)
    assert r.invocation.ok and r.invocation.rejection == r.rejection
    assert r.rejection == "malformed Lambda proxy response: body must be a string, got dict"


def test_http_api_and_function_url_infer_and_set_cookies(lambda_harness):
    fn = lambda_harness.function(lambda e, c: {"items": [1, 2]}, name="f")
    r = lambda_harness.http_api(fn).request("GET", "/items")
    assert (r.status_code, r.body, r.headers["content-type"]) == (200, '{"items": [1, 2]}',
                                                                 "application/json")  # fmt: skip
    cookies = lambda_harness.function(
        lambda e, c: {"statusCode": 302, "headers": {"Location": "/"}, "cookies": ["s=1", "t=2"]},
        name="login",
    )
    r = lambda_harness.function_url(cookies).request("POST", "/login", body="u=me")
    assert r.status_code == 302 and r.multi_headers["set-cookie"] == ["s=1", "t=2"]


# --- integration timeouts -----------------------------------------------------------------


def test_rest_api_answers_504_at_29_s_while_the_function_runs_on(lambda_harness):
    """1.4: REST integration timeout 29 s -> 504; the function (timeout 60 s) keeps running and
    its invocation records its own outcome."""
    h = lambda_harness
    start = h.clock.now()
    fn = h.function(sleeper(40), name="slow", timeout=60)
    r = h.rest_api(fn).request("GET", "/report")
    assert (r.status_code, r.content, r.elapsed) == (504, REST_504, timedelta(seconds=29))
    assert r.invocation.ok and r.invocation.response["body"] == "late"
    assert r.invocation.duration == timedelta(seconds=40) and h.clock.now() - start == timedelta(
        seconds=40
    )
    assert r.invocation.accepted is False and "timed out after 29 s" in r.rejection


def test_http_api_answers_503_at_30_s(lambda_harness):
    """1.4: HTTP API 30 s maximum; 503 Service Unavailable is an approximation."""
    fn = lambda_harness.function(sleeper(31), name="slow", timeout=60)
    r = lambda_harness.http_api(fn).request("GET", "/")
    assert (r.status_code, r.content, r.elapsed) == (503, HTTP_API_503, timedelta(seconds=30))
    fast = lambda_harness.function(sleeper(29.9), name="fast", timeout=60)
    assert lambda_harness.http_api(fast).request("GET", "/").status_code == 200


def test_a_shorter_integration_timeout_fires_first(lambda_harness):
    fn = lambda_harness.function(sleeper(6), name="slow", timeout=60)
    r = lambda_harness.rest_api(fn, timeout_in_millis=5000).request("GET", "/")
    assert r.status_code == 504 and r.elapsed == timedelta(seconds=5)
    r = lambda_harness.http_api(fn, timeout_in_millis=7000).request("GET", "/")
    assert r.status_code == 200 and r.elapsed == timedelta(seconds=6)


def test_a_function_timeout_before_the_integration_timeout_is_a_function_error(lambda_harness):
    fn = lambda_harness.function(sleeper(10), name="slow", timeout=3)
    rest = lambda_harness.rest_api(fn).request("GET", "/")
    assert (rest.status_code, rest.content) == (502, REST_502)
    assert rest.invocation.timed_out and rest.elapsed == timedelta(seconds=3)
    # ELB troubleshooting: "the function did not respond before its configured timeout" -> 502
    alb = lambda_harness.alb(fn).request("GET", "/")
    assert alb.status_code == 502 and alb.rejection.startswith("the function did not respond")
    url = lambda_harness.function_url(fn).request("GET", "/")
    assert url.status_code == 502 and url.body == "Internal Server Error"


# --- binary bodies ------------------------------------------------------------------------


def test_rest_api_binary_media_types_encode_the_request_and_decode_the_response(lambda_harness):
    def handler(event, context):
        raw = base64.b64decode(event["body"]) if event["isBase64Encoded"] else b""
        return {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(raw).decode(), "isBase64Encoded": True}  # fmt: skip

    fn = lambda_harness.function(handler, name="images")
    api = lambda_harness.rest_api(fn, binary_media_types=["image/png"])
    r = api.request("PUT", "/img", body=PNG, headers={"Accept": "image/png",
                                                      "Content-Type": "image/png"})  # fmt: skip
    assert r.invocation.event["isBase64Encoded"] is True and r.content == PNG
    text = api.request("PUT", "/img", body=PNG, headers={"Accept": "text/plain"})
    assert text.body == base64.b64encode(PNG).decode()  # not a binary type: base64 text


def test_http_api_and_alb_decode_base64_responses(lambda_harness):
    fn = lambda_harness.function(
        lambda e, c: {"statusCode": 200, "isBase64Encoded": True,
                      "body": base64.encodebytes(PNG).decode()}, name="img")  # fmt: skip
    assert lambda_harness.http_api(fn).request("GET", "/").content == PNG
    assert lambda_harness.alb(fn).request("GET", "/").content == PNG


# --- request size limits ------------------------------------------------------------------


def test_alb_refuses_a_body_over_1_mb_with_413_without_invoking(lambda_harness):
    """1.4 / ELB troubleshooting: a request body over 1 MB to a Lambda target -> 413."""
    fn = lambda_harness.function(echo, name="web")
    alb = lambda_harness.alb(fn)
    r = alb.request("POST", "/upload", body="x" * 1_048_577)
    assert r.status_code == 413 and "413 Request Entity Too Large" in r.body
    assert r.rejection.startswith("LambdaRequestTooLarge: 1,048,577 bytes")
    encoded = alb.request("POST", "/upload", body=b"x" * 800_000)  # 1,066,668 in base64
    assert encoded.status_code == 413 and "in base64" in encoded.rejection
    assert fn.invocations == [] and alb.responses == [r, encoded]
    assert alb.request("POST", "/upload", body="x" * 1_000_000).status_code == 200


def test_api_gateway_limits_10_mb_and_lambdas_6_mb(lambda_harness):
    """REST APIs take 10 MB; Lambda refuses a request over 6 MB, which API Gateway answers with
    500 (1.4: an invoke the Lambda API rejects -> 500)."""
    fn = lambda_harness.function(echo, name="web")
    rest = lambda_harness.rest_api(fn)
    too_long = rest.request("POST", "/", body="x" * 10_485_761)
    assert too_long.status_code == 413 and too_long.json() == {"message": "Request Too Long"}
    refused = rest.request("POST", "/", body="x" * 7_000_000)
    assert (refused.status_code, refused.content) == (500, REST_502)
    assert refused.rejection.startswith("Lambda refused the invoke: body: 7,000,000 bytes")
    near = rest.request("POST", "/", body="x" * 6_290_000)  # the body fits, the event does not
    assert near.status_code == 500 and "413 RequestEntityTooLargeException" in near.rejection
    http = lambda_harness.http_api(fn)
    assert http.request("POST", "/", body="x" * 6_291_457).status_code == 413
    encoded = http.request("POST", "/", body=b"x" * 5_000_000)  # 6.7 MB in base64
    assert (encoded.status_code, encoded.content) == (500, HTTP_API_500)
    url = lambda_harness.function_url(fn).request("POST", "/", body="x" * 6_291_457)
    assert url.status_code == 413 and "RequestEntityTooLargeException" in url.rejection
    assert fn.invocations == [] and all(r.invocation is None for r in rest.responses)


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("door", "settings", "message"),
    [
        ("rest_api", {"timeout_in_milis": 5000},
         r"^rest_api: unknown setting 'timeout_in_milis' \(did you mean 'timeout_in_millis'\?\)"),
        ("rest_api", {"timeout_in_millis": 30_000},
         r"^rest_api: timeout_in_millis: 30000; the integration timeout is 50 to 29,000 ms"),
        ("rest_api", {"timeout_in_millis": 49}, r"timeout_in_millis: 49; .*50 to 29,000 ms"),
        ("rest_api", {"timeout_in_millis": 5.5}, r"timeout_in_millis: 5.5; "),
        ("rest_api", {"timeout_in_millis": True}, r"timeout_in_millis: True; "),
        ("http_api", {"timeout_in_millis": 30_001},
         r"^http_api: timeout_in_millis: 30001; the integration timeout is 50 to 30,000 ms .*"
         r"cannot raise it"),
        ("rest_api", {"stage": "my stage"}, r"^rest_api: stage: 'my stage': stage names are"),
        ("rest_api", {"api_id": "ABC"}, r"^rest_api: api_id: 'ABC' is not an API id"),
        ("rest_api", {"endpoint_type": "PRIVATE"}, r"^rest_api: endpoint_type: 'PRIVATE' is not "
         r"allowed; allowed: 'REGIONAL', 'EDGE'"),
        ("http_api", {"route_key": "FETCH /x"}, r"^http_api: route_key: 'FETCH /x'"),
        ("http_api", {"resource": "/x"}, r"^http_api: unknown setting 'resource'"),
        ("function_url", {"auth_type": "IAM"}, r"^function_url: auth_type: 'IAM' is not allowed"),
        ("alb", {"multi_value_headers": "yes"}, r"^alb: multi_value_headers: expected bool"),
        ("alb", {"target_group_name": "-web"}, r"^alb: target_group_name: '-web': 1 to 32"),
        ("alb", {"stage": "prod"}, r"^alb: unknown setting 'stage'.*allowed: domain_name, "
         r"multi_value_headers, target_group_name"),
    ],
)  # fmt: skip
def test_bad_settings_are_refused_naming_the_setting(lambda_harness, door, settings, message):
    fn = lambda_harness.function(echo, name="web")
    with pytest.raises(FrontDoorConfigError, match=message) as info:
        getattr(lambda_harness, door)(fn, **settings)
    assert isinstance(info.value, ValueError)


def test_timeouts_at_aws_limits_are_accepted(lambda_harness):
    fn = lambda_harness.function(echo, name="web")
    assert lambda_harness.rest_api(fn, timeout_in_millis=50).timeout == timedelta(milliseconds=50)
    assert lambda_harness.rest_api(fn).timeout == timedelta(seconds=29)
    assert lambda_harness.http_api(fn).timeout == timedelta(seconds=30)


def test_a_bad_request_raises_the_builders_error(lambda_harness):
    api = lambda_harness.http_api(lambda_harness.function(echo, name="web"))
    with pytest.raises(EventConfigError, match=r"^api_gateway_v2: body: expected"):
        api.request("POST", "/", body={"a": 1})
    with pytest.raises(EventConfigError, match=r"^api_gateway_v2: method: 'TRACE' is not allowed"):
        api.request("TRACE", "/")
    with pytest.raises(EventConfigError, match=r"^api_gateway_v2: path: 'x' must start with '/'"):
        api.request("GET", "x")
    assert api.responses == []


# --- the ALB builder option the front door needs --------------------------------------------


def test_alb_builder_takes_a_target_group_arn():
    arn = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web-tg/6d0ecf831eec9f09"
    event = build_event("alb", 1, target_group_arn=arn, region="eu-west-1",
                        account_id="111122223333")  # fmt: skip
    assert event["requestContext"]["elb"]["targetGroupArn"] == arn
    assert build_event("alb", 1, target_group_arn=arn, target_group_name="web-tg",
                       region="eu-west-1", account_id="111122223333")  # fmt: skip
    for overrides, message in (
        ({}, r"target_group_arn: .* is not a target group ARN of this event's region and account"),
        ({"region": "eu-west-1", "account_id": "111122223333", "target_group_name": "api-tg"},
         r"target_group_arn: .* names 'web-tg' but target_group_name is 'api-tg'"),
    ):  # fmt: skip
        with pytest.raises(EventConfigError, match=message):
            build_event("alb", 1, target_group_arn=arn, **overrides)
