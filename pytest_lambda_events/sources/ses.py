"""Amazon SES email receiving: the event a receipt rule's Lambda action sends (shapes.md 5).
The action never includes the body: only the mail's headers, verdicts and recipients."""

from __future__ import annotations

import re
from typing import Any

from .. import aws, timefmt
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS, ROLES, WORDS
from ..registry import EventSource, Option, Options
from . import _http

VERDICTS = ("PASS", "FAIL", "GRAY", "PROCESSING_FAILED")
VERDICT_NAMES = ("spam", "virus", "spf", "dkim", "dmarc")
DMARC_POLICIES = ("none", "quarantine", "reject")
INVOCATION_TYPES = ("Event", "RequestResponse")
MAX_RECIPIENTS = 50  # SES accepts at most 50 recipients per message
_ADDRESS = re.compile(r"^[^@\s<>]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")
_FUNCTION_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SENDER_DOMAINS = ("mail.example.net", "example.org", "newsletter.example.com", "example.net")
_INBOXES = ("support", "orders", "billing", "info", "invoices", "hello", "jobs")
_OFFSETS = (-8, -7, -5, -4, 0, 1, 2, 5.5, 9)  # the sender's time zone, hours from UTC
_VERDICT_KEYS = tuple((f"{name}_verdict", f"{name}Verdict") for name in VERDICT_NAMES)


def _check_address(ctx: BuildContext, option: str, address: str) -> None:
    if not _ADDRESS.match(address):
        ctx.fail(option, f"{address!r} is not an e-mail address such as 'info@example.com'")


def _zone(hours: float) -> str:
    minutes = int(abs(hours) * 60)
    return f"{'-' if hours < 0 else '+'}{minutes // 60:02d}{minutes % 60:02d}"


# (UTC offset in ms, "-0800"), per sender zone: formatted once
_ZONES = tuple((int(hours * 3_600_000), _zone(hours)) for hours in _OFFSETS)

# --- drawn values ---------------------------------------------------------------------------
# A default mail is one draw of 362 bits from the event's pool. Its low 128 are spread (see
# _http.spread) over the long ids: 0-319 SES's message id, 320-431 the MIME boundary, 432-467
# the Message-ID's bits, 468-539 the DKIM signature's. The 234 above them are the small choices
# (_Bits: each field's offset in them).


class _Bits:
    DOMAIN = 0  # 8
    ADDRESSES = 8  # 17: two inboxes, one or two recipients
    SENDER = 25  # 24: first name, last name, domain
    PROCESSING = 49  # 16
    ZONE = 65  # 8
    DELAY = 73  # 8
    CC = 81  # 1
    VERDICTS = 82  # 48: five verdicts, the DMARC policy
    FUNCTION = 130  # 16
    SUBJECT = 146  # 40: five words
    RELAY = 186  # 8 the relay's name, 8 whether it signs, 32 its address
    SIZE = 234


_DRAW_BITS = 128 + _Bits.SIZE
_MASK_320 = (1 << 320) - 1
_MASK_112 = (1 << 112) - 1
_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)
_INBOX_BY_BYTE = _http.by_byte(_INBOXES)
_DOMAIN_BY_BYTE = _http.by_byte(DOMAINS)
_FIRST_BY_BYTE = _http.by_byte(tuple((name, name.lower()) for name in FIRST_NAMES))
_LAST_BY_BYTE = _http.by_byte(tuple((name, name.lower()) for name in LAST_NAMES))
_SENDER_DOMAIN_BY_BYTE = _http.by_byte(_SENDER_DOMAINS)
_WORD_BY_BYTE = _http.by_byte(WORDS)
_CAPITAL_BY_BYTE = _http.by_byte(tuple(word.capitalize() for word in WORDS))
_NOUN_BY_BYTE = _http.by_byte(NOUNS)
_ROLE_BY_BYTE = _http.by_byte(ROLES)
_ZONE_BY_BYTE = _http.by_byte(_ZONES)
_POLICY_BY_BYTE = _http.by_byte(DMARC_POLICIES)


def _subject(bits: int) -> str:
    """Five words, the first capitalised, from 40 bits."""
    w = _WORD_BY_BYTE
    return (
        f"{_CAPITAL_BY_BYTE[bits & 255]} {w[bits >> 8 & 255]} {w[bits >> 16 & 255]} "
        f"{w[bits >> 24 & 255]} {w[bits >> 32 & 255]}"
    )


def _addresses(
    ctx: BuildContext, o: Options, domain: str, bits: int
) -> tuple[list[str], list[str]]:
    """``mail.destination`` (every envelope recipient) and ``receipt.recipients`` (those the
    rule matched: a non-empty subset of the destination)."""
    destination: list[str] | None = o.destination
    if destination is None:
        destination = [f"{_INBOX_BY_BYTE[bits & 255]}@{domain}"]
        second = f"{_INBOX_BY_BYTE[bits >> 8 & 255]}@{domain}"
        if bits >> 16 & 1 and second != destination[0]:  # one or two recipients
            destination.append(second)
        if o.recipients is None and o.domain is None:  # all drawn: the rule matched the first
            return destination, destination[:1]
        if o.recipients is not None:
            destination = list(dict.fromkeys(destination + list(o.recipients)))
    if not 1 <= len(destination) <= MAX_RECIPIENTS:
        ctx.fail("destination", f"{len(destination)} addresses; SES accepts 1 to 50 recipients")
    for address in destination:
        _check_address(ctx, "destination", address)
    recipients: list[str] = list(o.recipients) if o.recipients is not None else destination[:1]
    if not recipients:
        ctx.fail("recipients", "a receipt rule matches at least one recipient")
    for address in recipients:
        if address not in destination:
            ctx.fail("recipients", f"{address!r} is not in destination {destination!r}")
    return destination, recipients


def _verdicts(ctx: BuildContext, o: Options, receipt: dict[str, Any], bits: int) -> None:
    """The five verdicts, then ``dmarcPolicy``, which SES sends only when DMARC failed."""
    for option, key in _VERDICT_KEYS:
        given: str | None = getattr(o, option)
        receipt[key] = {"status": given or ("PASS" if (bits & 255) < 230 else "GRAY")}
        bits >>= 8
    failed = receipt["dmarcVerdict"]["status"] == "FAIL"
    if o.dmarc_policy is not None and not failed:
        ctx.fail("dmarc_policy", "SES sends dmarcPolicy only when dmarc_verdict is 'FAIL'")
    if failed:
        receipt["dmarcPolicy"] = o.dmarc_policy or _POLICY_BY_BYTE[bits & 255]


def _sender(ctx: BuildContext, o: Options, bits: int) -> tuple[str, str]:
    """The From header (``Name <address>``) and its bare address."""
    if o.from_address is not None:
        match = re.fullmatch(r"(?:.*<)?([^<>]+?)>?", o.from_address.strip())
        address = match.group(1) if match else ""
        _check_address(ctx, "from_address", address)
        return o.from_address, address
    first, first_lower = _FIRST_BY_BYTE[bits & 255]
    last, last_lower = _LAST_BY_BYTE[bits >> 8 & 255]
    address = f"{first_lower}.{last_lower}@{_SENDER_DOMAIN_BY_BYTE[bits >> 16 & 255]}"
    return f"{first} {last} <{address}>", address


def _headers(
    ctx: BuildContext,
    o: Options,
    common: dict[str, Any],
    ses_id: str,
    mail_from: str,
    received: str,
    bits: int,
    wide: int,
) -> list[dict[str, str]]:
    """The raw header list, in the order mail clients write them, agreeing with commonHeaders;
    ``bits`` are the relay's (_Bits.RELAY), ``wide`` the spread ids."""
    sender_domain = mail_from.rsplit("@", 1)[1]
    relay = aws.ipv4_from_bits(bits >> 16)
    headers = [
        {"name": "Return-Path", "value": f"<{common['returnPath']}>"},
        {"name": "Received", "value": f"from mail-{_NOUN_BY_BYTE[bits & 255]}.{sender_domain} "
                                      f"({relay}) by inbound-smtp.{ctx.region}.amazonaws.com "
                                      f"with SMTP id {ses_id} for {common['to'][0]}; {received}"},
    ]  # fmt: skip
    if o.dkim_verdict != "FAIL" and bits >> 8 & 255 < 205:  # four senders in five sign with DKIM
        body_hash = _http.opaque_b64(wide >> 468, 32)
        signature = _http.opaque_b64(wide >> 504, 128)
        headers.append({"name": "DKIM-Signature", "value": f"v=1; a=rsa-sha256; c=relaxed/relaxed; "
                        f"d={sender_domain}; s=s1; h=from:date:message-id:subject:to; "
                        f"bh={body_hash}; b={signature}"})  # fmt: skip
    headers += [
        {"name": "MIME-Version", "value": "1.0"},
        {"name": "From", "value": common["from"][0]},
        {"name": "Date", "value": common["date"]},
        {"name": "Message-ID", "value": common["messageId"]},
        {"name": "Subject", "value": common["subject"]},
        {"name": "To", "value": ", ".join(common["to"])},
    ]
    if "cc" in common:
        headers.append({"name": "Cc", "value": ", ".join(common["cc"])})
    boundary = f"{wide >> 320 & _MASK_112:028x}"
    headers.append(
        {"name": "Content-Type", "value": f'multipart/alternative; boundary="{boundary}"'}
    )
    return headers


def _function_arn(ctx: BuildContext, o: Options, bits: int) -> str:
    name: str | None = o.function_name
    if name is None:
        name = f"{_NOUN_BY_BYTE[bits & 255]}-{_ROLE_BY_BYTE[bits >> 8 & 255]}-inbound"
    elif not _FUNCTION_NAME.match(name):
        ctx.fail("function_name", f"{name!r} is not a function name: 1-64 letters, digits, - or _")
    return ctx.arn("lambda", f"function:{name}")


def build_ses(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One received mail: headers consistent with commonHeaders, verdicts, the Lambda action."""
    b = ctx.getrandbits(_DRAW_BITS)  # one draw for the whole mail (see _Bits)
    wide = _http.spread(b)
    bits = b >> 128
    domain = o.domain or _DOMAIN_BY_BYTE[bits & 255]
    destination, recipients = _addresses(ctx, o, domain, bits >> _Bits.ADDRESSES)
    from_header, from_address = _sender(ctx, o, bits >> _Bits.SENDER)
    source: str = o.source or from_address
    if o.source is not None:
        _check_address(ctx, "source", source)
    ses_id = (wide & _MASK_320).to_bytes(40, "little").translate(_LOWER_DIGITS).decode()
    processing = 200 + (bits >> _Bits.PROCESSING & 0xFFFF) % 1200
    now = ctx.time_ms
    received_ms = now - processing
    offset, zone = _ZONE_BY_BYTE[bits >> _Bits.ZONE & 255]
    # the sender's wall clock (in its own zone) a few seconds before SES received the mail
    sent_ms = received_ms - 1000 * (1 + (bits >> _Bits.DELAY & 255) % 5) + offset
    # the last of several recipients is sometimes a Cc; Bcc recipients appear in no header
    split = len(destination) - 1 if len(destination) > 1 and bits >> _Bits.CC & 1 else None
    to, cc = destination[:split], destination[split:] if split else []
    message_id = _http.opaque_b64(wide >> 432, 36, url_safe=True)
    common: dict[str, Any] = {
        "returnPath": source,
        "from": [from_header],
        "date": timefmt.rfc2822_of_ms(sent_ms, zone),
        "to": to,
    }
    if cc:
        common["cc"] = cc
    common["messageId"] = f"<CA{message_id}@{from_address.rsplit('@', 1)[1]}>"
    common["subject"] = o.subject if o.subject is not None else _subject(bits >> _Bits.SUBJECT)
    received = timefmt.rfc2822_of_ms(received_ms, "+0000 (UTC)")
    headers = _headers(ctx, o, common, ses_id, from_address, received, bits >> _Bits.RELAY, wide)
    mail = {
        "timestamp": timefmt.iso_of_ms(received_ms) + "Z",
        "source": source,
        "messageId": ses_id,
        "destination": destination,
        "headersTruncated": False,
        "headers": headers,
        "commonHeaders": common,
    }
    receipt: dict[str, Any] = {
        "timestamp": timefmt.iso_of_ms(now) + "Z",
        "processingTimeMillis": processing,
        "recipients": recipients,
    }
    _verdicts(ctx, o, receipt, bits >> _Bits.VERDICTS)
    receipt["action"] = {"type": "Lambda",
                         "functionArn": _function_arn(ctx, o, bits >> _Bits.FUNCTION),
                         "invocationType": o.invocation_type}  # fmt: skip
    return {"Records": [{"eventSource": "aws:ses", "eventVersion": "1.0",
                         "ses": {"mail": mail, "receipt": receipt}}]}  # fmt: skip


def _verdict_option(name: str) -> Option:
    return Option(f"{name}_verdict", str, f"{name}Verdict.status", choices=VERDICTS)


SOURCES = (
    EventSource(
        id="ses",
        service="Amazon SES",
        invocation="async",
        builder=build_ses,
        description="SES email receiving, receipt rule Lambda action (headers only)",
        options=(
            Option(
                "invocation_type",
                str,
                "the action's invocationType ('RequestResponse' may return a disposition)",
                "Event",
                choices=INVOCATION_TYPES,
            ),
            Option("source", str, "mail.source: the envelope sender (MAIL FROM, Return-Path)"),
            Option("from_address", str, "the From header, 'Name <address>' or an address"),
            Option(
                "destination", list, "mail.destination: every envelope recipient", item_type=str
            ),
            Option("recipients", list, "receipt.recipients: those the rule matched", item_type=str),
            Option("domain", str, "the receiving domain of drawn recipients"),
            Option("subject", str, "the Subject header"),
            Option("function_name", str, "name of the function in the action's functionArn"),
            *(_verdict_option(name) for name in VERDICT_NAMES),
            Option(
                "dmarc_policy",
                str,
                "dmarcPolicy (only with dmarc_verdict='FAIL')",
                choices=DMARC_POLICIES,
            ),
        ),
    ),
)
