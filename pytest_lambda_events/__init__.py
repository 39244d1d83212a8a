"""pytest-lambda-events: realistic, seeded AWS Lambda events for tests, and a harness that shows
what AWS does with them when a handler fails.

This module stays light: it is imported by pytest at start-up through the plugin entry point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalogue import SourceRegistry
from .errors import (
    CallbackConfigError,
    EventBusError,
    EventConfigError,
    FrontDoorConfigError,
    FunctionConfigError,
    HarnessArgumentError,
    HarnessError,
    HarnessStall,
    LambdaEventsError,
    QueueConfigError,
    ScheduleConfigError,
    ScheduleExpressionError,
    UnknownSourceError,
)

if TYPE_CHECKING:
    from .building import BuildContext, build_event, source_ids
    from .context import LambdaContext
    from .events import LambdaEvents
    from .flows.schedule_expressions import next_fire_times
    from .ledger import Delivery, Invocation, InvocationError
    from .registry import EventSource, Option, Options
    from .world import Harness

__all__ = [
    "BuildContext",
    "CallbackConfigError",
    "Delivery",
    "EventBusError",
    "EventConfigError",
    "EventSource",
    "FrontDoorConfigError",
    "FunctionConfigError",
    "Harness",
    "HarnessArgumentError",
    "HarnessError",
    "HarnessStall",
    "Invocation",
    "InvocationError",
    "LambdaContext",
    "LambdaEvents",
    "LambdaEventsError",
    "Option",
    "Options",
    "QueueConfigError",
    "ScheduleConfigError",
    "ScheduleExpressionError",
    "SourceRegistry",
    "UnknownSourceError",
    "__version__",
    "build_event",
    "next_fire_times",
    "source_ids",
]

# imported on first use: pytest imports this package at start-up, and a run that builds no
# event should not pay for them (the registry's classes and regular expressions included)
_LAZY = {
    "EventSource": "registry",
    "Option": "registry",
    "Options": "registry",
    "BuildContext": "building",
    "build_event": "building",
    "source_ids": "building",
    "LambdaContext": "context",
    "LambdaEvents": "events",
    "Delivery": "ledger",
    "Invocation": "ledger",
    "InvocationError": "ledger",
    "Harness": "world",
    "next_fire_times": "flows.schedule_expressions",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    if name == "__version__":
        from importlib.metadata import version

        return version("pytest-lambda-events")
    raise AttributeError(f"module 'pytest_lambda_events' has no attribute {name!r}")
