"""The ``custom`` source: an application's on-demand Invoke with arbitrary JSON.

No Powertools model exists for a user-defined payload; the tests check the payload itself."""

from __future__ import annotations

import pytest

from pytest_lambda_events import EventConfigError, build_event

RECORD_KEYS = (
    {"orderId", "customerId", "item", "quantity", "amount", "currency"},
    {"userId", "name", "email", "plan"},
    {"sessionId", "page", "action"},
    {"invoiceId", "status", "total"},
)


@pytest.mark.parametrize("seed", range(20))
def test_default_is_a_business_record(seed: int) -> None:
    event = build_event("custom", seed)
    assert set(event) in RECORD_KEYS
    if "email" in event:  # the address belongs to the person named
        first, last = event["name"].lower().split()
        assert event["email"].startswith(f"{first}.{last}@")


def test_payload_arrives_as_the_runtime_decodes_it() -> None:
    assert build_event("custom", 1, payload={"a": 1}) == {"a": 1}
    assert build_event("custom", 1, payload=[1, (2, 3)]) == [1, [2, 3]]  # tuples become lists
    assert build_event("custom", 1, payload={1: "x"}) == {"1": "x"}  # JSON keys are strings
    assert build_event("custom", 1, payload="ping") == "ping"


def test_deterministic_per_seed() -> None:
    assert build_event("custom", 5) == build_event("custom", 5)
    assert [build_event("custom", s) for s in range(3)] != [
        build_event("custom", s) for s in (3, 4, 5)
    ]


def test_async_limit_is_smaller_than_sync() -> None:
    big = {"blob": "x" * 2_000_000}
    assert build_event("custom", 1, payload=big) == big
    with pytest.raises(
        EventConfigError, match=r"payload: 2,000,011 bytes; an Event invoke .* 1,048,576"
    ):
        build_event("custom", 1, payload=big, invocation_type="Event")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"paylod": {}}, r"unknown override 'paylod'.*did you mean 'payload'"),
        ({"payload": b"x"}, r"payload: expected dict or list or str or int or float or bool"),
        ({"payload": {"s": {1}}}, r"payload: not JSON-serialisable .*Invoke sends JSON"),
        ({"invocation_type": "DryRun"}, r"invocation_type: 'DryRun' is not allowed; allowed: 'Req"),
        ({"payload": "x" * 6_291_556}, r"payload: 6,291,558 bytes; an RequestResponse invoke"),
    ],
)
def test_bad_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("custom", 1, **overrides)
