"""Operations handlers: log alerts and the scheduled daily report."""

from datetime import UTC, datetime

import pytest
from shop import alerts, reports


def test_error_lines_become_alerts(lambda_events, lambda_context):
    event = lambda_events.cloudwatch_logs(
        log_group="/aws/lambda/checkout",
        messages=["INFO started", "ERROR card declined", "INFO done"],
    )
    assert alerts.handler(event, lambda_context) == ["/aws/lambda/checkout: ERROR card declined"]


@pytest.mark.cloudwatch_logs(message_type="CONTROL_MESSAGE")
def test_control_messages_are_ignored(cloudwatch_logs_event, lambda_context):
    assert alerts.handler(cloudwatch_logs_event, lambda_context) == []


@pytest.mark.scheduled(rule_name="daily-report", time=datetime(2025, 7, 1, 6, 0, tzinfo=UTC))
def test_report_is_named_after_the_scheduled_day(scheduled_event, lambda_context):
    assert reports.handler(scheduled_event, lambda_context) == {
        "report": "reports/2025/07/01/daily.csv", "rule": "daily-report"}  # fmt: skip
