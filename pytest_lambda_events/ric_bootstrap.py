"""The entry point of a real-runtime execution environment (``runtime="ric"``).

The harness starts ``python -m pytest_lambda_events.ric_bootstrap HANDLER`` with the Lambda
variables and ``AWS_LAMBDA_RUNTIME_API`` pointing at its own Runtime API server. This module
runs AWS's runtime interface client (awslambdaric) unchanged, with one addition: the harness's
virtual clock. The handler sees virtual time (freezegun, moved to each invocation's start, which
is its ``Lambda-Runtime-Deadline-Ms`` minus the function timeout), and ``time.sleep`` passes
virtual time instead of real time. The sleeps of an invocation are reported to the harness
before its result, and a sleep past the deadline reports a timeout and ends the process, as AWS
ends an execution environment that timed out.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any, SupportsIndex

# Side channel to the harness, beside the Runtime API paths (the RIC never calls these).
CLOCK_PATH = "/pytest-lambda-events/elapsed"
TIMEOUT_PATH = "/pytest-lambda-events/timeout"
TIMEOUT_MS_VARIABLE = "_LAMBDA_EVENTS_TIMEOUT_MS"
START_MS_VARIABLE = "_LAMBDA_EVENTS_START_MS"


class _VirtualTime:
    """The handler's clock: frozen at each invocation's virtual start, moved by sleeps."""

    def __init__(self, api: str, timeout_ms: int, start_ms: int) -> None:
        import freezegun

        self.api = api
        self.timeout_ms = timeout_ms
        self.deadline_ms = start_ms + timeout_ms
        self.request_id = ""
        self.slept_ms = 0
        self._frozen = freezegun.freeze_time(_utc(start_ms)).start()

    def begin(self, request_id: str, deadline_ms: int) -> None:
        self.request_id, self.deadline_ms, self.slept_ms = request_id, deadline_ms, 0
        self._frozen.move_to(_utc(deadline_ms - self.timeout_ms))

    def sleep(self, secs: float | SupportsIndex) -> None:
        seconds = float(secs)
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        now_ms = self.deadline_ms - self.timeout_ms + self.slept_ms
        wake_ms = now_ms + round(seconds * 1000)
        if wake_ms > self.deadline_ms:
            self._post(TIMEOUT_PATH, {"requestId": self.request_id})
            os._exit(0)  # AWS stops the environment of an invocation that timed out
        self.slept_ms = wake_ms - (self.deadline_ms - self.timeout_ms)
        self._frozen.tick(timedelta(milliseconds=wake_ms - now_ms))

    def report(self) -> None:
        """Tell the harness how much virtual time the invocation spent, before its result."""
        if self.slept_ms:
            self._post(CLOCK_PATH, {"requestId": self.request_id, "elapsedMs": self.slept_ms})

    def _post(self, path: str, document: dict[str, Any]) -> None:
        connection = http.client.HTTPConnection(self.api)
        connection.request("POST", path, json.dumps(document))
        connection.getresponse().read()
        connection.close()


def _utc(epoch_ms: int) -> datetime:
    return datetime.fromtimestamp(epoch_ms / 1000, UTC)


def _install(clock: _VirtualTime) -> None:
    """Hook the clock into the RIC's client: at each next invocation and before each result."""
    from awslambdaric.lambda_runtime_client import BaseLambdaRuntimeClient as Client

    wait_next, post_result, post_error = (
        Client.wait_next_invocation, Client.post_invocation_result, Client.post_invocation_error
    )  # fmt: skip

    def wait_next_invocation(self: Client) -> Any:
        request = wait_next(self)
        clock.begin(request.invoke_id, int(request.deadline_time_in_ms))
        return request

    def post_invocation_result(self: Client, *args: Any, **kwargs: Any) -> Any:
        clock.report()
        return post_result(self, *args, **kwargs)

    def post_invocation_error(self: Client, *args: Any, **kwargs: Any) -> Any:
        clock.report()
        return post_error(self, *args, **kwargs)

    Client.wait_next_invocation = wait_next_invocation
    Client.post_invocation_result = post_invocation_result
    Client.post_invocation_error = post_invocation_error
    time.sleep = clock.sleep
    # the runtime sets logging.Formatter.converter = time.gmtime: freezegun's replacement is
    # a plain function, which a class attribute would bind as a method; a staticmethod is not
    time.gmtime = staticmethod(time.gmtime)


def main(argv: list[str]) -> None:
    from awslambdaric.__main__ import main as ric_main

    clock = _VirtualTime(
        os.environ["AWS_LAMBDA_RUNTIME_API"],
        int(os.environ.pop(TIMEOUT_MS_VARIABLE)),
        int(os.environ.pop(START_MS_VARIABLE)),
    )
    _install(clock)
    ric_main(argv)


if __name__ == "__main__":
    main(sys.argv)
