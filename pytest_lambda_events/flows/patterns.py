"""EventBridge event patterns: the matching language of EventBridge rules and of Lambda's event
filtering (``FilterCriteria``) for event source mappings (semantics.md 5.10).

A pattern is a JSON object. A key whose value is an object matches a nested object; a key whose
value is a list is a leaf and matches when the event's value matches any entry of the list.
Entries are exact values (strings, numbers, ``null``, booleans) or one-operator objects:
``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``, ``anything-but``, ``numeric`` and
``exists``. ``"$or": [pattern, ...]`` at any object level matches when any alternative does. Keys
are ANDed, and an event matches only if it has every field the pattern names (``exists: false``
aside).

Matching is exact and case-sensitive. Numbers compare by their JSON text (300, 300.0 and 3.0e2
differ) except under ``numeric``, which compares values. Parse JSON events with :func:`loads`
so that their numbers keep their text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import EventPatternError

_MISSING: Any = object()
Matcher = Callable[[bool, Any], bool]  # (present, value) -> bool
_NUMERIC_OPS = ("=", "<", "<=", ">", ">=")
_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case", "wildcard")


class JsonNumber:
    """A number read from JSON text, remembering that text (EventBridge compares numbers for
    equality by their representation, and by value only under ``numeric``)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str) -> None:
        self.text = text
        self.value = float(text)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonNumber) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return self.text


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def loads(text: str) -> Any:
    """Parse JSON as AWS does for matching: numbers keep their text; NaN/Infinity are errors."""
    return json.loads(
        text, parse_int=JsonNumber, parse_float=JsonNumber, parse_constant=_no_constants
    )


def _number_text(value: Any) -> str | None:
    if isinstance(value, JsonNumber):
        return value.text
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return json.dumps(value)


def _number_value(value: Any) -> float | None:
    if isinstance(value, JsonNumber):
        return value.value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass
class _Node:
    """An object level of a pattern: keyed rules (ANDed) and ``$or`` alternatives."""

    fields: list[tuple[str, _Node | list[Matcher]]] = field(default_factory=list)
    alternatives: list[_Node] = field(default_factory=list)


class Pattern:
    """A compiled event pattern; ``matches(event)`` tells whether an event dict matches."""

    def __init__(self, pattern: Mapping[str, Any] | str) -> None:
        if isinstance(pattern, str):
            try:
                pattern = loads(pattern)
            except ValueError as exc:
                raise EventPatternError(f"the pattern is not valid JSON ({exc})") from None
        if not isinstance(pattern, Mapping):
            raise EventPatternError(
                f"a pattern is a JSON object, not {_kind(pattern)}", path="(pattern)"
            )
        self.source: Mapping[str, Any] = pattern
        self._root = _compile_object(pattern, "")

    @property
    def keys(self) -> list[str]:
        """The top-level field names the pattern tests (``$or`` alternatives included)."""
        return _top_keys(self.source)

    def matches(self, event: Mapping[str, Any]) -> bool:
        return _match_node(self._root, event)

    def __repr__(self) -> str:
        return f"Pattern({json.dumps(self.source, default=repr)})"


def _top_keys(pattern: Mapping[str, Any]) -> list[str]:
    keys = [k for k in pattern if k != "$or"]
    for alternative in pattern.get("$or", ()):
        if isinstance(alternative, Mapping):
            keys += [k for k in _top_keys(alternative) if k not in keys]
    return keys


# --- compiling ---------------------------------------------------------------------------
def _compile_object(pattern: Mapping[str, Any], path: str) -> _Node:
    if not pattern:
        raise EventPatternError("an empty object matches nothing; name at least one field",
                                path=path or "(pattern)")  # fmt: skip
    node = _Node()
    for key, value in pattern.items():
        here = f"{path}.{key}" if path else key
        if not isinstance(key, str):
            raise EventPatternError("field names are strings", path=here)
        if key == "$or":
            node.alternatives = _compile_or(value, here)
        elif isinstance(value, Mapping):
            node.fields.append((key, _compile_object(value, here)))
        elif isinstance(value, list):
            node.fields.append((key, [_compile_entry(v, f"{here}[{i}]") for i, v in
                                      enumerate(value)]))  # fmt: skip
        else:
            raise EventPatternError(
                f"a field's value is a list of values/operators or a nested object, not "
                f"{_kind(value)} (write [{json.dumps(value, default=repr)}])",
                path=here,
            )
    return node


def _compile_or(value: Any, path: str) -> list[_Node]:
    if not isinstance(value, list) or len(value) < 2:
        raise EventPatternError("$or takes a list of at least two pattern objects", path=path)
    nodes = []
    for i, alternative in enumerate(value):
        if not isinstance(alternative, Mapping):
            raise EventPatternError(
                f"each $or alternative is a pattern object, not {_kind(alternative)}",
                path=f"{path}[{i}]",
            )
        nodes.append(_compile_object(alternative, f"{path}[{i}]"))
    return nodes


def _compile_entry(entry: Any, path: str) -> Matcher:
    if entry is None or isinstance(entry, str | bool):
        return _exact(entry)
    if _number_text(entry) is not None:
        return _exact_number(str(_number_text(entry)))
    if isinstance(entry, Mapping):
        if len(entry) != 1:
            raise EventPatternError(
                f"an operator object has exactly one operator, not {sorted(entry)}", path=path
            )
        ((operator, argument),) = entry.items()
        compiler = _OPERATORS.get(operator)
        if compiler is None:
            raise EventPatternError(
                f"unknown operator {operator!r}; use one of {sorted(_OPERATORS)}", path=path
            )
        return compiler(argument, f"{path}.{operator}")
    raise EventPatternError(
        f"a list entry is a string, number, null, boolean or operator object, not {_kind(entry)}",
        path=path,
    )


def _exact(expected: Any) -> Matcher:
    def match(present: bool, value: Any) -> bool:
        # `is` for None/bools: True == 1 in Python, but JSON true is not the number 1
        if expected is None or isinstance(expected, bool):
            return present and value is expected
        return present and isinstance(value, str) and value == expected

    return match


def _exact_number(text: str) -> Matcher:
    return lambda present, value: present and _number_text(value) == text


def _string_argument(argument: Any, path: str) -> tuple[str, bool]:
    """An operator's string argument, or ``{"equals-ignore-case": s}`` (case-folded)."""
    if isinstance(argument, str):
        return argument, False
    if (isinstance(argument, Mapping) and list(argument) == ["equals-ignore-case"]
            and isinstance(argument["equals-ignore-case"], str)):  # fmt: skip
        return argument["equals-ignore-case"].casefold(), True
    raise EventPatternError(
        f'takes a string (or {{"equals-ignore-case": "..."}}), not {_kind(argument)}', path=path
    )


def _affix(test: Callable[[str, str], bool]) -> Callable[[Any, str], Matcher]:
    """``prefix`` / ``suffix``: ``test`` is ``str.startswith`` or ``str.endswith``."""

    def compile_affix(argument: Any, path: str) -> Matcher:
        text, folded = _string_argument(argument, path)

        def match(present: bool, value: Any) -> bool:
            if not present or not isinstance(value, str):
                return False
            return test(value.casefold() if folded else value, text)

        return match

    return compile_affix


_prefix = _affix(str.startswith)
_suffix = _affix(str.endswith)


def _equals_ignore_case(argument: Any, path: str) -> Matcher:
    if not isinstance(argument, str):
        raise EventPatternError(f"takes a string, not {_kind(argument)}", path=path)
    folded = argument.casefold()
    return lambda present, value: present and isinstance(value, str) and (
        value.casefold() == folded)  # fmt: skip


def _wildcard_regex(argument: Any, path: str) -> re.Pattern[str]:
    """``*`` is any run of characters; ``\\*`` and ``\\\\`` are a literal star and backslash."""
    if not isinstance(argument, str):
        raise EventPatternError(f"takes a string, not {_kind(argument)}", path=path)
    parts, i = [], 0
    while i < len(argument):
        char = argument[i]
        if char == "\\":
            if i + 1 >= len(argument) or argument[i + 1] not in "*\\":
                raise EventPatternError(
                    "a backslash escapes only '*' or '\\' in a wildcard", path=path
                )
            parts.append(re.escape(argument[i + 1]))
            i += 2
            continue
        if char == "*":
            if argument[i + 1 : i + 2] == "*":
                raise EventPatternError("consecutive wildcard characters are not allowed",
                                        path=path)  # fmt: skip
            parts.append(".*")
        else:
            parts.append(re.escape(char))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def _wildcard(argument: Any, path: str) -> Matcher:
    regex = _wildcard_regex(argument, path)
    return lambda present, value: present and isinstance(value, str) and (
        regex.fullmatch(value) is not None)  # fmt: skip


def _anything_but(argument: Any, path: str) -> Matcher:
    excluded = _anything_but_excluded(argument, path)

    def match(present: bool, value: Any) -> bool:
        return present and not isinstance(value, Mapping) and not excluded(True, value)

    return match


def _anything_but_excluded(argument: Any, path: str) -> Matcher:
    """What ``anything-but`` rules out: values, a list of values, or one string operator."""
    if isinstance(argument, Mapping):
        if len(argument) != 1 or next(iter(argument)) not in _STRING_OPERATORS:
            raise EventPatternError(
                f"anything-but takes a value, a list of values, or one of "
                f"{list(_STRING_OPERATORS)}, not {json.dumps(argument, default=repr)}",
                path=path,
            )
        ((operator, inner),) = argument.items()
        inner_path = f"{path}.{operator}"
        values = inner if isinstance(inner, list) and operator in (
            "equals-ignore-case", "wildcard") else [inner]  # fmt: skip
        matchers = [_OPERATORS[operator](v, inner_path) for v in values]
        return lambda present, value: any(m(present, value) for m in matchers)
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise EventPatternError("anything-but needs at least one value", path=path)
    matchers = []
    for i, value in enumerate(values):
        if isinstance(value, bool) or value is None or isinstance(value, Mapping | list):
            raise EventPatternError(
                f"anything-but values are strings or numbers, not {_kind(value)}",
                path=f"{path}[{i}]" if isinstance(argument, list) else path,
            )
        matchers.append(_compile_entry(value, path))
    return lambda present, value: any(m(present, value) for m in matchers)


def _numeric(argument: Any, path: str) -> Matcher:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise EventPatternError(
            'numeric takes ["op", number] or a range ["op", number, "op", number]', path=path
        )
    checks: list[tuple[str, float]] = []
    for i in range(0, len(argument), 2):
        op, bound = argument[i], _number_value(argument[i + 1])
        if op not in _NUMERIC_OPS:
            raise EventPatternError(f"unknown comparison {op!r}; use one of {list(_NUMERIC_OPS)}",
                                    path=f"{path}[{i}]")  # fmt: skip
        if bound is None:
            raise EventPatternError(f"{op!r} needs a number, not {_kind(argument[i + 1])}",
                                    path=f"{path}[{i + 1}]")  # fmt: skip
        checks.append((op, bound))
    if len(checks) == 2:
        _check_range(checks, path)
    return lambda present, value: present and _compare(checks, _number_value(value))


def _check_range(checks: list[tuple[str, float]], path: str) -> None:
    (low_op, low), (high_op, high) = checks
    if low_op not in (">", ">=") or high_op not in ("<", "<="):
        raise EventPatternError(
            "a numeric range is a lower bound ('>' or '>=') then an upper bound ('<' or '<=')",
            path=path,
        )
    if low >= high:
        raise EventPatternError(f"the range is empty: {low} is not below {high}", path=path)


def _compare(checks: list[tuple[str, float]], number: float | None) -> bool:
    if number is None:
        return False
    for op, bound in checks:
        ok = {
            "=": number == bound, "<": number < bound, "<=": number <= bound,
            ">": number > bound, ">=": number >= bound,
        }[op]  # fmt: skip
        if not ok:
            return False
    return True


def _exists(argument: Any, path: str) -> Matcher:
    if not isinstance(argument, bool):
        raise EventPatternError(f"exists takes true or false, not {_kind(argument)}", path=path)
    if argument:
        # exists matches leaf values only, as in EventBridge (an object is not a leaf)
        return lambda present, value: present and not isinstance(value, Mapping)
    return lambda present, value: not present


_OPERATORS: dict[str, Callable[[Any, str], Matcher]] = {
    "prefix": _prefix,
    "suffix": _suffix,
    "equals-ignore-case": _equals_ignore_case,
    "wildcard": _wildcard,
    "anything-but": _anything_but,
    "numeric": _numeric,
    "exists": _exists,
}


# --- matching ----------------------------------------------------------------------------
def _match_node(node: _Node, event: Any) -> bool:
    if isinstance(event, list):  # an array of objects matches if one element does
        return any(_match_node(node, item) for item in event)
    if not isinstance(event, Mapping):
        return False
    for key, rule in node.fields:
        value = event.get(key, _MISSING)
        if isinstance(rule, _Node):
            if value is _MISSING or not _match_node(rule, value):
                return False
        elif not _match_leaf(rule, value):
            return False
    return not node.alternatives or any(_match_node(alt, event) for alt in node.alternatives)


def _match_leaf(matchers: list[Matcher], value: Any) -> bool:
    present = value is not _MISSING
    if present and isinstance(value, list):  # an event array matches if any element does
        return any(m(True, item) for item in value for m in matchers)
    return any(m(present, value) for m in matchers)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, JsonNumber):
        return "a number"
    return {bool: "a boolean", str: "a string", list: "a list", dict: "an object",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)  # fmt: skip
