"""The built-in event sources, one module per AWS service. They register through the plugin's
own hook, exactly as a third-party plugin would: see ``pytest_lambda_events_register_sources``
below. Every public module of this package that defines ``SOURCES`` is a source module.

Registering reads the generated ``_manifest.py`` rather than importing the 44 modules (about
80 ms at every pytest start and every command line run): a module is imported only when one of
its sources is first built. Adding a service is adding its module, then regenerating the
manifest with ``python -m pytest_lambda_events.sources`` (tests/test_manifest.py fails until
then).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..catalogue import SourceInfo, SourceRegistry
from ._manifest import MANIFEST

if TYPE_CHECKING:
    from types import ModuleType


# No @hookimpl marker: pytest takes any ``pytest_`` function of a registered plugin as a hook
# implementation, and leaving pluggy unimported keeps ``python -m pytest_lambda_events`` fast.
def pytest_lambda_events_register_sources(registry: SourceRegistry) -> None:
    for source_id, module, service, invocation, description, marker_argument in MANIFEST:
        info = SourceInfo(
            source_id, f"{__name__}.{module}", service, invocation, description, marker_argument
        )
        registry.register_lazy(info)


def modules() -> list[ModuleType]:
    """The source modules, by name (helpers such as ``_http`` start with an underscore). This
    imports all of them: it is for generating and checking the manifest, never at start-up."""
    import importlib
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{__name__}.{name}") for name in names]


def manifest_text() -> str:
    """The text of ``_manifest.py``: one row per source of every module, in module order."""
    rows = []
    for module in modules():
        name = module.__name__.rpartition(".")[2]
        for s in module.SOURCES:
            fields = (s.id, name, s.service, s.invocation, s.description, s.marker_argument)
            rows.append(f"    ({', '.join(_literal(f) for f in fields)}),")
    return "\n".join([_MANIFEST_HEAD, *rows, ")", "# fmt: on", ""])


def _literal(value: str | None) -> str:
    # JSON's string escapes are all valid in Python, and its double quotes match the code style
    return "None" if value is None else json.dumps(value, ensure_ascii=False)


_MANIFEST_HEAD = '''"""Built-in sources, listed by the registry without importing their modules.

Generated from each module's ``SOURCES`` by ``python -m pytest_lambda_events.sources``: do not
edit by hand (tests/test_manifest.py fails when it is out of date).
"""

from __future__ import annotations

# ruff: noqa: E501
# fmt: off
# (id, module, service, invocation, description, marker_argument)
MANIFEST: tuple[tuple[str, str, str, str, str, str | None], ...] = ('''
