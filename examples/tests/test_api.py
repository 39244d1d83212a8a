"""The HTTP API handler, with API Gateway payload 2.0 events."""

import json

import pytest
from shop import api, orders


def test_post_then_get(lambda_events, lambda_context):
    body = json.dumps({"orderId": "o-77", "customerId": "c-9", "quantity": 3})
    created = api.handler(lambda_events.api_gateway_v2(method="POST", path="/orders", body=body),
                          lambda_context)  # fmt: skip
    assert created["statusCode"] == 201
    get = lambda_events.api_gateway_v2(
        method="GET", path="/orders/o-77", path_parameters={"orderId": "o-77"}
    )
    response = api.handler(get, lambda_context)
    assert response["statusCode"] == 200 and json.loads(response["body"]) == orders.ORDERS["o-77"]


def test_binary_bodies_arrive_base64_encoded(lambda_events, lambda_context):
    event = lambda_events.api_gateway_v2(method="POST", path="/orders", body=b'{"orderId": "o-b"}')
    assert event["isBase64Encoded"] is True
    assert api.handler(event, lambda_context)["statusCode"] == 201


@pytest.mark.api_gateway_v2(method="DELETE", path="/orders/o-1")
def test_unsupported_methods_get_405(api_gateway_v2_event, lambda_context):
    assert api.handler(api_gateway_v2_event, lambda_context)["statusCode"] == 405
