"""The ``lambda_events`` fixture: a factory for events of every registered source."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from . import _seeding
from .building import DEFAULT_ACCOUNT_ID, DEFAULT_REGION, build
from .registry import EventSource, SourceRegistry

EventHook = Callable[[str, dict[str, Any]], None]


class LambdaEvents:
    """Builds events: ``build("sqs", count=3)``, ``sqs(bodies=[...])``, ``build("s3", seed=7)``.

    Without an explicit ``seed``, the n-th event of a source in a test gets a seed derived from
    the test's seed, so a test sees the same events in any order, worker or ``-k`` selection.
    """

    def __init__(
        self,
        registry: SourceRegistry,
        seed: int,
        *,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        on_built: EventHook | None = None,
    ) -> None:
        self._registry = registry
        self._seed = seed
        self._region = region
        self._account_id = account_id
        self._on_built = on_built
        self._drawn: dict[str, int] = {}

    @property
    def seed(self) -> int:
        """The seed of this test, from which every event without an explicit seed derives."""
        return self._seed

    @property
    def sources(self) -> list[str]:
        """The sorted ids of every registered source."""
        return self._registry.ids()

    def source(self, source_id: str) -> EventSource:
        """The registered source ``source_id`` (``UnknownSourceError`` with a suggestion)."""
        return self._registry.get(source_id)

    def build(self, source_id: str, seed: int | None = None, **overrides: Any) -> dict[str, Any]:
        """Build one event of ``source_id``; ``seed`` fixes it regardless of the test's seed."""
        source = self._registry.get(source_id)
        if seed is None:
            seed = self.next_seed(source_id)
        event = build(source, seed, overrides, region=self._region, account_id=self._account_id)
        if self._on_built is not None:
            self._on_built(source_id, event)
        return event

    def next_seed(self, label: str) -> int:
        """The seed for the next draw labelled ``label`` in this test."""
        n = self._drawn.get(label, 0)
        self._drawn[label] = n + 1
        return _seeding.derive(self._seed, f"{label}#{n}")

    def __getattr__(self, name: str) -> Callable[..., dict[str, Any]]:
        if name.startswith("_"):
            raise AttributeError(name)
        # UnknownSourceError (an AttributeError) with a suggestion; imports nothing until a build
        self._registry.summary(name)
        return functools.partial(self.build, name)

    def __dir__(self) -> list[str]:
        return [*super().__dir__(), *self._registry.ids()]

    def __repr__(self) -> str:
        return f"<LambdaEvents seed={self._seed} sources={len(self._registry)}>"
