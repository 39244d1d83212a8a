"""Response contracts of the synchronous HTTP sources (semantics.md 1.4; shapes.md 19, 20, 22,
23): what the client receives for each handler response, and why AWS refuses the ones it does."""

import base64
import json
import time
from datetime import timedelta

import pytest

from pytest_lambda_events.errors import FunctionConfigError
from pytest_lambda_events.flows.contracts import (
    alb_response,
    function_url_response,
    http_api_response,
    rest_api_response,
)

REST_502 = b'{"message": "Internal server error"}'  # semantics.md 1.4, REST API
HTTP_API_500 = b'{"message":"Internal Server Error"}'  # semantics.md 1.4, HTTP API
URL_502 = b"Internal Server Error"  # semantics.md 1.4, function URLs (AWS-validated test)
PNG = b"\x89PNG\r\n\x1a\n\x00\xff"


# --- REST API, payload 1.0 (shapes.md 19) --------------------------------------------------


def test_rest_passes_a_proxy_response_on_with_a_default_content_type():
    r = rest_api_response({"statusCode": 201, "headers": {"X-Id": "7"}, "body": "made"})
    assert (r.status_code, r.body, r.rejection, r.accepted) == (201, "made", None, True)
    assert r.headers == {"x-id": "7", "content-type": "application/json"}
    assert r.headers["X-Id"] == "7" and "Content-Type" in r.headers  # any casing
    assert r.reason == "Created"


def test_rest_merges_headers_and_multi_value_headers():
    """A pair given in both appears once, as in multiValueHeaders (proxy output format)."""
    r = rest_api_response({
        "statusCode": 200,
        "headers": {"Set-Cookie": "a=1", "Content-Type": "text/plain"},
        "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"], "Vary": ["Accept", "Origin"]},
    })  # fmt: skip
    assert r.multi_headers == {
        "set-cookie": ["a=1", "b=2"], "vary": ["Accept", "Origin"], "content-type": ["text/plain"],
    }  # fmt: skip
    assert r.headers["vary"] == "Accept, Origin" and r.body == ""


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"body": "x"}, "statusCode is missing"),
        ({"statusCode": 200, "body": {"a": 1}}, "body must be a string, got dict"),
        ({"statusCode": 200, "body": 42}, "body must be a string, got int"),
        ("ok", "the response must be a JSON object, got str"),
        (None, "the response must be a JSON object, got None"),
        ([{"statusCode": 200}], "the response must be a JSON object, got list"),
        ({"statusCode": "OK"}, "statusCode must be an integer, got str"),
        ({"statusCode": True}, "statusCode must be an integer, got bool"),
        ({"statusCode": 700}, "statusCode 700 is not an HTTP status code (100 to 599)"),
        ({"statusCode": 200, "headers": ["a"]}, "headers must be an object"),
        ({"statusCode": 200, "headers": {"X": {"a": 1}}},
         "headers['X'] must be a string, got dict"),
        ({"statusCode": 200, "multiValueHeaders": {"X": "a"}},
         "multiValueHeaders['X'] must be a list of strings, got str"),
        ({"statusCode": 200, "isBase64Encoded": "yes"}, "isBase64Encoded must be a boolean"),
        # approximation: the proxy output format lists five keys; SAM refuses any other
        ({"statusCode": 200, "success": True}, "unexpected key 'success'"),
    ],
)  # fmt: skip
def test_rest_malformed_proxy_response_is_502_internal_server_error(payload, why):
    """1.4: a malformed proxy response gives 502 {"message": "Internal server error"}."""
    r = rest_api_response(payload)
    assert (r.status_code, r.content) == (502, REST_502)
    assert r.headers["content-type"] == "application/json"
    assert r.rejection.startswith("malformed Lambda proxy response: ") and why in r.rejection
    assert not r.accepted


def test_rest_approximations_status_code_string_and_scalar_header_values():
    r = rest_api_response({"statusCode": "404", "headers": {"X-N": 3, "X-Ok": True}})
    assert r.status_code == 404 and r.headers["x-n"] == "3" and r.headers["x-ok"] == "true"
    assert rest_api_response({"statusCode": 204, "body": None}).content == b""


def test_rest_decodes_base64_only_for_binary_media_types_matching_accept():
    """Binary media types for REST APIs: binaryMediaTypes and the first Accept header decide."""
    response = {"statusCode": 200, "headers": {"Content-Type": "image/png"},
                "body": base64.b64encode(PNG).decode(), "isBase64Encoded": True}  # fmt: skip
    binary = rest_api_response(response, accept="image/png", binary_media_types=["image/*"])
    assert binary.content == PNG
    everything = rest_api_response(response, accept="text/html", binary_media_types=["*/*"])
    assert everything.content == PNG
    # no matching binary media type: the client receives the base64 text (approximation)
    unmatched = [("image/png", []), ("*/*", ["image/png"]), ("text/html,image/png", ["image/png"])]
    for accept, types in unmatched:
        text = rest_api_response(response, accept=accept, binary_media_types=types)
        assert text.body == response["body"]
    bad = {**response, "body": "not base64!"}
    r = rest_api_response(bad, accept="image/png", binary_media_types=["image/png"])
    assert r.status_code == 502 and "not valid base64" in r.rejection


# --- HTTP API, payload 2.0 (shapes.md 20) --------------------------------------------------


@pytest.mark.parametrize(
    ("returned", "body"),
    [
        ({"message": "Hello from Lambda!"}, '{"message": "Hello from Lambda!"}'),
        ({"body": "not a proxy response"}, '{"body": "not a proxy response"}'),
        ([1, "two"], '[1, "two"]'),
        (42, "42"),
        (1.5, "1.5"),
        (True, "true"),
        ({"name": "Zoë"}, '{"name": "Zoë"}'),
        # semantics.md 1.4: a bare string "Hello from Lambda!" becomes body Hello from Lambda!
        ("Hello from Lambda!", "Hello from Lambda!"),
        (None, ""),  # approximation
    ],
)
@pytest.mark.parametrize("contract", [http_api_response, function_url_response])
def test_payload_2_infers_200_json_from_a_response_without_status_code(contract, returned, body):
    """1.4: valid JSON without statusCode: 200, content-type application/json, the value is the
    body, isBase64Encoded false."""
    r = contract(returned)
    assert (r.status_code, r.body, r.rejection) == (200, body, None)
    assert r.headers == {"content-type": "application/json"}


@pytest.mark.parametrize("contract", [http_api_response, function_url_response])
def test_payload_2_full_form_cookies_become_set_cookie_headers(contract):
    r = contract({
        "statusCode": 201,
        "headers": {"Content-Type": "text/plain", "Set-Cookie": "a=1"},
        "cookies": ["b=2; Max-Age=60", "c=3; Secure"],
        "body": "made",
        "multiValueHeaders": {"X-Ignored": ["1"]},  # not part of 2.0: ignored (approximation)
    })  # fmt: skip
    assert (r.status_code, r.body) == (201, "made")
    assert r.multi_headers == {
        "content-type": ["text/plain"], "set-cookie": ["a=1", "b=2; Max-Age=60", "c=3; Secure"],
    }  # fmt: skip
    assert r.headers["set-cookie"] == "a=1, b=2; Max-Age=60, c=3; Secure"


@pytest.mark.parametrize("contract", [http_api_response, function_url_response])
def test_payload_2_full_form_base64_body_is_decoded(contract):
    r = contract({"statusCode": 200, "body": base64.b64encode(PNG).decode(),
                  "isBase64Encoded": True, "headers": {"content-type": "image/png"}})  # fmt: skip
    assert r.content == PNG and r.headers["content-type"] == "image/png"
    assert contract({"statusCode": 204}).headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"statusCode": "x"}, "statusCode must be an integer, got str"),
        ({"statusCode": 200, "body": {"a": 1}}, "body must be a string, got dict"),
        ({"statusCode": 200, "cookies": "a=1"}, "cookies must be a list of strings, got str"),
        ({"statusCode": 200, "isBase64Encoded": True, "body": "%%%"}, "not valid base64"),
    ],
)
def test_payload_2_malformed_http_api_500_function_url_502(payload, why):
    """1.4: HTTP API integration failure -> {"message":"Internal Server Error"} (500,
    approximation as to the number); function URL -> 502 Internal Server Error."""
    api = http_api_response(payload)
    assert (api.status_code, api.content) == (500, HTTP_API_500) and why in api.rejection
    url = function_url_response(payload)
    assert (url.status_code, url.content) == (502, URL_502) and why in url.rejection


# --- Application Load Balancer (shapes.md 23) ----------------------------------------------


def test_alb_single_value_response():
    r = alb_response({"statusCode": 200, "statusDescription": "200 OK", "isBase64Encoded": False,
                      "headers": {"Set-cookie": "a=1", "Content-Type": "text/html",
                                  "Connection": "close", "Transfer-Encoding": "chunked"},
                      "body": "<h1>hi</h1>"})  # fmt: skip
    assert (r.status_code, r.reason, r.body) == (200, "OK", "<h1>hi</h1>")
    # ELB guide: hop-by-hop headers (Connection, Transfer-Encoding) are not honoured
    assert r.headers == {"set-cookie": "a=1", "content-type": "text/html"}
    assert alb_response({"statusCode": 418}).reason == "I'm a Teapot"


def test_alb_headers_follow_the_target_group_mode():
    """ELB guide: use multiValueHeaders with multi-value headers enabled and headers otherwise;
    the other field is ignored (approximation)."""
    response = {"statusCode": 200, "headers": {"X-Single": "1"},
                "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]}}  # fmt: skip
    single = alb_response(response, multi_value_headers=False)
    assert single.multi_headers == {"x-single": ["1"]}
    multi = alb_response(response, multi_value_headers=True)
    assert multi.multi_headers == {"set-cookie": ["a=1", "b=2"]}


def test_alb_base64_body_is_decoded():
    r = alb_response({"statusCode": 200, "body": base64.b64encode(PNG).decode(),
                      "isBase64Encoded": True})  # fmt: skip
    assert r.content == PNG


@pytest.mark.parametrize(
    ("payload", "why"),
    [
        ({"body": "x"}, "LambdaInvalidResponse: statusCode is missing"),
        ("ok", "LambdaInvalidResponse: the response must be a JSON object, got str"),
        ({"statusCode": 200, "body": {}}, "LambdaInvalidResponse: body must be a string"),
        ({"statusCode": 200, "statusDescription": 200},
         "LambdaInvalidResponse: statusDescription must be a string"),
        ({"statusCode": 200, "body": "x" * 1_048_576},  # 1.4: over 1 MB -> 502
         "LambdaResponseTooLarge: the response is 1,048,607 bytes; a load balancer takes at "
         "most 1,048,576 (1 MB)"),
    ],
)  # fmt: skip
def test_alb_refused_responses_are_502_bad_gateway(payload, why):
    r = alb_response(payload)
    assert r.status_code == 502 and r.rejection.startswith(why)
    assert r.headers["content-type"] == "text/html" and r.headers["server"] == "awselb/2.0"
    assert "<title>502 Bad Gateway</title>" in r.body


def test_alb_response_of_exactly_1_mb_passes():
    body = "x" * (1_048_576 - len('{"statusCode": 200, "body": ""}'))
    r = alb_response({"statusCode": 200, "body": body})
    assert r.status_code == 200 and len(r.content) == len(body)


# --- applying a contract to an invocation: Function.invoke(event, source=...) -------------


def test_invoke_with_a_source_applies_its_contract(lambda_harness):
    fn = lambda_harness.function(lambda e, c: {"statusCode": 200, "body": {"a": 1}}, name="f")
    inv = fn.invoke({}, source="api_gateway")
    assert inv.ok and inv.source == "api_gateway"  # the function itself succeeded
    assert inv.accepted is False
    assert inv.rejection == "malformed Lambda proxy response: body must be a string, got dict"
    assert fn.invoke({}, source="api_gateway_v2").accepted is False
    assert fn.invoke({}).accepted is None  # no contract applied


def test_a_deliberate_error_status_is_accepted(lambda_harness):
    fn = lambda_harness.function(lambda e, c: {"statusCode": 500, "body": "oops"}, name="f")
    for source in ("api_gateway", "api_gateway_v2", "function_url", "alb"):
        inv = fn.invoke({}, source=source)
        assert (inv.accepted, inv.rejection) == (True, None)


def test_a_function_error_is_never_accepted(lambda_harness):
    def handler(event, context):
        raise ValueError("bad order")

    fn = lambda_harness.function(handler, name="f")
    rejections = {s: fn.invoke({}, source=s).rejection for s in ("api_gateway", "alb")}
    assert rejections["api_gateway"] == "function error (ValueError): bad order"
    assert rejections["alb"] == "LambdaUnhandled: function error (ValueError): bad order"
    assert all(inv.accepted is False for inv in fn.invocations)


def test_a_function_timeout_is_never_accepted(lambda_harness):
    fn = lambda_harness.function(lambda e, c: time.sleep(5), name="slow", timeout=1)
    inv = fn.invoke({}, source="function_url")
    assert inv.timed_out and inv.accepted is False
    assert inv.rejection.startswith("function error (Sandbox.Timedout): RequestId: ")
    assert fn.invoke({}, source="alb").rejection.startswith(
        "the function did not respond before its timeout"
    )


def test_invoke_with_api_gateway_applies_its_integration_timeout(lambda_harness):
    """1.4: REST 29 s and HTTP API 30 s; the function (timeout 60 s) still finishes."""
    fn = lambda_harness.function(lambda e, c: time.sleep(29.5) or "late", name="f", timeout=60)
    rest = fn.invoke({}, source="api_gateway")
    assert rest.ok and rest.duration == timedelta(seconds=29.5)
    assert rest.accepted is False and "integration timed out after 29 s" in rest.rejection
    http = fn.invoke({}, source="api_gateway_v2")
    assert http.accepted is True  # 29.5 s is within the HTTP API's 30 s


def test_invoke_through_alb_reads_the_header_mode_from_the_event(lambda_harness):
    fn = lambda_harness.function(lambda e, c: {"statusCode": 200, "headers": {"a": "1"}}, name="f")
    assert fn.invoke({"headers": {}}, source="alb").accepted is True
    assert fn.invoke({"multiValueHeaders": {}}, source="alb").accepted is True


@pytest.mark.parametrize("source", ["api_gatway", "sqs", "s3", ""])
def test_a_source_without_a_contract_is_refused_before_invoking(lambda_harness, source):
    fn = lambda_harness.function(lambda e, c: None, name="f")
    with pytest.raises(FunctionConfigError) as info:
        fn.invoke({}, source=source)
    message = str(info.value)
    assert f"source={source!r}: no response contract" in message
    assert "alb, api_gateway, api_gateway_v2, function_url" in message
    assert fn.invocations == []
    if source == "api_gatway":
        assert "did you mean 'api_gateway'?" in message


def test_http_response_json_and_repr():
    r = http_api_response({"ok": True})
    assert r.json() == {"ok": True}
    assert "invocation" not in repr(r) and json.loads(r.body) == {"ok": True}
    assert r.headers.get("Content-Type") == "application/json" and r.headers.get("x") is None
