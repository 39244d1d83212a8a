"""Handlers that the real-runtime tests run in both modes (``runtime="ric"`` imports them by name
in its subprocess, so they live in a module of their own)."""

import os
import sys
import time
from decimal import Decimal

WARM = []  # module state: kept while the execution environment is warm


def echo(event, context):
    WARM.append(1)
    return {
        "event": event,
        "warm_calls": len(WARM),
        "request_id": context.aws_request_id,
        "function_name": context.function_name,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "invoked_function_arn": context.invoked_function_arn,
        "log_group_name": context.log_group_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "now": time.time(),
        "trace_id_set": bool(os.environ.get("_X_AMZN_TRACE_ID")),
        "region": os.environ.get("AWS_REGION"),
        "handler_variable": os.environ.get("_HANDLER"),
        "custom": os.environ.get("GREETING"),
    }


def fail(event, context):
    raise ValueError(f"cannot take {event.get('n')}")


def fail_odd_attempts(event, context):
    WARM.append(1)
    if len(WARM) % 2:
        raise RuntimeError("odd call")
    return "even call"


def sleep_for(event, context):
    time.sleep(event["seconds"])
    return {"remaining_ms": context.get_remaining_time_in_millis(), "now": time.time()}


def returns_a_set(event, context):
    return {"ids": {1, 2}}


def returns_decimals(event, context):
    return {"price": Decimal("9.50"), "pair": (1, 2)}


def returns_bytes(event, context):
    return b"\x89PNG"


def returns_too_much(event, context):
    return "x" * 6_291_556


def exits(event, context):
    os._exit(7)  # no cleanup: only a separate process survives this


def calls_sys_exit(event, context):
    WARM.append(1)
    if "status" in event:
        sys.exit(event["status"])
    return len(WARM)


def partial_batch(event, context):
    """SQS: report the records whose body says "bad"."""
    failures = [
        {"itemIdentifier": record["messageId"]}
        for record in event["Records"]
        if record["body"] == "bad"
    ]
    return {"batchItemFailures": failures}


def kinesis_poison(event, context):
    """Kinesis: fail any batch holding the record whose data is base64 of b"poison"."""
    if any(r["kinesis"]["data"] == "cG9pc29u" for r in event["Records"]):
        raise ValueError("poison record in batch")
    return None


def leaks(event, context):
    """Changes its process: the variables, the module's state."""
    os.environ["LEAKED_BY_HANDLER"] = "yes"
    WARM.append("leaked")
    return os.getpid()


def spin(event, context):
    """Busy without sleeping: virtual time stands still, real time runs out."""
    while True:
        pass
