"""CloudWatch Logs subscription: pick the ERROR lines out of a log batch."""

from __future__ import annotations

import base64
import gzip
import json
from typing import Any


def handler(event: dict[str, Any], context: Any) -> list[str]:
    batch = json.loads(gzip.decompress(base64.b64decode(event["awslogs"]["data"])))
    if batch["messageType"] != "DATA_MESSAGE":
        return []  # CloudWatch checks the subscription with a CONTROL_MESSAGE
    return [
        f"{batch['logGroup']}: {line['message']}"
        for line in batch["logEvents"]
        if "ERROR" in line["message"]
    ]
