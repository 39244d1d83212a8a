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
    kind: str = o.kind or KINDS[int(ctx.rng.random() * len(KINDS))]
    _check_kind_options(ctx, o, kind)
    token = _token(ctx, o.authorization_token)
    if kind == "token":
        return _token_event(ctx, o, token)
    if kind == "request":
        return _request_event(ctx, o, token)
    return _v2_event(ctx, o, token)


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
    if given is None:
        return f"Bearer {_http.token_claims(ctx, access_token=True)[1]}"
    if not _TOKEN_PATTERN.match(given):
        ctx.fail(
            "authorization_token",
            f"{given[:40]!r}: a header value of 1 to 8,192 printable ASCII characters",
        )
    return given


def _token_event(ctx: BuildContext, o: Options, token: str) -> dict[str, Any]:
    """TOKEN: the identity source header's value and the ARN of the method called."""
    method = o.method or _http.draw_method(ctx)
    path = _http.check_path(ctx, o.path) if o.path else _http.random_path(ctx, method)
    stage = _stage(ctx, o)
    if o.api_id is None:
        api_id = aws.chars(ctx.rng, 10, aws.LOWER_DIGITS)
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
        return api_gateway.STAGES[ctx.rng.getrandbits(8) % len(api_gateway.STAGES)]
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
    return Options(values, frozenset(given))


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
