"""DynamoDB typed AttributeValues: marshalling Python values, reading them back, item sizes."""

from __future__ import annotations

import base64
import json
from decimal import Decimal
from typing import Any

import pytest
from aws_lambda_powertools.shared.dynamodb_deserializer import TypeDeserializer
from hypothesis import given
from hypothesis import strategies as st

from pytest_lambda_events import EventConfigError
from pytest_lambda_events.attribute_values import (
    copy_item,
    deserialize,
    deserialize_item,
    format_number,
    item_size,
    serialize,
    serialize_item,
)

# --- one test per type tag ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello", {"S": "hello"}),
        ("", {"S": ""}),  # empty strings are allowed outside keys since 2020
        (True, {"BOOL": True}),
        (False, {"BOOL": False}),
        (None, {"NULL": True}),
        (42, {"N": "42"}),
        (-7, {"N": "-7"}),
        (0, {"N": "0"}),
        (b"\x00\x01*A", {"B": "AAEqQQ=="}),
        (bytearray(b"hi"), {"B": "aGk="}),
        ([1, "a"], {"L": [{"N": "1"}, {"S": "a"}]}),
        ((True, None), {"L": [{"BOOL": True}, {"NULL": True}]}),
        ({"a": {"b": 1}}, {"M": {"a": {"M": {"b": {"N": "1"}}}}}),
        ({"b", "a", "c"}, {"SS": ["a", "b", "c"]}),
        (frozenset({3, 1, 2}), {"NS": ["1", "2", "3"]}),
        ({b"z", b"a"}, {"BS": ["YQ==", "eg=="]}),
    ],
)
def test_each_python_type_has_its_type_tag(value: Any, expected: dict[str, Any]) -> None:
    assert serialize(value) == expected


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (0.1, "0.1"),  # the shortest repr, not 0.1000000000000000055511151231257827
        (1.5e-7, "0.00000015"),  # plain notation, as DynamoDB returns numbers
        (1e16, "10000000000000000"),
        (-0.0, "0"),
        (Decimal("1.50"), "1.5"),  # trailing zeros are not kept
        (Decimal("100"), "100"),
        (Decimal("-12.340"), "-12.34"),
        (10**40, "1" + "0" * 40),  # trailing zeros do not count towards 38 digits
        (12345678901234567890123456789012345678, "12345678901234567890123456789012345678"),
        (Decimal("1E-130"), "0." + "0" * 129 + "1"),  # the smallest magnitude DynamoDB stores
        (Decimal("9.9999999999999999999999999999999999999E+125"), "99999999999999999999999999999"
         "999999999" + "0" * 88),  # the largest
    ],
)  # fmt: skip
def test_numbers_are_written_without_float_artefacts(number: Any, text: str) -> None:
    assert serialize(number) == {"N": text}
    assert format_number(number) == text


def test_sets_are_sorted_so_events_are_deterministic() -> None:
    # Python's set order depends on hash randomisation; the JSON must not.
    assert serialize({"pear", "apple", "fig"}) == {"SS": ["apple", "fig", "pear"]}
    assert serialize({10, 2, Decimal("3.5"), 0.25}) == {"NS": ["0.25", "2", "3.5", "10"]}


def test_serialize_item_marshals_every_attribute() -> None:
    item = {"pk": "USER#1", "age": 41, "tags": {"a"}, "meta": {"ok": True}, "bio": None}
    assert serialize_item(item) == {
        "pk": {"S": "USER#1"},
        "age": {"N": "41"},
        "tags": {"SS": ["a"]},
        "meta": {"M": {"ok": {"BOOL": True}}},
        "bio": {"NULL": True},
    }


# --- round trips ------------------------------------------------------------------------------


ITEM = {
    "pk": "ORDER#1",
    "count": 3,
    "price": Decimal("19.99"),
    "ratio": Decimal("0.5"),
    "active": False,
    "note": None,
    "blob": b"\xff\x00",
    "lines": [{"sku": "A-1", "qty": 2}, ["nested", 1]],
    "tags": {"x", "y"},
    "scores": {1, 2, Decimal("2.5")},
    "chunks": {b"a", b"b"},
    "empty_list": [],
    "empty_map": {},
}


def test_item_round_trips_through_typed_json() -> None:
    typed = serialize_item(ITEM)
    assert deserialize_item(json.loads(json.dumps(typed))) == ITEM


def test_typed_json_round_trips_through_python() -> None:
    typed = serialize_item(ITEM)
    assert serialize_item(deserialize_item(typed)) == typed


def test_numbers_read_back_as_int_or_decimal() -> None:
    assert deserialize({"N": "42"}) == 42 and isinstance(deserialize({"N": "42"}), int)
    assert deserialize({"N": "0.1"}) == Decimal("0.1")
    assert isinstance(deserialize({"N": "7"}, use_decimal=True), Decimal)  # boto3's behaviour
    assert deserialize(serialize(0.1)) == Decimal("0.1")  # a float comes back exact, as Decimal


def test_our_json_agrees_with_powertools_deserializer() -> None:
    # An independent reader: Powertools' TypeDeserializer (boto3's rules, bytes left as base64).
    typed = serialize_item(ITEM)
    theirs = {k: TypeDeserializer().deserialize(v) for k, v in typed.items()}
    assert theirs["price"] == Decimal("19.99")
    assert theirs["scores"] == {Decimal(1), Decimal(2), Decimal("2.5")}
    assert theirs["tags"] == {"x", "y"}
    assert base64.b64decode(theirs["blob"]) == b"\xff\x00"


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.text(max_size=20)
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.binary(max_size=20)
    | st.frozensets(st.text(max_size=5), min_size=1, max_size=4),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(json_values)
def test_any_supported_value_round_trips(value: Any) -> None:
    assert deserialize(serialize(value)) == (list(value) if isinstance(value, tuple) else value)


in_range = st.floats(allow_nan=False, min_value=-1e100, max_value=1e100).filter(
    lambda f: f == 0 or abs(f) >= 1e-100  # DynamoDB stores magnitudes from 1E-130 only
)


@given(in_range)
def test_finite_floats_round_trip_to_their_exact_decimal(value: float) -> None:
    text = serialize(value)["N"]
    assert float(text) == value
    assert "e" not in text.lower()


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (object(), r"object .* has no DynamoDB type; supported: str, int, float"),
        (1 + 2j, r"complex .* has no DynamoDB type"),
        (float("nan"), r"nan is not a DynamoDB number; NaN and infinity"),
        (float("inf"), r"inf is not a DynamoDB number"),
        (Decimal("NaN"), r"NaN is not a DynamoDB number"),
        (Decimal("-Infinity"), r"is not a DynamoDB number"),
        (10**38 + 1, r"39 significant digits; DynamoDB keeps at most 38"),
        (Decimal("1.000000000000000000000000000000000000001"), r"40 significant digits"),
        (Decimal("1E+126"), r"outside DynamoDB's range 1E-130 to 9.9...9E\+125"),
        (Decimal("1E-131"), r"outside DynamoDB's range"),
        (10**500, r"beyond DynamoDB's 1E\+126"),
        (set(), r"DynamoDB rejects empty sets"),
        (frozenset(), r"DynamoDB rejects empty sets"),
        ({1, "a"}, r"a set must hold only str, only numbers or only bytes, not int and str"),
        ({0.1, Decimal("0.1")}, r"holds duplicates once written"),
        ({1: "a"}, r"attribute names must be non-empty strings, not 1"),
        ({"": "a"}, r"attribute names must be non-empty strings"),
    ],
)
def test_unsupported_values_raise_event_config_error(value: Any, message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        serialize(value)


def test_errors_name_where_the_bad_value_sits() -> None:
    with pytest.raises(EventConfigError, match=r"new_image\['a'\]\[1\]\['b'\]: DynamoDB rejects"):
        serialize_item({"a": [1, {"b": set()}]}, where="new_image")


def test_nesting_deeper_than_32_levels_is_rejected() -> None:
    value: Any = "leaf"
    for _ in range(33):
        value = [value]
    with pytest.raises(EventConfigError, match="deeper than DynamoDB's 32 levels"):
        serialize(value)


def test_serialize_item_wants_a_mapping() -> None:
    with pytest.raises(EventConfigError, match="an item is a dict of attribute name -> value"):
        serialize_item(["pk", "a"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("av", "message"),
    [
        ({"X": "a"}, r"is not an AttributeValue: a dict with one of S, N, B"),
        ({"S": "a", "N": "1"}, r"is not an AttributeValue"),
        ("plain", r"is not an AttributeValue"),
        ({"N": 5}, r"N holds int 5, expected str"),
        ({"BOOL": "true"}, r"BOOL holds str"),
        ({"NULL": False}, r"NULL must be true"),
        ({"N": "abc"}, r"N 'abc' is not a decimal number"),
        ({"N": "NaN"}, r"not a DynamoDB number"),
        ({"B": "***"}, r"is not base64 text"),
        ({"SS": []}, r"SS is empty; DynamoDB sets hold at least one member"),
        ({"SS": ["a", "a"]}, r"holds duplicates"),
        ({"NS": [1]}, r"NS members must be strings"),
    ],
)
def test_malformed_attribute_values_raise(av: Any, message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        deserialize(av)


# --- sizes and copies -------------------------------------------------------------------------


def test_item_size_matches_aws_documented_sample_sizes() -> None:
    # with-ddb.md sample: Keys {Id: 101} and NewImage {Message: "New item!", Id: 101}
    # give SizeBytes 26; the MODIFY record with old and new images gives 59.
    keys = {"Id": {"N": "101"}}
    new = {"Message": {"S": "New item!"}, "Id": {"N": "101"}}
    changed = {"Message": {"S": "This item has changed"}, "Id": {"N": "101"}}
    assert item_size(keys) + item_size(new) == 26
    assert item_size(keys) + item_size(changed) + item_size(new) == 59


@pytest.mark.parametrize(
    ("image", "size"),
    [
        ({"a": {"S": "héllo"}}, 1 + 6),  # UTF-8 bytes
        ({"a": {"B": "AAEqQQ=="}}, 1 + 4),  # raw bytes, not base64 length
        ({"a": {"BOOL": True}}, 2),
        ({"a": {"NULL": True}}, 2),
        ({"a": {"N": "12345"}}, 1 + 3 + 1),  # one byte per two significant digits, plus one
        ({"a": {"N": "-0.00120"}}, 1 + 1 + 1),
        ({"a": {"L": []}}, 1 + 3),
        ({"a": {"L": [{"S": "xy"}]}}, 1 + 3 + 1 + 2),  # 1 byte per element
        ({"a": {"M": {"b": {"S": "xy"}}}}, 1 + 3 + 1 + 1 + 2),
        ({"a": {"SS": ["x", "yz"]}}, 1 + 3),
    ],
)
def test_item_size_follows_dynamodb_rules(image: dict[str, Any], size: int) -> None:
    assert item_size(image) == size


def test_copy_item_shares_no_dict_or_list() -> None:
    typed = serialize_item(ITEM)
    copy = copy_item(typed)
    assert copy == typed
    copy["lines"]["L"][0]["M"]["qty"]["N"] = "9"
    copy["tags"]["SS"].append("z")
    assert typed["lines"]["L"][0]["M"]["qty"]["N"] == "2"
    assert typed["tags"]["SS"] == ["x", "y"]
