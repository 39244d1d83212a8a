"""LambdaContext: every attribute of the Python runtime's context (semantics.md 8.2)."""

import random

import freezegun
import pytest

from pytest_lambda_events.context import LambdaContext, make_context
from pytest_lambda_events.errors import FunctionConfigError


def _context(**kw):
    args = dict(function_name="orders", region="eu-west-1", account_id="123456789012")
    return make_context(random.Random(1), **{**args, **kw})


def test_attributes_match_the_runtime():
    ctx = _context(memory_size=256, qualifier="live")
    assert ctx.function_name == "orders" and ctx.function_version == "$LATEST"
    assert ctx.memory_limit_in_mb == "256"  # a string, as on AWS
    assert ctx.invoked_function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:orders:live"
    assert ctx.log_group_name == "/aws/lambda/orders"
    assert ctx.log_stream_name.endswith("]" + ctx.log_stream_name.split("]")[1])
    assert "[$LATEST]" in ctx.log_stream_name and len(ctx.log_stream_name.split("]")[1]) == 32
    assert (
        ctx.identity.cognito_identity_id is None and ctx.identity.cognito_identity_pool_id is None
    )
    assert ctx.client_context is None and ctx.tenant_id is None
    assert len(ctx.aws_request_id) == 36
    assert "tenant_id=None" in repr(ctx)


def test_remaining_time_follows_the_clock_and_stops_at_zero():
    with freezegun.freeze_time(
        "2025-01-01", tick=False, ignore=["aws_lambda_powertools"]
    ) as frozen:
        ctx = _context(timeout=30)
        assert ctx.get_remaining_time_in_millis() == 30_000
        frozen.tick(12.5)
        assert ctx.get_remaining_time_in_millis() == 17_500
        frozen.tick(60)
        assert ctx.get_remaining_time_in_millis() == 0


@pytest.mark.parametrize(
    ("kw", "pattern"),
    [
        ({"timeout": 0}, r"timeout 0: Lambda allows 1 to 900 seconds"),
        ({"timeout": 901}, r"timeout 901: Lambda allows 1 to 900 seconds"),
        ({"timeout": "3"}, r"timeout must be a number of seconds"),
        ({"memory_size": 64}, r"memory_size 64: Lambda allows 128 to 10,240 MB"),
        ({"memory_size": 10241}, r"memory_size 10241"),
        ({"function_name": "my function"}, r"function name 'my function'"),
        ({"qualifier": "a b"}, r"function version or alias 'a b'"),
    ],
)
def test_settings_outside_lambda_limits_are_rejected(kw, pattern):
    with pytest.raises(FunctionConfigError, match=pattern):
        _context(**kw)


def test_context_is_constructible_directly():
    ctx = LambdaContext(
        function_name="f", aws_request_id="r", invoked_function_arn="arn", deadline_ms=0
    )
    assert ctx.get_remaining_time_in_millis() == 0 and ctx.memory_limit_in_mb == "128"
