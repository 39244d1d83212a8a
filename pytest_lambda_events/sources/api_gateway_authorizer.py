"""Amazon API Gateway Lambda authorizers: the TOKEN and REQUEST events of REST APIs and the
REQUEST event (payload 2.0) of HTTP APIs (shapes.md sections 0.1 and 19)."""

from __future__ import annotations

import re
from itertools import compress, repeat
from operator import attrgetter, is_not
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from . import _http, api_gateway

KINDS = ("token", "request", "v2")
# An identity source header is the Authorization header unless the caller names another.
_HEADER = "Authorization"
_TOKEN_PATTERN = re.compile(r"^[\x20-\x7e]{1,8192}$")
_REQUEST_ONLY = (
    "query",
    "headers",
    "cookies",
    "source_ip",
    "user_agent",
    "path_parameters",
    "stage_variables",
    "domain_name",
    "request_id",
    "resource",
)
_V2_ONLY = ("route_key", "identity_source")
_V1_ONLY = ("resource",)
# per kind, the options it does not carry, and a getter reading them in one call
_WRONG = {"token": _REQUEST_ONLY + _V2_ONLY, "request": _V2_ONLY, "v2": _V1_ONLY}
_WRONG_VALUES = {kind: attrgetter(*names, "kind") for kind, names in _WRONG.items()}
_IDENTITY_SOURCE = re.compile(
    r"^\$(request\.(header|querystring)\.[^\s.]+|context\.\w+|stageVariables\.\w+)$"
)


def build_authorizer(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:  # one draw for the kind and the whole event (see _default_rest)
        bits = ctx.getrandbits(448)
        kind = KINDS[(bits & 255) % 3]  # (85 or 86 in 256 each)
        if kind == "token":
            return _default_token(ctx, bits >> 8)
        if kind == "request":
            return _default_rest(ctx, None, bits >> 8)
        return _default_v2(ctx, None, bits >> 8)
    kind = o.kind or KINDS[ctx.getrandbits(8) % 3]
    _check_kind_options(ctx, o, kind)
    given = o.authorization_token
    if _REQUEST(o) == _NONE and not o.given("query") and kind != "token":
        return _default_rest(ctx, given) if kind == "request" else _default_v2(ctx, given)
    token = _token(ctx, given)
    if kind == "token":
        return _token_event(ctx, o, token)
    if kind == "request":
        return _request_event(ctx, o, token)
    return _v2_event(ctx, o, token)


# the request options: when none is set, the event is written directly (_default_*)
_REQUEST = attrgetter(*(name for name in _REQUEST_ONLY + _V2_ONLY + ("method", "path", "stage",
                      "api_id")))  # fmt: skip
_NONE = (None,) * (len(_REQUEST_ONLY + _V2_ONLY) + 4)


def _default_draw(
    ctx: BuildContext, given_token: str | None, bits: int, width: int, jwt_at: int
) -> tuple[int, int, str]:
    """A default event's ``width`` bits (drawn here when ``bits`` is -1, else the caller drew
    them with its own), their top 128 spread (``_http.spread``), and the Authorization
    header: the given token, or a JWT from the spread's bits from ``jwt_at``."""
    if bits < 0:
        bits = ctx.getrandbits(width)
    wide = _http.spread(bits >> (width - 128))
    if given_token is not None:
        return bits, wide, _token(ctx, given_token)
    return bits, wide, f"Bearer {_http.access_token_jwt(ctx, wide >> jwt_at)}"


def _default_rest(ctx: BuildContext, given_token: str | None, bits: int = -1) -> dict[str, Any]:
    """``_request_event`` given no request options: the same kind of event, written directly
    (api_gateway.default_rest, the token's JWT_BITS spread over the body's bits it leaves)."""
    bits, wide, token = _default_draw(ctx, given_token, bits, 440, 1168)
    proxy = api_gateway.default_rest(ctx, bits, wide, token)
    context = proxy["requestContext"]
    event = {
        "type": "REQUEST",
        "methodArn": f"arn:{ctx.partition}:execute-api:{ctx.region}:{ctx.account_id}:"
        f"{context['apiId']}/{context['stage']}/{proxy['httpMethod']}/{proxy['path'][1:]}",
    }
    del proxy["body"], proxy["isBase64Encoded"]
    event.update(proxy)
    return event


def _default_v2(ctx: BuildContext, given_token: str | None, bits: int = -1) -> dict[str, Any]:
    """``_v2_event`` given no request options: the same kind of event, written directly
    (api_gateway.default_http, the token's JWT_BITS spread over the body's bits it leaves)."""
    bits, wide, token = _default_draw(ctx, given_token, bits, 392, 440)
    proxy = api_gateway.default_http(ctx, bits, wide, token)
    context = proxy["requestContext"]
    stage, http = context["stage"], context["http"]
    path = http["path"] if stage == "$default" else http["path"][len(stage) + 1 :]
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": f"arn:{ctx.partition}:execute-api:{ctx.region}:{ctx.account_id}:"
        f"{context['apiId']}/{stage}/{http['method']}/{path[1:]}",
        "identitySource": [token],
    }
    del proxy["version"], proxy["isBase64Encoded"]
    event.update(proxy)
    return event


def _check_kind_options(ctx: BuildContext, o: Options, kind: str) -> None:
    """A TOKEN event holds only the token and the method ARN; v1 and v2 name the route apart."""
    values = _WRONG_VALUES[kind](o)[:-1]  # (the getter reads "kind" too: always a tuple)
    if values.count(None) == len(values):
        return
    for name in _WRONG[kind]:
        if getattr(o, name) is not None:
            allowed = {"token": "'request' or 'v2'", "request": "'v2'", "v2": "'request'"}[kind]
            ctx.fail(name, f"kind={kind!r} events do not carry it; use kind={allowed}")


def _token(ctx: BuildContext, given: str | None) -> str:
    """The Authorization header: given, or a user pool's access token."""
    if given is None:
        return f"Bearer {_http.access_token_jwt(ctx)}"
    if not _TOKEN_PATTERN.match(given):
        ctx.fail(
            "authorization_token",
            f"{given[:40]!r}: a header value of 1 to 8,192 printable ASCII characters",
        )
    return given


def _default_token(ctx: BuildContext, bits: int) -> dict[str, Any]:
    """``_token_event`` given no options, from the caller's draw: the method (8), the stage (8),
    the route's bits (56) and 128 spread over the API id (80), an item's UUID (128) and the
    token's JWT_BITS."""
    method = _http.METHOD_BY_BYTE[bits & 255]
    stage = api_gateway.STAGES[(bits >> 8 & 255) % len(api_gateway.STAGES)]
    wide = _http.spread(bits >> 72)
    path = _http.random_path_from(method, bits >> 16, wide >> 80)
    api_id = (wide & _MASK_80).to_bytes(10, "little").translate(_http.LOWER_DIGITS).decode()
    return {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {_http.access_token_jwt(ctx, wide >> 208)}",
        "methodArn": f"arn:{ctx.partition}:execute-api:{ctx.region}:{ctx.account_id}:"
        f"{api_id}/{stage}/{method}/{path[1:]}",
    }


_MASK_80 = (1 << 80) - 1


def _token_event(ctx: BuildContext, o: Options, token: str) -> dict[str, Any]:
    """TOKEN: the identity source header's value and the ARN of the method called."""
    # one draw: the method (8), the stage (8), the API id (80), the route's bits; an item's
    # UUID is spread from them (a second draw would refill the pool)
    bits = ctx.getrandbits(96 + _http.ROUTE_BITS)
    method = o.method or _http.METHOD_BY_BYTE[bits & 255]
    if o.path:
        path = _http.check_path(ctx, o.path)
    else:
        path = _http.random_path_from(method, bits >> 96, _http.spread(bits >> 16))
    if o.stage is None:
        stage = api_gateway.STAGES[(bits >> 8 & 255) % len(api_gateway.STAGES)]
    else:
        stage = _http.check_stage(ctx, o.stage, allow_default=False)
    if o.api_id is None:
        api_id = aws.chars_from(bits >> 16, 10, aws.LOWER_DIGITS)
    else:
        api_id = _http.check_api_id(ctx, o.api_id)
    return {
        "type": "TOKEN",
        "authorizationToken": token,
        "methodArn": execute_api_arn(ctx, api_id, stage, method, path),
    }


def _request_event(ctx: BuildContext, o: Options, token: str) -> dict[str, Any]:
    """REQUEST (REST): the proxy request without its body, with the method's ARN."""
    stage = _stage(ctx, o)
    opts = _delegate(
        api_gateway.SOURCES[0],
        o,
        authorization_type="NONE",
        stage=stage,
        endpoint_type=None,
        api_key=None,
        binary_media_types=None,
    )
    proxy = api_gateway.rest_event(ctx, opts, {"authorization": token})
    context = proxy["requestContext"]
    arn = execute_api_arn(ctx, context["apiId"], stage, proxy["httpMethod"], proxy["path"])
    event = {"type": "REQUEST", "methodArn": arn}
    del proxy["body"], proxy["isBase64Encoded"]
    event.update(proxy)
    return event


def _v2_event(ctx: BuildContext, o: Options, token: str) -> dict[str, Any]:
    """REQUEST (HTTP API, payload 2.0): the request without its body, the route's ARN and the
    values of the identity sources."""
    sources = _identity_source(ctx, o)
    opts = _delegate(
        api_gateway.SOURCES[1], o, authorization_type="NONE", stage=o.stage, route_key=o.route_key
    )
    proxy = api_gateway.http_event(ctx, opts, {"authorization": token})
    context = proxy["requestContext"]
    path = context["http"]["path"]
    if context["stage"] != "$default" and path.startswith(f"/{context['stage']}/"):
        path = path[len(context["stage"]) + 1 :]
    values = [_source_value(ctx, proxy, s) for s in sources]
    event: dict[str, Any] = {
        "version": "2.0",
        "type": "REQUEST",
        "routeArn": execute_api_arn(
            ctx, context["apiId"], context["stage"], context["http"]["method"], path
        ),
        "identitySource": values,
    }
    del proxy["version"], proxy["isBase64Encoded"]
    proxy.pop("body", None)
    event.update(proxy)
    return event


def execute_api_arn(ctx: BuildContext, api_id: str, stage: str, method: str, path: str) -> str:
    """``arn:...:execute-api:<region>:<account>:<apiId>/<stage>/<METHOD>/<path>``."""
    return (
        f"arn:{ctx.partition}:execute-api:{ctx.region}:{ctx.account_id}:"
        f"{api_id}/{stage}/{method}/{path.lstrip('/')}"
    )


def _stage(ctx: BuildContext, o: Options) -> str:
    if o.stage is None:
        return api_gateway.STAGES[ctx.getrandbits(8) % len(api_gateway.STAGES)]
    return _http.check_stage(ctx, o.stage, allow_default=False)


def _identity_source(ctx: BuildContext, o: Options) -> list[str]:
    """The route's identity source expressions, e.g. ['$request.header.Authorization']."""
    given: list[str] = o.identity_source or [f"$request.header.{_HEADER}"]
    for expression in given:
        if not _IDENTITY_SOURCE.match(expression):
            ctx.fail(
                "identity_source",
                f"{expression!r}: allowed are '$request.header.<name>', "
                "'$request.querystring.<name>', '$context.<name>' and "
                "'$stageVariables.<name>'",
            )
    return given


def _source_value(ctx: BuildContext, event: dict[str, Any], expression: str) -> str:
    """The value an identity source expression selects from the request."""
    scope, _, name = expression[1:].rpartition(".")
    if scope == "request.header":
        value = event["headers"].get(name.lower())
    elif scope == "request.querystring":
        value = event.get("queryStringParameters", {}).get(name)
    elif scope == "stageVariables":
        value = event.get("stageVariables", {}).get(name)
    else:
        value = event["requestContext"].get(name)
    if value is None:
        ctx.fail(
            "identity_source",
            f"{expression!r} selects nothing in the request; API "
            "Gateway answers 401 without calling the authorizer. Pass that header, query "
            "parameter or stage variable",
        )
    return str(value)


def _delegate(target: EventSource, o: Options, **fixed: Any) -> Options:
    """Options for the proxy builder of ``target``: ours where it has them, its defaults
    elsewhere, never a body (authorizers do not see it) nor an authorizer."""
    defaults, shared, read = _PLANS[target.id]
    ours = read(o)
    # most builds set none of them: their Options, read-only, are made once per world and stage
    key: tuple[Any, ...] | None = (target.id, ours, *fixed.items(), o.given("query"))
    try:
        hash(key)
    except TypeError:  # a dict or list given: not a key
        key = None
    cached = None if key is None else _DELEGATED.get(key)
    if cached is not None:
        return cached
    values = dict(defaults)
    values.update(zip(shared, ours, strict=True))
    values |= fixed
    values["body"] = values["authorizer"] = None
    # given(): what the caller set (a value that is no default), the fixed ones, the body; and
    # a query=None, the one explicit None the proxy builders read ("no query string")
    given = set(compress(shared, map(is_not, ours, repeat(None)))) - _WORLD
    given |= {name for name, value in fixed.items() if value is not None}
    given.add("body")
    if o.query is None and o.given("query"):
        given.add("query")
    options = Options(values, frozenset(given))
    if key is not None:
        if len(_DELEGATED) >= 256:  # bounded: a caller cycling through many worlds
            _DELEGATED.clear()
        _DELEGATED[key] = options
    return options


_DELEGATED: dict[tuple[Any, ...], Options] = {}


SOURCES = (
    EventSource(
        id="api_gateway_authorizer",
        service="Amazon API Gateway",
        invocation="sync",
        builder=build_authorizer,
        description="API Gateway Lambda authorizer request (REST TOKEN/REQUEST, HTTP API v2)",
        options=(
            Option(
                "kind",
                str,
                "TOKEN or REQUEST authorizer of a REST API, or an HTTP API's (payload 2.0) 'v2'",
                choices=KINDS,
            ),
            Option(
                "authorization_token",
                str,
                "the identity source's value, e.g. 'Bearer "
                "eyJ...' (TOKEN: authorizationToken; else the Authorization header)",
            ),
            Option("method", str, "HTTP method of the request", choices=_http.METHODS),
            Option("path", str, "request path, starting with '/', without the query string"),
            Option(
                "resource", str, "kind='request': resource path template, e.g. '/orders/{orderId}'"
            ),
            Option("route_key", str, "kind='v2': '$default' or 'METHOD /path'"),
            Option(
                "identity_source",
                list,
                "kind='v2': identity source expressions, e.g. ['$request.header.Authorization']",
                item_type=str,
            ),
            Option("query", dict, "query string: name -> value or list of values"),
            Option("headers", dict, "request headers: name -> value or list of values"),
            Option("cookies", (dict, list), "cookies: name -> value, or a list of 'name=value'"),
            Option("source_ip", str, "client IP address (IPv4 or IPv6)"),
            Option("user_agent", str, "the client's User-Agent"),
            Option("path_parameters", dict, "path parameters: name -> value"),
            Option("stage", str, "stage name (letters, digits, '-', '_'; v2 also '$default')"),
            Option("api_id", str, "API id: 10 lower-case letters or digits"),
            Option("domain_name", str, "custom domain name the client called"),
            Option("stage_variables", dict, "stage variables: name -> value"),
            Option("request_id", str, "requestContext.requestId"),
        ),
    ),
)


def _plan(target: EventSource) -> tuple[dict[str, Any], tuple[str, ...], attrgetter[Any]]:
    """(the target's defaults, the options we share with it, a getter of ours of them)."""
    defaults = {name: opt.default for name, opt in target.all_options.items()}
    shared = tuple(n for n in defaults if n in _OWN and n not in ("authorizer", "body"))
    return defaults, shared, attrgetter(*shared)


_OWN = frozenset(SOURCES[0].all_options)
_WORLD = frozenset(("region", "account_id"))  # always set, given or not
_PLANS = {target.id: _plan(target) for target in api_gateway.SOURCES}
