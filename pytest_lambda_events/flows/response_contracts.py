"""Response contracts of the synchronous non-HTTP sources: does the calling service accept what
the handler returned, and if not, what does it report? (shapes.md 0.4, 8, 17, 18, 25, 26, 30 and
the authorizer notes of 19; semantics.md 1.1 and 8.1.)

Each contract is ``(invocation) -> str | None``: None when the service takes the response, else
the rejection in the service's own words where AWS documents them. A function error is never
accepted. Facts that are not a rejection (Firehose records that failed processing, S3 Batch
tasks that will be retried) go to ``invocation.notes``.

Approximations, where AWS documents nothing closer (each is tested):

* Firehose: any contract violation fails the whole batch (every record to the
  ``processing-failed/`` prefix). The codes ``Lambda.JsonProcessingException``,
  ``Lambda.DuplicatedRecordId`` and ``Lambda.MissingRecordId`` and their messages are
  documented; ``Lambda.FunctionError`` and its messages (bad ``result``, missing or invalid
  ``data``, function errors) and ``Lambda.ProcessingFailedStatus`` come from a third-party
  emulator built from captures. A returned recordId that is not in the batch (while every input
  id is present) has no documented code: it is reported with the guide's "Any mismatch"
  wording. ``data`` is required for every result (the guide lists it as required for all
  transformed records).
* S3 Batch Operations: ``treatMissingKeysAs`` may be absent (PermanentFailure is assumed, as
  Powertools does); a task left out of ``results`` is a rejection; ``resultString`` must be a
  string when present.
* Cognito: the returned event must keep ``version``, ``triggerSource``, ``region``,
  ``userPoolId``, ``userName`` and ``callerContext``; any ``response`` key the trigger does not
  define, or a value of the wrong type, is ``InvalidLambdaResponseException: Unrecognizable
  lambda output``. Pre token generation V1 claim values must be strings. A custom message
  without the code placeholder gets the validation error users report for ``emailBody``
  (``smsMessage`` and ``emailSubject`` by analogy). A run over Cognito's 5 s limit is
  ``UnexpectedLambdaException`` (wording not documented). Custom sender responses are ignored.
* Lex: the error texts follow the ``Invalid Lambda Response: Received invalid response from
  Lambda: ...`` form users report; the detail after it is ours. V1 ``slotToElicit`` must name a
  key of ``slots``.
* API Gateway authorizers: a request that is not allowed is a rejection (the caller gets 401,
  403 or 500). ``Version`` must be ``2012-10-17``; ``Statement``, ``Action`` and ``Resource``
  may be a single value or a list; actions match case-insensitively. Payload 2.0: a response
  with ``isAuthorized`` is a simple response (pass ``simple_responses`` to say so), anything
  else an IAM policy; simple-response context values may be any JSON.
* CloudFront: a generated response's ``status`` must be a string of three digits; only the
  request fields an event type may change are compared (``clientIp`` and ``method`` are read
  only, ``origin`` may change in origin-request events only); the 40 KB / 1 MB limits count the
  JSON of the generated response's headers and body. Function errors are 503
  ``LambdaExecutionError``; validation failures 502 ``LambdaValidationError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping
from datetime import timedelta
from functools import cache
from typing import Any

from ..ledger import Invocation

Contract = Callable[[Invocation], "str | None"]


class Reject(ValueError):
    """A response the service refuses; the message is the rejection."""


def _kind(value: Any) -> str:
    return "None" if value is None else type(value).__name__


def _function_error(inv: Invocation) -> str:
    error = inv.error
    return f"function error ({error.type}): {error.message}" if error else "function error"


def _str_map(value: Any, where: str) -> None:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise Reject(f"{where} must be an object of string -> string, got {_kind(value)}")


def _str_list(value: Any, where: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Reject(f"{where} must be a list of strings, got {_kind(value)}")


def _one_of(value: Any, allowed: tuple[str, ...], where: str) -> None:
    if value not in allowed:
        raise Reject(f"{where} is {value!r}; allowed: {', '.join(allowed)}")


def _optional(value: Any, kind: type | tuple[type, ...], where: str) -> None:
    if value is not None and not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise Reject(f"{where} must be {names} or null, got {_kind(value)}")


# --- Amazon Data Firehose (shapes.md 26) -----------------------------------------------------

FIREHOSE_RESULTS = ("Ok", "Dropped", "ProcessingFailed")
# Firehose guide, "Monitoring with CloudWatch Logs", data transformation errors
FIREHOSE_JSON = (
    "Lambda.JsonProcessingException: There was an error parsing returned records from the Lambda "
    "function. Ensure that the returned records follow the status model required by Firehose."
)
FIREHOSE_DUPLICATE = (
    "Lambda.DuplicatedRecordId: Multiple records were returned with the same record ID. Ensure "
    "that the Lambda function returns unique record IDs for each record."
)
FIREHOSE_MISSING = (
    "Lambda.MissingRecordId: One or more record IDs were not returned. Ensure that the Lambda "
    "function returns all received record IDs."
)
FIREHOSE_FORMAT = (  # approximation: a third-party emulator's capture
    "Lambda.FunctionError: Check your function and make sure the output is in required format. "
    "In addition to that, make sure the processed records contain valid result status of "
    "Dropped, Ok, or ProcessingFailed"
)
FIREHOSE_FUNCTION_ERROR = (  # approximation: a third-party emulator's capture
    "Lambda.FunctionError: The Lambda function was successfully invoked but it returned an "
    "error result."
)


def firehose_response(inv: Invocation) -> str | None:
    """Every input ``recordId`` answered exactly once with a valid ``result`` and base64 data."""
    ids = [str(r.get("recordId")) for r in _records(inv.event, "records")]
    failed_batch = f"; all {len(ids)} records go to the processing-failed/ prefix"
    if inv.error is not None:
        return f"{FIREHOSE_FUNCTION_ERROR} ({_function_error(inv)}){failed_batch}"
    try:
        failed = _firehose_records(inv.response, ids)
    except Reject as exc:
        return f"{exc}{failed_batch}"
    if failed:
        inv.notes.append(
            f"Firehose treats {len(failed)} of {len(ids)} records as unsuccessfully processed "
            "(result ProcessingFailed; errorCode Lambda.ProcessingFailedStatus) and delivers them "
            f"to the S3 backup bucket's processing-failed/ prefix: {', '.join(failed)}"
        )
    return None


def _records(event: Any, key: str) -> list[dict[str, Any]]:
    records = event.get(key) if isinstance(event, dict) else None
    return [r for r in records if isinstance(r, dict)] if isinstance(records, list) else []


def _firehose_records(response: Any, ids: list[str]) -> list[str]:
    """The ids of the ProcessingFailed records; raises ``Reject`` for a malformed response."""
    records = response.get("records") if isinstance(response, dict) else None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise Reject(f"{FIREHOSE_JSON} (the response must be {{'records': [...]}})")
    returned = [r.get("recordId") for r in records]
    if not all(isinstance(i, str) for i in returned):
        raise Reject(f"{FIREHOSE_JSON} (every returned record needs a recordId string)")
    dupes = sorted(i for i, n in Counter(returned).items() if n > 1)
    if dupes:
        raise Reject(f"{FIREHOSE_DUPLICATE} (returned twice: {', '.join(dupes)})")
    answered, batch = set(returned), set(ids)
    missing = [str(i) for i in ids if i not in answered]
    if missing:
        raise Reject(f"{FIREHOSE_MISSING} (missing: {', '.join(missing)})")
    extra = [repr(i) for i in returned if i not in batch]
    if extra:
        raise Reject(
            f"Any mismatch between the ID of the original record and the ID of the transformed "
            f"record is treated as a data transformation failure (not in the batch: "
            f"{', '.join(extra)})"
        )
    for record in records:
        _firehose_record(record)
    return [str(r["recordId"]) for r in records if r["result"] == "ProcessingFailed"]


def _firehose_record(record: dict[str, Any]) -> None:
    rid, result, data = record.get("recordId"), record.get("result"), record.get("data")
    if result not in FIREHOSE_RESULTS:
        raise Reject(f"{FIREHOSE_FORMAT} (record {rid}: result is {result!r})")
    if not isinstance(data, str) or not _is_base64(data):
        raise Reject(f"{FIREHOSE_FORMAT} (record {rid}: data must be base64 text)")


def _is_base64(text: str) -> bool:
    try:
        base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


# --- Amazon S3 Batch Operations (shapes.md 30) -----------------------------------------------

S3_BATCH_CODES = ("Succeeded", "TemporaryFailure", "PermanentFailure")


def s3_batch_response(inv: Invocation) -> str | None:
    """Schema version and invocation id echoed, one result per task with a valid code."""
    if inv.error is not None:
        return f"{_function_error(inv)}; S3 Batch Operations records the task as failed"
    try:
        results = _s3_batch_envelope(inv.response, inv.event)
        _s3_batch_results(results, inv.event)
    except Reject as exc:
        return f"invalid S3 Batch Operations response: {exc}"
    retried = [str(r["taskId"]) for r in results if r["resultCode"] == "TemporaryFailure"]
    if retried:
        inv.notes.append(
            f"TemporaryFailure: S3 Batch Operations retries task(s) {', '.join(retried)}"
        )
    return None


def _s3_batch_envelope(response: Any, event: Any) -> list[dict[str, Any]]:
    if not isinstance(response, dict):
        raise Reject(f"the response must be a JSON object, got {_kind(response)}")
    request = event if isinstance(event, dict) else {}
    for key in ("invocationSchemaVersion", "invocationId"):
        if response.get(key) != request.get(key):
            raise Reject(
                f"{key} is {response.get(key)!r}; it must be the request's {request.get(key)!r}"
            )
    if "treatMissingKeysAs" in response:
        _one_of(response["treatMissingKeysAs"], S3_BATCH_CODES, "treatMissingKeysAs")
    results = response.get("results")
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise Reject(f"results must be a list of objects, got {_kind(results)}")
    return results


def _s3_batch_results(results: list[dict[str, Any]], event: Any) -> None:
    tasks = [t.get("taskId") for t in _records(event, "tasks")]
    returned = [r.get("taskId") for r in results]
    if sorted(map(str, returned)) != sorted(map(str, tasks)):
        raise Reject(
            f"results answer taskIds {returned!r}; the request's tasks are {tasks!r} "
            "(one result per task)"
        )
    for result in results:
        where = f"results[taskId={result['taskId']!r}]"
        _one_of(result.get("resultCode"), S3_BATCH_CODES, f"{where}.resultCode")
        if "resultString" in result and not isinstance(result["resultString"], str):
            raise Reject(f"{where}.resultString must be a string")


# --- Amazon Cognito user pools (shapes.md 8) -------------------------------------------------

COGNITO_TIMEOUT = timedelta(seconds=5)
COGNITO_UNRECOGNIZABLE = "InvalidLambdaResponseException: Unrecognizable lambda output"
_COGNITO_ECHO = ("version", "triggerSource", "region", "userPoolId", "userName", "callerContext")
# Cognito's name for each trigger family in "<name> failed with error <message>."
_TRIGGER_NAMES = {"TokenGeneration": "PreTokenGeneration"}
_CHALLENGES = (
    "SRP_A", "PASSWORD_VERIFIER", "CUSTOM_CHALLENGE", "SMS_MFA", "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP", "SMS_OTP", "DEVICE_SRP_AUTH", "DEVICE_PASSWORD_VERIFIER", "ADMIN_NO_SRP_AUTH",
)  # fmt: skip
_CODE_PATTERN = r"[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*"


def cognito_user_pool_response(inv: Invocation) -> str | None:
    """The event returned with the trigger's own ``response`` keys, correctly typed."""
    event = inv.event if isinstance(inv.event, dict) else {}
    trigger = str(event.get("triggerSource", ""))
    family = trigger.split("_", 1)[0]
    name = _TRIGGER_NAMES.get(family, family)
    if inv.error is not None:
        message = inv.error.message
        return f"UserLambdaValidationException: {name} failed with error {message}."
    if inv.duration > COGNITO_TIMEOUT:
        return (
            f"UnexpectedLambdaException: {name} did not answer within Cognito's 5 seconds "
            f"(it ran {inv.duration.total_seconds():g} s)"
        )
    if family in ("CustomEmailSender", "CustomSMSSender"):
        return None  # Cognito does not read a custom sender's response
    try:
        response = _cognito_envelope(inv.response, event)
        _COGNITO_CHECKS[family](response, event)
    except Reject as exc:
        why = str(exc)
        return why if why.startswith("InvalidParameter") else f"{COGNITO_UNRECOGNIZABLE} ({why})"
    return None


def _cognito_envelope(returned: Any, event: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(returned, dict):
        raise Reject(f"return the event, with response filled; got {_kind(returned)}")
    for key in _COGNITO_ECHO:
        if key in event and returned.get(key) != event[key]:
            raise Reject(f"{key} must be returned as received ({event[key]!r})")
    response = returned.get("response")
    if not isinstance(response, dict):
        raise Reject(f"response must be an object, got {_kind(response)}")
    return response


def _allowed(response: dict[str, Any], keys: tuple[str, ...], trigger: str) -> None:
    unknown = sorted(set(response) - set(keys))
    if unknown:
        allowed = ", ".join(keys) if keys else "none"
        raise Reject(f"response.{unknown[0]} is not a {trigger} response key (allowed: {allowed})")


def _pre_sign_up(response: dict[str, Any], event: dict[str, Any]) -> None:
    keys = ("autoConfirmUser", "autoVerifyEmail", "autoVerifyPhone")
    _allowed(response, keys, "PreSignUp")
    for key in keys:
        _optional(response.get(key), bool, f"response.{key}")
    if event.get("triggerSource") == "PreSignUp_AdminCreateUser":
        return  # Cognito ignores the three flags for AdminCreateUser
    request = event.get("request")
    attrs = (request.get("userAttributes") if isinstance(request, dict) else None) or {}
    for flag, attr in (("autoVerifyEmail", "email"), ("autoVerifyPhone", "phone_number")):
        if response.get(flag) and not attrs.get(attr):
            raise Reject(
                f"response.{flag} is true but the user has no {attr}; the {attr} attribute "
                "must have a valid, non-null value"
            )


def _no_response(trigger: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    def check(response: dict[str, Any], event: dict[str, Any]) -> None:
        _allowed(response, (), trigger)

    return check


def _define_auth(response: dict[str, Any], event: dict[str, Any]) -> None:
    _allowed(response, ("challengeName", "issueTokens", "failAuthentication"), "DefineAuth")
    if response.get("challengeName") is not None:
        _one_of(response["challengeName"], _CHALLENGES, "response.challengeName")
    _optional(response.get("issueTokens"), bool, "response.issueTokens")
    _optional(response.get("failAuthentication"), bool, "response.failAuthentication")


def _create_auth(response: dict[str, Any], event: dict[str, Any]) -> None:
    keys = ("publicChallengeParameters", "privateChallengeParameters", "challengeMetadata")
    _allowed(response, keys, "CreateAuthChallenge")
    for key in keys[:2]:
        if response.get(key) is not None:
            _str_map(response[key], f"response.{key}")
    _optional(response.get("challengeMetadata"), str, "response.challengeMetadata")


def _verify_auth(response: dict[str, Any], event: dict[str, Any]) -> None:
    _allowed(response, ("answerCorrect",), "VerifyAuthChallengeResponse")
    _optional(response.get("answerCorrect"), bool, "response.answerCorrect")


def _token_generation(response: dict[str, Any], event: dict[str, Any]) -> None:
    v1 = event.get("version", "1") == "1"
    key = "claimsOverrideDetails" if v1 else "claimsAndScopeOverrideDetails"
    _allowed(response, (key,), f"pre token generation V{event.get('version', '1')}")
    details = response.get(key)
    if details is None:
        return
    if not isinstance(details, dict):
        raise Reject(f"response.{key} must be an object, got {_kind(details)}")
    if v1:
        _claims(details, f"response.{key}", strings_only=True)
    else:
        _v2_details(details, f"response.{key}")
    if details.get("groupOverrideDetails") is not None:
        _group_override(details["groupOverrideDetails"], f"response.{key}.groupOverrideDetails")


def _claims(details: dict[str, Any], where: str, *, strings_only: bool) -> None:
    add = details.get("claimsToAddOrOverride")
    if add is not None:
        if strings_only:
            _str_map(add, f"{where}.claimsToAddOrOverride")
        elif not isinstance(add, dict):
            raise Reject(f"{where}.claimsToAddOrOverride must be an object, got {_kind(add)}")
    if details.get("claimsToSuppress") is not None:
        _str_list(details["claimsToSuppress"], f"{where}.claimsToSuppress")


def _v2_details(details: dict[str, Any], where: str) -> None:
    _allowed(details, ("idTokenGeneration", "accessTokenGeneration", "groupOverrideDetails"), "V2")
    for token in ("idTokenGeneration", "accessTokenGeneration"):
        part = details.get(token)
        if part is None:
            continue
        if not isinstance(part, dict):
            raise Reject(f"{where}.{token} must be an object, got {_kind(part)}")
        _claims(part, f"{where}.{token}", strings_only=False)
        for scopes in ("scopesToAdd", "scopesToSuppress"):
            if part.get(scopes) is not None:
                if token == "idTokenGeneration":
                    raise Reject(f"{where}.{token}.{scopes}: scopes belong to the access token")
                _str_list(part[scopes], f"{where}.{token}.{scopes}")


def _group_override(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise Reject(f"{where} must be an object, got {_kind(value)}")
    for key in ("groupsToOverride", "iamRolesToOverride"):
        if value.get(key) is not None:
            _str_list(value[key], f"{where}.{key}")
    _optional(value.get("preferredRole"), str, f"{where}.preferredRole")


def _user_migration(response: dict[str, Any], event: dict[str, Any]) -> None:
    keys = ("userAttributes", "finalUserStatus", "messageAction", "desiredDeliveryMediums",
            "forceAliasCreation", "enableSMSMFA")  # fmt: skip
    _allowed(response, keys, "UserMigration")
    attrs = response.get("userAttributes")
    if not attrs:
        raise Reject("response.userAttributes is required: one or more name -> value pairs")
    _str_map(attrs, "response.userAttributes")
    for key, allowed in (("finalUserStatus", ("CONFIRMED", "RESET_REQUIRED")),
                         ("messageAction", ("SUPPRESS", "RESEND"))):  # fmt: skip
        if response.get(key) is not None:
            _one_of(response[key], allowed, f"response.{key}")
    mediums = response.get("desiredDeliveryMediums")
    if mediums is not None:
        _str_list(mediums, "response.desiredDeliveryMediums")
        for medium in mediums:
            _one_of(medium, ("EMAIL", "SMS"), "response.desiredDeliveryMediums[]")
    for key in ("forceAliasCreation", "enableSMSMFA"):
        _optional(response.get(key), bool, f"response.{key}")
    if event.get("triggerSource") == "UserMigration_ForgotPassword" and not _verified(attrs):
        raise Reject(
            "InvalidParameterException: Cannot reset password for the user as there is no "
            "registered/verified email or phone_number (the migrated user needs email_verified "
            "or phone_number_verified 'true')"
        )


def _verified(attrs: dict[str, str]) -> bool:
    email = attrs.get("email") and attrs.get("email_verified") == "true"
    phone = attrs.get("phone_number") and attrs.get("phone_number_verified") == "true"
    return bool(email or phone)


def _custom_message(response: dict[str, Any], event: dict[str, Any]) -> None:
    _allowed(response, ("smsMessage", "emailMessage", "emailSubject"), "CustomMessage")
    given = event.get("request")
    request: dict[str, Any] = given if isinstance(given, dict) else {}
    needed = [request.get("codeParameter") or "{####}"]
    if event.get("triggerSource") == "CustomMessage_AdminCreateUser":
        needed.append(request.get("usernameParameter") or "{username}")
    for key, field in (("emailMessage", "emailBody"), ("smsMessage", "smsMessage")):
        message = response.get(key)
        _optional(message, str, f"response.{key}")
        if message is None:
            continue  # null: Cognito sends the pool's own message
        if len(message) > 20_000 and key == "emailMessage":
            raise Reject("response.emailMessage is over 20,000 characters")
        for placeholder in needed:
            if placeholder not in message:
                raise Reject(
                    f"InvalidParameterException: 1 validation error detected: Value at "
                    f"'{field}' failed to satisfy constraint: Member must satisfy regular "
                    f"expression pattern: {_CODE_PATTERN} (it lacks {placeholder})"
                )
    _optional(response.get("emailSubject"), str, "response.emailSubject")


def _inbound_federation(response: dict[str, Any], event: dict[str, Any]) -> None:
    _allowed(response, ("userAttributesToMap",), "InboundFederation")
    if response.get("userAttributesToMap") is not None:
        _str_map(response["userAttributesToMap"], "response.userAttributesToMap")


def _unknown_trigger(response: dict[str, Any], event: dict[str, Any]) -> None:
    raise Reject(f"unknown triggerSource {event.get('triggerSource')!r}")


class _Checks(dict[str, Callable[[dict[str, Any], dict[str, Any]], None]]):
    def __missing__(self, key: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
        return _unknown_trigger


_COGNITO_CHECKS = _Checks(
    PreSignUp=_pre_sign_up,
    PostConfirmation=_no_response("PostConfirmation"),
    PreAuthentication=_no_response("PreAuthentication"),
    PostAuthentication=_no_response("PostAuthentication"),
    DefineAuthChallenge=_define_auth,
    CreateAuthChallenge=_create_auth,
    VerifyAuthChallengeResponse=_verify_auth,
    TokenGeneration=_token_generation,
    UserMigration=_user_migration,
    CustomMessage=_custom_message,
    InboundFederation=_inbound_federation,
)


# --- Amazon Lex V1 and V2 (shapes.md 17, 18) -------------------------------------------------

LEX_INVALID = (
    "DependencyFailedException: Invalid Lambda Response: Received invalid response from Lambda"
)
LEX_ERROR = (
    "DependencyFailedException: Invalid Lambda Response: Received error response from Lambda: "
    "Unhandled"
)
LEX_DIALOG_TYPES = ("ElicitIntent", "ElicitSlot", "ConfirmIntent", "Delegate", "Close")
LEX_V1_CONTENT = ("PlainText", "SSML", "CustomPayload")
LEX_V2_CONTENT = ("PlainText", "SSML", "CustomPayload", "ImageResponseCard")
LEX_V2_STATES = (
    "Failed", "Fulfilled", "FulfillmentInProgress", "InProgress", "ReadyForFulfillment", "Waiting",
)  # fmt: skip
# V1: the dialogAction fields each type needs (Lex V1 guide, "Response format")
_LEX_V1_REQUIRED = {
    "Close": ("fulfillmentState",),
    "ElicitSlot": ("intentName", "slots", "slotToElicit"),
    "ConfirmIntent": ("intentName", "slots"),
    "Delegate": ("slots",),
    "ElicitIntent": (),
}


def lex_response(inv: Invocation) -> str | None:
    """Lex V1: a ``dialogAction`` of a known type with the fields that type needs."""
    return _lex(inv, _lex_v1)


def lex_v2_response(inv: Invocation) -> str | None:
    """Lex V2: ``sessionState.dialogAction`` and, where the type needs them, intent/messages."""
    return _lex(inv, _lex_v2)


def _lex(inv: Invocation, check: Callable[[dict[str, Any]], None]) -> str | None:
    if inv.error is not None:
        return f"{LEX_ERROR} ({_function_error(inv)})"
    try:
        if not isinstance(inv.response, dict):
            raise Reject(f"the response must be a JSON object, got {_kind(inv.response)}")
        check(inv.response)
    except Reject as exc:
        return f"{LEX_INVALID}: {exc}"
    return None


def _lex_v1(response: dict[str, Any]) -> None:
    if response.get("sessionAttributes") is not None:
        _str_map(response["sessionAttributes"], "sessionAttributes")
    action = response.get("dialogAction")
    if not isinstance(action, dict):
        raise Reject(f"dialogAction is required, got {_kind(action)}")
    _one_of(action.get("type"), LEX_DIALOG_TYPES, "dialogAction.type")
    kind = str(action["type"])
    for key in _LEX_V1_REQUIRED[kind]:
        if action.get(key) is None:
            raise Reject(f"dialogAction.{key} is required for type {kind}")
    if kind == "Close":
        _one_of(action["fulfillmentState"], ("Fulfilled", "Failed"), "fulfillmentState")
    if "slots" in action:
        _lex_v1_slots(action)
    if action.get("message") is not None:
        _lex_v1_message(action["message"])


def _lex_v1_slots(action: dict[str, Any]) -> None:
    slots = action["slots"]
    if not isinstance(slots, dict) or not all(
        v is None or isinstance(v, str) for v in slots.values()
    ):
        raise Reject("dialogAction.slots must be an object of slot name -> string or null")
    if action.get("type") == "ElicitSlot" and action["slotToElicit"] not in slots:
        raise Reject(f"dialogAction.slotToElicit {action['slotToElicit']!r} is not in slots")


def _lex_v1_message(message: Any) -> None:
    if not isinstance(message, dict):
        raise Reject(f"dialogAction.message must be an object, got {_kind(message)}")
    _one_of(message.get("contentType"), LEX_V1_CONTENT, "dialogAction.message.contentType")
    if not isinstance(message.get("content"), str):
        raise Reject("dialogAction.message.content must be a string")


def _lex_v2(response: dict[str, Any]) -> None:
    state = response.get("sessionState")
    if not isinstance(state, dict):
        raise Reject(f"sessionState is required, got {_kind(state)}")
    if state.get("sessionAttributes") is not None:
        _str_map(state["sessionAttributes"], "sessionState.sessionAttributes")
    action = state.get("dialogAction")
    if not isinstance(action, dict):
        raise Reject(f"sessionState.dialogAction is required, got {_kind(action)}")
    _one_of(action.get("type"), LEX_DIALOG_TYPES, "sessionState.dialogAction.type")
    kind = str(action["type"])
    messages = response.get("messages")
    if messages is not None:
        _lex_v2_messages(messages)
    if kind in ("ElicitIntent", "ConfirmIntent") and not messages:
        raise Reject(f"messages are required for dialogAction type {kind}")
    if kind == "ElicitSlot" and not isinstance(action.get("slotToElicit"), str):
        raise Reject("sessionState.dialogAction.slotToElicit is required for ElicitSlot")
    if kind != "ElicitIntent" or state.get("intent") is not None:
        _lex_v2_intent(state.get("intent"), kind)


def _lex_v2_intent(intent: Any, kind: str) -> None:
    if not isinstance(intent, dict) or not isinstance(intent.get("name"), str):
        raise Reject(f"sessionState.intent with a name is required for dialogAction type {kind}")
    if kind == "Close" and intent.get("state") is None:
        raise Reject("sessionState.intent.state is required for dialogAction type Close")
    if intent.get("state") is not None:
        _one_of(intent["state"], LEX_V2_STATES, "sessionState.intent.state")
    if intent.get("confirmationState") is not None:
        confirmation = ("Confirmed", "Denied", "None")
        _one_of(intent["confirmationState"], confirmation, "sessionState.intent.confirmationState")
    slots = intent.get("slots")
    if slots is not None:
        if not isinstance(slots, dict):
            raise Reject(f"sessionState.intent.slots must be an object, got {_kind(slots)}")
        for name, slot in slots.items():
            _lex_v2_slot(name, slot)


def _lex_v2_slot(name: str, slot: Any) -> None:
    if slot is None:
        return
    where = f"sessionState.intent.slots[{name!r}]"
    if not isinstance(slot, dict):
        raise Reject(f"{where} must be null or an object with value, got {_kind(slot)}")
    if isinstance(slot.get("values"), list):
        for item in slot["values"]:
            _lex_v2_slot(name, item)
        return
    value = slot.get("value")
    if not isinstance(value, dict) or not isinstance(value.get("interpretedValue"), str):
        raise Reject(f"{where}.value.interpretedValue must be a string")


def _lex_v2_messages(messages: Any) -> None:
    if not isinstance(messages, list):
        raise Reject(f"messages must be a list, got {_kind(messages)}")
    for i, message in enumerate(messages):
        if not isinstance(message, dict):
            raise Reject(f"messages[{i}] must be an object, got {_kind(message)}")
        kind = message.get("contentType")
        _one_of(kind, LEX_V2_CONTENT, f"messages[{i}].contentType")
        if kind == "ImageResponseCard":
            card = message.get("imageResponseCard")
            if not isinstance(card, dict) or not isinstance(card.get("title"), str):
                raise Reject(f"messages[{i}].imageResponseCard with a title is required")
        elif not isinstance(message.get("content"), str):
            raise Reject(f"messages[{i}].content must be a string for {kind}")


# --- API Gateway Lambda authorizers (shapes.md 19, 20) ---------------------------------------

POLICY_VERSION = "2012-10-17"
# REST API gateway responses (API Gateway knowledge center, Lambda authorizer 401/403 errors)
REST_UNAUTHORIZED = '401 Unauthorized: {"message":"Unauthorized"}'
REST_EXPLICIT_DENY = (
    '403 AccessDeniedException: {"message":"User is not authorized to access this resource '
    'with an explicit deny"}'
)
REST_IMPLICIT_DENY = (
    '403 AccessDeniedException: {"message":"User is not authorized to access this resource"}'
)
REST_CONFIG_ERROR = '500 AuthorizerConfigurationException: {"message":null}'
HTTP_UNAUTHORIZED = '401: {"message":"Unauthorized"}'
HTTP_FORBIDDEN = '403: {"message":"Forbidden"}'
HTTP_CONFIG_ERROR = '500: {"message":"Internal Server Error"}'


def api_gateway_authorizer_response(
    inv: Invocation, *, simple_responses: bool | None = None
) -> str | None:
    """None when API Gateway lets the request through; else the 401/403/500 it answers."""
    event = inv.event if isinstance(inv.event, dict) else {}
    v2 = event.get("version") == "2.0"
    if inv.error is not None:
        if inv.error.message == "Unauthorized":  # the documented way to answer 401
            return HTTP_UNAUTHORIZED if v2 else REST_UNAUTHORIZED
        return f"{HTTP_CONFIG_ERROR if v2 else REST_CONFIG_ERROR} ({_function_error(inv)})"
    response = inv.response
    if simple_responses is None:
        simple_responses = v2 and isinstance(response, dict) and "isAuthorized" in response
    try:
        if simple_responses:
            return _simple_response(response)
        arn = str(event.get("routeArn" if v2 else "methodArn", ""))
        return _policy_response(response, arn, v2)
    except Reject as exc:
        error = HTTP_CONFIG_ERROR if v2 else REST_CONFIG_ERROR
        return f"{error} (invalid authorizer response: {exc})"


def _simple_response(response: Any) -> str | None:
    if not isinstance(response, dict) or not isinstance(response.get("isAuthorized"), bool):
        raise Reject("a simple response is {'isAuthorized': true|false, 'context': {...}}")
    if response.get("context") is not None and not isinstance(response["context"], dict):
        raise Reject(f"context must be an object, got {_kind(response['context'])}")
    return None if response["isAuthorized"] else f"{HTTP_FORBIDDEN} (isAuthorized is false)"


def _policy_response(response: Any, arn: str, v2: bool) -> str | None:
    if not isinstance(response, dict):
        raise Reject(f"the response must be a JSON object, got {_kind(response)}")
    if not isinstance(response.get("principalId"), str):
        raise Reject(f"principalId must be a string, got {_kind(response.get('principalId'))}")
    _context(response.get("context"), allow_objects=v2)
    _optional(response.get("usageIdentifierKey"), str, "usageIdentifierKey")
    effects = [s["Effect"] for s in _statements(response.get("policyDocument")) if _covers(s, arn)]
    if "Deny" in effects:
        return f"{HTTP_FORBIDDEN if v2 else REST_EXPLICIT_DENY} (a Deny statement covers {arn})"
    if "Allow" in effects:
        return None
    return f"{HTTP_FORBIDDEN if v2 else REST_IMPLICIT_DENY} (no statement allows {arn})"


def _context(context: Any, *, allow_objects: bool) -> None:
    if context is None:
        return
    if not isinstance(context, dict):
        raise Reject(f"context must be an object, got {_kind(context)}")
    if allow_objects:
        return
    for key, value in context.items():
        if not isinstance(value, str | int | float | bool):
            raise Reject(
                f"context[{key!r}] is {_kind(value)}; context values must be strings, numbers "
                "or booleans (no objects or arrays)"
            )


def _statements(document: Any) -> list[dict[str, Any]]:
    if not isinstance(document, dict):
        raise Reject(f"policyDocument must be an object, got {_kind(document)}")
    if document.get("Version") != POLICY_VERSION:
        raise Reject(f"policyDocument.Version must be {POLICY_VERSION!r}")
    statements = document.get("Statement")
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not statements:
        raise Reject("policyDocument.Statement must be a statement or a non-empty list")
    for i, statement in enumerate(statements):
        if not isinstance(statement, dict):
            raise Reject(f"Statement[{i}] must be an object, got {_kind(statement)}")
        _one_of(statement.get("Effect"), ("Allow", "Deny"), f"Statement[{i}].Effect")
        for key in ("Action", "Resource"):
            if not _strings(statement.get(key)):
                raise Reject(f"Statement[{i}].{key} must be a string or a list of strings")
    return statements


def _strings(value: Any) -> list[str]:
    values = [value] if isinstance(value, str) else value
    if isinstance(values, list) and values and all(isinstance(v, str) for v in values):
        return values
    return []


def _covers(statement: dict[str, Any], arn: str) -> bool:
    actions = _strings(statement["Action"])
    if not any(_wildcard(a.lower()).fullmatch("execute-api:invoke") for a in actions):
        return False
    return any(_wildcard(r).fullmatch(arn) for r in _strings(statement["Resource"]))


@cache
def _wildcard(pattern: str) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run of characters (``/`` too), ``?`` any one character."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.DOTALL)


# --- CloudFront Lambda@Edge (shapes.md 25) ---------------------------------------------------

EDGE_VALIDATION = "502 LambdaValidationError: The Lambda function result failed validation"
EDGE_EXECUTION = "503 LambdaExecutionError: The Lambda function returned an error"
EDGE_INVALID_JSON = "502 LambdaValidationError: The Lambda function returned invalid JSON"
EDGE_READ_ONLY = "The function tried to add, delete, or change a read-only header."
# CloudFront guide, "Restrictions on edge functions": read-only headers per event type
READ_ONLY_HEADERS = {
    "viewer-request": ("content-length", "host", "transfer-encoding", "via"),
    "origin-request": (
        "accept-encoding", "content-length", "if-modified-since", "if-none-match", "if-range",
        "if-unmodified-since", "transfer-encoding", "via",
    ),
    "origin-response": ("transfer-encoding", "via"),
    "viewer-response": (
        "content-encoding", "content-length", "transfer-encoding", "warning", "via",
    ),
}  # fmt: skip
DISALLOWED_HEADERS = (
    "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization",
    "proxy-connection", "trailer", "upgrade", "x-accel-buffering", "x-accel-charset",
    "x-accel-limit-rate", "x-accel-redirect", "x-amz-cf-*", "x-amzn-*", "x-cache", "x-edge-*",
    "x-forwarded-proto", "x-real-ip",
)  # fmt: skip
# the size of a generated response (headers and body), and of a replaced request body by encoding
GENERATED_LIMIT = {"viewer": 40 * 1024, "origin": 1024 * 1024}
BODY_LIMIT = {
    ("viewer", "text"): 40 * 1024, ("viewer", "base64"): 53_200,
    ("origin", "text"): 1024 * 1024, ("origin", "base64"): 1_330_000,
}  # fmt: skip
_CHANGEABLE = {
    "viewer-request": ("uri", "querystring", "headers", "body"),
    "origin-request": ("uri", "querystring", "headers", "body", "origin"),
}


def cloudfront_response(inv: Invocation) -> str | None:
    """The request (possibly changed), a generated response, or the response (changed)."""
    if inv.error is not None:
        return f"{EDGE_EXECUTION} ({_function_error(inv)})"
    cf = _cf(inv.event)
    event_type = str(cf.get("config", {}).get("eventType", "viewer-request"))
    returned = inv.response
    if not isinstance(returned, dict):
        return f"{EDGE_INVALID_JSON} (expected an object, got {_kind(returned)})"
    try:
        if event_type.endswith("request") and "status" not in returned:
            _edge_request(returned, cf.get("request") or {}, event_type)
        elif event_type.endswith("request"):
            _edge_generated(returned, event_type.split("-")[0])
        else:
            _edge_response(returned, cf.get("response") or {}, event_type)
    except Reject as exc:
        return f"{EDGE_VALIDATION}: {exc}"
    return None


def _cf(event: Any) -> dict[str, Any]:
    records = event.get("Records") if isinstance(event, dict) else None
    if isinstance(records, list) and records and isinstance(records[0], dict):
        cf = records[0].get("cf")
        if isinstance(cf, dict):
            return cf
    return {}


def _edge_request(request: dict[str, Any], original: dict[str, Any], event_type: str) -> None:
    for key, value in request.items():  # a field left out counts as unchanged
        if key not in _CHANGEABLE[event_type] and value != original.get(key):
            raise Reject(f"request.{key} is read-only in {event_type} events")
    uri, query = request.get("uri"), request.get("querystring", "")
    if not isinstance(uri, str) or not uri.startswith("/"):
        raise Reject(f"request.uri must be a string starting with '/', got {uri!r}")
    if not isinstance(query, str) or re.search(r"[\s#\x00-\x1f]", query):
        raise Reject("request.querystring must be a string without spaces, controls or '#'")
    if len(uri) + len(query) >= 8192:
        raise Reject("the URI and query string must be less than 8,192 characters")
    _edge_headers(request.get("headers"), original.get("headers") or {}, event_type)
    if request.get("body") != original.get("body") and request.get("body") is not None:
        _edge_body(request["body"], event_type.split("-")[0])


def _edge_body(body: Any, side: str) -> None:
    if not isinstance(body, dict) or body.get("action") != "replace":
        raise Reject("a changed request.body needs action 'replace'")
    encoding, data = str(body.get("encoding")), body.get("data")
    _one_of(encoding, ("text", "base64"), "request.body.encoding")
    if not isinstance(data, str):
        raise Reject("request.body.data must be a string")
    limit = BODY_LIMIT[(side, encoding)]
    if len(data.encode()) > limit:
        raise Reject(f"the replaced {encoding} body is over {limit:,} bytes ({side} request)")


def _edge_generated(response: dict[str, Any], side: str) -> None:
    status = response.get("status")
    if not (isinstance(status, str) and re.fullmatch(r"[1-5]\d\d", status)):
        raise Reject(f"status must be an HTTP status code as a string, e.g. '302'; got {status!r}")
    _edge_headers(response.get("headers") or {}, {}, None)
    body = response.get("body")
    _optional(body, str, "body")
    if response.get("bodyEncoding") is not None:
        _one_of(response["bodyEncoding"], ("text", "base64"), "bodyEncoding")
    size = len(json.dumps([response.get("headers"), body], ensure_ascii=False).encode())
    if size > GENERATED_LIMIT[side]:
        raise Reject(
            f"a generated response is {size:,} bytes; {side} request events allow "
            f"{GENERATED_LIMIT[side]:,} (headers and body)"
        )


def _edge_response(response: dict[str, Any], original: dict[str, Any], event_type: str) -> None:
    status = response.get("status")
    if not (isinstance(status, str) and re.fullmatch(r"[1-5]\d\d", status)):
        raise Reject(f"status must be an HTTP status code as a string; got {status!r}")
    if event_type == "viewer-response" and status != original.get("status"):
        raise Reject("viewer response events can't change the HTTP status code")
    _edge_headers(response.get("headers"), original.get("headers") or {}, event_type)
    if response.get("body") is not None:
        _optional(response["body"], str, "body")
        side = event_type.split("-")[0]
        if len(response["body"].encode()) > GENERATED_LIMIT[side]:
            raise Reject(f"the body is over {GENERATED_LIMIT[side]:,} bytes")


def _edge_headers(headers: Any, original: Mapping[str, Any], event_type: str | None) -> None:
    if not isinstance(headers, dict):
        raise Reject(f"headers must be an object, got {_kind(headers)}")
    for name, entries in headers.items():
        if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("value"), str) for e in entries
        ):
            raise Reject(f"headers[{name!r}]: each header entry must be an array of {{key, value}}")
        if name != name.lower() or any(e.get("key", name).lower() != name for e in entries):
            raise Reject(f"headers[{name!r}]: the name must be the lower-case form of each key")
        if any(_wildcard(p).fullmatch(name) for p in DISALLOWED_HEADERS) and name not in original:
            raise Reject(f"the function added the disallowed header {name!r}")
    if event_type is None:
        return
    for name in READ_ONLY_HEADERS[event_type]:
        if _values(headers.get(name)) != _values(original.get(name)):
            raise Reject(f"{EDGE_READ_ONLY} ({name})")


def _values(entries: Any) -> list[Any]:
    return [e.get("value") for e in entries] if isinstance(entries, list) else []


# --- the table --------------------------------------------------------------------------------

RESPONSE_CONTRACTS: dict[str, Contract] = {
    "firehose": firehose_response,
    "s3_batch": s3_batch_response,
    "cognito_user_pool": cognito_user_pool_response,
    "lex": lex_response,
    "lex_v2": lex_v2_response,
    "api_gateway_authorizer": api_gateway_authorizer_response,
    "cloudfront": cloudfront_response,
}
