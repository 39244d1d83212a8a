"""The ``s3_eventbridge`` source: S3 events as EventBridge delivers them (shapes.md 1b)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

DETAIL_TYPES = (
    "Object Created", "Object Deleted", "Object Restore Initiated", "Object Restore Completed",
    "Object Restore Expired", "Object Tags Added", "Object Tags Deleted", "Object ACL Updated",
    "Object Storage Class Changed", "Object Access Tier Changed",
)  # fmt: skip
SERVICE_TYPES = ("Object Restore Completed", "Object Restore Expired",
                 "Object Storage Class Changed", "Object Access Tier Changed")  # fmt: skip
ISO_S_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
T0 = datetime(2025, 6, 1, 8, 30, 15, 250_000, tzinfo=UTC)


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("detail_type", DETAIL_TYPES)
def test_validates_with_powertools(seed: int, detail_type: str) -> None:
    event = build_event("s3_eventbridge", seed, detail_type=detail_type)
    parsed = models.S3EventNotificationEventBridgeModel.model_validate(event)
    assert parsed.detail_type == detail_type
    assert parsed.detail.bucket.name == event["detail"]["bucket"]["name"]


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("detail_type", DETAIL_TYPES)
def test_envelope_and_world_agree(seed: int, detail_type: str) -> None:
    event = build_event("s3_eventbridge", seed, detail_type=detail_type, region="eu-central-1",
                        account_id="210987654321")  # fmt: skip
    assert event["source"] == "aws.s3" and event["version"] == "0"
    assert (event["account"], event["region"]) == ("210987654321", "eu-central-1")
    assert UUID.match(event["id"])
    assert ISO_S_Z.match(event["time"])  # EventBridge time: seconds, no milliseconds
    bucket = event["detail"]["bucket"]["name"]
    assert event["resources"] == [f"arn:aws:s3:::{bucket}"]  # no region, no account
    assert re.fullmatch(r"[0-9A-Z]{16}", event["detail"]["request-id"])


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("detail_type", DETAIL_TYPES)
def test_service_events_have_s3_as_requester_and_no_ip(seed: int, detail_type: str) -> None:
    detail = build_event("s3_eventbridge", seed, detail_type=detail_type)["detail"]
    if detail_type in SERVICE_TYPES or detail.get("reason") == "Lifecycle Expiration":
        assert detail["requester"] == "s3.amazonaws.com"
        assert "source-ip-address" not in detail
    else:
        assert detail["requester"] == "123456789012"
        assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", detail["source-ip-address"])


@pytest.mark.parametrize("seed", range(20))
def test_object_fields_per_detail_type(seed: int) -> None:
    created = build_event("s3_eventbridge", seed)["detail"]
    assert {"key", "size", "etag", "sequencer"} <= set(created["object"])
    assert created["reason"] in ("PutObject", "POST Object", "CopyObject",
                                 "CompleteMultipartUpload")  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{32}(-\d+)?", created["object"]["etag"])
    assert ("-" in created["object"]["etag"]) == (created["reason"] == "CompleteMultipartUpload")
    deleted = build_event("s3_eventbridge", seed, detail_type="Object Deleted")["detail"]
    assert "size" not in deleted["object"] and "etag" not in deleted["object"]
    assert deleted["deletion-type"] == (
        "Delete Marker Created" if "version-id" in deleted["object"] else "Permanently Deleted"
    )
    tier = build_event("s3_eventbridge", seed, detail_type="Object Access Tier Changed")["detail"]
    assert tier["destination-access-tier"] in ("ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS")


def test_key_is_raw_not_url_encoded() -> None:
    key = "reports/Q1 2025/sales+returns (final).csv"
    event = build_event("s3_eventbridge", 1, key=key)
    assert event["detail"]["object"]["key"] == key


@pytest.mark.parametrize("seed", range(20))
def test_restore_expiry_is_a_later_midnight(seed: int) -> None:
    detail = build_event("s3_eventbridge", seed, detail_type="Object Restore Completed",
                         time=T0)["detail"]  # fmt: skip
    expiry = detail["restore-expiry-time"]
    assert ISO_S_Z.match(expiry) and expiry.endswith("T00:00:00Z")
    assert expiry > "2025-06-01T08:30:15Z"
    assert detail["source-storage-class"] in ("GLACIER", "DEEP_ARCHIVE")


def test_overrides_land() -> None:
    event = build_event(
        "s3_eventbridge", 5, bucket="media-uploads", key="a/b.jpg", size=42,
        etag="0123456789abcdef0123456789abcdef", version_id="v1.abc", sequencer="00ABCDEF",
        requester="111122223333", source_ip_address="2001:db8::1", reason="CopyObject",
        id="11111111-2222-4333-8444-555555555555", time=T0,
    )  # fmt: skip
    detail = event["detail"]
    assert detail["object"] == {"key": "a/b.jpg", "size": 42,
                                "etag": "0123456789abcdef0123456789abcdef",
                                "version-id": "v1.abc", "sequencer": "00ABCDEF"}  # fmt: skip
    assert (detail["requester"], detail["source-ip-address"]) == ("111122223333", "2001:db8::1")
    assert detail["reason"] == "CopyObject"
    assert event["resources"] == ["arn:aws:s3:::media-uploads"]
    assert event["id"] == "11111111-2222-4333-8444-555555555555"
    assert event["time"] == "2025-06-01T08:30:15Z"
    deleted = build_event("s3_eventbridge", 5, detail_type="Object Deleted", versioned=False)
    assert deleted["detail"]["deletion-type"] == "Permanently Deleted"
    assert "version-id" not in deleted["detail"]["object"]


def test_china_partition_bucket_arn() -> None:
    event = build_event("s3_eventbridge", 2, region="cn-north-1")
    assert event["resources"][0].startswith("arn:aws-cn:s3:::")


def test_deterministic_per_seed() -> None:
    assert build_event("s3_eventbridge", 9) == build_event("s3_eventbridge", 9)
    assert build_event("s3_eventbridge", 9) != build_event("s3_eventbridge", 10)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"detial_type": "Object Created"},
            r"unknown override 'detial_type'.*did you mean 'detail_type'",
        ),
        (
            {"detail_type": "Object Creatd"},
            r"detail_type.*not allowed.*did you mean 'Object Created'",
        ),
        ({"size": "big"}, r"size: expected int"),
        ({"size": -1}, r"size: -1 is below AWS's minimum 0"),
        ({"bucket": "Bad_Bucket"}, r"bucket: 'Bad_Bucket' is not a bucket name"),
        ({"key": ""}, r"key: the key is 0 bytes.*1 to 1,024"),
        ({"detail_type": "Object Deleted", "size": 5}, r"size: only .*Object Created"),
        (
            {"detail_type": "Object Deleted", "reason": "PutObject"},
            r"reason: 'PutObject' is not a reason for 'Object Deleted'; "
            r"allowed: DeleteObject, Lifecycle Expiration",
        ),
        ({"deletion_type": "Permanently Deleted"}, r"deletion_type: only 'Object Deleted'"),
        (
            {"detail_type": "Object Restore Completed", "storage_class": "STANDARD_IA"},
            r"storage_class: 'STANDARD_IA' is not possible.*GLACIER",
        ),
        (
            {"detail_type": "Object Restore Expired", "source_ip_address": "1.2.3.4"},
            r"source_ip_address: S3 itself",
        ),
        (
            {"source_ip_address": "localhost"},
            r"source_ip_address: 'localhost' is not an IPv4 or IPv6",
        ),
        ({"requester": "someone"}, r"requester: 'someone' is neither a 12-digit account id"),
        ({"etag": "xyz"}, r"etag: 'xyz' is not an S3 ETag"),
        (
            {"versioned": False, "version_id": "abc"},
            r"versioned: a version id .* needs a versioned bucket",
        ),
        (
            {
                "detail_type": "Object Restore Completed",
                "restore_expiry_time": datetime(2000, 1, 1, tzinfo=UTC),
            },
            r"restore_expiry_time: must be after the event time",
        ),
    ],
)
def test_bad_input_is_explained(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(EventConfigError, match=message):
        build_event("s3_eventbridge", 1, **overrides)


def test_the_default_event_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the event directly; naming the default detail-type
    # takes the general path, which must make the same event from the same seed
    for seed in range(300):
        general = build_event("s3_eventbridge", seed, detail_type="Object Created")
        assert build_event("s3_eventbridge", seed) == general
