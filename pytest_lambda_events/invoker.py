"""Functions and the invoker: call a handler as the AWS Python runtime would.

The invoker builds the context, sets the Lambda environment variables for the call, enforces the
timeout on the virtual clock, and turns errors into AWS's error payload (semantics.md 1.2-1.3).
"""

from __future__ import annotations

import importlib
import json
import os
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from . import aws
from .context import LambdaContext, make_context
from .ledger import Invocation, InvocationError

if TYPE_CHECKING:
    from .world.function import Function

Handler = Callable[[Any, LambdaContext], Any]
MAX_RESPONSE_BYTES = 6_291_556  # the limit in AWS's own error text (semantics.md 8.1)
RUNTIME = "python3.11"


class _TimedOut(BaseException):
    """Raised inside a handler whose virtual time ran out; BaseException so that a handler's
    ``except Exception`` cannot swallow it, as it cannot stop AWS's timeout either."""


class Invoker:
    """Runs one handler call and records it; owned by a ``Function``."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self._module_dirty = False  # AWS re-initialises the environment after a timeout

    def call(
        self, event: Any, *, request_id: str, invocation_type: str, attempt: int
    ) -> Invocation:
        fn, harness = self.function, self.function.harness
        clock = harness.clock
        context = make_context(
            harness.rng, function_name=fn.name, region=harness.region,
            account_id=harness.account_id, timeout=fn.timeout, memory_size=fn.memory_size,
            request_id=request_id,
        )  # fmt: skip
        started = clock.now()
        deadline = started + timedelta(seconds=fn.timeout)
        response: Any = None
        error: InvocationError | None = None
        timed_out = False
        with self._environment(context), self._deadline(deadline):
            try:
                handler = self._resolve()
                response = handler(event, context)
            except _TimedOut:
                timed_out = True
            except _RuntimeError as exc:
                error = _error(exc.error_type, str(exc), request_id, exc)
            except Exception as exc:
                error = _error(type(exc).__name__, str(exc), request_id, exc)
        if clock.now() > deadline:  # the handler moved time past its deadline some other way
            timed_out = True
        if timed_out:
            clock.move_to(deadline)
            self._module_dirty = True
            message = (
                f"RequestId: {request_id} Error: Task timed out after {fn.timeout:.2f} seconds"
            )
            error = InvocationError(
                "Sandbox.Timedout",
                message,
                {"errorType": "Sandbox.Timedout", "errorMessage": message},
            )
            response = None
        elif error is None:
            response, error = _marshal(response, request_id)
        invocation = Invocation(
            function=fn.name, request_id=request_id, event=event, context=context,
            started_at=started, duration=clock.now() - started, response=response, error=error,
            timed_out=timed_out, invocation_type=invocation_type, attempt=attempt,
        )  # fmt: skip
        fn.invocations.append(invocation)
        harness.ledger.record_invocation(invocation)
        harness.notify_invocation(invocation)
        return invocation

    def _resolve(self) -> Handler:
        handler = self.function.handler
        if callable(handler):
            return handler
        module_name, _, attr = handler.rpartition(".")
        if not module_name or not attr:
            raise _RuntimeError(
                "Runtime.MalformedHandlerName",
                f"Bad handler '{handler}': not enough values to unpack (expected 2, got 1)",
            )
        try:
            module = importlib.import_module(module_name)
            if self._module_dirty:
                module = importlib.reload(module)
                self._module_dirty = False
        except Exception as exc:
            raise _RuntimeError(
                "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
            ) from exc
        found = getattr(module, attr, None)
        if not callable(found):
            raise _RuntimeError(
                "Runtime.HandlerNotFound", f"Handler '{attr}' missing on module '{module_name}'"
            )
        return found  # type: ignore[no-any-return]

    @contextmanager
    def _environment(self, context: LambdaContext) -> Iterator[None]:
        fn, harness = self.function, self.function.harness
        values = {
            "AWS_LAMBDA_FUNCTION_NAME": fn.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": context.log_group_name,
            "AWS_LAMBDA_LOG_STREAM_NAME": context.log_stream_name,
            "AWS_REGION": harness.region,
            "AWS_DEFAULT_REGION": harness.region,
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{RUNTIME}",
            "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
            "LAMBDA_TASK_ROOT": "/var/task",
            "LAMBDA_RUNTIME_DIR": "/var/runtime",
            "_HANDLER": fn.handler_name,
            "_X_AMZN_TRACE_ID": aws.xray_trace_header(harness.rng, harness.clock.now()),
            "TZ": ":UTC",
            **fn.environment,
        }
        saved = {name: os.environ.get(name) for name in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for name, old in saved.items():
                if old is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = old

    @contextmanager
    def _deadline(self, deadline: Any) -> Iterator[None]:
        clock = self.function.harness.clock

        def sleep(seconds: float) -> None:
            wake = clock.now() + timedelta(seconds=seconds)
            if wake > deadline:
                clock.move_to(deadline)
                raise _TimedOut
            clock.move_to(wake)

        previous, clock.sleep_hook = clock.sleep_hook, sleep
        try:
            yield
        finally:
            clock.sleep_hook = previous


class _RuntimeError(Exception):
    """An error the runtime itself reports (bad handler string, import failure, ...)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def _error(error_type: str, message: str, request_id: str, exc: BaseException) -> InvocationError:
    payload = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": _user_frames(exc),
    }
    return InvocationError(error_type, message, payload)


def _user_frames(exc: BaseException) -> list[str]:
    """The traceback from the first frame outside the invoker, as the runtime formats it."""
    frames = traceback.extract_tb(exc.__traceback__)
    here = os.path.abspath(__file__)
    user = [f for f in frames if os.path.abspath(f.filename) != here]
    return traceback.format_list(user)


def _marshal(response: Any, request_id: str) -> tuple[Any, InvocationError | None]:
    """Serialise the response as the runtime does; return what the caller receives."""
    try:
        text = json.dumps(response, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        return None, InvocationError(
            "Runtime.MarshalError", message,
            {"errorMessage": message, "errorType": "Runtime.MarshalError", "requestId": request_id,
             "stackTrace": []},
        )  # fmt: skip
    if len(text.encode()) > MAX_RESPONSE_BYTES:
        message = (
            "Response payload size exceeded maximum allowed payload size "
            f"({MAX_RESPONSE_BYTES} bytes)."
        )
        return None, InvocationError(
            "Function.ResponseSizeTooLarge", message,
            {"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"},
        )  # fmt: skip
    return json.loads(text), None


def _json_default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):  # the runtime's simplejson writes Decimals as numbers
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
