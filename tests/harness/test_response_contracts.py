"""Response contracts of the synchronous non-HTTP sources (shapes.md 8, 17, 18, 25, 26, 30 and
the authorizer notes of 19), applied through ``fn.invoke(event, source=...)``."""

import base64
import copy
import time

import pytest

from pytest_lambda_events import build_event
from pytest_lambda_events.flows.response_contracts import (
    RESPONSE_CONTRACTS,
    api_gateway_authorizer_response,
)

B64 = base64.b64encode(b'{"ok": true}\n').decode()


@pytest.fixture
def reply(lambda_harness):
    """``reply(source, event, value)``: invoke a handler that returns ``value`` (or, when it is
    callable, ``value(event)``) through ``source``'s contract."""
    box = {}

    def handler(event, context):
        value = box["value"]
        return value(event) if callable(value) else value

    fn = lambda_harness.function(handler, name="contract", timeout=10)

    def invoke(source, event, value):
        box["value"] = value
        return fn.invoke(copy.deepcopy(event), source=source)

    return invoke


def accepted(inv):
    return inv.ok and inv.accepted is True and inv.rejection is None


def rejected(inv, *parts):
    assert inv.accepted is False, inv.rejection
    for part in parts:
        assert part in inv.rejection
    return True


def raising(message, kind=ValueError):
    def handler(event):
        raise kind(message)

    return handler


def test_every_contract_source_is_a_registered_source_or_a_catalogue_id():
    assert set(RESPONSE_CONTRACTS) == {
        "firehose", "s3_batch", "cognito_user_pool", "lex", "lex_v2",
        "api_gateway_authorizer", "cloudfront",
    }  # fmt: skip


# --- Firehose (shapes.md 26) ----------------------------------------------------------------

FIREHOSE = build_event("firehose", seed=7, count=3)
IDS = [r["recordId"] for r in FIREHOSE["records"]]


def firehose_reply(*results, ids=IDS, data=B64):
    pairs = zip(ids, results, strict=False)  # fewer results than ids: a missing record
    return {"records": [{"recordId": i, "result": r, "data": data} for i, r in pairs]}


def test_firehose_accepts_every_record_answered_once(reply):
    inv = reply("firehose", FIREHOSE, firehose_reply("Ok", "Dropped", "Ok"))
    assert accepted(inv) and inv.source == "firehose" and inv.notes == []


def test_firehose_processing_failed_records_are_accepted_and_named(reply):
    inv = reply("firehose", FIREHOSE, firehose_reply("Ok", "ProcessingFailed", "Ok"))
    assert accepted(inv)
    (note,) = inv.notes
    assert "1 of 3 records" in note and IDS[1] in note and "processing-failed/" in note


@pytest.mark.parametrize(
    ("returned", "why"),
    [
        ([], "Lambda.JsonProcessingException: There was an error parsing returned records"),
        ({"Records": []}, "Lambda.JsonProcessingException"),
        ({"records": [IDS]}, "Lambda.JsonProcessingException"),
        (firehose_reply("Ok", "Ok", "Ok", ids=[IDS[0], IDS[0], IDS[1]]),
         f"Lambda.DuplicatedRecordId: Multiple records were returned with the same record ID. "
         f"Ensure that the Lambda function returns unique record IDs for each record. "
         f"(returned twice: {IDS[0]})"),
        (firehose_reply("Ok", "Ok"),
         f"Lambda.MissingRecordId: One or more record IDs were not returned. Ensure that the "
         f"Lambda function returns all received record IDs. (missing: {IDS[2]})"),
        (firehose_reply("Ok", "Ok", "Ok", "Ok", ids=[*IDS, "4950"]),
         "Any mismatch between the ID of the original record and the ID of the transformed "
         "record is treated as a data transformation failure (not in the batch: '4950')"),
        (firehose_reply("Ok", "OK", "Ok"),
         f"Lambda.FunctionError: Check your function and make sure the output is in required "
         f"format. In addition to that, make sure the processed records contain valid result "
         f"status of Dropped, Ok, or ProcessingFailed (record {IDS[1]}: result is 'OK')"),
        (firehose_reply("Ok", "Ok", "Ok", data="not base64!"), "data must be base64 text"),
        ({"records": [{"recordId": i, "result": "Dropped"} for i in IDS]},
         "data must be base64 text"),
    ],
)  # fmt: skip
def test_firehose_rejects_the_whole_batch(reply, returned, why):
    inv = reply("firehose", FIREHOSE, returned)
    assert inv.ok and rejected(inv, why, "; all 3 records go to the processing-failed/ prefix")


def test_firehose_function_error_and_oversized_response_fail_the_batch(reply):
    inv = reply("firehose", FIREHOSE, raising("boom"))
    assert rejected(
        inv,
        "Lambda.FunctionError: The Lambda function was successfully invoked "
        "but it returned an error result. (function error (ValueError): boom)",
    )
    huge = firehose_reply("Ok", "Ok", "Ok", data="A" * 2_200_000)  # 6.6 MB > 6 MB
    inv = reply("firehose", FIREHOSE, huge)
    assert rejected(inv, "Function.ResponseSizeTooLarge", "processing-failed/")


# --- S3 Batch Operations (shapes.md 30) -----------------------------------------------------


@pytest.fixture(params=["1.0", "2.0"])
def s3_batch(request):
    return build_event("s3_batch", seed=3, schema_version=request.param)


def batch_reply(event, code="Succeeded", **changes):
    task = event["tasks"][0]["taskId"]
    response = {
        "invocationSchemaVersion": event["invocationSchemaVersion"],
        "treatMissingKeysAs": "PermanentFailure",
        "invocationId": event["invocationId"],
        "results": [{"taskId": task, "resultCode": code, "resultString": "done"}],
    }
    return {**response, **changes}


def test_s3_batch_accepts_each_result_code(reply, s3_batch):
    for code in ("Succeeded", "PermanentFailure"):
        inv = reply("s3_batch", s3_batch, batch_reply(s3_batch, code))
        assert accepted(inv) and inv.notes == []
    no_default = batch_reply(s3_batch)
    del no_default["treatMissingKeysAs"]  # approximation: PermanentFailure assumed
    assert accepted(reply("s3_batch", s3_batch, no_default))


def test_s3_batch_temporary_failure_is_accepted_and_retried(reply, s3_batch):
    inv = reply("s3_batch", s3_batch, batch_reply(s3_batch, "TemporaryFailure"))
    task = s3_batch["tasks"][0]["taskId"]
    assert accepted(inv)
    assert inv.notes == [f"TemporaryFailure: S3 Batch Operations retries task(s) {task}"]


def test_s3_batch_rejections(reply, s3_batch):
    task = s3_batch["tasks"][0]["taskId"]
    version = s3_batch["invocationSchemaVersion"]
    other = "2.0" if version == "1.0" else "1.0"
    cases = [
        (None, "the response must be a JSON object, got None"),
        (batch_reply(s3_batch, invocationSchemaVersion=other),
         f"invocationSchemaVersion is '{other}'; it must be the request's '{version}'"),
        (batch_reply(s3_batch, invocationId="abc"), "invocationId is 'abc'; it must be"),
        (batch_reply(s3_batch, treatMissingKeysAs="Failed"),
         "treatMissingKeysAs is 'Failed'; allowed: Succeeded, TemporaryFailure, PermanentFailure"),
        (batch_reply(s3_batch, results={}), "results must be a list of objects, got dict"),
        (batch_reply(s3_batch, results=[]), "(one result per task)"),
        (batch_reply(s3_batch, results=[{"taskId": "x", "resultCode": "Succeeded"}]),
         f"results answer taskIds ['x']; the request's tasks are ['{task}']"),
        (batch_reply(s3_batch, "Success"), "resultCode is 'Success'; allowed: Succeeded"),
        (batch_reply(s3_batch, results=[{"taskId": task, "resultCode": "Succeeded",
                                         "resultString": 5}]),
         "resultString must be a string"),
    ]  # fmt: skip
    for returned, why in cases:
        inv = reply("s3_batch", s3_batch, returned)
        assert rejected(inv, "invalid S3 Batch Operations response: ", why)
    inv = reply("s3_batch", s3_batch, raising("denied"))
    assert rejected(inv, "function error (ValueError): denied; S3 Batch Operations records")


# --- Cognito user pools (shapes.md 8) -------------------------------------------------------

UNRECOGNIZABLE = "InvalidLambdaResponseException: Unrecognizable lambda output"


def cognito(trigger, **options):
    return build_event("cognito_user_pool", seed=5, trigger=trigger, **options)


def respond(**response):
    """A handler that returns the event it got with ``response`` filled."""
    return lambda event: {**event, "response": {**event.get("response", {}), **response}}


def test_cognito_pre_sign_up_accepts_the_documented_flags(reply):
    event = cognito("PreSignUp_SignUp", user_attributes={"phone_number": "+12065550100"})
    inv = reply("cognito_user_pool", event, respond(autoConfirmUser=True, autoVerifyEmail=True,
                                                    autoVerifyPhone=True))  # fmt: skip
    assert accepted(inv)
    assert accepted(reply("cognito_user_pool", event, lambda e: e))  # unchanged is fine
    # autoVerify* does not need autoConfirmUser
    assert accepted(reply("cognito_user_pool", event, respond(autoVerifyEmail=True)))


def test_cognito_pre_sign_up_rejections(reply):
    event = cognito("PreSignUp_SignUp")
    event["request"]["userAttributes"].pop("phone_number", None)
    cases = [
        (respond(autoConfirmUser="yes"), "response.autoConfirmUser must be bool or null, got str"),
        (respond(autoConfirm=True), "response.autoConfirm is not a PreSignUp response key"),
        (respond(autoVerifyPhone=True),
         "response.autoVerifyPhone is true but the user has no phone_number; the phone_number "
         "attribute must have a valid, non-null value"),
        (lambda e: {**e, "userName": "someone-else"}, "userName must be returned as received"),
        (lambda e: {**e, "triggerSource": "PreSignUp_AdminCreateUser"},
         "triggerSource must be returned as received"),
        (lambda e: e["response"], "version must be returned as received"),
        (None, "return the event, with response filled; got None"),
        (lambda e: {**e, "response": None}, "response must be an object, got None"),
    ]  # fmt: skip
    for handler, why in cases:
        inv = reply("cognito_user_pool", event, handler)
        assert rejected(inv, f"{UNRECOGNIZABLE} (", why)


def test_cognito_admin_create_user_ignores_the_pre_sign_up_flags(reply):
    event = cognito("PreSignUp_AdminCreateUser")
    event["request"]["userAttributes"].pop("phone_number", None)
    assert accepted(reply("cognito_user_pool", event, respond(autoVerifyPhone=True)))


def test_cognito_function_errors_use_the_trigger_name(reply):
    cases = [
        ("PreSignUp_SignUp", "PreSignUp"),
        ("TokenGeneration_Authentication", "PreTokenGeneration"),
        ("UserMigration_Authentication", "UserMigration"),
    ]
    for trigger, name in cases:
        inv = reply("cognito_user_pool", cognito(trigger), raising("Invalid email domain"))
        assert inv.rejection == (
            f"UserLambdaValidationException: {name} failed with error Invalid email domain."
        )


def test_cognito_waits_at_most_five_seconds(reply):
    def slow(event):
        time.sleep(6)
        return event

    inv = reply("cognito_user_pool", cognito("PreAuthentication_Authentication"), slow)
    assert inv.ok and rejected(inv, "UnexpectedLambdaException: PreAuthentication did not "
                               "answer within Cognito's 5 seconds (it ran 6 s)")  # fmt: skip


def test_cognito_triggers_without_response_keys(reply):
    for trigger in ("PostConfirmation_ConfirmSignUp", "PreAuthentication_Authentication",
                    "PostAuthentication_Authentication"):  # fmt: skip
        event = cognito(trigger)
        assert accepted(reply("cognito_user_pool", event, lambda e: e))
        inv = reply("cognito_user_pool", event, respond(autoConfirmUser=True))
        assert rejected(inv, "response.autoConfirmUser is not a", "(allowed: none)")
    # custom senders send the message themselves: Cognito does not read the response
    for trigger in ("CustomEmailSender_SignUp", "CustomSMSSender_ForgotPassword"):
        assert accepted(reply("cognito_user_pool", cognito(trigger), None))


def test_cognito_custom_auth_challenge_triggers(reply):
    define = cognito("DefineAuthChallenge_Authentication")
    ok = respond(challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)
    assert accepted(reply("cognito_user_pool", define, ok))
    create = cognito("CreateAuthChallenge_Authentication")
    ok = respond(publicChallengeParameters={"hint": "code"}, challengeMetadata="CODE",
                 privateChallengeParameters={"answer": "123456"})  # fmt: skip
    assert accepted(reply("cognito_user_pool", create, ok))
    verify = cognito("VerifyAuthChallengeResponse_Authentication")
    assert accepted(reply("cognito_user_pool", verify, respond(answerCorrect=True)))
    cases = [
        (define, respond(issueTokens="true"), "response.issueTokens must be bool or null"),
        (define, respond(challengeName="MAGIC_LINK"), "response.challengeName is 'MAGIC_LINK'"),
        (create, respond(privateChallengeParameters={"answer": 123456}),
         "response.privateChallengeParameters must be an object of string -> string"),
        (create, respond(challengeMetadata=["CODE"]), "response.challengeMetadata must be str"),
        (verify, respond(answerCorrect="yes"), "response.answerCorrect must be bool or null"),
    ]  # fmt: skip
    for event, handler, why in cases:
        assert rejected(reply("cognito_user_pool", event, handler), UNRECOGNIZABLE, why)


def test_cognito_pre_token_generation_v1_and_v2(reply):
    v1 = cognito("TokenGeneration_Authentication")
    details = {
        "claimsToAddOrOverride": {"tier": "gold"},
        "claimsToSuppress": ["email"],
        "groupOverrideDetails": {"groupsToOverride": ["admins"], "preferredRole": None},
    }
    assert accepted(reply("cognito_user_pool", v1, respond(claimsOverrideDetails=details)))
    v2 = cognito("TokenGeneration_Authentication", version="2")
    v2_details = {
        "idTokenGeneration": {"claimsToAddOrOverride": {"roles": ["a", "b"]}},
        "accessTokenGeneration": {"scopesToAdd": ["orders/read"], "scopesToSuppress": []},
    }
    ok = respond(claimsAndScopeOverrideDetails=v2_details)
    assert accepted(reply("cognito_user_pool", v2, ok))
    cases = [
        (v1, respond(claimsOverrideDetails={"claimsToAddOrOverride": {"n": 1}}),
         "claimsToAddOrOverride must be an object of string -> string"),
        (v1, respond(claimsAndScopeOverrideDetails={}),
         "response.claimsAndScopeOverrideDetails is not a pre token generation V1 response key"),
        (v2, respond(claimsAndScopeOverrideDetails={"idTokenGeneration": {"scopesToAdd": ["x"]}}),
         "idTokenGeneration.scopesToAdd: scopes belong to the access token"),
        (v2, respond(claimsAndScopeOverrideDetails={"groupOverrideDetails": {"groupsToOverride":
                                                                             "admins"}}),
         "groupsToOverride must be a list of strings, got str"),
    ]  # fmt: skip
    for event, handler, why in cases:
        assert rejected(reply("cognito_user_pool", event, handler), UNRECOGNIZABLE, why)


def test_cognito_user_migration(reply):
    auth = cognito("UserMigration_Authentication")
    attrs = {"email": "ann@example.com", "email_verified": "true"}
    ok = respond(userAttributes=attrs, finalUserStatus="CONFIRMED", messageAction="SUPPRESS",
                 desiredDeliveryMediums=["EMAIL"], forceAliasCreation=False)  # fmt: skip
    assert accepted(reply("cognito_user_pool", auth, ok))
    forgot = cognito("UserMigration_ForgotPassword")
    assert accepted(reply("cognito_user_pool", forgot, respond(userAttributes=attrs)))
    cases = [
        (auth, respond(), "response.userAttributes is required"),
        (auth, respond(userAttributes=attrs, finalUserStatus="ACTIVE"),
         "response.finalUserStatus is 'ACTIVE'; allowed: CONFIRMED, RESET_REQUIRED"),
        (auth, respond(userAttributes=attrs, desiredDeliveryMediums=["PIGEON"]),
         "desiredDeliveryMediums[] is 'PIGEON'"),
        (auth, respond(userAttributes={"email_verified": True}),
         "response.userAttributes must be an object of string -> string"),
    ]  # fmt: skip
    for event, handler, why in cases:
        assert rejected(reply("cognito_user_pool", event, handler), UNRECOGNIZABLE, why)
    unverified = respond(userAttributes={"email": "ann@example.com"})
    inv = reply("cognito_user_pool", forgot, unverified)
    assert inv.rejection.startswith("InvalidParameterException: Cannot reset password")


def test_cognito_custom_message_needs_the_code_placeholder(reply):
    sign_up = cognito("CustomMessage_SignUp")
    ok = respond(emailSubject="Welcome", emailMessage="Your code is {####}", smsMessage=None)
    assert accepted(reply("cognito_user_pool", sign_up, ok))
    inv = reply("cognito_user_pool", sign_up, respond(emailMessage="Welcome aboard"))
    assert inv.rejection == (
        "InvalidParameterException: 1 validation error detected: Value at 'emailBody' failed to "
        r"satisfy constraint: Member must satisfy regular expression pattern: "
        r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]* "
        "(it lacks {####})"
    )
    admin = cognito("CustomMessage_AdminCreateUser")
    inv = reply("cognito_user_pool", admin, respond(emailMessage="Password: {####}"))
    assert rejected(inv, "(it lacks {username})")
    both = respond(emailMessage="User {username}, password {####}")
    assert accepted(reply("cognito_user_pool", admin, both))
    inv = reply("cognito_user_pool", sign_up, respond(emailMessage="{####}" + "x" * 20_000))
    assert rejected(inv, UNRECOGNIZABLE, "response.emailMessage is over 20,000 characters")


# --- Lex V1 (shapes.md 17) ------------------------------------------------------------------

LEX_EVENT = build_event("lex", seed=1, invocation_source="DialogCodeHook")
LEX_INVALID = "DependencyFailedException: Invalid Lambda Response: Received invalid response from"


def test_lex_accepts_each_dialog_action(reply):
    slots = {"City": "Paris", "Nights": None}
    message = {"contentType": "PlainText", "content": "How many nights?"}
    actions = [
        {"type": "Close", "fulfillmentState": "Fulfilled", "message": message},
        {"type": "ElicitSlot", "intentName": "BookHotel", "slots": slots, "slotToElicit": "Nights",
         "message": message},
        {"type": "ConfirmIntent", "intentName": "BookHotel", "slots": slots},
        {"type": "Delegate", "slots": slots},
        {"type": "ElicitIntent", "message": {"contentType": "SSML", "content": "<speak/>"}},
    ]  # fmt: skip
    for action in actions:
        response = {"sessionAttributes": {"step": "2"}, "dialogAction": action}
        assert accepted(reply("lex", LEX_EVENT, response)), action

    # the usual hook: delegate with the slots Lex sent
    def delegate(event):
        slots = event["currentIntent"]["slots"]
        return {"sessionAttributes": {}, "dialogAction": {"type": "Delegate", "slots": slots}}

    assert accepted(reply("lex", LEX_EVENT, delegate))


@pytest.mark.parametrize(
    ("response", "why"),
    [
        ("Done", "the response must be a JSON object, got str"),
        ({"sessionAttributes": {}}, "dialogAction is required, got None"),
        ({"dialogAction": {"type": "End"}}, "dialogAction.type is 'End'; allowed: ElicitIntent"),
        ({"dialogAction": {"type": "Close"}}, "dialogAction.fulfillmentState is required for "
                                              "type Close"),
        ({"dialogAction": {"type": "Close", "fulfillmentState": "Done"}},
         "fulfillmentState is 'Done'; allowed: Fulfilled, Failed"),
        ({"dialogAction": {"type": "ElicitSlot", "intentName": "BookHotel",
                           "slots": {"City": None}}},
         "dialogAction.slotToElicit is required for type ElicitSlot"),
        ({"dialogAction": {"type": "ElicitSlot", "intentName": "BookHotel",
                           "slots": {"City": None}, "slotToElicit": "Nights"}},
         "dialogAction.slotToElicit 'Nights' is not in slots"),
        ({"dialogAction": {"type": "Delegate", "slots": {"Nights": 2}}},
         "dialogAction.slots must be an object of slot name -> string or null"),
        ({"sessionAttributes": {"n": 2}, "dialogAction": {"type": "ElicitIntent"}},
         "sessionAttributes must be an object of string -> string"),
        ({"dialogAction": {"type": "ElicitIntent", "message": {"contentType": "Text",
                                                               "content": "hi"}}},
         "dialogAction.message.contentType is 'Text'"),
    ],
)  # fmt: skip
def test_lex_rejections(reply, response, why):
    inv = reply("lex", LEX_EVENT, response)
    assert rejected(inv, f"{LEX_INVALID} Lambda: {why}")


def test_lex_function_error(reply):
    for source in ("lex", "lex_v2"):
        inv = reply(source, LEX_EVENT, raising("no hotel"))
        assert inv.rejection == (
            "DependencyFailedException: Invalid Lambda Response: Received error response from "
            "Lambda: Unhandled (function error (ValueError): no hotel)"
        )


# --- Lex V2 (shapes.md 18) ------------------------------------------------------------------

LEX_V2_EVENT = build_event("lex_v2", seed=1)
CITY = {"value": {"originalValue": "paris", "interpretedValue": "Paris", "resolvedValues": []}}


def v2(kind, intent=None, messages=None, **action):
    state = {"dialogAction": {"type": kind, **action}, "sessionAttributes": {"a": "1"}}
    if intent is not None:
        state["intent"] = intent
    response = {"sessionState": state}
    if messages is not None:
        response["messages"] = messages
    return response


def test_lex_v2_accepts_each_dialog_action(reply):
    intent = {"name": "BookHotel", "slots": {"City": CITY, "Nights": None}, "state": "InProgress"}
    text = [{"contentType": "PlainText", "content": "Anything else?"}]
    card = [{"contentType": "ImageResponseCard",
             "imageResponseCard": {"title": "Rooms", "buttons": []}}]  # fmt: skip
    responses = [
        v2("Close", {**intent, "state": "Fulfilled"}, text),
        v2("ElicitSlot", intent, slotToElicit="Nights"),
        v2("ConfirmIntent", intent, card),
        v2("Delegate", intent),
        v2("ElicitIntent", None, [{"contentType": "SSML", "content": "<speak/>"}]),
    ]
    for response in responses:
        assert accepted(reply("lex_v2", LEX_V2_EVENT, response)), response

    def fulfil(event):  # close the intent Lex sent, as a fulfillment hook does
        intent = {**event["sessionState"]["intent"], "state": "Fulfilled"}
        state = {**event["sessionState"], "dialogAction": {"type": "Close"}, "intent": intent}
        return {"sessionState": state, "messages": text}

    assert accepted(reply("lex_v2", LEX_V2_EVENT, fulfil))


@pytest.mark.parametrize(
    ("response", "why"),
    [
        ({"messages": []}, "sessionState is required, got None"),
        ({"sessionState": {}}, "sessionState.dialogAction is required, got None"),
        (v2("Finish"), "sessionState.dialogAction.type is 'Finish'"),
        (v2("Close", {"name": "BookHotel"}), "sessionState.intent.state is required for "
                                             "dialogAction type Close"),
        (v2("Close", {"name": "BookHotel", "state": "Done"}),
         "sessionState.intent.state is 'Done'; allowed: Failed, Fulfilled"),
        (v2("Delegate"), "sessionState.intent with a name is required for dialogAction type "
                         "Delegate"),
        (v2("ConfirmIntent", {"name": "BookHotel"}), "messages are required for dialogAction "
                                                     "type ConfirmIntent"),
        (v2("ElicitIntent"), "messages are required for dialogAction type ElicitIntent"),
        (v2("ElicitSlot", {"name": "BookHotel"}),
         "sessionState.dialogAction.slotToElicit is required for ElicitSlot"),
        (v2("Delegate", {"name": "BookHotel", "slots": {"City": "Paris"}}),
         "sessionState.intent.slots['City'] must be null or an object with value, got str"),
        (v2("Delegate", {"name": "BookHotel",
                         "slots": {"City": {"value": {"originalValue": "p"}}}}),
         "sessionState.intent.slots['City'].value.interpretedValue must be a string"),
        (v2("ElicitIntent", messages=[{"contentType": "Markdown", "content": "hi"}]),
         "messages[0].contentType is 'Markdown'"),
        (v2("ElicitIntent", messages=[{"contentType": "ImageResponseCard"}]),
         "messages[0].imageResponseCard with a title is required"),
        (v2("ElicitIntent", messages=[{"contentType": "PlainText"}]),
         "messages[0].content must be a string for PlainText"),
    ],
)  # fmt: skip
def test_lex_v2_rejections(reply, response, why):
    inv = reply("lex_v2", LEX_V2_EVENT, response)
    assert rejected(inv, f"{LEX_INVALID} Lambda: {why}")


def test_lex_v2_session_attributes_are_strings(reply):
    response = v2("ElicitIntent", messages=[{"contentType": "PlainText", "content": "hi"}])
    response["sessionState"]["sessionAttributes"] = {"count": 2}
    inv = reply("lex_v2", LEX_V2_EVENT, response)
    assert rejected(inv, "sessionState.sessionAttributes must be an object of string -> string")


# --- API Gateway Lambda authorizers (shapes.md 19, 20) --------------------------------------

TOKEN = build_event("api_gateway_authorizer", seed=2, kind="token")
REQUEST = build_event("api_gateway_authorizer", seed=2, kind="request")
ARN = TOKEN["methodArn"]


def policy(effect="Allow", resource=ARN, action="execute-api:Invoke", **extra):
    statement = {"Action": action, "Effect": effect, "Resource": resource}
    document = {"Version": "2012-10-17", "Statement": [statement]}
    return {"principalId": "user-1", "policyDocument": document, **extra}


def test_authorizer_allows_a_matching_statement(reply):
    api, _, rest = ARN.partition("/")
    stage = rest.split("/")[0]
    allowed = [
        policy(),
        policy(resource=f"{api}/*"),
        policy(resource=[f"{api}/{stage}/GET/*", f"{api}/{stage}/*"]),
        policy(resource=ARN[:-1] + "?"),
        policy(action=["execute-api:*"], context={"tier": "gold", "n": 3, "admin": False}),
        policy(action="*", usageIdentifierKey="key-1"),
        {**policy(), "policyDocument": {"Version": "2012-10-17", "Statement": {
            "Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}}},
    ]  # fmt: skip
    for response in allowed:
        assert accepted(reply("api_gateway_authorizer", TOKEN, response)), response
    assert accepted(reply("api_gateway_authorizer", REQUEST, policy(resource=REQUEST["methodArn"])))


def test_authorizer_denies_as_api_gateway_does(reply):
    deny_all = policy()
    deny_all["policyDocument"]["Statement"].append(
        {"Action": "execute-api:Invoke", "Effect": "Deny", "Resource": "*"}
    )
    cases = [
        (deny_all, '403 AccessDeniedException: {"message":"User is not authorized to access '
                   f'this resource with an explicit deny"}} (a Deny statement covers {ARN})'),
        (policy(resource=ARN + "/other"), '403 AccessDeniedException: {"message":"User is not '
                                          f'authorized to access this resource"}} (no statement '
                                          f"allows {ARN})"),
        (policy(action="execute-api:ManageConnections"), '403 AccessDeniedException: '
         '{"message":"User is not authorized to access this resource"} (no statement allows '
         f"{ARN})"),
    ]  # fmt: skip
    for response, why in cases:
        inv = reply("api_gateway_authorizer", TOKEN, response)
        assert inv.ok and inv.rejection == why


def test_authorizer_errors_are_401_or_500(reply):
    inv = reply("api_gateway_authorizer", TOKEN, raising("Unauthorized", Exception))
    assert inv.rejection == '401 Unauthorized: {"message":"Unauthorized"}'
    inv = reply("api_gateway_authorizer", TOKEN, raising("db down"))
    assert inv.rejection == (
        '500 AuthorizerConfigurationException: {"message":null} '
        "(function error (ValueError): db down)"
    )


@pytest.mark.parametrize(
    ("response", "why"),
    [
        ("Allow", "the response must be a JSON object, got str"),
        ({"policyDocument": policy()["policyDocument"]}, "principalId must be a string, got None"),
        (policy(context={"roles": ["a"]}), "context['roles'] is list; context values must be "
                                           "strings, numbers or booleans"),
        (policy(context="gold"), "context must be an object, got str"),
        (policy(usageIdentifierKey=7), "usageIdentifierKey must be str or null"),
        ({"principalId": "u", "policyDocument": None}, "policyDocument must be an object"),
        ({**policy(), "policyDocument": {"Version": "2008-10-17", "Statement": []}},
         "policyDocument.Version must be '2012-10-17'"),
        ({**policy(), "policyDocument": {"Version": "2012-10-17", "Statement": []}},
         "policyDocument.Statement must be a statement or a non-empty list"),
        (policy(effect="allow"), "Statement[0].Effect is 'allow'; allowed: Allow, Deny"),
        (policy(resource=[]), "Statement[0].Resource must be a string or a list of strings"),
        (policy(action=None), "Statement[0].Action must be a string or a list of strings"),
    ],
)  # fmt: skip
def test_authorizer_malformed_response_is_500(reply, response, why):
    inv = reply("api_gateway_authorizer", TOKEN, response)
    assert rejected(inv, '500 AuthorizerConfigurationException: {"message":null} (invalid '
                    f"authorizer response: {why}")  # fmt: skip


def test_authorizer_v2_simple_and_iam_responses(reply):
    event = build_event("api_gateway_authorizer", seed=4, kind="v2")
    assert accepted(
        reply(
            "api_gateway_authorizer", event, {"isAuthorized": True, "context": {"user": {"id": 1}}}
        )
    )
    inv = reply("api_gateway_authorizer", event, {"isAuthorized": False})
    assert inv.rejection == '403: {"message":"Forbidden"} (isAuthorized is false)'
    inv = reply("api_gateway_authorizer", event, {"isAuthorized": "true"})
    assert rejected(inv, '500: {"message":"Internal Server Error"} (invalid authorizer response: '
                    "a simple response is")  # fmt: skip
    # IAM policy form, with the route's ARN; payload 2.0 contexts may hold objects
    iam = policy(resource=event["routeArn"], context={"user": {"id": 1}})
    assert accepted(reply("api_gateway_authorizer", event, iam))
    inv = reply("api_gateway_authorizer", event, policy(resource=ARN))
    assert (
        inv.rejection == f'403: {{"message":"Forbidden"}} (no statement allows {event["routeArn"]})'
    )
    inv = reply("api_gateway_authorizer", event, raising("Unauthorized", Exception))
    assert inv.rejection == '401: {"message":"Unauthorized"}'


def test_authorizer_simple_responses_option(reply):
    event = build_event("api_gateway_authorizer", seed=4, kind="v2")
    inv = reply("api_gateway_authorizer", event, policy(resource=event["routeArn"]))
    assert accepted(inv)  # inferred: an IAM policy
    assert "a simple response is" in api_gateway_authorizer_response(inv, simple_responses=True)


# --- CloudFront Lambda@Edge (shapes.md 25) --------------------------------------------------


def edge(event_type, **options):
    return build_event("cloudfront", seed=9, event_type=event_type, **options)


def request_of(event):
    return event["Records"][0]["cf"]["request"]


def response_of(event):
    return event["Records"][0]["cf"]["response"]


def with_header(message, name, value):
    changed = copy.deepcopy(message)
    changed["headers"][name] = [{"key": name.title(), "value": value}]
    return changed


def generated(status="302", body=None, **headers):
    response = {
        "status": status,
        "statusDescription": "Found",
        "headers": {k: [{"key": k.title(), "value": v}] for k, v in headers.items()},
    }
    if body is not None:
        response["body"] = body
    return response  # fmt: skip


def test_cloudfront_request_events_accept_the_request_or_a_generated_response(reply):
    for event_type in ("viewer-request", "origin-request"):
        event = edge(event_type)
        assert accepted(reply("cloudfront", event, request_of))
        changed = with_header(request_of(event), "x-tenant", "blue")
        changed |= {"uri": "/index.html", "querystring": "v=2"}
        assert accepted(reply("cloudfront", event, changed))
        redirect = generated(location="https://example.com/", body="moved")
        assert accepted(reply("cloudfront", event, redirect))
    origin = edge("origin-request")
    moved = copy.deepcopy(request_of(origin))
    moved["origin"] = {"custom": {"domainName": "backup.example.com", "port": 443}}
    assert accepted(reply("cloudfront", origin, moved))


def test_cloudfront_request_event_rejections(reply):
    event = edge("viewer-request")
    request = request_of(event)
    cases = [
        (with_header(request, "host", "evil.example.com"),
         "The function tried to add, delete, or change a read-only header. (host)"),
        ({**request, "method": "DELETE"}, "request.method is read-only in viewer-request events"),
        ({**request, "origin": {"s3": {}}}, "request.origin is read-only in viewer-request"),
        ({**request, "uri": "index.html"}, "request.uri must be a string starting with '/'"),
        ({**request, "querystring": "a=1#top"}, "request.querystring must be a string without"),
        ({**request, "uri": "/" + "a" * 8191},
         "the URI and query string must be less than 8,192 characters"),
        (with_header(request, "x-cache", "HIT"), "the function added the disallowed header "
                                                 "'x-cache'"),
        ({**request, "headers": {"x-a": "1"}}, "headers['x-a']: each header entry must be an "
                                               "array of {key, value}"),
        ({**request, "headers": {**request["headers"], "X-A": [{"value": "1"}]}},
         "headers['X-A']: the name must be the lower-case form of each key"),
        ({**request, "body": {"action": "replace", "encoding": "text", "data": "x" * 41_000}},
         "the replaced text body is over 40,960 bytes (viewer request)"),
        ({**request, "body": {"action": "read-only", "data": "x"}},
         "a changed request.body needs action 'replace'"),
        (generated(status=302), "status must be an HTTP status code as a string, e.g. '302'"),
        (generated(body="x" * 41_000), "a generated response is 41,"),
        (generated(connection="close"), "the function added the disallowed header 'connection'"),
    ]  # fmt: skip
    for returned, why in cases:
        inv = reply("cloudfront", event, returned)
        assert rejected(inv, "502 LambdaValidationError: The Lambda function result failed "
                        f"validation: {why}")  # fmt: skip


def test_cloudfront_origin_request_limits(reply):
    event = edge("origin-request")
    request = request_of(event)
    big = {**request, "body": {"action": "replace", "encoding": "text", "data": "x" * 500_000}}
    assert accepted(reply("cloudfront", event, big))
    assert accepted(reply("cloudfront", event, generated(status="200", body="x" * 500_000)))
    inv = reply("cloudfront", event, with_header(request, "accept-encoding", "br"))
    assert rejected(inv, "read-only header. (accept-encoding)")


def test_cloudfront_response_events(reply):
    origin = edge("origin-response")
    changed = with_header(response_of(origin), "cache-control", "max-age=60")
    changed |= {"status": "200", "statusDescription": "OK", "body": "<html></html>"}
    assert accepted(reply("cloudfront", origin, changed))
    viewer = edge("viewer-response", status=200)
    response = response_of(viewer)
    assert accepted(reply("cloudfront", viewer, with_header(response, "x-frame-options", "DENY")))
    cases = [
        (viewer, {**response, "status": "404"}, "viewer response events can't change the HTTP "
                                                "status code"),
        (viewer, with_header(response, "content-length", "1"), "read-only header. "
                                                               "(content-length)"),
        (origin, with_header(response_of(origin), "via", "1.1 proxy"), "read-only header. (via)"),
        (origin, {**response_of(origin), "status": 404}, "status must be an HTTP status code"),
    ]  # fmt: skip
    for event, returned, why in cases:
        assert rejected(reply("cloudfront", event, returned), "502 LambdaValidationError", why)


def test_cloudfront_errors_and_invalid_json(reply):
    event = edge("viewer-request")
    inv = reply("cloudfront", event, raising("bad"))
    assert inv.rejection == (
        "503 LambdaExecutionError: The Lambda function returned an error "
        "(function error (ValueError): bad)"
    )
    inv = reply("cloudfront", event, None)
    assert inv.rejection == (
        "502 LambdaValidationError: The Lambda function returned invalid JSON "
        "(expected an object, got None)"
    )


# --- wiring ---------------------------------------------------------------------------------


def test_verdicts_reach_observers_and_unknown_sources_are_refused(lambda_harness):
    from pytest_lambda_events.errors import FunctionConfigError

    fn = lambda_harness.function(lambda e, c: None, name="f")
    inv = fn.invoke(FIREHOSE, source="firehose")
    assert inv.source == "firehose" and inv.accepted is False and fn.invocations == [inv]
    with pytest.raises(FunctionConfigError) as info:
        fn.invoke({}, source="firehos")
    assert "did you mean 'firehose'?" in str(info.value)
    assert "cloudfront" in str(info.value)
