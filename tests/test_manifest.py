"""The built-in sources are registered from a generated manifest, so that neither pytest's
start-up nor the command line imports the 44 source modules; the manifest must never drift from
the modules' ``SOURCES``."""

import subprocess
import sys
from pathlib import Path

import pytest

from pytest_lambda_events import EventConfigError, SourceRegistry
from pytest_lambda_events.catalogue import SourceInfo
from pytest_lambda_events.sources import _manifest, manifest_text, modules

REGENERATE = "python -m pytest_lambda_events.sources"


def test_the_committed_manifest_is_generated_from_the_source_modules():
    committed = Path(_manifest.__file__).read_text()
    assert committed == manifest_text(), (
        f"pytest_lambda_events/sources/_manifest.py is out of date: run {REGENERATE} (after "
        "adding a source module, or changing a source's id, service, invocation, description "
        "or marker argument)"
    )


def test_every_lazy_entry_describes_the_source_its_module_defines():
    registry = SourceRegistry()
    from pytest_lambda_events import sources

    sources.pytest_lambda_events_register_sources(registry)
    defined = {s.id: s for module in modules() for s in module.SOURCES}
    assert registry.ids() == sorted(defined), f"run {REGENERATE}"
    for info in registry.summaries():
        assert isinstance(info, SourceInfo)  # nothing loaded yet
        source = registry.get(info.id)
        assert source is defined[info.id]
        assert sys.modules[info.module].SOURCES.count(source) == 1
        fields = ("service", "invocation", "description", "marker_argument")
        assert [getattr(info, f) for f in fields] == [getattr(source, f) for f in fields]
        assert info.describe() == source.describe()  # the marker line pytest --markers shows
    assert all(summary is registry.get(summary.id) for summary in registry.summaries())


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout.strip()


# the source modules imported so far (helpers such as _streams and the manifest left out)
LOADED_SOURCE_MODULES = (
    "sorted(m.rpartition('.')[2] for m in sys.modules"
    " if m.startswith('pytest_lambda_events.sources.') and '._' not in m)"
)


def test_outside_pytest_only_the_module_of_a_built_source_is_imported():
    code = (
        "import sys\n"
        "from pytest_lambda_events import build_event, source_ids\n"
        "from pytest_lambda_events.cli import main\n"
        "assert len(source_ids()) == 44\n"
        "main(['list'])\n"
        f"print({LOADED_SOURCE_MODULES})\n"
        "build_event('kinesis', seed=1)\n"
        f"print({LOADED_SOURCE_MODULES})\n"
    )
    lines = _run(code).splitlines()
    assert lines[-2:] == ["[]", "['kinesis']"]


def test_pytest_imports_no_source_module_until_a_fixture_builds_one(pytester):
    pytester.makepyfile(
        f"""
        import sys

        def loaded():
            return {LOADED_SOURCE_MODULES}

        def test_unused():
            assert loaded() == []

        def test_factory_attribute_only(lambda_events):
            assert callable(lambda_events.sqs) and "s3" in lambda_events.sources
            assert loaded() == []

        def test_fixture(sqs_event):
            assert loaded() == ["sqs"]
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:xdist")
    result.assert_outcomes(passed=3)


def test_lazy_registration_checks_ids_and_the_module_on_first_use(tmp_path, monkeypatch):
    (tmp_path / "billing_sources.py").write_text("SOURCES = ()\n")
    monkeypatch.syspath_prepend(tmp_path)
    registry = SourceRegistry()
    registry.register_lazy(SourceInfo("invoice", "billing_sources", "Billing", "async"))
    with pytest.raises(EventConfigError, match=r"'invoice' is registered already \(Billing\)"):
        registry.register_lazy(SourceInfo("invoice", "billing_sources", "Billing", "async"))
    assert "invoice" in registry and len(registry) == 1
    with pytest.raises(EventConfigError, match=r"module billing_sources defines no such source"):
        registry.get("invoice")
