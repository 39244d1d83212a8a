"""An on-demand ``Invoke`` from an application (sources.md ``custom``): the payload is whatever
JSON the caller sends, a business record by default. Its only AWS limits are the request
sizes: 6 MB for a synchronous (``RequestResponse``) invoke, 1 MB for an asynchronous
(``Event``) one (semantics.md 2.6 and 8.1)."""

from __future__ import annotations

import json
from typing import Any

from ..building import BuildContext
from ..content import business_record
from ..registry import EventSource, Option, Options

INVOCATION_TYPES = ("RequestResponse", "Event")
MAX_PAYLOAD_BYTES = {"RequestResponse": 6_291_556, "Event": 1_048_576}


def build_custom(ctx: BuildContext, o: Options) -> Any:
    """The caller's payload as the function receives it (a JSON round trip of it)."""
    if o.payload is None:
        return business_record(ctx)
    try:
        text = json.dumps(o.payload, separators=(",", ":"), ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        ctx.fail("payload", f"not JSON-serialisable ({exc}); Invoke sends JSON")
    size, limit = len(text.encode()), MAX_PAYLOAD_BYTES[o.invocation_type]
    if size > limit:
        ctx.fail(
            "payload",
            f"{size:,} bytes; an {o.invocation_type} invoke carries at most {limit:,} bytes",
        )
    return json.loads(text)  # what the runtime decodes: tuples become lists, keys strings


SOURCES = (
    EventSource(
        id="custom",
        service="AWS Lambda",
        invocation="sync",
        builder=build_custom,
        description="on-demand Invoke from an application: arbitrary JSON",
        options=(
            Option("payload", (dict, list, str, int, float, bool), "the JSON the caller sends"),
            Option(
                "invocation_type",
                str,
                "InvocationType (sets the payload size limit)",
                "RequestResponse",
                choices=INVOCATION_TYPES,
            ),
        ),
    ),
)
