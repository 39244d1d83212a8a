"""Real-runtime mode: a function's handler runs under AWS's runtime interface client.

``h.function(handler, runtime="ric")`` starts ``awslambdaric`` (the Python runtime client that
AWS's own images run) in a subprocess, an execution environment, and serves it the Lambda
Runtime API (``/2018-06-01/runtime/invocation/next``, ``.../response``, ``.../error``,
``/init/error``) from a server on 127.0.0.1. Import errors, handler-string resolution, response
marshalling and the error documents then come from AWS's code, not from the in-process invoker.

The environment is reused across invocations, like a warm one, and started again after a
timeout, a crash or an init error, as AWS does (semantics.md 1.3). Its clock is the harness's
virtual clock (see ``ric_bootstrap``).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .errors import FunctionConfigError
from .invoker import MAX_RESPONSE_BYTES, exit_error, response_too_large
from .ledger import InvocationError
from .ric_bootstrap import CLOCK_PATH, START_MS_VARIABLE, TIMEOUT_MS_VARIABLE, TIMEOUT_PATH

if TYPE_CHECKING:
    from .context import LambdaContext

API_PREFIX = "/2018-06-01/runtime"
# AWS gives the init phase 10 s of its own on on-demand functions; real seconds here, because
# a process starting is real work (Python, awslambdaric, the handler's imports).
INIT_SECONDS = 10.0


def handler_string(handler: Any) -> str:
    """The ``module.function`` string the runtime imports; a callable must be reachable by it."""
    if isinstance(handler, str):
        return handler
    module = getattr(handler, "__module__", None)
    name = getattr(handler, "__qualname__", "")
    found = sys.modules.get(module or "")
    if module in (None, "__main__") or "." in name or getattr(found, name, None) is not handler:
        raise FunctionConfigError(
            f"runtime='ric' runs the handler in another process, which imports it by name: "
            f"{handler!r} is not a module-level function; pass a module-level function or a "
            "'package.module.function' string"
        )
    return f"{module}.{name}"


@dataclass
class Outcome:
    """What the runtime answered for one invocation."""

    response: Any = None
    error: InvocationError | None = None
    timed_out: bool = False
    elapsed_ms: int = 0  # virtual time the handler spent sleeping
    ended: bool = False  # the execution environment ended (timeout, exit, init error)


@dataclass
class RuntimeRequest:
    """An invocation as ``/invocation/next`` hands it to the runtime: the event and the
    ``Lambda-Runtime-*`` headers the runtime builds its context from (semantics.md 8.2)."""

    request_id: str
    body: bytes
    headers: dict[str, str]

    @classmethod
    def of(cls, context: LambdaContext, body: bytes, trace_id: str) -> RuntimeRequest:
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": context.aws_request_id,
            "Lambda-Runtime-Deadline-Ms": str(context.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": context.invoked_function_arn,
            "Lambda-Runtime-Trace-Id": trace_id,
        }
        identity = context.identity
        if identity.cognito_identity_id or identity.cognito_identity_pool_id:
            headers["Lambda-Runtime-Cognito-Identity"] = json.dumps({
                "cognitoIdentityId": identity.cognito_identity_id,
                "cognitoIdentityPoolId": identity.cognito_identity_pool_id,
            })  # fmt: skip
        if context.client_context is not None:
            headers["Lambda-Runtime-Client-Context"] = json.dumps(asdict(context.client_context))
        if context.tenant_id is not None:
            headers["Lambda-Runtime-Aws-Tenant-Id"] = context.tenant_id
        return cls(context.aws_request_id, body, headers)


class _Environment:
    """One process of the runtime and what passes between it and the harness."""

    def __init__(self) -> None:
        self.next: queue.Queue[RuntimeRequest | None] = queue.Queue()
        self.answers: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.elapsed_ms: dict[str, int] = {}
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, command: list[str], variables: dict[str, str]) -> None:
        self.process = subprocess.Popen(command, env=variables, stdin=subprocess.DEVNULL)
        threading.Thread(target=self._watch, args=(self.process,), daemon=True).start()

    def _watch(self, process: subprocess.Popen[bytes]) -> None:
        self.answers.put(("exit", process.wait()))

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.next.put(None)  # releases a /next request the server is holding


class RuntimeApi:
    """The Lambda Runtime API of one function, and the execution environment it serves."""

    def __init__(self, handler: str) -> None:
        self.handler = handler
        self._server = _Server(("127.0.0.1", 0), _endpoint(self))
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.environment: _Environment | None = None
        self._variables: dict[str, str] = {}

    @property
    def address(self) -> str:
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def invoke(
        self,
        request: RuntimeRequest,
        variables: dict[str, str],
        timeout_ms: int,
        start_ms: int,
    ) -> Outcome:
        """Run one invocation; ``variables`` are the environment's (a change starts a new one)."""
        environment = self._environment(variables, timeout_ms, start_ms)
        environment.next.put(request)
        kind, value = self._answer(environment, timeout_ms / 1000)
        outcome = self._outcome(request.request_id, kind, value)
        outcome.elapsed_ms = environment.elapsed_ms.pop(request.request_id, 0)
        outcome.ended = kind not in ("response", "error")  # a timeout, an exit, an init error
        if outcome.ended:
            self._end()
        return outcome

    @staticmethod
    def _answer(environment: _Environment, timeout: float) -> tuple[str, Any]:
        """The runtime's answer. Real seconds bound the wait: INIT_SECONDS until the runtime
        takes the invocation, then the function timeout (a handler really busy for longer
        would time out on AWS too)."""
        limit = INIT_SECONDS
        while True:
            try:
                kind, value = environment.answers.get(timeout=limit)
            except queue.Empty:
                return "timeout", None
            if kind != "taken":
                return kind, value
            limit = timeout

    def close(self) -> None:
        self._end()
        self._server.shutdown()
        self._server.server_close()

    def _environment(
        self, variables: dict[str, str], timeout_ms: int, start_ms: int
    ) -> _Environment:
        if self.environment is not None and variables != self._variables:
            self._end()
        if self.environment is None:
            self._variables = dict(variables)
            # published before the process starts, so that its first request finds it
            self.environment = environment = _Environment()
            environment.start(
                [sys.executable, "-m", "pytest_lambda_events.ric_bootstrap", self.handler],
                {**_process_variables(), **variables, "AWS_LAMBDA_RUNTIME_API": self.address,
                 TIMEOUT_MS_VARIABLE: str(timeout_ms), START_MS_VARIABLE: str(start_ms)},
            )  # fmt: skip
        return self.environment

    def _end(self) -> None:
        if self.environment is not None:
            self.environment.stop()
            self.environment = None

    def _outcome(self, request_id: str, kind: str, value: Any) -> Outcome:
        if kind == "response":
            return _response(*value)
        if kind in ("error", "init_error"):
            return Outcome(error=InvocationError(value["errorType"], value["errorMessage"], value))
        if kind == "timeout":
            return Outcome(timed_out=True)
        return Outcome(error=exit_error(request_id, value))


def _response(body: bytes, content_type: str) -> Outcome:
    """What Lambda returns for a posted result: JSON is decoded; other content (a handler that
    returned ``bytes``, sent as ``application/unknown``) is passed on as it came."""
    if len(body) > MAX_RESPONSE_BYTES:
        return Outcome(error=response_too_large())
    if content_type.startswith("application/json"):
        return Outcome(response=json.loads(body))
    return Outcome(response=body)


def _process_variables() -> dict[str, str]:
    """The test process's environment, with its import path, so the handler's modules import
    in the runtime as they do in the test (AWS puts ``LAMBDA_TASK_ROOT`` on the path)."""
    path = os.pathsep.join(entry or os.getcwd() for entry in sys.path)
    return {**os.environ, "PYTHONPATH": path}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A runtime killed mid-request (a timeout, a crash) drops its connection: expected."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def _endpoint(api: RuntimeApi) -> type[BaseHTTPRequestHandler]:
    class Endpoint(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # the runtime client keeps its connection open
        disable_nagle_algorithm = True  # small answers must not wait for an ACK

        def do_GET(self) -> None:
            environment = api.environment
            if self.path != f"{API_PREFIX}/invocation/next" or environment is None:
                return self._answer(404, b'{"errorType": "NotFound"}')
            request = environment.next.get()
            if request is None:  # the environment was stopped while its runtime waited
                self.close_connection = True
                return None
            environment.answers.put(("taken", request.request_id))
            self._answer(200, request.body, request.headers)

        def do_POST(self) -> None:
            environment = api.environment
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if environment is None:
                return self._answer(410, b'{"errorType": "EnvironmentStopped"}')
            answer = _posted(self.path, body, self.headers.get("Content-Type", ""))
            if answer is None:
                return self._answer(404, b'{"errorType": "NotFound"}')
            kind, value = answer
            if kind == "elapsed":
                environment.elapsed_ms[value["requestId"]] = int(value["elapsedMs"])
            else:
                environment.answers.put((kind, value))
            self._answer(202, b'{"status": "OK"}')

        def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the test's output is the handler's."""

    return Endpoint


def _posted(path: str, body: bytes, content_type: str) -> tuple[str, Any] | None:
    """What a POST from the runtime means, or None for an unknown path."""
    if path == f"{API_PREFIX}/init/error":
        return "init_error", json.loads(body)
    if path == CLOCK_PATH:
        return "elapsed", json.loads(body)
    if path == TIMEOUT_PATH:
        return "timeout", None
    if path.startswith(f"{API_PREFIX}/invocation/"):
        if path.endswith("/error"):
            return "error", json.loads(body)
        if path.endswith("/response"):
            return "response", (body, content_type)
    return None
