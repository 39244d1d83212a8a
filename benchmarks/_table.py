"""One row of the benchmark table, and the table itself.

Every figure is measured against its baseline in the same process (or, for whole-process
figures, in the same run), so a busy machine slows both sides alike. A figure passes when:

* ``ratio``: value / baseline <= goal (both in the same unit);
* ``added``: value - baseline <= goal (start-up cost in milliseconds);
* ``absolute``: value <= goal (no baseline: wall time of a flow, bytes per message).

A figure without a goal is shown for reference (a second baseline, a cost broken out).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# freezegun replaces module-level references to the time functions while a harness runs; a
# reference inside a tuple survives, so the clocks stay real in every benchmark
_REAL = (time.perf_counter, time.process_time)


def wall() -> float:
    """Seconds on the real wall clock, even inside a running harness."""
    return _REAL[0]()


def cpu() -> float:
    """Seconds of CPU this process used. In-process figures are timed with it: nothing they
    time waits for I/O, so on an idle machine it equals wall time, and on a shared one it leaves
    out the time other processes held the core."""
    return _REAL[1]()


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    baseline: float | None
    unit: str
    goal: float | None
    kind: Literal["ratio", "added", "absolute"] = "ratio"
    baseline_name: str = ""

    @property
    def score(self) -> float:
        """The number compared with the goal: a ratio, an added cost, or the value itself."""
        if self.kind == "absolute" or self.baseline is None:
            return self.value
        if self.kind == "added":
            return self.value - self.baseline
        return self.value / self.baseline

    @property
    def passed(self) -> bool:
        return self.goal is None or self.score <= self.goal

    def goal_text(self) -> str:
        if self.goal is None:
            return "-"
        if self.kind == "ratio":
            return f"<= {self.goal:g}x"
        if self.kind == "added":
            return f"<= +{self.goal:g} {self.unit}"
        return f"<= {self.goal:g} {self.unit}"

    def score_text(self) -> str:
        if self.kind == "ratio" and self.baseline is not None:
            return f"{self.score:.2f}x"
        if self.kind == "added":
            return f"{self.score:+.1f} {self.unit}"
        return "-"


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:,.4g} {unit}"


def render(figures: Iterable[Figure]) -> str:
    """The table: figure, value, baseline, ratio (or added cost), goal, pass/fail."""
    rows = [("figure", "value", "baseline", "ratio", "goal", "result")]
    for f in figures:
        baseline = _amount(f.baseline, f.unit)
        if f.baseline_name:
            baseline = f"{baseline} ({f.baseline_name})"
        rows.append(
            (
                f.name,
                _amount(f.value, f.unit),
                baseline,
                f.score_text(),
                f.goal_text(),
                "info" if f.goal is None else "pass" if f.passed else "FAIL",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.ljust(w) if i in (0, 2) else cell.rjust(w) for i, (cell, w) in
                 enumerate(zip(row, widths, strict=True))]  # fmt: skip
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
