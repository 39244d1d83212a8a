"""AWS Lambda function URLs: the payload format 2.0 request a function's own HTTPS endpoint sends
(shapes.md section 22)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from . import _http

AUTH_TYPES = ("NONE", "AWS_IAM")
_URL_ID = re.compile(r"^[a-z0-9]{32}$")
_DRAW = 400 + _http.ROUTE_BITS + _http.DICE_BITS + 96
_TLS = (("TLSv1.3", "TLS_AES_128_GCM_SHA256"), ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256"))


def build_function_url(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_function_url(ctx)
    if o.auth_type == "NONE" and o.authorizer is not None:
        ctx.fail("authorizer", "auth_type 'NONE' has no IAM caller; pass auth_type='AWS_IAM'")
    # one draw: the URL's own small choices (16 bits), its id (256), the request id (128), the
    # route's, the request's and the trace id's bits
    bits = ctx.getrandbits(_DRAW)
    url_id = _url_id(ctx, o.url_id, bits >> 16)
    domain = f"{url_id}.lambda-url.{ctx.region}.on.aws"
    method = o.method or _http.METHOD_BY_BYTE[bits & 255]
    route_bits = bits >> 400
    path = _http.check_path(ctx, o.path) if o.path else _http.random_path(ctx, method, route_bits)
    dice = route_bits >> _http.ROUTE_BITS
    req = _http.build_request(
        ctx, o, method, path, body_limit=_http.LAMBDA_PAYLOAD_LIMIT, dice=dice
    )
    authorizer = None
    account = "anonymous"  # what function URLs report for unauthenticated callers
    if o.auth_type == "AWS_IAM":
        caller = _http.merge_known(ctx, _http.iam_caller(ctx), o.authorizer or {})
        authorizer, account = {"iam": caller}, str(caller["accountId"])
        _add_signing_headers(ctx, req, caller)
    version, cipher = _TLS[bits >> 8 & 1]
    req.add_defaults({"x-amzn-tls-cipher-suite": cipher, "x-amzn-tls-version": version})
    _http.add_forwarding(ctx, req, domain, trace_bits=dice >> _http.DICE_BITS)
    return _http.payload_v2(
        ctx,
        req,
        route_key="$default",
        raw_path=path,
        stage="$default",
        api_id=url_id,
        domain=domain,
        request_id=o.request_id or _http.uuid_from(bits >> 272),
        account_id=account,
        authorizer=authorizer,
        path_parameters=None,
        stage_variables=None,
        keep_cookie_header=True,  # captured function-URL events keep it next to `cookies`
        ordered=False,  # and list headers unsorted
        base64_encoded=req.body is not None and _http.text_rule_base64(req),
    )


def _default_function_url(ctx: BuildContext) -> dict[str, Any]:
    """``build_function_url`` given no options: the same kind of event, written directly."""
    # one draw: the method (8), the TLS version (1), the route's (56), the request's (96) and
    # 128 spread over the URL id (256), the request id (128), the trace id (96), an item's
    # UUID (128), a session cookie (128) and the body (256)
    bits = ctx.getrandbits(289)
    wide = _http.spread(bits >> 161)
    method = _http.METHOD_BY_BYTE[bits & 255]
    url_id = (wide & _MASK_256).to_bytes(32, "little").translate(_http.LOWER_DIGITS).decode()
    domain = f"{url_id}.lambda-url.{ctx.region}.on.aws"
    path = _http.random_path_from(method, bits >> 9, wide >> 480)
    dice = bits >> 65
    address, agent, accept, cookie = _http.client_from(dice, wide >> 608)
    version, cipher = _TLS[bits >> 8 & 1]
    # in the order the general path adds them: function URLs list headers unsorted
    headers = {
        "host": domain,
        "x-amzn-trace-id": f"Root=1-{ctx.time_ms // 1000:08x}-{wide >> 384 & _MASK_96:024x}",
        "x-forwarded-for": address,
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
        "x-amzn-tls-cipher-suite": cipher,
        "x-amzn-tls-version": version,
    }
    if cookie is not None:  # kept next to `cookies`, as captured function-URL events show
        headers["cookie"] = cookie
    headers.update(accept)
    headers["user-agent"] = agent
    return _http.default_payload_v2(
        ctx,
        method,
        "$default",
        path,
        "$default",
        url_id,
        domain,
        _http.uuid_from(wide >> 256),
        "anonymous",  # what function URLs report for unauthenticated callers
        (headers, address, agent, cookie),
        _http.drawn_query(method, dice),
        _http.default_body(headers, method, wide >> 736),
        None,
    )


_MASK_96 = (1 << 96) - 1
_MASK_256 = (1 << 256) - 1


def _url_id(ctx: BuildContext, url_id: str | None, bits: int) -> str:
    if url_id is None:
        return aws.chars_from(bits, 32, aws.LOWER_DIGITS)
    if not _URL_ID.match(url_id):
        ctx.fail("url_id", f"{url_id!r} is not a function URL id: 32 lower-case letters or digits")
    return url_id


def _add_signing_headers(ctx: BuildContext, req: _http.Request, caller: dict[str, Any]) -> None:
    """What a SigV4 client sends and the URL passes on (it strips Authorization itself)."""
    payload_hash = hashlib.sha256(req.body or b"").hexdigest()
    req.add("X-Amz-Content-Sha256", payload_hash)
    signed = ("host", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token")
    for name, value in _http.sigv4_headers(ctx, caller, "lambda", signed):
        if name != "Authorization":
            req.add(name, value)


SOURCES = (
    EventSource(
        id="function_url",
        service="AWS Lambda function URLs",
        invocation="sync",
        builder=build_function_url,
        description="Lambda function URL request (payload format 2.0)",
        options=(
            *_http.request_options(max_body="6 MB", binary=_http.TEXT_RULE),
            Option("auth_type", str, "the URL's AuthType", "NONE", choices=AUTH_TYPES),
            Option("url_id", str, "the URL id: 32 lower-case letters or digits"),
            Option("request_id", str, "requestContext.requestId"),
            Option(
                "authorizer",
                dict,
                "IAM caller fields over the generated ones (AWS_IAM): "
                "accessKey, accountId, callerId, userArn, userId, ...",
            ),
        ),
    ),
)
