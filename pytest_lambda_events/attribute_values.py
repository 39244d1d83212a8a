"""DynamoDB's typed JSON (``{"S": "x"}``, ``{"N": "1.5"}``...) to and from Python values.

The DynamoDB Streams source marshals items with it; a table simulator can reuse it. Rules follow
DynamoDB, not boto3: floats are accepted (written as their shortest repr, so ``0.1`` is "0.1"),
trailing zeros do not count towards the 38 significant digits, and sets are written sorted so
that the same item always gives the same JSON.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, NoReturn

from .errors import EventConfigError

AttributeValue = dict[str, Any]
Number = int | float | Decimal

SUPPORTED = (
    "str, int, float, decimal.Decimal, bool, None, bytes, list, tuple, dict, "
    "and non-empty sets of str, of numbers or of bytes"
)
TYPE_TAGS = ("S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M")
MAX_DIGITS = 38
MIN_EXPONENT = -130  # smallest magnitude: 1E-130
MAX_EXPONENT = 125  # largest magnitude: 9.99...E+125
MAX_DEPTH = 32  # nesting levels of lists and maps
MAX_ITEM_SIZE = 400 * 1024
_MAX_INT_BITS = 420  # 10**126 needs 419 bits: anything longer is out of range


def serialize(value: Any, *, where: str = "value") -> AttributeValue:
    """``value`` as a typed AttributeValue; ``where`` names it in error messages."""
    return _serialize(value, where, 0)


def serialize_item(item: Mapping[str, Any], *, where: str = "item") -> dict[str, AttributeValue]:
    """A whole item (attribute name -> Python value) in DynamoDB's typed JSON."""
    if not isinstance(item, Mapping):
        _fail(where, f"an item is a dict of attribute name -> value, not {type(item).__name__}")
    return _serialize_map(item, where, 0)


def deserialize(av: Any, *, use_decimal: bool = False, where: str = "value") -> Any:
    """The Python value of a typed AttributeValue.

    Numbers come back as ``int`` when integral and as ``Decimal`` otherwise (``use_decimal=True``
    gives ``Decimal`` always, as boto3 does); ``B`` gives bytes, sets give Python sets.
    """
    return _deserialize(av, where, use_decimal)


def deserialize_item(image: Mapping[str, Any], *, use_decimal: bool = False) -> dict[str, Any]:
    """A typed image (``NewImage``, ``Keys``...) as a plain dict."""
    if not isinstance(image, Mapping):
        _fail("item", f"an image is a dict of attribute name -> AttributeValue, not {image!r}")
    return {name: _deserialize(av, f"item[{name!r}]", use_decimal) for name, av in image.items()}


def format_number(value: Number, *, where: str = "value") -> str:
    """A number as DynamoDB writes it: plain decimal notation, no float artefacts, no trailing
    zeros; raises ``EventConfigError`` beyond 38 significant digits or outside 1E-130..1E+126."""
    if isinstance(value, bool):
        _fail(where, "a bool is not a number; it is written as BOOL")
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            _fail(where, f"{value} is not a DynamoDB number; NaN and infinity are not stored")
        number = Decimal(repr(value))
    elif isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            _fail(where, f"an integer of {value.bit_length()} bits is beyond DynamoDB's 1E+126")
        number = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            _fail(where, f"{value} is not a DynamoDB number; NaN and infinity are not stored")
        number = value
    else:
        _fail(where, f"{type(value).__name__} is not a number")
    return _canonical(number, where)


def attribute_size(av: Mapping[str, Any]) -> int:
    """Bytes one typed value counts for in DynamoDB's item size (documented approximation)."""
    tag = next(iter(av))
    value = av[tag]
    if tag == "S":
        return len(value.encode())
    if tag == "N":
        return number_size(value)
    if tag == "B":
        return _b64_size(value)
    if tag in ("BOOL", "NULL"):
        return 1
    if tag == "SS":
        return sum(len(s.encode()) for s in value)
    if tag == "NS":
        return sum(number_size(n) for n in value)
    if tag == "BS":
        return sum(_b64_size(b) for b in value)
    if tag == "L":
        return 3 + sum(1 + attribute_size(v) for v in value)
    return 3 + len(value) + item_size(value)  # M: 1 byte per element, names and values


def item_size(image: Mapping[str, Mapping[str, Any]]) -> int:
    """An item's size in bytes as DynamoDB counts it: attribute names plus values
    (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html)."""
    total = 0
    for name, av in image.items():
        total += len(name) if name.isascii() else len(name.encode())
        text = av.get("S")  # the common case, inlined: this runs for every stream record
        if text is not None:
            total += len(text) if text.isascii() else len(text.encode())
        else:
            total += attribute_size(av)
    return total


def copy_item(image: Mapping[str, Mapping[str, Any]]) -> dict[str, AttributeValue]:
    """A deep copy of a typed image, faster than ``copy.deepcopy`` (events must not share
    dicts between records: a hook or handler editing one record would edit the others)."""
    return {name: copy_value(av) for name, av in image.items()}


def copy_value(av: Mapping[str, Any]) -> AttributeValue:
    """A deep copy of one typed value."""
    tag = next(iter(av))
    value = av[tag]
    if tag == "M":
        return {"M": copy_item(value)}
    if tag == "L":
        return {"L": [copy_value(v) for v in value]}
    if tag in ("SS", "NS", "BS"):
        return {tag: list(value)}
    return {tag: value}


# Error locations are built lazily: a path is (parent path, key) or a plain string, rendered
# only when a value is rejected, so the hot path formats no strings.
Path = str | tuple[Any, Any]
_SMALL_INT = 10**MAX_DIGITS  # every int below this in magnitude is a valid DynamoDB number


def _where(path: Path) -> str:
    if isinstance(path, str):
        return path
    parent, key = path
    return f"{_where(parent)}[{key!r}]"


def _serialize(value: Any, path: Path, depth: int) -> AttributeValue:
    kind = type(value)
    if kind is str:
        return {"S": value}
    if kind is bool:
        return {"BOOL": value}
    if kind is int and -_SMALL_INT < value < _SMALL_INT:
        return {"N": str(value)}
    if value is None:
        return {"NULL": True}
    if isinstance(value, str):
        return {"S": str(value)}
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return {"N": format_number(value, where=_where(path))}
    if isinstance(value, bytes | bytearray):
        return {"B": base64.b64encode(value).decode()}
    if isinstance(value, list | tuple | Mapping) and depth >= MAX_DEPTH:
        _fail(_where(path), f"nested deeper than DynamoDB's {MAX_DEPTH} levels of lists and maps")
    if isinstance(value, list | tuple):
        return {"L": [_serialize(v, (path, i), depth + 1) for i, v in enumerate(value)]}
    if isinstance(value, Mapping):
        return {"M": _serialize_map(value, path, depth + 1)}
    if isinstance(value, set | frozenset):
        return _serialize_set(value, _where(path))
    _fail(
        _where(path),
        f"{type(value).__name__} {value!r} has no DynamoDB type; supported: {SUPPORTED}",
    )


def _serialize_map(value: Mapping[Any, Any], path: Path, depth: int) -> dict[str, AttributeValue]:
    out = {}
    for name, v in value.items():
        if type(name) is not str or not name:
            _fail(_where(path), f"attribute names must be non-empty strings, not {name!r}")
        out[name] = _serialize(v, (path, name), depth)
    return out


def _serialize_set(values: set[Any] | frozenset[Any], where: str) -> AttributeValue:
    if not values:
        _fail(where, "DynamoDB rejects empty sets; leave the attribute out or use None")
    if all(isinstance(v, str) for v in values):
        return {"SS": sorted(values)}
    if all(isinstance(v, bytes | bytearray) for v in values):
        return {"BS": [base64.b64encode(v).decode() for v in sorted(values)]}
    if all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values):
        texts = [format_number(v, where=where) for v in sorted(values)]
        if len(set(texts)) != len(texts):
            _fail(where, f"the number set {texts} holds duplicates once written (DynamoDB: error)")
        return {"NS": texts}
    kinds = sorted({type(v).__name__ for v in values})
    _fail(where, f"a set must hold only str, only numbers or only bytes, not {' and '.join(kinds)}")


def _canonical(number: Decimal, where: str) -> str:
    """Plain decimal notation without trailing zeros, after DynamoDB's range checks."""
    if not number:
        return "0"
    magnitude = number.adjusted()
    if not MIN_EXPONENT <= magnitude <= MAX_EXPONENT:  # checked first: bounds the text below
        _fail(where, f"{number} is outside DynamoDB's range 1E-130 to 9.9...9E+125")
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    significant = len(text.lstrip("-").replace(".", "").strip("0"))
    if significant > MAX_DIGITS:
        _fail(where, f"{number} has {significant} significant digits; DynamoDB keeps at most 38")
    return text


def number_size(text: str) -> int:
    """Bytes a number counts for in an item's size, from its DynamoDB text (``N``)."""
    significant = text.lstrip("-").replace(".", "").strip("0")
    return (len(significant) + 1) // 2 + 1


def _b64_size(text: str) -> int:
    return len(text) * 3 // 4 - text[-2:].count("=") if text else 0


def _deserialize(av: Any, where: str, use_decimal: bool) -> Any:
    if not isinstance(av, Mapping) or len(av) != 1 or next(iter(av)) not in TYPE_TAGS:
        _fail(where, f"{av!r} is not an AttributeValue: a dict with one of {', '.join(TYPE_TAGS)}")
    tag: str = next(iter(av))
    value: Any = av[tag]
    if not _payload_ok(tag, value):
        wanted = _PAYLOAD_TYPES[tag].__name__
        _fail(where, f"{tag} holds {type(value).__name__} {value!r}, expected {wanted}")
    if tag == "S":
        return value
    if tag == "N":
        return _parse_number(value, where, use_decimal)
    if tag == "B":
        return _b64decode(value, where)
    if tag == "BOOL":
        return value
    if tag == "NULL":
        if value is not True:
            _fail(where, "NULL must be true")
        return None
    if tag == "L":
        return [_deserialize(v, f"{where}[{i}]", use_decimal) for i, v in enumerate(value)]
    if tag == "M":
        return {k: _deserialize(v, f"{where}[{k!r}]", use_decimal) for k, v in value.items()}
    if not value:
        _fail(where, f"{tag} is empty; DynamoDB sets hold at least one member")
    if not all(isinstance(v, str) for v in value):
        _fail(where, f"{tag} members must be strings")
    if tag == "SS":
        members: set[Any] = set(value)
    elif tag == "NS":
        members = {_parse_number(v, where, use_decimal) for v in value}
    else:
        members = {_b64decode(v, where) for v in value}
    if len(members) != len(value):
        _fail(where, f"{tag} {value} holds duplicates; DynamoDB sets are unique")
    return members


_PAYLOAD_TYPES: dict[str, type] = {
    "S": str, "N": str, "B": str, "BOOL": bool, "NULL": bool,
    "SS": list, "NS": list, "BS": list, "L": list, "M": dict,
}  # fmt: skip


def _payload_ok(tag: str, value: Any) -> bool:
    expected = _PAYLOAD_TYPES[tag]
    return isinstance(value, expected) and (expected is bool or not isinstance(value, bool))


def _parse_number(text: str, where: str, use_decimal: bool) -> int | Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        _fail(where, f"N {text!r} is not a decimal number")
    if not number.is_finite():
        _fail(where, f"N {text!r} is not a DynamoDB number; NaN and infinity are not stored")
    canonical = _canonical(number, where)
    if use_decimal or "." in canonical:
        return Decimal(canonical)
    return int(canonical)


def _b64decode(text: str, where: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        _fail(where, f"{text[:40]!r} is not base64 text")


def _fail(where: str, detail: str) -> NoReturn:
    raise EventConfigError(f"{where}: {detail}", field=where)
