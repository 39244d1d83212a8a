"""What the HTTP front doors of Lambda share (API Gateway REST and HTTP APIs, function URLs,
ALB): the client request (headers, query string, body, cookies, client address), route
templates with path parameters, caller identities, and the payload format 2.0 event."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS, business_json
from ..registry import Option, Options
from ..timefmt import clf, epoch_ms

# Lambda's synchronous request payload limit: what a front door can pass on, whatever its own.
LAMBDA_PAYLOAD_LIMIT = (6_291_456, "Lambda accepts request payloads up to 6,291,456 bytes (6 MB)")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# How often each verb shows up when none is given: mostly reads, some writes.
_METHOD_WEIGHTS = ("GET",) * 10 + ("POST",) * 5 + ("PUT", "PATCH", "DELETE", "DELETE", "OPTIONS")
_BODY_METHODS = ("POST", "PUT", "PATCH")
_TEXT_TYPES = ("application/json", "application/javascript", "application/xml")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$"
)
_PARAM = re.compile(r"^\{([A-Za-z0-9_.-]+)(\+?)\}$")
_STAGE = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_API_ID = re.compile(r"^[a-z0-9]{10}$")

# (User-Agent, kind): kind picks the Accept headers such a client sends.
USER_AGENTS = (
    ("curl/8.5.0", "cli"),
    ("curl/7.88.1", "cli"),
    ("python-requests/2.32.3", "cli"),
    ("PostmanRuntime/7.39.0", "cli"),
    ("axios/1.7.2", "cli"),
    ("okhttp/4.12.0", "cli"),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0.0.0 Safari/537.36",
        "browser",
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/17.5 Safari/605.1.15",
        "browser",
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
        "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
        "browser",
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "browser"),
)
_QUERY_NAMES = ("limit", "page", "sort", "status", "q", "fields", "cursor")
_STATUSES = ("active", "pending", "archived", "shipped")
_TAGS = ("new", "sale", "featured", "eco")


def request_options(*, max_body: str, binary: str) -> tuple[Option, ...]:
    """The client-request options every HTTP source accepts; ``binary`` says which bodies
    arrive base64-encoded."""
    return (
        Option("method", str, "HTTP method of the request", choices=METHODS),
        Option("path", str, "request path, starting with '/', without the query string"),
        Option("query", dict, "query string: name -> value or list of values (decoded text)"),
        Option(
            "headers",
            dict,
            "request headers: name -> value or list of values (None drops a default header)",
        ),
        Option("cookies", (dict, list), "cookies: name -> value, or a list of 'name=value'"),
        Option(
            "body",
            (str, bytes),
            f"request body (None for none; at most {max_body}); {binary}",
        ),
        Option("source_ip", str, "client IP address (IPv4 or IPv6)"),
        Option("user_agent", str, "the client's User-Agent"),
    )


@dataclass
class Request:
    """One client request as the front door received it; names keep the client's casing."""

    method: str
    path: str
    query: list[tuple[str, str]]
    source_ip: str
    user_agent: str
    body: bytes | None
    was_bytes: bool
    content_type: str | None
    body_limit: tuple[int, str]
    headers: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    dropped: set[str] = field(default_factory=set)

    def add(self, name: str, value: str) -> None:
        """Add a header the front door or client sends, unless the caller set or dropped it."""
        key = name.lower()
        if key not in self.headers and key not in self.dropped:
            self.headers[key] = (name, [value])

    def header(self, name: str) -> str | None:
        entry = self.headers.get(name.lower())
        return entry[1][-1] if entry else None

    def sorted_headers(self, lower: bool) -> list[tuple[str, list[str]]]:
        """Headers sorted by name, as AWS lists them; ``lower`` lower-cases the names."""
        items = sorted(self.headers.items())
        return [(key if lower else name, values) for key, (name, values) in items]

    def cookie_list(self) -> list[str]:
        """The ``cookies`` list of payload 2.0: every Cookie header split on ';'."""
        entry = self.headers.get("cookie")
        if not entry:
            return []
        return [c.strip() for value in entry[1] for c in value.split(";") if c.strip()]


def draw_method(ctx: BuildContext) -> str:
    return aws.pick(ctx.rng, _METHOD_WEIGHTS)


def dns_suffix(partition: str) -> str:
    return "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"


def check_path(ctx: BuildContext, path: str) -> str:
    if not path.startswith("/"):
        ctx.fail("path", f"{path!r} must start with '/', e.g. '/orders/42'")
    if "?" in path or "#" in path:
        ctx.fail("path", f"{path!r} holds '?' or '#'; pass the query string as query={{...}}")
    if any(c.isspace() for c in path):
        ctx.fail("path", f"{path!r} holds whitespace; percent-encode it (e.g. %20)")
    return path


def check_domain(ctx: BuildContext, option: str, domain: str) -> str:
    if not _HOST.match(domain):
        ctx.fail(option, f"{domain!r} is not a DNS name such as 'api.example.com' (lower case)")
    return domain


def check_stage(ctx: BuildContext, stage: str, *, allow_default: bool) -> str:
    if allow_default and stage == "$default":
        return stage
    if not _STAGE.match(stage):
        also = " or '$default'" if allow_default else ""
        ctx.fail("stage", f"{stage!r}: stage names are 1 to 128 letters, digits, '-' or '_'{also}")
    return stage


def check_api_id(ctx: BuildContext, api_id: str | None) -> str:
    if api_id is None:
        return aws.chars(ctx.rng, 10, aws.LOWER_DIGITS)
    if not _API_ID.match(api_id):
        ctx.fail("api_id", f"{api_id!r} is not an API id: 10 lower-case letters or digits")
    return api_id


def check_string_map(ctx: BuildContext, option: str, values: Mapping[Any, Any]) -> dict[str, str]:
    """A name -> str map such as stage variables or path parameters."""
    for name, value in values.items():
        if not isinstance(name, str) or not name or not isinstance(value, str):
            ctx.fail(option, f"{name!r}: {value!r}; names and values must be non-empty str / str")
    return dict(values)


def apigw_id(ctx: BuildContext) -> str:
    """An id of the ``JKJaXmPLvHcESHA=`` kind (HTTP API requestId, REST extendedRequestId)."""
    return base64.urlsafe_b64encode(ctx.rng.randbytes(11)).decode()


def trace_header(ctx: BuildContext) -> str:
    """``X-Amzn-Trace-Id`` as a front door adds it: Root=1-<epoch seconds hex>-<24 hex>."""
    return f"Root=1-{int(ctx.time.timestamp()):08x}-{ctx.hex(24)}"


# --- the client request -------------------------------------------------------------------


def build_request(
    ctx: BuildContext,
    o: Options,
    method: str,
    path: str,
    *,
    body_limit: tuple[int, str],
    edge: bool = False,
) -> Request:
    """The client's request from the options: user headers over realistic defaults."""
    rng = ctx.rng
    user = _user_headers(ctx, o.headers or {})
    if o.given("query"):
        query = _query(ctx, o.query) if o.query is not None else []
    else:
        query = _default_query(ctx, method)
    agent, kind = _user_agent(ctx, o, user)
    source_ip = _source_ip(ctx, o, user, edge)
    body, was_bytes = _body(ctx, o, method, body_limit)
    content_type = _content_type(user, body, was_bytes)
    req = Request(method, path, query, source_ip, agent, body, was_bytes, content_type, body_limit)
    for key, entry in user.items():
        if entry is None:
            req.dropped.add(key)
        else:
            req.headers[key] = entry
    _add_cookies(ctx, req, o.cookies, kind)
    if kind == "browser":
        req.add("Accept", "application/json, text/plain, */*")
        req.add("Accept-Encoding", "gzip, deflate, br")
        req.add("Accept-Language", aws.pick(rng, ("en-US,en;q=0.9", "de-DE,de;q=0.8", "fr-FR")))
    else:
        req.add("Accept", "*/*")
        req.add("Accept-Encoding", "gzip, deflate")
    req.add("User-Agent", agent)
    if body is not None:
        declared = req.header("content-length")
        if declared is not None and declared != str(len(body)):
            ctx.fail(
                "headers",
                f"Content-Length {declared} but the body has {len(body)} "
                "bytes; leave Content-Length out and it is computed",
            )
        req.add("Content-Length", str(len(body)))
        if content_type is not None:
            req.add("Content-Type", content_type)
    return req


def add_forwarding(
    ctx: BuildContext, req: Request, host: str, *, proto: str = "https", port: int = 443
) -> None:
    """The headers every front door adds: Host, X-Forwarded-*, X-Amzn-Trace-Id."""
    given_host = req.header("host")
    if given_host is not None and given_host.lower() != host:
        ctx.fail(
            "headers",
            f"Host {given_host!r} but the request went to {host!r}; "
            "leave Host out, or give the domain name option instead",
        )
    req.add("Host", host)
    req.add("X-Amzn-Trace-Id", trace_header(ctx))
    req.add("X-Forwarded-For", req.source_ip)
    req.add("X-Forwarded-Port", str(port))
    req.add("X-Forwarded-Proto", proto)


def host_from_headers(ctx: BuildContext, o: Options, option: str) -> str | None:
    """The domain name the client called: the option, else a Host header it passed."""
    value = getattr(o, option)
    if value is not None:
        return check_domain(ctx, option, value)
    for name, given in (o.headers or {}).items():
        if isinstance(name, str) and name.lower() == "host" and isinstance(given, str):
            return check_domain(ctx, "headers", given.lower())
    return None


def body_text(ctx: BuildContext, req: Request, base64_encoded: bool) -> str | None:
    """The body as the event carries it: text, or base64 of the raw bytes (a third longer,
    which must still fit the front door's limit)."""
    if req.body is None:
        return None
    if not base64_encoded:
        return req.body.decode("utf-8", errors="replace")
    text = base64.b64encode(req.body).decode()
    if len(text) > req.body_limit[0]:
        ctx.fail(
            "body", f"{len(req.body):,} bytes are {len(text):,} in base64; {req.body_limit[1]}"
        )
    return text


TEXT_RULE = "base64-encoded unless the Content-Type is text/*, JSON, XML or JavaScript"


def is_text_type(content_type: str | None) -> bool:
    """Whether HTTP APIs, function URLs and ALB pass a body of this type as text (the rest
    arrives base64-encoded, a missing Content-Type included)."""
    if not content_type:
        return False
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES


def text_rule_base64(req: Request) -> bool:
    """``isBase64Encoded`` under the content-type rule of HTTP APIs, function URLs and ALB."""
    if req.body is None:
        return False
    if not is_text_type(req.content_type):
        return True
    try:
        req.body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def encode_query(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Query pairs percent-encoded as a client sends them on the wire."""
    return [(quote(k, safe=""), quote(v, safe="")) for k, v in pairs]


def raw_query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{k}={v}" for k, v in encode_query(pairs))


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """name -> every value, in the order the client sent them."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        out.setdefault(name, []).append(value)
    return out


def _user_headers(
    ctx: BuildContext, headers: Mapping[Any, Any]
) -> dict[str, tuple[str, list[str]] | None]:
    out: dict[str, tuple[str, list[str]] | None] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not _TOKEN.match(name):
            ctx.fail(
                "headers",
                f"{name!r} is not an HTTP header name (letters, digits, and !#$%&'*+.^_`|~- only)",
            )
        if value is None:
            out[name.lower()] = None
            continue
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list | tuple)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            ctx.fail(
                "headers",
                f"{name!r}: {value!r}; give a str, a non-empty list of str, or "
                "None to drop a default header",
            )
        for v in values:
            if "\r" in v or "\n" in v or "\0" in v:
                ctx.fail("headers", f"{name!r}: {v!r} holds a line break or NUL")
        previous = out.get(name.lower())
        merged = (previous[1] if previous else []) + list(values)
        out[name.lower()] = (name, merged)
    return out


def _query(ctx: BuildContext, query: Mapping[Any, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        if not isinstance(name, str) or not name:
            ctx.fail("query", f"parameter name {name!r} must be a non-empty str")
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list | tuple)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            ctx.fail("query", f"{name!r}: {value!r}; give a str or a non-empty list of str")
        pairs.extend((name, v) for v in values)
    return pairs


def _default_query(ctx: BuildContext, method: str) -> list[tuple[str, str]]:
    rng = ctx.rng
    if method != "GET" or rng.random() < 0.5:
        return []
    names = rng.sample(_QUERY_NAMES, 1 + int(rng.random() * 2))
    pairs = []
    for name in names:
        if name == "limit":
            pairs.append((name, aws.pick(rng, ("10", "20", "25", "50", "100"))))
        elif name == "page":
            pairs.append((name, str(1 + int(rng.random() * 20))))
        elif name == "status":
            pairs.append((name, aws.pick(rng, _STATUSES)))
        elif name == "q":
            pairs.append((name, f"{aws.pick(rng, FIRST_NAMES)} {aws.pick(rng, LAST_NAMES)}"))
        else:
            pairs.append((name, aws.pick(rng, ("createdAt", "-updatedAt", "name", "id,name"))))
    if rng.random() < 0.3:  # a repeated parameter, the case multi-value maps exist for
        pairs.extend(("tag", t) for t in rng.sample(_TAGS, 2))
    return pairs


def _user_agent(
    ctx: BuildContext, o: Options, user: Mapping[str, tuple[str, list[str]] | None]
) -> tuple[str, str]:
    entry = user.get("user-agent")
    header = entry[1][-1] if entry else None
    if o.user_agent is not None and header is not None and header != o.user_agent:
        ctx.fail(
            "user_agent",
            f"{o.user_agent!r} but headers give User-Agent {header!r}; give one of them",
        )
    agent = o.user_agent or header
    if agent is None:
        return USER_AGENTS[int(ctx.rng.random() * len(USER_AGENTS))]
    return agent, "browser" if agent.startswith("Mozilla/") else "cli"


def _source_ip(
    ctx: BuildContext, o: Options, user: Mapping[str, tuple[str, list[str]] | None], edge: bool
) -> str:
    import ipaddress  # only needed when a caller passes addresses

    entry = user.get("x-forwarded-for")
    forwarded = [a.strip() for v in entry[1] for a in v.split(",")] if entry else []
    for address in ([o.source_ip] if o.source_ip else []) + forwarded:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            option = "source_ip" if address == o.source_ip else "headers"
            ctx.fail(option, f"{address!r} is not an IPv4 or IPv6 address")
    if o.source_ip is not None:
        if forwarded and o.source_ip not in forwarded:
            ctx.fail(
                "source_ip",
                f"{o.source_ip!r} is not in X-Forwarded-For {forwarded}; the "
                "client address is always one of its entries",
            )
        return str(o.source_ip)
    if forwarded:  # the client is the first entry behind CloudFront, else the last hop
        return forwarded[0] if edge else forwarded[-1]
    return aws.ipv4(ctx.rng)


def _body(
    ctx: BuildContext, o: Options, method: str, limit: tuple[int, str]
) -> tuple[bytes | None, bool]:
    if o.given("body"):
        body: str | bytes | None = o.body
    else:
        body = business_json(ctx.rng) if method in _BODY_METHODS else None
    if body is None:
        return None, False
    raw = body if isinstance(body, bytes) else body.encode()
    if len(raw) > limit[0]:
        ctx.fail("body", f"{len(raw):,} bytes; {limit[1]}")
    return raw, isinstance(body, bytes)


def _content_type(
    user: Mapping[str, tuple[str, list[str]] | None], body: bytes | None, was_bytes: bool
) -> str | None:
    if "content-type" in user:  # given, or dropped (None): no guessing either way
        entry = user["content-type"]
        return entry[1][-1] if entry else None
    if body is None:
        return None
    if was_bytes:
        return "application/octet-stream"
    return "application/json" if body[:1] in (b"{", b"[") else "text/plain; charset=utf-8"


def _add_cookies(ctx: BuildContext, req: Request, cookies: Any, kind: str) -> None:
    pairs: list[str] = []
    if isinstance(cookies, dict):
        for name, value in cookies.items():
            if not isinstance(name, str) or not _TOKEN.match(name) or not isinstance(value, str):
                ctx.fail("cookies", f"{name!r}: {value!r}; names are HTTP tokens, values str")
            pairs.append(f"{name}={value}")
    elif isinstance(cookies, list):
        for item in cookies:
            if not isinstance(item, str) or "=" not in item:
                ctx.fail("cookies", f"{item!r} is not a 'name=value' str")
            pairs.append(item)
    elif kind == "browser" and ctx.rng.random() < 0.4 and "cookie" not in req.dropped:
        pairs = [f"session_id={ctx.hex(32)}", f"theme={aws.pick(ctx.rng, ('light', 'dark'))}"]
    for pair in pairs:
        if ";" in pair or any(c in pair for c in "\r\n\0"):
            ctx.fail("cookies", f"{pair!r} holds ';' or a line break")
    if not pairs:
        return
    existing = req.headers.get("cookie")
    if existing:
        existing[1][-1] = "; ".join([existing[1][-1], *pairs])
    else:
        req.headers["cookie"] = ("Cookie", ["; ".join(pairs)])


# --- routes and path parameters -----------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A resource or route path template, the request path it matched, and the parameters."""

    template: str
    path: str
    parameters: dict[str, str]


def parse_template(ctx: BuildContext, option: str, template: str) -> list[tuple[str, bool, bool]]:
    """Segments of ``/orders/{orderId}/{proxy+}`` as (text or name, is_param, is_greedy)."""
    if not template.startswith("/"):
        ctx.fail(option, f"{template!r} must start with '/', e.g. '/orders/{{orderId}}'")
    segments: list[tuple[str, bool, bool]] = []
    parts = template[1:].split("/") if template != "/" else []
    for i, part in enumerate(parts):
        m = _PARAM.match(part)
        if m is None:
            if "{" in part or "}" in part:
                ctx.fail(
                    option,
                    f"{part!r} in {template!r}: a parameter is a whole segment "
                    "such as {orderId} or a final {proxy+}",
                )
            segments.append((part, False, False))
            continue
        if m.group(2) and i != len(parts) - 1:
            ctx.fail(option, f"greedy {part} must be the last segment of {template!r}")
        if any(s[1] and s[0] == m.group(1) for s in segments):
            ctx.fail(option, f"{template!r} names parameter {m.group(1)!r} twice")
        segments.append((m.group(1), True, bool(m.group(2))))
    return segments


def match_template(segments: list[tuple[str, bool, bool]], path: str) -> dict[str, str] | None:
    parts = path[1:].split("/") if path != "/" else []
    params: dict[str, str] = {}
    for i, (text, is_param, greedy) in enumerate(segments):
        if greedy:
            rest = "/".join(parts[i:])
            if not rest:
                return None
            params[text] = rest
            return params
        if i >= len(parts):
            return None
        if not is_param:
            if parts[i] != text:
                return None
        elif not parts[i]:
            return None
        else:
            params[text] = parts[i]
    return params if len(parts) == len(segments) else None


def resolve_route(
    ctx: BuildContext, o: Options, option: str, template: str | None, method: str
) -> Route:
    """Template, path and path parameters agreeing with each other; whatever is not given is
    derived from the rest (greedy ``{proxy+}`` catches a bare path) or drawn from the seed."""
    path = check_path(ctx, o.path) if o.path is not None else None
    given = check_string_map(ctx, "path_parameters", o.path_parameters or {})
    if template is not None:
        segments = parse_template(ctx, option, template)
        names = [s[0] for s in segments if s[1]]
        extra = sorted(set(given) - set(names))
        if extra:
            ctx.fail(
                "path_parameters",
                f"{extra} are not parameters of {option} {template!r}; "
                f"its parameters: {names or 'none'}",
            )
        if path is None:
            path = _fill(ctx, segments, given)
        found = match_template(segments, path)
        if found is None:
            ctx.fail("path", f"{path!r} does not match {option} {template!r}")
        for name, value in given.items():
            if found[name] != value:
                ctx.fail(
                    "path_parameters", f"{name}={value!r} but path {path!r} gives {found[name]!r}"
                )
        return Route(template, path, found)
    if path is None:
        if given:
            return _route_for_parameters(ctx, given)
        return random_route(ctx, method)
    if given:
        return Route(_derive_template(ctx, path, given), path, given)
    if path == "/":
        return Route("/", "/", {})
    return Route("/{proxy+}", path, {"proxy": path[1:]})


def random_route(ctx: BuildContext, method: str) -> Route:
    """A REST-style route fitting the method: collections for POST, items for PUT/PATCH/DELETE."""
    rng = ctx.rng
    noun = aws.pick(rng, NOUNS)
    key = (noun[:-1] if noun.endswith("s") else noun) + "Id"
    item = str(1 + int(rng.random() * 99999)) if rng.random() < 0.5 else ctx.uuid()
    shapes = {"POST": (0, 2), "PUT": (1,), "PATCH": (1,), "DELETE": (1,)}.get(method, (0, 1, 2, 3))
    shape = shapes[int(rng.random() * len(shapes))]
    if shape == 0:
        return Route(f"/{noun}", f"/{noun}", {})
    if shape == 1:
        return Route(f"/{noun}/{{{key}}}", f"/{noun}/{item}", {key: item})
    if shape == 2:
        sub = aws.pick(rng, NOUNS)
        return Route(f"/{noun}/{{{key}}}/{sub}", f"/{noun}/{item}/{sub}", {key: item})
    rest = f"{noun}/{item}"
    return Route("/{proxy+}", f"/{rest}", {"proxy": rest})


def _fill(ctx: BuildContext, segments: list[tuple[str, bool, bool]], given: dict[str, str]) -> str:
    parts = []
    for text, is_param, greedy in segments:
        if not is_param:
            parts.append(text)
        elif text in given:
            parts.append(given[text])
        else:
            value = str(1 + int(ctx.rng.random() * 99999))
            parts.append(f"{aws.pick(ctx.rng, NOUNS)}/{value}" if greedy else value)
    return "/" + "/".join(parts)


def _route_for_parameters(ctx: BuildContext, given: dict[str, str]) -> Route:
    """A template such as /orders/{orderId} with one collection segment per parameter."""
    parts_t, parts_p = [], []
    for name, value in given.items():
        if "/" in value and name != list(given)[-1]:
            ctx.fail(
                "path_parameters",
                f"{name}={value!r}: only the last (greedy) parameter may hold '/'",
            )
        noun = aws.pick(ctx.rng, NOUNS)
        greedy = "+" if "/" in value else ""
        parts_t.append(f"{noun}/{{{name}{greedy}}}")
        parts_p.append(f"{noun}/{value}")
    return Route("/" + "/".join(parts_t), "/" + "/".join(parts_p), dict(given))


def _derive_template(ctx: BuildContext, path: str, given: dict[str, str]) -> str:
    """Put {name} in place of the path segments holding each parameter's value."""
    parts = path[1:].split("/") if path != "/" else []
    names: list[str | None] = [None] * len(parts)
    greedy_at = len(parts)
    for name, value in given.items():
        if "/" in value or name == "proxy":
            tail = value.split("/")
            at = len(parts) - len(tail)
            if at < 0 or parts[at:] != tail or any(n is not None for n in names[at:]):
                ctx.fail("path_parameters", f"{name}={value!r} is not the end of path {path!r}")
            greedy_at = at
            names[at] = name + "+"
            continue
        for i, part in enumerate(parts):
            if part == value and names[i] is None and i < greedy_at:
                names[i] = name
                break
        else:
            ctx.fail("path_parameters", f"{name}={value!r} is not a segment of path {path!r}")
    out = []
    for i, part in enumerate(parts):
        if i > greedy_at:
            break
        out.append(f"{{{names[i]}}}" if names[i] else part)
    return "/" + "/".join(out)


# --- callers and authorizers --------------------------------------------------------------


def user_pool_id(ctx: BuildContext) -> str:
    return f"{ctx.region}_{aws.chars(ctx.rng, 9)}"


def jwt_claims(ctx: BuildContext, *, access_token: bool) -> dict[str, Any]:
    """The claims of a Cognito user-pool token issued before the request (epoch seconds)."""
    rng = ctx.rng
    first, last = aws.pick(rng, FIRST_NAMES), aws.pick(rng, LAST_NAMES)
    sub = ctx.uuid()
    issued = int((ctx.time - timedelta(seconds=60 + int(rng.random() * 3000))).timestamp())
    auth_time = issued - int(rng.random() * 86400)
    client_id = aws.chars(rng, 26, aws.LOWER_DIGITS)
    claims: dict[str, Any] = {
        "sub": sub,
        "iss": f"https://cognito-idp.{ctx.region}.amazonaws.com/{user_pool_id(ctx)}",
    }
    if access_token:
        claims |= {"client_id": client_id, "scope": "openid email profile", "username": sub}
    else:
        claims |= {
            "aud": client_id,
            "email_verified": True,
            "cognito:username": sub,
            "email": f"{first.lower()}.{last.lower()}@{aws.pick(rng, DOMAINS)}",
        }
    claims |= {
        "origin_jti": ctx.uuid(),
        "event_id": ctx.uuid(),
        "token_use": "access" if access_token else "id",
        "auth_time": auth_time,
        "iat": issued,
        "exp": issued + 3600,
        "jti": ctx.uuid(),
    }
    return claims


def stringify(value: Any, *, list_style: str) -> str:
    """A claim or context value as API Gateway passes it on: all text, booleans in lower case;
    lists as ``[a b]`` (HTTP API) or ``a,b`` (REST)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        items = [stringify(v, list_style=list_style) for v in value]
        return f"[{' '.join(items)}]" if list_style == "brackets" else ",".join(items)
    return str(value)


def iam_caller(ctx: BuildContext) -> dict[str, Any]:
    """A SigV4 caller using a role session's temporary credentials, in this account."""
    rng = ctx.rng
    role = f"{aws.pick(rng, NOUNS)}-client-role"
    session = aws.pick(rng, ("botocore-session", "ci-deploy", "app-session")) + f"-{ctx.hex(8)}"
    caller = f"{aws.iam_unique_id(rng, 'AROA')}:{session}"
    return {
        "accessKey": aws.access_key_id(rng, temporary=True),
        "accountId": ctx.account_id,
        "callerId": caller,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": f"arn:{ctx.partition}:sts::{ctx.account_id}:assumed-role/{role}/{session}",
        "userId": caller,
    }


def merge_known(
    ctx: BuildContext, base: dict[str, Any], given: Mapping[str, Any]
) -> dict[str, Any]:
    """``given`` over ``base``, where only ``base``'s keys exist (IAM caller fields)."""
    unknown = sorted(set(given) - set(base))
    if unknown:
        ctx.fail("authorizer", f"{unknown} are not caller fields; allowed: {', '.join(base)}")
    return {**base, **given}


def check_scalars(ctx: BuildContext, values: Mapping[Any, Any], what: str) -> None:
    for name, value in values.items():
        if not isinstance(name, str):
            ctx.fail("authorizer", f"{what} key {name!r} must be a str")
        if value is not None and not isinstance(value, str | int | float | bool | list):
            ctx.fail(
                "authorizer",
                f"{what} {name!r} is a {type(value).__name__}; API Gateway "
                "passes only str, number, bool (and lists in JWT claims)",
            )


# --- payload format 2.0 (HTTP API, function URL) --------------------------------------------


def payload_v2(
    ctx: BuildContext,
    req: Request,
    *,
    route_key: str,
    raw_path: str,
    stage: str,
    api_id: str,
    domain: str,
    request_id: str,
    account_id: str,
    authorizer: dict[str, Any] | None,
    path_parameters: dict[str, str] | None,
    stage_variables: dict[str, str] | None,
    keep_cookie_header: bool,
    base64_encoded: bool,
) -> dict[str, Any]:
    """A payload-2.0 event: lower-case headers joined by commas, cookies split out, optional
    collections omitted rather than null."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": raw_query_string(req.query),
    }
    cookies = req.cookie_list()
    if cookies:
        event["cookies"] = cookies
    event["headers"] = {
        name: ",".join(values)
        for name, values in req.sorted_headers(lower=True)
        if keep_cookie_header or name != "cookie"
    }
    if req.query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped(req.query).items()}
    context: dict[str, Any] = {"accountId": account_id, "apiId": api_id}
    if authorizer is not None:
        context["authorizer"] = authorizer
    context |= {
        "domainName": domain,
        "domainPrefix": domain.split(".", 1)[0],
        "http": {
            "method": req.method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": req.source_ip,
            "userAgent": req.user_agent,
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": clf(ctx.time),
        "timeEpoch": epoch_ms(ctx.time),
    }
    event["requestContext"] = context
    body = body_text(ctx, req, base64_encoded)
    if body is not None:
        event["body"] = body
    if path_parameters:
        event["pathParameters"] = path_parameters
    event["isBase64Encoded"] = base64_encoded
    if stage_variables:
        event["stageVariables"] = stage_variables
    return event


def amz_date(t: datetime) -> str:
    """SigV4's ``X-Amz-Date``: 20230418T170146Z."""
    return f"{t:%Y%m%dT%H%M%S}Z"


def jwt_token(ctx: BuildContext, claims: Mapping[str, Any]) -> str:
    """A JWT whose payload decodes to ``claims`` (the signature is random: nobody verifies it)."""
    import json

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    kid = base64.b64encode(ctx.rng.randbytes(32)).decode()
    header = json.dumps({"kid": kid, "alg": "RS256"}, separators=(",", ":"))
    payload = json.dumps(dict(claims), separators=(",", ":"))
    return f"{b64(header.encode())}.{b64(payload.encode())}.{b64(ctx.rng.randbytes(256))}"


def sigv4_headers(
    ctx: BuildContext, caller: Mapping[str, Any], service: str, signed: tuple[str, ...]
) -> list[tuple[str, str]]:
    """What a SigV4-signing client sends: X-Amz-Date a moment before the request, the session
    token of temporary (ASIA) keys, and the Authorization header naming both."""
    signed_at = ctx.time - timedelta(milliseconds=int(ctx.rng.random() * 1500))
    key = str(caller.get("accessKey") or "")
    headers = [("X-Amz-Date", amz_date(signed_at))]
    if key.startswith("ASIA"):
        token = "IQoJb3JpZ2luX2Vj" + base64.b64encode(ctx.rng.randbytes(600)).decode()
        headers.append(("X-Amz-Security-Token", token))
    scope = f"{signed_at:%Y%m%d}/{ctx.region}/{service}/aws4_request"
    headers.append(
        (
            "Authorization",
            f"AWS4-HMAC-SHA256 Credential={key}/{scope}, "
            f"SignedHeaders={';'.join(signed)}, Signature={ctx.hex(64)}",
        )
    )
    return headers


def java_date(epoch_s: int) -> str:
    """``Thu Mar 12 19:03:58 UTC 2020``: how REST APIs render Cognito's iat/exp claims."""
    t = datetime.fromtimestamp(epoch_s, UTC)
    month = _MONTHS[t.month - 1]
    return f"{_DAYS[t.weekday()]} {month} {t:%d %H:%M:%S} UTC {t.year}"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
