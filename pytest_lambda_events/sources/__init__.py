"""The built-in event sources, one module per AWS service. They register through the plugin's
own hook, exactly as a third-party plugin would: see ``pytest_lambda_events_register_sources``
below. Every public module of this package that defines ``SOURCES`` is registered, in name
order, so adding a service is adding its module."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ..hookspecs import hookimpl
from ..registry import SourceRegistry


def modules() -> list[ModuleType]:
    """The source modules (helpers such as ``_http`` start with an underscore)."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


@hookimpl
def pytest_lambda_events_register_sources(registry: SourceRegistry) -> None:
    for module in modules():
        for source in module.SOURCES:
            registry.register(source)
