"""The catalogue of event sources: what each source id builds and which overrides it accepts."""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from .catalogue import SourceInfo as SourceInfo  # re-exported: see catalogue's docstring
from .catalogue import SourceRegistry as SourceRegistry
from .errors import EventConfigError, did_you_mean

if TYPE_CHECKING:
    from .building import BuildContext

Builder = Callable[["BuildContext", "Options"], dict[str, Any]]

_SOURCE_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$")
INVOCATION_TYPES = ("sync", "async", "poll")


class _Frozen:
    """An immutable value compared, hashed and shown by its ``_fields``: what
    ``@dataclass(frozen=True)`` gives, written out because importing ``dataclasses`` (it pulls in
    ``inspect``) costs the command line ~40 M instructions, a third of its whole run."""

    __slots__ = ()
    _fields: ClassVar[tuple[str, ...]] = ()

    def _set(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}: {type(self).__name__} is frozen")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}: {type(self).__name__} is frozen")

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({shown})"


class Option(_Frozen):
    """One keyword override a source accepts, with AWS's limits for its value.

    ``default=None`` means "the builder draws a realistic value from the seed".
    """

    __slots__ = ("choices", "default", "help", "item_type", "maximum", "minimum", "name", "type")
    _fields = ("name", "type", "help", "default", "choices", "minimum", "maximum", "item_type")
    name: str
    type: builtins.type | tuple[builtins.type, ...]
    help: str
    default: Any
    choices: tuple[Any, ...] | None
    minimum: float | None
    maximum: float | None
    item_type: builtins.type | tuple[builtins.type, ...] | None

    def __init__(
        self,
        name: str,
        type: builtins.type | tuple[builtins.type, ...],
        help: str,
        default: Any = None,
        choices: tuple[Any, ...] | None = None,
        minimum: float | None = None,
        maximum: float | None = None,
        item_type: builtins.type | tuple[builtins.type, ...] | None = None,
    ) -> None:
        self._set(
            name=name, type=type, help=help, default=default, choices=choices,
            minimum=minimum, maximum=maximum, item_type=item_type,
        )  # fmt: skip

    def check(self, source: str, value: Any) -> Any:
        """``value`` in canonical form, or ``EventConfigError`` saying what is allowed."""
        if value is None:
            return None
        value = self._check_type(source, value)
        if self.choices is not None and value not in self.choices:
            allowed = ", ".join(repr(c) for c in self.choices)
            hint = (
                did_you_mean(value, [str(c) for c in self.choices])
                if isinstance(value, str)
                else ""
            )
            raise _error(source, self.name, f"{value!r} is not allowed{hint}; allowed: {allowed}")
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise _error(
                    source, self.name, f"{value} is below AWS's minimum {_num(self.minimum)}"
                )
            if self.maximum is not None and value > self.maximum:
                raise _error(
                    source, self.name, f"{value} is above AWS's maximum {_num(self.maximum)}"
                )
        return value

    def _check_type(self, source: str, value: Any) -> Any:
        wanted = self.type if isinstance(self.type, tuple) else (self.type,)
        if datetime in wanted:
            return _as_datetime(source, self.name, value)
        if isinstance(value, bool) and bool not in wanted:
            raise _type_error(source, self.name, value, wanted)
        if float in wanted and isinstance(value, int) and not isinstance(value, bool):
            return value if int in wanted else float(value)
        if not isinstance(value, wanted):
            raise _type_error(source, self.name, value, wanted)
        if self.item_type is not None and isinstance(value, list | tuple):
            items = self.item_type if isinstance(self.item_type, tuple) else (self.item_type,)
            for index, item in enumerate(value):
                if not isinstance(item, items) or (isinstance(item, bool) and bool not in items):
                    raise _type_error(source, f"{self.name}[{index}]", item, items)
            return list(value)
        return value


class Options:
    """The validated overrides of one build, as attributes; unset ones hold their default."""

    def __init__(self, values: dict[str, Any], given: frozenset[str]) -> None:
        self.__dict__.update(values)
        self._given = given
        # no override given (region and account may still be the caller's world): builders
        # take a direct path for the default event on this one attribute read
        self.is_default = not given

    def given(self, name: str) -> bool:
        """Whether the caller passed ``name`` explicitly (even as ``None``)."""
        return name in self._given

    def given_only(self, names: frozenset[str]) -> bool:
        """Whether every option the caller passed is one of ``names``."""
        return self._given <= names

    if TYPE_CHECKING:  # options are attributes; a real __getattr__ would slow every read

        def __getattr__(self, name: str) -> Any: ...


def common_options(max_count: int | None) -> tuple[Option, ...]:
    """Options every source accepts: where the event comes from, when, and how many records."""
    opts = [
        Option("region", str, "AWS region of every ARN and region field, e.g. 'eu-west-1'"),
        Option("account_id", str, "12-digit AWS account id of every ARN"),
        Option("time", datetime, "when the event happened (datetime, ISO 8601 or epoch seconds)"),
    ]
    if max_count is not None:
        opts.append(
            Option(
                "count", int, f"records in the event (1 to {max_count:,})", None, None, 1, max_count
            )
        )
    return tuple(opts)


class EventSource(_Frozen):
    """An AWS event source: its id, how AWS invokes Lambda with it, and its builder."""

    __slots__ = (
        "_defaults", "_plain", "_resolved", "all_options", "builder", "description", "id",
        "invocation", "marker_argument", "max_count", "options", "service",
    )  # fmt: skip
    _fields = ("id", "service", "invocation", "builder", "options", "max_count", "description",
               "marker_argument")  # fmt: skip
    id: str
    service: str
    invocation: str
    builder: Builder
    options: tuple[Option, ...]
    max_count: int | None
    description: str
    # the option a marker's single positional argument sets: @pytest.mark.scheduled("cron(...)")
    marker_argument: str | None
    all_options: dict[str, Option]
    _defaults: dict[str, Any]
    # the Options of a build without overrides, per (region, account_id): most builds are that
    _plain: dict[tuple[str, str], Options]
    _resolved: dict[tuple[Any, ...], Options]  # resolve's remembered results

    def __init__(
        self,
        id: str,
        service: str,
        invocation: str,
        builder: Builder,
        options: tuple[Option, ...] = (),
        max_count: int | None = None,
        description: str = "",
        marker_argument: str | None = None,
    ) -> None:
        self._set(
            id=id, service=service, invocation=invocation, builder=builder, options=options,
            max_count=max_count, description=description, marker_argument=marker_argument,
        )  # fmt: skip
        self._check()

    def _check(self) -> None:
        if not _SOURCE_ID.match(self.id):
            raise EventConfigError(
                f"source id {self.id!r} must be snake_case (letters, digits, underscores)",
                source=self.id,
            )
        if self.invocation not in INVOCATION_TYPES:
            raise EventConfigError(
                f"source {self.id!r}: invocation must be one of {INVOCATION_TYPES}, "
                f"not {self.invocation!r}",
                source=self.id,
            )
        merged = {o.name: o for o in (*common_options(self.max_count), *self.options)}
        if self.marker_argument is not None and self.marker_argument not in merged:
            raise EventConfigError(
                f"source {self.id!r}: marker_argument {self.marker_argument!r} is not one of its "
                f"options ({', '.join(merged)})",
                source=self.id,
            )
        self._set(all_options=merged, _defaults={o.name: o.default for o in merged.values()},
                  _plain={}, _resolved={})  # fmt: skip

    def resolve(self, overrides: Mapping[str, Any], defaults: Mapping[str, Any]) -> Options:
        """Validate ``overrides`` against this source's options and fill in the defaults.

        The result of hashable overrides is remembered: a test suite builds the same few
        (``count=10``) thousands of times. The key holds each value's type, as ``True == 1``."""
        if not overrides:
            return self.plain_options(defaults["region"], defaults["account_id"])
        key = (
            *defaults.items(),
            *[(name, type(value), value) for name, value in overrides.items()],
        )
        try:
            return self._resolved[key]
        except KeyError:
            options = self._resolve(overrides, defaults)
        except TypeError:  # an unhashable value (a list of bodies, a dict of attributes)
            return self._resolve(overrides, defaults)
        if len(self._resolved) >= 256:
            self._resolved.clear()
        self._resolved[key] = options
        return options

    def _resolve(self, overrides: Mapping[str, Any], defaults: Mapping[str, Any]) -> Options:
        values = dict(self._defaults)
        values.update(defaults)
        for name, value in overrides.items():
            opt = self.all_options.get(name)
            if opt is None:
                raise EventConfigError(
                    f"{self.id}: unknown override {name!r}{did_you_mean(name, self.all_options)}; "
                    f"allowed: {', '.join(sorted(self.all_options))}",
                    source=self.id,
                    field=name,
                )
            values[name] = opt.check(self.id, value)
        _check_world(self.id, values)
        return Options(values, frozenset(overrides))

    def plain_options(self, region: str, account_id: str) -> Options:
        """The Options of a build without overrides in this world (made once, then cached)."""
        options = self._plain.get((region, account_id))
        if options is None:
            values = {**self._defaults, "region": region, "account_id": account_id}
            _check_world(self.id, values)
            options = self._plain[region, account_id] = Options(values, frozenset())
        return options

    def describe(self) -> str:
        """One line for ``pytest --markers`` and the command line's ``list``."""
        text = self.description or f"{self.service} event"
        first = f"{self.marker_argument}, " if self.marker_argument else ""
        return f"{self.id}({first}**overrides): build a {text} ({self.invocation} invocation)"


@functools.lru_cache(maxsize=64)
def _valid_region(region: str) -> bool:
    return _REGION.match(region) is not None


def _check_world(source: str, values: dict[str, Any]) -> None:
    region = values.get("region")
    if region is not None and not _valid_region(region):
        raise _error(source, "region", f"{region!r} is not an AWS region name such as 'eu-west-1'")
    account = values.get("account_id")
    if account is not None and not (len(account) == 12 and account.isdigit()):
        raise _error(source, "account_id", f"{account!r} is not a 12-digit AWS account id")


def _as_datetime(source: str, name: str, value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    parsed = _parse_iso(value) if isinstance(value, str) else None
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise _error(
        source,
        name,
        f"{value!r} is not a time; give a datetime, an ISO 8601 string or epoch seconds",
    )


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _type_error(source: str, name: str, value: Any, wanted: tuple[type, ...]) -> EventConfigError:
    names = " or ".join(t.__name__ for t in wanted)
    return _error(source, name, f"expected {names}, got {type(value).__name__} {value!r}")


def _error(source: str, name: str, detail: str) -> EventConfigError:
    return EventConfigError(f"{source}: {name}: {detail}", source=source, field=name)


def _num(x: float) -> str:
    return f"{int(x):,}" if float(x).is_integer() else str(x)
