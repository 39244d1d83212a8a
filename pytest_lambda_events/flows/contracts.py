"""Response contracts of the synchronous HTTP sources: the HTTP response a client receives for
what a handler returned, and, when AWS refuses the response, why (semantics.md 1.4; shapes.md
sections 19, 20, 22 and 23).

Approximations, where AWS documents nothing closer (each is tested):

* ``statusCode`` may be an integer or a string of digits (AWS SAM's local API Gateway accepts
  both); it must be 100 to 599.
* Header values may be strings, numbers or booleans (rendered as JSON text, ``true``); other
  values make the response malformed.
* ``isBase64Encoded`` may be a boolean or the strings ``"true"``/``"false"`` (as SAM accepts).
* Unknown top-level keys make a REST (payload 1.0) response malformed; payload 2.0 and ALB
  ignore them (SAM: "HTTP API Gateway just skip the non allowed lambda response fields").
* A REST response without ``Content-Type`` gets ``application/json``, and so does a payload 2.0
  response that has ``statusCode`` but no ``content-type`` (as SAM does).
* A REST response body is decoded from base64 only when ``isBase64Encoded`` is true and the
  API's ``binaryMediaTypes`` cover the first media type of the client's ``Accept`` header (or
  include ``*/*``); otherwise the client receives the base64 text (API Gateway guide, "Binary
  media types for REST APIs").
* Payload 2.0 inference: a bare string is the body as is (semantics.md 1.4: ``"Hello from
  Lambda!"`` becomes ``Hello from Lambda!``; the function-URL guide's example shows the JSON
  text instead); ``None`` gives an empty body.
* HTTP API integration timeout: 503 ``{"message":"Service Unavailable"}``; HTTP API function
  error: 500 (semantics.md 1.4, both UNCONFIRMED as to the number).
* A malformed function-URL response gets the same 502 ``Internal Server Error`` as an error.
* ALB: only ``statusCode`` is required; the header field of the other multi-value mode is
  ignored; every failure is 502 with ALB's HTML error page (semantics.md 1.4: the status for
  ``LambdaUnhandled`` is not given per reason).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from http import HTTPStatus
from typing import Any, TypeVar, overload

from ..errors import FunctionConfigError, did_you_mean
from ..ledger import Invocation
from .response_contracts import RESPONSE_CONTRACTS

CONTRACT_SOURCES = ("alb", "api_gateway", "api_gateway_v2", "function_url")

# API Gateway REST API (payload 1.0): every function error and malformed response is 502 with
# this body; an integration timeout is 504 (semantics.md 1.4).
REST_ERROR_BODY = b'{"message": "Internal server error"}'
REST_TIMEOUT_BODY = b'{"message": "Endpoint request timed out"}'
REST_TIMEOUT = timedelta(seconds=29)
# API Gateway HTTP API (payload 2.0): note the capital S in "Server Error" (semantics.md 1.4).
HTTP_API_ERROR_BODY = b'{"message":"Internal Server Error"}'
HTTP_API_TIMEOUT_BODY = b'{"message":"Service Unavailable"}'  # approximation
HTTP_API_TIMEOUT = timedelta(seconds=30)
FUNCTION_URL_ERROR_BODY = b"Internal Server Error"
ALB_MAX_RESPONSE_BYTES = 1_048_576  # "the response JSON ... maximum size ... is 1 MB"

DEFAULT_TIMEOUTS = {"api_gateway": REST_TIMEOUT, "api_gateway_v2": HTTP_API_TIMEOUT}
REST_KEYS = ("statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded")
JSON_TYPE = "application/json"
# The load balancer does not pass these on (ELB guide, "Respond to the load balancer").
_HOP_BY_HOP = frozenset(
    ("connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
     "upgrade")
)  # fmt: skip
# Python 3.13 renamed some phrases (413 "Content Too Large"); the load balancer uses these.
_ALB_PHRASES = {413: "Request Entity Too Large", 502: "Bad Gateway"}

_T = TypeVar("_T")


class Headers(dict[str, str]):
    """Response headers as the client sees them: lower-case names, looked up in any case."""

    def __getitem__(self, name: str) -> str:
        return super().__getitem__(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and super().__contains__(name.lower())

    @overload
    def get(self, name: str, default: None = None, /) -> str | None: ...
    @overload
    def get(self, name: str, default: str | _T, /) -> str | _T: ...
    def get(self, name: str, default: Any = None, /) -> Any:
        return super().get(name.lower(), default)


@dataclass
class HttpResponse:
    """What the HTTP client receives from a front door.

    ``multi_headers`` maps lower-case names to every value; ``headers`` joins repeated values
    with ", " as HTTP clients do. ``rejection`` says why the front door answered with its own
    error instead of the function's response (None when it passed the response on).
    """

    status_code: int
    multi_headers: dict[str, list[str]] = field(default_factory=dict)
    content: bytes = b""
    reason: str = ""
    rejection: str | None = None
    invocation: Invocation | None = field(default=None, repr=False)
    elapsed: timedelta = timedelta(0)  # from the request to the answer, on the virtual clock

    def __post_init__(self) -> None:
        if not self.reason:
            self.reason = _phrase(self.status_code)

    @property
    def headers(self) -> Headers:
        return Headers({name: ", ".join(values) for name, values in self.multi_headers.items()})

    @property
    def body(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def accepted(self) -> bool:
        return self.rejection is None

    def json(self) -> Any:
        return json.loads(self.content)


class Malformed(ValueError):
    """A handler response the front door cannot turn into HTTP; the message says why."""


# --- the contracts, one per source ---------------------------------------------------------


def rest_api_response(
    payload: Any, *, accept: str | None = None, binary_media_types: Sequence[str] = ()
) -> HttpResponse:
    """API Gateway REST API, Lambda proxy integration (payload 1.0; shapes.md 19)."""
    try:
        response = _object(payload)
        unknown = sorted(set(response) - set(REST_KEYS))
        if unknown:
            raise Malformed(
                f"unexpected key {unknown[0]!r}; a proxy response has only {', '.join(REST_KEYS)}"
            )
        status = _status_code(response)
        headers = _merge(_multi_headers(response), _single_headers(response))
        headers.setdefault("content-type", [JSON_TYPE])
        body, encoded = _body(response)
        binary = encoded and _covers(binary_media_types, (accept or "").split(",")[0])
        content = _decode(body) if binary else body.encode()
    except Malformed as exc:
        return _failure(502, REST_ERROR_BODY, f"malformed Lambda proxy response: {exc}")
    return HttpResponse(status, headers, content)


def http_api_response(payload: Any) -> HttpResponse:
    """API Gateway HTTP API, payload format 2.0 (shapes.md 20)."""
    try:
        status, headers, content = _payload_v2(payload)
    except Malformed as exc:
        return _failure(500, HTTP_API_ERROR_BODY, f"malformed Lambda response: {exc}")
    return HttpResponse(status, headers, content)


def function_url_response(payload: Any) -> HttpResponse:
    """Lambda function URL: payload format 2.0, as HTTP APIs read it (shapes.md 22)."""
    try:
        status, headers, content = _payload_v2(payload)
    except Malformed as exc:
        return _failure(502, FUNCTION_URL_ERROR_BODY, f"malformed Lambda response: {exc}", None)
    return HttpResponse(status, headers, content)


def alb_response(payload: Any, *, multi_value_headers: bool = False) -> HttpResponse:
    """Application Load Balancer, Lambda target group in either header mode (shapes.md 23)."""
    size = len(json.dumps(payload, ensure_ascii=False).encode())
    if size > ALB_MAX_RESPONSE_BYTES:
        return alb_failure(
            502,
            f"LambdaResponseTooLarge: the response is {size:,} bytes; a load balancer takes at "
            f"most {ALB_MAX_RESPONSE_BYTES:,} (1 MB) from a Lambda target",
        )
    try:
        response = _object(payload)
        status = _status_code(response)
        reason = _status_description(response, status)
        pairs = _multi_headers(response) if multi_value_headers else _single_headers(response)
        body, encoded = _body(response)
        content = _decode(body) if encoded else body.encode()
    except Malformed as exc:
        return alb_failure(502, f"LambdaInvalidResponse: {exc}")
    headers = {k: v for k, v in _group(pairs).items() if k not in _HOP_BY_HOP}
    return HttpResponse(status, headers, content, reason=reason)


# --- failures: function errors and integration timeouts -------------------------------------


def function_error(source_id: str, invocation: Invocation) -> HttpResponse:
    """The front door's answer when the function raised or timed out (semantics.md 1.4)."""
    error = invocation.error
    why = f"function error ({error.type}): {error.message}" if error else "function error"
    if source_id == "api_gateway":
        return _failure(502, REST_ERROR_BODY, why)
    if source_id == "api_gateway_v2":
        return _failure(500, HTTP_API_ERROR_BODY, why)
    if source_id == "function_url":
        return _failure(502, FUNCTION_URL_ERROR_BODY, why, None)
    if invocation.timed_out:
        return alb_failure(502, f"the function did not respond before its timeout: {why}")
    return alb_failure(502, f"LambdaUnhandled: {why}")


def integration_timeout(source_id: str, limit: timedelta) -> HttpResponse:
    """API Gateway stopped waiting: REST 504, HTTP API 503 (approximation)."""
    why = (
        f"the integration timed out after {limit.total_seconds():g} s; API Gateway stopped "
        "waiting while the function was still running"
    )
    if source_id == "api_gateway":
        return _failure(504, REST_TIMEOUT_BODY, why)
    return _failure(503, HTTP_API_TIMEOUT_BODY, why)


def alb_failure(status: int, why: str) -> HttpResponse:
    """The load balancer's own error page (approximation: its usual HTML page)."""
    title = f"{status} {_ALB_PHRASES.get(status) or _phrase(status)}"
    page = (
        f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n"
        f"<center><h1>{title}</h1></center>\r\n</body>\r\n</html>\r\n"
    )
    headers = {"server": ["awselb/2.0"], "content-type": ["text/html"]}
    return HttpResponse(status, headers, page.encode(), rejection=why)


# --- applying a contract to an invocation ---------------------------------------------------


def check_source(source_id: str) -> None:
    """Raise ``FunctionConfigError`` unless ``source_id`` has a response contract."""
    if source_id not in CONTRACT_SOURCES and source_id not in RESPONSE_CONTRACTS:
        known = (*CONTRACT_SOURCES, *RESPONSE_CONTRACTS)
        hint = did_you_mean(source_id, known) if isinstance(source_id, str) else ""
        raise FunctionConfigError(
            f"source={source_id!r}: no response contract for this source{hint}; sources with "
            f"one: {', '.join(known)}"
        )


def respond(
    source_id: str,
    invocation: Invocation,
    *,
    timeout: timedelta | None = None,
    multi_value_headers: bool | None = None,
    binary_media_types: Sequence[str] = (),
) -> HttpResponse:
    """The HTTP response for ``invocation`` through ``source_id``'s front door.

    ``timeout`` is API Gateway's integration timeout (default: the AWS maximum); it can fire
    before the function's own timeout, and the function keeps running. ALB's header mode
    defaults to the one the event was built in.
    """
    check_source(source_id)
    limit = timeout if timeout is not None else DEFAULT_TIMEOUTS.get(source_id)
    if limit is not None and invocation.duration >= limit:
        response = integration_timeout(source_id, limit)
        response.elapsed = limit
    else:
        if invocation.error is not None:
            response = function_error(source_id, invocation)
        else:
            response = _contract(source_id, invocation, multi_value_headers, binary_media_types)
        response.elapsed = invocation.duration
    response.invocation = invocation
    return response


def record(invocation: Invocation, source_id: str, response: HttpResponse) -> None:
    """Write the contract's verdict on the invocation, for asserts and the report."""
    invocation.source = source_id
    invocation.accepted = response.rejection is None
    invocation.rejection = response.rejection


def apply(source_id: str, invocation: Invocation) -> None:
    """Set ``invocation.accepted`` and ``invocation.rejection`` under the source's contract:
    the HTTP front doors' here, the other synchronous sources' in ``response_contracts``."""
    contract = RESPONSE_CONTRACTS.get(source_id)
    if contract is None:
        record(invocation, source_id, respond(source_id, invocation))
        return
    invocation.source = source_id
    invocation.rejection = contract(invocation)
    invocation.accepted = invocation.rejection is None


def _contract(
    source_id: str,
    invocation: Invocation,
    multi_value_headers: bool | None,
    binary_media_types: Sequence[str],
) -> HttpResponse:
    payload, event = invocation.response, invocation.event
    if source_id == "api_gateway":
        accept = _event_header(event, "accept")
        return rest_api_response(payload, accept=accept, binary_media_types=binary_media_types)
    if source_id == "api_gateway_v2":
        return http_api_response(payload)
    if source_id == "function_url":
        return function_url_response(payload)
    if multi_value_headers is None:
        multi_value_headers = isinstance(event, dict) and "multiValueHeaders" in event
    return alb_response(payload, multi_value_headers=multi_value_headers)


# --- reading a response ---------------------------------------------------------------------


def _payload_v2(payload: Any) -> tuple[int, dict[str, list[str]], bytes]:
    if not (isinstance(payload, dict) and "statusCode" in payload):
        # valid JSON without statusCode: 200, application/json, the value is the body
        if payload is None:
            content = b""
        elif isinstance(payload, str):
            content = payload.encode()
        else:
            content = json.dumps(payload, ensure_ascii=False).encode()
        return 200, {"content-type": [JSON_TYPE]}, content
    status = _status_code(payload)
    headers = _group(_single_headers(payload))
    cookies = payload.get("cookies")
    if cookies is not None:
        if not isinstance(cookies, list) or not all(isinstance(c, str) for c in cookies):
            raise Malformed(f"cookies must be a list of strings, got {_kind(cookies)}")
        headers.setdefault("set-cookie", []).extend(cookies)  # one Set-Cookie per cookie
    headers.setdefault("content-type", [JSON_TYPE])
    body, encoded = _body(payload)
    return status, headers, _decode(body) if encoded else body.encode()


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Malformed(f"the response must be a JSON object, got {_kind(payload)}")
    return payload


def _status_code(response: Mapping[str, Any]) -> int:
    if "statusCode" not in response:
        raise Malformed("statusCode is missing")
    value = response["statusCode"]
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise Malformed(f"statusCode must be an integer, got {_kind(value)}")
    if not 100 <= value <= 599:
        raise Malformed(f"statusCode {value} is not an HTTP status code (100 to 599)")
    return value


def _status_description(response: Mapping[str, Any], status: int) -> str:
    value = response.get("statusDescription")
    if value is None:
        return _phrase(status)
    if not isinstance(value, str):
        raise Malformed(f"statusDescription must be a string such as '200 OK', got {_kind(value)}")
    code, _, phrase = value.partition(" ")
    return phrase if code == str(status) else value


def _single_headers(response: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = response.get("headers")
    if value is None:
        return []
    if not isinstance(value, dict):
        raise Malformed(f"headers must be an object of name -> string, got {_kind(value)}")
    return [(name, _header_value("headers", name, v)) for name, v in value.items()]


def _multi_headers(response: Mapping[str, Any]) -> list[tuple[str, str]]:
    value = response.get("multiValueHeaders")
    if value is None:
        return []
    if not isinstance(value, dict):
        raise Malformed(f"multiValueHeaders must be an object of name -> list, got {_kind(value)}")
    pairs: list[tuple[str, str]] = []
    for name, values in value.items():
        if not isinstance(values, list):
            raise Malformed(
                f"multiValueHeaders[{name!r}] must be a list of strings, got {_kind(values)}"
            )
        pairs.extend((name, _header_value("multiValueHeaders", name, v)) for v in values)
    return pairs


def _header_value(where: str, name: str, value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):  # approximation: scalars as their JSON text
        return json.dumps(value)
    raise Malformed(f"{where}[{name!r}] must be a string, got {_kind(value)}")


def _group(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name.lower(), []).append(value)
    return out


def _merge(multi: list[tuple[str, str]], single: list[tuple[str, str]]) -> dict[str, list[str]]:
    """headers and multiValueHeaders in one list; a pair given in both appears once, as in
    multiValueHeaders (API Gateway guide, Lambda proxy integration output format)."""
    out = _group(multi)
    for name, value in single:
        values = out.setdefault(name.lower(), [])
        if value not in values:
            values.append(value)
    return out


def _body(response: Mapping[str, Any]) -> tuple[str, bool]:
    body = response.get("body")
    if body is None:
        body = ""
    elif not isinstance(body, str):
        raise Malformed(f"body must be a string, got {_kind(body)}")
    encoded = response.get("isBase64Encoded")
    if encoded in ("true", "True", "false", "False"):
        encoded = encoded.lower() == "true"
    elif encoded is None:
        encoded = False
    elif not isinstance(encoded, bool):
        raise Malformed(f"isBase64Encoded must be a boolean, got {_kind(encoded)}")
    return body, encoded


def _decode(body: str) -> bytes:
    try:  # line breaks are fine (MIME base64), anything else outside the alphabet is not
        return base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        raise Malformed("isBase64Encoded is true but body is not valid base64") from None


def _covers(types: Sequence[str], media: str) -> bool:
    """Whether binaryMediaTypes (wildcards allowed) cover a media type."""
    if "*/*" in types:
        return True
    major, _, minor = media.split(";", 1)[0].strip().lower().partition("/")
    for pattern in types:
        p_major, _, p_minor = pattern.lower().partition("/")
        if p_major in ("*", major) and p_minor in ("*", minor):
            return True
    return False


def _event_header(event: Any, name: str) -> str | None:
    """The last value of a request header in a payload 1.0 event (any name casing)."""
    headers = event.get("headers") if isinstance(event, dict) else None
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if isinstance(key, str) and key.lower() == name and isinstance(value, str):
            return value
    return None


def _failure(
    status: int, body: bytes, why: str, content_type: str | None = JSON_TYPE
) -> HttpResponse:
    headers = {"content-type": [content_type]} if content_type else {}
    return HttpResponse(status, headers, body, rejection=why)


def _kind(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""
