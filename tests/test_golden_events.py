"""Golden events: each source's event as AWS's documentation shows it, written by hand in
``tests/golden/`` (values of our own; only the key structure is compared). The built event and
the golden one must have the same key paths, except the optional ones each golden file lists
with its reason. Free-form maps (headers, attributes, images, ...) are not descended into."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_lambda_events import build_event, source_ids

GOLDEN = Path(__file__).parent / "golden"
FREE_FORM = frozenset((
    "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
    "messageAttributes", "MessageAttributes", "userAttributes", "records", "rmqMessagesByQueue",
    "pathParameters", "stageVariables", "detail", "NewImage", "OldImage", "Keys",
    "clientMetadata", "slots", "sessionAttributes", "requestAttributes", "validationData",
    "claims", "arguments", "variables", "ResourceProperties", "OldResourceProperties",
    "Attributes", "Parameters", "attributes", "query_string_parameters", "identity",
    "properties", "basicProperties", "context", "authorizer", "fullDocument", "documentKey",
    "userArguments", "configuration", "invokingEvent", "response", "request", "cf", "alarmData",
    "ContactData", "dialogAction", "sessionState", "interpretations", "userIdentity",
    "requestContext", "kinesisRecordMetadata", "currentIntent", "commonHeaders", "mail",
    "receipt", "codecommit", "job", "data", "datasetRecords",
))  # fmt: skip


def key_paths(value: Any, prefix: str = "", depth: int = 0) -> set[str]:
    """``.a.b`` for dict keys and ``.a[].b`` for list items, to depth 4."""
    paths: set[str] = set()
    if depth > 3:
        return paths
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}"
            paths.add(path)
            if key not in FREE_FORM:
                paths |= key_paths(item, path, depth + 1)
    elif isinstance(value, list):
        for item in value[:3]:
            paths |= key_paths(item, f"{prefix}[]", depth)
    return paths


def check_golden(path: Path) -> tuple[set[str], set[str]]:
    """The key paths only the golden event has, and those only the built event has."""
    golden = json.loads(path.read_text())
    built = build_event(golden["source"], 0, **golden.get("overrides", {}))
    optional = golden.get("optional", {}).keys()
    expected, actual = key_paths(golden["event"]), key_paths(built)
    return expected - actual - optional, actual - expected - optional


FILES = sorted(GOLDEN.glob("*.json"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_built_event_has_the_documented_key_structure(path: Path) -> None:
    missing, extra = check_golden(path)
    assert not missing, f"the builder lacks documented keys {sorted(missing)}"
    assert not extra, f"the builder adds keys the documentation does not show {sorted(extra)}"


def test_every_source_has_a_golden_event() -> None:
    covered = {json.loads(p.read_text())["source"] for p in FILES}
    assert sorted(set(source_ids()) - covered) == []
