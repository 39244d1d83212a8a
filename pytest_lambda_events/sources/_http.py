"""What the HTTP front doors of Lambda share (API Gateway REST and HTTP APIs, function URLs,
ALB): the client request (headers, query string, body, cookies, client address), route
templates with path parameters, caller identities, and the payload format 2.0 event."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple, TypeVar
from urllib.parse import quote

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS, business_json_from
from ..registry import Option, Options
from ..timefmt import TWO_DIGITS, clf_of_ms

_T = TypeVar("_T")
# Lambda's synchronous request payload limit: what a front door can pass on, whatever its own.
LAMBDA_PAYLOAD_LIMIT = (6_291_456, "Lambda accepts request payloads up to 6,291,456 bytes (6 MB)")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
# How often each verb shows up when none is given: mostly reads, some writes.
METHOD_WEIGHTS = ("GET",) * 10 + ("POST",) * 5 + ("PUT", "PATCH", "DELETE", "DELETE", "OPTIONS")
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
_STATUSES = ("active", "pending", "archived", "shipped")
_TAGS = ("new", "sale", "featured", "eco")
# Two different tags, as (first, second) index pairs: one draw instead of rng.sample.
_TAG_PAIRS = tuple((a, b) for a in range(len(_TAGS)) for b in range(len(_TAGS)) if a != b)
# the first octets aws.ipv4 draws from: public ranges of large networks
# A query string value percent-encoding leaves alone (quote(safe="") keeps these).
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
_COMPACT_JSON = json.JSONEncoder(separators=(",", ":")).encode  # json.dumps builds one per call


# --- fast draws -----------------------------------------------------------------------------
# A builder draws its small choices as bits of one getrandbits() and indexes tables with them;
# ids are random bytes mapped onto an alphabet by one bytes.translate (a byte's value modulo
# the alphabet's size): one C call per id instead of one Python-level draw per character. The
# first 256 % n entries come out a little more often, which nothing that reads them can see.


def by_byte(choices: tuple[_T, ...]) -> tuple[_T, ...]:
    """256 entries cycling through ``choices``: ``table[bits & 255]`` picks one with a single
    subscript."""
    return tuple(choices[i % len(choices)] for i in range(256))


METHOD_BY_BYTE = by_byte(METHOD_WEIGHTS)


LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)
ALNUM = aws.byte_table(aws.ALNUM)


def b64(raw: bytes) -> str:
    """Standard base64 text of ``raw`` (binascii directly: base64.b64encode wraps it)."""
    return binascii.b2a_base64(raw, newline=False).decode()


def uuid4s(draws: aws.Draws, count: int = 1) -> str:
    """``count`` version-4 UUIDs, concatenated (36 characters each), from one draw of 128 bits
    each (the event's pool refills every 512 bits: masking whole bytes would cost twice as
    many)."""
    if count == 1:
        return uuid_from(draws.getrandbits(128))
    bits = draws.getrandbits(128 * count)
    return "".join([uuid_from(bits >> 128 * i) for i in range(count)])


def uuid_from(bits: int) -> str:
    """A version-4 UUID from the low 128 of ``bits`` (the version and variant overwrite 6)."""
    h = f"{bits & _MASK_128:032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{_VARIANT[bits >> 62 & 3]}{h[17:20]}-{h[20:]}"


_MASK_128 = (1 << 128) - 1
_MASK_280 = (1 << 280) - 1
# a fixed odd 1,024-bit number: 128 drawn bits times it give 1,152 bits whose every 128-bit
# slice above the lowest mixes all of them
_SPREAD = int.from_bytes(hashlib.shake_256(b"pytest-lambda-events/_http/spread").digest(208)) | 1


def spread(bits: int) -> int:
    """1,664 bits that look random from the low 128 of ``bits`` (ids that must differ per
    event but need not be independent draws: the event's pool costs a hash per 512 bits)."""
    return (bits & _MASK_128) * _SPREAD >> 128


def four_uuids(wide: int) -> str:
    """Four version-4 UUIDs, concatenated, from the low 1,152 bits of ``wide`` (a ``spread``)."""
    return aws.uuid4_text(wide, 4)


_VARIANT = "89ab"


def opaque_b64(bits: int, n: int, *, url_safe: bool = False) -> str:
    """Base64 text (URL-safe unpadded, or standard) of ``n`` bytes that look random, cut from
    the blob's text: two runs of whole 3-byte groups (their text is that of their bytes) and
    the remaining 0-2 bytes encoded on their own."""
    text = aws.noise_text(url_safe)
    whole = n // 3
    half = whole // 2
    a, b = 4 * (bits & 0x3FF), 4 * (2731 + (bits >> 10 & 0x3FF))
    out = text[a : a + 4 * half] + text[b : b + 4 * (whole - half)]
    rest = n - 3 * whole
    if rest:
        tail = binascii.b2a_base64(
            (bits >> 20 & 0xFFFF).to_bytes(2, "little")[:rest], newline=False
        )
        out += tail.translate(aws.URL_SAFE).rstrip(b"=").decode() if url_safe else tail.decode()
    return out


def opaque(bits: int, n: int) -> bytes:
    """``n`` (at most 8,192) bytes that look random, for long blobs nobody decodes (signatures,
    session tokens): two slices of a fixed random blob at offsets from 24 of ``bits``. Drawing
    them from the event's pool would cost a hash per 64 bytes."""
    noise, half = aws.noise(), n // 2
    a, b = bits & 0xFFF, 8192 + (bits >> 12 & 0xFFF)
    return noise[a : a + half] + noise[b : b + n - half]


def utc_iso(t: datetime) -> str:
    """``2025-03-25T14:07:39.936000+00:00``-style text of ``t`` in UTC (one C call)."""
    return (t if t.tzinfo is UTC else t.astimezone(UTC)).isoformat()


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


# The names our own code sends headers under, by lower-case name (Request keeps only values).
HEADER_NAMES = {
    name.lower(): name
    for name in (
        "Accept", "Accept-Encoding", "Accept-Language", "Authorization",
        "CloudFront-Forwarded-Proto", "CloudFront-Is-Desktop-Viewer", "CloudFront-Is-Mobile-Viewer",
        "CloudFront-Is-SmartTV-Viewer", "CloudFront-Is-Tablet-Viewer", "CloudFront-Viewer-ASN",
        "CloudFront-Viewer-Country", "Content-Length", "Content-Type", "Cookie", "Host", "Origin",
        "Sec-WebSocket-Extensions", "Sec-WebSocket-Key", "Sec-WebSocket-Version", "User-Agent",
        "Via", "X-Amz-Cf-Id", "X-Amz-Content-Sha256", "X-Amz-Date", "X-Amz-Security-Token",
        "X-Amzn-Lattice-Network", "X-Amzn-Lattice-Target", "X-Amzn-Tls-Cipher-Suite",
        "X-Amzn-Tls-Version", "X-Amzn-Trace-Id", "X-Forwarded-For", "X-Forwarded-Port",
        "X-Forwarded-Proto", "x-api-key",
    )
}  # fmt: skip


class Request:
    """One client request as the front door received it.

    ``headers`` holds what the client and the front door send by default (lower-case name ->
    value; the name as sent is in ``HEADER_NAMES``), ``user`` the caller's headers over them
    (lower-case name -> (name as given, values), or None to drop a default). The event's views
    (``lower_last``, ``lower_joined``, ``named``...) merge both, sorted by name as most front
    doors list them.
    """

    # a plain class with slots, its defaults a plain dict of str: building one per event is a
    # good part of a small event's cost
    __slots__ = (
        "body",
        "body_limit",
        "content_type",
        "headers",
        "method",
        "names",
        "path",
        "query",
        "source_ip",
        "user",
        "user_agent",
        "was_bytes",
        "wire_query",
    )

    def __init__(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        source_ip: str,
        user_agent: str,
        body: bytes | None,
        was_bytes: bool,
        content_type: str | None,
        body_limit: tuple[int, str],
        wire_query: list[tuple[str, str]] | None = None,
        user: dict[str, tuple[str, list[str]] | None] | None = None,
    ) -> None:
        self.method = method
        self.path = path
        self.query = query
        # the query as sent on the wire: percent-encoded
        self.wire_query = encode_query(query) if wire_query is None else wire_query
        self.source_ip = source_ip
        self.user_agent = user_agent
        self.body = body
        self.was_bytes = was_bytes
        self.content_type = content_type
        self.body_limit = body_limit
        self.headers: dict[str, str] = {}
        self.user: dict[str, tuple[str, list[str]] | None] = {} if user is None else user
        self.names: dict[str, str] | None = None  # names outside HEADER_NAMES, when added

    def add(self, name: str, value: str) -> None:
        """Add a header the front door or client sends, unless it is there already (the
        caller's headers, set or dropped, win over it when the event is made)."""
        key = name.lower()
        if key in self.headers:
            return
        self.headers[key] = value
        if HEADER_NAMES.get(key) != name:
            if self.names is None:
                self.names = {}
            self.names[key] = name

    def add_defaults(self, headers: dict[str, str]) -> None:
        """``add`` for many headers named in HEADER_NAMES (lower-case name -> value), in one
        dict update; ``headers`` becomes the request's."""
        headers.update(self.headers)  # what the request has already wins
        self.headers = headers

    def set(self, name: str, value: str) -> None:
        """Set a header whatever the caller gave (what a front door rewrites)."""
        self.user.pop(name.lower(), None)
        self.headers[name.lower()] = value
        if HEADER_NAMES.get(name.lower()) != name:
            if self.names is None:
                self.names = {}
            self.names[name.lower()] = name

    def header(self, name: str) -> str | None:
        """The (last) value of a header, or None."""
        key = name.lower()
        if key in self.user:
            entry = self.user[key]
            return entry[1][-1] if entry else None
        return self.headers.get(key)

    def header_names(self) -> Mapping[str, str]:
        """The name each default header is sent under, by lower-case name."""
        return HEADER_NAMES if self.names is None else {**HEADER_NAMES, **self.names}

    def merged(self) -> dict[str, tuple[str, list[str]]]:
        """Every header: lower-case name -> (name as sent, values), unsorted."""
        names = self.header_names()
        out = {key: (names[key], [value]) for key, value in self.headers.items()}
        for key, entry in self.user.items():
            if entry is None:
                out.pop(key, None)
            else:
                out[key] = entry
        return out

    def sorted_headers(self, lower: bool) -> list[tuple[str, list[str]]]:
        """Headers sorted by name, as AWS lists them; ``lower`` lower-cases the names."""
        merged = self.merged()
        if lower:  # (sorting the names alone is several times faster than sorting the items)
            return [(key, merged[key][1]) for key in sorted(merged)]
        return [merged[key] for key in sorted(merged)]

    def lower_last(self) -> dict[str, str]:
        """lower-case name -> last value (ALB single-value mode)."""
        if not self.user:
            h = self.headers
            return {key: h[key] for key in sorted(h)}
        merged = self.merged()
        return {key: merged[key][1][-1] for key in sorted(merged)}

    def lower_joined(self, skip: str = "", *, ordered: bool = True) -> dict[str, str]:
        """lower-case name -> values joined by commas (payload 2.0), without ``skip``;
        ``ordered=False`` keeps the order they were added in (as function URLs and VPC
        Lattice pass them on), which also saves the sort."""
        if not self.user:
            h = self.headers
            if not ordered:
                out = dict(h)
                out.pop(skip, None)
                return out
            if skip in h:
                return {key: h[key] for key in sorted(h) if key != skip}
            return {key: h[key] for key in sorted(h)}
        merged = self.merged()
        keys = sorted(merged) if ordered else merged
        return {key: ",".join(merged[key][1]) for key in keys if key != skip}

    def lower_lists(self, *, ordered: bool = True) -> dict[str, list[str]]:
        """lower-case name -> every value (ALB multi-value mode, VPC Lattice v2)."""
        if not self.user:
            h = self.headers
            if not ordered:
                return {key: [value] for key, value in h.items()}
            return {key: [h[key]] for key in sorted(h)}
        merged = self.merged()
        return {key: list(merged[key][1]) for key in (sorted(merged) if ordered else merged)}

    def named(self) -> tuple[dict[str, str], dict[str, list[str]]]:
        """(name as sent -> last value, name as sent -> every value): payload 1.0's headers
        and multiValueHeaders."""
        if not self.user:
            h, names = self.headers, self.header_names()
            single = {names[k]: h[k] for k in sorted(h)}
            return single, {name: [value] for name, value in single.items()}
        merged = self.merged()
        items = [merged[key] for key in sorted(merged)]
        return {n: values[-1] for n, values in items}, {n: list(values) for n, values in items}

    def cookie_list(self) -> list[str]:
        """The ``cookies`` list of payload 2.0: every Cookie header split on ';'."""
        entry = self.user.get("cookie")
        if entry:
            values = entry[1]
        elif "cookie" in self.headers:
            values = [self.headers["cookie"]]
        else:
            return []
        return [c.strip() for value in values for c in value.split(";") if c.strip()]

    def query_string(self) -> str:
        """The raw query string: percent-encoded pairs joined by '&'."""
        return "&".join([f"{k}={v}" for k, v in self.wire_query])


def draw_method(ctx: BuildContext) -> str:
    return METHOD_BY_BYTE[ctx.getrandbits(8)]


def dns_suffix(partition: str) -> str:
    return DNS_SUFFIX.get(partition, "amazonaws.com")


# the domain AWS service endpoints have, per partition
DNS_SUFFIX = {"aws": "amazonaws.com", "aws-cn": "amazonaws.com.cn", "aws-us-gov": "amazonaws.com"}


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
        return aws.chars(ctx, 10, aws.LOWER_DIGITS)
    if not _API_ID.match(api_id):
        ctx.fail("api_id", f"{api_id!r} is not an API id: 10 lower-case letters or digits")
    return api_id


def check_string_map(ctx: BuildContext, option: str, values: Mapping[Any, Any]) -> dict[str, str]:
    """A name -> str map such as stage variables or path parameters."""
    for name, value in values.items():
        if not isinstance(name, str) or not name or not isinstance(value, str):
            ctx.fail(option, f"{name!r}: {value!r}; names and values must be non-empty str / str")
    return dict(values)


def apigw_id(ctx: BuildContext, bits: int | None = None) -> str:
    """An id of the ``JKJaXmPLvHcESHA=`` kind (HTTP API requestId, REST extendedRequestId), from
    88 random ``bits`` (drawn here when not given)."""
    if bits is None:
        bits = ctx.getrandbits(88)
    raw = (bits & _MASK_88).to_bytes(11, "little")  # 11 bytes: 15 characters and one pad
    return binascii.b2a_base64(raw, newline=False).translate(aws.URL_SAFE).decode()


def clf(ms: int) -> str:
    """``timefmt.clf_of_ms`` (``12/Mar/2020:19:03:58 +0000``, API Gateway's requestTime) from
    a table of days: one call where that makes five, in every API Gateway event."""
    day, of_day = divmod(ms, 86_400_000)
    head = _CLF_DAYS.get(day)
    if head is None:
        if len(_CLF_DAYS) > 4096:  # a long run crosses many days; keep the table small
            _CLF_DAYS.clear()
        head = _CLF_DAYS[day] = clf_of_ms(day * 86_400_000)[:11]
    hours, rest = divmod(of_day // 1000, 3600)
    two = TWO_DIGITS
    return f"{head}:{two[hours]}:{two[rest // 60]}:{two[rest % 60]} +0000"


_CLF_DAYS: dict[int, str] = {}  # epoch day -> "12/Mar/2020"


def trace_header(ctx: BuildContext, bits: int | None = None) -> str:
    """``X-Amzn-Trace-Id`` as a front door adds it: Root=1-<epoch seconds hex>-<24 hex> (from
    96 random ``bits``, drawn here when not given)."""
    if bits is None:
        bits = ctx.getrandbits(96)
    return f"Root=1-{ctx.time_ms // 1000:08x}-{bits & _MASK_96:024x}"


_MASK_96 = (1 << 96) - 1
_MASK_88 = (1 << 88) - 1


# --- the client request -------------------------------------------------------------------


def build_request(
    ctx: BuildContext,
    o: Options,
    method: str,
    path: str,
    *,
    body_limit: tuple[int, str],
    edge: bool = False,
    default_query: list[tuple[str, str]] | None = None,
    dice: int | None = None,
) -> Request:
    """The client's request from the options: user headers over realistic defaults.
    ``default_query`` replaces the query string drawn for a GET when none is given; ``dice``
    are the DICE_BITS of its small choices when the caller drew them with its own."""
    if dice is None:  # the request's small random choices, a few bits each (see _DICE)
        dice = ctx.getrandbits(DICE_BITS)
    user = _user_headers(ctx, o.headers) if o.headers else {}
    if o.query is not None:
        query = _query(ctx, o.query)
        wire = encode_query(query)
    elif default_query is not None:
        query = [] if o.given("query") else default_query
        wire = encode_query(query)
    elif method == "GET" and dice >> 48 & 1 and not o.given("query"):  # (query=None: none)
        query, wire = _default_query(dice >> 49)
    else:
        query, wire = [], []
    if user or o.user_agent is not None:
        agent, kind = _user_agent(ctx, o, user)
    else:
        agent, kind = USER_AGENTS[(dice >> 32 & 255) % len(USER_AGENTS)]
    if user or o.source_ip is not None:
        source_ip = _source_ip(ctx, o, user, edge, dice & 0xFFFFFFFF)
    else:
        source_ip = aws.ipv4_from_bits(dice & 0xFFFFFFFF)
    if o.body is not None:
        body, was_bytes = _given_body(ctx, o.body, body_limit)
    elif method in _BODY_METHODS and not o.given("body"):  # (body=None: none)
        # 128 bits, twice: all business_json_from reads but a user id's (upper) half
        body, was_bytes = business_json_from(ctx.getrandbits(128) * _TWICE).encode(), False
    else:
        body, was_bytes = None, False
    if user or o.body is not None:
        content_type = _content_type(user, body, was_bytes)
    else:  # drawn: JSON, or no body
        content_type = None if body is None else "application/json"
    req = Request(
        method, path, query, source_ip, agent, body, was_bytes, content_type, body_limit, wire, user
    )
    headers = req.headers
    if o.cookies is not None:
        _add_cookies(req, _given_cookies(ctx, o.cookies))
    elif kind == "browser" and dice >> 40 & 7 < 3 and user.get("cookie", True):  # 3 in 8
        theme = "dark" if dice >> 43 & 1 else "light"
        _add_cookies(req, [f"session_id={ctx.getrandbits(128):032x}", f"theme={theme}"])
    if kind == "browser":
        headers["accept"] = "application/json, text/plain, */*"
        headers["accept-encoding"] = "gzip, deflate, br"
        headers["accept-language"] = _LANGUAGES[(dice >> 44 & 15) % len(_LANGUAGES)]
    else:
        headers["accept"] = "*/*"
        headers["accept-encoding"] = "gzip, deflate"
    headers["user-agent"] = agent
    if body is not None:
        length = headers["content-length"] = str(len(body))
        declared = req.header("content-length") if user else None
        if declared is not None and declared != length:
            ctx.fail(
                "headers",
                f"Content-Length {declared} but the body has {length} "
                "bytes; leave Content-Length out and it is computed",
            )
        if content_type is not None:
            headers["content-type"] = content_type
    return req


# _DICE, the bits of build_request's one draw: 0-31 the client address, 32-39 the user agent,
# 40-42 whether a browser sends cookies, 43 its theme cookie, 44-47 its Accept-Language, 48
# whether a GET has a query string, 49-95 the query string's parameters and values.
DICE_BITS = 96
_TWICE = (1 << 128) + 1

_LANGUAGES = ("en-US,en;q=0.9", "de-DE,de;q=0.8", "fr-FR")


def add_forwarding(
    ctx: BuildContext,
    req: Request,
    host: str,
    *,
    proto: str = "https",
    port: int = 443,
    trace_bits: int | None = None,
) -> None:
    """The headers every front door adds: Host, X-Forwarded-*, X-Amzn-Trace-Id (its 96 random
    bits ``trace_bits`` when the caller drew them)."""
    given_host = req.header("host") if req.user else None
    if given_host is not None and given_host.lower() != host:
        ctx.fail(
            "headers",
            f"Host {given_host!r} but the request went to {host!r}; "
            "leave Host out, or give the domain name option instead",
        )
    req.add_defaults(
        {
            "host": host,
            "x-amzn-trace-id": trace_header(ctx, trace_bits),
            "x-forwarded-for": req.source_ip,
            "x-forwarded-port": "443" if port == 443 else str(port),
            "x-forwarded-proto": proto,
        }
    )


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
        return req.body.decode("utf-8", "replace")
    text = b64(req.body)
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
    if content_type == "application/json":  # what most requests send
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith("text/") or media in _TEXT_TYPES


def text_rule_base64(req: Request) -> bool:
    """``isBase64Encoded`` under the content-type rule of HTTP APIs, function URLs and ALB."""
    if req.body is None:
        return False
    if not is_text_type(req.content_type):
        return True
    if not req.was_bytes:  # text the caller gave, or drawn: valid UTF-8
        return False
    try:
        req.body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def encode_query(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Query pairs percent-encoded as a client sends them on the wire."""
    return [(_quote(k), _quote(v)) for k, v in pairs]


def _quote(text: str) -> str:
    """``quote(text, safe="")``, skipped for text it would leave as it is."""
    if text.isascii() and (text.isalnum() or _UNRESERVED.fullmatch(text)):
        return text
    return quote(text, safe="")


def grouped(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """name -> every value, in the order the client sent them."""
    out: dict[str, list[str]] = {}
    for name, value in pairs:
        if name in out:
            out[name].append(value)
        else:
            out[name] = [value]
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


def _wire_values(texts: Iterable[str]) -> tuple[tuple[str, str], ...]:
    return tuple((text, quote(text, safe="")) for text in texts)


_ORDERINGS = _wire_values(("createdAt", "-updatedAt", "name", "id,name"))
# (parameter, its (value, value percent-encoded) choices), encoded once here: quote() is slow
_QUERY_PARAMETERS = (
    ("limit", _wire_values(("10", "20", "25", "50", "100"))),
    ("page", _wire_values(str(n) for n in range(1, 21))),
    ("sort", _ORDERINGS),
    ("status", _wire_values(_STATUSES)),
    ("q", _wire_values(f"{first} {last}" for first in FIRST_NAMES for last in LAST_NAMES)),
    ("fields", _ORDERINGS),
    ("cursor", _ORDERINGS),
)


def _default_query(bits: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """A drawn query string (decoded pairs, pairs as sent) from 47 random bits: one or two
    parameters, sometimes a repeated one (the case multi-value maps exist for)."""
    n = len(_QUERY_PARAMETERS)
    first = (bits & 255) % n
    chosen = [first]
    if bits >> 8 & 1:  # a second, different parameter
        chosen.append((first + 1 + (bits >> 9 & 255) % (n - 1)) % n)
    bits >>= 17
    query, wire = [], []
    for index in chosen:
        name, values = _QUERY_PARAMETERS[index]
        value, sent = values[(bits & 255) % len(values)]
        bits >>= 8
        query.append((name, value))
        wire.append((name, sent))
    if bits & 15 < 5:  # 5 in 16
        a, b = _TAG_PAIRS[(bits >> 4 & 255) % len(_TAG_PAIRS)]
        tags = [("tag", _TAGS[a]), ("tag", _TAGS[b])]  # plain words: sent as they are
        query += tags
        wire += tags
    return query, wire


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
        return USER_AGENTS[int(ctx.random() * len(USER_AGENTS))]
    return agent, "browser" if agent.startswith("Mozilla/") else "cli"


def _source_ip(
    ctx: BuildContext,
    o: Options,
    user: Mapping[str, tuple[str, list[str]] | None],
    edge: bool,
    bits: int,
) -> str:
    """The client address: given, the client's end of a given X-Forwarded-For, or drawn."""
    entry = user.get("x-forwarded-for")
    if entry is None and o.source_ip is None:  # nothing given to check
        return aws.ipv4_from_bits(bits)
    import ipaddress  # only needed when a caller passes addresses

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
    return aws.ipv4_from_bits(bits)


def _given_body(
    ctx: BuildContext, body: str | bytes, limit: tuple[int, str]
) -> tuple[bytes | None, bool]:
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


def _add_cookies(req: Request, pairs: list[str]) -> None:
    """Add 'name=value' pairs to the Cookie header (one header, '; '-separated): the
    caller's, if it gave one, else a new one (given cookies outrank a dropped header)."""
    if not pairs:
        return
    entry = req.user.get("cookie")
    if entry:
        entry[1][-1] = "; ".join([entry[1][-1], *pairs])
    else:
        req.user.pop("cookie", None)
        req.headers["cookie"] = "; ".join(pairs)


def _given_cookies(ctx: BuildContext, cookies: dict[Any, Any] | list[Any]) -> list[str]:
    pairs: list[str] = []
    if isinstance(cookies, dict):
        for name, value in cookies.items():
            if not isinstance(name, str) or not _TOKEN.match(name) or not isinstance(value, str):
                ctx.fail("cookies", f"{name!r}: {value!r}; names are HTTP tokens, values str")
            pairs.append(f"{name}={value}")
    else:
        for item in cookies:
            if not isinstance(item, str) or "=" not in item:
                ctx.fail("cookies", f"{item!r} is not a 'name=value' str")
            pairs.append(item)
    for pair in pairs:
        if ";" in pair or any(c in pair for c in "\r\n\0"):
            ctx.fail("cookies", f"{pair!r} holds ';' or a line break")
    return pairs


# --- routes and path parameters -----------------------------------------------------------


class Route(NamedTuple):
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
    ctx: BuildContext,
    o: Options,
    option: str,
    template: str | None,
    method: str,
    bits: int | None = None,
) -> Route:
    """Template, path and path parameters agreeing with each other; whatever is not given is
    derived from the rest (greedy ``{proxy+}`` catches a bare path) or drawn from the seed
    (``bits``: a random route's ROUTE_BITS, when the caller drew them)."""
    if template is None and o.path is None and not o.path_parameters:
        return random_route(ctx, method, bits)
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


# (collection, its item's parameter name): ("orders", "orderId")
_NOUN_KEYS = by_byte(
    tuple((noun, (noun[:-1] if noun.endswith("s") else noun) + "Id") for noun in NOUNS)
)
NOUN_BY_BYTE = by_byte(NOUNS)
# route shapes per method (0 /things, 1 /things/{id}, 2 /things/{id}/sub, 3 /{proxy+})
_ROUTE_SHAPES = {
    method: by_byte(shapes)
    for method, shapes in {"POST": (0, 2), "PUT": (1,), "PATCH": (1,), "DELETE": (1,)}.items()
}
_ANY_SHAPE = by_byte((0, 1, 2, 3))


def random_route(ctx: BuildContext, method: str, bits: int | None = None) -> Route:
    """A REST-style route fitting the method: collections for POST, items for PUT/PATCH/DELETE
    (``bits``: ROUTE_BITS the caller drew with its own, else drawn here)."""
    shape, noun, key, item, sub = _draw_route(ctx, method, bits)
    if shape == 0:
        return Route(f"/{noun}", f"/{noun}", {})
    if shape == 1:
        return Route(f"/{noun}/{{{key}}}", f"/{noun}/{item}", {key: item})
    if shape == 2:
        return Route(f"/{noun}/{{{key}}}/{sub}", f"/{noun}/{item}/{sub}", {key: item})
    rest = f"{noun}/{item}"
    return Route("/{proxy+}", f"/{rest}", {"proxy": rest})


def random_path(ctx: BuildContext, method: str, bits: int | None = None) -> str:
    """The path of a ``random_route``, for sources that have no route template."""
    shape, noun, _, item, sub = _draw_route(ctx, method, bits)
    if shape == 0:
        return f"/{noun}"
    if shape == 2:
        return f"/{noun}/{item}/{sub}"
    return f"/{noun}/{item}"


ROUTE_BITS = 56


def _draw_route(ctx: BuildContext, method: str, bits: int | None) -> tuple[int, str, str, str, str]:
    """(shape, collection, item parameter name, item id, sub-collection) from ROUTE_BITS (and
    128 more for an item's UUID)."""
    if bits is None:
        bits = ctx.getrandbits(ROUTE_BITS)
    noun, key = _NOUN_KEYS[bits & 255]
    shape = _ROUTE_SHAPES.get(method, _ANY_SHAPE)[bits >> 8 & 255]
    if shape == 0:
        return 0, noun, key, "", ""
    item = uuid4s(ctx) if bits >> 16 & 1 else str(1 + (bits >> 17 & 0xFFFFFF) % 99999)
    return shape, noun, key, item, NOUN_BY_BYTE[bits >> 41 & 255]


def _fill(ctx: BuildContext, segments: list[tuple[str, bool, bool]], given: dict[str, str]) -> str:
    parts = []
    for text, is_param, greedy in segments:
        if not is_param:
            parts.append(text)
        elif text in given:
            parts.append(given[text])
        else:
            value = str(1 + int(ctx.random() * 99999))
            parts.append(f"{aws.pick(ctx, NOUNS)}/{value}" if greedy else value)
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
        noun = aws.pick(ctx, NOUNS)
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


def token_claims(
    ctx: BuildContext, *, access_token: bool, given: Mapping[str, Any] | None = None
) -> tuple[dict[str, Any], str]:
    """(claims, JWT) of a Cognito user-pool token issued before the request, ``given`` claims
    over the drawn ones. Drawn claims are written as JSON directly: json.dumps of them costs
    more than the rest of the token."""
    # one draw of 185 bits: 128 spread over the ids (see spread), the times (33), the name (24)
    b = ctx.getrandbits(185)
    wide = spread(b)
    u = four_uuids(wide)
    sub, origin_jti, event_id, jti = u[:36], u[36:72], u[72:108], u[108:]
    b >>= 128
    issued = ctx.time_ms // 1000 - 60 - (b & 0xFFFF) % 3000
    auth_time = issued - (b >> 16 & 0x1FFFF) % 86400
    raw = (wide >> 1152 & _MASK_280).to_bytes(35, "little")  # the app client id, the pool's
    client_id = raw[:26].translate(LOWER_DIGITS).decode()
    iss = (
        f"https://cognito-idp.{ctx.region}.amazonaws.com/"
        f"{ctx.region}_{raw[26:].translate(ALNUM).decode()}"
    )
    claims: dict[str, Any]
    if access_token:
        claims = {"sub": sub, "iss": iss, "client_id": client_id,
                  "scope": "openid email profile", "username": sub, "origin_jti": origin_jti,
                  "event_id": event_id, "token_use": "access", "auth_time": auth_time,
                  "iat": issued, "exp": issued + 3600, "jti": jti}  # fmt: skip
        payload = (
            f'{{"sub":"{sub}","iss":"{iss}","client_id":"{client_id}",'
            f'"scope":"openid email profile","username":"{sub}","origin_jti":"{origin_jti}",'
            f'"event_id":"{event_id}","token_use":"access","auth_time":{auth_time},'
            f'"iat":{issued},"exp":{issued + 3600},"jti":"{jti}"}}'
        )
    else:
        first = FIRST_NAMES[(b >> 33 & 255) % len(FIRST_NAMES)].lower()
        last = LAST_NAMES[(b >> 41 & 255) % len(LAST_NAMES)].lower()
        email = f"{first}.{last}@{DOMAINS[(b >> 49 & 255) % len(DOMAINS)]}"
        claims = {"sub": sub, "iss": iss, "aud": client_id, "email_verified": True,
                  "cognito:username": sub, "email": email, "origin_jti": origin_jti,
                  "event_id": event_id, "token_use": "id", "auth_time": auth_time,
                  "iat": issued, "exp": issued + 3600, "jti": jti}  # fmt: skip
        payload = (
            f'{{"sub":"{sub}","iss":"{iss}","aud":"{client_id}","email_verified":true,'
            f'"cognito:username":"{sub}","email":"{email}","origin_jti":"{origin_jti}",'
            f'"event_id":"{event_id}","token_use":"id","auth_time":{auth_time},'
            f'"iat":{issued},"exp":{issued + 3600},"jti":"{jti}"}}'
        )
    if given:
        claims.update(given)
        payload = _COMPACT_JSON(claims)
    return claims, _jwt(ctx, payload)


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
    b = ctx.getrandbits(304)  # role 8, session 8 + 32, unique id 17 bytes, access key 16
    role = f"{NOUN_BY_BYTE[b & 255]}-client-role"
    session = f"{_SESSIONS[(b >> 8 & 255) % len(_SESSIONS)]}-{b >> 16 & 0xFFFFFFFF:08x}"
    ids = (b >> 48).to_bytes(33, "little").translate(_UPPER_DIGITS).decode()
    caller = f"AROA{ids[:17]}:{session}"  # the role's unique id
    return {
        "accessKey": "ASIA" + ids[17:],  # temporary credentials
        "accountId": ctx.account_id,
        "callerId": caller,
        "cognitoIdentity": None,
        "principalOrgId": None,
        "userArn": f"arn:{ctx.partition}:sts::{ctx.account_id}:assumed-role/{role}/{session}",
        "userId": caller,
    }


_UPPER_DIGITS = aws.byte_table(aws.UPPER_DIGITS)
_SESSIONS = ("botocore-session", "ci-deploy", "app-session")


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
    ordered: bool = True,
) -> dict[str, Any]:
    """A payload-2.0 event: lower-case headers joined by commas, cookies split out, optional
    collections omitted rather than null."""
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": req.query_string(),
    }
    cookies = req.cookie_list()
    if cookies:
        event["cookies"] = cookies
    event["headers"] = req.lower_joined("" if keep_cookie_header else "cookie", ordered=ordered)
    if req.query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in grouped(req.query).items()}
    context: dict[str, Any] = {
        "accountId": account_id,
        "apiId": api_id,
        "authorizer": authorizer,
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
        "time": clf(ctx.time_ms),
        "timeEpoch": ctx.time_ms,
    }
    if authorizer is None:
        del context["authorizer"]
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
    return utc_iso(t)[:19].replace("-", "").replace(":", "") + "Z"


def jwt_token(ctx: BuildContext, claims: Mapping[str, Any]) -> str:
    """A JWT whose payload decodes to ``claims``, signed by a random RS256 key (nobody verifies
    it)."""
    return _jwt(ctx, _COMPACT_JSON(dict(claims)))


def _jwt(ctx: BuildContext, payload: str) -> str:
    """A JWT of the JSON text ``payload``: a random key id and a 256-byte signature."""
    bits = ctx.getrandbits(48)  # the offsets of the signature and of the key id
    header = f'{{"kid":"{b64(opaque(bits >> 24, 32))}","alg":"RS256"}}'
    return (
        f"{aws.b64url(header.encode())}.{aws.b64url(payload.encode())}."
        f"{opaque_b64(bits, 256, url_safe=True)}"
    )


def sigv4_headers(
    ctx: BuildContext, caller: Mapping[str, Any], service: str, signed: tuple[str, ...]
) -> list[tuple[str, str]]:
    """What a SigV4-signing client sends: X-Amz-Date a moment before the request, the session
    token of temporary (ASIA) keys, and the Authorization header naming both."""
    bits = ctx.getrandbits(291)  # the signature (256), the token's offsets (24), the delay
    delay = (bits >> 280) % 1500
    signed_at = amz_date(ctx.time - timedelta(milliseconds=delay))
    key = str(caller.get("accessKey") or "")
    headers = [("X-Amz-Date", signed_at)]
    if key.startswith("ASIA"):
        token = "IQoJb3JpZ2luX2Vj" + opaque_b64(bits >> 256, 600)
        headers.append(("X-Amz-Security-Token", token))
    scope = f"{signed_at[:8]}/{ctx.region}/{service}/aws4_request"
    headers.append(
        (
            "Authorization",
            f"AWS4-HMAC-SHA256 Credential={key}/{scope}, "
            f"SignedHeaders={';'.join(signed)}, Signature={bits & _MASK_256:064x}",
        )
    )
    return headers


_MASK_256 = (1 << 256) - 1


def java_date(epoch_s: int) -> str:
    """``Thu Mar 12 19:03:58 UTC 2020``: how REST APIs render Cognito's iat/exp claims."""
    t = datetime.fromtimestamp(epoch_s, UTC)
    iso = t.isoformat()
    return f"{_DAYS[t.weekday()]} {_MONTHS[t.month - 1]} {iso[8:10]} {iso[11:19]} UTC {t.year}"


def http_date(t: datetime) -> str:
    """``Tue, 25 Mar 2025 14:07:39 GMT``: HTTP's Date and Last-Modified headers."""
    t = t if t.tzinfo is UTC else t.astimezone(UTC)
    iso = t.isoformat()
    return f"{_DAYS[t.weekday()]}, {iso[8:10]} {_MONTHS[t.month - 1]} {iso[:4]} {iso[11:19]} GMT"


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


# --- default fast paths -------------------------------------------------------------------
# A build given no request options (most builds) writes its event directly from bits its
# builder drew at once: headers as one dict already in the order AWS lists them, no Request,
# no sorting pass. What they make has the shape and odds of build_request + add_forwarding.


def random_path_from(method: str, bits: int, item_bits: int) -> str:
    """``random_path`` from ROUTE_BITS and 128 more for an item's UUID, all drawn by the
    caller."""
    noun = NOUN_BY_BYTE[bits & 255]  # (the noun _NOUN_KEYS pairs with its item's key)
    shape = _ROUTE_SHAPES.get(method, _ANY_SHAPE)[bits >> 8 & 255]
    if shape == 0:
        return f"/{noun}"
    item = uuid_from(item_bits) if bits >> 16 & 1 else str(1 + (bits >> 17 & 0xFFFFFF) % 99999)
    if shape == 2:
        return f"/{noun}/{item}/{NOUN_BY_BYTE[bits >> 41 & 255]}"
    return f"/{noun}/{item}"


def random_route_from(method: str, bits: int, item_bits: int) -> Route:
    """``random_route`` from ROUTE_BITS and 128 more for an item's UUID, all drawn by the
    caller."""
    noun, key = _NOUN_KEYS[bits & 255]
    shape = _ROUTE_SHAPES.get(method, _ANY_SHAPE)[bits >> 8 & 255]
    if shape == 0:
        return Route(f"/{noun}", f"/{noun}", {})
    item = uuid_from(item_bits) if bits >> 16 & 1 else str(1 + (bits >> 17 & 0xFFFFFF) % 99999)
    if shape == 1:
        return Route(f"/{noun}/{{{key}}}", f"/{noun}/{item}", {key: item})
    if shape == 2:
        sub = NOUN_BY_BYTE[bits >> 41 & 255]
        return Route(f"/{noun}/{{{key}}}/{sub}", f"/{noun}/{item}/{sub}", {key: item})
    rest = f"{noun}/{item}"
    return Route("/{proxy+}", f"/{rest}", {"proxy": rest})


def client_from(
    dice: int, session_bits: int, *, named: bool = False
) -> tuple[str, str, dict[str, str], str | None]:
    """What ``build_request`` draws for a client given no options, from its DICE_BITS and 128
    more for a session cookie: (address, User-Agent, a new dict of the Accept headers, lower-
    case names unless ``named``, the Cookie header or None)."""
    agent, kind = USER_AGENTS[(dice >> 32 & 255) % len(USER_AGENTS)]
    address = aws.ipv4_from_bits(dice & 0xFFFFFFFF)
    if kind != "browser":
        if named:
            return address, agent, {"Accept": "*/*", "Accept-Encoding": "gzip, deflate"}, None
        return address, agent, {"accept": "*/*", "accept-encoding": "gzip, deflate"}, None
    language = _LANGUAGES[(dice >> 44 & 15) % len(_LANGUAGES)]
    cookie = None
    if dice >> 40 & 7 < 3:  # 3 in 8
        theme = "dark" if dice >> 43 & 1 else "light"
        cookie = f"session_id={session_bits & _MASK_128:032x}; theme={theme}"
    if named:
        accept = {
            "Accept": "application/json, text/plain, */*",
            "Accept-Encoding": "gzip, deflate, br",
            "Accept-Language": language,
        }
    else:
        accept = {
            "accept": "application/json, text/plain, */*",
            "accept-encoding": "gzip, deflate, br",
            "accept-language": language,
        }
    return address, agent, accept, cookie


def drawn_query(
    method: str, dice: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]] | None:
    """The query string ``build_request`` draws when given none (decoded pairs, pairs as
    sent), from its DICE_BITS: half of the GETs have one."""
    if method == "GET" and dice >> 48 & 1:
        return _default_query(dice >> 49)
    return None


def body_from(method: str, bits: int) -> str | None:
    """The JSON body ``build_request`` draws for a POST, PUT or PATCH, from 256 random bits."""
    if method in _BODY_METHODS:
        return business_json_from(bits & _MASK_256)
    return None


def access_token_jwt(ctx: BuildContext, bits: int | None = None) -> str:
    """``token_claims(ctx, access_token=True)[1]`` without the claims dict nobody reads (an
    Authorization header's bearer token), from JWT_BITS random ``bits`` (drawn here when not
    given). It is in every default authorizer event: the helpers it would call are inlined."""
    if bits is None:
        bits = ctx.getrandbits(JWT_BITS)
    parts = _JWT_PARTS or _jwt_parts()
    # 128 spread over the ids (see spread), the times (33)
    wide = (bits & _MASK_128) * _SPREAD >> 128
    u = four_uuids(wide)
    sub = u[:36]
    b = bits >> 128
    issued = ctx.time_ms // 1000 - 60 - (b & 0xFFFF) % 3000
    raw = (wide >> 1152 & _MASK_280).to_bytes(35, "little")  # the app client id, the pool's
    region = ctx.region
    payload = (
        f'{{"sub":"{sub}","iss":"https://cognito-idp.{region}.amazonaws.com/{region}_'
        f'{raw[26:].translate(ALNUM).decode()}","client_id":"'
        f'{raw[:26].translate(LOWER_DIGITS).decode()}","scope":"openid email profile",'
        f'"username":"{sub}","origin_jti":"{u[36:72]}","event_id":"{u[72:108]}",'
        f'"token_use":"access","auth_time":{issued - (b >> 16 & 0x1FFFF) % 86400},'
        f'"iat":{issued},"exp":{issued + 3600},"jti":"{u[108:]}"}}'
    )
    b = bits >> 161  # the key id (8) and the signature's offsets (20) and last byte (8)
    # the signature: opaque_b64(b >> 8, 256, url_safe=True), 85 groups and one byte
    text, a, c = parts[1], 4 * (b >> 8 & 0x3FF), 4 * (2731 + (b >> 18 & 0x3FF))
    encoded = binascii.b2a_base64(payload.encode(), newline=False).translate(aws.URL_SAFE)
    return (
        f"{parts[0][b & 255]}.{encoded.rstrip(b'=').decode()}."
        f"{text[a : a + 168]}{text[c : c + 172]}{parts[2][b >> 28 & 255]}"
    )


# (the encoded JWT headers, the noise blob's URL-safe text, a last byte's two characters)
_JWT_PARTS: tuple[tuple[str, ...], str, tuple[str, ...]] | None = None


def _jwt_parts() -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    """``_JWT_PARTS``, made on first use: immutable."""
    global _JWT_PARTS
    tails = tuple(aws.b64url(bytes((i,))) for i in range(256))
    _JWT_PARTS = (_jwt_headers(), aws.noise_text(True), tails)
    return _JWT_PARTS


def _jwt_headers() -> tuple[str, ...]:
    """The encoded JWT headers of 256 signing keys (a user pool has a few: one per token is
    more than enough variety), so that a token encodes only its payload."""
    return tuple(
        aws.b64url(f'{{"kid":"{b64(opaque(i * 16 | i << 16, 32))}","alg":"RS256"}}'.encode())
        for i in range(256)
    )


JWT_BITS = 195


def default_body(headers: dict[str, str], method: str, bits: int) -> str | None:
    """``body_from`` and, for a body, its Content-Length and Content-Type (lower-case) in
    ``headers``."""
    if method not in _BODY_METHODS:
        return None
    body = business_json_from(bits & _MASK_256)
    headers["content-length"] = str(len(body.encode()))
    headers["content-type"] = "application/json"
    return body


def default_payload_v2(
    ctx: BuildContext,
    method: str,
    route_key: str,
    raw_path: str,
    stage: str,
    api_id: str,
    domain: str,
    request_id: str,
    account_id: str,
    client: tuple[dict[str, str], str, str, str | None],
    query: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None,
    body: str | None,
    parameters: dict[str, str] | None,
) -> dict[str, Any]:
    """``payload_v2`` of a request the caller wrote directly (HTTP API, function URL given no
    options): ``client`` is (headers, address, User-Agent, Cookie header or None), ``query``
    what ``drawn_query`` gave; a drawn body is JSON text, never base64."""
    headers, address, agent, cookie = client
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": raw_path,
        "rawQueryString": "&".join([f"{k}={v}" for k, v in query[1]]) if query else "",
    }
    if cookie is not None:
        event["cookies"] = cookie.split("; ")
    event["headers"] = headers
    if query:
        values = grouped(query[0])
        event["queryStringParameters"] = {k: ",".join(v) for k, v in values.items()}
    ms = ctx.time_ms
    event["requestContext"] = {
        "accountId": account_id,
        "apiId": api_id,
        "domainName": domain,
        "domainPrefix": api_id,
        "http": {
            "method": method,
            "path": raw_path,
            "protocol": "HTTP/1.1",
            "sourceIp": address,
            "userAgent": agent,
        },
        "requestId": request_id,
        "routeKey": route_key,
        "stage": stage,
        "time": clf(ms),
        "timeEpoch": ms,
    }
    if body is not None:
        event["body"] = body
    if parameters:
        event["pathParameters"] = parameters
    event["isBase64Encoded"] = False
    return event
