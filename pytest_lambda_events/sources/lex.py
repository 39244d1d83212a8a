"""Amazon Lex code hooks: V1 (shapes.md 17) and V2 (shapes.md 18)."""

from __future__ import annotations

from typing import Any

from .. import aws
from ..building import BuildContext
from ..registry import EventSource, Option, Options
from . import _http

INVOCATION_SOURCES = ("DialogCodeHook", "FulfillmentCodeHook")
CONFIRMATION = ("None", "Confirmed", "Denied")
INPUT_MODES = ("Text", "Speech", "DTMF")
CONTENT_TYPES = {"Text": "text/plain; charset=utf-8", "Speech": "audio/pcm", "DTMF": "audio/pcm"}
LOCALE_IDS = ("en_US", "en_GB", "en_AU", "de_DE", "fr_FR", "es_US", "ja_JP")
# bot -> (intent, {slot: sample values}, what a user types to start it)
BOTS: dict[str, tuple[str, dict[str, tuple[str, ...]], str]] = {
    "OrderFlowers": (
        "OrderFlowers",
        {
            "FlowerType": ("roses", "tulips", "lilies"),
            "PickupDate": ("2025-04-12", "2025-04-13"),
            "PickupTime": ("10:00", "16:30"),
        },
        "I would like to order some flowers",
    ),
    "BookTrip": (
        "BookHotel",
        {
            "Location": ("Chicago", "Seattle", "Lisbon"),
            "CheckInDate": ("2025-05-02", "2025-06-10"),
            "Nights": ("2", "3", "5"),
            "RoomType": ("queen", "king", "deluxe"),
        },
        "book a hotel",
    ),
    "Banking": (
        "CheckBalance",
        {"accountType": ("checking", "savings", "credit"), "dateOfBirth": ("1990-01-17",)},
        "what is my balance",
    ),
}
_BOT_NAMES = tuple(BOTS)
# the code hook by its drawn bit
_HOOK_BY_BIT = ("FulfillmentCodeHook", "DialogCodeHook")
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)
_UPPER_DIGITS = aws.byte_table(aws.UPPER_DIGITS)
# nluIntentConfidenceScore (V1, 0.6-1.0) and nluConfidence (V2, 0.7-1.0), by a drawn index
_SCORES_V1 = tuple(round(0.6 + i / 100, 2) for i in range(41))
_SCORES_V2 = tuple(round(0.7 + i / 100, 2) for i in range(31))
_MASK_208 = (1 << 208) - 1
# A default build is one draw from the event's pool, sliced: bits 0-7 pick the bot, 8-15 how
# many slots a dialog has filled, 16-47 the slots' values (8 each), 48 the code hook; the
# rest is per version (see build_lex, build_lex_v2).
_SLOT_BITS = 16


def _template(
    ctx: BuildContext, o: Options, bits: int
) -> tuple[str, str, dict[str, tuple[str, ...]], str]:
    bot = o.bot_name or _BOT_NAMES[(bits & 255) % len(_BOT_NAMES)]
    intent, slots, transcript = BOTS.get(bot, ("", {}, "hello"))
    if o.intent_name is not None and o.intent_name != intent:
        intent, slots = o.intent_name, {}
    if not intent:
        ctx.fail(
            "intent_name",
            f"bot {bot!r} is not a built-in sample ({', '.join(BOTS)}); "
            "pass intent_name (and slots) for it",
        )
    return bot, intent, slots, transcript


def _slot_values(
    ctx: BuildContext, o: Options, known: dict[str, tuple[str, ...]], fulfil: bool, bits: int
) -> dict[str, str | None]:
    """Every slot of the intent, None when unfilled; fulfilment needs them all filled."""
    if o.slots is not None:
        for name, value in o.slots.items():
            if value is not None and not isinstance(value, str):
                ctx.fail("slots", f"{name!r}: slot values are strings (None = not filled yet)")
        values: dict[str, str | None] = dict.fromkeys(known)
        values.update(o.slots)
        if fulfil and None in values.values():
            missing = ", ".join(k for k, v in values.items() if v is None)
            ctx.fail(
                "slots",
                f"FulfillmentCodeHook runs once every slot is filled; {missing} "
                "are not; use invocation_source='DialogCodeHook'",
            )
        return values
    n = len(known)
    filled = n if fulfil or not n else (bits >> 8 & 255) % n  # a dialog: some slots still open
    out: dict[str, str | None] = {}
    bits >>= _SLOT_BITS
    for name, choices in known.items():
        out[name] = choices[(bits & 255) % len(choices)] if filled > 0 else None
        filled -= 1
        bits >>= 8
    return out


def _check_hook(ctx: BuildContext, o: Options, fulfil: bool, confirmation: str | None) -> None:
    if fulfil and confirmation == "Denied":
        ctx.fail(
            "confirmation_status",
            "a denied intent is not fulfilled; Denied goes with DialogCodeHook",
        )


def build_lex(ctx: BuildContext, o: Options) -> dict[str, Any]:
    # one draw: the choices (see _SLOT_BITS; 49-56 the alias, 57-64 the version, 65-72 the
    # score), then 208 bits of userId
    b = ctx.getrandbits(73 + 208)
    source: str = o.invocation_source or _HOOK_BY_BIT[b >> 48 & 1]
    fulfil = source == "FulfillmentCodeHook"
    _check_hook(ctx, o, fulfil, o.confirmation_status)
    bot, intent, known, transcript = _template(ctx, o, b)
    values = _slot_values(ctx, o, known, fulfil, b)
    details = {
        n: {"resolutions": [{"value": v}], "originalValue": v} if v is not None else None
        for n, v in values.items()
    }
    alias = o.bot_alias or ("$LATEST" if b >> 49 & 255 < 77 else "Prod")  # 30%
    version = o.bot_version or ("$LATEST" if alias == "$LATEST" else str(1 + (b >> 57 & 255) % 9))
    if alias == "$LATEST" and version != "$LATEST":
        ctx.fail("bot_version", "the $LATEST alias always runs the $LATEST version")
    if o.input_transcript:
        said: str = o.input_transcript
    elif fulfil:
        said = transcript
    else:  # a dialog: what the user last answered
        said = " ".join([v for v in values.values() if v is not None]) or transcript
    return {
        "messageVersion": "1.0",
        "invocationSource": source,
        "userId": o.user_id or (b >> 73).to_bytes(26, "little").translate(_LOWER_DIGITS).decode(),
        "sessionAttributes": dict(o.session_attributes or {}),
        "requestAttributes": dict(o.request_attributes) if o.request_attributes else None,
        "bot": {"name": bot, "alias": alias, "version": version},
        "outputDialogMode": o.output_dialog_mode or "Text",
        "currentIntent": {
            "name": intent,
            "nluIntentConfidenceScore": _SCORES_V1[(b >> 65 & 255) % 41],
            "slots": values,
            "slotDetails": details,
            "confirmationStatus": o.confirmation_status or ("Confirmed" if fulfil else "None"),
        },
        "alternativeIntents": [
            {
                "name": "AMAZON.FallbackIntent",
                "slots": {},
                "slotDetails": {},
                "confirmationStatus": "None",
                "nluIntentConfidenceScore": None,
            }
        ],
        "inputTranscript": said,
        "recentIntentSummaryView": None,
    }


def _v2_slots(values: dict[str, str | None]) -> dict[str, Any]:
    return {
        n: None
        if v is None
        else {
            "shape": "Scalar",
            "value": {"originalValue": v, "interpretedValue": v, "resolvedValues": [v]},
        }
        for n, v in values.items()
    }


def _v2_intent(name: str, values: dict[str, str | None], state: str, confirm: str) -> Any:
    return {
        "name": name,
        "slots": _v2_slots(values),
        "state": state,
        "confirmationState": confirm,
    }


def _v2_bot(ctx: BuildContext, o: Options, name: str, bits: int, ids: int) -> dict[str, Any]:
    """``bits``: 8 for the draft alias, 8 for the version; ``ids``: 160 for the two ids."""
    draft = o.bot_version == "DRAFT" or (o.bot_version is None and bits & 255 < 102)  # 40%
    alias_id = o.bot_alias_id or (
        "TSTALIASID" if draft else (ids >> 80 & _MASK_80).to_bytes(10, "little")
        .translate(_UPPER_DIGITS).decode()
    )  # fmt: skip
    if alias_id == "TSTALIASID" and o.bot_version not in (None, "DRAFT"):
        ctx.fail("bot_version", "the test alias TSTALIASID always runs version 'DRAFT'")
    numbered = str(1 + (bits >> 8 & 255) % 9)
    version = o.bot_version or ("DRAFT" if alias_id == "TSTALIASID" else numbered)
    return {
        "id": o.bot_id or (ids & _MASK_80).to_bytes(10, "little").translate(_UPPER_DIGITS).decode(),
        "name": name,
        "aliasId": alias_id,
        "aliasName": "TestBotAlias" if alias_id == "TSTALIASID" else "prod",
        "localeId": o.locale_id or "en_US",
        "version": version,
    }


_MASK_80 = (1 << 80) - 1


def build_lex_v2(ctx: BuildContext, o: Options) -> dict[str, Any]:
    # one draw: the choices (see _SLOT_BITS; 49-64 the bot's alias and version, 65-72 the
    # confidence, 73-96 a DTMF transcript), then 128 bits: the originating request's UUID,
    # and spread over the session and bot ids
    b = ctx.getrandbits(97 + 128)
    source: str = o.invocation_source or _HOOK_BY_BIT[b >> 48 & 1]
    fulfil = source == "FulfillmentCodeHook"
    _check_hook(ctx, o, fulfil, o.confirmation_status)
    bot_name, name, known, transcript = _template(ctx, o, b)
    values = _slot_values(ctx, o, known, fulfil, b)
    state = o.intent_state or ("ReadyForFulfillment" if fulfil else "InProgress")
    confirm = o.confirmation_status or ("Confirmed" if fulfil else "None")
    mode: str = o.input_mode or "Text"
    if o.input_transcript is not None:
        transcript = o.input_transcript
    elif mode == "DTMF":
        transcript = str(1000 + (b >> 73 & 0xFFFFFF) % 98_999)
    confidence = _SCORES_V2[(b >> 65 & 255) % 31]
    raw = b >> 97
    ids = _http.spread(raw)  # 208 bits of sessionId, then 160 of the bot's ids
    event: dict[str, Any] = {
        "messageVersion": "1.0",
        "invocationSource": source,
        "inputMode": mode,
        "responseContentType": CONTENT_TYPES[mode],
        "sessionId": o.session_id
        or (ids & _MASK_208).to_bytes(26, "little").translate(_LOWER_DIGITS).decode(),
        "inputTranscript": transcript,
        "bot": _v2_bot(ctx, o, bot_name, b >> 49, ids >> 208),
        "interpretations": [
            {
                "intent": _v2_intent(name, values, state, confirm),
                "nluConfidence": confidence,
                "interpretationSource": "Lex",
            },
            {
                "intent": {"name": "FallbackIntent", "slots": {}, "state": "InProgress",
                           "confirmationState": "None"},
                "interpretationSource": "Lex",
            },
        ],
        "requestAttributes": dict(o.request_attributes or {}),
        "sessionState": {
            "sessionAttributes": dict(o.session_attributes or {}),
            "activeContexts": [],
            "intent": _v2_intent(name, values, state, confirm),
            "originatingRequestId": aws.uuid4_from_bits(raw),
        },
    }  # fmt: skip
    if not fulfil and None in values.values():
        missing = next(n for n, v in values.items() if v is None)
        event["proposedNextState"] = {
            "dialogAction": {"type": "ElicitSlot", "slotToElicit": missing},
            "intent": _v2_intent(name, values, "InProgress", "None"),
            "prompt": {"attempt": "Initial"},
        }
    if mode == "Speech":
        event["transcriptions"] = [
            {
                "transcription": transcript,
                "transcriptionConfidence": confidence,
                "resolvedContext": {"intent": name},
                "resolvedSlots": {},
            }
        ]
    return event


_COMMON = (
    Option("invocation_source", str, "invocationSource", choices=INVOCATION_SOURCES),
    Option("bot_name", str, f"bot name (samples with their own intents: {', '.join(BOTS)})"),
    Option("intent_name", str, "the intent's name (a custom one needs its slots)"),
    Option("slots", dict, "slot name -> value, None when not filled yet"),
    Option("confirmation_status", str, "the intent's confirmation", choices=CONFIRMATION),
    Option("session_attributes", dict, "sessionAttributes (string values)"),
    Option("request_attributes", dict, "requestAttributes (string values)"),
    Option("input_transcript", str, "inputTranscript: what the user said or typed"),
)

SOURCES = (
    EventSource(
        id="lex",
        service="Amazon Lex V1",
        invocation="sync",
        builder=build_lex,
        description="Lex V1 code hook (dialog or fulfillment)",
        marker_argument="invocation_source",
        options=(
            *_COMMON,
            Option("bot_alias", str, "bot.alias ('$LATEST' or an alias name)"),
            Option("bot_version", str, "bot.version ('$LATEST' or a number)"),
            Option("user_id", str, "userId the client sent"),
            Option("output_dialog_mode", str, "outputDialogMode", choices=("Text", "Voice")),
        ),
    ),
    EventSource(
        id="lex_v2",
        service="Amazon Lex V2",
        invocation="sync",
        builder=build_lex_v2,
        description="Lex V2 code hook (dialog or fulfillment)",
        marker_argument="invocation_source",
        options=(
            *_COMMON,
            Option("bot_id", str, "bot.id (10 upper-case alphanumerics)"),
            Option("bot_alias_id", str, "bot.aliasId ('TSTALIASID' is the draft test alias)"),
            Option("bot_version", str, "bot.version ('DRAFT' or a number)"),
            Option("locale_id", str, "bot.localeId", choices=LOCALE_IDS),
            Option("input_mode", str, "inputMode", choices=INPUT_MODES),
            Option("session_id", str, "sessionId"),
            Option(
                "intent_state",
                str,
                "the intent's state",
                choices=(
                    "Failed",
                    "Fulfilled",
                    "FulfillmentInProgress",
                    "InProgress",
                    "ReadyForFulfillment",
                    "Waiting",
                ),
            ),
        ),
    ),
)
