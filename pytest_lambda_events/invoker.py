"""Functions and the invoker: call a handler as the AWS Python runtime would.

The invoker builds the context, sets the Lambda environment variables for the call, enforces the
timeout on the virtual clock, and turns errors into AWS's error payload (semantics.md 1.2-1.3).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from functools import partial
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from types import CodeType
from typing import TYPE_CHECKING, Any

from . import aws
from .context import LambdaContext, check_function_settings
from .errors import FunctionConfigError
from .ledger import Invocation, InvocationError

if TYPE_CHECKING:
    from .ric import RuntimeApi
    from .world.function import Function

Handler = Callable[[Any, LambdaContext], Any]
MAX_RESPONSE_BYTES = 6_291_556  # the limit in AWS's own error text (semantics.md 8.1)
RUNTIME = "python3.11"


def payload(function_name: str, event: Any) -> bytes:
    """An invocation payload as Lambda takes it: JSON."""
    try:
        return json.dumps(event).encode()
    except (TypeError, ValueError) as exc:
        raise FunctionConfigError(
            f"{function_name}: the event is not JSON ({exc}); Lambda payloads are JSON documents"
        ) from None


def payload_bytes(function_name: str, event: Any) -> int:
    """The size of an invocation payload."""
    return len(payload(function_name, event))


class _TimedOut(BaseException):
    """Raised inside a handler whose virtual time ran out; BaseException so that a handler's
    ``except Exception`` cannot swallow it, as it cannot stop AWS's timeout either."""


class Invoker:
    """Runs one handler call and records it; owned by a ``Function``."""

    def __init__(self, function: Function) -> None:
        self.function = function
        self._module_dirty = False  # AWS re-initialises the environment after a timeout
        self._settings: tuple[str, float, int] | None = None  # validated (name, timeout, memory)
        self._arn = ""
        self._timeout = timedelta(0)
        self._stream: tuple[date | None, str] = (None, "")  # the execution environment's log stream
        self.runtime_api: RuntimeApi | None = None  # runtime="ric": AWS's runtime client serves it

    def call(
        self,
        event: Any,
        *,
        request_id: str,
        invocation_type: str,
        attempt: int,
        judge: Callable[[Invocation], None] | None = None,
    ) -> Invocation:
        """Invoke once; ``judge`` (a response contract) sees the invocation before observers."""
        fn, harness = self.function, self.function.harness
        clock = harness.clock
        started = clock.now()
        context = self._context(request_id, started)
        deadline = started + self._timeout
        response: Any = None
        error: InvocationError | None = None
        timed_out = False
        if self.runtime_api is not None:
            response, error, timed_out = self._call_runtime(event, context)
        else:
            # the environment and the sleep hook are set and undone inline rather than with
            # context managers: an event source mapping invokes thousands of times per run
            restore = self._set_environment(context)
            previous, clock.sleep_hook = clock.sleep_hook, partial(self._sleep, deadline)
            try:
                handler = self._resolve()
                response = handler(event, context)
            except _TimedOut:
                timed_out = True
            except _InitError as exc:
                error = exc.error
                self._stream = (None, "")  # the next call starts a new environment
            except SystemExit as exc:  # the runtime's process would end: a new one next time
                error = exit_error(request_id, _exit_status(exc.code))
                self._module_dirty, self._stream = True, (None, "")
            except Exception as exc:
                error = _error(type(exc).__name__, str(exc), request_id, exc)
            finally:
                clock.sleep_hook = previous
                harness.environment.leave(restore)
        if clock.now() > deadline:  # the handler moved time past its deadline some other way
            timed_out = True
        if timed_out:
            clock.move_to(deadline)
            self._module_dirty = True
            self._stream = (None, "")
            message = (
                f"RequestId: {request_id} Error: Task timed out after {fn.timeout:.2f} seconds"
            )
            error = InvocationError(
                "Sandbox.Timedout",
                message,
                {"errorType": "Sandbox.Timedout", "errorMessage": message},
            )
            response = None
        elif error is None and self.runtime_api is None:  # the real runtime marshalled it
            response, error = _marshal(response, request_id)
        invocation = Invocation(
            function=fn.name, request_id=request_id, event=event, context=context,
            started_at=started, duration=clock.now() - started, response=response, error=error,
            timed_out=timed_out, invocation_type=invocation_type, attempt=attempt,
        )  # fmt: skip
        if judge is not None:
            judge(invocation)
        fn.invocations.append(invocation)
        harness.ledger.record_invocation(invocation)
        harness.notify_invocation(invocation)
        return invocation

    def _context(self, request_id: str, now: datetime) -> LambdaContext:
        """What ``make_context`` builds, without re-validating unchanged settings or asking
        freezegun for the time (this runs once per invocation; event source mappings make
        thousands)."""
        fn, harness = self.function, self.function.harness
        settings = (fn.name, fn.timeout, fn.memory_size)
        if self._settings != settings:
            check_function_settings(*settings)
            self._settings = settings
            self._timeout = timedelta(seconds=fn.timeout)
            self._arn = aws.arn(harness.partition, "lambda", harness.region, harness.account_id,
                                f"function:{fn.name}")  # fmt: skip
        if now.date() != self._stream[0]:  # a new execution environment (first call, new day,
            # or after a timeout reset it): a new log stream, as AWS names them
            self._stream = (
                now.date(),
                f"{now:%Y/%m/%d}/[$LATEST]{aws.hex_string(harness.rng, 32)}",
            )
        return LambdaContext(
            function_name=fn.name, function_version="$LATEST", invoked_function_arn=self._arn,
            memory_limit_in_mb=fn.memory_size, aws_request_id=request_id,
            log_stream_name=self._stream[1],
            deadline_ms=round(now.timestamp() * 1000) + int(fn.timeout * 1000),
        )  # fmt: skip

    def use_runtime_client(self) -> None:
        """Run the handler under awslambdaric in a subprocess from now on (``runtime="ric"``)."""
        from .ric import RuntimeApi, handler_string

        self.runtime_api = RuntimeApi(handler_string(self.function.handler))
        self.function.harness.on_close(self.runtime_api.close)

    def _call_runtime(
        self, event: Any, context: LambdaContext
    ) -> tuple[Any, InvocationError | None, bool]:
        """One invocation through the Runtime API; the handler's sleeps move the clock."""
        from .ric import RuntimeRequest

        assert self.runtime_api is not None
        fn, clock = self.function, self.function.harness.clock
        trace_id = aws.xray_trace_header(fn.harness.rng, clock.now())  # drawn as in-process
        variables = self._variables(context, trace_id)
        del variables[_TRACE_ID]  # per invocation, from the Lambda-Runtime-Trace-Id header
        request = RuntimeRequest.of(context, payload(fn.name, event), trace_id)
        start_ms = context.deadline_ms - int(fn.timeout * 1000)
        outcome = self.runtime_api.invoke(request, variables, int(fn.timeout * 1000), start_ms)
        if outcome.elapsed_ms:
            clock.move_to(clock.now() + timedelta(milliseconds=outcome.elapsed_ms))
        if outcome.ended:  # the next call starts a new environment, with a new log stream
            self._stream = (None, "")
        return outcome.response, outcome.error, outcome.timed_out

    def _resolve(self) -> Handler:
        """The handler, found as the runtime's ``_get_handler`` finds it (semantics.md 1.2):
        errors while importing are init errors, reported without a request id."""
        handler = self.function.handler
        if callable(handler):
            return handler
        if "." not in handler:
            raise _InitError(
                "Runtime.MalformedHandlerName",
                f"Bad handler '{handler}': not enough values to unpack (expected 2, got 1)",
            )
        module_name, _, attr = handler.rpartition(".")
        if module_name.split(".")[0] in sys.builtin_module_names:
            raise _InitError(
                "Runtime.BuiltInModuleConflict",
                f"Cannot use built-in module {module_name} as a handler module",
            )
        module = self._import(module_name)
        try:
            return getattr(module, attr)  # type: ignore[no-any-return]
        except AttributeError:
            raise _InitError(
                "Runtime.HandlerNotFound", f"Handler '{attr}' missing on module '{module_name}'"
            ) from None

    def _import(self, module_name: str) -> Any:
        try:
            module = importlib.import_module(module_name.replace("/", "."))
            if self._module_dirty:
                module = importlib.reload(module)
                self._module_dirty = False
            return module
        except ImportError as exc:
            raise _InitError(
                "Runtime.ImportModuleError", f"Unable to import module '{module_name}': {exc}"
            ) from exc
        except SyntaxError as exc:
            raise _InitError(
                "Runtime.UserCodeSyntaxError", f"Syntax error in module '{module_name}': {exc}",
                [f'  File "{exc.filename}" Line {exc.lineno}\n    {exc.text}'],
            ) from exc  # fmt: skip
        except Exception as exc:  # the module's own code failed: reported as that exception
            raise _InitError(type(exc).__name__, str(exc), _user_frames(exc)) from exc

    def _set_environment(self, context: LambdaContext) -> dict[str, str | None] | None:
        """Set the Lambda variables for this call; what ``LambdaEnvironment.leave`` undoes."""
        fn, harness = self.function, self.function.harness
        trace_id = aws.xray_trace_header(harness.rng, harness.clock.now())
        overrides = fn.environment  # the function's own variables win, as in _variables
        return harness.environment.enter(
            self,
            overrides.get(_TRACE_ID, trace_id),
            overrides.get(_LOG_STREAM, context.log_stream_name),
            partial(self._variables, context, trace_id),
        )

    def _variables(self, context: LambdaContext, trace_id: str) -> dict[str, str]:
        fn, harness = self.function, self.function.harness
        return {
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
            "_X_AMZN_TRACE_ID": trace_id,
            "TZ": ":UTC",
            **fn.environment,
        }

    def _sleep(self, deadline: datetime, seconds: float) -> None:
        """``time.sleep`` in the handler: virtual time passes, up to the deadline."""
        clock = self.function.harness.clock
        wake = clock.now() + timedelta(seconds=seconds)
        if wake > deadline:
            clock.move_to(deadline)
            raise _TimedOut
        clock.move_to(wake)


class LambdaEnvironment:
    """The Lambda variables handlers see in ``os.environ``, for one harness.

    Outside ``keep()`` every call sets them and restores what was there after. While the
    harness runs its agenda (inside ``keep()``) they stay set between calls: a function called
    again only gets its new trace id, and what was there before is restored when ``keep()``
    ends. Setting and restoring fifteen variables costs about 100 us, and an event source
    mapping may invoke thousands of times in one run. A call made from inside another (a
    handler invoking a function) sets and restores around itself, hiding the caller's own.
    """

    def __init__(self) -> None:
        self._kept = 0
        self._active: list[tuple[str, ...]] = []  # the variables of the calls under way
        self._saved: dict[str, str | None] = {}
        self._owner: object | None = None
        self._names: tuple[str, ...] = ()
        self._log_stream = ""

    @contextmanager
    def keep(self) -> Iterator[None]:
        self._kept += 1
        try:
            yield
        finally:
            self._kept -= 1
            if not self._kept:
                saved, self._saved, self._owner, self._names = self._saved, {}, None, ()
                _restore(saved)

    def enter(
        self,
        owner: object,
        trace_id: str,
        log_stream: str,
        variables: Callable[[], dict[str, str]],
    ) -> dict[str, str | None] | None:
        """Set the variables for one call of ``owner``'s handler (``variables()`` builds them
        all; when the same function is called again while kept, only its trace id and log
        stream change, and they are not built). Pass the result to ``leave`` after the call."""
        active = self._active
        if self._kept and not active:
            if owner is self._owner:  # a new trace id each call; a new log stream after a timeout
                os.environ[_TRACE_ID] = trace_id
                if log_stream != self._log_stream:
                    os.environ[_LOG_STREAM] = self._log_stream = log_stream
            else:
                self._install(owner, variables())
            active.append(self._names)
            return None
        # around this call only; the calling function's own variables are hidden meanwhile
        values = variables()
        hidden = [name for name in (active[-1] if active else ()) if name not in values]
        saved = {name: os.environ.get(name) for name in (*values, *hidden)}
        for name in hidden:
            os.environ.pop(name, None)
        os.environ.update(values)
        active.append(tuple(values))
        return saved

    def leave(self, saved: dict[str, str | None] | None) -> None:
        """Undo ``enter``: restore what a call outside ``keep()`` (or a nested one) replaced."""
        self._active.pop()
        if saved is not None:
            _restore(saved)

    def _install(self, owner: object, values: dict[str, str]) -> None:
        saved = self._saved
        for name in self._names:  # the previous function's own variables go
            if name not in values:
                _restore({name: saved[name]})
        for name, value in values.items():
            if name not in saved:
                saved[name] = os.environ.get(name)
            os.environ[name] = value
        self._owner, self._names = owner, tuple(values)
        self._log_stream = values[_LOG_STREAM]


_TRACE_ID, _LOG_STREAM = "_X_AMZN_TRACE_ID", "AWS_LAMBDA_LOG_STREAM_NAME"


def _restore(saved: dict[str, str | None]) -> None:
    for name, old in saved.items():
        if old is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = old


class _InitError(Exception):
    """An error of the runtime's init phase (bad handler string, import failure, ...), in the
    runtime's error document: no request id, as the runtime has none yet (semantics.md 1.2)."""

    def __init__(self, error_type: str, message: str, stack_trace: list[str] | None = None) -> None:
        super().__init__(message)
        self.error = InvocationError(
            error_type, message,
            {"errorMessage": message, "errorType": error_type, "requestId": "",
             "stackTrace": stack_trace or []},
        )  # fmt: skip


def _error(error_type: str, message: str, request_id: str, exc: BaseException) -> InvocationError:
    payload = {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": _user_frames(exc),
    }
    return InvocationError(error_type, message, payload)


def _user_frames(exc: BaseException) -> list[str]:
    """The traceback from the first frame outside the invoker, as the runtime formats it.

    Cached by code position: a handler that keeps failing (a poison message redelivered every
    visibility timeout for days) fails the same way each time, and extracting a traceback
    reads and stats source files (about 80 us)."""
    key = []
    tb = exc.__traceback__
    while tb is not None:
        key.append((tb.tb_frame.f_code, tb.tb_lasti))
        tb = tb.tb_next
    frames = _FRAMES.get(tuple(key))
    if frames is None:
        here = os.path.abspath(__file__)
        user = [f for f in traceback.extract_tb(exc.__traceback__)
                if os.path.abspath(f.filename) != here]  # fmt: skip
        frames = traceback.format_list(user)
        if len(_FRAMES) >= _MAX_CACHED_TRACES:
            _FRAMES.clear()
        _FRAMES[tuple(key)] = frames
    return list(frames)


_FRAMES: dict[tuple[tuple[CodeType, int], ...], list[str]] = {}
_MAX_CACHED_TRACES = 256


def _marshal(response: Any, request_id: str) -> tuple[Any, InvocationError | None]:
    """Serialise the response as the runtime does; return what the caller receives."""
    if response is None:
        return None, None
    if isinstance(response, bytes):  # the runtime posts bytes as they are (application/unknown)
        if len(response) > MAX_RESPONSE_BYTES:
            return None, response_too_large()
        return response, None
    try:
        text = _encode(response)
    except (TypeError, ValueError) as exc:
        message = f"Unable to marshal response: {exc}"
        return None, InvocationError(
            "Runtime.MarshalError", message,
            {"errorMessage": message, "errorType": "Runtime.MarshalError", "requestId": request_id,
             "stackTrace": []},
        )  # fmt: skip
    # a character takes at most 4 bytes in UTF-8: most responses need no encoding to measure
    if len(text) > MAX_RESPONSE_BYTES // 4 and len(text.encode()) > MAX_RESPONSE_BYTES:
        return None, response_too_large()
    return _DECODER.decode(text), None


def exit_error(request_id: str, status: int) -> InvocationError:
    """The platform's error when the runtime's process ends during an invocation (semantics.md
    1.2, observed); a negative status is a signal, worded as AWS's Go-based platform words it."""
    if status == 0:
        reason = "without providing a reason"
    elif status < 0:  # Go's words for signals are the C library's, lower-cased
        reason = f"with error: signal: {(signal.strsignal(-status) or str(-status)).lower()}"
    else:
        reason = f"with error: exit status {status}"
    message = f"RequestId: {request_id} Error: Runtime exited {reason}"
    return InvocationError(
        "Runtime.ExitError", message, {"errorType": "Runtime.ExitError", "errorMessage": message}
    )


def _exit_status(code: object) -> int:
    """The process status ``sys.exit(code)`` gives: 0 for None, the int, else 1."""
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def response_too_large() -> InvocationError:
    """The platform's error for a response over 6 MB (semantics.md 1.2)."""
    message = (
        f"Response payload size exceeded maximum allowed payload size ({MAX_RESPONSE_BYTES} bytes)."
    )
    return InvocationError(
        "Function.ResponseSizeTooLarge", message,
        {"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"},
    )  # fmt: skip


def _json_default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):  # the runtime's simplejson writes Decimals as numbers
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


_ENCODER = json.JSONEncoder(default=_json_default, ensure_ascii=False)
_DECODER = json.JSONDecoder()
# JSONEncoder.encode sets up a new C encoder on every call (3 of its 5 us for a small response);
# this one is made once. Without the circular-reference markers, a cycle ends in RecursionError.
_C_ENCODE = None if c_make_encoder is None else c_make_encoder(
    None, _json_default, encode_basestring, None, ": ", ", ", False, False, True)  # fmt: skip


def _encode(response: Any) -> str:
    """The response as the runtime's ``json.dumps`` writes it (TypeError/ValueError if not)."""
    if _C_ENCODE is None:
        return _ENCODER.encode(response)
    try:
        return "".join(_C_ENCODE(response, 0))
    except RecursionError:
        raise ValueError("Circular reference detected") from None
