"""Golden events: each source's event as AWS's documentation shows it, written by hand in
``tests/golden/`` (values of our own; only the key structure is compared). The built event and
the golden one must have the same key paths, except the optional ones each golden file lists
with its reason. Free-form maps (headers, attributes, images, ...) are not descended into."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pytest_lambda_events import build_event, source_ids

from ._key_structure import key_paths

GOLDEN = Path(__file__).parent / "golden"


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
