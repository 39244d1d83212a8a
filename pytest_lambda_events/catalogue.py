"""The registry of event sources by id (``SourceRegistry``), and what it knows of a source
before importing its module (``SourceInfo``).

Kept apart from ``registry`` (``EventSource``, ``Option``: classes and option checks, two
regular expressions), so that registering every source at pytest's start-up does not import
it: only a build does. Both names are importable from ``registry`` too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TypeAlias

from .errors import EventConfigError, UnknownSourceError, did_you_mean

if TYPE_CHECKING:
    from .registry import EventSource

# a source as the catalogue lists it: loaded, or only known by its SourceInfo
SourceSummary: TypeAlias = "EventSource | SourceInfo"


class SourceInfo:
    """What the catalogue knows of a source before its module is imported: enough for its
    marker, its fixture, ``list`` and did-you-mean. ``module`` defines it in its ``SOURCES``.

    Built-in sources are registered this way from a generated manifest, so that start-up
    imports none of their modules and a build imports only the one it needs.
    """

    __slots__ = ("description", "id", "invocation", "marker_argument", "module", "service")

    def __init__(
        self,
        id: str,
        module: str,
        service: str,
        invocation: str,
        description: str = "",
        marker_argument: str | None = None,
    ) -> None:
        self.id = id
        self.module = module
        self.service = service
        self.invocation = invocation
        self.description = description
        self.marker_argument = marker_argument

    def describe(self) -> str:
        """The same line as ``EventSource.describe`` (tests/test_manifest.py checks it)."""
        text = self.description or f"{self.service} event"
        first = f"{self.marker_argument}, " if self.marker_argument else ""
        return f"{self.id}({first}**overrides): build a {text} ({self.invocation} invocation)"

    def load(self) -> EventSource:
        """Import ``module`` and return its source of this id."""
        from .registry import EventSource  # imported by the source module anyway

        for source in getattr(importlib.import_module(self.module), "SOURCES", ()):
            if isinstance(source, EventSource) and source.id == self.id:
                return source
        raise EventConfigError(
            f"event source {self.id!r}: module {self.module} defines no such source in SOURCES",
            source=self.id,
        )

    def __repr__(self) -> str:
        return f"SourceInfo({self.id!r}, {self.module!r}, {self.service!r}, {self.invocation!r})"


class SourceRegistry:
    """Every registered source, by id. ``on_register`` is told about each new source: the
    ``EventSource`` given to ``register``, or the ``SourceInfo`` given to ``register_lazy``."""

    def __init__(self, on_register: Callable[[SourceSummary], None] | None = None) -> None:
        self._sources: dict[str, EventSource] = {}
        self._lazy: dict[str, SourceInfo] = {}  # registered, module not imported yet
        self._on_register = on_register

    def register(self, source: EventSource) -> None:
        """Add a source; an id that is taken already raises ``EventConfigError``."""
        self._check_free(source.id)
        self._sources[source.id] = source
        if self._on_register is not None:
            self._on_register(source)

    def register_lazy(self, info: SourceInfo) -> None:
        """Add a source whose module is imported only when the source is first needed."""
        self._check_free(info.id)
        self._lazy[info.id] = info
        if self._on_register is not None:
            self._on_register(info)

    def get(self, source_id: str) -> EventSource:
        """The source ``source_id``, importing its module on first use."""
        source = self._sources.get(source_id)
        # loading outside an except block: an import error is not chained to a KeyError
        return source if source is not None else self._load(source_id)

    def summary(self, source_id: str) -> SourceSummary:
        """What ``get`` would return, without importing anything: for checks and listings."""
        found = self._sources.get(source_id) or self._lazy.get(source_id)
        if found is None:
            raise self._unknown(source_id)
        return found

    def summaries(self) -> list[SourceSummary]:
        """Every source, sorted by id, without importing any module."""
        return [self.summary(source_id) for source_id in self.ids()]

    def ids(self) -> list[str]:
        return sorted(self._sources.keys() | self._lazy.keys())

    def __contains__(self, source_id: object) -> bool:
        return source_id in self._sources or source_id in self._lazy

    def __iter__(self) -> Iterator[EventSource]:
        """Every source, sorted by id, loaded (this imports every lazy source's module)."""
        return iter([self.get(i) for i in self.ids()])

    def __len__(self) -> int:
        return len(self._sources) + len(self._lazy)

    def _load(self, source_id: str) -> EventSource:
        info = self._lazy.get(source_id)
        if info is None:
            raise self._unknown(source_id)
        source = info.load()
        self._sources[source_id] = source
        self._lazy.pop(source_id, None)  # another thread may have loaded it too
        return source

    def _check_free(self, source_id: str) -> None:
        taken = self._sources.get(source_id) or self._lazy.get(source_id)
        if taken is not None:
            raise EventConfigError(
                f"event source {source_id!r} is registered already ({taken.service}); "
                "choose another id",
                source=source_id,
            )

    def _unknown(self, source_id: str) -> UnknownSourceError:
        return UnknownSourceError(
            f"unknown event source {source_id!r}{did_you_mean(source_id, self.ids())}; "
            f"registered sources: {', '.join(self.ids())}",
            source=source_id,
        )
