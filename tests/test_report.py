"""What pytest shows of a harness: the timeline section of a failing test's report, and the
self-contained HTML page of ``--lambda-events-report`` (pytester; ``-n 2`` too)."""

import re
import shutil
import subprocess

import pytest

pytest_plugins = ["pytester"]

FLOW_TESTS = """
import pytest


def poison(event, context):
    bad = [r["body"] for r in event["Records"] if r["body"].startswith("bad")]
    if bad:
        raise ValueError(f"cannot process {bad} <script>alert('x')</script>")


def ok(event, context):
    return None


def test_orders_reach_the_dlq(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("orders-dlq")
    q = h.sqs_queue("orders", visibility_timeout=30, max_receive_count=3, dead_letter_queue=dlq)
    q.send_batch(["order-1", "bad-2"])
    q.subscribe(h.function(poison, name="process-orders"))
    h.run()
    assert dlq.messages == []


def test_hello_passes(lambda_harness):
    lambda_harness.function(ok, name="hello").invoke({"n": 1})


def test_idle_harness_passes(lambda_harness):
    pass


def test_without_harness_fails():
    assert 1 == 2
"""

BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def _section(result, title):
    """The lines of a report section ``--- title ---`` up to the next separator line."""
    lines = result.outlines
    start = next(i for i, line in enumerate(lines) if re.match(rf"^-+ {title} -+$", line))
    end = next(i for i in range(start + 1, len(lines)) if re.match(r"^[-_=]{5,}", lines[i]))
    return lines[start + 1 : end]


def test_a_failing_test_reports_its_timeline_and_a_passing_one_does_not(pytester):
    pytester.makepyfile(test_flows=FLOW_TESTS)
    result = pytester.runpytest("-rP", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=2)
    story = _section(result, "lambda-events timeline")
    assert story[0].startswith("lambda-events timeline: 3 invocations, 2 deliveries in 1 lane;")
    assert story[1] == "== sqs:orders->process-orders: 3 invocations, 2 messages (2 failed)"
    assert "visibility timeout ran out 30s after receive 2" in story[4]
    assert story[5].startswith("   => 2 failed MaxReceiveCountExceeded at +1m30s [")
    assert "moved to orders-dlq; last failure: ValueError" in story[5]
    # one section: the failing harness test's; neither a passing test nor one without a harness
    assert sum(bool(re.match(r"^-+ lambda-events timeline -+$", line))
               for line in result.outlines) == 1  # fmt: skip
    assert all("== invoke:hello" not in line for line in result.outlines)


def test_help_lists_the_report_option(pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--lambda-events-report=PATH*"])


def _report(pytester, path, *args):
    """Run FLOW_TESTS writing the report to ``path``; ``-n 2`` runs in a subprocess."""
    pytester.makepyfile(test_flows=FLOW_TESTS)
    run = pytester.runpytest_subprocess if "-n" in args else pytester.runpytest
    result = run(f"--lambda-events-report={path}", "-p", "no:cacheprovider", *args)
    result.assert_outcomes(passed=2, failed=2)
    return result


@pytest.mark.parametrize("workers", [(), ("-n", "2")], ids=["serial", "xdist"])
def test_the_html_report_holds_every_harness_test_failed_first(pytester, workers):
    path = pytester.path / "reports" / "deep" / "flows.html"  # the directories are created
    result = _report(pytester, path, *workers)
    result.stdout.fnmatch_lines([
        "*- lambda-events timeline -*",  # made where the test ran (a worker, under xdist)
        "lambda-events timeline: 3 invocations, 2 deliveries in 1 lane;*",
        "== sqs:orders->process-orders: 3 invocations, 2 messages (2 failed)",
        f"lambda-events report: {path} (3 tests with a timeline)",
    ])  # fmt: skip
    page = path.read_text(encoding="utf-8")
    failed, *passed = [page.index(f"test_flows.py::{name}</span></h2>")
                       for name in ("test_orders_reach_the_dlq", "test_hello_passes",
                                    "test_idle_harness_passes")]  # fmt: skip
    assert all(failed < other for other in passed)  # the failed test first
    assert "test_without_harness_fails" not in page
    assert "3 of 4 tests used <code>lambda_harness</code>: 1 failed, 2 passed." in page
    assert '<section class="test failing" id="test-1">' in page
    assert page.count('<section class="test"') == 2
    assert page.count("reproduce with --lambda-events-seed=") == 3
    assert '<span class="lane-name">sqs:orders-&gt;process-orders</span>' in page
    assert '<td class="c-why">visibility timeout ran out 30s after receive 1</td>' in page
    assert '<span class="fate-mark">2 failed</span> MaxReceiveCountExceeded at +1m30s' in page
    assert '<span class="lane-name">invoke:hello</span>' in page
    assert "The harness ran nothing (no invocations, no deliveries)." in page


def test_the_html_report_is_self_contained_and_escaped(pytester):
    path = pytester.path / "report.html"
    _report(pytester, path)
    page = path.read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert not re.search(r"\b(src|srcset|action|poster|data)\s*=", page)
    links = re.findall(r"\bhref\s*=\s*[\"']?([^\"' >]*)", page)
    assert links and all(link.startswith("#test-") for link in links)  # in-page links only
    assert "<script" not in page and "@import" not in page and "url(" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<link" not in page


def test_a_run_without_harness_tests_still_writes_the_page(pytester):
    pytester.makepyfile("def test_x(): pass")
    path = pytester.path / "none.html"
    result = pytester.runpytest(f"--lambda-events-report={path}")
    result.assert_outcomes(passed=1)
    assert "No test used <code>lambda_harness</code> in this run (1 test ran)." in path.read_text()


def test_a_relative_path_is_relative_to_where_pytest_was_started(pytester):
    pytester.makepyfile("def test_x(lambda_harness): pass")
    pytester.runpytest("--lambda-events-report=out/r.html").assert_outcomes(passed=1)
    assert (pytester.path / "out" / "r.html").is_file()


def test_an_unusable_report_path_is_a_usage_error(pytester):
    pytester.makepyfile("def test_x(): pass")
    (pytester.path / "a-file").write_text("")
    result = pytester.runpytest(f"--lambda-events-report={pytester.path / 'a-file' / 'r.html'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lambda-events-report=*: cannot create the directory *"])
    result = pytester.runpytest(f"--lambda-events-report={pytester.path}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lambda-events-report=*: * is a directory; give a file path*"])
    result = pytester.runpytest("--lambda-events-report= ")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--lambda-events-report needs a file path*"])


def _browser():
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


@pytest.mark.skipif(_browser() is None, reason="no headless Chromium or Chrome installed")
def test_the_report_renders_in_headless_chromium(pytester, tmp_path):
    path = pytester.path / "report.html"
    _report(pytester, path)
    browser = [_browser(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
               "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    url = path.as_uri()
    dom = subprocess.run([*browser, "--dump-dom", url], capture_output=True, text=True,
                         timeout=120, check=True).stdout  # fmt: skip
    assert dom.count('<tr class="k-error">') == 3  # the three failed receives of the SQS batch
    assert '<tr class="k-ok">' in dom
    assert "MaxReceiveCountExceeded" in dom
    shot = tmp_path / "page.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1200,1600", url],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    png = shot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 20_000  # a rendered page, not a blank one (a blank one is ~5 KB)


def test_outcomes_on_the_page_follow_every_phase(pytester):
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def broken_teardown(lambda_harness):
            yield lambda_harness
            raise RuntimeError("teardown broke")

        @pytest.mark.xfail(reason="known")
        def test_known_bug(lambda_harness):
            assert False

        def test_teardown_error(broken_teardown):
            pass
        """
    )
    path = pytester.path / "r.html"
    result = pytester.runpytest(f"--lambda-events-report={path}")
    result.assert_outcomes(passed=1, xfailed=1, errors=1)
    page = path.read_text()
    assert page.index('<span class="badge o-error">ERROR</span> <span class="nodeid">') < (
        page.index('<span class="badge o-xfailed">XFAILED</span> <span class="nodeid">')
    )
    assert "2 of 2 tests used <code>lambda_harness</code>: 1 error, 1 xfailed." in page


def test_a_report_that_cannot_be_written_says_so(pytester):
    pytester.makepyfile(
        """
        import shutil

        def test_removes_the_report_directory(lambda_harness, pytestconfig):
            shutil.rmtree(pytestconfig.rootpath / "gone")
        """
    )
    result = pytester.runpytest(f"--lambda-events-report={pytester.path / 'gone' / 'r.html'}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["lambda-events report: could not write */gone/r.html: *"])
