"""Alexa Skills Kit requests (shapes.md 16). No Powertools model exists for Alexa (oracles.md),
so the published request shape is checked here directly."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import pytest

from pytest_lambda_events import EventConfigError, build_event

SKILL = re.compile(
    r"^amzn1\.ask\.skill\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"
)
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _claims(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


@pytest.mark.parametrize("request_type", ["LaunchRequest", "IntentRequest", "SessionEndedRequest"])
def test_request_shape_and_invariants(request_type):
    for seed in range(20):
        _check_request_shape_and_invariants(seed, request_type)


def _check_request_shape_and_invariants(seed, request_type):
    event = build_event("alexa", seed=seed, request_type=request_type)
    assert event["version"] == "1.0"
    session, system, request = event["session"], event["context"]["System"], event["request"]
    app_id = session["application"]["applicationId"]
    assert SKILL.match(app_id)
    assert system["application"]["applicationId"] == app_id
    assert system["user"]["userId"] == session["user"]["userId"]
    assert session["user"]["userId"].startswith("amzn1.ask.account.")
    assert system["device"]["deviceId"].startswith("amzn1.ask.device.")
    assert session["sessionId"].startswith("amzn1.echo-api.session.")
    assert request["requestId"].startswith("amzn1.echo-api.request.")
    assert request["type"] == request_type
    assert ISO_Z.match(request["timestamp"])
    assert session["new"] is (request_type == "LaunchRequest")
    claims = _claims(system["apiAccessToken"])
    assert claims["sub"] == app_id and claims["aud"] == system["apiEndpoint"]
    assert claims["iat"] == int(
        datetime.strptime(request["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        .replace(tzinfo=UTC)
        .timestamp()
    )
    if request_type == "IntentRequest":
        for key, slot in request["intent"].get("slots", {}).items():
            assert slot["name"] == key  # slot keys equal the slot name
            assert slot["confirmationStatus"] == "NONE"
            for authority in slot.get("resolutions", {}).get("resolutionsPerAuthority", []):
                assert authority["authority"].startswith(f"amzn1.er-authority.echo-sdk.{app_id}.")
    if request_type == "SessionEndedRequest":
        assert request["reason"] in ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")


def test_overrides_land_where_they_should():
    app = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
    when = datetime(2025, 4, 1, 9, 30, tzinfo=UTC)
    event = build_event(
        "alexa",
        seed=1,
        request_type="IntentRequest",
        intent_name="OrderCoffeeIntent",
        slots={"drink": "latte", "size": None},
        dialog_state="IN_PROGRESS",
        locale="de-DE",
        application_id=app,
        time=when,
        session_attributes={"cart": "1"},
    )
    request = event["request"]
    assert request["intent"]["name"] == "OrderCoffeeIntent"
    assert request["intent"]["slots"]["drink"]["value"] == "latte"
    assert "value" not in request["intent"]["slots"]["size"]
    assert request["dialogState"] == "IN_PROGRESS"
    assert request["locale"] == "de-DE"
    assert event["context"]["System"]["apiEndpoint"] == "https://api.eu.amazonalexa.com"
    assert event["session"]["application"]["applicationId"] == app
    assert request["timestamp"] == "2025-04-01T09:30:00Z"
    assert event["session"]["attributes"] == {"cart": "1"}
    ended = build_event("alexa", seed=1, request_type="SessionEndedRequest", reason="ERROR")
    assert ended["request"]["reason"] == "ERROR" and ended["request"]["error"]["type"]


def test_deterministic_per_seed():
    assert build_event("alexa", seed=3) == build_event("alexa", seed=3)
    assert build_event("alexa", seed=3) != build_event("alexa", seed=4)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"request_typ": "IntentRequest"}, r"unknown override 'request_typ'.*did you mean"),
        ({"request_type": "Intent"}, r"request_type: 'Intent' is not allowed.*IntentRequest"),
        ({"intent_name": "X"}, r"intent_name: a LaunchRequest has no intent.*IntentRequest"),
        ({"reason": "ERROR"}, r"reason: a LaunchRequest has no reason"),
        ({"request_type": "SessionEndedRequest", "new_session": True}, r"new_session: "),
        ({"application_id": "my-skill"}, r"application_id: .*amzn1\.ask\.skill\.<uuid>"),
        ({"request_type": "IntentRequest", "slots": {"size": 3}}, r"slots: 'size'.*strings"),
        ({"locale": "xx-XX"}, r"locale: 'xx-XX' is not allowed; allowed: 'en-US'"),
        ({"new_session": "yes"}, r"new_session: expected bool"),
    ],
)
def test_bad_input_is_rejected(overrides, message):
    with pytest.raises(EventConfigError, match=message):
        build_event("alexa", seed=1, **overrides)


def test_the_default_path_writes_what_the_general_path_writes():
    """A build without options takes the direct path (_default_alexa); an option that changes
    nothing (request_type='LaunchRequest') takes the general one, which must agree."""
    for seed in range(200):
        event = build_event("alexa", seed=seed)
        assert event == build_event("alexa", seed=seed, request_type="LaunchRequest")
