"""Cognito user-pool triggers (shapes.md 8/37) and the Cognito Sync trigger (shapes.md 7)."""

from __future__ import annotations

import base64
import copy
import re

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.sources.cognito import TRIGGER_SOURCES

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
MODELS = {
    "PreSignUp": models.CognitoPreSignupTriggerModel,
    "PostConfirmation": models.CognitoPostConfirmationTriggerModel,
    "PreAuthentication": models.CognitoPreAuthenticationTriggerModel,
    "PostAuthentication": models.CognitoPostAuthenticationTriggerModel,
    "DefineAuthChallenge": models.CognitoDefineAuthChallengeTriggerModel,
    "CreateAuthChallenge": models.CognitoCreateAuthChallengeTriggerModel,
    "VerifyAuthChallengeResponse": models.CognitoVerifyAuthChallengeTriggerModel,
    "UserMigration": models.CognitoMigrateUserTriggerModel,
    "CustomMessage": models.CognitoCustomMessageTriggerModel,
    "CustomEmailSender": models.CognitoCustomEmailSenderTriggerModel,
    "CustomSMSSender": models.CognitoCustomSMSSenderTriggerModel,
}
# Powertools 3.37 pins these models' triggerSource to one value (oracles.md section 1), so the
# other, equally real, trigger sources of the family are validated under the pinned name.
PINNED = {
    "PreSignUp": "PreSignUp_SignUp",
    "PostConfirmation": "PostConfirmation_ConfirmSignUp",
    "CustomEmailSender": "CustomEmailSender_SignUp",
    "CustomSMSSender": "CustomSMSSender_SignUp",
}


def _for_powertools(event: dict) -> tuple[type, dict]:
    """The model for the event, and a copy with the model's known bugs worked around; each
    work-around first asserts the real AWS shape that the model gets wrong."""
    family = event["triggerSource"].split("_", 1)[0]
    out = copy.deepcopy(event)
    if family in PINNED:
        out["triggerSource"] = PINNED[family]
    request, response = out["request"], out.get("response", {})
    if family in ("DefineAuthChallenge", "CreateAuthChallenge"):
        # the model's challengeName Literal lacks CUSTOM_CHALLENGE, the custom-auth challenge
        custom = [s for s in request["session"] if s["challengeName"] == "CUSTOM_CHALLENGE"]
        assert all(isinstance(s["challengeResult"], bool) for s in custom)
        request["session"] = [s for s in request["session"] if s not in custom]
    if family == "VerifyAuthChallengeResponse":
        # Cognito sends answerCorrect null for the function to fill; the model demands a bool
        assert response == {"answerCorrect": None}
        response["answerCorrect"] = False
    if family == "UserMigration" and "password" not in request:
        # UserMigration_ForgotPassword carries no password; the model requires one
        assert event["triggerSource"] == "UserMigration_ForgotPassword"
        request["password"] = "not-sent-by-aws"
    if family == "TokenGeneration":
        if event["version"] == "1":
            return models.CognitoPreTokenGenerationTriggerModelV1, out
        # real V2/V3 events send scopes as a list of strings; the model types it as a dict
        assert all(isinstance(s, str) for s in request.pop("scopes"))
        return models.CognitoPreTokenGenerationTriggerModelV2AndV3, out
    return MODELS[family], out


def _variants() -> list[dict]:
    out: list[dict] = [{"trigger": t} for t in TRIGGER_SOURCES]
    for t in TRIGGER_SOURCES:
        if t.startswith("TokenGeneration") and not t.endswith("ClientCredentials"):
            out += [{"trigger": t, "version": "2"}, {"trigger": t, "version": "3"}]
    out += [
        {"trigger": t, "user_not_found": True}
        for t in TRIGGER_SOURCES
        if t.split("_")[0]
        in (
            "PreAuthentication",
            "DefineAuthChallenge",
            "CreateAuthChallenge",
            "VerifyAuthChallengeResponse",
        )
    ]
    return out


@pytest.mark.parametrize("variant", _variants(), ids=lambda v: "-".join(map(str, v.values())))
def test_every_trigger_validates_under_its_powertools_model(variant):
    for seed in range(20):
        event = build_event("cognito_user_pool", seed=seed, **variant)
        model, patched = _for_powertools(event)
        parsed = model.model_validate(patched)
        assert parsed.userPoolId == event["userPoolId"]


@pytest.mark.parametrize("trigger", TRIGGER_SOURCES)
def test_envelope_is_consistent_with_the_region(trigger):
    for seed in range(5):
        event = build_event("cognito_user_pool", seed=seed, trigger=trigger, region="eu-west-2")
        assert event["triggerSource"] == trigger
        assert event["region"] == "eu-west-2"
        assert re.fullmatch(r"eu-west-2_[A-Za-z0-9]{9}", event["userPoolId"])
        client = event["callerContext"]["clientId"]
        if trigger.endswith("_AdminCreateUser"):
            assert client == "CLIENT_ID_NOT_APPLICABLE"
        else:
            assert re.fullmatch(r"[a-z0-9]{26}", client)
        attrs = event["request"].get("userAttributes", {})
        assert all(isinstance(v, str) for v in attrs.values())  # "true", never True
        if "sub" in attrs:
            assert UUID.match(attrs["sub"])
            assert attrs["cognito:user_status"] in (
                "CONFIRMED",
                "UNCONFIRMED",
                "FORCE_CHANGE_PASSWORD",
            )
            assert attrs["email_verified"] in ("true", "false")
        if "phone_number" in attrs:
            assert re.fullmatch(r"\+[1-9]\d{1,14}", attrs["phone_number"])


def test_responses_hold_the_keys_aws_sends_unfilled():
    def response(trigger, **kw):
        return build_event("cognito_user_pool", seed=1, trigger=trigger, **kw).get("response")

    assert response("PreSignUp_SignUp") == {
        "autoConfirmUser": False,
        "autoVerifyEmail": False,
        "autoVerifyPhone": False,
    }
    assert response("PostConfirmation_ConfirmSignUp") == {}
    assert response("DefineAuthChallenge_Authentication") == {
        "challengeName": None,
        "issueTokens": None,
        "failAuthentication": None,
    }
    assert response("TokenGeneration_HostedAuth") == {"claimsOverrideDetails": None}
    assert response("TokenGeneration_HostedAuth", version="2") == {
        "claimsAndScopeOverrideDetails": None
    }
    assert set(response("UserMigration_Authentication")) == {
        "userAttributes",
        "finalUserStatus",
        "messageAction",
        "desiredDeliveryMediums",
        "forceAliasCreation",
        "enableSMSMFA",
    }
    assert response("CustomEmailSender_SignUp") is None  # the function sends the message


def test_trigger_specific_request_fields():
    msg = build_event("cognito_user_pool", seed=2, trigger="CustomMessage_AdminCreateUser")
    assert msg["request"]["codeParameter"] == "{####}"
    assert msg["request"]["usernameParameter"] == "{username}"
    assert msg["request"]["userAttributes"]["cognito:user_status"] == "FORCE_CHANGE_PASSWORD"
    signup = build_event("cognito_user_pool", seed=2, trigger="CustomMessage_SignUp")
    assert signup["request"]["usernameParameter"] is None
    assert signup["request"]["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    sender = build_event("cognito_user_pool", seed=2, trigger="CustomSMSSender_ForgotPassword")
    assert sender["request"]["type"] == "customSMSSenderRequestV1"
    assert base64.b64decode(sender["request"]["code"])[:4] == b"\x01\x80\x03\x78"
    verify = build_event(
        "cognito_user_pool", seed=2, trigger="VerifyAuthChallengeResponse_Authentication"
    )
    assert (
        verify["request"]["challengeAnswer"]
        == verify["request"]["privateChallengeParameters"]["answer"]
    )
    define = build_event("cognito_user_pool", seed=2, trigger="DefineAuthChallenge_Authentication")
    names = [s["challengeName"] for s in define["request"]["session"]]
    assert names[:2] == ["SRP_A", "PASSWORD_VERIFIER"]  # oldest first
    assert (
        "password"
        not in build_event("cognito_user_pool", seed=2, trigger="UserMigration_ForgotPassword")[
            "request"
        ]
    )
    external = build_event("cognito_user_pool", seed=2, trigger="PreSignUp_ExternalProvider")
    assert re.fullmatch(
        r"(Google|Facebook|SignInWithApple|LoginWithAmazon)_\d{21}", external["userName"]
    )
    m2m = build_event("cognito_user_pool", seed=2, trigger="TokenGeneration_ClientCredentials")
    assert m2m["version"] == "3" and "userName" not in m2m
    not_found = build_event(
        "cognito_user_pool", seed=2, user_not_found=True, trigger="PreAuthentication_Authentication"
    )
    assert not_found["request"]["userNotFound"] is True
    assert not_found["request"]["userAttributes"] == {}


def test_overrides_land_where_they_should():
    event = build_event(
        "cognito_user_pool",
        seed=4,
        trigger="TokenGeneration_RefreshTokens",
        version="2",
        user_pool_id="us-east-1_AbCdEfGh1",
        user_name="ana",
        client_id="c" * 26,
        aws_sdk_version="aws-sdk-js-3.1.0",
        user_attributes={"custom:tier": "gold"},
        client_metadata={"src": "web"},
        groups=["admins"],
        scopes=["openid"],
        preferred_role="arn:aws:iam::123456789012:role/admin",
    )
    assert event["userPoolId"] == "us-east-1_AbCdEfGh1" and event["userName"] == "ana"
    assert event["callerContext"] == {"awsSdkVersion": "aws-sdk-js-3.1.0", "clientId": "c" * 26}
    req = event["request"]
    assert req["userAttributes"]["custom:tier"] == "gold"
    assert req["clientMetadata"] == {"src": "web"}
    assert req["groupConfiguration"]["groupsToOverride"] == ["admins"]
    assert req["groupConfiguration"]["preferredRole"].endswith("role/admin")
    assert req["scopes"] == ["openid"]
    session = [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False}]
    create = build_event(
        "cognito_user_pool",
        seed=4,
        trigger="CreateAuthChallenge_Authentication",
        session=session,
        challenge_name="EMAIL_OTP",
    )
    assert create["request"]["challengeName"] == "EMAIL_OTP"
    assert create["request"]["session"][0]["challengeResult"] is False


def test_deterministic_per_seed():
    a = build_event("cognito_user_pool", seed=7, trigger="PostAuthentication_Authentication")
    assert a == build_event(
        "cognito_user_pool", seed=7, trigger="PostAuthentication_Authentication"
    )
    assert a != build_event(
        "cognito_user_pool", seed=8, trigger="PostAuthentication_Authentication"
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"triger": "PreSignUp_SignUp"}, r"unknown override 'triger'.*did you mean.*trigger"),
        ({"trigger": "PreSignup_SignUp"}, r"trigger: 'PreSignup_SignUp' is not allowed.*allowed"),
        ({"user_attributes": {"email_verified": True}}, r"user_attributes: 'email_verified'.*str"),
        ({"user_pool_id": "eu-west-1_AbCdEfGh1"}, r"user_pool_id: .*'us-east-1_'"),
        ({"version": "2"}, r"version: .*'2' and '3' are for TokenGeneration"),
        ({"trigger": "TokenGeneration_ClientCredentials", "version": "2"}, r"version: .*only"),
        ({"trigger": "TokenGeneration_HostedAuth", "scopes": ["a"]}, r"scopes: .*version='2'"),
        ({"groups": ["a"]}, r"groups: PreSignUp_SignUp .*TokenGeneration_\*"),
        ({"password": "x", "trigger": "UserMigration_ForgotPassword"}, r"password: only User"),
        (
            {"trigger": "DefineAuthChallenge_Authentication", "session": [{"challengeName": "X"}]},
            r"session\[0\]: .*CUSTOM_CHALLENGE",
        ),
        ({"new_device_used": "yes"}, r"new_device_used: expected bool"),
    ],
)
def test_bad_input_is_rejected_with_what_is_allowed(overrides, message):
    with pytest.raises(EventConfigError, match=message):
        build_event("cognito_user_pool", seed=1, **overrides)


# Cognito Sync has no Powertools model (oracles.md): its shape is checked here directly.
@pytest.mark.parametrize("seed", range(20))
def test_sync_trigger_shape(seed):
    event = build_event("cognito_sync", seed=seed, region="ap-south-1")
    assert event["version"] == 2 and event["eventType"] == "SyncTrigger"
    assert event["region"] == "ap-south-1"
    for key in ("identityPoolId", "identityId"):
        prefix, uuid = event[key].split(":")
        assert prefix == "ap-south-1" and UUID.match(uuid)
    assert isinstance(event["datasetName"], str) and event["datasetName"]
    assert event["datasetRecords"]
    for record in event["datasetRecords"].values():
        assert set(record) == {"oldValue", "newValue", "op"}
        assert record["op"] in ("replace", "remove")
        assert (record["newValue"] is None) == (record["op"] == "remove")


def test_sync_overrides_and_errors():
    event = build_event(
        "cognito_sync",
        seed=1,
        dataset_name="Prefs",
        dataset_records={
            "theme": "dark",
            "lang": {"oldValue": "en", "newValue": None, "op": "remove"},
        },
    )
    assert event["datasetName"] == "Prefs"
    assert event["datasetRecords"]["theme"] == {
        "oldValue": None,
        "newValue": "dark",
        "op": "replace",
    }
    assert event["datasetRecords"]["lang"]["op"] == "remove"
    with pytest.raises(EventConfigError, match=r"identity_pool_id: .*'us-east-1:<uuid>'"):
        build_event("cognito_sync", seed=1, identity_pool_id="eu-west-1:abc")
    with pytest.raises(EventConfigError, match=r"dataset_records: 'k'.*'replace' or 'remove'"):
        build_event("cognito_sync", seed=1, dataset_records={"k": {"op": "delete"}})
    with pytest.raises(EventConfigError, match=r"dataset_records: .*at least one"):
        build_event("cognito_sync", seed=1, dataset_records={})
