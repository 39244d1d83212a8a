"""``LambdaContext``: the context object the AWS Python runtime passes to a handler.

Attributes follow awslambdaric's ``LambdaContext`` (semantics.md 8.2). The remaining time is
computed from ``time.time()``, so under the harness's frozen clock it is virtual time.
"""

from __future__ import annotations

import random
import re
import sys
import time
from dataclasses import dataclass, field
from typing import Any

from . import aws
from .errors import FunctionConfigError

MIN_TIMEOUT_S, MAX_TIMEOUT_S = 1, 900  # semantics.md 8.1
MIN_MEMORY_MB, MAX_MEMORY_MB = 128, 10_240
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_QUALIFIER = re.compile(r"^(\$LATEST|[0-9]+|[A-Za-z0-9_-]{1,128})$")


@dataclass
class CognitoIdentity:
    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None


@dataclass
class Client:
    installation_id: str | None = None
    app_title: str | None = None
    app_version_name: str | None = None
    app_version_code: str | None = None
    app_package_name: str | None = None


@dataclass
class ClientContext:
    client: Client | None = None
    custom: dict[str, Any] | None = None
    env: dict[str, Any] | None = field(default=None)


def check_function_settings(name: str, timeout: float, memory_size: int) -> None:
    """Raise ``FunctionConfigError`` for a name, timeout or memory size Lambda would refuse."""
    if not isinstance(name, str) or not _FUNCTION_NAME.match(name):
        raise FunctionConfigError(
            f"function name {name!r}: use 1 to 64 letters, digits, hyphens or underscores"
        )
    if isinstance(timeout, bool) or not isinstance(timeout, int | float):
        raise FunctionConfigError(f"timeout must be a number of seconds, not {timeout!r}")
    if not MIN_TIMEOUT_S <= timeout <= MAX_TIMEOUT_S:
        raise FunctionConfigError(
            f"timeout {timeout}: Lambda allows {MIN_TIMEOUT_S} to {MAX_TIMEOUT_S} seconds"
        )
    if isinstance(memory_size, bool) or not isinstance(memory_size, int):
        raise FunctionConfigError(f"memory_size must be an int number of MB, not {memory_size!r}")
    if not MIN_MEMORY_MB <= memory_size <= MAX_MEMORY_MB:
        raise FunctionConfigError(
            f"memory_size {memory_size}: Lambda allows {MIN_MEMORY_MB} to {MAX_MEMORY_MB:,} MB"
        )


RUNTIME_MODES = ("in-process", "ric")  # how a harness function runs its handler


def check_runtime(runtime: str) -> str:
    if runtime not in RUNTIME_MODES:
        raise FunctionConfigError(
            f"runtime must be one of {', '.join(map(repr, RUNTIME_MODES))}, not {runtime!r}"
        )
    if runtime == "ric":
        _require_awslambdaric()
    return runtime


def _require_awslambdaric() -> None:
    import importlib.util

    if importlib.util.find_spec("awslambdaric") is None:
        raise FunctionConfigError(
            "runtime='ric' runs handlers under AWS's runtime interface client, which is not "
            'installed: pip install "pytest-lambda-events[ric]"'
        )


class LambdaContext:
    """The runtime context of one invocation, with every attribute of the Python runtime's."""

    def __init__(
        self,
        *,
        function_name: str,
        aws_request_id: str,
        invoked_function_arn: str,
        deadline_ms: int,
        memory_limit_in_mb: int = 128,
        function_version: str = "$LATEST",
        log_group_name: str | None = None,
        log_stream_name: str = "",
        identity: CognitoIdentity | None = None,
        client_context: ClientContext | None = None,
        tenant_id: str | None = None,
    ) -> None:
        self.function_name = function_name
        self.function_version = function_version
        self.invoked_function_arn = invoked_function_arn
        self.memory_limit_in_mb = str(memory_limit_in_mb)  # a string, as AWS's runtime has it
        self.aws_request_id = aws_request_id
        self.log_group_name = log_group_name or f"/aws/lambda/{function_name}"
        self.log_stream_name = log_stream_name
        self.identity = identity or CognitoIdentity()
        self.client_context = client_context
        self.tenant_id = tenant_id
        self._deadline_ms = deadline_ms

    @property
    def deadline_ms(self) -> int:
        """The deadline in epoch ms, as the ``Lambda-Runtime-Deadline-Ms`` header carries it."""
        return self._deadline_ms

    def get_remaining_time_in_millis(self) -> int:
        """Milliseconds until the function times out (never negative), on the current clock."""
        return max(self._deadline_ms - round(time.time() * 1000), 0)

    def log(self, msg: str) -> None:
        sys.stdout.write(msg)

    def __repr__(self) -> str:
        fields = (
            "function_name", "function_version", "invoked_function_arn", "memory_limit_in_mb",
            "aws_request_id", "log_group_name", "log_stream_name", "identity", "client_context",
            "tenant_id",
        )  # fmt: skip
        body = ",".join(f"{name}={getattr(self, name)!r}" for name in fields)
        return f"LambdaContext([{body}])"


def validate_qualifier(qualifier: str) -> str:
    if not _QUALIFIER.match(qualifier):
        raise FunctionConfigError(
            f"function version or alias {qualifier!r}: use $LATEST, a version number or an alias "
            "name of letters, digits, hyphens and underscores"
        )
    return qualifier


def make_context(
    rng: random.Random,
    *,
    function_name: str,
    region: str,
    account_id: str,
    timeout: float = 3,
    memory_size: int = 128,
    version: str = "$LATEST",
    qualifier: str | None = None,
    request_id: str | None = None,
    tenant_id: str | None = None,
) -> LambdaContext:
    """A context for one invocation starting now (on the current, possibly frozen, clock)."""
    check_function_settings(function_name, timeout, memory_size)
    validate_qualifier(version)
    function_arn = aws.arn(aws.partition_of(region), "lambda", region, account_id,
                           f"function:{function_name}")  # fmt: skip
    if qualifier is not None:
        function_arn += f":{validate_qualifier(qualifier)}"
    now = time.time()
    day = time.strftime("%Y/%m/%d", time.gmtime(now))
    return LambdaContext(
        function_name=function_name,
        function_version=version,
        invoked_function_arn=function_arn,
        memory_limit_in_mb=memory_size,
        aws_request_id=request_id or aws.uuid4(rng),
        log_stream_name=f"{day}/[{version}]{aws.hex_string(rng, 32)}",
        deadline_ms=round(now * 1000) + int(timeout * 1000),
        tenant_id=tenant_id,
    )
