"""The plugin's own exceptions: every mistake a user can make is reported with one of these."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast


class LambdaEventsError(Exception):
    """Base class of every error raised by pytest-lambda-events."""


class EventConfigError(LambdaEventsError, ValueError):
    """A source id, override or value that the event builders cannot accept.

    The message names the source, the field, what is allowed, and a close match for a typo.
    """

    def __init__(self, message: str, *, source: str | None = None, field: str | None = None):
        super().__init__(message)
        self.source = source
        self.field = field


class UnknownSourceError(EventConfigError, AttributeError):
    """An event source id that no plugin registered (also an ``AttributeError`` for ``getattr``)."""


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """A " (did you mean 'x'?)" suffix for the closest candidate, or an empty string.

    Case is ignored when matching ('kms' suggests 'KMS')."""
    import difflib  # only an error pays for it, not pytest's start-up

    by_lower = {c.lower(): c for c in candidates}
    close = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return f" (did you mean {by_lower[close[0]]!r}?)" if close else ""


class FunctionConfigError(LambdaEventsError, ValueError):
    """A function setting (name, timeout, memory size, ...) outside what AWS Lambda accepts."""


class HarnessError(LambdaEventsError, ValueError):
    """A harness call that cannot be done as asked (the message says what to do instead)."""


class ScheduleExpressionError(LambdaEventsError, ValueError):
    """An invalid ``rate(...)``, ``cron(...)`` or ``at(...)`` schedule expression, or a time zone or
    time it cannot be evaluated in. The message names the expression, the field (by AWS's name,
    e.g. "Day-of-week"), the offending token, and what AWS accepts there."""

    def __init__(
        self, message: str, *, expression: str = "", field: str = "", token: str = ""
    ) -> None:
        super().__init__(message)
        self.expression = expression
        self.field = field
        self.token = token


class HarnessStall(LambdaEventsError, RuntimeError):
    """``run()`` would never finish: some flow keeps scheduling work (e.g. a poison record with
    infinite retries). The message names the flow."""


class QueueConfigError(HarnessError):
    """A queue setting or message SQS would refuse."""


class EventBusError(HarnessError):
    """An event bus name, PutEvents entry, or rule setting EventBridge would refuse."""


class ScheduleConfigError(HarnessError):
    """An EventBridge schedule rule or EventBridge Scheduler schedule setting AWS would refuse
    (name, target, input, retry policy, dead-letter queue, time zone, flexible window, ...)."""


class FrontDoorConfigError(HarnessError):
    """A front-door setting AWS would not accept; the message names it and what is allowed."""


class TopicConfigError(HarnessError):
    """A topic, subscription, filter policy or publish request SNS would refuse."""


class BucketConfigError(HarnessError):
    """A bucket, notification configuration or object request S3 would refuse."""


class EventSourceMappingError(HarnessError):
    """An event source mapping setting or combination Lambda would refuse (the message quotes
    AWS's own error where it is known)."""


class EventPatternError(HarnessError):
    """An EventBridge-syntax event pattern (a filter criterion or rule pattern) that AWS would
    reject; ``path`` names the bad part, e.g. ``body.price[0].numeric``."""

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path


class StreamConfigError(HarnessError):
    """A Kinesis stream setting or put request Kinesis would refuse (the message names the
    setting and the allowed range)."""


class TableConfigError(HarnessError):
    """A DynamoDB table setting or item request DynamoDB would refuse."""


class CallbackConfigError(HarnessError):
    """A custom resource request or CodePipeline job setting AWS would refuse (the message names
    the setting and what is allowed)."""


class HarnessArgumentError(HarnessError, TypeError):
    """A harness method called with an argument it does not take (a typo, usually)."""


F = TypeVar("F", bound=Callable[..., Any])


def checked_arguments(method: F) -> F:
    """Turn Python's bare "unexpected keyword argument" ``TypeError`` from a public harness
    method into ``HarnessArgumentError`` naming the method, a close match and what it takes.
    Costs nothing on a good call: the signature is consulted only after a ``TypeError``."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except TypeError as exc:
            problem = _binding_problem(method, args, kwargs)
            if problem is None:  # the TypeError came from inside the method: not ours to explain
                raise
            raise HarnessArgumentError(problem) from exc

    return cast(F, wrapper)


def _binding_problem(method: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> str | None:
    import inspect

    signature = inspect.signature(method)
    try:
        signature.bind(*args, **kwargs)
    except TypeError as exc:
        accepted = [n for n in signature.parameters if n not in ("self", "args", "kwargs")]
        unknown = [k for k in kwargs if k not in signature.parameters]
        hint = did_you_mean(unknown[0], accepted) if unknown else ""
        name = method.__qualname__.replace("__init__", "subscribe").lstrip("_")
        return f"{name}(): {exc}{hint}; it takes: {', '.join(accepted)}"
    return None
