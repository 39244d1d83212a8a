"""SNS subscription filter policies on message attributes (``FilterPolicyScope`` set to
``MessageAttributes``, the default): which published messages a subscription receives.

The rules, from the SNS developer guide ("Amazon SNS message filtering", "Filter policy
constraints"): the keys of a policy are ANDed and the conditions listed under a key are ORed;
string matching is exact and case-sensitive; numeric matching compares numbers from -10^9 to
10^9 with five decimal places; only String, String.Array and Number attributes take part (a
Binary attribute counts as absent); a policy has at most 5 keys and at most 150 combinations of
values (the product of its lists' lengths).

The matching itself is EventBridge's (:mod:`..flows.patterns`): this module checks a policy as
SNS does, turns it into an event pattern and the message attributes into a document. Numbers on
both sides become floats rounded to five decimals, so that an exact number (which a pattern
compares by its JSON text) compares by value, as SNS does (5 matches a Number ``5.0``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import TopicConfigError, did_you_mean
from ..flows.patterns import Pattern

MAX_KEYS = 5
MAX_COMBINATIONS = 150
NUMERIC_LIMIT = 1e9
NUMERIC_DECIMALS = 5
_NUMERIC_OPERATORS = ("=", "<", "<=", ">", ">=")
_LOWER_BOUNDS = (">", ">=")
_UPPER_BOUNDS = ("<", "<=")
_STRING_OPERATORS = ("prefix", "suffix", "equals-ignore-case")
OPERATORS = (*_STRING_OPERATORS, "anything-but", "numeric", "exists")
_EXAMPLE = "e.g. {'store': ['example_corp', {'prefix': 'shop-'}], 'price': [{'numeric': ['>', 0]}]}"
_ABSENT: Any = object()


class FilterPolicy:
    """A subscription's filter policy; ``mismatch`` says why a message would be filtered out."""

    def __init__(self, policy: Mapping[str, Any]) -> None:
        self.rules = _check_policy(policy)
        self.pattern = Pattern({key: _pattern_list(c) for key, c in self.rules.items()})
        self._by_key: dict[str, Pattern] = {}  # one pattern per key, built to explain a miss

    def mismatch(self, attributes: Mapping[str, Mapping[str, Any]]) -> str | None:
        """None when a message with these SNS message attributes is delivered; else why not."""
        document = {key: value for key in self.rules
                    if (value := _document_value(attributes.get(key))) is not _ABSENT}  # fmt: skip
        for key, value in document.items():
            if value == [] and {"exists": True} in self.rules[key]:
                # SNS counts the attribute as present though its array holds nothing to compare;
                # a pattern sees no value in an empty array, so give `exists: true` one to see
                document[key] = ""
        if self.pattern.matches(document):
            return None
        for key, conditions in self.rules.items():
            if key not in self._by_key:
                self._by_key[key] = Pattern({key: self.pattern.source[key]})
            if not self._by_key[key].matches(document):
                return _why(key, conditions, attributes)
        raise AssertionError("a filter policy failed with every key matching")  # keys are ANDed


def _why(key: str, conditions: tuple[Any, ...], attributes: Mapping[str, Any]) -> str:
    if not attributes:
        return f"the message has no attributes; the filter policy needs {key!r}"
    attr = attributes.get(key)
    shown = "absent" if attr is None else f"{attr.get('Type')} {attr.get('Value')!r}"
    return f"attribute {key!r} ({shown}) matches none of the policy's {list(conditions)}"


# --- translating to an event pattern and a document ------------------------------------------


def _number(value: str | int | float) -> float:
    """A number as SNS compares it: five decimals (``+ 0.0`` makes -0.0 plain 0.0, so that
    equal numbers have equal JSON text)."""
    return round(float(value), NUMERIC_DECIMALS) + 0.0


def _document_value(attribute: Mapping[str, Any] | None) -> Any:
    """What the pattern sees for one attribute: String -> str, Number -> a number,
    String.Array -> a list of its strings and numbers; _ABSENT when absent (or Binary)."""
    if attribute is None or attribute.get("Type") not in ("String", "String.Array", "Number"):
        return _ABSENT
    kind, value = attribute["Type"], attribute["Value"]
    if kind == "String":
        return value
    if kind == "Number":
        return _number(value)
    try:
        items = json.loads(value)
    except ValueError:
        return []  # SNS counts these as InvalidAttributes and filters the message out
    if not isinstance(items, list):
        return []
    return [item if isinstance(item, str) else _number(item)
            for item in items if isinstance(item, str) or _is_number(item)]  # fmt: skip


def _pattern_list(conditions: tuple[Any, ...]) -> list[Any]:
    """A key's (checked) conditions as pattern entries, numbers rounded as SNS rounds them."""
    return [entry for c in conditions if (entry := _pattern_entry(c)) is not None]


def _pattern_entry(condition: Any) -> Any:
    if _is_number(condition):
        return _number(condition)
    if not isinstance(condition, Mapping):
        return condition
    ((name, argument),) = condition.items()
    if name == "numeric":
        return _numeric_entry(argument)
    if name == "anything-but" and not isinstance(argument, Mapping):
        items = argument if isinstance(argument, list) else [argument]
        return {name: [_number(i) if _is_number(i) else i for i in items]}
    return condition


def _numeric_entry(argument: list[Any]) -> dict[str, list[Any]] | None:
    """``numeric`` with rounded bounds; a range of one number becomes ``=``, and an empty one
    (which SNS accepts and which matches nothing) None."""
    numeric = [_number(x) if i % 2 else x for i, x in enumerate(argument)]
    if len(numeric) == 4 and numeric[1] >= numeric[3]:
        if numeric[1] == numeric[3] and (numeric[0], numeric[2]) == (">=", "<="):
            return {"numeric": ["=", numeric[1]]}
        return None
    return {"numeric": numeric}


# --- checking a policy as SetSubscriptionAttributes would ------------------------------------


def _fail(detail: str) -> TopicConfigError:
    return TopicConfigError(f"filter_policy: {detail}")


def _check_policy(policy: Any) -> dict[str, tuple[Any, ...]]:
    if not isinstance(policy, Mapping) or not policy:
        raise _fail(f"a dict of attribute name -> list of conditions, {_EXAMPLE}")
    if len(policy) > MAX_KEYS:
        raise _fail(f"{len(policy)} keys; SNS allows at most {MAX_KEYS}")
    rules: dict[str, tuple[Any, ...]] = {}
    combinations = 1
    for key, conditions in policy.items():
        if not isinstance(conditions, list) or not conditions:
            raise _fail(f"{key!r} needs a non-empty list of conditions, {_EXAMPLE}")
        for condition in conditions:
            _check_condition(key, condition)
        combinations *= len(conditions)
        rules[str(key)] = tuple(conditions)
    if combinations > MAX_COMBINATIONS:
        raise _fail(
            f"{combinations} combinations of values (the product of the lists' lengths); "
            f"SNS allows at most {MAX_COMBINATIONS}"
        )
    return rules


def _check_condition(key: str, condition: Any) -> None:
    if isinstance(condition, str):
        return
    if _is_number(condition):
        _check_number(key, condition)
        return
    if isinstance(condition, Mapping) and len(condition) == 1:
        ((name, argument),) = condition.items()
        if name in _CHECKS:
            _CHECKS[name](key, argument)
            return
        raise _fail(f"{key!r}: unknown operator {name!r}{did_you_mean(str(name), OPERATORS)}; "
                    f"use one of {', '.join(OPERATORS)}")  # fmt: skip
    raise _fail(
        f"{key!r}: {condition!r} is not a condition; use a string, a number, or a one-key "
        f"dict with one of {', '.join(OPERATORS)}"
    )


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check_number(key: str, number: Any) -> None:
    if not _is_number(number) or not -NUMERIC_LIMIT <= number <= NUMERIC_LIMIT:
        raise _fail(f"{key!r}: {number!r}; numeric matching takes numbers from -1e9 to 1e9")


def _check_string(operator_name: str) -> Callable[[str, Any], None]:
    def check(key: str, argument: Any) -> None:
        if not isinstance(argument, str) or not argument:
            raise _fail(f"{key!r}: {operator_name} takes a non-empty string, not {argument!r}")

    return check


def _check_exists(key: str, argument: Any) -> None:
    if not isinstance(argument, bool):
        raise _fail(f"{key!r}: exists takes true or false, not {argument!r}")


def _check_anything_but(key: str, argument: Any) -> None:
    if isinstance(argument, Mapping):
        if set(argument) != {"prefix"}:
            raise _fail(f"{key!r}: anything-but takes a dict only as {{'prefix': '...'}}")
        _check_string("anything-but prefix")(key, argument["prefix"])
        return
    items = argument if isinstance(argument, list) else [argument]
    if not items or not all(isinstance(i, str) or _is_number(i) for i in items):
        raise _fail(
            f"{key!r}: anything-but takes a string, a number, a non-empty list of them, or "
            f"{{'prefix': '...'}}, not {argument!r}"
        )
    for item in items:
        if _is_number(item):
            _check_number(key, item)


def _check_numeric(key: str, argument: Any) -> None:
    shape = "['=', 5], ['>', 0], or a range such as ['>=', 0, '<', 100] (lower bound first)"
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise _fail(f"{key!r}: numeric takes {shape}, not {argument!r}")
    operators = argument[::2]
    if len(argument) == 4 and (operators[0] not in _LOWER_BOUNDS or operators[1] not in
                               _UPPER_BOUNDS):  # fmt: skip
        raise _fail(f"{key!r}: numeric takes {shape}, not {argument!r}")
    if any(op not in _NUMERIC_OPERATORS for op in operators):
        raise _fail(
            f"{key!r}: numeric operators are {', '.join(_NUMERIC_OPERATORS)}, not {argument!r}"
        )
    for number in argument[1::2]:
        _check_number(key, number)


_CHECKS: dict[str, Callable[[str, Any], None]] = {
    **{name: _check_string(name) for name in _STRING_OPERATORS},
    "anything-but": _check_anything_but,
    "numeric": _check_numeric,
    "exists": _check_exists,
}
