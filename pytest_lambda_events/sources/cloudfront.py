"""Amazon CloudFront Lambda@Edge: the viewer/origin request and response events of one request
through a distribution (shapes.md section 25)."""

from __future__ import annotations

import base64
import re
from typing import Any

from .. import aws, timefmt
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from . import _http

EVENT_TYPES = ("viewer-request", "origin-request", "origin-response", "viewer-response")
ORIGIN_TYPES = ("s3", "custom")
# What a function with "include body" sees of the body before CloudFront truncates it.
BODY_EXPOSED = {"viewer-request": 40_960, "origin-request": 1_048_576}
_DISTRIBUTION_ID = re.compile(r"^E[A-Z0-9]{12,14}$")
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No Content",
    206: "Partial Content",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
_POPS = ("IAD89-C1", "FRA56-P5", "LHR61-P2", "NRT57-P3", "SFO53-P4", "GRU3-P1", "SIN2-P7")


# A default event is one draw from the event's pool: 64 bits of small choices (_Bits), and 128
# spread (see _http.spread) over the ids and the request's choices (_Wide: each field's offset).


class _Bits:
    EVENT_TYPE = 0  # 2
    ORIGIN_TYPE = 2  # 8
    ORIGIN = 10  # 33: the bucket's name, its access
    METHOD = 43  # 8


class _Wide:
    DISTRIBUTION = 0  # 104: 13 characters
    DOMAIN = 104  # 104
    VIA = 208  # 128: the request's Via (origin events)
    REQUEST_ID = 336  # 26: X-Amz-Cf-Id's offsets in the noise
    DICE = 362  # _http.DICE_BITS
    URI = 458  # 64 (_http.ROUTE_BITS are 56)
    RESPONSE = 522  # 64: the response's small choices
    ETAG = 586  # 128
    RESPONSE_VIA = 714  # 128
    S3_REQUEST_ID = 842  # 128
    ITEM = 970  # 128: an item's UUID in the path
    SESSION = 1098  # 128: a browser's session cookie
    BODY = 1226  # 256


_MASK_104 = (1 << 104) - 1
_MASK_128 = (1 << 128) - 1
_UPPER_DIGITS = aws.byte_table(aws.UPPER_DIGITS)
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)


def _chars13(bits: int, table: bytes) -> str:
    return (bits & _MASK_104).to_bytes(13, "little").translate(table).decode()


def build_cloudfront(ctx: BuildContext, o: Options) -> dict[str, Any]:
    b = ctx.getrandbits(192)  # one draw (see _Bits, _Wide)
    wide = _http.spread(b)
    bits = b >> 128
    event_type: str = o.event_type or EVENT_TYPES[bits & 3]
    if o.include_body and event_type not in BODY_EXPOSED:
        ctx.fail(
            "include_body",
            f"only viewer-request and origin-request events carry the body; this is {event_type!r}",
        )
    if o.status is not None and event_type.endswith("request"):
        ctx.fail(
            "status",
            f"only origin-response and viewer-response events carry a response; "
            f"this is {event_type!r}",
        )
    distribution = _distribution_id(ctx, o.distribution_id, wide)
    domain = (
        _http.check_domain(ctx, "distribution_domain_name", o.distribution_domain_name)
        if o.distribution_domain_name
        else f"d{_chars13(wide >> _Wide.DOMAIN, _LOWER_DIGITS)}.cloudfront.net"
    )
    host = (_http.host_from_headers(ctx, o, "alias") if o.alias or o.headers else None) or domain
    origin_type = o.origin_type or ("s3" if bits >> _Bits.ORIGIN_TYPE & 255 < 154 else "custom")
    origin = _origin(ctx, o, origin_type, bits >> _Bits.ORIGIN)  # 60% S3
    method = o.method or _http.METHOD_BY_BYTE[bits >> _Bits.METHOD & 255]
    path = _http.check_path(ctx, o.path) if o.path else _uri(method, origin_type, wide)
    viewer = event_type.startswith("viewer")
    # the host the request goes to (the distribution's, or on the way to the origin, its)
    to_host = host if viewer else origin[origin_type]["domainName"]
    if _given_request_options(o):
        request, raw = _given_request(ctx, o, method, path, to_host, viewer, wide)
    else:
        request, raw = _drawn_request(method, path, to_host, viewer, wide)
    if o.include_body:
        request["body"] = _body(raw, BODY_EXPOSED[event_type])
    if not viewer:
        request["origin"] = origin
    record: dict[str, Any] = {
        "config": {
            "distributionDomainName": domain,
            "distributionId": distribution,
            "eventType": event_type,
            "requestId": o.request_id or _request_id(wide >> _Wide.REQUEST_ID),
        },
        "request": request,
    }
    if event_type.endswith("response"):
        record["response"] = _response(ctx, o, path, origin_type, viewer, wide)
    return {"Records": [{"cf": record}]}


def _given_request_options(o: Options) -> bool:
    """Whether the caller gave any client-request option (``None`` for query or body too)."""
    return (
        o.query is not None
        or o.headers is not None
        or o.cookies is not None
        or o.body is not None
        or o.source_ip is not None
        or o.user_agent is not None
        or o.given("query")
        or o.given("body")
    )


def _drawn_request(
    method: str, path: str, host: str, viewer: bool, wide: int
) -> tuple[dict[str, Any], bytes | None]:
    """The request of a client given no request options, written directly (what
    ``_given_request`` makes of the same draws, without a _http.Request and a sort): its
    headers are added in the order CloudFront lists them."""
    dice = wide >> _Wide.DICE
    address, agent, accept, cookie = _http.client_from(dice, wide >> _Wide.SESSION, named=True)
    headers = {_LOWER[name]: [{"key": name, "value": value}] for name, value in accept.items()}
    text = _http.body_from(method, wide >> _Wide.BODY)
    raw = None
    if text is not None:
        raw = text.encode()
        headers["content-length"] = [{"key": "Content-Length", "value": str(len(raw))}]
        headers["content-type"] = [{"key": "Content-Type", "value": "application/json"}]
    if cookie is not None:
        headers["cookie"] = [{"key": "Cookie", "value": cookie}]
    headers["host"] = [{"key": "Host", "value": host}]
    if viewer:
        headers["user-agent"] = [{"key": "User-Agent", "value": agent}]
    else:
        headers["user-agent"] = [{"key": "User-Agent", "value": "Amazon CloudFront"}]
        via = f"2.0 {wide >> _Wide.VIA & _MASK_128:032x}.cloudfront.net (CloudFront)"
        headers["via"] = [{"key": "Via", "value": via}]
        headers["x-forwarded-for"] = [{"key": "X-Forwarded-For", "value": address}]
    query = _http.drawn_query(method, dice)
    request = {
        "clientIp": address,
        "headers": headers,
        "method": method,
        "querystring": "&".join([f"{k}={v}" for k, v in query[1]]) if query else "",
        "uri": path,
    }
    return request, raw


_LOWER = {"Accept": "accept", "Accept-Encoding": "accept-encoding",
          "Accept-Language": "accept-language"}  # fmt: skip


def _given_request(
    ctx: BuildContext, o: Options, method: str, path: str, host: str, viewer: bool, wide: int
) -> tuple[dict[str, Any], bytes | None]:
    """The request with the caller's request options over the drawn defaults."""
    dice = wide >> _Wide.DICE & (1 << _http.DICE_BITS) - 1
    req = _http.build_request(
        ctx, o, method, path, body_limit=_http.LAMBDA_PAYLOAD_LIMIT, dice=dice
    )
    if viewer:
        req.add("Host", host)
    else:  # what CloudFront changes on the way to the origin
        req.set("Host", host)
        req.set("User-Agent", "Amazon CloudFront")  # (unless the cache policy forwards it)
        via = f"2.0 {wide >> _Wide.VIA & _MASK_128:032x}.cloudfront.net (CloudFront)"
        req.add_defaults({"via": via, "x-forwarded-for": req.source_ip})
    request = {
        "clientIp": req.source_ip,
        "headers": _request_headers(req),
        "method": method,
        "querystring": req.query_string(),
        "uri": path,
    }
    return request, req.body


def _distribution_id(ctx: BuildContext, given: str | None, wide: int) -> str:
    if given is None:
        return "E" + _chars13(wide >> _Wide.DISTRIBUTION, _UPPER_DIGITS)
    if not _DISTRIBUTION_ID.match(given):
        ctx.fail(
            "distribution_id",
            f"{given!r} is not a distribution id: 'E' and 12 to 14 "
            "upper-case letters or digits, e.g. 'EDFDVBD6EXAMPLE'",
        )
    return given


def _request_id(bits: int) -> str:
    """The request's X-Amz-Cf-Id: 56 URL-safe base64 characters ending in '=='."""
    return _http.opaque_b64(bits, 40, url_safe=True) + "=="  # 54 characters, then the pad


def _uri(method: str, origin_type: str, wide: int) -> str:
    bits = wide >> _Wide.URI
    if origin_type == "s3" and method in ("GET", "HEAD"):
        ext = _EXTENSIONS[(bits >> 48 & 255) % len(_EXTENSIONS)]
        return f"/{_NOUN_BY_BYTE[bits >> 56 & 255]}/{bits & 0xFFFFFFFFFFFF:012x}.{ext}"
    return _http.random_path_from(method, bits, wide >> _Wide.ITEM)


_EXTENSIONS = ("jpg", "png", "css", "js", "html", "json")
_NOUN_BY_BYTE = _http.by_byte(NOUNS)


def _origin(ctx: BuildContext, o: Options, origin_type: str, bits: int) -> dict[str, Any]:
    """The distribution's origin as Lambda@Edge describes it: an S3 bucket or a custom host."""
    if origin_type == "s3":
        if o.origin_domain_name is None:
            bucket = (
                f"{_NOUN_BY_BYTE[bits & 255]}-{_NOUN_BY_BYTE[bits >> 8 & 255]}"
                f"-{1000 + (bits >> 16 & 0x1FFF) % 9000}"
            )
            name = f"{bucket}.s3.{ctx.region}.amazonaws.com"
        else:
            name = _http.check_domain(ctx, "origin_domain_name", o.origin_domain_name)
        return {
            "s3": {
                "authMethod": "origin-access-identity" if bits >> 29 & 15 < 11 else "none",  # 70%
                "customHeaders": {},
                "domainName": name,
                "path": "",
                "region": ctx.region,
            }
        }
    if o.origin_domain_name is None:
        name = f"origin.{_NOUN_BY_BYTE[bits & 255]}.example.com"
    else:
        name = _http.check_domain(ctx, "origin_domain_name", o.origin_domain_name)
    return {
        "custom": {
            "customHeaders": {},
            "domainName": name,
            "keepaliveTimeout": 5,
            "path": "",
            "port": 443,
            "protocol": "https",
            "readTimeout": 30,
            "sslProtocols": ["TLSv1.2"],
        }
    }


def _request_headers(req: _http.Request) -> dict[str, list[dict[str, str]]]:
    """CloudFront's header form: lower-case name -> [{"key": name as sent, "value"}]."""
    if not req.user:  # one value each
        h, names = req.headers, req.header_names()
        return {key: [{"key": names[key], "value": h[key]}] for key in sorted(h)}
    headers = req.sorted_headers(lower=False)
    return {name.lower(): [{"key": name, "value": v} for v in values] for name, values in headers}


def _body(raw: bytes | None, exposed: int) -> dict[str, Any]:
    data = raw or b""
    return {
        "inputTruncated": len(data) > exposed,
        "action": "read-only",
        "encoding": "base64",
        "data": base64.b64encode(data[:exposed]).decode(),
    }


def _response(
    ctx: BuildContext, o: Options, path: str, origin_type: str, viewer: bool, wide: int
) -> dict[str, Any]:
    """The origin's response (and CloudFront's headers on it for viewer events), its headers
    listed by lower-case name as CloudFront sorts them."""
    bits = wide >> _Wide.RESPONSE
    if o.status:
        status: int = o.status
    else:
        status = 200 if bits & 255 < 205 else (304, 404)[bits >> 8 & 1]  # 80% 200
    headers: dict[str, list[dict[str, str]]] = {}
    ok = status != 304 and status < 400
    now = ctx.time_ms
    if ok:
        length = str(200 + (bits >> 9 & 0x3FFFF) % 200_000)
        headers["content-length"] = [{"key": "Content-Length", "value": length}]
        headers["content-type"] = [{"key": "Content-Type", "value": _content_type(path)}]
    sent = now - 5 - (bits >> 27 & 255) % 200  # the origin answered a moment ago
    headers["date"] = [{"key": "Date", "value": timefmt.http_date_of_ms(sent)}]
    if ok:
        modified = now - 86_400_000 * (1 + (bits >> 35 & 511) % 300)
        etag = f'"{wide >> _Wide.ETAG & _MASK_128:032x}"'
        headers["etag"] = [{"key": "ETag", "value": etag}]
        last_modified = timefmt.http_date_of_ms(modified)
        headers["last-modified"] = [{"key": "Last-Modified", "value": last_modified}]
    server = "AmazonS3" if origin_type == "s3" else _SERVERS[(bits >> 44 & 255) % len(_SERVERS)]
    headers["server"] = [{"key": "Server", "value": server}]
    if viewer:
        via = f"1.1 {wide >> _Wide.RESPONSE_VIA & _MASK_128:032x}.cloudfront.net (CloudFront)"
        headers["via"] = [{"key": "Via", "value": via}]
        pop = _POPS[(bits >> 52 & 255) % len(_POPS)]
        headers["x-amz-cf-pop"] = [{"key": "X-Amz-Cf-Pop", "value": pop}]
    if origin_type == "s3":
        raw = (wide >> _Wide.S3_REQUEST_ID & _MASK_128).to_bytes(16, "little")
        request_id = raw.translate(_UPPER_DIGITS).decode()
        headers["x-amz-request-id"] = [{"key": "x-amz-request-id", "value": request_id}]
    if viewer:
        cache = "Hit from cloudfront" if bits >> 60 & 15 < 10 else "Miss from cloudfront"  # 60%
        headers["x-cache"] = [{"key": "X-Cache", "value": cache}]
    return {
        "headers": headers,
        "status": str(status),
        "statusDescription": _STATUS_TEXT.get(status, ""),
    }


_SERVERS = ("nginx", "Apache", "envoy")
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "css": "text/css",
    "js": "text/javascript",
    "html": "text/html",
}


def _content_type(path: str) -> str:
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return _CONTENT_TYPES.get(ext, "application/json")


SOURCES = (
    EventSource(
        id="cloudfront",
        service="Amazon CloudFront (Lambda@Edge)",
        invocation="sync",
        builder=build_cloudfront,
        description="CloudFront Lambda@Edge viewer/origin request or response event",
        options=(
            Option("event_type", str, "the cache behavior's trigger", choices=EVENT_TYPES),
            *_http.request_options(max_body="6 MB", binary="include_body shows it base64-encoded"),
            Option("include_body", bool, "the 'include body' setting (request events)", False),
            Option("status", int, "response events: the HTTP status", None, None, 100, 599),
            Option("distribution_id", str, "e.g. 'EDFDVBD6EXAMPLE'"),
            Option("distribution_domain_name", str, "e.g. 'd111111abcdef8.cloudfront.net'"),
            Option("alias", str, "the alternate domain name (CNAME) the viewer called"),
            Option(
                "origin_type",
                str,
                "the origin: an S3 bucket or a custom origin",
                choices=ORIGIN_TYPES,
            ),
            Option("origin_domain_name", str, "the origin's domain name"),
            Option("request_id", str, "config.requestId (the X-Amz-Cf-Id)"),
        ),
    ),
)
