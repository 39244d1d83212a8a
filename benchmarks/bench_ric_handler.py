"""The handler bench_ric.py invokes: small event in, small response out."""


def handler(event, context):
    return {"ok": True, "n": event.get("n"), "request_id": context.aws_request_id}
