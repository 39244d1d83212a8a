"""EventBridge rules with an event pattern on a bus, and what their targets receive: the event,
``Input``, ``InputPath`` or ``InputTransformer`` (EventBridge "input transformation")."""

from datetime import UTC, datetime

import pytest

from pytest_lambda_events.errors import (
    EventBusError,
    EventPatternError,
    HarnessArgumentError,
    HarnessError,
)

T0 = datetime(2026, 5, 4, 8, 30, 15, tzinfo=UTC)
ORDER = {
    "Source": "shop.orders",
    "DetailType": "Order Placed",
    "Detail": {
        "id": "o-1",
        "total": 42,
        "items": [{"sku": "a"}, {"sku": "b"}],
        "customer": {"name": 'Ann "A" Lee'},
    },
}


class Recorder:
    def __init__(self):
        self.events = []
        self.__name__ = "recorder"

    def __call__(self, event, context):
        self.events.append(event)


@pytest.fixture
def h(lambda_harness):
    lambda_harness.clock.set(T0)
    return lambda_harness


def _rule(h, bus_name="shop", **kwargs):
    handler = Recorder()
    bus = h.event_bus(bus_name)
    kwargs.setdefault("event_pattern", {"source": ["shop.orders"]})
    rule = bus.rule(h.function(handler, name="consumer"), name="orders", **kwargs)
    return bus, rule, handler


# --- matching ----------------------------------------------------------------------------


def test_matching_event_goes_to_the_target_asynchronously(h):
    bus, rule, handler = _rule(
        h, event_pattern={"source": ["shop.orders"], "detail": {"total": [{"numeric": [">", 40]}]}}
    )
    (event_id,) = bus.put_events([ORDER])
    assert handler.events == []  # queued: the function is invoked asynchronously
    h.run()
    assert handler.events == [bus.events[0]] and bus.events[0]["id"] == event_id
    (delivery,) = rule.deliveries
    assert (delivery.status, delivery.condition) == ("succeeded", "Success")
    assert rule.arn == "arn:aws:events:us-east-1:123456789012:rule/shop/orders"


def test_events_that_do_not_match_are_not_sent(h):
    bus, rule, handler = _rule(h, event_pattern={"detail-type": ["Order Cancelled"]})
    bus.put_events([ORDER])
    h.run()
    assert handler.events == [] and rule.events == [] and len(bus.events) == 1


def test_disabled_rule_sends_nothing_until_enabled(h):
    bus, rule, handler = _rule(h, enabled=False)
    bus.put_events([ORDER])
    rule.enable()
    bus.put_events([ORDER])
    rule.disable()
    bus.put_events([ORDER])
    h.run()
    assert [e["id"] for e in handler.events] == [bus.events[1]["id"]]
    assert "DISABLED" in repr(rule)


def test_two_rules_on_one_bus_each_get_what_they_match(h):
    bus = h.event_bus("shop")
    everything, big = Recorder(), Recorder()
    bus.rule(h.function(everything, name="all"), event_pattern={"source": [{"prefix": "shop."}]})
    bus.rule(
        h.function(big, name="big"), event_pattern={"detail": {"total": [{"numeric": [">=", 100]}]}}
    )
    bus.put_events([ORDER, {**ORDER, "Detail": {"total": 250}}])
    h.run()
    assert [e["detail"]["total"] for e in everything.events] == [42, 250]
    assert [e["detail"]["total"] for e in big.events] == [250]
    assert [r.name for r in bus.rules] == ["all-rule", "big-rule"]


def test_invocation_result_events_on_a_bus_are_matched_by_rules(h):
    """2.4: a destination bus gets "Lambda Function Invocation Result" events; rules see them."""
    bus, _, handler = _rule(
        h,
        event_pattern={
            "source": ["lambda"],
            "detail-type": ["Lambda Function Invocation Result - Failure"],
        },
    )

    def failing(event, context):
        raise RuntimeError("boom")

    fn = h.function(failing, name="worker")
    fn.configure_async(max_retry_attempts=0, on_failure=bus)
    fn.invoke_async({"order": 1})
    h.run()
    (event,) = handler.events
    assert event["detail"]["requestContext"]["condition"] == "RetriesExhausted"
    assert event["detail"]["requestPayload"] == {"order": 1}


def test_rule_pattern_and_settings_are_checked(h):
    bus = h.event_bus("shop")
    fn = h.function(Recorder(), name="consumer")
    with pytest.raises(EventPatternError, match="prefix"):
        bus.rule(fn, event_pattern={"source": [{"prefix": 5}]})
    with pytest.raises(EventPatternError, match="not valid JSON"):
        bus.rule(fn, event_pattern="{source")
    with pytest.raises(EventBusError, match=r"rule name 'bad name'"):
        bus.rule(fn, event_pattern={"source": ["x"]}, name="bad name")
    with pytest.raises(EventBusError, match="must be a standard SQS queue"):
        bus.rule(fn, event_pattern={"source": ["x"]}, dead_letter_queue=h.sqs_queue("d.fifo"))
    with pytest.raises(HarnessArgumentError, match="did you mean 'event_pattern'"):
        bus.rule(fn, eventpattern={"source": ["x"]})
    bus.rule(fn, event_pattern={"source": ["x"]}, name="same")
    h.event_bus("other").rule(fn, event_pattern={"source": ["x"]}, name="same")  # per bus
    with pytest.raises(HarnessError, match="named 'same' exists already"):
        bus.rule(fn, event_pattern={"source": ["x"]}, name="same")


def test_queue_target_gets_minified_json_and_deleted_targets_go_to_the_dlq(h):
    bus = h.event_bus("shop")
    queue, dlq = h.sqs_queue("orders"), h.sqs_queue("orders-dlq")
    rule = bus.rule(
        queue, event_pattern={"source": ["shop.orders"]}, name="to-queue", dead_letter_queue=dlq
    )
    bus.put_events([ORDER])
    (message,) = queue.messages
    assert message.json() == bus.events[0] and ", " not in message.body
    queue.delete_queue()
    bus.put_events([ORDER])
    assert rule.deliveries[1].condition == "AWS.SimpleQueueService.NonExistentQueue"
    assert dlq.messages[0].message_attributes["RULE_ARN"]["stringValue"] == rule.arn


# --- Input, InputPath ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"input": {"constant": True}}, {"constant": True}),
        ({"input": '{"text": "json"}'}, {"text": "json"}),
        ({"input": "[1, 2]"}, [1, 2]),
        ({"input_path": "$.detail"}, ORDER["Detail"]),
        ({"input_path": "$.detail.items[1].sku"}, "b"),
        ({"input_path": "$.detail.items[*].sku"}, ["a", "b"]),
        ({"input_path": "$"}, None),  # the whole event, checked below
        ({"input_path": "$.detail.missing"}, None),  # approximation: JSON null
    ],
)
def test_input_and_input_path(h, kwargs, expected):
    bus, rule, handler = _rule(h, **kwargs)
    bus.put_events([ORDER])
    h.run()
    if kwargs.get("input_path") == "$":
        expected = bus.events[0]
    assert handler.events == [expected] and rule.events == [expected]


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"input": "not json"}, r"input: 'not json' is not valid JSON text \(AWS: 'Input for"),
        ({"input": {"x": {1, 2}}}, r"input: not JSON-serialisable"),
        ({"input": {"x": "a" * 8190}}, r"8,198 characters; AWS allows 1 to 8,192"),
        ({"input_path": "detail"}, r"'detail' is not a JSON path EventBridge supports"),
        ({"input_path": "$.detail..id"}, r"not a JSON path"),
        ({"input_path": "$." + "a" * 300}, r"1 to 256 characters"),
        (
            {"input": {}, "input_transformer": {"InputTemplate": "x"}},
            r"give only one of input / input_transformer \(AWS: 'Only one of Input, InputPath, or "
            r"InputTransformer must be provided",
        ),
    ],
)
def test_bad_input_settings_are_refused(h, kwargs, pattern):
    with pytest.raises(EventBusError, match=pattern):
        _rule(h, **kwargs)


# --- InputTransformer --------------------------------------------------------------------


def _transformed(h, template, paths=None, bus_name="shop"):
    bus, rule, handler = _rule(
        h, bus_name, input_transformer={"InputPathsMap": paths or {}, "InputTemplate": template}
    )
    bus.put_events([ORDER])
    h.run()
    return bus, rule, handler.events


PATHS = {
    "id": "$.detail.id",
    "total": "$.detail.total",
    "skus": "$.detail.items[*].sku",
    "customer": "$.detail.customer",
    "none": "$.detail.nothing",
}


def test_json_template_fills_values_outside_quotes_as_json(h):
    _, _, events = _transformed(
        h,
        '{"order": <id>, "total": <total>, "skus": <skus>, "who": <customer>, "gap": <none>}',
        PATHS,
    )
    assert events == [
        {"order": "o-1", "total": 42, "skus": ["a", "b"], "who": {"name": 'Ann "A" Lee'}, "gap": ""}
    ]  # missing: "" (observed)


def test_json_template_puts_bare_values_inside_strings(h):
    _, _, events = _transformed(
        h, '{"text": "order <id> costs <total> (<none>)", "state": [9, <id>, true]}', PATHS
    )
    assert events == [{"text": "order o-1 costs 42 ()", "state": [9, "o-1", True]}]


def test_text_templates_fill_bare_values(h):
    """The user guide's "simple string" example: a quoted text template gives a JSON string."""
    _, _, events = _transformed(h, '"order <id> is in <total>"', PATHS)
    assert events == ["order o-1 is in 42"]


def test_unescaped_value_in_a_string_makes_invalid_json_for_a_function(h):
    """AWS does not escape values put inside a string; Lambda then refuses the payload."""
    dlq = h.sqs_queue("dlq")
    bus = h.event_bus("shop")
    rule = bus.rule(
        h.function(Recorder(), name="consumer"),
        name="quoted",
        event_pattern={"source": ["shop.orders"]},
        dead_letter_queue=dlq,
        input_transformer={
            "InputPathsMap": {"name": "$.detail.customer.name"},
            "InputTemplate": '{"hello": "<name>"}',
        },
    )
    bus.put_events([ORDER])
    assert rule.events == ['{"hello": "Ann "A" Lee"}']
    (delivery,) = rule.deliveries
    assert (delivery.status, delivery.condition) == ("failed", "InvalidRequestContentException")
    assert dlq.messages[0].body == '{"hello": "Ann "A" Lee"}'


def test_predefined_variables(h):
    template = (
        '{"arn": <aws.events.rule-arn>, "name": <aws.events.rule-name>, '
        '"at": <aws.events.event.ingestion-time>, "event": <aws.events.event>, '
        '"json": <aws.events.event.json>, "text": "<aws.events.rule-name> triggered"}'
    )
    bus, rule, (payload,) = _transformed(h, template)
    event = bus.events[0]
    assert payload["arn"] == rule.arn == "arn:aws:events:us-east-1:123456789012:rule/shop/orders"
    assert payload["name"] == "orders" and payload["text"] == "orders triggered"
    assert payload["at"] == "2026-05-04T08:30:15.000Z"  # approximation: ms precision
    assert payload["json"] == event
    assert payload["event"] == {  # without detail, as AWS returned it (detailType spelling)
        "id": event["id"],
        "account": "123456789012",
        "detailType": "Order Placed",
        "time": "2026-05-04T08:30:15.000Z",
        "source": "shop.orders",
        "region": "us-east-1",
        "resources": [],
        "version": "0",
    }


def test_default_bus_rule_arn_has_no_bus_name(h):
    _, rule, (payload,) = _transformed(h, '"<aws.events.rule-arn>"', bus_name="default")
    assert payload == rule.arn == "arn:aws:events:us-east-1:123456789012:rule/orders"


@pytest.mark.parametrize(
    ("transformer", "pattern"),
    [
        ({"InputTemplate": '"<nope>"'}, r"InputTemplate contains invalid placeholder nope \(AWS"),
        (
            {"InputTemplate": "{<id>: 1}", "InputPathsMap": {"id": "$.id"}},
            r"placeholder as an object key",
        ),
        (
            {"InputTemplate": '{"<id>": 1}', "InputPathsMap": {"id": "$.id"}},
            r"placeholder as an object key",
        ),
        (
            {"InputTemplate": '{"e": "<aws.events.event>"}'},
            r"<aws.events.event> can only be the value of a JSON field",
        ),
        ({"InputTemplate": "<aws.events.event.json>"}, r"can only be the value of a JSON field"),
        (
            {"InputTemplate": '{"a": <id>', "InputPathsMap": {"id": "$.id"}},
            r"starts with '\{' but is not valid JSON",
        ),
        (
            {"InputTemplate": "x", "InputPathsMap": {f"v{i}": "$.id" for i in range(101)}},
            r"101 variables; AWS allows up to 100",
        ),
        ({"InputTemplate": "x", "InputPathsMap": {"aws.events.rule-arn": "$.id"}}, r"is reserved"),
        (
            {"InputTemplate": "x", "InputPathsMap": {"bad name": "$.id"}},
            r"variable name 'bad name'",
        ),
        ({"InputTemplate": "x", "InputPathsMap": {"v": "detail"}}, r"not a JSON path"),
        ({"InputTemplate": ""}, r"InputTemplate is a string of 1 to 8,192 characters"),
        ({"InputPathsMap": {}}, r'give \{"InputPathsMap"'),
        ({"InputTemplate": "x", "Extra": 1}, r"unknown key 'Extra'"),
    ],
)
def test_bad_input_transformers_are_refused(h, transformer, pattern):
    with pytest.raises(EventBusError, match=pattern):
        _rule(h, input_transformer=transformer)


def test_up_to_100_variables_are_accepted(h):
    paths = {f"v{i}": "$.detail.total" for i in range(100)}
    _, _, events = _transformed(h, '{"sum": [<v0>, <v99>]}', paths)
    assert events == [{"sum": [42, 42]}]
