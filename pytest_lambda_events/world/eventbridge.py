"""EventBridge event buses in the harness: ``put_events``, rules with an event pattern and one
target, and, as an asynchronous-invocation destination, the "Lambda Function Invocation Result"
events (semantics.md 2.4), which rules match like any other event.

Targets (semantics.md 7.1): a Lambda function is invoked asynchronously, so the function's own
async retries, destinations and dead-letter queue apply; a rule's ``RetryPolicy`` only concerns
delivery itself, which never fails retriably in the harness. A target that no longer exists is
not retried: the event goes straight to the target's dead-letter queue (a standard SQS queue), or
is dropped without one, as the EventBridge user guide ("Event retry policy and using dead-letter
queues") documents. An SQS queue target gets the event as the message body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import EventBusError, HarnessError, QueueConfigError, checked_arguments
from ..flows.event_input import TargetInput
from ..flows.patterns import Pattern
from ..ledger import Delivery
from ..timefmt import iso_z
from .function import Function
from .sqs import Queue

if TYPE_CHECKING:
    from . import Harness

_BUS_NAME = re.compile(r"^[A-Za-z0-9._\-/]{1,256}$")
_RULE_NAME = re.compile(r"^[.\-_A-Za-z0-9]{1,64}$")
MAX_ENTRIES = 10  # PutEvents takes at most 10 entries per call
MAX_ENTRY_BYTES = 262_144
MAX_RETRY_ATTEMPTS = (0, 185)  # RetryPolicy, for rule targets and Scheduler targets alike
MAX_EVENT_AGE_S = (60, 86_400)
DeadLetterAttributes = Callable[[str, str], dict[str, Any]]


class EventBus:
    """An event bus; ``events`` holds every event put on it, as EventBridge delivers them, and
    ``rules`` its rules (``rule(...)``), which each matching event is sent through."""

    def __init__(self, harness: Harness, name: str = "default") -> None:
        if not _BUS_NAME.match(name):
            raise EventBusError(f"event bus name {name!r}: 1 to 256 of A-Z a-z 0-9 . _ - /")
        self.harness = harness
        self.name = name
        self.arn = (
            f"arn:{harness.partition}:events:{harness.region}:{harness.account_id}:event-bus/{name}"
        )
        self.events: list[dict[str, Any]] = []
        self.rules: list[Rule] = []

    @checked_arguments
    def rule(
        self,
        target: Function | Queue,
        *,
        event_pattern: Mapping[str, Any] | str,
        name: str | None = None,
        input: Any = None,
        input_path: str | None = None,
        input_transformer: Mapping[str, Any] | None = None,
        enabled: bool = True,
        dead_letter_queue: Queue | None = None,
        maximum_retry_attempts: int = 185,
        maximum_event_age: int = 86_400,
        message_group_id: str | None = None,
    ) -> Rule:
        """``PutRule`` with an ``EventPattern`` plus ``PutTargets`` with one target: every event
        put on this bus that matches the pattern is sent to ``target`` (a harness function or
        queue), through ``input``/``input_path``/``input_transformer`` if one is given."""
        name = self.rule_name(name, target)
        where = f"rule {name}"
        pattern = Pattern(event_pattern)  # EventPatternError for what AWS would refuse
        delivery = RuleTarget(
            self.harness, target, dead_letter_queue=dead_letter_queue,
            maximum_retry_attempts=maximum_retry_attempts, maximum_event_age=maximum_event_age,
            message_group_id=message_group_id, setting=where, error=EventBusError,
        )  # fmt: skip
        target_input = TargetInput(input=input, input_path=input_path,
                                   input_transformer=input_transformer, setting=where,
                                   error=EventBusError)  # fmt: skip
        rule = Rule(self, name, delivery, target_input, pattern=pattern, enabled=enabled)
        return self.add_rule(rule)

    def rule_name(
        self,
        name: str | None,
        target: Function | Queue,
        *,
        kind: str = "rule",
        error: type[HarnessError] = EventBusError,
    ) -> str:
        """``name`` checked as AWS checks rule names, or a free ``<target>-<kind>[-n]`` one."""
        if name is None:
            taken = {rule.name for rule in self.rules}
            base = f"{getattr(target, 'name', 'target')[:50]}-{kind}"
            name = next(n for n in (base, *(f"{base}-{i}" for i in range(2, 999)))
                        if n not in taken)  # fmt: skip
        if not isinstance(name, str) or not _RULE_NAME.match(name):
            raise error(f"rule name {name!r}: 1 to 64 of A-Z a-z 0-9 . - _")
        return name

    def add_rule(self, rule: Rule) -> Rule:
        self.harness._unique(f"rule on event bus {self.name}", rule.name, rule)
        self.rules.append(rule)
        return rule

    def put_events(self, entries: list[dict[str, Any]]) -> list[str]:
        """``PutEvents`` with entries of ``Source``, ``DetailType``, ``Detail`` (JSON text or a
        dict) and optional ``Resources``; returns the event ids. Rules matching an event send it
        to their targets at once."""
        if not 1 <= len(entries) <= MAX_ENTRIES:
            raise EventBusError(f"PutEvents takes 1 to {MAX_ENTRIES} entries, not {len(entries)}")
        return [self._put(entry) for entry in entries]

    def _put(self, entry: dict[str, Any]) -> str:
        missing = [k for k in ("Source", "DetailType", "Detail") if k not in entry]
        if missing:
            raise EventBusError(
                f"a PutEvents entry needs {', '.join(missing)}; got {sorted(entry)}"
            )
        detail = entry["Detail"]
        if isinstance(detail, str):
            try:
                detail = json.loads(detail)
            except ValueError:
                raise EventBusError(f"Detail is not valid JSON: {detail[:80]!r}") from None
        if not isinstance(detail, dict):
            raise EventBusError("Detail must be a JSON object")
        event_id = self.harness.new_request_id()
        event = {
            "version": "0",
            "id": event_id,
            "detail-type": entry["DetailType"],
            "source": entry["Source"],
            "account": self.harness.account_id,
            "time": iso_z(self.harness.clock.now()),
            "region": self.harness.region,
            "resources": list(entry.get("Resources", [])),
            "detail": detail,
        }
        if len(json.dumps(event).encode()) > MAX_ENTRY_BYTES:
            raise EventBusError(f"an event is at most {MAX_ENTRY_BYTES:,} bytes")
        self.events.append(event)
        for rule in self.rules:
            if rule.enabled and rule.matches(event):
                rule.send(event, ingestion_time=self.harness.clock.now())
        return event_id

    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        success = record["requestContext"]["condition"] == "Success"
        self.put_events([{
            "Source": "lambda",
            "DetailType": "Lambda Function Invocation Result - "
            + ("Success" if success else "Failure"),
            "Detail": record,
            "Resources": [self.arn, function.qualified_arn],
        }])  # fmt: skip

    def __repr__(self) -> str:
        return f"<EventBus {self.name} events={len(self.events)} rules={len(self.rules)}>"


class RuleTarget:
    """One target of a rule or schedule, with its ``RetryPolicy`` and ``DeadLetterConfig``."""

    def __init__(
        self,
        harness: Harness,
        target: Any,
        *,
        dead_letter_queue: Any,
        maximum_retry_attempts: int,
        maximum_event_age: int,
        message_group_id: str | None,
        setting: str,
        error: type[HarnessError],
    ) -> None:
        if not isinstance(target, Function | Queue):
            raise error(f"{setting}: the target is a harness function (h.function) or SQS queue "
                        f"(h.sqs_queue), not {type(target).__name__}")  # fmt: skip
        if isinstance(target, Queue) and target.fifo and not message_group_id:
            raise error(f"{setting}: {target.name} is FIFO; give message_group_id (SqsParameters"
                        ".MessageGroupId, required for FIFO queue targets)")  # fmt: skip
        if isinstance(target, Function) and message_group_id is not None:
            raise error(f"{setting}: message_group_id is for SQS queue targets only")
        _check_range(setting, "maximum_retry_attempts", maximum_retry_attempts,
                     MAX_RETRY_ATTEMPTS, error)  # fmt: skip
        _check_range(setting, "maximum_event_age", maximum_event_age, MAX_EVENT_AGE_S, error)
        if dead_letter_queue is not None and (
            not isinstance(dead_letter_queue, Queue) or dead_letter_queue.fifo
        ):
            raise error(f"{setting}: dead_letter_queue must be a standard SQS queue (AWS does not "
                        f"support FIFO queues there), not {dead_letter_queue!r}")  # fmt: skip
        self.harness = harness
        self.target = target
        self.dead_letter_queue: Queue | None = dead_letter_queue
        self.maximum_retry_attempts = maximum_retry_attempts
        self.maximum_event_age = maximum_event_age
        self.message_group_id = message_group_id

    @property
    def arn(self) -> str:
        return str(self.target.arn)

    def send(
        self, text: str, *, flow: str, deduplication_id: str, dead_letter: DeadLetterAttributes
    ) -> Delivery:
        """Deliver ``text`` (the input the target gets) and return the ``Delivery``: the async
        invocation's for a function, one of its own for a queue or a failed delivery."""
        target = self.target
        if target.deleted:  # not retried: straight to the dead-letter queue (eb-rule-dlq)
            if isinstance(target, Function):
                code, problem = "ResourceNotFoundException", f"Function not found: {target.arn}"
            else:
                code = "AWS.SimpleQueueService.NonExistentQueue"
                problem = f"The specified queue does not exist: {target.arn}"
            return self._fail(text, flow, code, problem, dead_letter)
        if isinstance(target, Function):
            try:
                event = json.loads(text)
            except ValueError:
                problem = "Could not parse request body into json"
                return self._fail(
                    text, flow, "InvalidRequestContentException", problem, dead_letter
                )
            return target.invoke_async(event)
        try:
            explicit = target.fifo and not target.content_based_deduplication
            target.send(text, group_id=self.message_group_id,
                        deduplication_id=deduplication_id if explicit else None)  # fmt: skip
        except QueueConfigError as exc:
            return self._fail(text, flow, "InvalidParameterValue", str(exc), dead_letter)
        return self._finished(flow, text, "succeeded", "Success")

    def invoke_directly(self, event: dict[str, Any]) -> Delivery | None:
        """What ``send`` does for a function target, given the event itself rather than its
        JSON text: the caller built ``event`` from JSON values, far under the 1 MB limit, for
        this target alone (no copy is made). None when the target is not a live function:
        then ``send`` the text."""
        target = self.target
        if isinstance(target, Function) and not target.deleted:
            return target.invoke_async_built(event)
        return None

    def _fail(
        self, text: str, flow: str, code: str, message: str, dead_letter: DeadLetterAttributes
    ) -> Delivery:
        """A non-retriable failure: straight to the dead-letter queue, or dropped."""
        dlq = self.dead_letter_queue
        where = "dropped (no dead-letter queue)"
        if dlq is not None and not dlq.deleted:
            try:
                dlq.send(text, attributes=dead_letter(code, message))
                where = f"sent to the dead-letter queue {dlq.name}"
            except QueueConfigError as exc:
                where = f"dropped: the dead-letter queue refused it ({exc})"
        return self._finished(flow, text, "failed", code, f"{message}; {where}")

    def _finished(
        self, flow: str, item: str, status: str, condition: str, reason: str | None = None
    ) -> Delivery:
        now = self.harness.clock.now()
        delivery = Delivery(flow=flow, item=item, enqueued_at=now)
        delivery.finish(status, condition, now, reason=reason)
        return self.harness.ledger.open_delivery(delivery)


def _check_range(
    setting: str, name: str, value: Any, limits: tuple[int, int], error: type[HarnessError]
) -> None:
    low, high = limits
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise error(f"{setting}: {name} {value!r}: AWS allows an integer from {low} to {high:,} "
                    "(RetryPolicy)")  # fmt: skip


class Rule:
    """An EventBridge rule with one target: an event pattern on a bus (``bus.rule``) or a
    schedule on the default bus (``h.schedule``).

    ``events`` holds every input sent to the target, in order, as the target received it;
    ``deliveries`` the ``Delivery`` each one produced (for a function, its asynchronous
    invocation); ``fire_times`` the scheduled times a schedule rule fired at.
    """

    def __init__(
        self,
        bus: EventBus,
        name: str,
        target: RuleTarget,
        target_input: TargetInput,
        *,
        pattern: Pattern | None = None,
        expression: str | None = None,
        enabled: bool = True,
        error: type[HarnessError] = EventBusError,
    ) -> None:
        if not isinstance(enabled, bool):
            raise error(f"rule {name}: enabled is True or False, not {enabled!r}")
        self.bus = bus
        self.name = name
        self.target = target
        self.input = target_input
        self.pattern = pattern
        self.expression = expression
        self.enabled = enabled
        harness = bus.harness
        resource = f"rule/{name}" if bus.name == "default" else f"rule/{bus.name}/{name}"
        self.arn = aws.arn(harness.partition, "events", harness.region, harness.account_id,
                           resource)  # fmt: skip
        self.fire_times: list[datetime] = []
        self.events: list[Any] = []
        self.deliveries: list[Delivery] = []

    @property
    def event_pattern(self) -> Mapping[str, Any] | None:
        return None if self.pattern is None else self.pattern.source

    @checked_arguments
    def enable(self) -> None:
        """``EnableRule``."""
        self.enabled = True

    @checked_arguments
    def disable(self) -> None:
        """``DisableRule``: the rule no longer matches events or fires."""
        self.enabled = False

    def matches(self, event: Mapping[str, Any]) -> bool:
        return self.pattern is not None and self.pattern.matches(event)

    def send(self, event: Mapping[str, Any], *, ingestion_time: datetime) -> Delivery:
        """Send ``event`` through the target's input settings to the target."""
        text = self.input.render(event, rule_arn=self.arn, rule_name=self.name,
                                 ingestion_time=ingestion_time)  # fmt: skip
        try:
            self.events.append(json.loads(text))
        except ValueError:  # a text input template need not make JSON
            self.events.append(text)
        delivery = self.target.send(text, flow=f"rule:{self.name}",
                                    deduplication_id=str(event.get("id")),
                                    dead_letter=self._dead_letter_attributes)  # fmt: skip
        self.deliveries.append(delivery)
        return delivery

    def _dead_letter_attributes(self, code: str, message: str) -> dict[str, Any]:
        """Approximation (semantics.md 7.1: the names are UNCONFIRMED): the message attributes
        of an event a rule sends to its dead-letter queue without retrying."""
        return {
            "RULE_ARN": self.arn, "TARGET_ARN": self.target.arn,
            "ERROR_CODE": code, "ERROR_MESSAGE": message,
            "RETRY_ATTEMPTS": {"dataType": "Number", "stringValue": "0"},
        }  # fmt: skip

    def __repr__(self) -> str:
        what = (f"schedule={self.expression!r}" if self.expression is not None
                else f"pattern={json.dumps(self.event_pattern, default=repr)}")  # fmt: skip
        state = "ENABLED" if self.enabled else "DISABLED"
        return (f"<Rule {self.name} {what} {state} target={self.target.target.name} "
                f"events={len(self.events)}>")  # fmt: skip
