"""The source reference: one Markdown page per registered source, generated from the registry
(``python -m pytest_lambda_events docs DIR``), so the pages cannot drift from the builders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .building import build, default_registry
from .registry import EventSource, Option

EXAMPLE_SEED = 0
_INVOCATION = {
    "sync": "synchronous (RequestResponse): the caller waits for the handler's response",
    "async": "asynchronous (Event): Lambda queues the event and retries failures",
    "poll": "event source mapping: Lambda polls the service and invokes with batches",
}


def write_pages(directory: Path) -> list[Path]:
    """Write ``index.md`` and ``<id>.md`` for every source into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    sources = list(default_registry())
    written = [directory / "index.md"]
    written[0].write_text(index_page(sources))
    for source in sources:
        path = directory / f"{source.id}.md"
        path.write_text(source_page(source))
        written.append(path)
    return written


def index_page(sources: list[EventSource]) -> str:
    rows = [
        f"| [`{s.id}`]({s.id}.md) | {s.service} | {s.invocation} | {_cell(s.description)} |"
        for s in sources
    ]
    return "\n".join([
        "# Event sources", "",
        f"{len(sources)} sources. Each id is a builder (`build_event(id, ...)`, "
        "`lambda_events.<id>(...)`), a fixture (`<id>_event`), a marker (`@pytest.mark.<id>`) and "
        "a name for `python -m pytest_lambda_events generate`.", "",
        "| id | AWS service | invocation | event |", "|---|---|---|---|", *rows, "",
    ])  # fmt: skip


def source_page(source: EventSource) -> str:
    """The page of one source: what it is, how AWS invokes, its overrides, an example."""
    marker = f"@pytest.mark.{source.id}"
    if source.marker_argument:
        marker += f"(<{source.marker_argument}>, ...)"
    lines = [
        f"# `{source.id}`: {source.description or source.service}", "",
        f"- AWS service: {source.service}",
        f"- Invocation: {_INVOCATION.get(source.invocation, source.invocation)}",
        f"- Fixture `{source.id}_event`, marker `{marker}`, "
        f"`python -m pytest_lambda_events generate {source.id}`",
    ]  # fmt: skip
    if source.max_count is not None:
        lines.append(f"- Records per event: 1 to {source.max_count:,} (`count`)")
    lines += ["", "## Overrides", "", "| name | type | allowed | meaning |", "|---|---|---|---|"]
    lines += [_option_row(option) for option in source.all_options.values()]
    example = build(source, EXAMPLE_SEED, {})
    lines += [
        "", f"## Example (seed {EXAMPLE_SEED})", "", "```json", _json(example), "```", "",
    ]  # fmt: skip
    return "\n".join(lines)


def _option_row(option: Option) -> str:
    types = option.type if isinstance(option.type, tuple) else (option.type,)
    kind = " or ".join(t.__name__ for t in types)
    if option.item_type is not None:
        items = option.item_type if isinstance(option.item_type, tuple) else (option.item_type,)
        kind += f" of {' or '.join(t.__name__ for t in items)}"
    return f"| `{option.name}` | {kind} | {_allowed(option)} | {_cell(option.help)} |"


def _allowed(option: Option) -> str:
    if option.choices is not None:
        return ", ".join(f"`{c}`" for c in option.choices)
    if option.minimum is not None and option.maximum is not None:
        return f"{option.minimum:,g} to {option.maximum:,g}"
    if option.minimum is not None:
        return f"at least {option.minimum:,g}"
    if option.maximum is not None:
        return f"at most {option.maximum:,g}"
    return "" if option.default is None else f"default `{option.default!r}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _json(event: Any) -> str:
    return json.dumps(event, indent=2, ensure_ascii=False)
