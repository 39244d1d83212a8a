"""SNS filter policies delegate matching to event patterns; these check what SNS does
differently and how ``FilterPolicy`` bridges it (numbers by value to five decimals, what an
attribute becomes), and the reason ``mismatch`` gives."""

import pytest

from pytest_lambda_events.world.sns_filter import FilterPolicy


def number(value: str) -> dict[str, str]:
    return {"Type": "Number", "Value": value}


def array(value: str) -> dict[str, str]:
    return {"Type": "String.Array", "Value": value}


@pytest.mark.parametrize(
    ("conditions", "attribute", "delivered"),
    [([5], number("5.0"), True),  # exact numbers compare by value, not by their text
     ([301.5], number("3.015e2"), True),
     ([1], number("1.000001"), True),  # five decimals
     ([1], number("1.00001"), False),
     ([0], number("-0.0"), True),
     ([{"numeric": ["=", 1.000004]}], number("1"), True),
     ([{"anything-but": [5]}], number("5.000"), False),
     ([{"anything-but": 5}], array("[1, 5.0]"), True),  # any element
     ([{"numeric": [">=", 2, "<=", 2]}], number("2"), True),  # a range of one number
     ([{"numeric": [">", 1, "<", 1.000001]}], number("1"), False),  # empty once rounded
     ([{"numeric": [">", 1, "<", 1.000001]}, "a"], {"Type": "String", "Value": "a"}, True),
     ([1], array("[true]"), False),  # JSON true is not the number 1
     (["a"], array('["a", null, [1]]'), True),
     ([{"exists": True}], array("[]"), True),  # the attribute is there, its array empty
     ([{"exists": False}], array("[]"), False),
     ([{"anything-but": "x"}], array("[]"), False),
     ([{"exists": True}], {"Type": "Binary", "Value": "AQ=="}, False)],
)  # fmt: skip
def test_sns_specific_matching(conditions, attribute, delivered):
    policy = FilterPolicy({"k": conditions})
    assert (policy.mismatch({"k": attribute}) is None) is delivered


def test_mismatch_names_the_first_failing_key_in_policy_order():
    policy = FilterPolicy({"a": ["x"], "b": [{"prefix": "y"}], "c": [{"exists": True}]})
    attributes = {"a": {"Type": "String", "Value": "x"}, "b": {"Type": "String", "Value": "z"}}
    assert policy.mismatch(attributes) == (
        "attribute 'b' (String 'z') matches none of the policy's [{'prefix': 'y'}]"
    )
    attributes["b"] = {"Type": "String", "Value": "yes"}
    assert policy.mismatch(attributes) == (
        "attribute 'c' (absent) matches none of the policy's [{'exists': True}]"
    )
    attributes["c"] = number("1")
    assert policy.mismatch(attributes) is None
