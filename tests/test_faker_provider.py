"""The Faker provider works on its own and draws only from Faker's seeded generator."""

import re

import pytest
from faker import Faker

from pytest_lambda_events import EventConfigError
from pytest_lambda_events.faker_provider import AwsProvider


@pytest.fixture
def fake():
    fake = Faker()
    fake.add_provider(AwsProvider)
    return fake


def _draw(fake):
    return [
        fake.aws_account_id(), fake.aws_region(), fake.aws_arn("sqs", "orders"),
        fake.lambda_request_id(), fake.sqs_message_id(), fake.sqs_receipt_handle(),
        fake.kinesis_sequence_number(), fake.dynamodb_sequence_number(),
        fake.iam_principal_id("role"), fake.aws_access_key_id(), fake.xray_trace_header(),
    ]  # fmt: skip


def test_faker_seed_controls_every_value(fake):
    fake.seed_instance(42)
    first = _draw(fake)
    fake.seed_instance(42)
    assert _draw(fake) == first
    fake.seed_instance(43)
    assert _draw(fake) != first


def test_values_have_aws_formats(fake):
    fake.seed_instance(1)
    account, _region, arn, request_id, *_ = _draw(fake)
    assert re.fullmatch(r"\d{12}", account)
    assert re.fullmatch(r"arn:aws:sqs:[a-z]+-[a-z]+-\d:\d{12}:orders", arn)
    assert re.fullmatch(
        r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", request_id
    )
    assert fake.aws_arn("s3", "photos") == "arn:aws:s3:::photos"
    assert fake.aws_arn("sqs", "q", region="eu-west-1", account_id="111122223333") == (
        "arn:aws:sqs:eu-west-1:111122223333:q"
    )
    assert re.fullmatch(r"AROA[A-Z0-9]{17}", fake.iam_principal_id("role"))
    assert fake.sqs_receipt_handle().startswith("AQEB")
    assert re.fullmatch(r"Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0",
                        fake.xray_trace_header())  # fmt: skip


def test_unknown_principal_kind_is_a_clear_error(fake):
    with pytest.raises(EventConfigError, match=r"kind must be one of \['group', 'role', 'user'\]"):
        fake.iam_principal_id("robot")
