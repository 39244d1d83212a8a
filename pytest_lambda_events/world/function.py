"""A Lambda function in the harness: settings, synchronous and asynchronous invocation."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from .. import aws
from ..context import check_function_settings, check_runtime
from ..errors import FunctionConfigError, checked_arguments
from ..flows import contracts
from ..flows.async_invoke import (
    AsyncConfig,
    AsyncInvocations,
    DeadLetterTarget,
    InvocationRecordTarget,
)
from ..invoker import Handler, Invoker, payload_bytes
from ..ledger import Delivery, Invocation

if TYPE_CHECKING:
    from . import Harness

MAX_SYNC_PAYLOAD_BYTES = 6_291_456  # 6 MB request payload (semantics.md 8.1)


class Function:
    """A Lambda function: ``invoke`` (sync), ``configure_async`` + ``invoke_async``, and every
    ``Invocation`` in ``invocations``."""

    def __init__(
        self,
        harness: Harness,
        handler: Handler | str,
        *,
        name: str,
        timeout: float = 3,
        memory_size: int = 128,
        environment: dict[str, str] | None = None,
        runtime: str = "in-process",
    ) -> None:
        check_function_settings(name, timeout, memory_size)
        check_runtime(runtime)
        if not callable(handler) and not isinstance(handler, str):
            raise FunctionConfigError(
                "handler must be a callable or a 'package.module.function' string, "
                f"not {type(handler).__name__}"
            )
        self.harness = harness
        self.handler = handler
        self.name = name
        self.timeout = timeout
        self.memory_size = memory_size
        self.environment = {str(k): str(v) for k, v in (environment or {}).items()}
        self.invocations: list[Invocation] = []
        self.arn = aws.arn(harness.partition, "lambda", harness.region, harness.account_id,
                           f"function:{name}")  # fmt: skip
        self.runtime = runtime
        self._invoker = Invoker(self)
        if runtime == "ric":
            self._invoker.use_runtime_client()
        self._async = AsyncInvocations(self)
        self.deleted = False

    @property
    def handler_name(self) -> str:
        """The handler as AWS's ``_HANDLER`` names it: ``module.function``."""
        if isinstance(self.handler, str):
            return self.handler
        module = getattr(self.handler, "__module__", None) or "handler"
        return f"{module}.{getattr(self.handler, '__name__', 'handler')}"

    @property
    def qualified_arn(self) -> str:
        """The ARN with the version that ran, as destination records carry it."""
        return f"{self.arn}:$LATEST"

    @property
    def async_config(self) -> AsyncConfig:
        return self._async.config

    @property
    def deliveries(self) -> list[Delivery]:
        """One ``Delivery`` per asynchronous event, in submission order."""
        return self._async.deliveries

    @checked_arguments
    def invoke(self, event: Any, source: str | None = None) -> Invocation:
        """A synchronous (RequestResponse) invocation: one call, never retried (1.1).

        ``source`` applies that source's response contract: ``accepted`` and ``rejection`` on
        the invocation say whether the caller would take what the handler returned.
        """
        if source is not None:
            contracts.check_source(source)
        return self.invoke_judged(
            event, None if source is None else partial(contracts.apply, source)
        )

    def invoke_judged(
        self, event: Any, judge: Callable[[Invocation], None] | None = None
    ) -> Invocation:
        """A synchronous invocation whose response ``judge`` (a caller's contract) examines
        before anyone observes the invocation (front doors use this)."""
        self._check_exists()
        size = payload_bytes(self.name, event)
        if size > MAX_SYNC_PAYLOAD_BYTES:
            raise FunctionConfigError(
                f"{self.name}: the event is {size:,} bytes; a synchronous invocation takes at "
                f"most {MAX_SYNC_PAYLOAD_BYTES:,} (AWS answers 413 RequestEntityTooLargeException)"
            )
        return self._invoker.call(
            event, request_id=self.harness.new_request_id(), invocation_type="RequestResponse",
            attempt=1, judge=judge,
        )  # fmt: skip

    def invoke_for_mapping(
        self, event: Any, judge: Callable[[Invocation], None] | None = None
    ) -> Invocation:
        """A synchronous invocation by an event source mapping's poller (semantics.md 4.4):
        ``RequestResponse``, never retried by Lambda itself. The mapping sized the batch under
        the 6 MB payload limit, and ``judge`` applies its response rules (4.5)."""
        return self._invoker.call(
            event, request_id=self.harness.new_request_id(), invocation_type="RequestResponse",
            attempt=1, judge=judge,
        )  # fmt: skip

    @checked_arguments
    def configure_async(
        self,
        *,
        max_retry_attempts: int = 2,
        max_event_age: int = 21_600,
        on_success: InvocationRecordTarget | None = None,
        on_failure: InvocationRecordTarget | None = None,
        dead_letter_queue: DeadLetterTarget | None = None,
    ) -> AsyncConfig:
        """Replace the asynchronous invocation config (as ``PutFunctionEventInvokeConfig``)."""
        self._async.config = AsyncConfig(
            max_retry_attempts, max_event_age, on_success, on_failure, dead_letter_queue
        )
        return self._async.config

    @checked_arguments
    def invoke_async(self, event: Any) -> Delivery:
        """An asynchronous (Event) invocation: queued, attempted when the clock runs."""
        self._check_exists()
        return self._async.submit(event)

    def invoke_async_built(self, event: dict[str, Any]) -> Delivery:
        """``invoke_async`` of an event the harness built from JSON values, far under the 1 MB
        limit (a scheduled rule's firing): its size is not measured again."""
        self._check_exists()
        return self._async.submit(event, size_known_small=True)

    def delete(self) -> None:
        """``DeleteFunction``: later invokes fail with ResourceNotFoundException, and push
        sources still pointing here (SNS subscriptions) see a client-side error."""
        self.deleted = True

    def _check_exists(self) -> None:
        if self.deleted:
            raise FunctionConfigError(
                f"Function not found: {self.arn} (ResourceNotFoundException): "
                f"{self.name} was deleted"
            )

    def call_attempt(self, event: Any, request_id: str, attempt: int) -> Invocation:
        """One attempt of an asynchronous invocation (the async flow decides about retries)."""
        return self._invoker.call(
            event, request_id=request_id, invocation_type="Event", attempt=attempt
        )

    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        """As a destination, a function is invoked asynchronously with the record (2.4)."""
        self.invoke_async(record)

    def __repr__(self) -> str:
        return f"<Function {self.name} timeout={self.timeout}s memory={self.memory_size}MB>"
