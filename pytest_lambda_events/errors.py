"""The plugin's own exceptions: every mistake a user can make is reported with one of these."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


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
    """A " (did you mean 'x'?)" suffix for the closest candidate, or an empty string."""
    close = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class FunctionConfigError(LambdaEventsError, ValueError):
    """A function setting (name, timeout, memory size, ...) outside what AWS Lambda accepts."""
