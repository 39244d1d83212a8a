"""Amazon Lex V1 and V2 code-hook events (shapes.md 17 and 18). Powertools has no Lex models
(oracles.md), so the published input formats are checked here directly."""

from __future__ import annotations

import re

import pytest

from pytest_lambda_events import EventConfigError, build_event

HOOKS = ["DialogCodeHook", "FulfillmentCodeHook"]


@pytest.mark.parametrize("hook", HOOKS)
def test_v1_shape_and_invariants(hook):
    for seed in range(20):
        _check_v1_shape_and_invariants(seed, hook)


def _check_v1_shape_and_invariants(seed, hook):
    event = build_event("lex", seed=seed, invocation_source=hook)
    assert event["messageVersion"] == "1.0" and event["invocationSource"] == hook
    assert event["outputDialogMode"] in ("Text", "Voice")
    bot, intent = event["bot"], event["currentIntent"]
    assert set(bot) == {"name", "alias", "version"}
    if bot["alias"] == "$LATEST":
        assert bot["version"] == "$LATEST"
    assert intent["confirmationStatus"] in ("None", "Confirmed", "Denied")
    assert set(intent["slotDetails"]) == set(intent["slots"])  # same keys
    for name, value in intent["slots"].items():
        assert value is None or isinstance(value, str)
        if value is not None:
            assert intent["slotDetails"][name]["originalValue"] == value
    if hook == "FulfillmentCodeHook":  # only once every slot is filled
        assert None not in intent["slots"].values()
    assert all(isinstance(v, str) for v in event["sessionAttributes"].values())
    assert isinstance(event["inputTranscript"], str) and event["inputTranscript"]


@pytest.mark.parametrize("mode", ["Text", "Speech", "DTMF"])
@pytest.mark.parametrize("hook", HOOKS)
def test_v2_shape_and_invariants(hook, mode):
    for seed in range(20):
        _check_v2_shape_and_invariants(seed, hook, mode)


def _check_v2_shape_and_invariants(seed, hook, mode):
    event = build_event("lex_v2", seed=seed, invocation_source=hook, input_mode=mode)
    assert event["messageVersion"] == "1.0" and event["invocationSource"] == hook
    assert event["inputMode"] == mode
    assert event["responseContentType"] == (
        "text/plain; charset=utf-8" if mode == "Text" else "audio/pcm"
    )
    bot = event["bot"]
    assert re.fullmatch(r"[A-Z0-9]{10}", bot["id"])
    assert re.fullmatch(r"[a-z]{2}_[A-Z]{2}", bot["localeId"])  # underscore, not dash
    if bot["aliasId"] == "TSTALIASID":
        assert bot["version"] == "DRAFT"
    state, top = event["sessionState"], event["interpretations"][0]
    assert state["intent"] == top["intent"]  # the session follows the top interpretation
    assert "nluConfidence" not in event["interpretations"][-1]
    assert event["interpretations"][-1]["intent"]["name"] == "FallbackIntent"
    assert 0 <= top["nluConfidence"] <= 1
    assert re.fullmatch(r"[0-9a-f-]{36}", state["originatingRequestId"])
    slots = state["intent"]["slots"]
    for slot in slots.values():
        if slot is not None:
            assert slot["shape"] == "Scalar"
            assert slot["value"]["interpretedValue"] in slot["value"]["resolvedValues"]
    if hook == "FulfillmentCodeHook":
        assert None not in slots.values()
        assert state["intent"]["state"] == "ReadyForFulfillment"
    else:
        assert state["intent"]["state"] == "InProgress"
        missing = [n for n, v in slots.items() if v is None]
        if missing:
            action = event["proposedNextState"]["dialogAction"]
            assert action == {"type": "ElicitSlot", "slotToElicit": missing[0]}
    assert ("transcriptions" in event) == (mode == "Speech")
    if mode == "DTMF":
        assert event["inputTranscript"].isdigit()


def test_overrides_land_where_they_should():
    v1 = build_event(
        "lex",
        seed=1,
        invocation_source="DialogCodeHook",
        bot_name="OrderFlowers",
        slots={"FlowerType": "roses"},
        confirmation_status="Denied",
        session_attributes={"k": "v"},
        bot_alias="$LATEST",
        user_id="u-1",
        input_transcript="roses please",
        output_dialog_mode="Voice",
    )
    intent = v1["currentIntent"]
    assert intent["name"] == "OrderFlowers" and intent["slots"]["FlowerType"] == "roses"
    assert intent["slots"]["PickupDate"] is None and intent["confirmationStatus"] == "Denied"
    assert v1["bot"] == {"name": "OrderFlowers", "alias": "$LATEST", "version": "$LATEST"}
    assert v1["userId"] == "u-1" and v1["sessionAttributes"] == {"k": "v"}
    assert v1["inputTranscript"] == "roses please" and v1["outputDialogMode"] == "Voice"
    v2 = build_event(
        "lex_v2",
        seed=1,
        invocation_source="FulfillmentCodeHook",
        bot_name="Support",
        intent_name="OpenTicket",
        slots={"topic": "billing"},
        bot_alias_id="TSTALIASID",
        locale_id="de_DE",
        session_id="s-1",
        intent_state="Fulfilled",
    )
    intent = v2["sessionState"]["intent"]
    assert intent["name"] == "OpenTicket" and intent["state"] == "Fulfilled"
    assert intent["slots"]["topic"]["value"]["originalValue"] == "billing"
    assert v2["bot"]["version"] == "DRAFT" and v2["bot"]["localeId"] == "de_DE"
    assert v2["sessionId"] == "s-1"


def test_deterministic_per_seed():
    for source in ("lex", "lex_v2"):
        assert build_event(source, seed=3) == build_event(source, seed=3)
        assert build_event(source, seed=3) != build_event(source, seed=4)


@pytest.mark.parametrize(
    ("source", "overrides", "message"),
    [
        ("lex", {"invocation_sourc": "DialogCodeHook"}, r"unknown override.*did you mean"),
        ("lex", {"invocation_source": "Dialog"}, r"invocation_source: 'Dialog' is not allowed"),
        ("lex", {"bot_name": "Custom"}, r"intent_name: bot 'Custom' is not a built-in sample"),
        (
            "lex",
            {
                "invocation_source": "FulfillmentCodeHook",
                "bot_name": "OrderFlowers",
                "slots": {"FlowerType": "roses"},
            },
            r"slots: FulfillmentCodeHook .*PickupDate",
        ),
        ("lex", {"slots": {"Nights": 2}}, r"slots: 'Nights': slot values are strings"),
        ("lex", {"bot_alias": "$LATEST", "bot_version": "2"}, r"bot_version: the \$LATEST"),
        (
            "lex",
            {"invocation_source": "FulfillmentCodeHook", "confirmation_status": "Denied"},
            r"confirmation_status: a denied intent",
        ),
        ("lex_v2", {"bot_alias_id": "TSTALIASID", "bot_version": "3"}, r"bot_version: .*DRAFT"),
        ("lex_v2", {"locale_id": "en-US"}, r"locale_id: 'en-US' is not allowed.*'en_US'"),
        ("lex_v2", {"input_mode": "Voice"}, r"input_mode: 'Voice' is not allowed"),
    ],
)
def test_bad_input_is_rejected(source, overrides, message):
    with pytest.raises(EventConfigError, match=message):
        build_event(source, seed=1, **overrides)
