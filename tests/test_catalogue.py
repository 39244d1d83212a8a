"""Bad input for every builder of the catalogue: an unknown field, an unknown variant, a value
outside AWS's limits each give ``EventConfigError`` naming the source, the field and what is
allowed (never a raw KeyError or TypeError)."""

from __future__ import annotations

import pytest

from pytest_lambda_events import EventConfigError, build_event, source_ids
from pytest_lambda_events.building import default_registry

SOURCES = list(default_registry())
CHOICES = [(s.id, o.name, o.choices) for s in SOURCES for o in s.all_options.values()
           if o.choices and all(isinstance(c, str) for c in o.choices)]  # fmt: skip
MAXIMA = [(s.id, o.name, o.maximum) for s in SOURCES for o in s.all_options.values()
          if o.maximum is not None and o.type in (int, float)]  # fmt: skip
MINIMA = [(s.id, o.name, o.minimum) for s in SOURCES for o in s.all_options.values()
          if o.minimum is not None and o.type in (int, float)]  # fmt: skip


@pytest.mark.parametrize("source_id", source_ids())
def test_an_unknown_field_names_the_source_and_a_close_match(source_id: str) -> None:
    with pytest.raises(EventConfigError, match=rf"{source_id}: unknown override 'regoin' "
                       r"\(did you mean 'region'\?\); allowed: "):  # fmt: skip
        build_event(source_id, 1, regoin="eu-west-1")


@pytest.mark.parametrize(("source_id", "option", "choices"), CHOICES)
def test_an_unknown_variant_lists_the_allowed_ones(source_id: str, option: str, choices) -> None:
    with pytest.raises(EventConfigError, match=option) as raised:
        build_event(source_id, 1, **{option: "no-such-variant"})
    assert f"allowed: {', '.join(repr(c) for c in choices)}" in str(raised.value)


@pytest.mark.parametrize(("source_id", "option", "maximum"), MAXIMA)
def test_a_value_above_awss_maximum_is_refused(source_id: str, option: str, maximum) -> None:
    with pytest.raises(EventConfigError, match=rf"{option}: .* is above AWS's maximum"):
        build_event(source_id, 1, **{option: maximum + 1})


@pytest.mark.parametrize(("source_id", "option", "minimum"), MINIMA)
def test_a_value_below_awss_minimum_is_refused(source_id: str, option: str, minimum) -> None:
    with pytest.raises(EventConfigError, match=rf"{option}: .* is below AWS's minimum"):
        build_event(source_id, 1, **{option: minimum - 1})


def test_the_catalogue_covers_every_kind_of_limit() -> None:
    assert len(source_ids()) == 44
    assert len(CHOICES) > 40 and len(MAXIMA) > 20 and len(MINIMA) > 20
