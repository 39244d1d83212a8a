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


@pytest.mark.scheduled(
    "cron(0 6 ? * MON-FRI *)", rule_name="daily-report", time=datetime(2025, 7, 5, 12, tzinfo=UTC)
)
def test_the_weekday_rule_next_fires_on_monday(scheduled_event, lambda_context):
    # 2025-07-05 is a Saturday: the rule's next fire time is Monday 06:00 UTC
    assert reports.handler(scheduled_event, lambda_context)["report"] == (
        "reports/2025/07/07/daily.csv"
    )


def test_a_week_of_the_weekday_rule_writes_five_reports(lambda_harness):
    h = lambda_harness
    h.clock.set(datetime(2025, 7, 5, 12, tzinfo=UTC))  # a Saturday
    fn = h.function(reports.handler, name="reports")
    rule = h.schedule("cron(0 6 ? * MON-FRI *)", fn, name="daily-report")
    h.advance(days=7)  # schedules never run out: advance a span rather than run()
    assert [f"{t:%a %H:%M}" for t in rule.fire_times] == [
        "Mon 06:00", "Tue 06:00", "Wed 06:00", "Thu 06:00", "Fri 06:00"]  # fmt: skip
    assert [inv.response["report"] for inv in fn.invocations][-1] == "reports/2025/07/11/daily.csv"
