"""S3 notification handler: plan a thumbnail for every uploaded image.

S3 URL-encodes object keys in events (a space arrives as '+'), so the key must be decoded
before it is used: the classic bug this module's tests guard against.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp")


def handler(event: dict[str, Any], context: Any) -> list[dict[str, str]]:
    planned = []
    for record in event["Records"]:
        if not record["eventName"].startswith("ObjectCreated:"):
            continue
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        if key.startswith("thumbnails/") or not key.lower().endswith(IMAGE_SUFFIXES):
            continue
        planned.append({"bucket": bucket, "source": key, "target": f"thumbnails/{key}"})
    return planned
