"""The S3 thumbnail planner: URL-encoded keys, event names, and what to skip."""

import pytest
from shop import thumbnails


@pytest.mark.s3(key="holiday photos/beach day.jpg", bucket="family-photos")
def test_keys_with_spaces_are_decoded(s3_event, lambda_context):
    assert s3_event["Records"][0]["s3"]["object"]["key"] == "holiday+photos/beach+day.jpg"
    assert thumbnails.handler(s3_event, lambda_context) == [{
        "bucket": "family-photos",
        "source": "holiday photos/beach day.jpg",
        "target": "thumbnails/holiday photos/beach day.jpg",
    }]  # fmt: skip


@pytest.mark.parametrize("key", ["report.pdf", "thumbnails/cat.png"])
def test_non_images_and_thumbnails_are_skipped(lambda_events, lambda_context, key):
    assert thumbnails.handler(lambda_events.s3(key=key), lambda_context) == []


def test_deletions_are_ignored(lambda_events, lambda_context):
    event = lambda_events.s3(key="cat.png", event_name="ObjectRemoved:Delete")
    assert thumbnails.handler(event, lambda_context) == []
