"""Stream consumers: Kinesis clicks and the DynamoDB audit trail."""

import json

import pytest
from shop import audit, clicks


@pytest.mark.kinesis(count=3)
def test_clicks_are_counted_per_page(lambda_events, lambda_context):
    pages = [json.dumps({"page": p}).encode() for p in ("/a", "/b", "/a")]
    event = lambda_events.kinesis(data=pages, partition_key="user-1")
    before = clicks.VIEWS.copy()
    assert clicks.handler(event, lambda_context) == {"batchItemFailures": []}
    assert clicks.VIEWS["/a"] - before["/a"] == 2 and clicks.VIEWS["/b"] - before["/b"] == 1


def test_a_bad_record_stops_the_batch_at_its_sequence_number(lambda_events, lambda_context):
    event = lambda_events.kinesis(data=[b'{"page": "/a"}', b"\xff not json", b'{"page": "/c"}'])
    sequence = event["Records"][1]["kinesis"]["sequenceNumber"]
    assert clicks.handler(event, lambda_context) == {
        "batchItemFailures": [{"itemIdentifier": sequence}]
    }


@pytest.mark.dynamodb(event_name="MODIFY", key=("pk",), stream_view_type="NEW_AND_OLD_IMAGES",
                      old_image={"pk": "user#1", "plan": "free", "seats": 1},
                      new_image={"pk": "user#1", "plan": "pro", "seats": 1})  # fmt: skip
def test_modifications_record_what_changed(dynamodb_event, lambda_context):
    audit.handler(dynamodb_event, lambda_context)
    entry = audit.TRAIL[-1]
    assert entry == {"action": "MODIFY", "keys": {"pk": {"S": "user#1"}}, "changed": ["plan"],
                     "by_ttl": False}  # fmt: skip


@pytest.mark.dynamodb(ttl_removal=True)
def test_ttl_expiry_is_told_apart_from_user_deletes(dynamodb_event, lambda_context):
    audit.handler(dynamodb_event, lambda_context)
    assert audit.TRAIL[-1]["action"] == "REMOVE" and audit.TRAIL[-1]["by_ttl"] is True
