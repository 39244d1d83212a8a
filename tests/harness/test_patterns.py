"""EventBridge event patterns, the matching language of Lambda's FilterCriteria (semantics.md
5.10) and of EventBridge rules."""

import pytest

from pytest_lambda_events.errors import EventPatternError
from pytest_lambda_events.flows.patterns import JsonNumber, Pattern, loads


def match(pattern, event) -> bool:
    return Pattern(pattern).matches(event)


EVENT = {
    "source": "shop.orders",
    "detail": {
        "state": "shipped",
        "price": 300,
        "ratio": 0.5,
        "region": "us-east-1",
        "file": "photos/cats/tom.PNG",
        "tags": ["red", "blue"],
        "items": [{"sku": "a-1", "qty": 2}, {"sku": "b-7", "qty": 0}],
        "note": None,
        "gift": False,
        "empty": "",
    },
}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ({"source": ["shop.orders"]}, True),  # equals
        ({"source": ["shop.ORDERS"]}, False),  # 5.10: exact and case-sensitive
        ({"source": ["shop.payments", "shop.orders"]}, True),  # OR within a list
        ({"source": ["shop.orders"], "detail": {"state": ["shipped"]}}, True),  # AND of keys
        ({"source": ["shop.orders"], "detail": {"state": ["lost"]}}, False),
        ({"detail": {"missing": ["x"]}}, False),  # a record must have every named field
        ({"detail": {"note": [None]}}, True),  # null
        ({"detail": {"state": [None]}}, False),
        ({"detail": {"empty": [""]}}, True),  # empty
        ({"detail": {"gift": [False]}}, True),
        ({"detail": {"price": [300]}}, True),
        ({"detail": {"price": [300.0]}}, False),  # 5.10: 300 and 300.0 differ
        ({"detail": {"price": ["300"]}}, False),  # a string is not a number
        ({"detail": {"tags": ["blue"]}}, True),  # an event array matches if any element does
        ({"detail": {"items": {"sku": ["b-7"]}}}, True),  # ... also for arrays of objects
    ],
)  # fmt: skip
def test_exact_values(pattern, expected):
    assert match(pattern, EVENT) is expected


def test_numbers_compare_by_their_json_text():
    """5.10: "300, 300.0 and 3.0e2 are not considered equal"."""
    event = {"body": loads('{"a": 300, "b": 300.0, "c": 3.0e2}')}
    assert match('{"body": {"a": [300]}}', event)
    assert not match('{"body": {"b": [300]}}', event)
    assert match('{"body": {"b": [300.0]}}', event)
    assert not match('{"body": {"c": [300]}}', event)
    assert match('{"body": {"c": [{"numeric": ["=", 300]}]}}', event)  # numeric compares values
    assert JsonNumber("3.0e2").value == 300 and repr(JsonNumber("1")) == "1"


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"prefix": "us-"}, True),
        ({"prefix": "eu-"}, False),
        ({"prefix": {"equals-ignore-case": "US-EAST"}}, True),
        ({"suffix": "-1"}, True),
        ({"suffix": {"equals-ignore-case": "EAST-1"}}, True),
        ({"suffix": "-2"}, False),
        ({"equals-ignore-case": "US-EAST-1"}, True),
        ({"wildcard": "us-*-1"}, True),
        ({"wildcard": "*east*"}, True),
        ({"wildcard": "us-*-2"}, False),
        ({"anything-but": "eu-west-1"}, True),
        ({"anything-but": ["us-east-1", "eu-west-1"]}, False),
        ({"anything-but": {"prefix": "us-"}}, False),
        ({"anything-but": {"suffix": "-9"}}, True),
        ({"anything-but": {"equals-ignore-case": ["US-EAST-1"]}}, False),
        ({"anything-but": {"wildcard": "eu-*"}}, True),
        ({"exists": True}, True),
        ({"exists": False}, False),
    ],
)  # fmt: skip
def test_string_operators(rule, expected):
    assert match({"detail": {"region": [rule]}}, EVENT) is expected


def test_exists_false_matches_a_missing_field_and_exists_true_wants_a_leaf():
    assert match({"detail": {"missing": [{"exists": False}]}}, EVENT)
    assert not match({"detail": {"missing": [{"exists": True}]}}, EVENT)
    assert not match({"detail": [{"exists": True}]}, EVENT)  # an object is not a leaf
    assert match({"detail": {"note": [{"exists": True}]}}, EVENT)  # null exists


def test_anything_but_needs_the_field():
    assert not match({"detail": {"missing": [{"anything-but": "x"}]}}, EVENT)
    assert match({"detail": {"price": [{"anything-but": [1, 2]}]}}, EVENT)
    assert not match({"detail": {"price": [{"anything-but": 300}]}}, EVENT)


@pytest.mark.parametrize(
    ("numeric", "expected"),
    [
        (["=", 300], True), (["=", 301], False), ([">", 299], True), ([">", 300], False),
        ([">=", 300], True), (["<", 300], False), (["<=", 300], True),
        ([">", 100, "<=", 300], True), ([">", 100, "<", 300], False), ([">=", 0, "<", 1e9], True),
    ],
)  # fmt: skip
def test_numeric(numeric, expected):
    assert match({"detail": {"price": [{"numeric": numeric}]}}, EVENT) is expected


def test_numeric_never_matches_strings():
    assert not match({"detail": {"region": [{"numeric": [">", 0]}]}}, EVENT)


def test_wildcard_escapes():
    event = {"path": "a*b\\c"}
    assert match({"path": [{"wildcard": "a\\*b\\\\c"}]}, event)
    assert not match({"path": [{"wildcard": "a\\*x*"}]}, event)
    assert match({"path": [{"wildcard": "a\\**"}]}, event)


def test_or_across_fields():
    pattern = {
        "$or": [{"detail": {"state": ["lost"]}}, {"detail": {"price": [{"numeric": [">", 100]}]}}]
    }
    assert match(pattern, EVENT)
    assert not match({"$or": [{"source": ["x"]}, {"detail": {"state": ["lost"]}}]}, EVENT)
    combined = {"source": ["shop.orders"], "$or": [{"detail": {"gift": [True]}},
                                                   {"detail": {"empty": [""]}}]}  # fmt: skip
    assert match(combined, EVENT)
    assert Pattern(combined).keys == ["source", "detail"]


def test_patterns_given_as_json_text():
    assert match('{"detail": {"state": ["shipped"], "price": [300]}}', EVENT)
    assert Pattern('{"a": ["x"], "a": ["y"]}').matches({"a": "y"})  # last duplicate key wins


@pytest.mark.parametrize(
    ("pattern", "where", "what"),
    [
        ("{not json", "", "not valid JSON"),
        ([1], r"\(pattern\)", "a JSON object"),
        ({}, r"\(pattern\)", "an empty object"),
        ({"a": "x"}, "a", r'or a nested object, not a string \(write \["x"\]\)'),
        ({"a": {"b": 3}}, "a.b", "not a number"),
        ({"a": [{"prefx": "x"}]}, r"a\[0\]", "unknown operator 'prefx'"),
        ({"a": [{"prefix": "x", "suffix": "y"}]}, r"a\[0\]", "exactly one operator"),
        ({"a": [{"prefix": 3}]}, r"a\[0\].prefix", "takes a string"),
        ({"a": [{"numeric": [">", "x"]}]}, r"a\[0\].numeric\[1\]", "needs a number"),
        ({"a": [{"numeric": ["~", 1]}]}, r"a\[0\].numeric\[0\]", "unknown comparison"),
        ({"a": [{"numeric": ["<", 5, ">", 1]}]}, r"a\[0\].numeric", "lower bound"),
        ({"a": [{"numeric": [">", 5, "<", 1]}]}, r"a\[0\].numeric", "the range is empty"),
        ({"a": [{"numeric": [">"]}]}, r"a\[0\].numeric", "numeric takes"),
        ({"a": [{"exists": "yes"}]}, r"a\[0\].exists", "true or false"),
        ({"a": [{"wildcard": "a**"}]}, r"a\[0\].wildcard", "consecutive wildcard"),
        ({"a": [{"wildcard": "a\\b"}]}, r"a\[0\].wildcard", "a backslash escapes only"),
        ({"a": [{"anything-but": []}]}, r"a\[0\].anything-but", "at least one value"),
        ({"a": [{"anything-but": [True]}]}, r"a\[0\].anything-but\[0\]", "strings or numbers"),
        ({"a": [{"anything-but": {"numeric": [">", 1]}}]}, r"a\[0\].anything-but", "one of"),
        ({"a": [[1]]}, r"a\[0\]", "not a list"),
        ({"$or": [{"a": ["x"]}]}, r"\$or", "at least two"),
        ({"$or": [{"a": ["x"]}, "b"]}, r"\$or\[1\]", "pattern object"),
    ],
)  # fmt: skip
def test_invalid_patterns_name_the_bad_part(pattern, where, what):
    with pytest.raises(EventPatternError, match=rf"^{where}.*{what}" if where else what) as info:
        Pattern(pattern)
    assert info.value.path == where.replace("\\", "")
