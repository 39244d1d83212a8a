"""Amazon API Gateway: REST APIs (Lambda proxy integration, payload format 1.0) and HTTP APIs
(payload format 2.0)."""

from __future__ import annotations

import re
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from . import _http
from ._http import Request, Route

# API Gateway takes 10 MB, but Lambda's 6 MB request payload limit is the binding one.
BODY_LIMIT = _http.LAMBDA_PAYLOAD_LIMIT
STAGES = ("prod", "dev", "staging", "v1", "live", "test")
REST_AUTH = ("NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS")
HTTP_AUTH = ("NONE", "AWS_IAM", "CUSTOM", "JWT")
_ROUTE_KEY = re.compile(r"^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*)$")
_STAGE_VARIABLE = re.compile(r"^[A-Za-z0-9_]{1,64}$")
# CloudFront edge addresses (the second X-Forwarded-For hop of edge-optimized APIs).
CLOUDFRONT_NETS = ("130.176", "64.252", "15.158", "70.132")
_REST_DRAW = 656
_HTTP_DRAW = 448


# --- REST API (payload 1.0) ---------------------------------------------------------------


def build_rest(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        # one draw: the API's small choices (32), its id and the resource's (128), the
        # route's (56), the request's (96), and 128 spread (see default_rest)
        bits = ctx.getrandbits(440)
        return default_rest(ctx, bits, _http.spread(bits >> 312), None)
    return rest_event(ctx, o)


def default_rest(
    ctx: BuildContext, bits: int, wide: int, authorization: str | None
) -> dict[str, Any]:
    """``rest_event`` given no options, written directly from 312 random ``bits`` and 1,424
    spread ones, ``wide``: the trace id (96), the extended request id (88), the request id
    (128), an item's UUID (128), a session cookie (128), what CloudFront adds (40, 128 and
    432) and the body (256). With an ``authorization`` header, the request a REQUEST
    authorizer sees: without a body (the caller may spend those bits)."""
    method = _http.METHOD_BY_BYTE[bits & 255]
    stage = STAGES[(bits >> 8 & 255) % len(STAGES)]
    ids = (bits >> 32 & _MASK_128).to_bytes(16, "little").translate(_http.LOWER_DIGITS).decode()
    api_id = ids[:10]
    route = _http.random_route_from(method, bits >> 160, wide >> 312)
    dice = bits >> 216
    address, agent, headers, cookie = _http.client_from(dice, wide >> 440, named=True)
    # (the names in sorted order, as REST APIs list them)
    if authorization is not None:
        headers["Authorization"] = authorization
        body = None
    else:
        body = _http.body_from(method, wide >> 1168)
    edge = bits >> 16 & 255 < 102  # 40% are edge-optimized: CloudFront in front
    if edge:
        forwarded = cloudfront_headers(headers, address, agent, wide >> 568)
    if body is not None:
        headers["Content-Length"] = str(len(body.encode()))
        headers["Content-Type"] = "application/json"
    if cookie is not None:
        headers["Cookie"] = cookie
    domain = f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}"
    headers["Host"] = domain
    headers["User-Agent"] = agent
    if edge:
        headers["Via"] = f"2.0 {wide >> 608 & _MASK_128:032x}.cloudfront.net (CloudFront)"
        headers["X-Amz-Cf-Id"] = aws.chars_from(wide >> 736, 54) + "=="
    headers["X-Amzn-Trace-Id"] = f"Root=1-{ctx.time_ms // 1000:08x}-{wide & _MASK_96:024x}"
    headers["X-Forwarded-For"] = forwarded if edge else address
    headers["X-Forwarded-Port"] = "443"
    headers["X-Forwarded-Proto"] = "https"
    query = _http.drawn_query(method, dice)
    grouped = _http.grouped(query[0]) if query else None
    ms = ctx.time_ms
    return {
        "resource": route.template,
        "path": route.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {name: [value] for name, value in headers.items()},
        "queryStringParameters": {k: v[-1] for k, v in grouped.items()} if grouped else None,
        "multiValueQueryStringParameters": grouped,
        "pathParameters": route.parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": ids[10:],
            "resourcePath": route.template,
            "httpMethod": method,
            "extendedRequestId": _http.apigw_id(ctx, wide >> 96),
            "requestTime": _http.clf(ms),
            "path": f"/{stage}{route.path}",
            "accountId": ctx.account_id,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": api_id,
            "requestTimeEpoch": ms,
            "requestId": _http.uuid_from(wide >> 184),
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": address,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": agent,
                "user": None,
            },
            "domainName": domain,
            "apiId": api_id,
        },
        "body": body,
        "isBase64Encoded": False,
    }


def cloudfront_headers(headers: dict[str, str], address: str, agent: str, bits: int) -> str:
    """Add the CloudFront-* headers of an edge-optimized API (from 40 random ``bits``); return
    its X-Forwarded-For (the client, then the edge)."""
    mobile = "iPhone" in agent or "Android" in agent
    headers["CloudFront-Forwarded-Proto"] = "https"
    headers["CloudFront-Is-Desktop-Viewer"] = "false" if mobile else "true"
    headers["CloudFront-Is-Mobile-Viewer"] = "true" if mobile else "false"
    headers["CloudFront-Is-SmartTV-Viewer"] = "false"
    headers["CloudFront-Is-Tablet-Viewer"] = "false"
    headers["CloudFront-Viewer-ASN"] = ASNS[(bits >> 24 & 255) % len(ASNS)]
    headers["CloudFront-Viewer-Country"] = COUNTRIES[(bits >> 32 & 255) % len(COUNTRIES)]
    net = CLOUDFRONT_NETS[(bits & 255) % len(CLOUDFRONT_NETS)]
    return f"{address}, {net}.{bits >> 8 & 255}.{1 + (bits >> 16 & 255) % 254}"


_MASK_128 = (1 << 128) - 1


def rest_event(
    ctx: BuildContext, o: Options, extra_headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The REST API's proxy event; ``extra_headers`` (lower-case name -> value, named in
    ``_http.HEADER_NAMES``) are sent unless the caller's headers set or drop them."""
    # one draw: the API's own small choices (32 bits), its id and the resource's (160), the
    # route's (192-), the request's (248-) and the trace id's (344-) bits, the request ids
    bits = ctx.getrandbits(_REST_DRAW)
    method = o.method or _http.METHOD_BY_BYTE[bits & 255]
    route = _http.resolve_route(ctx, o, "resource", o.resource, method, bits >> 192)
    if o.stage:
        stage = _http.check_stage(ctx, o.stage, allow_default=False)
    else:
        stage = STAGES[(bits >> 8 & 255) % len(STAGES)]
    ids = aws.chars_from(bits >> 32, 20, aws.LOWER_DIGITS)  # the API's id and the resource's
    api_id = ids[:10] if o.api_id is None else _http.check_api_id(ctx, o.api_id)
    custom = _http.host_from_headers(ctx, o, "domain_name") if o.domain_name or o.headers else None
    domain = custom or f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}"
    edge = o.endpoint_type == "EDGE" if o.endpoint_type else bits >> 16 & 255 < 102  # 40%
    auth = _auth_type(ctx, o, "CUSTOM")
    variables = _stage_variables(ctx, o) if o.stage_variables else None
    req = _http.build_request(
        ctx, o, method, route.path, body_limit=BODY_LIMIT, edge=edge, dice=bits >> 248
    )
    if extra_headers:
        req.add_defaults(extra_headers)
    authorizer, caller = _rest_auth(ctx, o, auth, req) if auth != "NONE" else (None, None)
    if o.api_key is not None:
        req.add("x-api-key", o.api_key)
    if edge:
        _add_cloudfront(ctx, req)
    _http.add_forwarding(ctx, req, domain, trace_bits=bits >> 344)
    encoded = req.was_bytes or (
        o.binary_media_types is not None and _binary_media(o.binary_media_types, req.content_type)
    )
    headers, multi = req.named()
    query = _http.grouped(req.query) if req.query else None
    context: dict[str, Any] = {
        "resourceId": ids[10:] if route.template == "/" else ids[10:16],
        "resourcePath": route.template,
        "httpMethod": method,
        "extendedRequestId": _http.apigw_id(ctx, bits >> 440),
        "requestTime": _http.clf(ctx.time_ms),
        "path": route.path if custom else f"/{stage}{route.path}",
        "accountId": ctx.account_id,
        "protocol": "HTTP/1.1",
        "stage": stage,
        "domainPrefix": api_id if custom is None else domain.split(".", 1)[0],
        "requestTimeEpoch": ctx.time_ms,
        "requestId": o.request_id or _http.uuid_from(bits >> 528),
        "identity": _identity(ctx, o, req, caller),
        "domainName": domain,
        "apiId": api_id,
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "resource": route.template,
        "path": route.path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[-1] for k, v in query.items()} if query else None,
        "multiValueQueryStringParameters": query,
        "pathParameters": route.parameters or None,
        "stageVariables": variables or None,
        "requestContext": context,
        "body": None if req.body is None else _http.body_text(ctx, req, encoded),
        "isBase64Encoded": encoded,
    }


def _identity(
    ctx: BuildContext, o: Options, req: Request, caller: dict[str, Any] | None
) -> dict[str, Any]:
    """requestContext.identity: the client address and agent; the SigV4 caller for AWS_IAM."""
    if caller is None:
        identity: dict[str, Any] = {
            "cognitoIdentityPoolId": None,
            "accountId": None,
            "cognitoIdentityId": None,
            "caller": None,
            "sourceIp": req.source_ip,
            "principalOrgId": None,
            "accessKey": None,
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": None,
            "userAgent": req.user_agent,
            "user": None,
        }
    else:
        identity = {
            "cognitoIdentityPoolId": None,
            "accountId": caller.get("accountId"),
            "cognitoIdentityId": None,
            "caller": caller.get("callerId"),
            "sourceIp": req.source_ip,
            "principalOrgId": caller.get("principalOrgId"),
            "accessKey": caller.get("accessKey"),
            "cognitoAuthenticationType": None,
            "cognitoAuthenticationProvider": None,
            "userArn": caller.get("userArn"),
            "userAgent": req.user_agent,
            "user": caller.get("userId"),
        }
    if o.api_key is not None:
        identity["apiKey"] = o.api_key
        identity["apiKeyId"] = aws.chars(ctx, 10, aws.LOWER_DIGITS)
    return identity


def _rest_auth(
    ctx: BuildContext, o: Options, auth: str, req: Request
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(requestContext.authorizer, IAM caller) for the method's authorization type, with the
    Authorization header the client sent."""
    given = o.authorizer or {}
    if auth == "COGNITO_USER_POOLS":
        _http.check_scalars(ctx, given, "claim")
        claims, token = _http.token_claims(ctx, access_token=False, given=given)
        req.add("Authorization", token)
        return {"claims": {k: _rest_claim(k, v) for k, v in claims.items()}}, None
    if auth == "CUSTOM":
        _http.check_scalars(ctx, given, "context value")
        if any(isinstance(v, list) for v in given.values()):
            ctx.fail("authorizer", "a Lambda authorizer's context holds only str, number or bool")
        context = {"principalId": f"user|{ctx.hex(24)}", **_default_context(ctx), **given}
        req.add("Authorization", f"Bearer {ctx.hex(40)}")
        shown: dict[str, str | None] = {
            k: v if v is None else _http.stringify(v, list_style="commas")
            for k, v in context.items()
        }
        principal = shown.pop("principalId")
        return {
            "principalId": principal,
            "integrationLatency": int(ctx.random() * 400),
            **shown,
        }, None
    if auth == "AWS_IAM":
        caller = _http.merge_known(ctx, _http.iam_caller(ctx), given)
        for name, value in _http.sigv4_headers(
            ctx, caller, "execute-api", ("host", "x-amz-date", "x-amz-security-token")
        ):
            req.add(name, value)
        return None, caller
    return None, None


def _rest_claim(name: str, value: Any) -> str:
    """REST APIs show iat/exp as Java dates and every other claim as text."""
    if name in ("iat", "exp") and isinstance(value, int) and not isinstance(value, bool):
        return _http.java_date(value)
    return _http.stringify(value, list_style="commas")


def _default_context(ctx: BuildContext) -> dict[str, Any]:
    rng = ctx
    """What a Lambda authorizer typically hands on: who the caller is and what they may do."""
    return {
        "tenantId": f"tenant-{ctx.hex(8)}",
        "role": aws.pick(rng, ("admin", "member", "viewer")),
    }


def _add_cloudfront(ctx: BuildContext, req: Request) -> None:
    """What CloudFront adds in front of an edge-optimized API."""
    rng = ctx
    bits = rng.getrandbits(40)
    mobile = "iPhone" in req.user_agent or "Android" in req.user_agent
    net = CLOUDFRONT_NETS[(bits & 255) % len(CLOUDFRONT_NETS)]
    edge = f"{net}.{bits >> 8 & 255}.{1 + (bits >> 16 & 255) % 254}"
    req.add_defaults(
        {
            "cloudfront-forwarded-proto": "https",
            "cloudfront-is-desktop-viewer": "false" if mobile else "true",
            "cloudfront-is-mobile-viewer": "true" if mobile else "false",
            "cloudfront-is-smarttv-viewer": "false",
            "cloudfront-is-tablet-viewer": "false",
            "cloudfront-viewer-asn": ASNS[(bits >> 24 & 255) % len(ASNS)],
            "cloudfront-viewer-country": COUNTRIES[(bits >> 32 & 255) % len(COUNTRIES)],
            "via": f"2.0 {aws.hex_string(rng, 32)}.cloudfront.net (CloudFront)",
            "x-amz-cf-id": aws.chars(rng, 54) + "==",
            "x-forwarded-for": f"{req.source_ip}, {edge}",
        }
    )


ASNS = ("7922", "3320", "16509", "701", "2856")
COUNTRIES = ("US", "DE", "GB", "FR", "JP", "BR", "IN")


def _binary_media(types: list[str] | None, content_type: str | None) -> bool:
    """Whether the REST API's binaryMediaTypes (wildcards allowed) cover the Content-Type."""
    if not types or not content_type:
        return False
    major, _, minor = content_type.split(";", 1)[0].strip().lower().partition("/")
    for pattern in types:
        p_major, _, p_minor = pattern.lower().partition("/")
        if p_major in ("*", major) and p_minor in ("*", minor):
            return True
    return False


def _auth_type(ctx: BuildContext, o: Options, with_authorizer: str) -> str:
    auth: str = o.authorization_type or (with_authorizer if o.authorizer is not None else "NONE")
    if auth == "NONE" and o.authorizer is not None:
        ctx.fail("authorizer", "authorization_type 'NONE' has no authorizer; pick another type")
    return auth


def _stage_variables(ctx: BuildContext, o: Options) -> dict[str, str]:
    variables = _http.check_string_map(ctx, "stage_variables", o.stage_variables or {})
    for name in variables:
        if not _STAGE_VARIABLE.match(name):
            ctx.fail("stage_variables", f"{name!r}: names are 1 to 64 letters, digits or '_'")
    return variables


# --- HTTP API (payload 2.0) ---------------------------------------------------------------


def build_http(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        # one draw: the API's small choices (32), its id (80), the route's (56), the request's
        # (96), and 128 spread (see default_http)
        bits = ctx.getrandbits(392)
        return default_http(ctx, bits, _http.spread(bits >> 264), None)
    return http_event(ctx, o)


def default_http(
    ctx: BuildContext, bits: int, wide: int, authorization: str | None
) -> dict[str, Any]:
    """``http_event`` given no options, written directly from 264 random ``bits`` and 696
    spread ones, ``wide``: the trace id (96), the request id (88), an item's UUID (128), a
    session cookie (128) and the body (256). With an ``authorization`` header, the request an
    HTTP API authorizer sees: without a body (the caller may spend those bits)."""
    method = _http.METHOD_BY_BYTE[bits & 255]
    route = _http.random_route_from(method, bits >> 112, wide >> 184)
    parameters: dict[str, str] | None = route.parameters
    if route.template == "/{proxy+}":
        if bits >> 8 & 1:
            route_key = "ANY /{proxy+}"
        else:
            route_key, parameters = "$default", None
    else:
        route_key = f"{method} {route.template}"
    if bits >> 16 & 255 < 154:  # 60%
        stage, raw_path = "$default", route.path
    else:
        stage = STAGES[(bits >> 24 & 255) % len(STAGES)]
        raw_path = f"/{stage}{route.path}"
    api_id = (bits >> 32 & _MASK_80).to_bytes(10, "little").translate(_http.LOWER_DIGITS).decode()
    domain = f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}"
    dice = bits >> 168
    address, agent, headers, cookie = _http.client_from(dice, wide >> 312)
    # (the names in sorted order, as HTTP APIs list them)
    if authorization is not None:
        headers["authorization"] = authorization
        body = None
    else:
        body = _http.default_body(headers, method, wide >> 440)
    headers["host"] = domain
    headers["user-agent"] = agent
    headers["x-amzn-trace-id"] = f"Root=1-{ctx.time_ms // 1000:08x}-{wide & _MASK_96:024x}"
    headers["x-forwarded-for"] = address
    headers["x-forwarded-port"] = "443"
    headers["x-forwarded-proto"] = "https"
    return _http.default_payload_v2(
        ctx,
        method,
        route_key,
        raw_path,
        stage,
        api_id,
        domain,
        _http.apigw_id(ctx, wide >> 96),
        ctx.account_id,
        (headers, address, agent, cookie),
        _http.drawn_query(method, dice),
        body,
        parameters,
    )


_MASK_80 = (1 << 80) - 1
_MASK_96 = (1 << 96) - 1


def http_event(
    ctx: BuildContext, o: Options, extra_headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """The HTTP API's payload 2.0 event; ``extra_headers`` as for ``rest_event``."""
    # one draw: the API's own small choices (32 bits), its id (80), the route's (112-), the
    # request's (168-) and the trace id's (264-) bits, the request id (360-)
    bits = ctx.getrandbits(_HTTP_DRAW)
    method, route_key, route = _http_route(ctx, o, bits)
    if o.stage:
        stage = _http.check_stage(ctx, o.stage, allow_default=True)
    elif bits >> 16 & 255 < 154:  # 60%
        stage = "$default"
    else:
        stage = STAGES[(bits >> 24) % len(STAGES)]
    if o.api_id is None:
        api_id = aws.chars_from(bits >> 32, 10, aws.LOWER_DIGITS)
    else:
        api_id = _http.check_api_id(ctx, o.api_id)
    custom = _http.host_from_headers(ctx, o, "domain_name") if o.domain_name or o.headers else None
    domain = custom or f"{api_id}.execute-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}"
    auth = _auth_type(ctx, o, "CUSTOM")
    variables = _stage_variables(ctx, o) if o.stage_variables else None
    req = _http.build_request(ctx, o, method, route.path, body_limit=BODY_LIMIT, dice=bits >> 168)
    if extra_headers:
        req.add_defaults(extra_headers)
    authorizer = _http_auth(ctx, o, auth, req) if auth != "NONE" else None
    _http.add_forwarding(ctx, req, domain, trace_bits=bits >> 264)
    # On the execute-api domain a named stage is the first path segment; custom domains map it.
    staged = stage != "$default" and not custom
    raw_path = f"/{stage}{route.path}" if staged else route.path
    account = authorizer["iam"]["accountId"] if authorizer and "iam" in authorizer else None
    return _http.payload_v2(
        ctx,
        req,
        route_key=route_key,
        raw_path=raw_path,
        stage=stage,
        api_id=api_id,
        domain=domain,
        request_id=o.request_id or _http.apigw_id(ctx, bits >> 360),
        account_id=account or ctx.account_id,
        authorizer=authorizer,
        path_parameters=route.parameters if route_key != "$default" else None,
        stage_variables=variables,
        keep_cookie_header=False,
        base64_encoded=req.body is not None and _http.text_rule_base64(req),
    )


def _http_route(ctx: BuildContext, o: Options, bits: int) -> tuple[str, str, Route]:
    """(method, routeKey, route): the route key's verb and template agree with the request."""
    method: str
    if o.route_key is None and o.path is None and not o.path_parameters:  # all drawn
        method = o.method or _http.METHOD_BY_BYTE[bits & 255]
        route = _http.random_route(ctx, method, bits >> 112)
        if route.template == "/{proxy+}":
            return method, "ANY /{proxy+}" if bits >> 8 & 1 else "$default", route
        return method, f"{method} {route.template}", route
    verb, template = _parse_route_key(ctx, o.route_key)
    if verb not in (None, "ANY"):
        if o.method is not None and o.method != verb:
            ctx.fail("method", f"{o.method!r} but route_key {o.route_key!r} only matches {verb}")
        method = verb
    else:
        method = o.method or _http.draw_method(ctx)
    if o.route_key == "$default":
        if o.path_parameters:
            ctx.fail(
                "path_parameters",
                "the $default route has no path parameters; give "
                "route_key='ANY /{proxy+}' or a route with {parameters}",
            )
        path = _http.check_path(ctx, o.path) if o.path else _http.random_route(ctx, method).path
        return method, "$default", Route("$default", path, {})
    route = _http.resolve_route(ctx, o, "route_key", template, method)
    if o.route_key is not None:
        return method, o.route_key, route
    if o.path is not None and not o.path_parameters and route.template in ("/", "/{proxy+}"):
        return method, "$default" if route.template == "/" else "ANY /{proxy+}", route
    if route.template == "/{proxy+}":
        return method, "ANY /{proxy+}" if ctx.random() < 0.5 else "$default", route
    return method, f"{method} {route.template}", route


def _parse_route_key(ctx: BuildContext, route_key: str | None) -> tuple[str | None, str | None]:
    if route_key is None or route_key == "$default":
        return None, None
    m = _ROUTE_KEY.match(route_key)
    if m is None:
        ctx.fail(
            "route_key",
            f"{route_key!r}; allowed: '$default' or 'METHOD /path' with "
            f"METHOD one of ANY, {', '.join(_http.METHODS)}, e.g. 'GET /orders/{{id}}'",
        )
    return m.group(1), m.group(2)


def _http_auth(ctx: BuildContext, o: Options, auth: str, req: Request) -> dict[str, Any] | None:
    given = o.authorizer or {}
    if auth == "JWT":
        _http.check_scalars(ctx, given, "claim")
        access = "scope" in given or ("aud" not in given and ctx.random() < 0.6)
        claims, token = _http.token_claims(ctx, access_token=access, given=given)
        req.add("Authorization", f"Bearer {token}")
        scope = claims.get("scope")
        return {
            "jwt": {
                "claims": {k: _http.stringify(v, list_style="brackets") for k, v in claims.items()},
                "scopes": str(scope).split() if scope else None,
            }
        }
    if auth == "CUSTOM":  # 2.0 authorizers may return arrays and maps, passed on as JSON
        context = {**_default_context(ctx), **given}
        if not all(isinstance(k, str) for k in context):
            ctx.fail("authorizer", "context keys must be str")
        req.add("Authorization", f"Bearer {ctx.hex(40)}")
        return {"lambda": context}
    if auth == "AWS_IAM":
        caller = _http.merge_known(ctx, _http.iam_caller(ctx), given)
        for name, value in _http.sigv4_headers(
            ctx, caller, "execute-api", ("host", "x-amz-date", "x-amz-security-token")
        ):
            req.add(name, value)
        return {"iam": caller}
    return None


_REST_BINARY = "bytes, or text of one of binary_media_types, arrive base64-encoded"
_SHARED = (
    Option(
        "path_parameters",
        dict,
        "path parameters: name -> value (the template is derived "
        "from the path when no resource/route is given)",
    ),
    Option("stage", str, "stage name (letters, digits, '-', '_'; HTTP APIs also '$default')"),
    Option("api_id", str, "API id: 10 lower-case letters or digits"),
    Option(
        "domain_name", str, "custom domain name the client called (default: the execute-api domain)"
    ),
    Option("stage_variables", dict, "stage variables: name -> value"),
    Option("request_id", str, "requestContext.requestId"),
    Option(
        "authorizer",
        dict,
        "claims (COGNITO_USER_POOLS, JWT), context (CUSTOM) or caller "
        "fields (AWS_IAM) over the generated ones; sets authorization_type CUSTOM if unset",
    ),
)

SOURCES = (
    EventSource(
        id="api_gateway",
        service="Amazon API Gateway",
        invocation="sync",
        builder=build_rest,
        description="API Gateway REST API request (Lambda proxy integration, payload 1.0)",
        options=(
            *_http.request_options(max_body="6 MB", binary=_REST_BINARY),
            Option(
                "resource", str, "resource path template, e.g. '/orders/{orderId}' or '/{proxy+}'"
            ),
            *_SHARED,
            Option("authorization_type", str, "the method's authorization type", choices=REST_AUTH),
            Option(
                "endpoint_type", str, "EDGE adds CloudFront's headers", choices=("REGIONAL", "EDGE")
            ),
            Option("api_key", str, "the x-api-key the client sent (identity.apiKey)"),
            Option(
                "binary_media_types",
                list,
                "the API's binaryMediaTypes, e.g. ['image/*']: a "
                "str body of such a Content-Type arrives base64-encoded",
                item_type=str,
            ),
        ),
    ),
    EventSource(
        id="api_gateway_v2",
        service="Amazon API Gateway",
        invocation="sync",
        builder=build_http,
        description="API Gateway HTTP API request (payload format 2.0)",
        options=(
            *_http.request_options(max_body="6 MB", binary=_http.TEXT_RULE),
            Option("route_key", str, "'$default' or 'METHOD /path', e.g. 'GET /orders/{orderId}'"),
            *_SHARED,
            Option("authorization_type", str, "the route's authorization type", choices=HTTP_AUTH),
        ),
    ),
)
