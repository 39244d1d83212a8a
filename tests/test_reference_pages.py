"""The per-source reference pages: generated from the registry, committed under docs/sources."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pytest_lambda_events import build_event, source_ids
from pytest_lambda_events.cli import main
from pytest_lambda_events.reference_pages import EXAMPLE_SEED

COMMITTED = Path(__file__).parent.parent / "docs" / "sources"


def test_the_docs_command_writes_an_index_and_a_page_per_source(tmp_path, capsys):
    assert main(["docs", str(tmp_path)]) == 0
    assert f"wrote {len(source_ids()) + 1} pages" in capsys.readouterr().out
    assert sorted(p.stem for p in tmp_path.glob("*.md")) == sorted([*source_ids(), "index"])
    index = (tmp_path / "index.md").read_text()
    assert all(f"[`{sid}`]({sid}.md)" in index for sid in source_ids())


def test_a_page_lists_every_override_and_an_example_the_builder_makes(tmp_path):
    main(["docs", str(tmp_path)])
    page = (tmp_path / "sqs.md").read_text()
    assert "- Invocation: event source mapping" in page
    assert "| `receive_count` | int | 1 to 1,000 | ApproximateReceiveCount |" in page
    example = re.search(r"```json\n(.*?)\n```", page, re.S)
    assert example is not None
    assert json.loads(example.group(1)) == build_event("sqs", EXAMPLE_SEED)


def test_the_committed_pages_are_up_to_date(tmp_path):
    main(["docs", str(tmp_path)])
    fresh = {p.name: p.read_text() for p in tmp_path.glob("*.md")}
    committed = {p.name: p.read_text() for p in COMMITTED.glob("*.md")}
    stale = sorted(name for name in fresh.keys() | committed.keys()
                   if fresh.get(name) != committed.get(name))  # fmt: skip
    assert not stale, (
        f"docs/sources is out of date for {stale}: run python -m pytest_lambda_events docs "
        "docs/sources"
    )
