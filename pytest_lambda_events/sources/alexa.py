"""Alexa Skills Kit: the request a custom skill's Lambda endpoint receives (shapes.md 16)."""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring as _quote  # C: json.dumps's escaping of one string
from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from ..timefmt import iso_z_of_ms
from ._http import opaque_b64

REQUEST_TYPES = ("LaunchRequest", "IntentRequest", "SessionEndedRequest")
REASONS = ("USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS")
DIALOG_STATES = ("STARTED", "IN_PROGRESS", "COMPLETED")
CONFIRMATION = ("NONE", "CONFIRMED", "DENIED")
# locale -> the Alexa API endpoint of the region that serves it
LOCALES = {
    "en-US": "https://api.amazonalexa.com",
    "en-CA": "https://api.amazonalexa.com",
    "es-US": "https://api.amazonalexa.com",
    "fr-CA": "https://api.amazonalexa.com",
    "pt-BR": "https://api.amazonalexa.com",
    "en-GB": "https://api.eu.amazonalexa.com",
    "de-DE": "https://api.eu.amazonalexa.com",
    "fr-FR": "https://api.eu.amazonalexa.com",
    "it-IT": "https://api.eu.amazonalexa.com",
    "es-ES": "https://api.eu.amazonalexa.com",
    "en-IN": "https://api.eu.amazonalexa.com",
    "ja-JP": "https://api.fe.amazonalexa.com",
    "en-AU": "https://api.fe.amazonalexa.com",
}
# a few skills' intents: name -> {slot name: (slot type, sample values)}
INTENTS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "OrderCoffeeIntent": {
        "drink": ("DrinkType", ("latte", "espresso", "flat white", "cappuccino")),
        "size": ("SizeType", ("small", "medium", "large")),
    },
    "GetWeatherIntent": {
        "city": ("AMAZON.US_CITY", ("Seattle", "Boston", "Denver", "Austin")),
        "date": ("AMAZON.DATE", ("2025-04-02", "2025-04-03")),
    },
    "PlayPodcastIntent": {"show": ("ShowName", ("morning news", "tech weekly", "history hour"))},
    "AMAZON.HelpIntent": {},
    "AMAZON.StopIntent": {},
}
_INTENT_NAMES = tuple(INTENTS)
_UPPER_DIGITS_TABLE = aws.byte_table(aws.UPPER_DIGITS)
_MASK_128 = (1 << 128) - 1
_JWT_HEADER = aws.b64url(b'{"typ":"JWT","alg":"RS256","kid":"1"}')


def api_access_token(ctx: BuildContext, application_id: str, endpoint: str, bits: int) -> str:
    """A JWT shaped like Alexa's apiAccessToken: its subject is the skill, it lives an hour; its
    256-byte RS256 signature is opaque text cut at offsets from 36 ``bits``."""
    issued = ctx.time_ms // 1000
    claims = (
        f'{{"aud":{_quote(endpoint)},"iss":"AlexaSkillKit","sub":{_quote(application_id)},'
        f'"exp":{issued + 3600},"iat":{issued},"nbf":{issued}}}'
    )  # compact JSON, written directly
    return f"{_JWT_HEADER}.{aws.b64url(claims.encode())}.{opaque_b64(bits, 256, url_safe=True)}"


def _slot(ctx: BuildContext, app_id: str, name: str, slot_type: str, value: str | None) -> Any:
    slot: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
    if value is None:
        return slot
    slot["value"] = value
    slot["source"] = "USER"
    if not slot_type.startswith("AMAZON."):  # custom slot types go through entity resolution
        slot["resolutions"] = {
            "resolutionsPerAuthority": [
                {
                    "authority": f"amzn1.er-authority.echo-sdk.{app_id}.{slot_type}",
                    "status": {"code": "ER_SUCCESS_MATCH"},
                    "values": [
                        {"value": {"name": value, "id": hashlib.md5(value.encode()).hexdigest()}}
                    ],
                }
            ]
        }
    return slot


def _intent(ctx: BuildContext, o: Options, app_id: str, bits: int) -> dict[str, Any]:
    """The intent and its slots, drawn from 32 bits (8 for the intent, 12 per slot)."""
    name = o.intent_name or _INTENT_NAMES[(bits & 255) % len(_INTENT_NAMES)]
    known = INTENTS.get(name, {})
    if o.slots is not None:
        for slot_name, value in o.slots.items():
            if value is not None and not isinstance(value, str):
                ctx.fail("slots", f"{slot_name!r}: slot values are strings (or None if unfilled)")
        values = dict(o.slots)
    else:
        values = {}
        for i, s in enumerate(known):  # 4 in 5 slots are filled
            v = bits >> (8 + 12 * i)
            values[s] = known[s][1][(v >> 4 & 255) % len(known[s][1])] if (v & 15) < 13 else None
    slots = {
        s: _slot(ctx, app_id, s, known.get(s, ("Custom", ()))[0], v) for s, v in values.items()
    }
    intent: dict[str, Any] = {"name": name, "confirmationStatus": o.confirmation_status or "NONE"}
    if slots:
        intent["slots"] = slots
    return intent


def _request(
    ctx: BuildContext, o: Options, kind: str, app_id: str, locale: str, request_id: str, bits: int
) -> Any:
    request: dict[str, Any] = {
        "type": kind,
        "requestId": f"amzn1.echo-api.request.{request_id}",
        "locale": locale,
        "timestamp": iso_z_of_ms(ctx.time_ms),
    }
    if kind == "IntentRequest":
        if o.dialog_state is not None:
            request["dialogState"] = o.dialog_state
        request["intent"] = _intent(ctx, o, app_id, bits)
    elif kind == "SessionEndedRequest":
        reason = o.reason or "USER_INITIATED"
        request["reason"] = reason
        if reason == "ERROR":
            request["error"] = {
                "type": "INVALID_RESPONSE",
                "message": "An exception occurred while dispatching the request",
            }
    return request


def _check(ctx: BuildContext, o: Options, kind: str) -> None:
    intent_only = ("intent_name", "slots", "dialog_state", "confirmation_status")
    for name in intent_only:
        if getattr(o, name) is not None and kind != "IntentRequest":
            ctx.fail(name, f"a {kind} has no intent; pass request_type='IntentRequest'")
    if o.reason is not None and kind != "SessionEndedRequest":
        ctx.fail("reason", f"a {kind} has no reason; only a SessionEndedRequest does")
    if o.new_session and kind == "SessionEndedRequest":
        ctx.fail("new_session", "a SessionEndedRequest always ends an existing session")
    app = o.application_id
    if app is not None and not app.startswith("amzn1.ask.skill."):
        ctx.fail(
            "application_id", f"{app!r} is not a skill id; they look like 'amzn1.ask.skill.<uuid>'"
        )


_US_ENDPOINT = LOCALES["en-US"]


def _default_alexa(ctx: BuildContext) -> dict[str, Any]:
    """``build_alexa`` for the default options (a LaunchRequest opening a session in en-US),
    written without the option reads and helper calls (the same event, the same draws)."""
    b = ctx.getrandbits(212)
    raw = hashlib.shake_256((b & _MASK_128).to_bytes(16, "little")).digest(108 + 240)
    small = b >> 128
    uuids = aws.uuid4_text(int.from_bytes(raw[:108], "little"), 3)
    ids = raw[108:].translate(_UPPER_DIGITS_TABLE).decode()
    app_id, user_id = f"amzn1.ask.skill.{uuids[:36]}", "amzn1.ask.account." + ids[:120]
    time_ms = ctx.time_ms
    issued = time_ms // 1000
    # api_access_token's claims: the endpoint and skill id need no JSON escaping
    claims = (
        f'{{"aud":"{_US_ENDPOINT}","iss":"AlexaSkillKit","sub":"{app_id}",'
        f'"exp":{issued + 3600},"iat":{issued},"nbf":{issued}}}'
    )
    token = (
        f"{_JWT_HEADER}.{aws.b64url(claims.encode())}.{opaque_b64(small >> 48, 256, url_safe=True)}"
    )
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": f"amzn1.echo-api.session.{uuids[36:72]}",
            "application": {"applicationId": app_id},
            "attributes": {},
            "user": {"userId": user_id},
        },
        "context": {
            "AudioPlayer": {"playerActivity": "IDLE"},
            "System": {
                "application": {"applicationId": app_id},
                "user": {"userId": user_id},
                "device": {
                    "deviceId": "amzn1.ask.device." + ids[120:],
                    "supportedInterfaces": {"AudioPlayer": {}} if small >> 8 & 1 else {},
                },
                "apiEndpoint": _US_ENDPOINT,
                "apiAccessToken": token,
            },
        },
        "request": {
            "type": "LaunchRequest",
            "requestId": f"amzn1.echo-api.request.{uuids[72:]}",
            "locale": "en-US",
            "timestamp": iso_z_of_ms(time_ms),
        },
    }


def build_alexa(ctx: BuildContext, o: Options) -> dict[str, Any]:
    if o.is_default:
        return _default_alexa(ctx)
    kind: str = o.request_type
    _check(ctx, o, kind)
    # one pool draw: a 128-bit key and 84 bits of choices and offsets; the ~350 random bytes of
    # the ids come from SHAKE-256 of the key in one call (the pool would take several blocks,
    # the seeded Random its seeding), the token's signature from the opaque noise
    b = ctx.getrandbits(212)
    raw = hashlib.shake_256((b & _MASK_128).to_bytes(16, "little")).digest(108 + 240)
    small = b >> 128
    # the skill, session and request ids
    uuids = aws.uuid4_text(int.from_bytes(raw[:108], "little"), 3)
    ids = raw[108:].translate(_UPPER_DIGITS_TABLE).decode()  # the user and device ids
    app_id = o.application_id or f"amzn1.ask.skill.{uuids[:36]}"
    user_id = o.user_id or "amzn1.ask.account." + ids[:120]
    device_id = o.device_id or "amzn1.ask.device." + ids[120:]
    locale: str = o.locale or "en-US"
    endpoint = LOCALES[locale]
    new = o.new_session if o.new_session is not None else kind == "LaunchRequest"
    attributes = o.session_attributes
    if attributes is not None:
        attributes = dict(attributes)  # the event's own, not the caller's dict
    else:
        last = _INTENT_NAMES[(small & 255) % len(_INTENT_NAMES)]
        attributes = {} if new else {"lastIntent": last, "turn": 2}
    application = {"applicationId": app_id}
    session = {
        "new": new,
        "sessionId": f"amzn1.echo-api.session.{uuids[36:72]}",
        "application": dict(application),
        "attributes": attributes,
        "user": {"userId": user_id},
    }
    interfaces: dict[str, Any] = {"AudioPlayer": {}} if small >> 8 & 1 else {}
    return {
        "version": "1.0",
        "session": session,
        "context": {
            "AudioPlayer": {"playerActivity": "IDLE"},
            "System": {
                "application": dict(application),
                "user": {"userId": user_id},
                "device": {"deviceId": device_id, "supportedInterfaces": interfaces},
                "apiEndpoint": endpoint,
                "apiAccessToken": api_access_token(ctx, app_id, endpoint, small >> 48),
            },
        },
        "request": _request(ctx, o, kind, app_id, locale, uuids[72:], small >> 9),
    }


SOURCES = (
    EventSource(
        id="alexa",
        service="Alexa Skills Kit",
        invocation="sync",
        builder=build_alexa,
        description="Alexa custom skill request (Launch, Intent or SessionEnded)",
        marker_argument="request_type",
        options=(
            Option("request_type", str, "request.type", "LaunchRequest", choices=REQUEST_TYPES),
            Option("intent_name", str, "IntentRequest: request.intent.name"),
            Option("slots", dict, "IntentRequest: slot name -> spoken value (None = unfilled)"),
            Option(
                "dialog_state", str, "IntentRequest: request.dialogState", choices=DIALOG_STATES
            ),
            Option(
                "confirmation_status",
                str,
                "IntentRequest: intent.confirmationStatus",
                choices=CONFIRMATION,
            ),
            Option("reason", str, "SessionEndedRequest: request.reason", choices=REASONS),
            Option(
                "locale", str, "request.locale (also picks the apiEndpoint)", choices=tuple(LOCALES)
            ),
            Option("application_id", str, "the skill id 'amzn1.ask.skill.<uuid>'"),
            Option("user_id", str, "userId 'amzn1.ask.account.<id>'"),
            Option("device_id", str, "deviceId 'amzn1.ask.device.<id>'"),
            Option("new_session", bool, "session.new (default: True for LaunchRequest only)"),
            Option("session_attributes", dict, "session.attributes kept by the skill"),
        ),
    ),
)
