"""Hooks that pytest-lambda-events adds to pytest (pluggy hookspecs).

Implement them in a ``conftest.py`` or a plugin; name only the arguments you use, so that new
arguments can be added to a spec later without breaking you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .registry import SourceRegistry

# pytest's own project name: these specs live in pytest's hook namespace, and importing
# pluggy instead of pytest keeps the command line tool fast.
hookspec = pluggy.HookspecMarker("pytest")
hookimpl = pluggy.HookimplMarker("pytest")


@hookspec(historic=True)
def pytest_lambda_events_register_sources(registry: SourceRegistry) -> None:
    """Register event sources with ``registry.register(EventSource(...))``.

    Historic: a conftest or plugin that loads after start-up is still called, once.
    """


@hookspec
def pytest_lambda_events_event_built(source: str, event: dict[str, Any]) -> None:
    """Called with every event a fixture builds, before the test sees it; modify it in place."""


@hookspec
def pytest_lambda_events_invocation_finished(invocation: Any) -> None:
    """Called after the harness finished an invocation of a handler (observers only)."""
