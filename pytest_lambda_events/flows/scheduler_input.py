"""EventBridge Scheduler's context attributes (semantics.md 7.2): the placeholders Scheduler
replaces inside a target's ``Input`` before it invokes the target. One pure function shared by
the ``scheduler`` event source and the harness's ``h.scheduler`` schedules."""

from __future__ import annotations

SCHEDULE_ARN = "<aws.scheduler.schedule-arn>"
SCHEDULED_TIME = "<aws.scheduler.scheduled-time>"
EXECUTION_ID = "<aws.scheduler.execution-id>"
ATTEMPT_NUMBER = "<aws.scheduler.attempt-number>"
CONTEXT_ATTRIBUTES = (SCHEDULE_ARN, SCHEDULED_TIME, EXECUTION_ID, ATTEMPT_NUMBER)


def fill_context_attributes(
    text: str, *, schedule_arn: str, scheduled_time: str, execution_id: str, attempt_number: int
) -> str:
    """``text`` with every context attribute replaced by its value, as plain text (Scheduler
    substitutes inside the raw ``Input`` string, quoted or not; ``scheduled_time`` is already
    formatted, e.g. ``2022-03-22T18:59:43Z``)."""
    values = (schedule_arn, scheduled_time, execution_id, str(attempt_number))
    for placeholder, value in zip(CONTEXT_ATTRIBUTES, values, strict=True):
        text = text.replace(placeholder, value)
    return text
