"""What AWS does with the events when handlers fail: the harness, on a virtual clock."""

import json

from shop import api, notify, thumbnails


def test_a_bad_address_is_retried_twice_then_dead_lettered(lambda_harness):
    h = lambda_harness
    dlq = h.sqs_queue("notify-dlq")
    fn = h.function(notify.handler, name="notify")
    fn.configure_async(dead_letter_queue=dlq)

    delivery = fn.invoke_async({"orderId": "o-1", "email": "not-an-address"})
    h.run()  # three virtual minutes, a millisecond of wall time

    assert (delivery.status, delivery.condition, delivery.attempts) == (
        "failed", "RetriesExhausted", 3)  # fmt: skip
    assert json.loads(dlq.messages[0].body) == {"orderId": "o-1", "email": "not-an-address"}
    assert dlq.messages[0].message_attributes["ErrorMessage"]["stringValue"] == (
        "cannot e-mail 'not-an-address'")  # fmt: skip


def test_successes_go_to_the_on_success_destination(lambda_harness):
    h = lambda_harness
    done = h.sqs_queue("notify-done")
    fn = h.function("shop.notify.handler", name="notify")  # a handler string, as in AWS
    fn.configure_async(on_success=done)
    fn.invoke_async({"email": "ana@example.com"})
    h.run()
    record = done.messages[0].json()
    assert record["requestContext"]["condition"] == "Success"
    assert record["responsePayload"] == {"sent": "ana@example.com"}


def test_the_http_api_answers_like_api_gateway(lambda_harness):
    h = lambda_harness
    orders = h.http_api(h.function(api.handler, name="orders-api"))
    created = orders.request("POST", "/orders", body=json.dumps({"orderId": "o-9"}))
    assert created.status_code == 201 and created.json() == {"orderId": "o-9"}
    broken = orders.request("POST", "/orders", body="{not json")
    assert broken.status_code == 400


def test_uploads_reach_the_thumbnail_planner_through_s3(lambda_harness):
    h = lambda_harness
    planner = h.function(thumbnails.handler, name="thumbnails")
    photos = h.s3_bucket("family-photos")
    photos.notify(planner, events=["s3:ObjectCreated:*"], suffix=".jpg")

    photos.put_object("holiday photos/beach.jpg", b"\xff\xd8 jpeg bytes")
    photos.put_object("notes.txt", b"not an image")  # filtered out by the suffix
    h.run()

    (call,) = planner.invocations  # S3 invokes asynchronously, once per matching object
    assert call.response == [{
        "bucket": "family-photos",
        "source": "holiday photos/beach.jpg",
        "target": "thumbnails/holiday photos/beach.jpg",
    }]  # fmt: skip


def test_an_alert_fans_out_through_sns_to_a_queue(lambda_harness):
    h = lambda_harness
    alerts, inbox = h.sns_topic("alerts"), h.sqs_queue("ops-inbox")
    alerts.subscribe(inbox)  # raw delivery off: the queue gets SNS's JSON envelope
    alerts.publish("disk almost full", subject="host-7")
    envelope = json.loads(inbox.messages[0].body)
    assert (envelope["Type"], envelope["Subject"], envelope["Message"]) == (
        "Notification", "host-7", "disk almost full")  # fmt: skip
