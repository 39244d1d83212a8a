"""``--lambda-events-report=PATH``: one self-contained HTML page with the timeline of every test
that used ``lambda_harness``, failed tests first.

Each test's report carries its timeline as JSON text (``plugin.TIMELINE_ATTRIBUTE``), which
pytest-xdist sends from the workers; the controller (the process without ``workerinput``) keeps
what arrives and writes the page when the session finishes. The page has inline CSS only: no
script, font, image or any other resource from anywhere, so it opens offline and as a CI
artifact. Every text from a test (node ids, error messages, reasons) is HTML-escaped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path
from typing import Any

import pytest

from .timeline import Fate, Lane, Step, Timeline, fate_detail, iso_utc, offset_text

_ATTRIBUTE = "lambda_events_timeline"  # plugin.TIMELINE_ATTRIBUTE (not imported: no cycle)
_FAILING = ("failed", "error", "xpassed")
_OUTCOME_ORDER = ("failed", "error", "xpassed", "passed", "skipped", "xfailed")


@dataclass
class ReportEntry:
    """One test that used the harness: what the page says about it."""

    nodeid: str
    outcome: str
    seed: str
    timeline: Timeline
    order: int


class HtmlReport:
    """The controller's collector: keeps each test's timeline, writes the page at the end."""

    def __init__(self, path: Path, shown_as: str) -> None:
        self.path = path
        self.shown_as = shown_as
        self.entries: dict[str, ReportEntry] = {}
        self.tests_run = 0
        self.error: str | None = None

    @classmethod
    def for_option(cls, config: pytest.Config, value: str) -> HtmlReport:
        """Check ``--lambda-events-report=PATH`` at start-up: a missing directory is created;
        a directory as PATH, or a place that cannot be written, is a usage error."""
        return cls(writable_path(value, config.invocation_params.dir), value)

    # --- collecting ----------------------------------------------------------------------
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when == "call":
            self.tests_run += 1
        carried = getattr(report, _ATTRIBUTE, None)
        entry = self.entries.get(report.nodeid)
        if isinstance(carried, str):
            data = json.loads(carried)
            timeline = Timeline.from_dict(data["timeline"])
            if entry is None:
                entry = ReportEntry(report.nodeid, "passed", data["seed"], timeline,
                                  len(self.entries))  # fmt: skip
                self.entries[report.nodeid] = entry
            entry.timeline = timeline  # a later phase saw more of the story
        if entry is not None:
            entry.outcome = _merged_outcome(entry.outcome, report)

    # --- writing -------------------------------------------------------------------------
    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        page = render_page(list(self.entries.values()), self.tests_run)
        try:
            write_atomically(self.path, page)
        except OSError as exc:
            self.error = f"could not write {self.path}: {exc.strerror or exc}"

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.error is not None:
            terminalreporter.write_line(f"lambda-events report: {self.error}", red=True)
        else:
            count = len(self.entries)
            terminalreporter.write_line(
                f"lambda-events report: {self.path} ({count} test"
                f"{'' if count == 1 else 's'} with a timeline)"
            )


def _merged_outcome(current: str, report: pytest.TestReport) -> str:
    if report.when == "call":
        if hasattr(report, "wasxfail"):
            return "xfailed" if report.skipped else "xpassed"
        return report.outcome
    if report.failed:  # setup or teardown
        return "error"
    return current


def writable_path(value: str, base: Path) -> Path:
    """``value`` as an absolute file path whose directory exists and can be written."""
    if not value.strip():
        raise pytest.UsageError("--lambda-events-report needs a file path, e.g. report.html")
    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    if path.is_dir():
        raise pytest.UsageError(
            f"--lambda-events-report={value}: {path} is a directory; give a file path such as "
            f"{path / 'lambda-events.html'}"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise pytest.UsageError(
            f"--lambda-events-report={value}: cannot create the directory {path.parent} "
            f"({exc.strerror or exc})"
        ) from None
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise pytest.UsageError(f"--lambda-events-report={value}: {path} is not writable")
    return path


def write_atomically(path: Path, text: str) -> None:
    """Write next to ``path`` and rename: a reader never sees half a page. (``open`` rather
    than ``mkstemp``, whose file would be private to its owner rather than follow the umask.)"""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


# --- the page ------------------------------------------------------------------------------
def render_page(entries: list[ReportEntry], tests_run: int) -> str:
    """The whole page: a summary, an index, then one timeline per test, failing ones first."""
    ordered = sorted(entries, key=lambda e: (e.outcome not in _FAILING, e.order))
    body = [_summary(ordered, tests_run)]
    if ordered:
        body.append(_index(ordered))
        body += [_test_section(entry, number) for number, entry in enumerate(ordered, 1)]
    return _PAGE.format(style=_STYLE, body="\n".join(body))


def _summary(entries: list[ReportEntry], tests_run: int) -> str:
    if not entries:
        return (f'<p class="lead">No test used <code>lambda_harness</code> in this run '
                f"({tests_run} test{'' if tests_run == 1 else 's'} ran).</p>")  # fmt: skip
    counts = {o: sum(e.outcome == o for e in entries) for o in _OUTCOME_ORDER}
    said = ", ".join(f"{n} {o}" for o, n in counts.items() if n)
    return (
        f'<p class="lead">{len(entries)} of {tests_run} tests used <code>lambda_harness</code>: '
        f"{escape(said)}. Times are on each harness's virtual clock, from t0, the first thing "
        "its ledger recorded; hover a time for the absolute UTC time. <b>#n</b> is the n-th "
        "invocation of the batch's messages or records (the attempt).</p>"
    )


def _index(entries: list[ReportEntry]) -> str:
    items = "".join(
        f'<li><a href="#test-{n}">{_badge(e.outcome)} <span class="nodeid">'
        f"{escape(e.nodeid)}</span></a></li>"
        for n, e in enumerate(entries, 1)
    )
    return f'<nav><ol class="index">{items}</ol></nav>'


def _badge(outcome: str) -> str:
    return f'<span class="badge o-{escape(outcome)}">{escape(outcome.upper())}</span>'


def _test_section(entry: ReportEntry, number: int) -> str:
    timeline = entry.timeline
    failing = " failing" if entry.outcome in _FAILING else ""
    parts = [
        f'<section class="test{failing}" id="test-{number}">',
        f'<h2>{_badge(entry.outcome)} <span class="nodeid">{escape(entry.nodeid)}</span></h2>',
        f'<p class="seed">{escape(entry.seed)}</p>',
    ]
    if timeline.empty:
        parts.append('<p class="nothing">The harness ran nothing (no invocations, no '
                     "deliveries).</p>")  # fmt: skip
    else:
        parts.append(f'<p class="header">{escape(_header_text(timeline))}</p>')
        start = _parse_start(timeline.start)
        parts += [_lane(lane, start) for lane in timeline.lanes]
        if timeline.hidden_lanes:
            parts.append(f'<p class="elided">&#8230; {timeline.hidden_lanes} more lanes '
                         f"({timeline.hidden_invocations} invocations) not shown</p>")  # fmt: skip
    parts.append(f"<details><summary>as text</summary><pre>{escape(timeline.text())}</pre>"
                 "</details>")  # fmt: skip
    parts.append("</section>")
    return "\n".join(parts)


def _header_text(timeline: Timeline) -> str:
    first_line = timeline.text().split("\n", 1)[0]
    return first_line.removeprefix("lambda-events timeline: ")


def _parse_start(start: str | None) -> datetime | None:
    if start is None:
        return None
    try:
        return datetime.fromisoformat(start.replace("Z", "+00:00"))
    except ValueError:
        return None


def _lane(lane: Lane, start: datetime | None) -> str:
    rows = [_step_row(step, start) for step in lane.steps]
    if lane.hidden:
        elided = (f'<tr class="elided"><td colspan="6">&#8230; {lane.hidden} more invocation'
                  f"{'' if lane.hidden == 1 else 's'} not shown &#8230;</td></tr>")  # fmt: skip
        rows.insert(lane.hidden_at, elided)
    table = ""
    if rows:
        table = (f"<table>{_COLUMNS}<thead><tr><th class=\"c-time\">time</th><th>function</th>"
                 '<th class="c-attempt">#</th><th>batch</th><th>outcome</th>'
                 "<th>why it ran again</th></tr></thead><tbody>"
                 + "".join(rows) + "</tbody></table>")  # fmt: skip
    fates = "".join(_fate_item(fate) for fate in lane.fates)
    if lane.hidden_fates:
        fates += f'<li class="elided">&#8230; {lane.hidden_fates} more kinds of fate</li>'
    return (
        f'<div class="lane"><h3><span class="lane-name">{escape(lane.name)}</span> '
        f'<span class="lane-summary">{escape(lane.summary)}</span></h3>{table}'
        f'<ul class="fates">{fates}</ul></div>'
    )


def _step_row(step: Step, start: datetime | None) -> str:
    when = escape(offset_text(step.offset))
    title = ""
    if start is not None:
        absolute = start + timedelta(seconds=step.offset)
        title = f' title="{escape(iso_utc(absolute))}"'
    took = f' <span class="took">(took {escape(step.took)})</span>' if step.took else ""
    label = "" if step.kind == "ok" else f'<span class="kind">{escape(step.kind)}</span> '
    return (
        f'<tr class="k-{escape(step.kind)}"><td class="c-time"{title}>{when}</td>'
        f"<td>{escape(step.function)}</td>"
        f'<td class="c-attempt">{escape(step.attempt)}</td>'
        f'<td class="c-batch">{escape(step.batch)}</td>'
        f'<td class="c-outcome">{label}{escape(step.outcome)}{took}</td>'
        f'<td class="c-why">{escape(step.why)}</td></tr>'
    )


def _fate_item(fate: Fate) -> str:
    return (f'<li class="s-{escape(fate.status)}"><span class="fate-mark">{fate.count} '
            f"{escape(fate.status)}</span>{escape(fate_detail(fate))}</li>")  # fmt: skip


_COLUMNS = (
    '<colgroup><col style="width:84px"><col style="width:132px"><col style="width:34px">'
    '<col style="width:24%"><col style="width:31%"><col></colgroup>'
)
_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lambda-events timelines</title>
<style>{style}</style>
</head>
<body>
<header><h1>lambda-events timelines</h1></header>
<main>
{body}
</main>
</body>
</html>
"""

_STYLE = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #ffffff; --soft: #f6f8fa;
  --red: #b42318; --red-bg: #fdecea; --green: #1a7f37; --green-bg: #e9f7ee; --amber: #9a6700;
  --amber-bg: #fff6d6; --blue: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--soft);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
header { background: #24292f; color: #fff; padding: 14px 24px; }
header h1 { margin: 0; font-size: 20px; font-weight: 600; }
main { padding: 16px 24px 40px; max-width: 1400px; }
code, .nodeid, pre, td, .lane-name, .seed { font-family: ui-monospace, SFMono-Regular,
  "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; }
.lead { margin: 0 0 12px; }
nav { background: var(--bg); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 16px; margin-bottom: 18px; }
.index { margin: 0; padding-left: 22px; }
.index li { margin: 3px 0; }
.index a { color: var(--ink); text-decoration: none; }
.index a:hover .nodeid { text-decoration: underline; }
.badge { display: inline-block; min-width: 62px; text-align: center; font: 600 11px/18px
  system-ui, sans-serif; letter-spacing: .04em; border-radius: 9px; padding: 0 7px;
  vertical-align: 1px; }
.o-failed, .o-error, .o-xpassed { background: var(--red); color: #fff; }
.o-passed { background: var(--green); color: #fff; }
.o-skipped, .o-xfailed { background: #8c959f; color: #fff; }
.test { background: var(--bg); border: 1px solid var(--line); border-left: 5px solid
  var(--green); border-radius: 6px; padding: 12px 18px 14px; margin: 0 0 18px; }
.test.failing { border-left-color: var(--red); box-shadow: 0 1px 4px rgba(180,35,24,.15); }
.test h2 { font-size: 15px; margin: 0 0 4px; overflow-wrap: anywhere; }
.seed { color: var(--muted); font-size: 12px; margin: 0 0 6px; }
.header { margin: 6px 0 10px; color: var(--muted); }
.nothing { color: var(--muted); font-style: italic; }
.lane { margin: 12px 0 4px; }
.lane h3 { font-size: 13.5px; margin: 0 0 4px; }
.lane-name { color: var(--blue); }
.lane-summary { font-weight: 400; color: var(--muted); margin-left: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; table-layout: fixed; }
th { text-align: left; font: 600 11.5px system-ui, sans-serif; color: var(--muted);
  border-bottom: 1px solid var(--line); padding: 4px 8px; }
td { padding: 3px 8px; border-bottom: 1px solid #eef1f4; vertical-align: top;
  overflow-wrap: anywhere; }
.c-time { white-space: nowrap; }
.c-attempt { text-align: right; white-space: nowrap; }
.c-why { color: var(--muted); font-family: system-ui, -apple-system, "Segoe UI", Roboto,
  Arial, sans-serif; }
tr.k-ok td.c-outcome { color: var(--green); }
tr.k-error td, tr.k-timeout td { background: var(--red-bg); }
tr.k-error td.c-outcome, tr.k-timeout td.c-outcome { color: var(--red); }
tr.k-partial td, tr.k-rejected td { background: var(--amber-bg); }
tr.k-partial td.c-outcome, tr.k-rejected td.c-outcome { color: var(--amber); }
.kind { font: 600 10.5px system-ui, sans-serif; text-transform: uppercase; letter-spacing:
  .04em; }
.took { color: var(--muted); }
tr.elided td { color: var(--muted); font-style: italic; text-align: center;
  background: var(--soft); }
.fates { list-style: none; margin: 6px 0 0; padding: 0; font-size: 12.5px; }
.fates li { margin: 2px 0; padding: 2px 8px; border-radius: 4px; overflow-wrap: anywhere; }
.fate-mark { display: inline-block; min-width: 70px; font: 600 11px system-ui, sans-serif;
  text-transform: uppercase; }
.s-succeeded .fate-mark { color: var(--green); }
.s-failed { background: var(--red-bg); }
.s-failed .fate-mark { color: var(--red); }
.s-expired, .s-pending { background: var(--amber-bg); }
.s-expired .fate-mark, .s-pending .fate-mark { color: var(--amber); }
.s-filtered .fate-mark { color: var(--muted); }
.elided { color: var(--muted); font-style: italic; }
details { margin-top: 10px; }
summary { cursor: pointer; color: var(--muted); font-size: 12px; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 4px;
  padding: 8px; font-size: 12px; overflow-x: auto; }
"""
