"""The ``s3`` source: S3 event notifications as S3 sends them to Lambda (shapes.md section 1)."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote_plus, unquote_plus

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

EVENT_NAMES = (
    "ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
    "ObjectCreated:CompleteMultipartUpload", "ObjectRemoved:Delete",
    "ObjectRemoved:DeleteMarkerCreated", "ObjectRestore:Post", "ObjectRestore:Completed",
    "ObjectRestore:Delete", "Replication:OperationFailedReplication",
    "Replication:OperationMissedThreshold", "Replication:OperationReplicatedAfterThreshold",
    "Replication:OperationNotTracked", "LifecycleExpiration:Delete",
    "LifecycleExpiration:DeleteMarkerCreated", "LifecycleTransition", "IntelligentTiering",
    "ObjectTagging:Put", "ObjectTagging:Delete", "ObjectAcl:Put",
)  # fmt: skip
DELETES = (
    "ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated", "LifecycleExpiration:Delete",
    "LifecycleExpiration:DeleteMarkerCreated",
)  # fmt: skip
SERVICE = (
    "Replication:OperationFailedReplication", "Replication:OperationMissedThreshold",
    "Replication:OperationReplicatedAfterThreshold", "Replication:OperationNotTracked",
    "LifecycleExpiration:Delete", "LifecycleExpiration:DeleteMarkerCreated", "LifecycleTransition",
    "IntelligentTiering", "ObjectRestore:Completed", "ObjectRestore:Delete",
)  # fmt: skip
ISO_MS_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
T0 = datetime(2025, 4, 2, 10, 30, 15, 250_000, tzinfo=UTC)


def record(seed: int = 0, **overrides: Any) -> dict[str, Any]:
    event = build_event("s3", seed, **overrides)
    assert len(event["Records"]) == 1  # S3 sends one record per notification
    rec: dict[str, Any] = event["Records"][0]
    return rec


# --- shape: every event name validates with the Powertools model ------------------------------


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("event_name", EVENT_NAMES)
def test_every_event_name_validates_with_powertools(seed: int, event_name: str) -> None:
    event = build_event("s3", seed, event_name=event_name)
    parsed = models.S3Model.model_validate(event)
    assert parsed.Records[0].eventName == event_name
    assert parsed.Records[0].s3.bucket.name == event["Records"][0]["s3"]["bucket"]["name"]


@pytest.mark.parametrize("seed", range(20))
def test_default_event_is_an_object_created_put(seed: int) -> None:
    rec = record(seed)
    assert rec["eventName"] == "ObjectCreated:Put"
    assert rec["eventSource"] == "aws:s3"
    assert rec["eventVersion"] == "2.1"
    assert rec["s3"]["s3SchemaVersion"] == "1.0"


# --- cross-field invariants ---------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_bucket_arn_is_partition_and_bucket_name_only(seed: int) -> None:
    rec = record(seed)
    bucket = rec["s3"]["bucket"]
    assert bucket["arn"] == f"arn:aws:s3:::{bucket['name']}"
    china = record(seed, region="cn-north-1")["s3"]["bucket"]
    assert china["arn"] == f"arn:aws-cn:s3:::{china['name']}"


@pytest.mark.parametrize("seed", range(20))
def test_region_and_time_echo_the_world(seed: int) -> None:
    rec = record(seed, region="eu-west-3", time=T0)
    assert rec["awsRegion"] == "eu-west-3"
    assert ISO_MS_Z.match(rec["eventTime"])
    assert rec["eventTime"] == "2025-04-02T10:30:15.250Z"


@pytest.mark.parametrize("seed", range(20))
def test_generated_bucket_names_follow_s3_rules(seed: int) -> None:
    name = record(seed)["s3"]["bucket"]["name"]
    assert 3 <= len(name) <= 63
    assert re.fullmatch(r"[a-z0-9][a-z0-9.-]*[a-z0-9]", name)
    assert ".." not in name


@pytest.mark.parametrize("seed", range(20))
def test_key_is_url_form_encoded_and_decodes_back(seed: int) -> None:
    key = record(seed)["s3"]["object"]["key"]
    raw = unquote_plus(key)
    assert " " not in key  # S3 never sends a literal space
    assert re.fullmatch(r"[A-Za-z0-9/._~+%-]+", key)  # everything else is %XX-escaped
    assert quote_plus(raw, safe="/") == key
    assert 1 <= len(raw.encode()) <= 1024


@pytest.mark.parametrize(
    ("raw", "encoded"),
    [
        ("Happy Face.jpg", "Happy+Face.jpg"),
        ("a+b.txt", "a%2Bb.txt"),
        ("reports/2025/Q1 (final).pdf", "reports/2025/Q1+%28final%29.pdf"),
        ("año/café.png", "a%C3%B1o/caf%C3%A9.png"),
        ("x=1&y=2:z", "x%3D1%26y%3D2%3Az"),
    ],
)
def test_key_override_is_encoded_like_s3(raw: str, encoded: str) -> None:
    key = record(key=raw)["s3"]["object"]["key"]
    assert key == encoded
    assert unquote_plus(key) == raw


@pytest.mark.parametrize("seed", range(20))
def test_content_sets_size_and_md5_etag(seed: int) -> None:
    content = f"hello {seed}".encode() * (seed + 1)
    obj = record(seed, content=content)["s3"]["object"]
    assert obj["size"] == len(content)
    assert obj["eTag"] == hashlib.md5(content).hexdigest()


def test_multipart_content_gets_the_multipart_etag() -> None:
    content = bytes(range(256)) * (40 * 1024)  # 10 MiB: two 8 MiB-transfer-manager parts
    obj = record(content=content, event_name="ObjectCreated:CompleteMultipartUpload")["s3"][
        "object"
    ]
    part1, part2 = content[: 8 * 1024**2], content[8 * 1024**2 :]
    digests = hashlib.md5(part1).digest() + hashlib.md5(part2).digest()
    assert obj["eTag"] == hashlib.md5(digests).hexdigest() + "-2"
    assert obj["size"] == len(content)


@pytest.mark.parametrize("seed", range(20))
def test_created_events_carry_size_and_a_matching_etag_kind(seed: int) -> None:
    for name in ("ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy"):
        obj = record(seed, event_name=name)["s3"]["object"]
        assert isinstance(obj["size"], int) and 0 <= obj["size"] <= 5 * 1024**3
        assert re.fullmatch(r"[0-9a-f]{32}", obj["eTag"])
    obj = record(seed, event_name="ObjectCreated:CompleteMultipartUpload")["s3"]["object"]
    match = re.fullmatch(r"[0-9a-f]{32}-(\d+)", obj["eTag"])
    assert match
    parts = int(match.group(1))
    assert 1 <= parts <= 10_000
    assert (parts - 1) * 5 * 1024**2 <= obj["size"] <= parts * 5 * 1024**3


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("event_name", DELETES)
def test_deletes_carry_neither_size_nor_etag(seed: int, event_name: str) -> None:
    # Powertools' S3RecordModel cannot check this: it only *requires* size/eTag when the name
    # lacks ":Delete" (oracles.md), and never rejects them on deletes. So we assert it here.
    obj = record(seed, event_name=event_name)["s3"]["object"]
    assert "size" not in obj
    assert "eTag" not in obj
    assert set(obj) <= {"key", "versionId", "sequencer"}


@pytest.mark.parametrize("seed", range(20))
def test_sequencer_is_uppercase_hex_and_grows_with_time(seed: int) -> None:
    early = record(seed, time=T0)["s3"]["object"]["sequencer"]
    later = record(seed, time=T0 + timedelta(seconds=5))["s3"]["object"]["sequencer"]
    assert re.fullmatch(r"[0-9A-F]{18}", early)
    assert later > early  # same length, so lexicographic order is S3's ordering


@pytest.mark.parametrize("seed", range(20))
def test_version_id_only_on_versioned_buckets(seed: int) -> None:
    assert "versionId" not in record(seed, versioned=False)["s3"]["object"]
    version = record(seed, versioned=True)["s3"]["object"]["versionId"]
    assert re.fullmatch(r"[A-Za-z0-9._]{32}", version)
    for name in ("ObjectRemoved:DeleteMarkerCreated", "LifecycleExpiration:DeleteMarkerCreated",
                 "Replication:OperationNotTracked"):  # fmt: skip
        assert "versionId" in record(seed, event_name=name)["s3"]["object"]


@pytest.mark.parametrize("event_name", EVENT_NAMES)
def test_event_version_follows_the_event_family(event_name: str) -> None:
    expected = (
        "2.2"
        if event_name.startswith("Replication:")
        else "2.3"
        if event_name.startswith(("Lifecycle", "IntelligentTiering", "ObjectTagging", "ObjectAcl"))
        or event_name == "ObjectRestore:Delete"
        else "2.1"
    )
    assert record(event_name=event_name)["eventVersion"] == expected


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("event_name", SERVICE)
def test_events_s3_causes_itself_name_s3_as_principal(seed: int, event_name: str) -> None:
    rec = record(seed, event_name=event_name)
    assert rec["userIdentity"]["principalId"] == "s3.amazonaws.com"
    assert rec["requestParameters"]["sourceIPAddress"] == "s3.amazonaws.com"


@pytest.mark.parametrize("seed", range(20))
def test_request_elements_look_like_s3s(seed: int) -> None:
    rec = record(seed)
    assert re.fullmatch(r"[0-9A-F]{16}", rec["responseElements"]["x-amz-request-id"])
    assert len(base64.b64decode(rec["responseElements"]["x-amz-id-2"], validate=True)) == 56
    principal = rec["userIdentity"]["principalId"]
    assert re.fullmatch(
        r"AWS:AROA[0-9A-Z]{17}:[a-z-]+|AWS:AIDA[0-9A-Z]{17}|A[0-9A-Z]{13}", principal
    )
    assert re.fullmatch(r"A[0-9A-Z]{13}", rec["s3"]["bucket"]["ownerIdentity"]["principalId"])


@pytest.mark.parametrize("seed", range(20))
def test_restore_completed_carries_the_restore_expiry(seed: int) -> None:
    rec = record(seed, event_name="ObjectRestore:Completed", time=T0)
    data = rec["glacierEventData"]["restoreEventData"]
    assert ISO_MS_Z.match(data["lifecycleRestorationExpiryTime"])
    assert data["lifecycleRestorationExpiryTime"].endswith("T00:00:00.000Z")
    assert data["lifecycleRestorationExpiryTime"] > rec["eventTime"]
    assert data["lifecycleRestoreStorageClass"] in ("GLACIER", "DEEP_ARCHIVE")
    days = record(seed, event_name="ObjectRestore:Completed", time=T0, restore_days=3)
    expiry = days["glacierEventData"]["restoreEventData"]["lifecycleRestorationExpiryTime"]
    assert expiry == "2025-04-06T00:00:00.000Z"


@pytest.mark.parametrize("event_name", EVENT_NAMES)
def test_event_specific_blocks_only_where_s3_sends_them(event_name: str) -> None:
    rec = record(event_name=event_name)
    assert ("glacierEventData" in rec) == (event_name == "ObjectRestore:Completed")
    assert ("lifecycleEventData" in rec) == (event_name == "LifecycleTransition")
    assert ("intelligentTieringEventData" in rec) == (event_name == "IntelligentTiering")
    assert ("replicationEventData" in rec) == event_name.startswith("Replication:")


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("event_name", [n for n in EVENT_NAMES if n.startswith("Replication:")])
def test_replication_data_agrees_with_the_event(seed: int, event_name: str) -> None:
    rec = record(seed, event_name=event_name, bucket="orders-source", time=T0)
    data = rec["replicationEventData"]
    assert data["destinationBucket"] == "arn:aws:s3:::orders-source-replica"
    requested = datetime.fromisoformat(data["requestTime"].replace("Z", "+00:00"))
    assert requested < T0
    if event_name in ("Replication:OperationMissedThreshold",
                      "Replication:OperationReplicatedAfterThreshold"):  # fmt: skip
        assert T0 - requested > timedelta(minutes=15)  # S3 RTC's threshold
    assert ("failureReason" in data) == (event_name == "Replication:OperationFailedReplication")


# --- overrides land where they should ----------------------------------------------------------


def test_overrides_land_in_their_fields() -> None:
    rec = record(
        bucket="my.photos-2025",
        key="in/cat.jpg",
        size=1234,
        etag="0123456789abcdef0123456789abcdef",
        version_id="3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
        sequencer="0055AED6DCD90281E5",
        principal_id="AWS:AIDAEXAMPLEEXAMPLE1",
        source_ip="2001:db8::1",
        configuration_id="thumbnails",
    )
    obj = rec["s3"]["object"]
    assert rec["s3"]["bucket"]["name"] == "my.photos-2025"
    assert rec["s3"]["bucket"]["arn"] == "arn:aws:s3:::my.photos-2025"
    assert obj == {"key": "in/cat.jpg", "size": 1234, "eTag": "0123456789abcdef0123456789abcdef",
                   "versionId": "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY",
                   "sequencer": "0055AED6DCD90281E5"}  # fmt: skip
    assert rec["userIdentity"]["principalId"] == "AWS:AIDAEXAMPLEEXAMPLE1"
    assert rec["requestParameters"]["sourceIPAddress"] == "2001:db8::1"
    assert rec["s3"]["configurationId"] == "thumbnails"


def test_event_specific_overrides() -> None:
    transition = record(event_name="LifecycleTransition", storage_class="GLACIER_IR")
    assert transition["lifecycleEventData"] == {
        "transitionEventData": {"destinationStorageClass": "GLACIER_IR"}
    }
    tiering = record(event_name="IntelligentTiering", access_tier="DEEP_ARCHIVE_ACCESS")
    assert tiering["intelligentTieringEventData"] == {
        "destinationAccessTier": "DEEP_ARCHIVE_ACCESS"
    }
    failed = record(
        event_name="Replication:OperationFailedReplication",
        destination_bucket="dr-copy",
        replication_rule_id="to-dr",
        failure_reason="DstBucketNotFound",
    )
    data = failed["replicationEventData"]
    assert data["destinationBucket"] == "arn:aws:s3:::dr-copy"
    assert data["replicationRuleId"] == "to-dr"
    assert data["failureReason"] == "DstBucketNotFound"


def test_size_override_gives_a_consistent_multipart_part_count() -> None:
    size = 100 * 1024**2
    obj = record(event_name="ObjectCreated:CompleteMultipartUpload", size=size)["s3"]["object"]
    assert obj["size"] == size
    assert obj["eTag"].endswith("-13")  # ceil(100 MiB / 8 MiB)


# --- determinism --------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_same_seed_same_event_and_different_seeds_differ(seed: int) -> None:
    assert build_event("s3", seed, event_name="ObjectAcl:Put") == build_event(
        "s3", seed, event_name="ObjectAcl:Put"
    )
    assert build_event("s3", seed) != build_event("s3", seed + 1000)


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"bukcet": "x"}, r"unknown override 'bukcet' \(did you mean 'bucket'\?\)"),
        ({"event_name": "ObjectCreated:put"}, r"event_name.*did you mean 'ObjectCreated:Put'"),
        (
            {"event_name": "s3:ObjectCreated:Put"},
            r"event_name: 's3:ObjectCreated:Put' is not allowed",
        ),
        ({"size": "10"}, r"size: expected int, got str"),
        ({"size": -1}, r"size: -1 is below AWS's minimum 0"),
        ({"size": 6 * 1024**4}, r"size: .* is above AWS's maximum 5,497,558,138,880"),
        ({"content": "text"}, r"content: expected bytes, got str"),
        ({"versioned": "yes"}, r"versioned: expected bool"),
        ({"restore_days": 0, "event_name": "ObjectRestore:Completed"}, r"restore_days: 0 is below"),
        ({"access_tier": "FREQUENT"}, r"access_tier: 'FREQUENT' is not allowed; allowed: "),
    ],
)
def test_generic_checks_name_the_field_and_what_is_allowed(
    overrides: dict[str, Any], pattern: str
) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("s3", 1, **overrides)


@pytest.mark.parametrize(
    ("bucket", "pattern"),
    [
        ("ab", r"bucket: 'ab' has 2 characters; bucket names have 3 to 63"),
        ("a" * 64, r"has 64 characters; bucket names have 3 to 63"),
        ("My-Bucket", r"use lowercase letters, digits, dots and hyphens"),
        ("bucket-", r"beginning and ending with a letter or digit"),
        ("my..bucket", r"two adjacent periods"),
        ("192.168.5.4", r"formatted as an IP address"),
        ("xn--bucket", r"reserved prefix"),
        ("photos-s3alias", r"reserved prefix .* or suffix"),
    ],
)
def test_bucket_names_are_checked_against_s3_rules(bucket: str, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern) as info:
        build_event("s3", 1, bucket=bucket)
    assert info.value.field == "bucket"


@pytest.mark.parametrize(
    ("overrides", "field", "pattern"),
    [
        ({"key": ""}, "key", r"0 bytes of UTF-8; S3 keys are 1 to 1,024 bytes"),
        ({"key": "é" * 600}, "key", r"1200 bytes of UTF-8; S3 keys are 1 to 1,024 bytes"),
        ({"etag": "abc"}, "etag", r"not an S3 ETag: 32 lowercase hex digits"),
        ({"etag": "0" * 32 + "-10001"}, "etag", r"N = 1 to 10,000 parts"),
        ({"content": b"abc", "size": 4}, "size", r"size=4 but content has 3 bytes"),
        ({"content": b"abc", "etag": "0" * 32}, "etag", r"the content's ETag is '900150983cd2"),
        ({"event_name": "ObjectRemoved:Delete", "size": 5}, "size", r"carry no object size"),
        ({"event_name": "LifecycleExpiration:Delete", "etag": "0" * 32}, "etag", r"no object size"),
        ({"size": 6 * 1024**3}, "size", r"above 5 GiB S3 needs a multipart upload"),
        ({"etag": "0" * 32 + "-3"}, "etag", r"ObjectCreated:Put writes one part"),
        ({"event_name": "ObjectCreated:CompleteMultipartUpload", "etag": "0" * 32}, "etag",
         r"gives the object a multipart ETag"),
        ({"event_name": "ObjectCreated:CompleteMultipartUpload", "etag": "0" * 32 + "-3",
          "size": 100}, "etag", r"3 parts cannot make 100 bytes"),
        ({"event_name": "ObjectRemoved:DeleteMarkerCreated", "versioned": False}, "versioned",
         r"only in versioning-enabled buckets"),
        ({"versioned": False, "version_id": "abc"}, "version_id", r"needs a versioned bucket"),
        ({"storage_class": "GLACIER"}, "storage_class",
         r"only ObjectRestore:Completed, LifecycleTransition events carry it"),
        ({"event_name": "ObjectRestore:Completed", "storage_class": "STANDARD_IA"},
         "storage_class", r"not possible for ObjectRestore:Completed; allowed: GLACIER"),
        ({"failure_reason": "DstBucketNotFound"}, "failure_reason",
         r"only Replication:OperationFailedReplication"),
        ({"source_ip": "localhost"}, "source_ip", r"not an IPv4/IPv6 address"),
        ({"sequencer": "00abc"}, "sequencer", r"not an uppercase hexadecimal string"),
        ({"event_name": "Replication:OperationNotTracked", "bucket": "same-bucket",
          "destination_bucket": "same-bucket"}, "destination_bucket", r"other than the source"),
        ({"event_name": "Replication:OperationNotTracked", "destination_bucket": "Bad_Bucket"},
         "destination_bucket", r"not a bucket name"),
    ],
)  # fmt: skip
def test_bad_combinations_are_rejected_with_what_aws_allows(
    overrides: dict[str, Any], field: str, pattern: str
) -> None:
    with pytest.raises(EventConfigError, match=pattern) as info:
        build_event("s3", 3, **overrides)
    assert info.value.field == field
    assert str(info.value).startswith(f"s3: {field}: ")


def test_the_default_event_is_the_general_paths_for_the_default_options() -> None:
    # with no override the builder writes the event directly; naming the default event type
    # takes the general path, which must make the same event from the same seed
    for seed in range(300):
        assert build_event("s3", seed) == build_event("s3", seed, event_name="ObjectCreated:Put")
