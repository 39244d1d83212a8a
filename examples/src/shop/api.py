"""HTTP API (payload 2.0) handler: GET /orders/{orderId} and POST /orders."""

from __future__ import annotations

import base64
import json
from typing import Any

from .orders import ORDERS


def _response(status: int, body: Any) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(body),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    method = event["requestContext"]["http"]["method"]
    if method == "GET":
        order_id = (event.get("pathParameters") or {}).get("orderId")
        if order_id not in ORDERS:
            return _response(404, {"message": f"no order {order_id}"})
        return _response(200, ORDERS[order_id])
    if method == "POST":
        raw = event.get("body") or ""
        if event.get("isBase64Encoded"):
            raw = base64.b64decode(raw).decode()
        try:
            order = json.loads(raw)
        except ValueError:
            return _response(400, {"message": "body is not JSON"})
        if "orderId" not in order:
            return _response(422, {"message": "orderId is required"})
        ORDERS[order["orderId"]] = order
        return _response(201, {"orderId": order["orderId"]})
    return _response(405, {"message": f"{method} not allowed"})
