"""The harness's virtual clock and its agenda of due work.

One freezegun freezer per harness, started once and then moved (starting freezegun costs
milliseconds; moving it costs about a microsecond, reference/libraries.md). Nothing here sleeps
for real: ``time.sleep`` inside a handler moves the virtual clock instead.
"""

from __future__ import annotations

import gc
import heapq
import itertools
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, SupportsIndex

from .errors import HarnessError, HarnessStall

MAX_STEPS = 200_000  # pieces of work run() may do before it is called a stall
# a span (advance) ends by itself while virtual time moves: beyond MAX_STEPS at one instant, it
# may take this many steps per virtual minute (a year of rate(1 minute) takes 1.05 million)
STEPS_PER_VIRTUAL_MINUTE = 10_000
_WATCHED = 1000  # the last steps before a stall whose flows the report counts
_MINUTE = timedelta(minutes=1)
_EPOCH, _NAIVE_EPOCH = datetime(1970, 1, 1, tzinfo=UTC), datetime(1970, 1, 1)


class VirtualClock:
    """``now()``, ``set()`` before anything runs, and moves forward only."""

    def __init__(self, start: datetime | None = None) -> None:
        import freezegun  # lazily: pytest start-up must not pay for it

        if start is None:
            start = datetime.now(UTC).replace(microsecond=0)
        self._now = _aware(start)
        # pytest 9 times tests in _pytest.timing; left frozen, --durations would read 0 s
        self._freezer = freezegun.freeze_time(self._now, tick=False, ignore=["_pytest.timing"])
        self._frozen: Any = None
        self._real_sleep = time.sleep
        self.sleep_hook: Callable[[float], None] | None = None
        self.used = False  # set once any work ran; set() is refused after that

    def start(self) -> None:
        _materialize_lazy_modules()
        self._frozen = self._freezer.start()
        time.sleep = self._sleep

    def stop(self) -> None:
        time.sleep = self._real_sleep
        if self._frozen is not None:
            self._freezer.stop()
            self._frozen = None

    def now(self) -> datetime:
        """The current virtual time (aware, UTC)."""
        return self._now

    def set(self, when: datetime) -> None:
        """Choose the start time; only before anything has run on this clock."""
        if self.used:
            raise HarnessError(
                "clock.set() chooses the start time and must come before anything runs; "
                "use h.advance(...) to move time forward"
            )
        self._move(_aware(when))

    def move_to(self, when: datetime) -> None:
        """Move forward to ``when`` (never backward: AWS's time does not)."""
        if when > self._now:
            self._move(when)

    def rewind(self, when: datetime) -> None:
        """Go back to ``when``, the start of work that ran concurrently with work just done.

        Flows run concurrent invocations one after another: an event source mapping starts
        several batches at the same virtual time, and each handler's ``time.sleep`` moves the
        clock forward from there. Nothing else may go back in time.
        """
        if when < self._now:
            self._move(when)

    def _move(self, when: datetime) -> None:
        self._now = when
        frozen = self._frozen
        if frozen is not None:
            if when.tzinfo is UTC:  # what freezegun's move_to stores (naive UTC), without
                # its parsing; arithmetic costs a sixth of replace(tzinfo=None)
                frozen.time_to_freeze = _NAIVE_EPOCH + (when - _EPOCH)
            else:
                frozen.move_to(when)

    def _sleep(self, secs: float | SupportsIndex) -> None:
        seconds = float(secs)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if self.sleep_hook is not None:
            self.sleep_hook(seconds)
        else:
            self.move_to(self._now + timedelta(seconds=seconds))


class Agenda:
    """Work due at virtual times, run in time order (ties in the order they were scheduled)."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self._heap: list[tuple[datetime, int, str, Callable[[], None]]] = []
        self._order = itertools.count()
        self._froze = False

    def at(self, when: datetime, flow: str, work: Callable[[], None]) -> None:
        """Do ``work`` at ``when``; ``flow`` names it in a stall report."""
        heapq.heappush(self._heap, (when, next(self._order), flow, work))

    def after(self, delay: timedelta | float, flow: str, work: Callable[[], None]) -> None:
        if not isinstance(delay, timedelta):
            delay = timedelta(seconds=delay)
        self.at(self.clock.now() + delay, flow, work)

    def next_due(self) -> datetime | None:
        return self._heap[0][0] if self._heap else None

    def run(self, until: datetime | None = None, max_steps: int | None = None) -> int:
        """Do all work due up to ``until`` (everything, if None); return how many steps ran.

        Without ``until``, at most ``max_steps`` (default ``MAX_STEPS``) steps run: work that
        never stops being due raises ``HarnessStall``. A span (``until``) ends by itself as
        long as virtual time moves, so it may take any number of steps: its allowance of
        ``max_steps`` refills by ``STEPS_PER_VIRTUAL_MINUTE`` per virtual minute (a year of
        ``rate(1 minute)`` is a million steps), and only work that keeps coming due at one
        instant, or nearly, exhausts it."""
        self._froze = True
        with _cyclic_gc_paused():
            return self._run(until, MAX_STEPS if max_steps is None else max_steps)

    def _run(self, until: datetime | None, max_steps: int) -> int:
        heap, clock = self._heap, self.clock
        steps = 0
        budget = _StepBudget(max_steps, clock.now(), refills=until is not None)
        check_at, watch_from = budget.check_at, budget.watch_from
        recent: Counter[str] = Counter()
        while heap and (until is None or heap[0][0] <= until):
            when, _, flow, work = heapq.heappop(heap)
            clock.move_to(when)
            clock.used = True
            work()
            steps += 1
            if steps > watch_from:
                recent[flow] += 1
                if steps >= check_at:
                    if not budget.renew(steps, clock.now()):
                        raise HarnessStall(budget.stall_message(recent, clock.now()))
                    check_at, watch_from = budget.check_at, budget.watch_from
                    recent.clear()
        if until is not None:
            clock.move_to(until)
        return steps

    def __len__(self) -> int:
        return len(self._heap)

    def close(self) -> None:
        """Hand what the runs froze back to the garbage collector."""
        if self._froze:
            self._froze = False
            gc.unfreeze()


class _StepBudget:
    """How many more steps a run may take before it is called a stall: ``max_steps`` at
    first. Checked only when that runs out, so the run loop pays two integer comparisons per
    step; a span's allowance is then renewed with ``STEPS_PER_VIRTUAL_MINUTE`` per virtual
    minute since the last check, up to ``max_steps`` (a token bucket), and a run's is not."""

    def __init__(self, max_steps: int, start: datetime, *, refills: bool) -> None:
        self.max_steps, self.refills = max_steps, refills
        self.checked, self.steps = start, 0  # virtual time and step count at the last check
        self.check_at = max_steps
        self.watch_from = max_steps - _WATCHED  # flows are counted for a stall report

    def renew(self, steps: int, now: datetime) -> bool:
        """The allowance ran out at ``steps``; False if virtual time gave no new step."""
        elapsed, self.checked, self.steps = now - self.checked, now, steps
        if not self.refills:
            return False
        allowance = min(self.max_steps, int(elapsed / _MINUTE * STEPS_PER_VIRTUAL_MINUTE))
        self.check_at = steps + allowance
        self.watch_from = max(steps, self.check_at - _WATCHED)
        return allowance > 0

    def stall_message(self, recent: Counter[str], now: datetime) -> str:
        flow, count = recent.most_common(1)[0]
        where = f"flow {flow!r} did {count} of the last {sum(recent.values()):,}"
        if not self.refills:
            return (
                f"the harness ran {self.steps:,} steps and work is still due (virtual time "
                f"{now.isoformat()}); {where}. It would retry forever: bound it "
                "(max_retry_attempts, max_record_age, max_receive_count) or use h.advance(...) "
                "to run a fixed span"
            )
        return (
            f"h.advance(...) ran {self.steps:,} steps with virtual time hardly moving (virtual "
            f"time {now.isoformat()}; a span may take {self.max_steps:,} steps at one instant "
            f"and {STEPS_PER_VIRTUAL_MINUTE:,} per virtual minute); {where}. Work that keeps "
            "coming due at the same instant never lets the span end: give it a delay or a bound"
        )


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Keep the cyclic garbage collector off the objects a flow makes.

    A flow allocates many small objects that live as long as the harness (records,
    deliveries, ledger entries); the collector would scan them again and again (half of a
    100,000-message drain at the default thresholds, a third at ten times the young threshold)
    and once more after the run. So it is paused during the run and what exists then is frozen
    (``gc.freeze``): later collections skip it until ``Agenda.close`` unfreezes it. Reference
    counting frees everything else as usual; only cyclic garbage waits for the unfreeze.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


_materialized: set[str] = set()


def _materialize_lazy_modules() -> None:
    """Resolve the lazy attributes of modules with a module-level ``__getattr__`` while time is
    still real. freezegun's start scans every module with ``dir``/``getattr``, which imports
    such modules' submodules mid-freeze; pydantic models built then (Powertools' parser models,
    for one) see freezegun's FakeDatetime and fail to build."""
    for _ in range(5):  # an import may load more lazy modules; a few rounds settle it
        pending = [
            (name, module) for name, module in list(sys.modules.items())
            if name not in _materialized and "__getattr__" in getattr(module, "__dict__", {})
        ]  # fmt: skip
        if not pending:
            return
        with warnings.catch_warnings():  # lazy attributes may warn about their deprecation
            warnings.simplefilter("ignore")
            for name, module in pending:
                _materialized.add(name)
                _resolve_attributes(module)


def _resolve_attributes(module: Any) -> None:
    for attr in dir(module):
        try:
            getattr(module, attr)
        except Exception:  # a broken lazy attribute is the module's business, not ours
            continue


def _aware(when: datetime) -> datetime:
    if not isinstance(when, datetime):
        raise HarnessError(f"expected a datetime, got {type(when).__name__} {when!r}")
    return when.astimezone(UTC) if when.tzinfo else when.replace(tzinfo=UTC)
