"""CodeCommit trigger records (shapes.md section 13). Powertools has no parser model for them,
so the shape is checked here key by key."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
KEYS = {"awsRegion", "codecommit", "eventId", "eventName", "eventPartNumber", "eventSource",
        "eventSourceARN", "eventTime", "eventTotalParts", "eventTriggerConfigId",
        "eventTriggerName", "eventVersion", "userIdentityARN"}  # fmt: skip
VARIANTS = [{}, {"event_name": "TriggerEventTest"}, {"change": "create"}, {"change": "delete"},
            {"refs": ["main", "refs/tags/v1.0.0"]}]  # fmt: skip


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("variant", range(len(VARIANTS)))
def test_record_shape_and_consistency(seed: int, variant: int) -> None:
    event = build_event("codecommit", seed, region="ca-central-1", account_id="246813579024",
                        **VARIANTS[variant])  # fmt: skip
    (record,) = event["Records"]
    assert KEYS <= set(record) <= KEYS | {"customData"}
    assert record["awsRegion"] == "ca-central-1"
    assert record["eventSource"] == "aws:codecommit" and record["eventVersion"] == "1.0"
    assert record["eventName"] in ("ReferenceChanges", "TriggerEventTest")
    repo = re.fullmatch(r"arn:aws:codecommit:ca-central-1:246813579024:([\w.-]{1,100})",
                        record["eventSourceARN"])  # fmt: skip
    assert repo
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000", record["eventTime"])
    assert re.fullmatch(UUID, record["eventId"]) and re.fullmatch(
        UUID, record["eventTriggerConfigId"]
    )
    assert 1 <= record["eventPartNumber"] <= record["eventTotalParts"]
    assert re.fullmatch(r"arn:aws:(iam::246813579024:user/\w+|sts::246813579024:assumed-role/"
                        r"[\w-]+/\w+)", record["userIdentityARN"])  # fmt: skip
    references = record["codecommit"]["references"]
    assert references
    for ref in references:
        assert re.fullmatch(r"[0-9a-f]{40}", ref["commit"])
        assert re.fullmatch(r"refs/(heads|tags)/\S+", ref["ref"])
        assert set(ref) <= {"commit", "ref", "created", "deleted"}
        assert not (ref.get("created") and ref.get("deleted"))


def test_event_time_is_just_before_the_event() -> None:
    record = build_event("codecommit", 1, time=datetime(2025, 2, 3, 4, 5, 6, 789_000, tzinfo=UTC))
    assert record["Records"][0]["eventTime"].startswith("2025-02-03T04:05:0")


def test_change_kinds_flag_the_reference() -> None:
    created = build_event("codecommit", 1, change="create")["Records"][0]["codecommit"]
    deleted = build_event("codecommit", 1, change="delete")["Records"][0]["codecommit"]
    assert created["references"][0]["created"] is True
    assert deleted["references"][0]["deleted"] is True
    assert (
        "created" not in build_event("codecommit", 1)["Records"][0]["codecommit"]["references"][0]
    )


def test_overrides_land_where_they_belong() -> None:
    commit = "0123456789abcdef0123456789abcdef01234567"
    record = build_event(
        "codecommit", 2, repository="payments-api", trigger_name="deploy", refs=["main", "dev"],
        commit=commit, custom_data="#deploys", user_identity_arn="arn:aws:iam::123456789012:root",
        event_part_number=2, event_total_parts=3,
    )["Records"][0]  # fmt: skip
    assert record["eventSourceARN"] == "arn:aws:codecommit:us-east-1:123456789012:payments-api"
    assert record["eventTriggerName"] == "deploy" and record["customData"] == "#deploys"
    assert record["codecommit"]["references"] == [
        {"commit": commit, "ref": "refs/heads/main"},
        {"commit": commit, "ref": "refs/heads/dev"},
    ]
    assert record["userIdentityARN"] == "arn:aws:iam::123456789012:root"
    assert (record["eventPartNumber"], record["eventTotalParts"]) == (2, 3)


def test_custom_data_none_leaves_the_key_out() -> None:
    assert all("customData" not in build_event("codecommit", s, custom_data=None)["Records"][0]
               for s in range(20))  # fmt: skip


def test_determinism() -> None:
    assert build_event("codecommit", 4) == build_event("codecommit", 4)
    assert build_event("codecommit", 4) != build_event("codecommit", 5)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"event_name": "Push"}, r"codecommit: event_name: 'Push' is not allowed; allowed: "
                                 r"'ReferenceChanges', 'TriggerEventTest'"),
        ({"repository": "my repo"}, r"repository: 'my repo' is not a repository name: 1 to 100"),
        ({"repository": "app.git"}, r"repository: .*not ending in \.git"),
        ({"commit": "abc"}, r"commit: 'abc' is not a commit id: 40 lower-case hex digits"),
        ({"ref": "refs/pulls/1"}, r"ref: 'refs/pulls/1' is not 'refs/heads/<branch>'"),
        ({"refs": []}, r"refs: a trigger record names 1 or more references, not 0"),
        ({"refs": ["a"], "ref": "b"}, r"refs: give either ref or refs, not both"),
        ({"event_part_number": 3, "event_total_parts": 2},
         r"event_part_number: part 3 of 2; eventPartNumber <= eventTotalParts"),
        ({"event_total_parts": 0}, r"event_total_parts: 0 is below AWS's minimum 1"),
        ({"custom_data": "x" * 1001}, r"custom_data: 1001 characters; .* at most 1,000"),
        ({"change": "modify"}, r"change: 'modify' is not allowed; allowed: 'update'"),
        ({"branch": "main"}, r"unknown override 'branch'"),
        ({"refs": ["main", 3]}, r"refs\[1\]: expected str, got int 3"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("codecommit", 1, **overrides)


def test_the_default_record_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the record directly; naming the default event name
    # takes the general path, which must make the same record from the same seed
    for seed in range(300):
        general = build_event("codecommit", seed, event_name="ReferenceChanges")
        assert build_event("codecommit", seed) == general
