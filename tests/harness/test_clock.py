"""The virtual clock: freezegun started once, moved forward, restored at the end."""

import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from pytest_lambda_events import HarnessError, HarnessStall, clock
from pytest_lambda_events.world import Harness


def test_clock_starts_at_the_real_time_to_the_second_and_time_is_frozen():
    before = datetime.now(UTC).replace(microsecond=0)
    with Harness() as h:
        assert before <= h.clock.now() <= before + timedelta(seconds=2)
        assert h.clock.now().microsecond == 0
        assert datetime.now(UTC) == h.clock.now() and time.time() == h.clock.now().timestamp()


def test_set_chooses_the_start_only_before_anything_ran():
    with Harness() as h:
        h.clock.set(datetime(2030, 1, 1, 9, 0))
        assert h.clock.now() == datetime(2030, 1, 1, 9, 0, tzinfo=UTC)
        assert datetime.now(UTC).year == 2030
        h.agenda.after(5, "noop", lambda: None)
        h.run()
        with pytest.raises(HarnessError, match=r"clock.set\(\) chooses the start time"):
            h.clock.set(datetime(2031, 1, 1))


def test_advance_runs_due_work_in_time_order_and_lands_on_the_span_end():
    with Harness() as h:
        start, seen = h.clock.now(), []
        for delay in (30, 10, 20, 90):
            h.agenda.after(delay, "t", lambda d=delay: seen.append((d, h.clock.now() - start)))
        assert h.advance(minutes=1) == 3
        assert seen == [(d, timedelta(seconds=d)) for d in (10, 20, 30)]
        assert h.clock.now() - start == timedelta(minutes=1)
        h.run()
        assert seen[-1] == (90, timedelta(seconds=90))


def test_bad_advance_arguments_are_explained():
    with Harness() as h:
        with pytest.raises(HarnessError, match="timedelta keywords"):
            h.advance(fortnights=1)
        with pytest.raises(HarnessError, match="forward only"):
            h.advance(seconds=-1)


def test_time_sleep_moves_virtual_time_without_sleeping():
    with Harness() as h:
        start = h.clock.now()
        wall = time.perf_counter.__self__ if hasattr(time.perf_counter, "__self__") else None
        time.sleep(3600)
        assert h.clock.now() - start == timedelta(hours=1)
        assert wall is None or wall  # perf_counter is frozen too; nothing waited


def test_everything_is_restored_after_close_even_on_failure():
    real_sleep = time.sleep
    with pytest.raises(RuntimeError), Harness() as h:
        h.clock.set(datetime(2001, 1, 1))
        raise RuntimeError("test failed")
    assert time.sleep is real_sleep
    assert datetime.now(UTC).year >= 2026


def test_run_raises_harness_stall_naming_the_flow_that_never_stops():
    with Harness() as h:

        def again():
            h.agenda.after(1, "sqs:poison", again)

        h.agenda.after(1, "sqs:poison", again)
        with pytest.raises(HarnessStall, match=r"flow 'sqs:poison' did 1000 of the last 1,000"):
            h.agenda.run(max_steps=5000)


def _repeat(h, flow, delay):
    """Work that schedules itself again ``delay`` later, forever."""

    def again():
        h.agenda.after(delay, flow, again)

    h.agenda.after(delay, flow, again)


def test_a_span_may_take_more_steps_than_the_cap_while_virtual_time_moves(monkeypatch):
    """A bounded span ends by itself: a year of rate(1 minute) is a million steps."""
    monkeypatch.setattr(clock, "MAX_STEPS", 2_000)
    with Harness() as h:
        _repeat(h, "poll", 1)
        assert h.advance(hours=2) == 7_200  # 3.6x the cap, a step per virtual second
        with pytest.raises(HarnessStall, match=r"ran 2,000 steps and work is still due"):
            h.run()  # the same work without a bound still stalls at the cap


def test_a_span_stalls_on_work_that_keeps_coming_due_at_one_instant(monkeypatch):
    monkeypatch.setattr(clock, "MAX_STEPS", 2_000)
    with Harness() as h:
        start = h.clock.now()
        _repeat(h, "tick", 600)  # a long quiet stretch first: the allowance is full, not more
        h.agenda.at(start + timedelta(days=20), "spin", lambda: _repeat(h, "spin", 0))
        with pytest.raises(
            HarnessStall, match=r"virtual time hardly moving .* flow 'spin' did 1000 of the last"
        ) as info:
            h.advance(days=365)
        assert h.clock.now() == start + timedelta(days=20)
        assert "2,000 steps at one instant" in str(info.value)


def test_a_span_stalls_on_work_that_moves_time_by_microseconds(monkeypatch):
    monkeypatch.setattr(clock, "MAX_STEPS", 2_000)
    with Harness() as h:
        _repeat(h, "creep", timedelta(microseconds=1))
        with pytest.raises(HarnessStall, match=r"flow 'creep'"):
            h.advance(days=1)


def test_lazy_modules_loaded_before_the_freeze_still_build_pydantic_models():
    """freezegun's start scans modules with dir(); a lazy module (Powertools' parser) would
    import its pydantic models mid-freeze and fail on FakeDatetime. The clock resolves such
    modules first."""
    code = (
        "import aws_lambda_powertools.utilities.parser as parser\n"
        "from pytest_lambda_events import build_event\n"
        "from pytest_lambda_events.world import Harness\n"
        "with Harness():\n"
        "    parser.models.SqsModel.model_validate(build_event('sqs', seed=1))\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "ok"


def test_starting_the_clock_emits_no_warnings(pytester):
    """Resolving lazy modules (dateutil's deprecated zoneinfo, for one) must not warn users
    who run with -W error."""
    pytester.makepyfile("def test_x(lambda_harness):\n    lambda_harness.advance(days=1)\n")
    result = pytester.runpytest_subprocess("-W", "error", "-p", "no:randomly")
    result.assert_outcomes(passed=1, warnings=0)


def test_run_pauses_the_cyclic_garbage_collector_and_restores_it():
    import gc

    with Harness() as h:
        seen = []
        h.agenda.after(1, "probe", lambda: seen.append(gc.isenabled()))
        h.run()
        assert gc.isenabled()
        gc.disable()  # a caller that paused it keeps it paused
        try:
            h.agenda.after(1, "probe", lambda: seen.append(gc.isenabled()))
            h.run()
            assert not gc.isenabled()
        finally:
            gc.enable()
    assert seen == [False, False]


def test_what_a_run_made_is_frozen_until_the_harness_closes():
    import gc

    with Harness() as h:
        h.agenda.after(1, "probe", lambda: None)
        h.run()
        assert gc.get_freeze_count() > 0  # later collections skip the run's objects
    assert gc.get_freeze_count() == 0  # close() handed them back
