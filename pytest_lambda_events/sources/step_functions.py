"""AWS Step Functions (shapes.md 32): what a Task state invoking Lambda passes to the function.
There is no service envelope: the function gets the state's effective input (the ``Payload``
of ``arn:aws:states:::lambda:invoke``). A ``.waitForTaskToken`` task adds the task token
(``"TaskToken.$": "$$.Task.Token"``) and often the context object (``"Context.$": "$$"``); a
state reached through a ``Catch`` gets ``{"Error", "Cause"}``."""

from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS, PRODUCTS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z

KINDS = ("task", "catch")
MAX_PAYLOAD_BYTES = 262_144  # Step Functions' 256 KB state input/output limit
_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")  # state machine and execution names
_STATES = ("ValidateOrder", "ChargePayment", "ReserveStock", "SendConfirmation", "ShipOrder")
_SERVICE_CAUSES = {  # errors Lambda itself raises, with the message Step Functions records
    "Lambda.ServiceException": "Lambda encountered an internal error (Service: Lambda, "
    "Status Code: 500, Request ID: {})",
    "Lambda.TooManyRequestsException": "Rate Exceeded. (Service: Lambda, Status Code: 429, "
    "Request ID: {})",
    "Lambda.Unknown": "The cause could not be determined because Lambda did not return an error "
    "type. (Request ID: {})",
}
_ERRORS = ("ValueError", "KeyError", "PaymentDeclinedError", "TimeoutError", *_SERVICE_CAUSES)
_ITEM_SHIFTS = (8, 56, 104)
_MESSAGES = {
    "ValueError": "quantity must be positive",
    "KeyError": "'customerId'",
    "PaymentDeclinedError": "card declined by issuer",
    "TimeoutError": "inventory service did not answer in 5 s",
}


def _order(ctx: BuildContext) -> dict[str, Any]:
    """A realistic state input: an order moving through a workflow, from one 256-bit draw
    (the item count, up to three items of 48 bits, then the ids)."""
    b = ctx.getrandbits(256)
    items: list[dict[str, Any]] = []
    total_cents = 0
    for shift in _ITEM_SHIFTS[: 1 + (b & 0xFF) % 3]:
        x = b >> shift & 0xFFFF_FFFF_FFFF
        # prices in whole cents, divided once: they print as the decimals they are
        quantity, cents = 1 + (x & 3), 300 + (x >> 2 & 0xFFFF) % 20_000
        total_cents += quantity * cents
        items.append({
            "sku": f"SKU-{10_000 + (x >> 18 & 0x1FFFF) % 89_999}",
            "name": PRODUCTS[(x >> 35 & 0xFF) % len(PRODUCTS)],
            "quantity": quantity,
            "unitPrice": cents / 100,
        })  # fmt: skip
    return {
        "orderId": f"ord-{b >> 152 & 0xFF_FFFF_FFFF:010x}",
        "customerId": f"cus-{b >> 192 & 0xFFFF_FFFF:08x}",
        "items": items,
        "total": total_cents / 100,
        "currency": "USD",
        "status": "PENDING",
    }


def task_token(ctx: BuildContext) -> str:
    """An opaque task token: long base64 text starting "AQCEAAAA", as Step Functions hands
    them out (~700 characters)."""
    raw = b"\x01\x00\x84\x00\x00\x00" + ctx.rng.randbytes(500 + int(ctx.rng.random() * 64))
    return base64.b64encode(raw).decode()


def _names(ctx: BuildContext, o: Options) -> tuple[str, str]:
    machine = o.state_machine_name
    if machine is None:
        b = ctx.getrandbits(16)
        machine = f"{NOUNS[(b & 0xFF) % len(NOUNS)]}-{ROLES[(b >> 8) % len(ROLES)]}-workflow"
    execution = o.execution_name if o.execution_name is not None else ctx.uuid()
    for option, name in (("state_machine_name", machine), ("execution_name", execution)):
        if not _NAME.match(name):
            ctx.fail(option, f"{name!r}: 1 to 80 characters of A-Z a-z 0-9 - _")
    return machine, execution


def _context(ctx: BuildContext, o: Options, payload: Any, token: str | None) -> dict[str, Any]:
    """The context object ``$$``: execution, state, state machine and (callback) task."""
    machine, execution = _names(ctx, o)
    b = ctx.getrandbits(40)  # the state, then how long ago the state and execution began
    state = o.state_name if o.state_name is not None else _STATES[(b & 0xFF) % len(_STATES)]
    entered = ctx.time - timedelta(milliseconds=5 + (b >> 8 & 0xFF) % 200)
    started: datetime = entered - timedelta(milliseconds=50 + (b >> 16) % 60_000)
    role = ctx.arn("iam", f"role/service-role/StepFunctions-{machine}-role", regional=False)
    context: dict[str, Any] = {
        "Execution": {
            "Id": ctx.arn("states", f"execution:{machine}:{execution}"),
            "Input": payload,
            "Name": execution,
            "RoleArn": role,
            "StartTime": iso_ms_z(started),
            "RedriveCount": 0,
        },
        "State": {"EnteredTime": iso_ms_z(entered), "Name": state, "RetryCount": o.retry_count},
        "StateMachine": {"Id": ctx.arn("states", f"stateMachine:{machine}"), "Name": machine},
    }
    if token is not None:
        context["Task"] = {"Token": token}
    return context


def _caught(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """What a Catch passes on (ResultPath ``$``): the error name and its cause. A function's
    own error carries its Lambda error object as JSON text; service errors carry a message."""
    error: str = o.error if o.error is not None else aws.pick(ctx, _ERRORS)
    if not error:
        ctx.fail("error", "the error name is a non-empty string, e.g. 'States.TaskFailed'")
    if o.cause is not None:
        return {"Error": error, "Cause": o.cause}
    if error in _SERVICE_CAUSES:
        return {"Error": error, "Cause": _SERVICE_CAUSES[error].format(ctx.uuid())}
    detail = {
        "errorMessage": _MESSAGES.get(error, f"{error} raised by the task"),
        "errorType": error,
        "requestId": ctx.uuid(),
        "stackTrace": [
            f'  File "/var/task/app.py", line {20 + ctx.getrandbits(16) % 180}, '
            "in handler\n    return process(event)\n"
        ],
    }
    return {"Error": error, "Cause": json.dumps(detail)}


def build_step_functions(ctx: BuildContext, o: Options) -> Any:
    """The input a Task state passes to Lambda: a realistic order by default."""
    if o.kind == "catch":
        for option in ("payload", "task_token", "with_context"):
            if o.given(option):
                ctx.fail(option, "a Catch passes only {Error, Cause}; use kind='task' for it")
        return _caught(ctx, o)
    for option in ("error", "cause"):
        if getattr(o, option) is not None:
            ctx.fail(option, "only kind='catch' carries an error; pass kind='catch'")
    payload = o.payload if o.payload is not None else _order(ctx)
    event = _with_callback(ctx, o, payload) if o.task_token or o.with_context else payload
    if o.payload is not None:
        size = len(json.dumps(event).encode())
        if size > MAX_PAYLOAD_BYTES:
            ctx.fail("payload", f"{size:,} bytes; a state's input is at most 262,144 (256 KB)")
    return event


def _with_callback(ctx: BuildContext, o: Options, payload: Any) -> dict[str, Any]:
    """The input with the task token and/or the context object added."""
    if not isinstance(payload, dict):
        ctx.fail("payload", "task_token/with_context add keys to the input, so it must be a dict")
    token = task_token(ctx) if o.task_token else None
    event = dict(payload)
    if token is not None:
        event[o.token_field] = token
    if o.with_context:
        event["Context"] = _context(ctx, o, payload, token)
    return event


SOURCES = (
    EventSource(
        id="step_functions",
        service="AWS Step Functions",
        invocation="sync",
        builder=build_step_functions,
        description="Step Functions Task state input (optionally .waitForTaskToken or a Catch)",
        options=(
            Option(
                "kind",
                str,
                "'task': the state input; 'catch': {Error, Cause} after a Catch",
                "task",
                choices=KINDS,
            ),
            Option("payload", (dict, list, str, int, float, bool), "the state input (any JSON)"),
            Option("task_token", bool, ".waitForTaskToken: add the task token", False),
            Option("token_field", str, "the key the token goes under", "TaskToken"),
            Option("with_context", bool, "add the context object $$ under 'Context'", False),
            Option("state_machine_name", str, "context: StateMachine.Name (1-80 A-Z a-z 0-9 - _)"),
            Option("execution_name", str, "context: Execution.Name (default a UUID)"),
            Option("state_name", str, "context: State.Name, the Task state's name"),
            Option("retry_count", int, "context: State.RetryCount", 0, minimum=0),
            Option("error", str, "kind='catch': Error, e.g. 'Lambda.ServiceException'"),
            Option("cause", str, "kind='catch': Cause (text; a function error's is JSON)"),
        ),
    ),
)
