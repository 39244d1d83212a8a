"""Amazon Cognito: the user-pool Lambda triggers (shapes.md 8 and 37) and the legacy Cognito Sync
trigger (shapes.md 7)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from .. import aws
from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import TWO_DIGITS

PRE_SIGN_UP = ("PreSignUp_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_ExternalProvider")
POST_CONFIRMATION = ("PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword")
TOKEN_GENERATION = (
    "TokenGeneration_HostedAuth",
    "TokenGeneration_Authentication",
    "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_AuthenticateDevice",
    "TokenGeneration_RefreshTokens",
    "TokenGeneration_ClientCredentials",
)
_MESSAGE_EVENTS = (
    "SignUp",
    "AdminCreateUser",
    "ResendCode",
    "ForgotPassword",
    "UpdateUserAttribute",
    "VerifyUserAttribute",
    "Authentication",
)
CUSTOM_MESSAGE = tuple(f"CustomMessage_{e}" for e in _MESSAGE_EVENTS)
CUSTOM_EMAIL_SENDER = (
    *(f"CustomEmailSender_{e}" for e in _MESSAGE_EVENTS),
    "CustomEmailSender_AccountTakeOverNotification",
)
CUSTOM_SMS_SENDER = tuple(f"CustomSMSSender_{e}" for e in _MESSAGE_EVENTS)
TRIGGER_SOURCES = (
    *PRE_SIGN_UP,
    *POST_CONFIRMATION,
    "PreAuthentication_Authentication",
    "PostAuthentication_Authentication",
    *TOKEN_GENERATION,
    *CUSTOM_MESSAGE,
    "DefineAuthChallenge_Authentication",
    "CreateAuthChallenge_Authentication",
    "VerifyAuthChallengeResponse_Authentication",
    "UserMigration_Authentication",
    "UserMigration_ForgotPassword",
    *CUSTOM_EMAIL_SENDER,
    *CUSTOM_SMS_SENDER,
)
CHALLENGE_NAMES = (
    "SRP_A",
    "PASSWORD_VERIFIER",
    "CUSTOM_CHALLENGE",
    "SMS_MFA",
    "SOFTWARE_TOKEN_MFA",
    "EMAIL_OTP",
    "DEVICE_SRP_AUTH",
    "DEVICE_PASSWORD_VERIFIER",
    "ADMIN_NO_SRP_AUTH",
)
SDK_VERSIONS = (
    "aws-sdk-unknown-unknown",
    "aws-sdk-js-3.637.0",
    "aws-sdk-android-2.75.0",
    "aws-sdk-ios-2.36.7",
    "aws-sdk-java-2.28.1",
    "aws-sdk-dotnet-3.7.400",
)
PROVIDERS = ("Google", "Facebook", "SignInWithApple", "LoginWithAmazon")
_ALNUM = aws.LOWER_DIGITS
_POOL_ID_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_POOL_ID_TABLE = aws.byte_table(_POOL_ID_CHARS)
_CLIENT_ID_TABLE = aws.byte_table(_ALNUM)
_NUMBERS = tuple(str(i) for i in range(100))
_MASK_408 = (1 << 408) - 1
# Options that only some triggers carry, by the prefix of triggerSource (the trigger family)
_FAMILY_OPTIONS = {
    "user_not_found": (
        "PreAuthentication",
        "DefineAuthChallenge",
        "CreateAuthChallenge",
        "VerifyAuthChallengeResponse",
    ),
    "validation_data": ("PreSignUp", "PreAuthentication", "UserMigration"),
    "new_device_used": ("PostAuthentication",),
    "groups": ("TokenGeneration",),
    "iam_roles": ("TokenGeneration",),
    "preferred_role": ("TokenGeneration",),
    "scopes": ("TokenGeneration",),
    "session": ("DefineAuthChallenge", "CreateAuthChallenge"),
    "challenge_name": ("CreateAuthChallenge",),
    "challenge_answer": ("VerifyAuthChallengeResponse",),
    "private_challenge_parameters": ("VerifyAuthChallengeResponse",),
    "code": ("CustomEmailSender", "CustomSMSSender"),
}
# The response keys Cognito sends (null until the function fills them), per trigger family
_RESPONSES: dict[str, dict[str, Any]] = {
    "PreSignUp": {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False},
    "PostConfirmation": {},
    "PreAuthentication": {},
    "PostAuthentication": {},
    "DefineAuthChallenge": {"challengeName": None, "issueTokens": None, "failAuthentication": None},
    "CreateAuthChallenge": {
        "publicChallengeParameters": None,
        "privateChallengeParameters": None,
        "challengeMetadata": None,
    },
    "VerifyAuthChallengeResponse": {"answerCorrect": None},
    "UserMigration": {
        "userAttributes": None,
        "finalUserStatus": None,
        "messageAction": None,
        "desiredDeliveryMediums": None,
        "forceAliasCreation": None,
        "enableSMSMFA": None,
    },
    "CustomMessage": {"smsMessage": None, "emailMessage": None, "emailSubject": None},
}


# triggerSource -> the family options its events do not have (looked up once per build)
_FOREIGN_OPTIONS = {
    trigger: tuple(n for n, fams in _FAMILY_OPTIONS.items() if trigger.split("_", 1)[0] not in fams)
    for trigger in TRIGGER_SOURCES
}


def user_pool_id(raw: bytes, region: str) -> str:
    """``<region>_<9 alphanumerics>``, as Cognito names pools, from the first 9 of ``raw``."""
    return f"{region}_{raw[:9].translate(_POOL_ID_TABLE).decode()}"


def _phone(bits: int) -> str:
    """A US number in E.164 from the 555-01xx block reserved for fiction (17 bits)."""
    return f"+1{200 + (bits & 1023) % 790}55501{TWO_DIGITS[(bits >> 10 & 127) % 100]}"


def _user_status(trigger: str) -> str:
    event = trigger.split("_", 1)[1]
    if event in ("SignUp", "ResendCode"):
        return "UNCONFIRMED"
    if event == "AdminCreateUser":
        return "FORCE_CHANGE_PASSWORD"
    return "CONFIRMED"


def _user(
    ctx: BuildContext, o: Options, trigger: str, sub: str, u: int
) -> tuple[str, dict[str, str]]:
    """The user name and the attributes Cognito sends for this trigger (all strings), from the
    low 51 bits of ``u``."""
    first = FIRST_NAMES[(u & 255) % len(FIRST_NAMES)]
    last = LAST_NAMES[(u >> 8 & 255) % len(LAST_NAMES)]
    email = f"{first.lower()}.{last.lower()}@{DOMAINS[(u >> 16 & 3) % len(DOMAINS)]}"
    if o.user_name is not None:
        name: str = o.user_name
    elif trigger == "PreSignUp_ExternalProvider":
        b = ctx.getrandbits(80)
        provider = PROVIDERS[b & 3]
        name = f"{provider}_{10**20 + (b >> 2) % (9 * 10**20)}"
    elif u >> 18 & 1:
        name = sub  # pools with e-mail as the sign-in name use the sub as userName
    else:
        name = f"{first.lower()}{last[0].lower()}{_NUMBERS[(u >> 19 & 127) % 100]}"
    attrs: dict[str, str] = {}
    if not trigger.startswith("PreSignUp"):  # the user exists: Cognito adds sub and status
        status = _user_status(trigger)
        attrs["sub"] = sub
        attrs["cognito:user_status"] = status
        attrs["email_verified"] = "false" if status == "UNCONFIRMED" else "true"
    attrs["name"] = f"{first} {last}"
    attrs["email"] = email
    if (u >> 26 & 255) < 102:  # 40% of users gave a phone number
        attrs["phone_number"] = _phone(u >> 34)
        if "sub" in attrs:
            attrs["phone_number_verified"] = attrs["email_verified"]
    if o.user_attributes:
        for key, value in o.user_attributes.items():
            if not isinstance(value, str):
                ctx.fail(
                    "user_attributes",
                    f"{key!r} is a {type(value).__name__}; Cognito "
                    'sends every attribute as a string ("true", not True)',
                )
        attrs.update(o.user_attributes)
    return name, attrs


def _check_options(ctx: BuildContext, o: Options, trigger: str) -> None:
    for name in _FOREIGN_OPTIONS[trigger]:
        if getattr(o, name) is not None:
            allowed = ", ".join(f"{f}_*" for f in _FAMILY_OPTIONS[name])
            ctx.fail(name, f"{trigger} events have no such field; it belongs to {allowed}")
    if o.password is not None and trigger != "UserMigration_Authentication":
        ctx.fail("password", "only UserMigration_Authentication events carry the password")
    if o.user_pool_id is not None and not o.user_pool_id.startswith(ctx.region + "_"):
        ctx.fail(
            "user_pool_id",
            f"{o.user_pool_id!r} must be '{ctx.region}_' and 9 "
            "alphanumerics: a pool id starts with its region",
        )


def _version(ctx: BuildContext, o: Options, trigger: str) -> str:
    version: str = o.version or ("3" if trigger == "TokenGeneration_ClientCredentials" else "1")
    if version != "1" and not trigger.startswith("TokenGeneration"):
        ctx.fail(
            "version",
            f"{trigger} events are version '1'; '2' and '3' are for "
            "TokenGeneration_* (pre token generation V2_0/V3_0)",
        )
    if trigger == "TokenGeneration_ClientCredentials" and version != "3":
        ctx.fail("version", "TokenGeneration_ClientCredentials (M2M) events are only version '3'")
    return version


def _session(ctx: BuildContext, o: Options) -> list[dict[str, Any]]:
    """The custom-auth rounds so far, oldest first: SRP, then custom challenges."""
    if o.session is not None:
        out = []
        for i, entry in enumerate(o.session):
            if not isinstance(entry, Mapping) or entry.get("challengeName") not in CHALLENGE_NAMES:
                ctx.fail(
                    f"session[{i}]",
                    "each entry is a dict with challengeName (one of "
                    f"{', '.join(CHALLENGE_NAMES)}) and challengeResult (bool)",
                )
            if not isinstance(entry.get("challengeResult"), bool):
                ctx.fail(f"session[{i}]", "challengeResult must be True or False")
            out.append(
                {
                    "challengeName": entry["challengeName"],
                    "challengeResult": entry["challengeResult"],
                    "challengeMetadata": entry.get("challengeMetadata"),
                }
            )
        return out
    b = ctx.getrandbits(10)
    session: list[dict[str, Any]] = [
        {"challengeName": "SRP_A", "challengeResult": True, "challengeMetadata": None},
        {"challengeName": "PASSWORD_VERIFIER", "challengeResult": True, "challengeMetadata": None},
    ]
    for i in range((b & 255) % 3):
        session.append(
            {
                "challengeName": "CUSTOM_CHALLENGE",
                "challengeResult": bool(b >> (8 + i) & 1),
                "challengeMetadata": "CODE-CHALLENGE",
            }
        )
    return session


def _kms_ciphertext(ctx: BuildContext) -> str:
    """The code as Cognito hands it to custom senders: an AWS Encryption SDK message (version 1,
    type 128, suite 0x0378) in base64, which always starts with 'AYADe'."""
    return base64.b64encode(b"\x01\x80\x03\x78" + ctx.randbytes(280)).decode()


def _request(
    ctx: BuildContext, o: Options, trigger: str, version: str, attrs: dict[str, str]
) -> dict[str, Any]:
    family = trigger.split("_", 1)[0]
    metadata = o.client_metadata
    not_found = bool(o.user_not_found)
    if not_found:
        attrs = {}  # "prevent user existence errors": Cognito knows nothing about the user
    req: dict[str, Any] = {"userAttributes": attrs}
    if family in ("PreSignUp", "PreAuthentication"):
        req["validationData"] = o.validation_data
    elif family == "PostAuthentication":
        req["newDeviceUsed"] = (
            o.new_device_used if o.new_device_used is not None else ctx.getrandbits(8) < 51
        )
    elif family == "TokenGeneration":
        req["groupConfiguration"] = {
            "groupsToOverride": list(o.groups or []),
            "iamRolesToOverride": list(o.iam_roles or []),
            "preferredRole": o.preferred_role,
        }
        if version != "1":
            req["scopes"] = list(o.scopes) if o.scopes is not None else _scopes(trigger)
        elif o.scopes is not None:
            ctx.fail("scopes", "version '1' events have no scopes; pass version='2' or '3'")
    elif family in ("DefineAuthChallenge", "CreateAuthChallenge"):
        if family == "CreateAuthChallenge":
            req["challengeName"] = o.challenge_name or "CUSTOM_CHALLENGE"
        req["session"] = _session(ctx, o)
    elif family == "VerifyAuthChallengeResponse":
        code = f"{ctx.getrandbits(32) % 1_000_000:06d}"
        req["privateChallengeParameters"] = o.private_challenge_parameters or {"answer": code}
        req["challengeAnswer"] = o.challenge_answer if o.challenge_answer is not None else code
    elif family == "UserMigration":
        req = {}  # the user is not in the pool yet: no attributes
        if trigger == "UserMigration_Authentication":
            req["password"] = o.password or _password(ctx.getrandbits(40))
        req["validationData"] = o.validation_data
    elif family == "CustomMessage":
        req["codeParameter"] = "{####}"
        req["linkParameter"] = "{##Click Here##}"
        req["usernameParameter"] = "{username}" if trigger.endswith("AdminCreateUser") else None
    elif family in ("CustomEmailSender", "CustomSMSSender"):
        kind = (
            "customEmailSenderRequestV1"
            if family == "CustomEmailSender"
            else ("customSMSSenderRequestV1")
        )
        req = {"type": kind, "code": o.code or _kms_ciphertext(ctx), "userAttributes": attrs}
    if metadata is not None:
        req["clientMetadata"] = dict(metadata)
    if family in _FAMILY_OPTIONS["user_not_found"]:
        req["userNotFound"] = not_found
    return req


def _password(bits: int) -> str:
    """A password as people pick them, ``Orders-1f2e3d4c!``, from 40 bits."""
    return f"{NOUNS[(bits & 255) % len(NOUNS)].title()}-{bits >> 8:08x}!"


def _scopes(trigger: str) -> list[str]:
    if trigger == "TokenGeneration_ClientCredentials":
        return ["orders-api/read", "orders-api/write"]
    return ["openid", "email", "aws.cognito.signin.user.admin"]


def build_cognito_user_pool(ctx: BuildContext, o: Options) -> dict[str, Any]:
    trigger: str = o.trigger
    _check_options(ctx, o, trigger)
    version = _version(ctx, o, trigger)
    # one draw for the common part: pool id (9 bytes), client id (26), the user's sub (16),
    # then 51 bits for the user and 8 for the SDK; only some triggers draw more
    b = ctx.getrandbits(467)
    raw = (b & _MASK_408).to_bytes(51, "little")
    pool = o.user_pool_id or user_pool_id(raw, ctx.region)
    client = o.client_id or raw[9:35].translate(_CLIENT_ID_TABLE).decode()
    if trigger.endswith("_AdminCreateUser") and not o.given("client_id"):
        client = "CLIENT_ID_NOT_APPLICABLE"  # an administrator, not an app client, acted
    u = b >> 408
    name, attrs = _user(ctx, o, trigger, aws.uuid4_from(raw[35:]), u)
    event: dict[str, Any] = {
        "version": version,
        "triggerSource": trigger,
        "region": ctx.region,
        "userPoolId": pool,
        "userName": name,
        "callerContext": {
            "awsSdkVersion": o.aws_sdk_version or SDK_VERSIONS[(u >> 51 & 255) % len(SDK_VERSIONS)],
            "clientId": client,
        },
        "request": _request(ctx, o, trigger, version, attrs),
    }
    if trigger == "TokenGeneration_ClientCredentials":
        del event["userName"]  # machine-to-machine: no user signs in
        event["request"]["userAttributes"] = {}
    family = trigger.split("_", 1)[0]
    if family == "TokenGeneration":
        key = "claimsOverrideDetails" if version == "1" else "claimsAndScopeOverrideDetails"
        event["response"] = {key: None}
    elif family in _RESPONSES:
        event["response"] = dict(_RESPONSES[family])
    return event  # custom sender triggers have no response: the function sends the message


DATASET_NAMES = ("UserPreferences", "GameProgress", "Settings", "Favorites", "ReadingList")
# 7 keys: a prime number of them (see _dataset_records)
SYNC_KEYS = ("theme", "language", "level", "score", "lastLogin", "volume", "notifications")


def _dataset_records(ctx: BuildContext, o: Options, b: int) -> dict[str, dict[str, Any]]:
    """The changed records: as given, or 1 to 3 drawn from the 96 bits of ``b``."""
    if o.dataset_records is not None:
        out = {}
        for key, value in o.dataset_records.items():
            if isinstance(value, str):
                value = {"oldValue": None, "newValue": value, "op": "replace"}
            if not isinstance(value, Mapping) or value.get("op") not in ("replace", "remove"):
                ctx.fail(
                    "dataset_records",
                    f"{key!r}: give the new value as a string, or a "
                    "dict with oldValue, newValue and op 'replace' or 'remove'",
                )
            out[str(key)] = {
                "oldValue": value.get("oldValue"),
                "newValue": value.get("newValue"),
                "op": value["op"],
            }
        if not out:
            ctx.fail("dataset_records", "a sync trigger carries at least one record")
        return out
    # 1 to 3 distinct keys: a start and a stride through the keys (their number is prime, so a
    # stride never meets an earlier key; rng.sample costs several times more)
    n = len(SYNC_KEYS)
    start, stride = (b & 255) % n, 1 + (b >> 8 & 255) % (n - 1)
    records = {}
    for i in range(1 + (b >> 16 & 255) % 3):
        r = b >> (24 + 24 * i)  # 8 bits each: the old value, removed or not, the new value
        key = SYNC_KEYS[(start + i * stride) % n]
        if (r >> 8 & 255) < 51:  # a fifth of the changes remove the key
            records[key] = {"oldValue": _NUMBERS[(r & 255) % 100], "newValue": None, "op": "remove"}
        else:
            records[key] = {
                "oldValue": _NUMBERS[(r & 255) % 100],
                "newValue": _NUMBERS[(r >> 16 & 255) % 100],
                "op": "replace",
            }
    return records


def build_cognito_sync(ctx: BuildContext, o: Options) -> dict[str, Any]:
    for option in ("identity_pool_id", "identity_id"):
        value = getattr(o, option)
        if value is not None and not value.startswith(ctx.region + ":"):
            ctx.fail(
                option, f"{value!r} must be '{ctx.region}:<uuid>': the id starts with its region"
            )
    # one draw for the event: both uuids (256 bits), the dataset (8) and its records (96)
    b = ctx.getrandbits(360)
    region = ctx.region
    return {
        "version": 2,
        "eventType": "SyncTrigger",
        "region": region,
        "identityPoolId": o.identity_pool_id or f"{region}:{uuid4_from_bits(b)}",
        "identityId": o.identity_id or f"{region}:{uuid4_from_bits(b >> 128)}",
        "datasetName": o.dataset_name or DATASET_NAMES[(b >> 256 & 255) % len(DATASET_NAMES)],
        "datasetRecords": _dataset_records(ctx, o, b >> 264),
    }


SOURCES = (
    EventSource(
        id="cognito_user_pool",
        service="Amazon Cognito user pools",
        invocation="sync",
        builder=build_cognito_user_pool,
        description="Cognito user pool Lambda trigger (any triggerSource)",
        marker_argument="trigger",
        options=(
            Option("trigger", str, "triggerSource", "PreSignUp_SignUp", choices=TRIGGER_SOURCES),
            Option(
                "version",
                str,
                "event version: '2'/'3' for pre token generation V2_0/V3_0",
                choices=("1", "2", "3"),
            ),
            Option("user_pool_id", str, "userPoolId: '<region>_' and 9 alphanumerics"),
            Option("user_name", str, "userName"),
            Option("client_id", str, "callerContext.clientId: the app client id"),
            Option("aws_sdk_version", str, "callerContext.awsSdkVersion"),
            Option("user_attributes", dict, "request.userAttributes to add or replace (strings)"),
            Option("client_metadata", dict, "request.clientMetadata passed by the app"),
            Option("validation_data", dict, "request.validationData (sign-up, pre-auth, migrate)"),
            Option("user_not_found", bool, "request.userNotFound (prevent user existence errors)"),
            Option("new_device_used", bool, "request.newDeviceUsed (post authentication)"),
            Option("groups", list, "groupConfiguration.groupsToOverride", item_type=str),
            Option("iam_roles", list, "groupConfiguration.iamRolesToOverride", item_type=str),
            Option("preferred_role", str, "groupConfiguration.preferredRole (an IAM role ARN)"),
            Option("scopes", list, "request.scopes (pre token generation V2/V3)", item_type=str),
            Option(
                "session",
                list,
                "custom auth: [{challengeName, challengeResult}], oldest first",
                item_type=dict,
            ),
            Option(
                "challenge_name",
                str,
                "create auth challenge: request.challengeName",
                choices=CHALLENGE_NAMES,
            ),
            Option("challenge_answer", str, "verify auth challenge: request.challengeAnswer"),
            Option("private_challenge_parameters", dict, "verify: privateChallengeParameters"),
            Option("password", str, "UserMigration_Authentication: the password entered"),
            Option("code", str, "custom sender: the KMS-encrypted code (base64)"),
        ),
    ),
    EventSource(
        id="cognito_sync",
        service="Amazon Cognito Sync",
        invocation="sync",
        builder=build_cognito_sync,
        description="Cognito Sync trigger (SyncTrigger on a dataset)",
        options=(
            Option("identity_pool_id", str, "identityPoolId: '<region>:<uuid>'"),
            Option("identity_id", str, "identityId: '<region>:<uuid>'"),
            Option("dataset_name", str, "datasetName"),
            Option("dataset_records", dict, "key -> new value, or {oldValue, newValue, op}"),
        ),
    ),
)
