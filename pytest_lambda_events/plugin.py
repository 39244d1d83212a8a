"""The pytest plugin: options, markers, fixtures and hooks. It only wires pytest to the
registry, the builders and the context; faker and freezegun are never imported here.

Every pytest run pays for this module, used or not (issue 8: at most +10 ms), so what only a
fixture needs (the context, the events factory, the harness) is imported inside the fixture, and
the built-in sources are registered from their manifest without importing their modules.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import types
from collections.abc import Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from . import _seeding, hookspecs
from .catalogue import SourceRegistry
from .errors import LambdaEventsError

if TYPE_CHECKING:
    from .catalogue import SourceSummary
    from .context import LambdaContext
    from .events import LambdaEvents
    from .world import Harness

# building's defaults, repeated so that start-up does not import the builders (~0.5 ms);
# tests/test_startup.py checks that they agree
DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT_ID = "123456789012"
RUNTIME_MODES = ("in-process", "ric")  # context.RUNTIME_MODES
SEED_KEY = pytest.StashKey[int]()
REGISTRY_KEY = pytest.StashKey[SourceRegistry]()
# the registries of the configured sessions, newest last: a Hypothesis strategy made while a
# test module is imported (outside any fixture) finds the session's sources here, plugins' too
ACTIVE_REGISTRIES: list[SourceRegistry] = []
HARNESS_KEY = pytest.StashKey["Harness"]()  # on the test item: its lambda_harness
TIMELINE_SECTION = "lambda-events timeline"
# a TestReport attribute: plain JSON text, so pytest-xdist carries it from worker to controller
TIMELINE_ATTRIBUTE = "lambda_events_timeline"
_WORKER_SEED = "lambda_events_seed"
_OUR_FIXTURES = frozenset(
    {"lambda_events", "lambda_context", "lambda_harness", "lambda_events_seed"}
)
_CONTEXT_MARKER = "lambda_function"
_CONTEXT_OPTIONS = frozenset(
    {"name", "timeout", "memory_size", "version", "qualifier", "tenant_id"}
)


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lambda_events", "AWS Lambda events (pytest-lambda-events)")
    group.addoption(
        "--lambda-events-seed", type=int, default=None, metavar="N",
        help="base seed of every generated event (default: ini lambda_events_seed, else random)",
    )  # fmt: skip
    group.addoption("--lambda-region", default=None, help=f"AWS region (default {DEFAULT_REGION})")
    group.addoption(
        "--lambda-events-report", default=None, metavar="PATH",
        help="write one self-contained HTML page with the lambda-events timeline of every "
        "test that used lambda_harness (failed tests first)",
    )  # fmt: skip
    group.addoption(
        "--lambda-account-id", default=None, help=f"AWS account id (default {DEFAULT_ACCOUNT_ID})"
    )
    group.addoption(
        "--lambda-runtime", default=None, choices=RUNTIME_MODES,
        help="how harness functions run handlers: in-process (default) or ric (AWS's runtime "
        "interface client in a subprocess; needs the [ric] extra)",
    )  # fmt: skip
    parser.addini("lambda_events_seed", "base seed of every generated event", default="")
    parser.addini(
        "lambda_runtime", "default runtime of harness functions: in-process or ric",
        default="in-process",
    )  # fmt: skip
    parser.addini("lambda_region", "AWS region of generated events", default=DEFAULT_REGION)
    parser.addini(
        "lambda_account_id", "AWS account id of generated events", default=DEFAULT_ACCOUNT_ID
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_CONTEXT_MARKER}(name=..., timeout=..., memory_size=..., version=..., qualifier=..., "
        "tenant_id=...): configure the lambda_context fixture",
    )
    config.stash[SEED_KEY] = _base_seed(config)
    runtime = _setting(config, "lambda_runtime", "lambda_runtime")
    if runtime not in RUNTIME_MODES:
        raise pytest.UsageError(
            f"ini lambda_runtime = {runtime!r}: use one of {', '.join(RUNTIME_MODES)}"
        )
    fixtures = _EventFixtures(config)
    registry = SourceRegistry(on_register=fixtures.expose)
    config.stash[REGISTRY_KEY] = registry
    ACTIVE_REGISTRIES.append(registry)
    config.add_cleanup(lambda: ACTIVE_REGISTRIES.remove(registry))
    from . import sources

    config.pluginmanager.register(sources, "lambda_events_sources")
    config.hook.pytest_lambda_events_register_sources.call_historic(kwargs={"registry": registry})
    fixtures.register_pending()
    report_path = config.getoption("lambda_events_report")
    if report_path is not None and not hasattr(config, "workerinput"):  # the controller writes
        from .report_html import HtmlReport  # imported only when a report is asked for

        config.pluginmanager.register(HtmlReport.for_option(config, report_path),
                                      "lambda_events_html_report")  # fmt: skip


def _base_seed(config: pytest.Config) -> int:
    """Explicit option, then ini, then the xdist controller's, then pytest-randomly's, else new."""
    seed = config.getoption("lambda_events_seed")
    if seed is not None:
        return int(seed)
    ini = str(config.getini("lambda_events_seed")).strip()
    if ini:
        try:
            return int(ini)
        except ValueError:
            raise pytest.UsageError(
                f"ini lambda_events_seed must be an integer, not {ini!r}"
            ) from None
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and _WORKER_SEED in workerinput:
        return int(workerinput[_WORKER_SEED])
    randomly_seed = getattr(config.option, "randomly_seed", None)
    if isinstance(randomly_seed, int) and not isinstance(randomly_seed, bool):
        return randomly_seed
    return _seeding.fresh_seed()


# optional: an xdist hook, here rather than in a plugin object registered when xdist is present,
# which cost every run a plugin registration
@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Sends the xdist controller's base seed to every worker, so workers draw the same events."""
    node.workerinput[_WORKER_SEED] = node.config.stash[SEED_KEY]


class _EventFixtures:
    """Gives each newly registered source its marker and its ``<id>_event`` fixture.

    The fixtures of the sources registered while pytest configures (the built-in ones, plugins',
    initial conftests') share one plugin module: pytest scans every plugin it registers, and one
    scan instead of 44 is a measurable part of start-up. A source registered later (a conftest
    in a subfolder) gets a plugin module of its own.
    """

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._pending: types.ModuleType | None = types.ModuleType("pytest_lambda_events.fixtures")

    def expose(self, source: SourceSummary) -> None:
        self._config.addinivalue_line("markers", source.describe())
        if self._pending is not None:
            setattr(self._pending, f"{source.id}_event", _event_fixture(source.id))
            return
        holder = types.ModuleType(f"pytest_lambda_events.fixtures.{source.id}")
        setattr(holder, f"{source.id}_event", _event_fixture(source.id))
        self._config.pluginmanager.register(holder, f"lambda_events_fixture_{source.id}")

    def register_pending(self) -> None:
        if self._pending is not None:
            self._config.pluginmanager.register(self._pending, "lambda_events_fixtures")
            self._pending = None


def _event_fixture(source_id: str) -> Any:
    return pytest.fixture(name=f"{source_id}_event")(_build_event)


# every source's <id>_event fixture is this one function, told its source by the fixture's name
def _build_event(request: pytest.FixtureRequest, lambda_events: LambdaEvents) -> dict[str, Any]:
    """An event of this source, configured by its marker: ``@pytest.mark.<id>(**overrides)``."""
    source_id = (request.fixturename or "").removesuffix("_event")  # a SubRequest: never None
    positional = lambda_events.source(source_id).marker_argument
    overrides = _marker_kwargs(request.node, source_id, allowed=None, positional=positional)
    seed = overrides.pop("seed", None)
    if seed is None:
        seed = lambda_events.next_seed(f"{source_id}_event")
    with _fail_cleanly(f"@pytest.mark.{source_id}: "):
        return lambda_events.build(source_id, seed=seed, **overrides)


# pytest reads a fixture's signature once per fixture, 44 times for the one function above;
# stored, it is not recomputed each time (~0.7 ms of start-up)
_build_event.__signature__ = inspect.signature(_build_event)  # type: ignore[attr-defined]


def _marker_kwargs(
    node: pytest.Item, name: str, allowed: frozenset[str] | None, positional: str | None = None
) -> dict[str, Any]:
    """Keyword arguments of every ``name`` marker, the closest (test) overriding class, module.
    A source with a ``positional`` option takes it as the marker's one positional argument."""
    merged: dict[str, Any] = {}
    for marker in node.iter_markers(name):
        kwargs = dict(marker.kwargs)
        if marker.args:
            if positional is None or len(marker.args) > 1 or positional in kwargs:
                takes = f"one argument ({positional}) and " if positional else ""
                pytest.fail(
                    f"@pytest.mark.{name} takes {takes}keyword arguments only, got {marker.args!r}",
                    pytrace=False,
                )
            kwargs[positional] = marker.args[0]
        merged = {**kwargs, **merged}
    unknown = set(merged) - allowed if allowed is not None else set()
    if unknown:
        pytest.fail(
            f"@pytest.mark.{name}: unknown option(s) {', '.join(sorted(unknown))}; "
            f"allowed: {', '.join(sorted(allowed or ()))}",
            pytrace=False,
        )
    return merged


@contextlib.contextmanager
def _fail_cleanly(prefix: str) -> Iterator[None]:
    """Turn a configuration error from a marker into a one-line test error, without traceback."""
    message = None
    try:
        yield
    except LambdaEventsError as error:
        message = f"{prefix}{error}"
    if message is not None:  # raised outside the except block, so no chained traceback
        raise pytest.fail.Exception(message, pytrace=False) from None


def _setting(config: pytest.Config, option: str, ini: str) -> str:
    value = config.getoption(option)
    return str(value if value is not None else config.getini(ini))


@pytest.fixture
def lambda_events_seed(request: pytest.FixtureRequest) -> int:
    """The seed of this test: the run's base seed combined with the test's node id."""
    return _seeding.test_seed(request.config.stash[SEED_KEY], request.node.nodeid)


@pytest.fixture
def lambda_events(request: pytest.FixtureRequest, lambda_events_seed: int) -> LambdaEvents:
    """A factory for events of every registered source (``build``, ``<id>(...)``, ``sources``)."""
    from .events import LambdaEvents  # imported on first use: see the module's docstring

    config = request.config
    ihook = request.node.ihook

    def event_built(source: str, event: dict[str, Any]) -> None:
        ihook.pytest_lambda_events_event_built(source=source, event=event)

    return LambdaEvents(
        config.stash[REGISTRY_KEY],
        lambda_events_seed,
        region=_setting(config, "lambda_region", "lambda_region"),
        account_id=_setting(config, "lambda_account_id", "lambda_account_id"),
        on_built=event_built,
    )


@pytest.fixture
def lambda_context(request: pytest.FixtureRequest, lambda_events_seed: int) -> LambdaContext:
    """A ``LambdaContext`` configured by ``@pytest.mark.lambda_function(...)``."""
    from .context import make_context  # imported on first use: see the module's docstring

    options = _marker_kwargs(request.node, _CONTEXT_MARKER, allowed=_CONTEXT_OPTIONS)
    config = request.config
    with _fail_cleanly(f"@pytest.mark.{_CONTEXT_MARKER}: "):
        return make_context(
            random.Random(_seeding.derive(lambda_events_seed, "lambda_context")),
            function_name=options.get("name", "test-function"),
            region=_setting(config, "lambda_region", "lambda_region"),
            account_id=_setting(config, "lambda_account_id", "lambda_account_id"),
            timeout=options.get("timeout", 3),
            memory_size=options.get("memory_size", 128),
            version=options.get("version", "$LATEST"),
            qualifier=options.get("qualifier"),
            tenant_id=options.get("tenant_id"),
        )


@pytest.fixture
def lambda_harness(request: pytest.FixtureRequest, lambda_events_seed: int) -> Iterator[Harness]:
    """A harness with its own virtual clock: functions, queues, topics, buckets, front doors."""
    from .world import Harness

    config = request.config
    ihook = request.node.ihook

    def finished(invocation: Any) -> None:
        ihook.pytest_lambda_events_invocation_finished(invocation=invocation)

    harness = Harness(
        seed=_seeding.derive(lambda_events_seed, "lambda_harness"),
        region=_setting(config, "lambda_region", "lambda_region"),
        account_id=_setting(config, "lambda_account_id", "lambda_account_id"),
        on_invocation=finished,
        runtime=_setting(config, "lambda_runtime", "lambda_runtime"),
    )
    request.node.stash[HARNESS_KEY] = harness  # for the timeline in a failing test's report
    try:
        yield harness
    finally:
        harness.close()


def pytest_report_header(config: pytest.Config) -> str:
    seed = config.stash[SEED_KEY]
    region = _setting(config, "lambda_region", "lambda_region")
    account = _setting(config, "lambda_account_id", "lambda_account_id")
    return (
        f"lambda-events: seed {seed} (reproduce with --lambda-events-seed={seed}), "
        f"region {region}, account {account}"
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed and _uses_events(item):
        report.sections.append(("lambda-events", _seed_line(item)))
    harness = item.stash.get(HARNESS_KEY, None)
    if harness is not None:
        _add_timeline(item, report, harness)
    return report


def _add_timeline(item: pytest.Item, report: pytest.TestReport, harness: Harness) -> None:
    """A failing report gets the harness's timeline as a section; with
    ``--lambda-events-report``, the call report (and a failing one) carries it as JSON text."""
    wanted = item.config.getoption("lambda_events_report") is not None and (
        report.when == "call" or report.failed)  # fmt: skip
    if not report.failed and not wanted:
        return
    from .timeline import compact_timeline  # imported only when a timeline is shown

    try:
        timeline = compact_timeline(harness.ledger, harness.clock.now())
    except Exception as exc:  # a report must not turn one failure into an internal error
        report.sections.append((TIMELINE_SECTION, f"the timeline could not be made: {exc!r}"))
        return
    if report.failed:
        report.sections.append((TIMELINE_SECTION, timeline.text()))
    if wanted:
        import json

        setattr(report, TIMELINE_ATTRIBUTE,
                json.dumps({"seed": _seed_line(item), "timeline": timeline.to_dict()}))  # fmt: skip


def _seed_line(item: pytest.Item) -> str:
    base = item.config.stash[SEED_KEY]
    return (
        f"base seed {base}, this test's seed {_seeding.test_seed(base, item.nodeid)}; "
        f"reproduce with --lambda-events-seed={base}"
    )


def _uses_events(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return any(name in _OUR_FIXTURES or name.endswith("_event") for name in names)
