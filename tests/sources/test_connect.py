"""Amazon Connect contact-flow events (shapes.md 34). Powertools has no parser model for Connect
(oracles.md), so its data class is used as an accessor smoke test and the shape is checked here."""

from __future__ import annotations

import re

import pytest
from aws_lambda_powertools.utilities.data_classes import ConnectContactFlowEvent

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
E164 = re.compile(r"^\+[1-9]\d{1,14}$")


@pytest.mark.parametrize("channel", ["VOICE", "CHAT", "TASK", "EMAIL"])
def test_shape_and_invariants(channel):
    for seed in range(20):
        _check_shape_and_invariants(seed, channel)


def _check_shape_and_invariants(seed, channel):
    event = build_event(
        "connect",
        seed=seed,
        channel=channel,
        region="eu-central-1",
        account_id="210987654321",
        media_streaming=channel == "VOICE",
    )
    assert event["Name"] == "ContactFlowEvent"
    data = event["Details"]["ContactData"]
    typed = ConnectContactFlowEvent(event).contact_data
    assert typed.contact_id == data["ContactId"] and typed.instance_arn == data["InstanceARN"]
    if channel in ("VOICE", "CHAT"):  # Powertools' channel enum predates TASK and EMAIL
        assert typed.channel.name == channel
    assert re.fullmatch(UUID, data["ContactId"])
    m = re.fullmatch(
        rf"arn:aws:connect:eu-central-1:210987654321:instance/({UUID})", data["InstanceARN"]
    )
    assert m and data["Tags"]["aws:connect:instanceId"] == m.group(1)
    assert data["AwsRegion"] == "eu-central-1"
    if data["InitiationMethod"] in ("TRANSFER", "QUEUE_TRANSFER"):
        assert data["InitialContactId"] != data["ContactId"]
    else:  # a first contact is its own initial and previous contact
        assert data["InitialContactId"] == data["ContactId"] == data["PreviousContactId"]
    if data["Queue"] is not None:
        assert data["Queue"]["ARN"].startswith(data["InstanceARN"] + "/queue/")
    for endpoint in (data["CustomerEndpoint"], data["SystemEndpoint"]):
        if channel == "VOICE":
            assert endpoint["Type"] == "TELEPHONE_NUMBER" and E164.match(endpoint["Address"])
        elif channel == "EMAIL":
            assert endpoint["Type"] == "EMAIL_ADDRESS" and "@" in endpoint["Address"]
        else:
            assert endpoint is None
    audio = data["MediaStreams"]["Customer"]["Audio"]
    if channel == "VOICE":
        assert re.fullmatch(r"\d{13}", audio["StartTimestamp"])
        assert audio["StreamARN"].startswith("arn:aws:kinesisvideo:eu-central-1:210987654321:")
        assert data["ContactId"] in audio["StreamARN"]
    else:
        assert audio is None
    params = event["Details"]["Parameters"]
    assert all(isinstance(v, str) for v in [*params.values(), *data["Attributes"].values()])


def test_overrides_land_where_they_should():
    event = build_event(
        "connect",
        seed=2,
        initiation_method="TRANSFER",
        contact_id="c-1",
        customer_phone="+442071838750",
        queue_name="Billing",
        attributes={"tier": "gold"},
        parameters={"op": "lookup"},
    )
    data = event["Details"]["ContactData"]
    assert data["ContactId"] == "c-1" and data["InitiationMethod"] == "TRANSFER"
    assert data["PreviousContactId"] != "c-1"
    assert data["CustomerEndpoint"]["Address"] == "+442071838750"
    assert data["Queue"]["Name"] == "Billing"
    assert data["Attributes"] == {"tier": "gold"}
    assert event["Details"]["Parameters"] == {"op": "lookup"}


def test_deterministic_per_seed():
    assert build_event("connect", seed=5) == build_event("connect", seed=5)
    assert build_event("connect", seed=5) != build_event("connect", seed=6)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"chanel": "VOICE"}, r"unknown override 'chanel'.*did you mean.*channel"),
        ({"channel": "SMS"}, r"channel: 'SMS' is not allowed; allowed: 'VOICE'"),
        ({"customer_phone": "555-0101"}, r"customer_phone: '555-0101' is not E\.164"),
        ({"channel": "CHAT", "customer_phone": "+15555550101"}, r"customer_phone: CHAT .*VOICE"),
        ({"channel": "CHAT", "media_streaming": True}, r"media_streaming: only VOICE"),
        ({"channel": "TASK", "initiation_method": "OUTBOUND"}, r"initiation_method: OUTBOUND is"),
        ({"parameters": {"n": 1}}, r"parameters: 'n' is a int; Connect passes strings only"),
    ],
)
def test_bad_input_is_rejected(overrides, message):
    with pytest.raises(EventConfigError, match=message):
        build_event("connect", seed=1, **overrides)
