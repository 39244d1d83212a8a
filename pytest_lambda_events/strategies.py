"""Hypothesis strategies that draw valid, internally consistent Lambda events, for property tests
of handlers::

    from hypothesis import given
    from pytest_lambda_events.strategies import events, sqs_records

    @given(sqs_records(min_size=1, max_size=10))
    def test_every_failure_is_reported(event): ...

    @given(events("api_gateway_v2", method="POST"))
    def test_never_a_500(event): ...

Every event comes from the public builder (``build_event``'s), so it is what the builders make:
real MD5s, ARNs that agree with region and account, growing sequence numbers. A strategy draws
the builder's seed and, where it applies, overrides that reach AWS's edge cases: one-character,
unicode and largest bodies, binary attributes, base64 HTTP bodies, multi-value headers, missing
optional fields and the largest batches AWS sends. Large examples are drawn rarely, so tests stay
fast; shrinking goes towards seed 0, one record, the builder's default bodies.

Hypothesis is an optional extra: ``pip install "pytest-lambda-events[hypothesis]"``.
"""

from __future__ import annotations

import base64
import json
import random
import sys
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias

try:
    from hypothesis import strategies as st
except ImportError as error:  # the message says what to install: it is an optional extra
    raise ImportError(
        "pytest_lambda_events.strategies needs Hypothesis: "
        'pip install "pytest-lambda-events[hypothesis]"'
    ) from error

from .building import MAX_BATCH_PAYLOAD_BYTES, build, default_registry
from .catalogue import SourceRegistry
from .content import business_json_from
from .errors import EventConfigError
from .registry import EventSource
from .sources.sqs import message_attribute, message_size

__all__ = [
    "KINESIS_MAX_RECORD_BYTES",
    "SNS_MAX_MESSAGE_BYTES",
    "SQS_MAX_MESSAGE_BYTES",
    "SQS_MESSAGE_SIZES",
    "TRICKY_TEXT",
    "batches",
    "dynamodb_records",
    "events",
    "kinesis_records",
    "sqs_records",
]

Event: TypeAlias = dict[str, Any]
Overrides: TypeAlias = dict[str, Any]
# Hypothesis's ``draw`` of a composite strategy
Draw: TypeAlias = Callable[[st.SearchStrategy[Any]], Any]
# a plan's overrides for a batch of n records (None: the source takes no count)
Make: TypeAlias = Callable[[int | None], Overrides]

# SendMessage: "The minimum size is one character. The maximum size is 1 MiB or 1,048,576 bytes"
# (semantics.md 4.4, MaximumMessageSize 1,024 to 1,048,576); 262,144 bytes (256 KiB) was the
# maximum until 2025 and is still that of queues configured so. The size counts the body and
# the message attributes (name, type and value bytes).
SQS_MAX_MESSAGE_BYTES = 1_048_576
SQS_MESSAGE_SIZES = (262_144, SQS_MAX_MESSAGE_BYTES)
SNS_MAX_MESSAGE_BYTES = 262_144  # 1 to 262,144 bytes (sources/sns.py, SNS Publish)
KINESIS_MAX_RECORD_BYTES = 1_048_576  # data plus partition key (sources/kinesis.py)
_SEEDS = st.integers(0, 2**32 - 1)
# the default first: examples shrink towards it; the others change every ARN's partition
_REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2", "cn-north-1", "us-gov-west-1")
# batch sizes: mostly a few records, sometimes hundreds, rarely (1 in 16) the largest batch
# AWS sends, which takes 0.1-0.8 s to build
# (Hypothesis picks uniformly from a sampled_from list, so repeats are weights)
_SIZE_KINDS = ("few",) * 12 + ("some",) * 3 + ("largest",)

# Text that breaks handlers: empty, whitespace, non-BMP, combining marks, right-to-left,
# zero-width joiners, separators JSON and JavaScript disagree on, quotes and markup.
TRICKY_TEXT = (
    "",
    " ",
    "😀 𝄞 𠜎 (outside the BMP)",
    "e\u0301 Z\u0351\u0361a\u0300 (combining marks)",
    "שלום עולם (right to left)",
    "مرحبا \u202ereversed\u202c",
    "👩\u200d👩\u200d👧\u200d👦 family",
    "\ttab\r\nCRLF\n",
    '"quoted" \\ </script> & <b>',
    "\u00a0\u2028\u2029 separators",
    "null",
    "0",
    '{"nested": "json", "n": 1e400}',
    "ﬁ ß İ ǅ Å (case folding)",
)
# the characters SQS accepts in a body (SendMessage): #x9 | #xA | #xD | #x20 to #xD7FF |
# #xE000 to #xFFFD | #x10000 to #x10FFFF
_ANY_XML_CHAR = st.characters(
    codec="utf-8",
    exclude_categories=("Cs", "Cc"),
    exclude_characters="\ufffe\uffff",
    include_characters="\t\n\r",
)
# characters that break text handling, mixed into drawn text so that they are common: combining
# marks, right-to-left letters and marks, joiners, a byte-order mark, separators, non-BMP
# emoji and symbols, quotes and escapes
_SPICE = (
    "\u0301\u0308\u0351\u0361\u05e9\u05dc\u0645\u0631\u202e\u202c\u200f\u200d\u200b\ufeff"
    "\u00a0\u2028\u2029\U0001f600\U0001f469\U0001d11e\U00020b9f\"\\'<&\t\r\n"
)
_XML_CHARS = st.one_of(_ANY_XML_CHAR, st.sampled_from(_SPICE))  # shrinks to plain characters


def _text(min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    # a list joined, not st.text: text() merges its alphabet into one set of code points, in
    # which the few spice characters would drown
    return st.lists(_XML_CHARS, min_size=min_size, max_size=max_size).map("".join)


_TEXT = _text()
_NON_EMPTY_TEXT = _text(min_size=1)


def _json_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3)


_JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | _TEXT, _json_containers, max_leaves=6
)
_JSON_TEXT = _JSON_VALUE.map(lambda v: json.dumps(v, ensure_ascii=False))


class _Largest:
    """A body of exactly ``size`` UTF-8 bytes (less the attributes' bytes), ``unit`` repeated:
    made when the batch is built, as its size depends on the message's attributes."""

    __slots__ = ("size", "unit")

    def __init__(self, size: int, unit: str) -> None:
        self.size, self.unit = size, unit

    def text(self, size: int) -> str:
        raw = self.unit.encode() * (size // len(self.unit.encode()))
        return raw.decode() + "x" * (size - len(raw))  # ASCII tail: exactly ``size`` bytes

    def __repr__(self) -> str:
        return f"<{self.size:,}-byte body of {self.unit!r}>"


_LARGE_UNITS = st.sampled_from(("x", "é", "😀", '{"k":"v"},'))


# ---------------------------------------------------------------------------------------------
# public strategies


def events(
    source: str | EventSource, /, *, registry: SourceRegistry | None = None, **fixed: Any
) -> st.SearchStrategy[Event]:
    """Events of ``source`` (any registered id, or an ``EventSource``), each built by the
    source's builder from a drawn seed, with drawn edge-case overrides where the source has them.

    ``fixed`` overrides are passed to every build, and the strategy draws nothing they set. An
    unknown source, an unknown override or a value AWS would refuse raises ``EventConfigError``
    here, when the strategy is made. ``registry`` defaults to the running pytest session's (so
    sources registered by plugins are found), else the built-in sources'."""
    resolved = _source(source, registry)
    sizes = None if resolved.max_count is None else (1, resolved.max_count)
    return _strategy(resolved, fixed, sizes, f"events({resolved.id!r})")


def batches(
    source: str | EventSource,
    /,
    min_size: int = 1,
    max_size: int | None = None,
    *,
    registry: SourceRegistry | None = None,
    **fixed: Any,
) -> st.SearchStrategy[Event]:
    """Whole events of a batching source (one with ``count``) holding ``min_size`` to
    ``max_size`` records (default: AWS's maximum for the source), drawn as ``events`` draws."""
    resolved = _source(source, registry)
    return _records(resolved, "batches", min_size, max_size, fixed)


def sqs_records(min_size: int = 1, max_size: int = 10, **fixed: Any) -> st.SearchStrategy[Event]:
    """Whole SQS events whose ``Records`` hold ``min_size`` to ``max_size`` messages (default
    1 to 10, the mapping's default BatchSize; AWS allows up to 10,000, FIFO queues 10)."""
    return _records(_source("sqs", None), "sqs_records", min_size, max_size, fixed)


def kinesis_records(
    min_size: int = 1, max_size: int = 100, **fixed: Any
) -> st.SearchStrategy[Event]:
    """Whole Kinesis events with ``min_size`` to ``max_size`` records of one shard (default 1 to
    100, the mapping's default BatchSize; AWS allows up to 10,000)."""
    return _records(_source("kinesis", None), "kinesis_records", min_size, max_size, fixed)


def dynamodb_records(
    min_size: int = 1, max_size: int = 100, **fixed: Any
) -> st.SearchStrategy[Event]:
    """Whole DynamoDB Streams events with ``min_size`` to ``max_size`` records (default 1 to 100,
    the mapping's default BatchSize; AWS allows up to 10,000)."""
    return _records(_source("dynamodb", None), "dynamodb_records", min_size, max_size, fixed)


# ---------------------------------------------------------------------------------------------
# set-up: everything checked eagerly, when the strategy is made


def _source(source: str | EventSource, registry: SourceRegistry | None) -> EventSource:
    if isinstance(source, EventSource):
        return source
    if not isinstance(source, str):
        raise EventConfigError(
            f"a source id is a str such as 'sqs', not {type(source).__name__} {source!r}"
        )
    return _registry(registry).get(source)


def _registry(given: SourceRegistry | None) -> SourceRegistry:
    """The given registry, else the running pytest session's (plugins' sources included: the
    plugin lists its sessions' registries), else the built-in sources'."""
    if given is not None:
        return given
    plugin = sys.modules.get("pytest_lambda_events.plugin")
    active: list[SourceRegistry] | None = getattr(plugin, "ACTIVE_REGISTRIES", None)
    return active[-1] if active else default_registry()


def _records(
    source: EventSource, name: str, min_size: Any, max_size: Any, fixed: Mapping[str, Any]
) -> st.SearchStrategy[Event]:
    limit = source.max_count
    if limit is None:
        raise EventConfigError(
            f"{name}: {source.id} events hold one record (AWS does not batch them); use "
            f"events({source.id!r})",
            source=source.id,
        )
    where = f"one {source.id} event"
    if fixed.get("fifo") is True or str(fixed.get("queue_name", "")).endswith(".fifo"):
        limit, where = 10, "one batch from a FIFO queue"  # semantics.md 4.1
    if max_size is None:
        max_size = limit
    for arg, value in (("min_size", min_size), ("max_size", max_size)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise _size_error(source, name, arg, f"expected int, got {type(value).__name__} "
                              f"{value!r}; allowed: 1 to {limit:,}")  # fmt: skip
        if not 1 <= value <= limit:
            raise _size_error(source, name, arg, f"{value:,} is outside 1 to {limit:,}, the "
                              f"records AWS puts in {where}")  # fmt: skip
    if min_size > max_size:
        raise _size_error(source, name, "min_size", f"{min_size:,} is above max_size {max_size:,}")
    if "count" in fixed:
        raise _size_error(source, name, "count", "is drawn from min_size to max_size; pass "
                          "min_size=max_size=N for a fixed count")  # fmt: skip
    label = f"{name}({source.id!r}, " if name == "batches" else f"{name}("
    return _strategy(source, fixed, (min_size, max_size), f"{label}{min_size}, {max_size})")


def _size_error(source: EventSource, name: str, arg: str, detail: str) -> EventConfigError:
    return EventConfigError(f"{name}: {arg}: {detail}", source=source.id, field=arg)


class _Setup:
    """What every draw of one strategy shares: the source, the caller's fixed overrides, the
    range of batch sizes, and the overrides that build with them (checked once, here)."""

    __slots__ = ("fixed", "last_error", "plan", "regions", "sizes", "source", "variants")

    def __init__(
        self, source: EventSource, fixed: Mapping[str, Any], sizes: tuple[int, int] | None
    ) -> None:
        self.source, self.fixed = source, dict(fixed)
        self.last_error: EventConfigError | None = None
        build(source, 0, self.fixed)  # unknown, invalid or clashing overrides: raised now
        if "count" in fixed or _sets_count(source, fixed):
            sizes = None
        self.sizes = sizes
        self.plan: _Plan = _PLANS.get(source.id, _plain_plan) if _is_builtin(source) else (
            _plain_plan)  # fmt: skip
        handled = _HANDLES.get(source.id, frozenset()) if self.plan is not _plain_plan else ()
        self.regions = [r for r in _REGIONS if "region" not in fixed and self._builds(region=r)]
        self.variants = self._variants(frozenset(handled))

    def _builds(self, seeds: range = range(4), **extra: Any) -> bool:
        """Whether ``extra`` builds with the fixed overrides, at a few seeds."""
        try:
            for seed in seeds:
                build(self.source, seed, {**self.fixed, **extra})
        except EventConfigError as error:
            self.last_error = error
            return False
        return True

    def _variants(self, handled: frozenset[str]) -> list[tuple[Overrides, int]]:
        """The builder's default, then each value of each option with a few values (choices,
        booleans), that builds: one a draw, with the most records it builds with."""
        out: list[tuple[Overrides, int]] = [({}, self._cap({}))]
        for option in self.source.options:
            if option.name in self.fixed or option.name in handled:
                continue
            values = option.choices or ((True, False) if option.type is bool else ())
            for value in values:
                if value != option.default and self._builds(**{option.name: value}):
                    out.append(({option.name: value}, self._cap({option.name: value})))
        return [(v, cap) for v, cap in out if cap > 0]

    def _cap(self, variant: Overrides) -> int:
        """The most records a variant takes: 1 when it builds only single-record events (an
        AppSync Invoke), 0 when it does not build in the size range at all."""
        if self.sizes is None:
            return 1
        low, high = self.sizes  # one seed: a batch of thousands takes a tenth of a second
        if high > 1 and self._builds(range(1), **variant, count=max(low, 2)):
            return high
        return 1 if low == 1 and self._builds(range(1), **variant, count=1) else 0


def _strategy(
    source: EventSource, fixed: Mapping[str, Any], sizes: tuple[int, int] | None, label: str
) -> st.SearchStrategy[Event]:
    setup = _Setup(source, fixed, sizes)
    if not setup.variants:
        raise EventConfigError(
            f"{label}: no {source.id} event of that size builds with the fixed overrides "
            f"{sorted(fixed)}: {setup.last_error}",
            source=source.id,
        )
    return _draw_event(setup)


def _sets_count(source: EventSource, fixed: Mapping[str, Any]) -> bool:
    """Whether a fixed override is a per-record list (``bodies``, ``data``...): it sets count."""
    return any("sets count" in source.all_options[name].help for name in fixed)


def _is_builtin(source: EventSource) -> bool:
    return getattr(source.builder, "__module__", "").startswith("pytest_lambda_events.sources")


# ---------------------------------------------------------------------------------------------
# drawing


@st.composite
def _draw_event(draw: Draw, setup: _Setup) -> Event:
    seed: int = draw(_SEEDS)
    drawn: Overrides = {}
    if setup.regions:
        drawn["region"] = draw(st.sampled_from(setup.regions))
    variant, cap = draw(st.sampled_from(setup.variants))
    sizes = setup.sizes
    # drawn first: a plan draws no FIFO queue or 1 MiB record into the largest batch
    kind = draw(st.sampled_from(_SIZE_KINDS)) if sizes and sizes[1] > sizes[0] else "few"
    given = {**drawn, **variant, **setup.fixed}
    plan_cap, make = setup.plan(draw, given, seed, kind == "largest")
    if sizes is None:
        count = setup.fixed.get("count")
        return _build(setup, seed, drawn, variant, lambda n: make(count), None)
    low, high = sizes[0], min(sizes[1], cap, plan_cap)
    if kind == "largest" and high > low:
        return _build(setup, seed, drawn, variant, make, high, largest=True)
    top = min(high, low + 9) if kind == "few" else min(high, max(low, 500))
    return _build(setup, seed, drawn, variant, make, draw(st.integers(low, top)))


def _build(
    setup: _Setup,
    seed: int,
    drawn: Overrides,
    variant: Overrides,
    make: Make,
    count: int | None,
    *,
    largest: bool = False,
) -> Event:
    """Build with the variant; a variant valid only for some of the builder's own draws (an
    option for one event type, drawn from the seed) falls back to the builder's default."""
    for chosen in (variant, {}) if variant else ({},):
        base = {**drawn, **chosen, **setup.fixed}
        try:
            if largest and count is not None:
                return _largest(setup.source, seed, _merged(base, make), count)
            return build(setup.source, seed, {**base, **make(count)})
        except EventConfigError as error:
            if not chosen or error.field not in chosen:
                raise
    raise AssertionError("unreachable: the last attempt raises or returns")


def _merged(base: Overrides, make: Make) -> Make:
    return lambda n: {**base, **make(n)}


def _largest(source: EventSource, seed: int, overrides: Make, high: int) -> Event:
    """The largest batch AWS sends: ``high`` records, or as many as fit the 6 MB an event
    source mapping puts in one invoke (semantics.md 8.1), measured on a 100-record batch."""
    count = high
    if high > 100:
        sample = build(source, seed, overrides(100))
        per_record = len(json.dumps(sample, separators=(",", ":"))) / 100
        count = min(high, int(MAX_BATCH_PAYLOAD_BYTES * 0.97 / per_record))
    while True:
        try:
            return build(source, seed, overrides(count))
        except EventConfigError as error:
            if error.field != "count" or "6 MB" not in str(error) or count <= 100:
                raise
            count = int(count * 0.95)


# A plan draws a source's own edge cases: given ``draw``, the overrides already set and the
# seed, it returns the most records its draws allow and a function of the count giving the
# overrides (per-record lists must have one entry per record).
_Plan: TypeAlias = Callable[[Draw, Mapping[str, Any], int, bool], tuple[int, Make]]
_NO_CAP = 10_000_000


def _plain_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    return _NO_CAP, _count_only


def _count_only(n: int | None) -> Overrides:
    return {} if n is None else {"count": n}


def _specials(draw: Draw, values: st.SearchStrategy[Any], largest: bool) -> list[tuple[int, Any]]:
    """Up to three special values at drawn record positions. A batch that is already the
    largest takes no 1 MiB value: a few of those would fill its 6 MB."""
    specials: list[tuple[int, Any]] = draw(
        st.lists(st.tuples(st.integers(0, 9_999), values), max_size=3)
    )
    if largest:
        specials = [(p, b) for p, b in specials if not isinstance(b, _Largest)]
    return specials


def _spread(specials: list[tuple[int, Any]], n: int, filler: Callable[[int], Any]) -> list[Any]:
    """``n`` values: ``filler(i)`` except at the specials' positions (taken modulo ``n``)."""
    out = [filler(i) for i in range(n)]
    for position, value in specials:
        out[position % n] = value
    return out


def _default_bodies(seed: int) -> Callable[[int], str]:
    """The builders' realistic JSON bodies, for the records between drawn special ones."""
    rng = random.Random(seed)
    bits = [rng.getrandbits(256) for _ in range(16)]
    return lambda i: business_json_from(bits[i % 16] ^ i)


# --- SQS


def _sqs_attribute_value() -> st.SearchStrategy[Any]:
    """String (unicode), Number, Binary, and custom-typed attribute values; none empty, as SQS
    requires a value."""
    return st.one_of(
        _NON_EMPTY_TEXT,
        st.integers(-(10**12), 10**12),
        st.binary(min_size=1, max_size=32),
        st.builds(
            lambda raw: {"dataType": "Binary.gzip", "binaryValue": _b64(raw)},
            st.binary(min_size=1, max_size=16),
        ),
        _NON_EMPTY_TEXT.map(lambda t: {"dataType": "String.custom", "stringValue": t}),
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


# attribute names: letters, digits, '_', '-', '.'; not starting with AWS./Amazon. or '.'
_SQS_ATTRIBUTE_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,15}", fullmatch=True).filter(
    lambda n: not n.lower().startswith(("aws", "amazon"))
)
_SQS_ATTRIBUTES = st.one_of(
    st.just({}),
    st.dictionaries(_SQS_ATTRIBUTE_NAMES, _sqs_attribute_value(), min_size=1, max_size=10),
)
_SQS_BODY = st.one_of(
    st.sampled_from(TRICKY_TEXT[1:]),  # SQS bodies hold at least one character
    _NON_EMPTY_TEXT,
    _JSON_TEXT,
    _NON_EMPTY_TEXT,
    _JSON_TEXT,
    st.builds(_Largest, st.sampled_from(SQS_MESSAGE_SIZES), _LARGE_UNITS),  # 1 in 6
)


def _sqs_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    drawn: Overrides = {}
    fifo = bool(given.get("fifo")) or str(given.get("queue_name", "")).endswith(".fifo")
    if not ({"fifo", "queue_name", "group_id"} & given.keys()) and not largest:
        fifo = draw(st.sampled_from((False, False, False, True)))
        if fifo:
            drawn["fifo"] = True
    if "receive_count" not in given:  # redelivered messages: ApproximateReceiveCount > 1
        drawn["receive_count"] = draw(st.sampled_from((1, 1, 1, 2, 5, 1000)))
    attributes = given.get("message_attributes")
    if attributes is None:
        attributes = draw(_SQS_ATTRIBUTES)
        if attributes:
            drawn["message_attributes"] = attributes
    cap = 10 if fifo else _NO_CAP  # a FIFO queue delivers at most 10 messages per batch
    if {"body", "bodies"} & given.keys():
        return cap, lambda n: {**drawn, **_count_only(n)}
    specials = _specials(draw, _SQS_BODY, largest)
    if not specials:
        return cap, lambda n: {**drawn, **_count_only(n)}
    room = message_size("", {n: message_attribute(v) for n, v in attributes.items()})
    sized = [(p, b.text(b.size - room) if isinstance(b, _Largest) else b) for p, b in specials]
    if any(isinstance(b, _Largest) for _, b in specials):
        cap = 5  # a batch around a 1 MiB message stays small, and its example fast
        big = [i for i, (_, b) in enumerate(specials) if isinstance(b, _Largest)]
        sized = [s for i, s in enumerate(sized) if i not in big[1:]]  # one per batch
    filler = _default_bodies(seed)

    def make(n: int | None) -> Overrides:
        return {**drawn, "bodies": _spread(sized, n or 1, filler)}

    return cap, make


# --- Kinesis


_KINESIS_DATA = st.one_of(
    st.just(b""),  # PutRecord's Data may be empty (0 to 1 MiB)
    st.binary(min_size=1, max_size=64),
    _TEXT,
    st.sampled_from(TRICKY_TEXT),
    _JSON_VALUE.filter(lambda v: isinstance(v, dict)),
    st.builds(_Largest, st.just(KINESIS_MAX_RECORD_BYTES), _LARGE_UNITS),
)
# 1 to 256 Unicode characters
_PARTITION_KEYS = st.one_of(
    st.sampled_from(TRICKY_TEXT[1:]),
    _text(min_size=1, max_size=256),
    _LARGE_UNITS.map(lambda unit: (unit * 256)[:256]),  # the longest key
)


def _kinesis_plan(
    draw: Draw, given: Mapping[str, Any], seed: int, largest: bool
) -> tuple[int, Make]:
    drawn: Overrides = {}
    key_given = {"partition_key", "partition_keys"} & given.keys()
    if not key_given and draw(st.booleans()):
        drawn["partition_key"] = draw(_PARTITION_KEYS)
    if {"data", "payload"} & given.keys():
        return _NO_CAP, lambda n: {**drawn, **_count_only(n)}
    specials = _specials(draw, _KINESIS_DATA, largest)
    if not specials:
        return _NO_CAP, lambda n: {**drawn, **_count_only(n)}
    big = any(isinstance(b, _Largest) for _, b in specials)
    if big and not key_given and "partition_key" not in drawn:
        drawn["partition_key"] = draw(_PARTITION_KEYS)  # a known key: the record fills 1 MiB
    key = drawn.get("partition_key") or given.get("partition_key") or "k" * 256
    room = len(key.encode())
    sized = [(p, b.text(b.size - room).encode() if isinstance(b, _Largest) else b)
             for p, b in specials]  # fmt: skip
    filler = _default_bodies(seed)

    def make(n: int | None) -> Overrides:
        return {**drawn, "data": _spread(sized, n or 1, lambda i: filler(i).encode())}

    # 1 MiB records arrive as 1.4 MB of base64: three fit the 6 MB batch
    return (3 if big else _NO_CAP), make


# --- DynamoDB Streams


_DDB_SCALAR = st.one_of(
    _TEXT,
    st.integers(-(10**20), 10**20),
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False),
    st.binary(max_size=16),
    st.booleans(),
    st.none(),
    st.frozensets(_NON_EMPTY_TEXT, min_size=1, max_size=3).map(set),
    st.frozensets(st.integers(-1000, 1000), min_size=1, max_size=3).map(set),
)


def _ddb_containers(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.lists(inner, max_size=3) | st.dictionaries(_NON_EMPTY_TEXT, inner, max_size=3)


_DDB_VALUE = st.recursive(_DDB_SCALAR, _ddb_containers, max_leaves=8)
_DDB_NAMES = _NON_EMPTY_TEXT.filter(lambda n: n not in ("pk", "sk"))


@st.composite
def _ddb_item(draw: Draw, sort_key: bool) -> dict[str, Any]:
    item: dict[str, Any] = {"pk": draw(_NON_EMPTY_TEXT)}
    if sort_key:
        item["sk"] = draw(st.integers(0, 10**9) | st.decimals(0, 10**6, places=2))
    item.update(draw(st.dictionaries(_DDB_NAMES, _DDB_VALUE, max_size=5)))
    return item


def _dynamodb_plan(
    draw: Draw, given: Mapping[str, Any], seed: int, largest: bool
) -> tuple[int, Make]:
    if given.keys() & {"items", "new_image", "old_image", "key", "event_name", "ttl_removal"}:
        return _NO_CAP, _count_only
    # the largest batch is generated: 10,000 given items take three times as long to marshal
    modes = ("generated", "ttl") if largest else ("generated", "generated", "items", "ttl")
    mode = draw(st.sampled_from(modes))
    if mode == "ttl":  # REMOVE records written by TTL expiry
        return _NO_CAP, lambda n: {"ttl_removal": True, **_count_only(n)}
    if mode == "generated":
        return _NO_CAP, _count_only
    sort_key = draw(st.booleans())
    pool = draw(st.lists(_ddb_item(sort_key), min_size=1, max_size=4))
    names = draw(st.lists(st.sampled_from(("INSERT", "MODIFY", "REMOVE")), min_size=1,
                          max_size=4))  # fmt: skip
    key = ("pk", "sk") if sort_key else ("pk",)

    def make(n: int | None) -> Overrides:
        n = n or 1
        return {
            "key": key,
            "items": [pool[i % len(pool)] for i in range(n)],
            "event_name": [names[i % len(names)] for i in range(n)],
        }

    return _NO_CAP, make


# --- SNS


_SNS_ATTRIBUTE_VALUE = st.one_of(
    _NON_EMPTY_TEXT,
    st.integers(-(10**9), 10**9),
    st.binary(min_size=1, max_size=32),
    st.lists(st.text(max_size=8) | st.integers(), max_size=3),
)
_SNS_ATTRIBUTES = st.dictionaries(
    st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,15}", fullmatch=True).filter(
        lambda n: not n.lower().startswith(("aws", "amazon"))
    ),
    _SNS_ATTRIBUTE_VALUE,
    max_size=10,
)
_SNS_MESSAGE = st.one_of(
    st.sampled_from(TRICKY_TEXT[1:]),  # SNS messages hold at least one byte
    _NON_EMPTY_TEXT,
    _JSON_TEXT,
    _LARGE_UNITS.map(
        lambda unit: _Largest(SNS_MAX_MESSAGE_BYTES, unit).text(SNS_MAX_MESSAGE_BYTES)
    ),
)
_SUBJECTS = st.one_of(
    st.none(),  # published without a subject: "Subject": null
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=100),
)


def _sns_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    drawn: Overrides = {}
    for name, strategy in (("message", _SNS_MESSAGE), ("subject", _SUBJECTS),
                           ("message_attributes", _SNS_ATTRIBUTES)):  # fmt: skip
        if name not in given and draw(st.booleans()):
            drawn[name] = draw(strategy)
    return _NO_CAP, lambda n: drawn


# --- S3


# object keys: any UTF-8 up to 1,024 bytes; the event carries them URL-form-encoded
_S3_KEYS = st.one_of(
    st.sampled_from(("photos/tom 1+2 (copy).jpg", "a/b/c/ü😀.txt", "x", "dir/", "%41 ~ *'!")),
    _text(min_size=1, max_size=60),  # at most 240 bytes: keys hold up to 1,024
)


def _s3_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    drawn: Overrides = {}
    if "key" not in given and draw(st.booleans()):
        drawn["key"] = draw(_S3_KEYS)
    created = str(given.get("event_name", "ObjectCreated:Put")).startswith("ObjectCreated")
    sized = {"content", "size", "etag"} & given.keys()
    if created and not sized and draw(st.booleans()):
        drawn["content"] = draw(st.just(b"") | st.binary(max_size=64))  # an empty object too
    return _NO_CAP, lambda n: drawn


# --- HTTP front doors: API Gateway REST and HTTP APIs, ALB, function URLs, VPC Lattice


_HEADER_NAMES = st.from_regex(r"x-[a-z0-9][a-z0-9\-]{0,11}", fullmatch=True)
_HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)
_HEADERS = st.dictionaries(
    _HEADER_NAMES,
    _HEADER_TEXT | st.lists(_HEADER_TEXT, min_size=2, max_size=3),  # multi-value headers
    min_size=1,
    max_size=3,
)
_QUERY = st.dictionaries(
    _NON_EMPTY_TEXT,
    _TEXT | st.lists(_TEXT, min_size=2, max_size=3),  # repeated parameters: ?a=1&a=2
    min_size=1,
    max_size=3,
)
_COOKIE_TEXT = st.text(st.sampled_from("abcxyzABC0123456789!#$%&'()*+-./:<=>?@[]^_`{|}~"),
                       max_size=12)  # fmt: skip
_COOKIES = st.dictionaries(
    st.from_regex(r"[a-zA-Z][a-zA-Z0-9_]{0,7}", fullmatch=True), _COOKIE_TEXT, min_size=1,
    max_size=3,
)  # fmt: skip
_OFTEN = st.sampled_from((False, True, True))  # False first: shrinks to the builder's default
_HTTP_BODY = st.one_of(
    st.none(),  # no body at all
    st.just(""),
    st.binary(max_size=64),  # bytes arrive base64-encoded, isBase64Encoded true
    st.sampled_from(TRICKY_TEXT),
    _TEXT,
    _JSON_TEXT,
)


def _http_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    drawn: Overrides = {}
    for name, strategy in (("body", _HTTP_BODY), ("headers", _HEADERS), ("query", _QUERY),
                           ("cookies", _COOKIES)):  # fmt: skip
        if name not in given and draw(_OFTEN):
            drawn[name] = draw(strategy)
    return _NO_CAP, lambda n: drawn


def _alb_plan(draw: Draw, given: Mapping[str, Any], seed: int, largest: bool) -> tuple[int, Make]:
    _, make = _http_plan(draw, given, seed, largest)
    drawn = make(None)
    if "multi_value_headers" not in given and draw(st.booleans()):
        drawn = {**drawn, "multi_value_headers": True}
    return _NO_CAP, lambda n: drawn


_PLANS: dict[str, _Plan] = {
    "sqs": _sqs_plan,
    "kinesis": _kinesis_plan,
    "dynamodb": _dynamodb_plan,
    "sns": _sns_plan,
    "s3": _s3_plan,
    "api_gateway": _http_plan,
    "api_gateway_v2": _http_plan,
    "function_url": _http_plan,
    "vpc_lattice": _http_plan,
    "alb": _alb_plan,
}
# options a plan draws itself: not drawn again as generic variants
_HTTP_HANDLES = frozenset({"body", "headers", "query", "cookies"})
_HANDLES: dict[str, frozenset[str]] = {
    "sqs": frozenset({"fifo", "receive_count", "message_attributes", "body", "bodies"}),
    "kinesis": frozenset({"data", "payload", "partition_key", "partition_keys"}),
    "dynamodb": frozenset({"items", "key", "event_name", "ttl_removal"}),
    "sns": frozenset({"message", "subject", "message_attributes"}),
    "s3": frozenset({"key", "content"}),
    "api_gateway": _HTTP_HANDLES,
    "api_gateway_v2": _HTTP_HANDLES,
    "function_url": _HTTP_HANDLES,
    "vpc_lattice": _HTTP_HANDLES,
    "alb": _HTTP_HANDLES | {"multi_value_headers"},
}
