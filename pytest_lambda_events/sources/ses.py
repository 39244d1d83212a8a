"""Amazon SES email receiving: the event a receipt rule's Lambda action sends (shapes.md 5).
The action never includes the body: only the mail's headers, verdicts and recipients."""

from __future__ import annotations

import binascii
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import DOMAINS, FIRST_NAMES, LAST_NAMES, NOUNS, ROLES, sentence
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z

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
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS_OF_MONTH = tuple(f"{day:02d}" for day in range(32))  # "01": cheaper than a format spec
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_VERDICT_KEYS = tuple((f"{name}_verdict", f"{name}Verdict") for name in VERDICT_NAMES)


def _check_address(ctx: BuildContext, option: str, address: str) -> None:
    if not _ADDRESS.match(address):
        ctx.fail(option, f"{address!r} is not an e-mail address such as 'info@example.com'")


def _rfc2822(t: datetime, zone: str) -> str:
    """``Fri, 04 Jul 2025 09:41:26 +0000``: ``t`` is the wall clock in ``zone`` (what
    ``email.utils.format_datetime`` writes, at a fraction of its cost)."""
    clock = t.time().isoformat("seconds")  # a third of an aware datetime's isoformat cost
    day = f"{_DAYS[t.weekday()]}, {_DAYS_OF_MONTH[t.day]} {_MONTHS[t.month - 1]} {t.year}"
    return f"{day} {clock} {zone}"


def _zone(hours: float) -> str:
    minutes = int(abs(hours) * 60)
    return f"{'-' if hours < 0 else '+'}{minutes // 60:02d}{minutes % 60:02d}"


_ZONES = tuple(_zone(hours) for hours in _OFFSETS)  # "-0800" ... "+0530": formatted once


def _addresses(
    ctx: BuildContext, o: Options, domain: str, bits: int
) -> tuple[list[str], list[str]]:
    """``mail.destination`` (every envelope recipient) and ``receipt.recipients`` (those the
    rule matched: a non-empty subset of the destination)."""
    destination: list[str] | None = o.destination
    if destination is None:
        destination = [f"{_INBOXES[(bits & 255) % len(_INBOXES)]}@{domain}"]
        second = f"{_INBOXES[(bits >> 8 & 255) % len(_INBOXES)]}@{domain}"
        if bits >> 16 & 1 and second != destination[0]:  # one or two recipients
            destination.append(second)
        if o.recipients is not None:
            destination = list(dict.fromkeys(destination + list(o.recipients)))
    if o.destination is not None or o.recipients is not None or o.domain is not None:
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


def _verdicts(ctx: BuildContext, o: Options, bits: int) -> dict[str, Any]:
    """The five verdicts, then ``dmarcPolicy``, which SES sends only when DMARC failed."""
    receipt: dict[str, Any] = {}
    for option, key in _VERDICT_KEYS:
        given: str | None = getattr(o, option)
        receipt[key] = {"status": given or ("PASS" if (bits & 255) < 230 else "GRAY")}
        bits >>= 8
    failed = receipt["dmarcVerdict"]["status"] == "FAIL"
    if o.dmarc_policy is not None and not failed:
        ctx.fail("dmarc_policy", "SES sends dmarcPolicy only when dmarc_verdict is 'FAIL'")
    if failed:
        receipt["dmarcPolicy"] = o.dmarc_policy or DMARC_POLICIES[(bits & 255) % 3]
    return receipt


def _sender(ctx: BuildContext, o: Options, bits: int) -> tuple[str, str]:
    """The From header (``Name <address>``) and its bare address."""
    if o.from_address is not None:
        match = re.fullmatch(r"(?:.*<)?([^<>]+?)>?", o.from_address.strip())
        address = match.group(1) if match else ""
        _check_address(ctx, "from_address", address)
        return o.from_address, address
    first = FIRST_NAMES[(bits & 0xFFFF) % len(FIRST_NAMES)]
    last = LAST_NAMES[(bits >> 16 & 0xFFFF) % len(LAST_NAMES)]
    domain = _SENDER_DOMAINS[(bits >> 32 & 255) % len(_SENDER_DOMAINS)]
    address = f"{first.lower()}.{last.lower()}@{domain}"
    return f"{first} {last} <{address}>", address


def _b64(raw: bytes) -> str:
    return binascii.b2a_base64(raw, newline=False).decode()


def _headers(ctx: BuildContext, o: Options, common: dict[str, Any], ses_id: str,
             mail_from: str, received: str, raw: bytes) -> list[dict[str, str]]:  # fmt: skip
    """The raw header list, in the order mail clients write them, agreeing with commonHeaders;
    ``raw`` is 192 random bytes for the relay's address and the signatures."""
    sender_domain = mail_from.rsplit("@", 1)[1]
    relay = aws.ipv4_from_bits(int.from_bytes(raw[:4], "little"))
    headers = [
        ("Return-Path", f"<{common['returnPath']}>"),
        ("Received", f"from mail-{NOUNS[raw[4] % len(NOUNS)]}.{sender_domain} "
                     f"({relay}) by inbound-smtp.{ctx.region}.amazonaws.com with SMTP id "
                     f"{ses_id} for {common['to'][0]}; {received}"),
    ]  # fmt: skip
    if o.dkim_verdict != "FAIL" and raw[5] < 205:  # four senders in five sign with DKIM
        headers.append(("DKIM-Signature", f"v=1; a=rsa-sha256; c=relaxed/relaxed; "
                        f"d={sender_domain}; s=s1; h=from:date:message-id:subject:to; "
                        f"bh={_b64(raw[32:64])}; b={_b64(raw[64:192])}"))  # fmt: skip
    headers += [("MIME-Version", "1.0"), ("From", common["from"][0]), ("Date", common["date"]),
                ("Message-ID", common["messageId"]), ("Subject", common["subject"]),
                ("To", ", ".join(common["to"]))]  # fmt: skip
    if "cc" in common:
        headers.append(("Cc", ", ".join(common["cc"])))
    boundary = raw[6:20].hex()
    headers.append(("Content-Type", f'multipart/alternative; boundary="{boundary}"'))
    return [{"name": name, "value": value} for name, value in headers]


def _function_arn(ctx: BuildContext, o: Options, bits: int) -> str:
    name: str | None = o.function_name
    if name is None:
        noun, role = NOUNS[(bits & 255) % len(NOUNS)], ROLES[(bits >> 8 & 255) % len(ROLES)]
        name = f"{noun}-{role}-inbound"
    elif not _FUNCTION_NAME.match(name):
        ctx.fail("function_name", f"{name!r} is not a function name: 1-64 letters, digits, - or _")
    return ctx.arn("lambda", f"function:{name}")


def build_ses(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One received mail: headers consistent with commonHeaders, verdicts, the Lambda action."""
    rng = ctx.rng
    # few draws for the whole mail: bits for every choice, bytes for ids and signatures
    bits, raw = rng.getrandbits(256), rng.randbytes(228)
    domain = o.domain or DOMAINS[(bits & 255) % len(DOMAINS)]
    destination, recipients = _addresses(ctx, o, domain, bits >> 8)
    from_header, from_address = _sender(ctx, o, bits >> 32)
    source: str = o.source or from_address
    if o.source is not None:
        _check_address(ctx, "source", source)
    ses_id = aws.chars(rng, 40, aws.LOWER_DIGITS)
    processing = 200 + (bits >> 72 & 0xFFFF) % 1200
    received_at = ctx.time - timedelta(milliseconds=processing)
    zone = (bits >> 88 & 255) % len(_OFFSETS)
    hours = _OFFSETS[zone]
    # the sender's wall clock (in its own zone) a few seconds before SES received the mail
    sent_at = received_at - timedelta(seconds=1 + (bits >> 96 & 255) % 5 - hours * 3600)
    # the last of several recipients is sometimes a Cc; Bcc recipients appear in no header
    split = len(destination) - 1 if len(destination) > 1 and bits >> 104 & 1 else None
    to, cc = destination[:split], destination[split:] if split else []
    common: dict[str, Any] = {
        "returnPath": source, "from": [from_header], "date": _rfc2822(sent_at, _ZONES[zone]),
        "to": to,
    }  # fmt: skip
    if cc:
        common["cc"] = cc
    message_id = _b64(raw[192:228]).replace("/", "_")
    common["messageId"] = f"<CA{message_id}@{from_address.rsplit('@', 1)[1]}>"
    common["subject"] = o.subject if o.subject is not None else sentence(rng, 5)[:-1]
    received = _rfc2822(received_at, "+0000") + " (UTC)"
    mail = {"timestamp": iso_ms_z(received_at), "source": source, "messageId": ses_id,
            "destination": destination, "headersTruncated": False,
            "headers": _headers(ctx, o, common, ses_id, from_address, received, raw),
            "commonHeaders": common}  # fmt: skip
    receipt: dict[str, Any] = {"timestamp": iso_ms_z(ctx.time), "processingTimeMillis": processing,
                               "recipients": recipients}  # fmt: skip
    receipt.update(_verdicts(ctx, o, bits >> 112))
    receipt["action"] = {"type": "Lambda", "functionArn": _function_arn(ctx, o, bits >> 160),
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
