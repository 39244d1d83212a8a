"""Amazon SES email receiving: the event a receipt rule's Lambda action sends (shapes.md 5).
The action never includes the body: only the mail's headers, verdicts and recipients."""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
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
_OFFSETS = (-8, -7, -5, -4, 0, 1, 2, 5.5, 9)


def _check_address(ctx: BuildContext, option: str, address: str) -> None:
    if not _ADDRESS.match(address):
        ctx.fail(option, f"{address!r} is not an e-mail address such as 'info@example.com'")


def _addresses(ctx: BuildContext, o: Options, domain: str) -> tuple[list[str], list[str]]:
    """``mail.destination`` (every envelope recipient) and ``receipt.recipients`` (those the
    rule matched: a non-empty subset of the destination)."""
    rng = ctx.rng
    destination: list[str] | None = o.destination
    if destination is None:
        count = 1 + int(rng.random() * 2)
        destination = [f"{aws.pick(rng, _INBOXES)}@{domain}" for _ in range(count)]
        destination = list(dict.fromkeys(destination))
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


def _verdicts(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """The five verdicts, then ``dmarcPolicy``, which SES sends only when DMARC failed."""
    rng = ctx.rng
    receipt: dict[str, Any] = {}
    for name in VERDICT_NAMES:
        given: str | None = getattr(o, f"{name}_verdict")
        status = given or ("PASS" if rng.random() < 0.9 else "GRAY")
        receipt[f"{name}Verdict"] = {"status": status}
    failed = receipt["dmarcVerdict"]["status"] == "FAIL"
    if o.dmarc_policy is not None and not failed:
        ctx.fail("dmarc_policy", "SES sends dmarcPolicy only when dmarc_verdict is 'FAIL'")
    if failed:
        receipt["dmarcPolicy"] = o.dmarc_policy or aws.pick(rng, DMARC_POLICIES)
    return receipt


def _sender(ctx: BuildContext, o: Options) -> tuple[str, str]:
    """The From header (``Name <address>``) and its bare address."""
    rng = ctx.rng
    if o.from_address is not None:
        match = re.fullmatch(r"(?:.*<)?([^<>]+?)>?", o.from_address.strip())
        address = match.group(1) if match else ""
        _check_address(ctx, "from_address", address)
        return o.from_address, address
    first, last = aws.pick(rng, FIRST_NAMES), aws.pick(rng, LAST_NAMES)
    address = f"{first.lower()}.{last.lower()}@{aws.pick(rng, _SENDER_DOMAINS)}"
    return f"{first} {last} <{address}>", address


def _message_id_header(ctx: BuildContext, sender_domain: str) -> str:
    raw = base64.b64encode(ctx.rng.randbytes(36)).decode().replace("/", "_")
    return f"<CA{raw}@{sender_domain}>"


def _headers(ctx: BuildContext, o: Options, common: dict[str, Any], ses_id: str,
             mail_from: str, received_at: datetime) -> list[dict[str, str]]:  # fmt: skip
    """The raw header list, in the order mail clients write them, agreeing with commonHeaders."""
    rng = ctx.rng
    received = format_datetime(received_at.replace(microsecond=0)) + " (UTC)"
    sender_domain = mail_from.rsplit("@", 1)[1]
    headers = [
        ("Return-Path", f"<{common['returnPath']}>"),
        ("Received", f"from mail-{aws.pick(rng, NOUNS)}.{sender_domain} "
                     f"({aws.ipv4(rng)}) by inbound-smtp.{ctx.region}.amazonaws.com with SMTP id "
                     f"{ses_id} for {common['to'][0]}; {received}"),
    ]  # fmt: skip
    if o.dkim_verdict != "FAIL" and ctx.rng.random() < 0.8:
        headers.append(("DKIM-Signature", f"v=1; a=rsa-sha256; c=relaxed/relaxed; "
                        f"d={sender_domain}; s=s1; h=from:date:message-id:subject:to; "
                        f"bh={base64.b64encode(rng.randbytes(32)).decode()}; "
                        f"b={base64.b64encode(rng.randbytes(128)).decode()}"))  # fmt: skip
    headers += [("MIME-Version", "1.0"), ("From", common["from"][0]), ("Date", common["date"]),
                ("Message-ID", common["messageId"]), ("Subject", common["subject"]),
                ("To", ", ".join(common["to"]))]  # fmt: skip
    if "cc" in common:
        headers.append(("Cc", ", ".join(common["cc"])))
    headers.append(("Content-Type", f'multipart/alternative; boundary="{ctx.hex(28)}"'))
    return [{"name": name, "value": value} for name, value in headers]


def _function_arn(ctx: BuildContext, o: Options) -> str:
    name = o.function_name or f"{aws.pick(ctx.rng, NOUNS)}-{aws.pick(ctx.rng, ROLES)}-inbound"
    if not _FUNCTION_NAME.match(name):
        ctx.fail("function_name", f"{name!r} is not a function name: 1-64 letters, digits, - or _")
    return ctx.arn("lambda", f"function:{name}")


def build_ses(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One received mail: headers consistent with commonHeaders, verdicts, the Lambda action."""
    rng = ctx.rng
    domain = o.domain or aws.pick(rng, DOMAINS)
    destination, recipients = _addresses(ctx, o, domain)
    from_header, from_address = _sender(ctx, o)
    source = o.source or from_address
    _check_address(ctx, "source", source)
    ses_id = aws.chars(rng, 40, aws.LOWER_DIGITS)
    processing = 200 + int(rng.random() * 1200)
    received_at = ctx.time - timedelta(milliseconds=processing)
    offset = timezone(timedelta(hours=_OFFSETS[int(rng.random() * len(_OFFSETS))]))
    sent_at = (received_at - timedelta(seconds=1 + int(rng.random() * 5))).astimezone(offset)
    sent = format_datetime(sent_at.replace(microsecond=0))
    # the last of several recipients is sometimes a Cc; Bcc recipients appear in no header
    split = len(destination) - 1 if len(destination) > 1 and rng.random() < 0.5 else None
    to, cc = destination[:split], destination[split:] if split else []
    common: dict[str, Any] = {"returnPath": source, "from": [from_header], "date": sent, "to": to}
    if cc:
        common["cc"] = cc
    common["messageId"] = _message_id_header(ctx, from_address.rsplit("@", 1)[1])
    common["subject"] = o.subject if o.subject is not None else sentence(rng, 5)[:-1]
    mail = {"timestamp": iso_ms_z(received_at), "source": source, "messageId": ses_id,
            "destination": destination, "headersTruncated": False,
            "headers": _headers(ctx, o, common, ses_id, from_address, received_at),
            "commonHeaders": common}  # fmt: skip
    receipt: dict[str, Any] = {"timestamp": iso_ms_z(ctx.time), "processingTimeMillis": processing,
                               "recipients": recipients, **_verdicts(ctx, o)}  # fmt: skip
    receipt["action"] = {"type": "Lambda", "functionArn": _function_arn(ctx, o),
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
