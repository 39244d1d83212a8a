"""Amazon CloudFront Lambda@Edge: the viewer/origin request and response events of one request
through a distribution (shapes.md section 25)."""

from __future__ import annotations

import base64
import re
from datetime import timedelta
from typing import Any

from .. import aws
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


def build_cloudfront(ctx: BuildContext, o: Options) -> dict[str, Any]:
    rng = ctx.rng
    event_type: str = o.event_type or aws.pick(rng, EVENT_TYPES)
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
    bits = rng.getrandbits(40)  # the distribution's own small choices
    distribution = _distribution_id(ctx, o.distribution_id)
    domain = (
        _http.check_domain(ctx, "distribution_domain_name", o.distribution_domain_name)
        if o.distribution_domain_name
        else f"d{aws.chars(rng, 13, aws.LOWER_DIGITS)}.cloudfront.net"
    )
    host = (_http.host_from_headers(ctx, o, "alias") if o.alias or o.headers else None) or domain
    origin_type = o.origin_type or ("s3" if bits & 255 < 154 else "custom")  # 60% S3
    origin = _origin(ctx, o, origin_type, bits >> 8)
    origin_host = origin[origin_type]["domainName"]
    method = o.method or _http.METHOD_BY_BYTE[bits >> 32]
    path = _http.check_path(ctx, o.path) if o.path else _uri(ctx, method, origin_type)
    req = _http.build_request(ctx, o, method, path, body_limit=_http.LAMBDA_PAYLOAD_LIMIT)
    req.add("Host", host)
    viewer = event_type.startswith("viewer")
    if not viewer:
        _to_origin(ctx, req, origin_host)
    request: dict[str, Any] = {
        "clientIp": req.source_ip,
        "headers": _request_headers(req),
        "method": method,
        "querystring": req.query_string(),
        "uri": path,
    }
    if o.include_body:
        request["body"] = _body(req.body, BODY_EXPOSED[event_type])
    if not viewer:
        request["origin"] = origin
    record: dict[str, Any] = {
        "config": {
            "distributionDomainName": domain,
            "distributionId": distribution,
            "eventType": event_type,
            "requestId": o.request_id or _request_id(ctx),
        },
        "request": request,
    }
    if event_type.endswith("response"):
        record["response"] = _response(ctx, o, req, origin_type, viewer)
    return {"Records": [{"cf": record}]}


def _distribution_id(ctx: BuildContext, given: str | None) -> str:
    if given is None:
        return "E" + aws.chars(ctx.rng, 13, aws.UPPER_DIGITS)
    if not _DISTRIBUTION_ID.match(given):
        ctx.fail(
            "distribution_id",
            f"{given!r} is not a distribution id: 'E' and 12 to 14 "
            "upper-case letters or digits, e.g. 'EDFDVBD6EXAMPLE'",
        )
    return given


def _request_id(ctx: BuildContext) -> str:
    """The request's X-Amz-Cf-Id: 56 URL-safe base64 characters ending in '=='."""
    return aws.b64url(ctx.rng.getrandbits(320).to_bytes(40, "little"))[:54] + "=="


def _uri(ctx: BuildContext, method: str, origin_type: str) -> str:
    if origin_type == "s3" and method in ("GET", "HEAD"):
        bits = ctx.rng.getrandbits(64)
        ext = _EXTENSIONS[(bits >> 48 & 255) % len(_EXTENSIONS)]
        return f"/{NOUNS[(bits >> 56) % len(NOUNS)]}/{bits & 0xFFFFFFFFFFFF:012x}.{ext}"
    return _http.random_path(ctx, method)


_EXTENSIONS = ("jpg", "png", "css", "js", "html", "json")


def _origin(ctx: BuildContext, o: Options, origin_type: str, bits: int) -> dict[str, Any]:
    """The distribution's origin as Lambda@Edge describes it: an S3 bucket or a custom host."""
    if origin_type == "s3":
        if o.origin_domain_name is None:
            bucket = (
                f"{NOUNS[(bits & 255) % len(NOUNS)]}-{NOUNS[(bits >> 8 & 255) % len(NOUNS)]}"
                f"-{1000 + (bits >> 16) % 9000}"
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
        name = f"origin.{NOUNS[(bits & 255) % len(NOUNS)]}.example.com"
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


def _to_origin(ctx: BuildContext, req: _http.Request, origin_host: str) -> None:
    """What CloudFront changes on the way to the origin: the origin's Host, its own agent
    (unless the cache policy forwards the viewer's), Via and X-Forwarded-For."""
    req.set("Host", origin_host)
    req.set("User-Agent", "Amazon CloudFront")
    req.add_defaults(
        {
            "via": f"2.0 {aws.hex_string(ctx.rng, 32)}.cloudfront.net (CloudFront)",
            "x-forwarded-for": req.source_ip,
        }
    )


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
    ctx: BuildContext, o: Options, req: _http.Request, origin_type: str, viewer: bool
) -> dict[str, Any]:
    """The origin's response (and CloudFront's headers on it for viewer events), its headers
    listed by lower-case name as CloudFront sorts them."""
    rng = ctx.rng
    bits = rng.getrandbits(64)
    if o.status:
        status: int = o.status
    else:
        status = 200 if bits & 255 < 205 else (304, 404)[bits >> 8 & 1]  # 80% 200
    headers: dict[str, list[dict[str, str]]] = {}
    ok = status != 304 and status < 400
    if ok:
        length = str(200 + (bits >> 9 & 0x3FFFF) % 200_000)
        headers["content-length"] = [{"key": "Content-Length", "value": length}]
        headers["content-type"] = [{"key": "Content-Type", "value": _content_type(req.path)}]
    sent = ctx.time - timedelta(milliseconds=5 + (bits >> 27 & 255) % 200)
    headers["date"] = [{"key": "Date", "value": _http.http_date(sent)}]
    if ok:
        modified = ctx.time - timedelta(days=1 + (bits >> 35 & 511) % 300)
        etag = f'"{aws.hex_string(rng, 32)}"'
        headers["etag"] = [{"key": "ETag", "value": etag}]
        headers["last-modified"] = [{"key": "Last-Modified", "value": _http.http_date(modified)}]
    server = "AmazonS3" if origin_type == "s3" else _SERVERS[(bits >> 44 & 255) % len(_SERVERS)]
    headers["server"] = [{"key": "Server", "value": server}]
    if viewer:
        via = f"1.1 {aws.hex_string(rng, 32)}.cloudfront.net (CloudFront)"
        headers["via"] = [{"key": "Via", "value": via}]
        pop = _POPS[(bits >> 52 & 255) % len(_POPS)]
        headers["x-amz-cf-pop"] = [{"key": "X-Amz-Cf-Pop", "value": pop}]
    if origin_type == "s3":
        request_id = aws.chars(rng, 16, aws.UPPER_DIGITS)
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


def _content_type(path: str) -> str:
    ext = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    return {
        "jpg": "image/jpeg",
        "png": "image/png",
        "css": "text/css",
        "js": "text/javascript",
        "html": "text/html",
    }.get(ext, "application/json")


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
