"""Option validation and the source registry: every user mistake gets EventConfigError."""

from datetime import UTC, datetime

import pytest

from pytest_lambda_events import (
    EventConfigError,
    EventSource,
    Option,
    SourceRegistry,
    UnknownSourceError,
)


def _source(**kw):
    defaults = dict(
        id="widget",
        service="Widget Service",
        invocation="async",
        builder=lambda ctx, o: {"size": o.size},
        options=(
            Option("size", int, "widget size", 1, minimum=1, maximum=10),
            Option("colour", str, "colour", choices=("red", "green")),
            Option("ratio", float, "ratio"),
            Option("tags", list, "tags", item_type=str),
            Option("when", datetime, "a time"),
        ),
    )
    return EventSource(**{**defaults, **kw})


def test_defaults_fill_unset_options_and_given_tracks_explicit_ones():
    o = _source().resolve({"colour": None}, {"region": "eu-west-1"})
    assert (o.size, o.colour, o.region, o.account_id) == (1, None, "eu-west-1", None)
    assert o.given("colour") and not o.given("size")


def test_unknown_override_names_the_source_a_close_match_and_the_allowed_names():
    with pytest.raises(EventConfigError, match=r"widget: unknown override 'colr'") as info:
        _source().resolve({"colr": "red"}, {})
    message = str(info.value)
    assert "did you mean 'colour'?" in message
    assert "allowed: account_id, colour, ratio, region, size, tags, time, when" in message
    assert info.value.field == "colr" and info.value.source == "widget"


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"size": "3"}, r"widget: size: expected int, got str '3'"),
        ({"size": True}, r"widget: size: expected int, got bool True"),
        ({"size": 0}, r"widget: size: 0 is below AWS's minimum 1"),
        ({"size": 11}, r"widget: size: 11 is above AWS's maximum 10"),
        ({"colour": "gren"}, r"'gren' is not allowed \(did you mean 'green'\?\); allowed: 'red'"),
        ({"colour": "RED"}, r"'RED' is not allowed \(did you mean 'red'\?\)"),
        ({"tags": ["a", 3]}, r"widget: tags\[1\]: expected str, got int 3"),
        ({"when": "yesterday"}, r"widget: when: 'yesterday' is not a time"),
        ({"region": "europe"}, r"widget: region: 'europe' is not an AWS region"),
        ({"account_id": "12345"}, r"widget: account_id: '12345' is not a 12-digit AWS account id"),
    ],
)
def test_bad_values_raise_event_config_error_saying_what_is_allowed(overrides, pattern):
    with pytest.raises(EventConfigError, match=pattern):
        _source().resolve(overrides, {})


def test_resolved_overrides_are_remembered_but_never_across_types_or_worlds():
    source = _source()
    world = {"region": "eu-west-1", "account_id": "123456789012"}
    first = source.resolve({"size": 3}, world)
    assert source.resolve({"size": 3}, dict(world)) is first  # a suite's repeated count=10
    assert source.resolve({"size": 3}, {**world, "region": "us-east-2"}).region == "us-east-2"
    assert source.resolve({"ratio": 1}, world).ratio == 1.0
    assert source.resolve({"size": 1}, world).size == 1
    with pytest.raises(EventConfigError, match=r"size: expected int, got bool True"):
        source.resolve({"size": True}, world)  # True == 1, but a cached size=1 must not answer
    tags = ["a"]
    assert source.resolve({"tags": tags}, world).tags == ["a"]  # unhashable: resolved each time
    assert source.resolve({"tags": tags}, world) is not source.resolve({"tags": tags}, world)


def test_ints_are_accepted_for_floats_and_times_in_three_forms():
    o = _source().resolve({"ratio": 2, "when": "2025-01-02T03:04:05Z"}, {})
    assert o.ratio == 2.0 and isinstance(o.ratio, float)
    assert o.when == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert _source().resolve({"when": 0}, {}).when == datetime(1970, 1, 1, tzinfo=UTC)
    naive = _source().resolve({"when": datetime(2025, 1, 1)}, {}).when
    assert naive.tzinfo is UTC


def test_count_option_exists_only_for_batching_sources_with_the_aws_maximum():
    assert "count" not in _source().all_options
    batched = _source(max_count=100)
    with pytest.raises(EventConfigError, match="count: 101 is above AWS's maximum 100"):
        batched.resolve({"count": 101}, {})


def test_source_ids_must_be_snake_case_and_invocation_known():
    with pytest.raises(EventConfigError, match="must be snake_case"):
        _source(id="My-Source")
    with pytest.raises(EventConfigError, match="invocation must be one of"):
        _source(invocation="poll-ish")


def test_registry_rejects_duplicates_and_suggests_close_ids():
    seen = []
    registry = SourceRegistry(on_register=seen.append)
    registry.register(_source())
    assert registry.ids() == ["widget"] and seen[0].id == "widget" and "widget" in registry
    with pytest.raises(EventConfigError, match="'widget' is registered already"):
        registry.register(_source())
    with pytest.raises(UnknownSourceError, match=r"'widgte' \(did you mean 'widget'\?\)"):
        registry.get("widgte")
    assert issubclass(UnknownSourceError, AttributeError)
