"""The HTTP sources write their default event (no overrides) directly rather than through the
general request machinery: over many seeds, both paths must give the same kind of event (the
same keys, value types and header names, headers in the same order)."""

from __future__ import annotations

from itertools import combinations
from typing import Any

import pytest

from pytest_lambda_events import build_event

# an override that changes nothing but sends the build down the general path
GENERAL = {
    "alb": {"method": None},
    "api_gateway": {"method": None},
    "api_gateway_v2": {"method": None},
    "api_gateway_authorizer": {"kind": None},
    "api_gateway_websocket": {"event_type": None},
    "function_url": {"method": None},
    "vpc_lattice": {"method": None},
}
SEEDS = range(300)
# maps whose keys depend on the drawn route or query: only their presence and type compare
_OPAQUE = frozenset(
    ("pathParameters", "queryStringParameters", "multiValueQueryStringParameters",
     "query_string_parameters")
)  # fmt: skip
_HEADERS = frozenset(("headers", "multiValueHeaders"))


def _shape(value: Any, path: str = "") -> set[str]:
    """Every key path with the type of its value (header names included)."""
    out = {f"{path}:{type(value).__name__}"}
    if isinstance(value, dict) and path.rpartition(".")[2] not in _OPAQUE:
        for key, item in value.items():
            out |= _shape(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            out |= _shape(item, f"{path}[]")
    return out


def _header_orders(event: dict[str, Any]) -> set[tuple[str, str]]:
    """(a, b) for every two headers listed a before b."""
    return {pair for name in _HEADERS & event.keys() for pair in combinations(event[name], 2)}


@pytest.mark.parametrize("source", sorted(GENERAL))
def test_the_direct_default_event_is_the_general_paths_kind(source: str) -> None:
    direct = [build_event(source, seed) for seed in SEEDS]
    general = [build_event(source, seed, **GENERAL[source]) for seed in SEEDS]
    shapes = [set().union(*map(_shape, events)) for events in (direct, general)]
    assert shapes[0] == shapes[1], (shapes[0] - shapes[1], shapes[1] - shapes[0])
    orders = set().union(*map(_header_orders, general))
    reversed_pairs = {(b, a) for a, b in set().union(*map(_header_orders, direct))}
    assert not orders & reversed_pairs
