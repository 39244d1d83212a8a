"""AWS AppSync direct Lambda resolvers: the Invoke event of one field resolution, or the
BatchInvoke list of them (shapes.md section 36)."""

from __future__ import annotations

from typing import Any, cast

from .. import aws
from ..building import BuildContext
from ..content import PRODUCTS
from ..registry import EventSource, Option, Options
from . import _http

AUTH_TYPES = ("API_KEY", "AMAZON_COGNITO_USER_POOLS", "AWS_IAM", "OPENID_CONNECT", "AWS_LAMBDA")
MAX_BATCH = 2000  # a resolver's maxBatchSize is 0 to 2,000
# (parentTypeName, fieldName, arguments maker, selection set): a small order-shop schema
_FIELDS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Query", "getOrder", ("id", "status", "total", "items/sku", "items/quantity")),
    ("Query", "listOrders", ("items/id", "items/status", "nextToken")),
    ("Mutation", "createOrder", ("id", "status", "createdAt")),
    ("Mutation", "updateCustomer", ("id", "name", "email")),
    ("Order", "customer", ("id", "name", "email")),
    ("Order", "product", ("sku", "title", "price")),
)


def build_appsync(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.count is not None and not o.batch:
        ctx.fail("count", "one event per Invoke; pass batch=True for a BatchInvoke list")
    small = ctx.getrandbits(24)  # the auth mode, the field and the batch size
    parent, field, selection = _field(ctx, o, small >> 8 & 0xFF)
    if o.batch and parent in _ROOTS and o.sources is None:
        ctx.fail(
            "batch",
            f"BatchInvoke resolves a field of many parent items; {parent}."
            f"{field} has no parent (give parent_type_name such as 'Order')",
        )
    auth = o.auth_type or AUTH_TYPES[(small & 0xFF) % len(AUTH_TYPES)]
    identity, headers = _identity(ctx, auth)
    count = (
        len(o.sources)
        if o.sources is not None
        else (o.count or (1 + (small >> 16) % 5 if o.batch else 1))
    )
    if o.sources is not None and o.count is not None and o.count != len(o.sources):
        ctx.fail("count", f"{o.count} but sources holds {len(o.sources)} parent items")
    if count > MAX_BATCH:
        ctx.fail("sources", f"{count:,} items; a BatchInvoke carries at most {MAX_BATCH:,}")
    info = {
        "selectionSetList": list(selection),
        "selectionSetGraphQL": _GRAPHQL.get(selection) or selection_graphql(list(selection)),
        "parentTypeName": parent,
        "fieldName": field,
        "variables": dict(o.variables) if o.variables else {},
    }
    # per item: 64 bits for the arguments, 104 for the parent item; a large batch draws from
    # the Mersenne Twister, whose seeding costs more than a few draws from the pool
    draws: aws.Draws = ctx.rng if count > _POOL_ITEMS else ctx
    events = []
    for i in range(count):
        b = draws.getrandbits(168)
        events.append(
            {
                "arguments": dict(o.arguments) if o.arguments is not None else _arguments(field, b),
                "identity": identity,
                "source": o.sources[i] if o.sources is not None else _source(parent, b >> 64),
                "request": {"headers": headers, "domainName": None},
                "prev": {"result": o.prev} if o.prev is not None else None,
                "info": info,
                "stash": {},
            }
        )
    if o.batch:  # BatchInvoke sends a JSON array, not an object
        return cast(dict[str, Any], events)
    return events[0]


def selection_graphql(selection: list[str]) -> str:
    """The selection set as GraphQL text, from AppSync's 'parent/child' path list."""
    lines = ["{"]
    opened: list[str] = []
    parents = {p.rsplit("/", 1)[0] for p in selection if "/" in p}
    for path in selection:
        if path in parents:  # printed as "name {" when its first child opens it
            continue
        parts = path.split("/")
        while opened and opened != parts[: len(opened)]:
            opened.pop()
            lines.append("  " * (len(opened) + 1) + "}")
        for part in parts[len(opened) : -1]:
            lines.append("  " * (len(opened) + 1) + part + " {")
            opened.append(part)
        lines.append("  " * len(parts) + parts[-1])
    while opened:
        opened.pop()
        lines.append("  " * (len(opened) + 1) + "}")
    return "\n".join([*lines, "}"])


def _field(ctx: BuildContext, o: Options, pick: int) -> tuple[str, str, tuple[str, ...]]:
    """The resolved field, its parent type and selection; ``pick`` is a random byte."""
    if o.parent_type_name is None and o.field_name is None and o.selection_set_list is None:
        fields = _BATCH_FIELDS if o.batch else _LISTED_FIELDS
        return fields[pick % len(fields)]
    candidates = [
        f
        for f in _FIELDS
        if (o.parent_type_name in (None, f[0]) and o.field_name in (None, f[1]))
        and (not o.batch or f[0] not in ("Query", "Mutation"))
    ]
    if candidates:
        parent, field, selection = candidates[pick % len(candidates)]
    else:
        parent = o.parent_type_name or ("Order" if o.batch else "Query")
        field, selection = o.field_name or "details", ("id",)
    if o.selection_set_list is not None:
        selection = tuple(o.selection_set_list)
    return parent, field, _with_parents(selection)


def _with_parents(selection: tuple[str, ...]) -> tuple[str, ...]:
    """The selection with every parent of a nested field selected too, before it."""
    listed = list(selection)
    for path in listed:
        for i in range(1, path.count("/") + 1):
            prefix = path.rsplit("/", i)[0]
            if prefix not in listed:
                listed.insert(listed.index(path), prefix)
    return tuple(listed)


# the schema's fields with their full selections, worked out once (BatchInvoke: nested ones)
_LISTED_FIELDS = tuple((parent, field, _with_parents(sel)) for parent, field, sel in _FIELDS)
_BATCH_FIELDS = tuple(f for f in _LISTED_FIELDS if f[0] not in ("Query", "Mutation"))
_GRAPHQL = {sel: selection_graphql(list(sel)) for _, _, sel in _LISTED_FIELDS}


def _arguments(field: str, b: int) -> dict[str, Any]:
    """The schema's arguments of ``field``, from 64 random bits."""
    if field == "getOrder":
        return {"id": f"ord-{b & 0xFF_FFFF_FFFF:010x}"}
    if field == "listOrders":
        return {"limit": _LIMITS[(b & 0xFF) % len(_LIMITS)], "status": "SHIPPED"}
    if field == "createOrder":
        return {
            "input": {
                "sku": f"SKU-{b & 0xFF_FFFF:06X}",
                "quantity": 1 + (b >> 24 & 3),
                "note": PRODUCTS[(b >> 26 & 0xFF) % len(PRODUCTS)],
            }
        }
    if field == "updateCustomer":
        name = _CUSTOMERS[(b >> 32 & 0xFF) % len(_CUSTOMERS)]
        return {"id": f"cus-{b & 0xFFFF_FFFF:08x}", "input": {"name": name}}
    return {}


def _source(parent: str, b: int) -> dict[str, Any] | None:
    """The parent object a nested field resolves against, from 104 random bits (the order,
    customer and product ids, and the status); root fields have none."""
    if parent in _ROOTS:
        return None
    return {
        "id": f"ord-{b & 0xFF_FFFF_FFFF:010x}",
        "customerId": f"cus-{b >> 40 & 0xFFFF_FFFF:08x}",
        "sku": f"SKU-{b >> 72 & 0xFF_FFFF:06X}",
        "status": _STATUSES[(b >> 96 & 0xFF) % len(_STATUSES)],
    }


_ROOTS = ("Query", "Mutation", "Subscription")
_LIMITS = ("10", "20", "50")
_CUSTOMERS = ("Ana Silva", "Ben Novak", "Chen Rossi")
_POOL_ITEMS = 8  # up to this many items draw from the pool
_STATUSES = ("PENDING", "PAID", "SHIPPED")


def _identity(ctx: BuildContext, auth: str) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The caller as the API's auth mode describes it, and the request headers it sent."""
    # 1,664 bits that look random from one 128-bit draw: 64 small choices, then the API id
    # (26 bytes), the CloudFront request id (54), the via host (16), the trace id (12), the
    # API key (26) or the Lambda authorizer's token and tenant (24)
    wide = _http.spread(ctx.getrandbits(128))
    bits = wide & 0xFFFF_FFFF_FFFF_FFFF
    ids = (wide >> 64).to_bytes(200, "little")
    api = ids[:26].translate(_http.LOWER_DIGITS).decode()
    client = aws.ipv4_from_bits(bits & 0xFFFFFFFF)
    net = _EDGE_NETS[(bits >> 32 & 255) % len(_EDGE_NETS)]  # the CloudFront edge in front
    edge = f"{net}.{bits >> 40 & 255}.{1 + (bits >> 48 & 255) % 254}"
    agent = _http.USER_AGENTS[(bits >> 56) % len(_http.USER_AGENTS)][0]
    headers = {
        "accept": "application/json, text/plain, */*",
        "content-type": "application/json",
        "host": f"{api}.appsync-api.{ctx.region}.{_http.dns_suffix(ctx.partition)}",
        "user-agent": agent,
        "via": f"2.0 {ids[80:96].hex()}.cloudfront.net (CloudFront)",
        "x-amz-cf-id": ids[26:80].translate(_http.ALNUM).decode() + "==",
        "x-amzn-trace-id": f"Root=1-{ctx.time_ms // 1000:08x}-{ids[96:108].hex()}",
        "x-forwarded-for": f"{client}, {edge}",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    ips = [client, edge]
    if auth == "API_KEY":
        headers["x-api-key"] = f"da2-{ids[108:134].translate(_http.LOWER_DIGITS).decode()}"
        return None, headers
    if auth == "AWS_IAM":
        caller = _http.iam_caller(ctx)
        headers["authorization"] = f"AWS4-HMAC-SHA256 Credential={caller['accessKey']}/..."
        return {
            "accountId": ctx.account_id,
            "cognitoIdentityAuthProvider": None,
            "cognitoIdentityAuthType": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
            "sourceIp": ips,
            "userArn": caller["userArn"],
            "username": caller["userId"],
        }, headers
    if auth == "AWS_LAMBDA":
        h = ids[108:132].hex()  # the token and the tenant
        headers["authorization"] = h[:40]
        role = "admin" if bits >> 60 & 1 else "member"
        return {"resolverContext": {"tenantId": f"tenant-{h[40:]}", "role": role}}, headers
    groups = [_GROUPS[(bits >> 61) % len(_GROUPS)]] if bits >> 60 & 1 else None
    in_token = {"cognito:groups": groups} if groups and auth != "OPENID_CONNECT" else None
    claims, headers["authorization"] = _http.token_claims(ctx, access_token=False, given=in_token)
    if auth == "OPENID_CONNECT":
        return {"claims": claims, "issuer": claims["iss"], "sub": claims["sub"]}, headers
    return {
        "claims": claims,
        "defaultAuthStrategy": "ALLOW",
        "groups": groups,
        "issuer": claims["iss"],
        "sourceIp": ips,
        "sub": claims["sub"],
        "username": claims["cognito:username"],
    }, headers


_EDGE_NETS = ("130.176", "64.252", "15.158")
_GROUPS = ("admins", "customers", "staff")


SOURCES = (
    EventSource(
        id="appsync",
        service="AWS AppSync",
        invocation="sync",
        builder=build_appsync,
        max_count=MAX_BATCH,
        description="AppSync direct Lambda resolver invocation (Invoke, or BatchInvoke list)",
        options=(
            Option("batch", bool, "BatchInvoke: a list of events, one per parent item", False),
            Option("field_name", str, "info.fieldName, e.g. 'getOrder'"),
            Option(
                "parent_type_name",
                str,
                "info.parentTypeName: Query, Mutation, Subscription or an object type",
            ),
            Option("arguments", dict, "the field's arguments"),
            Option("sources", list, "BatchInvoke: the parent items (sets count)", item_type=dict),
            Option("variables", dict, "info.variables: the operation's variables"),
            Option(
                "selection_set_list", list, "info.selectionSetList, nested as 'a/b'", item_type=str
            ),
            Option("prev", dict, "pipeline resolvers: the previous function's result"),
            Option(
                "auth_type",
                str,
                "the API's authorization mode (identity shape)",
                choices=AUTH_TYPES,
            ),
        ),
    ),
)
