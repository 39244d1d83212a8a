"""What Kinesis and DynamoDB Streams batches share: arrival times of one shard's records, and
the tumbling-window fields Lambda adds when ``TumblingWindowInSeconds`` is set
(reference/semantics.md 5.8, shapes.md 2 and 3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..building import BuildContext
from ..registry import Option, Options
from ..timefmt import iso_z, iso_z_of_ms

MAX_WINDOW_S = 900
MAX_STATE_BYTES = 1024 * 1024  # Lambda ends a window early past 1 MB of state
_WINDOW_LENGTHS = (30, 60, 120, 300, 900)
_WINDOW_ONLY = ("state", "is_final_invoke_for_window", "is_window_terminated_early")

WINDOW_OPTIONS = (
    Option(
        "tumbling_window",
        int,
        "TumblingWindowInSeconds: adds the window fields (1 to 900)",
        minimum=1,
        maximum=MAX_WINDOW_S,
    ),
    Option("window_start", datetime, "window.start of a tumbling window (whole seconds)"),
    Option("window_end", datetime, "window.end of a tumbling window (whole seconds)"),
    Option("state", dict, "state returned by the previous invoke of the window ({} at first)"),
    Option("is_final_invoke_for_window", bool, "the last invoke, after the window closed", False),
    Option("is_window_terminated_early", bool, "the window ended early (state over 1 MB)", False),
)


@dataclass(frozen=True)
class Window:
    """A tumbling window ``[start, end)`` in whole epoch seconds."""

    start: int
    end: int


def tumbling_window(ctx: BuildContext, o: Options) -> Window | None:
    """The window the batch belongs to, or None without the tumbling-window options.

    A window the caller pins without a ``time`` moves the event time next to it: inside the
    window, or just after it for the final invoke."""
    if o.tumbling_window is None and o.window_start is None and o.window_end is None:
        if o.state is not None or o.is_final_invoke_for_window or o.is_window_terminated_early:
            name = next(n for n in _WINDOW_ONLY if getattr(o, n) not in (None, False))
            ctx.fail(
                name,
                "belongs to tumbling-window invokes; pass tumbling_window=<seconds> "
                "(1 to 900) or window_start/window_end",
            )
        return None
    window = _pinned_window(ctx, o) or _window_at(ctx, o)
    final = bool(o.is_final_invoke_for_window)
    if (o.window_start is not None or o.window_end is not None) and not o.given("time"):
        ctx.time = _time_in(ctx, window, final)
    now = ctx.time.timestamp()
    if window.start > now:
        ctx.fail(
            "window_start",
            f"{iso_z(_dt(window.start))} is after the event time "
            f"{iso_z_of_ms(ctx.time_ms)}; records arrive in the window before Lambda is invoked",
        )
    if final and window.end > now:
        ctx.fail(
            "is_final_invoke_for_window",
            f"the final invoke comes after the window closes, "
            f"but window.end {iso_z(_dt(window.end))} is after the event time",
        )
    return window


def _time_in(ctx: BuildContext, window: Window, final: bool) -> datetime:
    """An invoke time for a pinned window: just after it closes for the final invoke, else
    while it is open (at least a second in, so that records have arrived)."""
    r = ctx.random  # one or two draws: the pool, not ctx.rng
    if final:
        return _dt(window.end) + timedelta(milliseconds=100 + int(r() * 900))
    open_ms = (window.end - window.start - 1) * 1000
    return _dt(window.start) + timedelta(milliseconds=1000 + int(r() * open_ms))


def _pinned_window(ctx: BuildContext, o: Options) -> Window | None:
    start, end, length = o.window_start, o.window_end, o.tumbling_window
    if start is None and end is None:
        return None
    for name, value in (("window_start", start), ("window_end", end)):
        if value is not None and value.microsecond:
            ctx.fail(name, f"{value.isoformat()} is not a whole second; windows are in seconds")
    if start is not None and end is not None:
        seconds = int((end - start).total_seconds())
        if not 1 <= seconds <= MAX_WINDOW_S:
            ctx.fail(
                "window_end",
                f"window_end - window_start is {seconds} s; a tumbling window "
                "lasts 1 to 900 seconds",
            )
        if length is not None and length != seconds:
            ctx.fail(
                "tumbling_window",
                f"{length} s disagrees with window_end - window_start "
                f"({seconds} s); pass one or make them agree",
            )
        return Window(int(start.timestamp()), int(end.timestamp()))
    length = length or _WINDOW_LENGTHS[int(ctx.random() * len(_WINDOW_LENGTHS))]
    if start is not None:
        return Window(int(start.timestamp()), int(start.timestamp()) + length)
    return Window(int(end.timestamp()) - length, int(end.timestamp()))


def _window_at(ctx: BuildContext, o: Options) -> Window:
    """The window around the event time, aligned to multiples of its length as AWS's are."""
    length: int = o.tumbling_window
    now = ctx.time_ms // 1000
    if o.is_final_invoke_for_window:
        end = now - now % length
        return Window(end - length, end)
    last = now - 1  # the newest record is at least a moment older than the invoke
    return Window(last - last % length, last - last % length + length)


ARRIVAL_BITS = 40  # what ``arrival_times_ms`` draws for a one-record batch


def arrival_times_ms(
    ctx: BuildContext, count: int, window: Window | None, bits: int | None = None
) -> list[int]:
    """Non-decreasing epoch-ms arrival times of ``count`` records read from one shard, all
    before the event time (and inside the window when there is one). A one-record batch takes
    ``ARRIVAL_BITS`` bits (``bits``, or drawn from the context's pool: no ``ctx.rng``)."""
    if count == 1:
        b = ctx.getrandbits(ARRIVAL_BITS) if bits is None else bits
        newest = ctx.time_ms - 150 - (b & 0xFFF) % 1200  # poll and invoke latency
        if window is None:
            return [newest - (b >> 12) % 31]
        oldest = window.start * 1000
        newest = max(oldest, min(newest, window.end * 1000 - 1))
        return [oldest + (b >> 12 & 0xFFFFFFF) % (newest - oldest + 1)]
    r = ctx.rng.random
    newest = ctx.time_ms - 150 - int(r() * 1200)
    if window is None:
        oldest = newest - int(count * (1 + r() * 30))
    else:
        oldest = window.start * 1000
        newest = max(oldest, min(newest, window.end * 1000 - 1))
    span = newest - oldest + 1
    return sorted([oldest + int(r() * span) for _ in range(count)])


def window_fields(
    ctx: BuildContext, o: Options, window: Window, shard_id: str, source_arn: str
) -> dict[str, Any]:
    """The top-level keys a tumbling-window invoke adds next to ``Records``."""
    try:
        text = json.dumps({} if o.state is None else o.state)
    except (TypeError, ValueError) as exc:
        ctx.fail("state", f"must be JSON data (the handler returned it as JSON): {exc}")
    if len(text.encode()) > MAX_STATE_BYTES:
        ctx.fail("state", f"{len(text):,} bytes; Lambda keeps at most 1 MB of state per window")
    state = json.loads(text)  # a copy: a handler mutating it must not change the caller's dict
    return window_event_fields(
        start=_dt(window.start), end=_dt(window.end), state=state, shard_id=shard_id,
        source_arn=source_arn, final=bool(o.is_final_invoke_for_window),
        terminated_early=bool(o.is_window_terminated_early),
    )  # fmt: skip


def window_event_fields(
    *,
    start: datetime,
    end: datetime,
    state: Any,
    shard_id: str,
    source_arn: str,
    final: bool,
    terminated_early: bool,
) -> dict[str, Any]:
    """The tumbling-window keys from explicit values (the builders and the harness's event
    source mapping both use this)."""
    return {
        "window": {"start": iso_z(start), "end": iso_z(end)},
        "state": state,
        "shardId": shard_id,
        "eventSourceARN": source_arn,
        "isFinalInvokeForWindow": final,
        "isWindowTerminatedEarly": terminated_early,
    }


def _dt(epoch_s: int) -> datetime:
    return datetime.fromtimestamp(epoch_s, UTC)
