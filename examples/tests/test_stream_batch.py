"""Powertools BatchProcessor against the harness's stream mappings."""

import pytest

pytest.importorskip("aws_lambda_powertools")

from shop import stream_batch


def test_kinesis_batch_processor_retries_from_the_failed_record(lambda_harness):
    h = lambda_harness
    stream = h.kinesis_stream("orders")
    fn = h.function(stream_batch.kinesis_handler, name="orders")
    m = stream.subscribe(fn, batch_size=10, report_batch_item_failures=True, max_retry_attempts=2)
    stream_batch.TOTALS.clear()
    stream.put({"sku": "a", "qty": 1}, partition_key="o")
    stream.put({"sku": "a", "qty": -1}, partition_key="o")
    stream.put({"sku": "b", "qty": 2}, partition_key="o")
    h.run()
    assert [d.status for d in m.deliveries] == ["succeeded", "failed", "failed"]
    assert m.failure_records[0]["requestContext"]["approximateInvokeCount"] == 3
    assert m.failure_records[0]["KinesisBatchInfo"]["batchSize"] == 2


def test_dynamodb_batch_processor(lambda_harness):
    h = lambda_harness
    table = h.dynamodb_table("audit", key="pk")
    m = table.subscribe(h.function(stream_batch.dynamodb_handler, name="audit"),
                        report_batch_item_failures=True, max_retry_attempts=0)  # fmt: skip
    table.put_item({"pk": "ok"})
    table.put_item({"pk": "poison"})
    h.run()
    assert [d.status for d in m.deliveries] == ["succeeded", "failed"]
