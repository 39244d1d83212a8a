"""``python -m pytest_lambda_events.sources``: regenerate ``_manifest.py`` from the source
modules, after adding a module or changing a source's id, service, invocation, description or
marker argument."""

from pathlib import Path

from . import manifest_text

path = Path(__file__).with_name("_manifest.py")
path.write_text(manifest_text())
print(f"wrote {path}")
