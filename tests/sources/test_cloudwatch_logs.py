"""The ``cloudwatch_logs`` source: a subscription filter delivery (shapes.md section 10)."""

from __future__ import annotations

import base64
import gzip
import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event
from pytest_lambda_events.sources.cloudwatch_logs import decode_awslogs

T0 = datetime(2025, 3, 1, 0, 0, 1, 500_000, tzinfo=UTC)
T0_MS = 1740787201500


def payload(seed: int = 0, **overrides: Any) -> dict[str, Any]:
    """Decode independently of the helper under test: base64, then gzip, then JSON."""
    event = build_event("cloudwatch_logs", seed, **overrides)
    assert set(event) == {"awslogs"} and set(event["awslogs"]) == {"data"}
    decoded: dict[str, Any] = json.loads(
        gzip.decompress(base64.b64decode(event["awslogs"]["data"]))
    )
    return decoded


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"count": 25},
        {"message_type": "CONTROL_MESSAGE"},
        {"policy_level": "ACCOUNT_LEVEL_POLICY"},
    ],
)
def test_validates_with_powertools(seed: int, overrides: dict[str, Any]) -> None:
    event = build_event("cloudwatch_logs", seed, **overrides)
    parsed = models.CloudWatchLogsModel.model_validate(event)
    decoded = parsed.awslogs.decoded_data
    assert len(decoded.logEvents) == overrides.get("count", 1)
    assert decoded.messageType == overrides.get("message_type", "DATA_MESSAGE")


# --- encoding -----------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_data_is_base64_of_gzip_not_zlib(seed: int) -> None:
    raw = base64.b64decode(build_event("cloudwatch_logs", seed)["awslogs"]["data"], validate=True)
    assert raw[:3] == b"\x1f\x8b\x08"  # gzip magic + deflate, as CloudWatch Logs sends
    assert raw[4:8] == b"\x00\x00\x00\x00"  # no mtime: the bytes depend on the seed only


@pytest.mark.parametrize("count", [1, 15, 100, 1000])
def test_gzip_is_complete_and_big_payloads_are_compressed(count: int) -> None:
    raw = base64.b64decode(build_event("cloudwatch_logs", 4, count=count)["awslogs"]["data"])
    text = gzip.decompress(raw)  # checks the CRC-32 and the size in the trailer
    assert raw[-4:] == len(text).to_bytes(4, "little")
    if len(text) > 4096:  # small payloads are one stored block (the module's approximation)
        assert len(raw) < len(text) // 2


@pytest.mark.parametrize("seed", range(20))
def test_decode_helper_agrees_with_an_independent_decode(seed: int) -> None:
    event = build_event("cloudwatch_logs", seed, count=3)
    expected = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    assert decode_awslogs(event) == expected
    assert decode_awslogs(event["awslogs"]["data"]) == expected


# --- cross-field invariants ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_keys_and_owner(seed: int) -> None:
    data = payload(seed, account_id="444455556666")
    assert list(data) == [
        "messageType", "owner", "logGroup", "logStream", "subscriptionFilters", "logEvents"
    ]  # fmt: skip
    assert data["owner"] == "444455556666"
    assert len(data["subscriptionFilters"]) == 1
    assert data["logGroup"].startswith("/aws/lambda/")


@pytest.mark.parametrize("seed", range(20))
def test_count_is_the_number_of_log_events(seed: int) -> None:
    count = 1 + seed * 7
    assert len(payload(seed, count=count)["logEvents"]) == count


@pytest.mark.parametrize("seed", range(20))
def test_timestamps_are_ordered_epoch_ms_before_delivery(seed: int) -> None:
    events = payload(seed, count=50, time=T0)["logEvents"]
    stamps = [e["timestamp"] for e in events]
    assert all(isinstance(t, int) for t in stamps)
    assert stamps == sorted(stamps)
    assert stamps[0] > T0_MS - 10_000 and stamps[-1] < T0_MS


@pytest.mark.parametrize("seed", range(20))
def test_event_ids_are_56_digits_growing_with_the_timestamp(seed: int) -> None:
    events = payload(seed, count=200)["logEvents"]
    ids = [int(e["id"]) for e in events]
    assert all(re.fullmatch(r"\d{56}", e["id"]) for e in events)
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # strictly increasing, unique
    for event, value in zip(events, ids, strict=True):
        assert value >> 144 == event["timestamp"]  # CloudWatch puts the event time on top


@pytest.mark.parametrize("seed", range(20))
def test_lambda_log_lines_carry_their_own_timestamp(seed: int) -> None:
    for event in payload(seed, count=40)["logEvents"]:
        match = re.match(r"\[[A-Z]+\]\t(\S+)\t", event["message"])
        if match:
            stamp = datetime.fromisoformat(match.group(1).replace("Z", "+00:00"))
            assert int(stamp.timestamp() * 1000) == event["timestamp"]
        else:
            assert event["message"].startswith(("START RequestId: ", "REPORT RequestId: "))


@pytest.mark.parametrize("seed", range(20))
def test_log_stream_is_named_for_the_day_of_its_events(seed: int) -> None:
    data = payload(seed, time=T0)
    first = datetime.fromtimestamp(data["logEvents"][0]["timestamp"] / 1000, UTC)
    assert re.fullmatch(r"\d{4}/\d\d/\d\d/\[\$LATEST\][0-9a-f]{32}", data["logStream"])
    assert data["logStream"].startswith(first.strftime("%Y/%m/%d/"))


def test_control_message_is_the_destination_health_check() -> None:
    data = payload(message_type="CONTROL_MESSAGE", time=T0)
    assert data == {
        "messageType": "CONTROL_MESSAGE",
        "owner": "CloudwatchLogs",
        "logGroup": "",
        "logStream": "",
        "subscriptionFilters": [],
        "logEvents": [{"id": "", "timestamp": T0_MS, "message": data["logEvents"][0]["message"]}],
    }
    assert data["logEvents"][0]["message"].startswith("CWL CONTROL MESSAGE: Checking health")


# --- overrides ----------------------------------------------------------------------------------


def test_overrides_land_in_the_payload() -> None:
    data = payload(
        messages=["first", '{"level":"ERROR"}', "third"],
        log_group="/ecs/orders",
        log_stream="web/app/5f2d",
        subscription_filter="errors-to-lambda",
        policy_level="LOG_GROUP_LEVEL_POLICY",
    )
    assert [e["message"] for e in data["logEvents"]] == ["first", '{"level":"ERROR"}', "third"]
    assert (data["logGroup"], data["logStream"]) == ("/ecs/orders", "web/app/5f2d")
    assert data["subscriptionFilters"] == ["errors-to-lambda"]
    assert data["policyLevel"] == "LOG_GROUP_LEVEL_POLICY"
    assert "policyLevel" not in payload()


def test_unicode_messages_survive_the_round_trip() -> None:
    data = payload(messages=["café ✓", "日本語"], count=2)
    assert [e["message"] for e in data["logEvents"]] == ["café ✓", "日本語"]


def test_maximum_batch() -> None:
    assert len(payload(count=10_000)["logEvents"]) == 10_000


@pytest.mark.parametrize("seed", range(20))
def test_same_seed_same_bytes_and_different_seeds_differ(seed: int) -> None:
    assert build_event("cloudwatch_logs", seed) == build_event("cloudwatch_logs", seed)
    assert build_event("cloudwatch_logs", seed) != build_event("cloudwatch_logs", seed + 1)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "pattern"),
    [
        ({"message": "x"}, "message", r"unknown override 'message' \(did you mean 'messages'\?\)"),
        ({"messages": "one line"}, "messages", r"messages: expected list, got str"),
        ({"messages": ["ok", 3]}, "messages[1]", r"messages\[1\]: expected str, got int"),
        ({"count": 0}, "count", r"count: 0 is below AWS's minimum 1"),
        ({"count": 10_001}, "count", r"count: 10001 is above AWS's maximum 10,000"),
        ({"message_type": "DATA_MESAGE"}, "message_type", r"did you mean 'DATA_MESSAGE'"),
        ({"policy_level": "ACCOUNT"}, "policy_level", r"allowed: 'ACCOUNT_LEVEL_POLICY'"),
        ({"messages": []}, "messages", r"1 to 10,000 log events, not 0"),
        ({"messages": ["a", "b"], "count": 3}, "count", r"count=3 but 2 messages were given"),
        ({"messages": [""]}, "messages[0]", r"1 byte to 256 KiB"),
        ({"log_group": "my group"}, "log_group", r"letters, digits, '_', '-', '/', '.', '#'"),
        ({"log_stream": "a:b"}, "log_stream", r"without ':' or '\*'"),
        ({"subscription_filter": "f*"}, "subscription_filter", r"without ':' or '\*'"),
        ({"message_type": "CONTROL_MESSAGE", "messages": ["x"]}, "messages",
         r"a CONTROL_MESSAGE has no log group, stream, filter or log events of yours"),
        ({"message_type": "CONTROL_MESSAGE", "count": 2}, "count", r"exactly 1 log event"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_what_is_allowed(
    overrides: dict[str, Any], field: str, pattern: str
) -> None:
    with pytest.raises(EventConfigError, match=pattern) as info:
        build_event("cloudwatch_logs", 2, **overrides)
    assert info.value.field == field


@pytest.mark.parametrize("seed", range(40))
def test_the_default_build_is_the_general_one(seed: int) -> None:
    """Without overrides the builder writes the payload directly: it must be the event the
    general path builds (an override of the default message type takes that path)."""
    event = build_event("cloudwatch_logs", seed)
    assert event == build_event("cloudwatch_logs", seed, message_type="DATA_MESSAGE")
    models.CloudWatchLogsModel.model_validate(event)
