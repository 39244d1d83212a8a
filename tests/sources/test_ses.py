"""The ``ses`` source: SES email receiving with a Lambda receipt action (shapes.md 5)."""

from __future__ import annotations

import copy
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VERDICT_KEYS = ("spamVerdict", "virusVerdict", "spfVerdict", "dkimVerdict", "dmarcVerdict")
T0 = datetime(2025, 4, 2, 10, 0, 0, tzinfo=UTC)


def _mail(event: dict[str, Any]) -> dict[str, Any]:
    return event["Records"][0]["ses"]["mail"]  # type: ignore[no-any-return]


def _receipt(event: dict[str, Any]) -> dict[str, Any]:
    return event["Records"][0]["ses"]["receipt"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("seed", range(20))
def test_event_invocation_validates_with_powertools(seed: int) -> None:
    event = build_event("ses", seed)
    parsed = models.SesModel.model_validate(event)
    assert parsed.Records[0].ses.receipt.action.invocationType == "Event"


# SesModel pins invocationType to "Event" (oracles.md), although SES also invokes Lambda with
# "RequestResponse": validate everything else with the model, then the action ourselves.
@pytest.mark.parametrize("seed", range(20))
def test_request_response_invocation(seed: int) -> None:
    event = build_event("ses", seed, invocation_type="RequestResponse")
    action = _receipt(event)["action"]
    assert action["invocationType"] == "RequestResponse"
    as_event = copy.deepcopy(event)
    _receipt(as_event)["action"]["invocationType"] = "Event"
    models.SesModel.model_validate(as_event)


@pytest.mark.parametrize("seed", range(20))
def test_headers_agree_with_common_headers(seed: int) -> None:
    mail = _mail(build_event("ses", seed))
    headers = {h["name"]: h["value"] for h in mail["headers"]}
    common = mail["commonHeaders"]
    assert headers["From"] == common["from"][0]
    assert headers["To"] == ", ".join(common["to"])
    assert headers.get("Cc") == (", ".join(common["cc"]) if "cc" in common else None)
    assert headers["Subject"] == common["subject"]
    assert headers["Date"] == common["date"]
    assert headers["Message-ID"] == common["messageId"]
    assert headers["Return-Path"] == f"<{common['returnPath']}>" == f"<{mail['source']}>"
    assert mail["messageId"] in headers["Received"]  # SES's id is the SMTP id it received with
    assert common["to"] + common.get("cc", []) == mail["destination"]
    assert mail["headersTruncated"] is False


@pytest.mark.parametrize("seed", range(20))
def test_times_recipients_and_arn(seed: int) -> None:
    event = build_event("ses", seed, region="eu-west-1", account_id="999988887777")
    mail, receipt = _mail(event), _receipt(event)
    assert ISO_MS_Z.match(mail["timestamp"]) and ISO_MS_Z.match(receipt["timestamp"])
    assert mail["timestamp"] <= receipt["timestamp"]
    received = datetime.fromisoformat(mail["timestamp"])
    processed = datetime.fromisoformat(receipt["timestamp"])
    assert round((processed - received).total_seconds() * 1000) == receipt["processingTimeMillis"]
    assert parsedate_to_datetime(mail["commonHeaders"]["date"]) <= received  # sent before received
    assert receipt["recipients"] and set(receipt["recipients"]) <= set(mail["destination"])
    assert re.fullmatch(r"arn:aws:lambda:eu-west-1:999988887777:function:[\w-]+",
                        receipt["action"]["functionArn"])  # fmt: skip
    assert "inbound-smtp.eu-west-1.amazonaws.com" in mail["headers"][1]["value"]
    assert re.fullmatch(r"[a-z0-9]{40}", mail["messageId"])


@pytest.mark.parametrize("seed", range(20))
def test_dmarc_policy_only_on_dmarc_failure(seed: int) -> None:
    receipt = _receipt(build_event("ses", seed))
    assert [k for k in receipt if k.endswith("Verdict")] == list(VERDICT_KEYS)
    assert ("dmarcPolicy" in receipt) == (receipt["dmarcVerdict"]["status"] == "FAIL")
    failed = _receipt(build_event("ses", seed, dmarc_verdict="FAIL", dmarc_policy="quarantine"))
    assert failed["dmarcPolicy"] == "quarantine"


def test_overrides_land() -> None:
    event = build_event(
        "ses", 3, source="bounce@mailer.example.org", from_address="Shop <shop@example.org>",
        destination=["orders@example.com", "audit@example.com"], recipients=["audit@example.com"],
        subject="Your order", function_name="inbound-mail", spam_verdict="FAIL",
        virus_verdict="GRAY", spf_verdict="PROCESSING_FAILED", dkim_verdict="FAIL", time=T0,
    )  # fmt: skip
    mail, receipt = _mail(event), _receipt(event)
    assert mail["source"] == "bounce@mailer.example.org"
    assert mail["commonHeaders"]["from"] == ["Shop <shop@example.org>"]
    assert mail["destination"] == ["orders@example.com", "audit@example.com"]
    assert receipt["recipients"] == ["audit@example.com"]
    assert mail["commonHeaders"]["subject"] == "Your order"
    assert receipt["action"]["functionArn"].endswith(":function:inbound-mail")
    statuses = [receipt[k]["status"] for k in VERDICT_KEYS[:4]]
    assert statuses == ["FAIL", "GRAY", "PROCESSING_FAILED", "FAIL"]
    assert not any(h["name"] == "DKIM-Signature" for h in mail["headers"])
    assert receipt["timestamp"] == "2025-04-02T10:00:00.000Z"


def test_recipients_alone_extend_the_destination() -> None:
    mail = _mail(build_event("ses", 1, recipients=["team@example.com"]))
    assert "team@example.com" in mail["destination"]


def test_deterministic_per_seed() -> None:
    assert build_event("ses", 5) == build_event("ses", 5)
    assert build_event("ses", 5) != build_event("ses", 6)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"invocation_type": "DryRun"},
            r"invocation_type: 'DryRun' is not allowed.*'Event', 'RequestResponse'",
        ),
        (
            {"spam_verdict": "pass"},
            r"spam_verdict: 'pass' is not allowed \(did you mean 'PASS'\?\)",
        ),
        ({"verdict": "PASS"}, r"unknown override 'verdict'"),
        (
            {"dmarc_policy": "reject"},
            r"dmarc_policy: SES sends dmarcPolicy only when dmarc_verdict is 'FAIL'",
        ),
        ({"destination": []}, r"destination: 0 addresses; SES accepts 1 to 50"),
        (
            {"destination": ["not-an-address"]},
            r"destination: 'not-an-address' is not an e-mail address",
        ),
        (
            {"destination": ["a@example.com"], "recipients": ["b@example.com"]},
            r"recipients: 'b@example.com' is not in destination",
        ),
        ({"recipients": []}, r"recipients: a receipt rule matches at least one recipient"),
        ({"destination": ["a@example.com", 3]}, r"destination\[1\]: expected str"),
        ({"function_name": "bad name"}, r"function_name: 'bad name' is not a function name"),
        ({"from_address": "Nobody <nowhere>"}, r"from_address: 'nowhere' is not an e-mail address"),
    ],
)
def test_bad_input_is_explained(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("ses", 1, **overrides)
