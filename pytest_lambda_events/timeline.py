"""Failure timelines: a harness's ledger told as a story on the virtual clock.

``build(ledger, now)`` groups every invocation into lanes (one per queue mapping, stream shard or
partition, asynchronous queue, or synchronous caller of a function) and says, per invocation,
when it ran (relative to the first thing the ledger recorded), which attempt it was, what batch
it carried, how it ended, and why it ran again; then, per lane, each delivery's final fate with
AWS's condition and reason. ``compact_timeline`` (``build`` + ``Timeline.compact()``) keeps
long lanes short; its ``text()`` is what ``Harness.timeline()`` returns and what a failing
test's report shows; ``to_dict()`` is what travels to the HTML report (``report_html.py``),
across ``pytest -n`` workers too.

Everything here is derived from the ledger as it stands; nothing is recorded for it, so a
harness pays nothing for timelines it never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from .errors import HarnessError

if TYPE_CHECKING:
    from .ledger import Delivery, Invocation, Ledger

OUTCOME_KINDS = ("ok", "error", "timeout", "partial", "rejected")
MESSAGE_CHARS = 100  # an error message or reason is cut here: a line stays readable
REASON_CHARS = 200
LABELS_SHOWN = 3  # item ids shown per batch or fate before "+k"
DEFAULT_LINES_PER_LANE = 12
DEFAULT_LANES = 20
_KAFKA_FLOWS = ("msk:", "kafka:")

T = TypeVar("T")
Pair = tuple["Delivery", int]  # a delivery and which of its invocations (1-based) this was


@dataclass(frozen=True, slots=True)
class Step:
    """One invocation: ``offset`` seconds after the timeline's start."""

    offset: float
    function: str
    attempt: str  # "1", or "1-3" when a batch mixes first tries and retries
    batch: str
    outcome: str
    kind: str  # one of OUTCOME_KINDS
    why: str  # why this invocation ran again ("" for a first attempt)
    duration: float

    @property
    def took(self) -> str:
        """The virtual time the handler spent, when it spent any (a timeout says it already)."""
        return duration_text(self.duration) if self.duration and self.kind != "timeout" else ""


@dataclass(frozen=True, slots=True)
class Fate:
    """Deliveries of one lane that ended alike: ``count`` of them, ``status`` and AWS's
    ``condition``, the last at ``at`` seconds (None while pending)."""

    count: int
    status: str
    condition: str
    at: float | None
    items: str
    reason: str


@dataclass(frozen=True, slots=True)
class Lane:
    """The invocations of one queue mapping, shard, asynchronous queue or caller, in time
    order; ``hidden`` steps were left out after the first ``hidden_at``."""

    name: str
    summary: str
    steps: tuple[Step, ...]
    fates: tuple[Fate, ...]
    hidden: int = 0
    hidden_at: int = 0
    hidden_fates: int = 0


@dataclass(frozen=True, slots=True)
class Timeline:
    """A harness's story: ``start`` is the first recorded time (ISO 8601, UTC), ``end`` the
    clock's time when the timeline was made, in seconds after ``start``."""

    start: str | None
    end: float
    invocations: int
    deliveries: int
    lanes: tuple[Lane, ...]
    hidden_lanes: int = 0
    hidden_invocations: int = 0  # in the hidden lanes

    @property
    def empty(self) -> bool:
        return not self.invocations and not self.deliveries

    def compact(
        self, lines_per_lane: int | None = DEFAULT_LINES_PER_LANE, lanes: int = DEFAULT_LANES
    ) -> Timeline:
        """Keep the first two thirds and the last third of ``lines_per_lane`` steps of each
        lane (None: all), six fates per lane, and the first ``lanes`` lanes."""
        kept = self.lanes[:lanes]
        dropped = self.lanes[lanes:]
        return replace(
            self,
            lanes=tuple(_compact_lane(lane, lines_per_lane) for lane in kept),
            hidden_lanes=self.hidden_lanes + len(dropped),
            hidden_invocations=self.hidden_invocations
            + sum(len(lane.steps) + lane.hidden for lane in dropped),
        )

    def text(self) -> str:
        """The timeline as plain text, one line per invocation."""
        return render_text(self)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values (what a pytest report carries between processes)."""
        return {
            "start": self.start, "end": self.end, "invocations": self.invocations,
            "deliveries": self.deliveries, "hidden_lanes": self.hidden_lanes,
            "hidden_invocations": self.hidden_invocations,
            "lanes": [_lane_dict(lane) for lane in self.lanes],
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Timeline:
        lanes = tuple(_lane_of(lane) for lane in data["lanes"])
        return cls(
            start=data["start"], end=data["end"], invocations=data["invocations"],
            deliveries=data["deliveries"], lanes=lanes, hidden_lanes=data["hidden_lanes"],
            hidden_invocations=data["hidden_invocations"],
        )  # fmt: skip


def _lane_dict(lane: Lane) -> dict[str, Any]:
    return {
        "name": lane.name, "summary": lane.summary, "hidden": lane.hidden,
        "hidden_at": lane.hidden_at, "hidden_fates": lane.hidden_fates,
        "steps": [_fields(step) for step in lane.steps],
        "fates": [_fields(fate) for fate in lane.fates],
    }  # fmt: skip


def _lane_of(data: Mapping[str, Any]) -> Lane:
    return Lane(
        name=data["name"], summary=data["summary"],
        steps=tuple(Step(**step) for step in data["steps"]),
        fates=tuple(Fate(**fate) for fate in data["fates"]),
        hidden=data["hidden"], hidden_at=data["hidden_at"], hidden_fates=data["hidden_fates"],
    )  # fmt: skip


def _fields(record: Step | Fate) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


def _compact_lane(lane: Lane, lines: int | None) -> Lane:
    fates = lane.fates[:6]
    hidden_fates = lane.hidden_fates + len(lane.fates) - len(fates)
    steps = lane.steps
    if lines is None or len(steps) <= lines:
        return replace(lane, fates=fates, hidden_fates=hidden_fates)
    head, kept = _kept(steps, lines)
    return replace(lane, steps=kept, hidden=lane.hidden + len(steps) - len(kept),
                   hidden_at=head, fates=fates, hidden_fates=hidden_fates)  # fmt: skip


def _kept(items: Sequence[T], lines: int) -> tuple[int, tuple[T, ...]]:
    """The first two thirds and the last third of ``lines`` items, and how many come first."""
    tail = max(1, lines // 3) if lines > 1 else 0
    head = lines - tail
    return head, tuple(items[:head]) + (tuple(items[len(items) - tail :]) if tail else ())


# --- building ------------------------------------------------------------------------------
@dataclass
class _LaneParts:
    name: str
    first: datetime
    invocations: list[tuple[Invocation, list[Pair]]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)


def build(ledger: Ledger, now: datetime, lines_per_lane: int | None = None) -> Timeline:
    """The timeline of ``ledger`` (``now``: the harness clock's time). ``lines_per_lane``
    cuts long lanes as ``compact`` does, before their lines are made (a drain of 100,000
    messages has 10,000 invocations); None keeps every line."""
    start = _start(ledger)
    if start is None:
        return Timeline(None, 0.0, 0, 0, ())
    batches = _batches(ledger.deliveries)
    lanes: dict[str, _LaneParts] = {}
    for delivery in ledger.deliveries:
        when = delivery.enqueued_at or start
        _lane(lanes, _delivery_lane(delivery), when).deliveries.append(delivery)
    for invocation in ledger.invocations:
        pairs = batches.get(id(invocation), [])
        name = _delivery_lane(pairs[0][0]) if pairs else _caller_lane(invocation)
        _lane(lanes, name, invocation.started_at).invocations.append((invocation, pairs))
    ordered = sorted(lanes.values(), key=lambda parts: parts.first)
    return Timeline(
        start=iso_utc(start), end=_seconds(now - start), invocations=len(ledger.invocations),
        deliveries=len(ledger.deliveries),
        lanes=tuple(_make_lane(parts, start, batches, lines_per_lane) for parts in ordered),
    )  # fmt: skip


def compact_timeline(
    ledger: Ledger, now: datetime, lines_per_lane: int | None = DEFAULT_LINES_PER_LANE
) -> Timeline:
    """``build`` then ``compact``: what a report and ``Harness.timeline()`` show."""
    return build(ledger, now, lines_per_lane).compact(lines_per_lane)


def _start(ledger: Ledger) -> datetime | None:
    """The first recorded time. Not simply the first entry's: a stream's deliveries open when
    a poll reads records that arrived earlier, and concurrent batches share a start."""
    times = [d.enqueued_at for d in ledger.deliveries if d.enqueued_at is not None]
    times += [invocation.started_at for invocation in ledger.invocations]
    return min(times) if times else None


def _batches(deliveries: Iterable[Delivery]) -> dict[int, list[Pair]]:
    """Each invocation's deliveries (keyed by ``id``), with which attempt it was for each."""
    batches: dict[int, list[Pair]] = {}
    for delivery in deliveries:
        for number, invocation in enumerate(delivery.invocations, 1):
            batches.setdefault(id(invocation), []).append((delivery, number))
    return batches


def _lane(lanes: dict[str, _LaneParts], name: str, when: datetime) -> _LaneParts:
    parts = lanes.get(name)
    if parts is None:
        parts = lanes[name] = _LaneParts(name, when)
    elif when < parts.first:
        parts.first = when
    return parts


def _delivery_lane(delivery: Delivery) -> str:
    shard = getattr(delivery.item, "shard_id", None)
    return f"{delivery.flow} [{shard}]" if isinstance(shard, str) else delivery.flow


def _caller_lane(invocation: Invocation) -> str:
    kind = "async" if invocation.invocation_type == "Event" else "invoke"
    return f"{kind}:{invocation.function}"


def _make_lane(
    parts: _LaneParts, start: datetime, batches: dict[int, list[Pair]], lines: int | None
) -> Lane:
    invocations = sorted(parts.invocations, key=lambda entry: entry[0].started_at)
    head, kept = 0, tuple(invocations)
    if lines is not None and len(invocations) > lines:
        head, kept = _kept(invocations, lines)
    steps = tuple(_step(inv, pairs, start, batches) for inv, pairs in kept)
    fates = tuple(_fates(parts.deliveries, start))
    hidden = len(invocations) - len(kept)
    return Lane(parts.name, _summary(parts), steps, fates, hidden, head if hidden else 0)


def _summary(parts: _LaneParts) -> str:
    counts: dict[str, int] = {}
    for delivery in parts.deliveries:
        counts[delivery.status] = counts.get(delivery.status, 0) + 1
    said = [_count(len(parts.invocations), "invocation")] if parts.invocations else []
    if parts.deliveries:
        noun = _noun(parts.name, len(parts.deliveries))
        said.append(f"{len(parts.deliveries)} {noun} ("
                    + ", ".join(f"{n} {status}" for status, n in counts.items()) + ")")  # fmt: skip
    return ", ".join(said)


def _noun(flow: str, count: int) -> str:
    if flow.startswith(("sqs:", "mq:", "rabbitmq:")):
        noun = "message"
    elif flow.startswith(("kinesis:", "dynamodb:", *_KAFKA_FLOWS)):
        noun = "record"
    else:
        noun = "event"
    return noun if count == 1 else noun + "s"


# --- one invocation ------------------------------------------------------------------------
def _step(
    invocation: Invocation, pairs: list[Pair], start: datetime, batches: dict[int, list[Pair]]
) -> Step:
    kind, outcome = _outcome(invocation, pairs)
    numbers = sorted({number for _, number in pairs}) if pairs else [invocation.attempt]
    attempt = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
    return Step(
        offset=_seconds(invocation.started_at - start), function=invocation.function,
        attempt=attempt, batch=_batch(invocation, pairs), outcome=outcome, kind=kind,
        why=_why(invocation, pairs, batches), duration=_seconds(invocation.duration),
    )  # fmt: skip


def _outcome(invocation: Invocation, pairs: list[Pair]) -> tuple[str, str]:
    error = invocation.error
    if invocation.timed_out and error is not None:  # "RequestId: <id> Error: Task timed out..."
        return "timeout", _cut(error.message.rpartition("Error: ")[2], MESSAGE_CHARS)
    if error is not None:
        return "error", _cut(f"{error.type}: {error.message}", MESSAGE_CHARS)
    if invocation.accepted is False:
        return "rejected", _cut(str(invocation.rejection), REASON_CHARS)
    notes = "; ".join(invocation.notes)
    reported = _reported_failures(invocation.response)
    if pairs:
        retried = [d for d, number in pairs if number < len(d.invocations) or d.status == "failed"]
        if reported and retried:
            return "partial", f"{reported} of {len(pairs)} reported in batchItemFailures"
        if reported:
            return "ok", (f"ok; {reported} in batchItemFailures were ignored (the mapping does "
                          "not report batch item failures)")  # fmt: skip
        if retried:
            why = next((d.reason for d in retried if d.reason), None) or "the response"
            return "rejected", _cut(f"returned, but the batch failed: {why}", REASON_CHARS)
    said = "ok" + _status_code(invocation.response)
    return "ok", _cut(f"{said}; {notes}", REASON_CHARS) if notes else said


def _reported_failures(response: Any) -> int:
    if isinstance(response, Mapping):
        failures = response.get("batchItemFailures")
        if isinstance(failures, list):
            return len(failures)
    return 0


def _status_code(response: Any) -> str:
    code = response.get("statusCode") if isinstance(response, Mapping) else None
    return f" (statusCode {code})" if isinstance(code, int | str) else ""


def _why(invocation: Invocation, pairs: list[Pair], batches: dict[int, list[Pair]]) -> str:
    """Why this invocation ran again, from the previous invocation of its most-tried item."""
    if not pairs:
        if invocation.invocation_type == "Event" and invocation.attempt > 1:
            return f"asynchronous retry {invocation.attempt - 1}"
        return ""
    delivery, number = max(pairs, key=lambda pair: pair[1])
    if number == 1:
        return ""
    previous = delivery.invocations[number - 2]
    since_start = _duration(invocation.started_at - previous.started_at)
    since_end = _duration(invocation.started_at - previous.started_at - previous.duration)
    flow = delivery.flow
    if flow.startswith("sqs:"):
        return f"visibility timeout ran out {since_start} after receive {number - 1}"
    if invocation.invocation_type == "Event":
        return f"asynchronous retry {number - 1}, {since_end} after attempt {number - 1} failed"
    if isinstance(getattr(delivery.item, "shard_id", None), str):
        return _stream_why(previous, pairs, batches, since_end)
    return f"retried {since_end} after attempt {number - 1} failed"


def _stream_why(
    previous: Invocation, pairs: list[Pair], batches: dict[int, list[Pair]], since_end: str
) -> str:
    before = len(batches.get(id(previous), ()))
    if before > len(pairs):
        if previous.error is not None:
            return f"bisected: half of the failed batch of {before}"
        return f"retried from the checkpoint: {before - len(pairs)} of {before} had succeeded"
    return f"retried {since_end} after the batch failed"


def _batch(invocation: Invocation, pairs: list[Pair]) -> str:
    if not pairs:
        return _event_summary(invocation.event)
    deliveries = [delivery for delivery, _ in pairs]
    flow = deliveries[0].flow
    if flow.startswith("async:"):
        return _event_summary(deliveries[0].item)
    count = f"{len(deliveries)} {_noun(flow, len(deliveries))}"
    return f"{count}: {_labels(deliveries, ranged=True)}"


def _labels(deliveries: list[Delivery], *, ranged: bool = False) -> str:
    """Short ids: SQS/MQ message ids, Kafka offsets, stream sequence numbers (first to last
    for a batch, which is contiguous in its shard). Only the ids shown are made."""
    if not deliveries:
        return ""
    if ranged and len(deliveries) > 2 and isinstance(
            getattr(deliveries[0].item, "shard_id", None), str):  # fmt: skip
        word, _, first = _label(deliveries[0]).partition(" ")  # "seq ...123", "offset 7"
        last = _label(deliveries[-1]).partition(" ")[2]
        return f"{'offsets' if word == 'offset' else word} {first} to {last}"
    shown = " ".join(_label(delivery) for delivery in deliveries[:LABELS_SHOWN])
    more = len(deliveries) - LABELS_SHOWN
    return f"{shown} +{more}" if more > 0 else shown


def _label(delivery: Delivery) -> str:
    item = delivery.item
    message_id = getattr(item, "message_id", None)
    if isinstance(message_id, str):
        return message_id[:8]
    sequence = getattr(item, "sequence", None)
    if isinstance(sequence, str):
        if delivery.flow.startswith(_KAFKA_FLOWS):
            return f"offset {sequence}"
        return "seq " + (sequence if len(sequence) <= 8 else "..." + sequence[-6:])
    if delivery.request_id:
        return delivery.request_id[:8]
    return _event_summary(item)


def _event_summary(event: Any) -> str:
    """What an event is, in a few words: its source and what identifies it."""
    if not isinstance(event, Mapping):
        return _cut(type(event).__name__ if not isinstance(event, str) else repr(event), 40)
    records = event.get("Records")
    if isinstance(records, list) and records:
        first = records[0] if isinstance(records[0], Mapping) else {}
        source = first.get("eventSource") or first.get("EventSource")
        said = _count(len(records), "record")
        return f"{len(records)} {source} {said.partition(' ')[2]}" if source else said
    detail_type = event.get("detail-type")
    if isinstance(detail_type, str):
        resources = event.get("resources")
        named = resources[0].rpartition("/")[2] if isinstance(resources, list) and resources and (
            isinstance(resources[0], str)) else str(event.get("source", ""))  # fmt: skip
        return _cut(f"{detail_type} ({named})", 60)
    request = _http_request(event)
    if request:
        return request
    keys = ", ".join(sorted(str(key) for key in event)[:4])
    return _cut(f"event {{{keys}}}" if keys else "event {}", 60)


def _http_request(event: Mapping[str, Any]) -> str:
    method, path = event.get("httpMethod"), event.get("path")
    context = event.get("requestContext")
    http = context.get("http") if isinstance(context, Mapping) else None
    if isinstance(http, Mapping):
        method, path = http.get("method"), event.get("rawPath", http.get("path"))
    if isinstance(method, str) and isinstance(path, str):
        return _cut(f"{method} {path}", 60)
    return ""


# --- fates ---------------------------------------------------------------------------------
def _fates(deliveries: list[Delivery], start: datetime) -> list[Fate]:
    groups: dict[tuple[str, str, str], list[Delivery]] = {}
    for delivery in deliveries:
        # a success's reason is an earlier attempt's failure: its fate needs no why
        reason = "" if delivery.status == "succeeded" else (delivery.reason or "")
        groups.setdefault((delivery.status, delivery.condition or "", reason), []).append(delivery)
    return [_fate(key, group, start) for key, group in groups.items()]


def _fate(key: tuple[str, str, str], group: list[Delivery], start: datetime) -> Fate:
    status, condition, reason = key
    finished = [d.finished_at for d in group if d.finished_at is not None]
    if status == "succeeded":
        retried = sum(1 for d in group if d.attempts > 1)
        reason = f"{retried} of them after more than one invocation" if retried else ""
    elif status == "pending" and reason:
        reason = f"last failure: {reason}"
    return Fate(
        count=len(group), status=status, condition=condition,
        at=_seconds(max(finished) - start) if finished else None,
        items=_labels(group), reason=_cut(reason, REASON_CHARS),
    )  # fmt: skip


# --- text ----------------------------------------------------------------------------------
def render_text(timeline: Timeline) -> str:
    if timeline.empty:
        return "lambda-events timeline: the harness ran nothing (no invocations, no deliveries)"
    lines = [_header(timeline)]
    for lane in timeline.lanes:
        lines += _lane_lines(lane)
    if timeline.hidden_lanes:
        lines.append(f"... {timeline.hidden_lanes} more lanes ({timeline.hidden_invocations} "
                     "invocations) not shown")  # fmt: skip
    return "\n".join(lines)


def _header(timeline: Timeline) -> str:
    lanes = len(timeline.lanes) + timeline.hidden_lanes
    return (
        f"lambda-events timeline: {_count(timeline.invocations, 'invocation')}, "
        f"{_count(timeline.deliveries, 'delivery', 'deliveries')} in {_count(lanes, 'lane')}; "
        f"t0 = {timeline.start} (first event), clock at t0{offset_text(timeline.end)}"
    )


def _lane_lines(lane: Lane) -> list[str]:
    rows = [_row(step) for step in lane.steps]
    widths = [max((len(row[i]) for row in rows), default=0) for i in range(4)]
    lines = [f"== {lane.name}: {lane.summary}"]
    for index, row in enumerate(rows):
        if lane.hidden and index == lane.hidden_at:
            lines.append(f"   ... {_count(lane.hidden, 'more invocation')} ...")
        cells = [cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)]
        tail = row[4] + (f"  <- {row[5]}" if row[5] else "")
        lines.append(("   " + "  ".join(cells) + "  " + tail).rstrip())
    if lane.hidden and lane.hidden_at >= len(rows):
        lines.append(f"   ... {_count(lane.hidden, 'more invocation')} ...")
    for fate in lane.fates:
        lines.append("   => " + fate_text(fate))
    if lane.hidden_fates:
        lines.append(f"   => ... {lane.hidden_fates} more kinds of fate")
    return lines


def _row(step: Step) -> tuple[str, str, str, str, str, str]:
    took = f" (took {step.took})" if step.took else ""
    return (
        offset_text(step.offset), step.function, f"#{step.attempt}", step.batch,
        f"{step.kind.upper()} {step.outcome}{took}" if step.kind != "ok" else step.outcome + took,
        step.why,
    )  # fmt: skip


def fate_text(fate: Fate) -> str:
    """``3 failed MaxReceiveCountExceeded at +1m30s [ids]: reason``."""
    return f"{fate.count} {fate.status}{fate_detail(fate)}"


def fate_detail(fate: Fate) -> str:
    """What follows the count and status in ``fate_text``."""
    said = ""
    if fate.condition and fate.condition not in ("Success", fate.status):
        said += f" {fate.condition}"
    if fate.at is not None:
        said += f" at {offset_text(fate.at)}"
    if fate.items:
        said += f" [{fate.items}]"
    return f"{said}: {fate.reason}" if fate.reason else said


def offset_text(seconds: float) -> str:
    """``+7.5s``, ``+1m30s``, ``+2h05m10s``, ``+3d04h05m``: a time after t0."""
    return "+" + duration_text(seconds)


def _duration(delta: timedelta) -> str:
    return duration_text(delta.total_seconds())


def duration_text(seconds: float) -> str:
    """``7.5s``, ``1m30s``, ``2h05m10s``, ``3d04h05m``."""
    if seconds < 60:
        return f"{seconds:.3f}".rstrip("0").rstrip(".") + "s"
    if seconds < 3600:
        minutes, rest = divmod(seconds, 60)
        fraction = f"{rest:06.3f}".rstrip("0").rstrip(".")
        return f"{int(minutes)}m{fraction}s"
    whole = int(seconds)
    days, whole = divmod(whole, 86_400)
    hours, whole = divmod(whole, 3600)
    minutes, secs = divmod(whole, 60)
    if days:
        return f"{days}d{hours:02d}h{minutes:02d}m"
    return f"{hours}h{minutes:02d}m{secs:02d}s"


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else (plural or noun + 's')}"


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())  # one line: tracebacks and JSON keep their newlines
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _seconds(delta: timedelta) -> float:
    return round(delta.total_seconds(), 6)


def iso_utc(when: datetime) -> str:
    """``2026-03-02T08:30:00Z``: a time on the timeline, as its header and the report show it."""
    return when.isoformat().replace("+00:00", "Z")


def check_lines_per_lane(value: Any) -> int | None:
    """``lines_per_lane`` of ``Harness.timeline``: a positive int or None (every line)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool) and value > 0):
        return value
    raise HarnessError(
        f"timeline(lines_per_lane={value!r}): give a positive int (lines kept per lane) or None "
        "(every line)"
    )
