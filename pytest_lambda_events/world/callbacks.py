"""Callbacks a handler owes AWS: a CloudFormation custom resource's PUT to its ``ResponseURL``,
and a CodePipeline job's ``PutJobSuccessResult`` / ``PutJobFailureResult``.

For both sources the handler's return value means nothing. CloudFormation invokes the provider
function asynchronously with an event that includes a callback URL (a presigned S3 URL); if no
response arrives before the timeout period ends, "the request is considered unsuccessful, and the
stack operation fails" (``ServiceTimeout``: an integer from 1 to 3600 seconds, default 3600). A
Lambda invoke action "must" call PutJobSuccessResult or PutJobFailureResult, "otherwise, the
execution of this action hangs until the action times out": CodePipeline waits 20 minutes for a
reply, restarts that timer whenever the function answers "in progress" (a success with a
``continuationToken``, after which it invokes the function again with the token), and fails the
action after 24 hours (CodePipeline quotas).

The harness owns one callback endpoint: an ``http.server`` on 127.0.0.1 and a free port, started
on first use and stopped by ``Harness.close()``. It records every request and answers as S3 (the
PUT) and as CodePipeline's JSON 1.1 API would. No external network is ever used.

Approximations (what differs from AWS):

- ``ResponseURL`` is ``http://127.0.0.1:<port>/<key>?<query>``: the path and query are those of
  the presigned S3 URL the ``cloudformation`` builder makes (the key is
  ``<StackId>|<LogicalResourceId>|<RequestId>``, URL-encoded), but the host is the endpoint's, not
  ``cloudformation-custom-resource-response-<region>.s3...``. The signature is not checked; the URL
  expires 2 hours after signing, as the builder's ``X-Amz-Expires`` says.
- CloudFormation's wording is quoted where users have reported it ("Response object is too
  long.", "Invalid PhysicalResourceId", "Invalid Response object: 'X' is not a valid
  ResponseStatus", "Received response status [FAILED] from custom resource. Message returned:
  ...", "CloudFormation did not receive a response from your Custom Resource. ..."). The words for
  a body that is not a JSON object, a missing or mismatched StackId/RequestId/LogicalResourceId, a
  FAILED response without Reason, a Data that is not an object and a NoEcho that is not a boolean
  are ours, in the same form. The "(RequestId: ...)" suffix carries CloudFormation's RequestId.
- The first PUT received before the timeout decides; later PUTs are recorded and ignored (S3
  accepts them: AWS overwrites the object after CloudFormation has read the first).
- What CloudFormation does next is not simulated: no Delete after a failed Create (rollback), no
  Delete of the old resource after an Update that returned a new PhysicalResourceId (see
  ``CustomResourceRequest.replacement``), no SNS-backed providers.
- The timeout is scheduled once the function's asynchronous attempts are over without a response,
  at request time + ``service_timeout`` (or 20 minutes after a CodePipeline job was handed out), so
  that ``h.run()`` ends there; a status read before reports TIMED_OUT / TimedOut once the virtual
  clock has passed the deadline.
- CodePipeline invokes the function again about 60 s after a continuation (AWS does not document
  the delay), each time with a new job id; a result for a job that is over (answered or timed out)
  gets ``InvalidJobStateException``. Only PutJobSuccessResult and PutJobFailureResult are served
  (other targets get ``UnknownOperationException``); request signatures are not checked;
  ``JobNotFoundException``'s message is ours.
- The function gets ``AWS_ENDPOINT_URL_CODEPIPELINE`` (the SDKs' service-specific endpoint
  variable) in its environment, plus fake temporary credentials (``AWS_ACCESS_KEY_ID``,
  ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, which Lambda always sets from the execution
  role) when its environment has none. Both stay in ``Function.environment``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from .. import aws
from ..building import build, default_registry
from ..errors import CallbackConfigError, EventConfigError
from ..flows.async_invoke import RETRY_DELAYS_S
from ..ledger import Delivery
from .function import Function

if TYPE_CHECKING:
    from . import Harness

# --- CloudFormation ---------------------------------------------------------------------------
REQUEST_TYPES = ("Create", "Update", "Delete")
SERVICE_TIMEOUT_S = (1, 3600)  # ServiceTimeout: an integer from 1 to 3600 (default 3600)
MAX_RESPONSE_BYTES = 4096  # "The total size of the response body can't exceed 4096 bytes."
MAX_PHYSICAL_ID_BYTES = 1024  # PhysicalResourceId "can be up to 1 KB in size"
URL_EXPIRES_S = 7200  # the builder's X-Amz-Expires
RESPONSE_STATUSES = ("SUCCESS", "FAILED")
NO_RESPONSE = (
    "CloudFormation did not receive a response from your Custom Resource. Please check your logs "
    "for requestId [{}]. If you are using the Python cfn-response module, you may need to update "
    "your Lambda function code so that CloudFormation can attach the updated version."
)
# --- CodePipeline -----------------------------------------------------------------------------
TARGET_PREFIX = "CodePipeline_20150709."
OPERATIONS = ("PutJobSuccessResult", "PutJobFailureResult")
FAILURE_TYPES = ("JobFailed", "ConfigurationError", "PermissionError", "RevisionOutOfSync",
                 "RevisionUnavailable", "SystemUnavailable")  # fmt: skip
REPLY_TIMEOUT = timedelta(minutes=20)  # no reply after 20 minutes: the action times out
ACTION_TIMEOUT = timedelta(hours=24)  # not successful after 24 hours: the action fails
CONTINUATION_DELAY_S = 60  # not documented: the re-invocation after a continuation token
MAX_CONTINUATION_TOKEN = 2048
JOB_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
JSON_11 = "application/x-amz-json-1.1"

Answer = tuple[int, dict[str, str], bytes]  # HTTP status, headers, body


@dataclass(frozen=True)
class CallbackRequest:
    """One HTTP request the endpoint received, at the virtual time it arrived."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    at: datetime

    def header(self, name: str) -> str | None:
        """A header's value, whatever the case of its name."""
        lowered = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == lowered), None)

    def json(self) -> Any:
        """The body parsed as JSON (``ValueError`` if it is not JSON)."""
        return json.loads(self.body)


# --- the endpoint -----------------------------------------------------------------------------
class CallbackEndpoint:
    """The harness's HTTP endpoint on 127.0.0.1: every request in ``requests``."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.requests: list[CallbackRequest] = []
        self._lock = threading.Lock()
        self._resources: dict[str, CustomResourceRequest] = {}
        self._jobs: dict[str, CodePipelineJob] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, name=f"callbacks:{self.port}",
                                        daemon=True)  # fmt: skip
        self._thread.start()

    def _serve(self) -> None:
        # handle_request blocks until a connection arrives; close() wakes it with one, so
        # stopping never waits for a poll interval
        while not self._stopping:
            self._server.handle_request()

    def close(self) -> None:
        """Stop serving and free the port."""
        if self._stopping:
            return
        self._stopping = True
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        self._thread.join(timeout=5)
        self._server.server_close()

    def expect_response(self, key: str, resource: CustomResourceRequest) -> None:
        with self._lock:
            self._resources[key] = resource

    def expect_job(self, job_id: str, job: CodePipelineJob) -> None:
        with self._lock:
            self._jobs[job_id] = job

    def receive(self, method: str, target: str, headers: dict[str, str], body: bytes) -> Answer:
        """Record one request and answer it (runs on the server's thread while the handler
        that sent it waits, so the virtual clock stands still)."""
        path, _, query = target.partition("?")
        request = CallbackRequest(method, path, query, headers, body, self.harness.clock.now())
        with self._lock:
            self.requests.append(request)
            operation = request.header("X-Amz-Target")
            if operation is not None:
                return self._codepipeline(operation, request)
            resource = self._resources.get(unquote(path))
            if resource is None or method != "PUT":
                return _s3_error("AccessDenied", "Access Denied")
            return resource.receive(request)

    def _codepipeline(self, target: str, request: CallbackRequest) -> Answer:
        """CodePipeline's JSON 1.1 API: ``X-Amz-Target: CodePipeline_20150709.<Operation>``."""
        operation = target.removeprefix(TARGET_PREFIX)
        if not target.startswith(TARGET_PREFIX) or operation not in OPERATIONS:
            message = f"{target} is not an operation this endpoint serves"
            return self._json_error("UnknownOperationException", message)
        try:
            body = request.json() if request.body else {}
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return self._json_error("SerializationException", "the body is not a JSON object")
        problem = _job_request_problem(operation, body)
        if problem is not None:
            return self._json_error("ValidationException", problem)
        job = self._jobs.get(body["jobId"])
        if job is None:
            return self._json_error(
                "JobNotFoundException",
                f"The job {body['jobId']} was specified in an invalid format or cannot be found.",
            )
        problem = job.receive(operation, body, request)
        if problem is not None:
            return self._json_error("InvalidJobStateException", problem)
        return 200, self._json_headers(), b"{}"

    def _json_headers(self) -> dict[str, str]:
        return {"Content-Type": JSON_11, "x-amzn-RequestId": aws.uuid4(self.harness.rng)}

    def _json_error(self, error_type: str, message: str) -> Answer:
        body = json.dumps({"__type": error_type, "message": message}).encode()
        return 400, self._json_headers(), body


def _handler_for(endpoint: CallbackEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, payload = endpoint.receive(
                self.command, self.path, dict(self.headers.items()), body
            )
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return None  # a test's output is not the place for an access log

    return Handler


def _s3_error(code: str, message: str) -> Answer:
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    )
    return 403, {"Content-Type": "application/xml"}, body.encode()


def endpoint_of(harness: Harness) -> CallbackEndpoint:
    """The harness's endpoint, started on first use."""
    if harness._callbacks is None:
        harness._callbacks = CallbackEndpoint(harness)
    return harness._callbacks


# --- CloudFormation custom resources ----------------------------------------------------------
@dataclass(frozen=True)
class _Verdict:
    """What CloudFormation makes of one PUT body."""

    status: str
    reason: str | None
    physical_resource_id: str | None
    data: dict[str, Any]
    no_echo: bool
    malformed: bool


class CustomResourceRequest:
    """One request CloudFormation sent a custom resource provider, and what came back.

    ``status`` is SUCCESS or FAILED once a response arrived, TIMED_OUT when none arrived within
    ``service_timeout`` seconds, PENDING before. ``response`` is the parsed JSON body the handler
    PUT (None if none, or not JSON); ``stack_event`` is the status reason CloudFormation shows.
    """

    def __init__(self, harness: Harness, function: Function, event: dict[str, Any],
                 service_timeout: int, expires: datetime) -> None:  # fmt: skip
        self.harness = harness
        self.function = function
        self.event = event
        self.service_timeout = service_timeout
        self.requested_at = harness.clock.now()
        self.deadline = self.requested_at + timedelta(seconds=service_timeout)
        self.puts: list[CallbackRequest] = []  # every PUT to the ResponseURL, late ones too
        self.response: dict[str, Any] | None = None
        self.responded_at: datetime | None = None
        self.delivery: Delivery | None = None
        self._expires = expires
        self._verdict: _Verdict | None = None

    @property
    def request_id(self) -> str:
        return str(self.event["RequestId"])

    @property
    def request_type(self) -> str:
        return str(self.event["RequestType"])

    @property
    def response_url(self) -> str:
        return str(self.event["ResponseURL"])

    @property
    def status(self) -> str:
        if self._verdict is not None:
            return self._verdict.status
        return "TIMED_OUT" if self.harness.clock.now() >= self.deadline else "PENDING"

    @property
    def reason(self) -> str | None:
        """The Reason the handler sent, or CloudFormation's complaint about a malformed body."""
        return None if self._verdict is None else self._verdict.reason

    @property
    def physical_resource_id(self) -> str | None:
        return None if self._verdict is None else self._verdict.physical_resource_id

    @property
    def data(self) -> dict[str, Any]:
        """The response's Data: what ``Fn::GetAtt`` reads (empty unless a valid SUCCESS)."""
        return {} if self._verdict is None else self._verdict.data

    @property
    def no_echo(self) -> bool:
        return self._verdict is not None and self._verdict.no_echo

    @property
    def replacement(self) -> bool:
        """An Update answered with a new PhysicalResourceId: CloudFormation treats it as a
        replacement and later sends a Delete for the old one."""
        return (self.request_type == "Update" and self.status == "SUCCESS"
                and self.physical_resource_id != self.event.get("PhysicalResourceId"))  # fmt: skip

    @property
    def resource_status(self) -> str:
        """The resource's status in the stack, e.g. CREATE_COMPLETE or UPDATE_FAILED."""
        outcome = {"SUCCESS": "COMPLETE", "PENDING": "IN_PROGRESS"}.get(self.status, "FAILED")
        return f"{self.request_type.upper()}_{outcome}"

    @property
    def stack_event(self) -> str | None:
        """The status reason of the resource's stack event (None when CloudFormation shows none)."""
        status, verdict = self.status, self._verdict
        if status == "TIMED_OUT":
            return NO_RESPONSE.format(self.request_id)
        if verdict is None or status == "SUCCESS":
            return None
        if verdict.malformed:
            return verdict.reason
        return (
            "Received response status [FAILED] from custom resource. Message returned: "
            f"{verdict.reason} (RequestId: {self.request_id})"
        )

    def receive(self, request: CallbackRequest) -> Answer:
        """A PUT to the ResponseURL: S3 stores it; the first one in time is the response."""
        if request.at > self._expires:
            return _s3_error("AccessDenied", "Request has expired")
        self.puts.append(request)
        if self._verdict is None and request.at <= self.deadline:
            try:
                parsed = request.json()
            except ValueError:
                parsed = None
            self.response = parsed if isinstance(parsed, dict) else None
            self.responded_at = request.at
            self._verdict = _judge(request.body, self.response, self.event)
        etag = hashlib.md5(request.body, usedforsecurity=False).hexdigest()
        return 200, {"ETag": f'"{etag}"'}, b""

    def _settle(self, attempts_over: bool) -> bool:
        """After each attempt: nothing more to wait for once answered; once the attempts are
        over without an answer, the timeout is due at the deadline."""
        if self._verdict is not None:
            return True
        if attempts_over:
            self.harness.agenda.at(self.deadline, self._flow, _nothing)
        return attempts_over

    @property
    def _flow(self) -> str:
        return f"custom-resource:{self.event['LogicalResourceId']}"

    def __repr__(self) -> str:
        return f"<CustomResourceRequest {self.request_type} {self._flow[16:]} {self.status}>"


def _judge(body: bytes, response: dict[str, Any] | None, event: dict[str, Any]) -> _Verdict:
    """Validate the PUT body as CloudFormation does (crpg-ref-responses)."""
    problem = _response_problem(body, response, event)
    pid = None if response is None else response.get("PhysicalResourceId")
    pid = pid if isinstance(pid, str) else None
    if problem is not None:
        return _Verdict("FAILED", problem, pid, {}, False, malformed=True)
    assert response is not None
    data, no_echo = response.get("Data") or {}, bool(response.get("NoEcho"))
    return _Verdict(response["Status"], response.get("Reason"), pid, data, no_echo, False)


def _response_problem(
    body: bytes, response: dict[str, Any] | None, event: dict[str, Any]
) -> str | None:
    if len(body) > MAX_RESPONSE_BYTES:
        return "Response object is too long."
    if response is None:
        return "Invalid Response object: the body is not a JSON object"
    status = response.get("Status")
    if status not in RESPONSE_STATUSES:
        shown = "null" if status is None else f"'{status}'"
        return f"Invalid Response object: {shown} is not a valid ResponseStatus"
    pid = response.get("PhysicalResourceId")
    if not isinstance(pid, str) or not pid or len(pid.encode()) > MAX_PHYSICAL_ID_BYTES:
        return "Invalid PhysicalResourceId"
    for key in ("StackId", "RequestId", "LogicalResourceId"):
        if key not in response:
            return f"Invalid Response object: {key} is required (copy it from the request)"
        if response[key] != event[key]:
            return (
                f"Invalid Response object: {key} {response[key]!r} does not match the "
                f"request's {event[key]!r}"
            )
    reason = response.get("Reason")
    if reason is not None and not isinstance(reason, str):
        return "Invalid Response object: Reason must be a string"
    if status == "FAILED" and not reason:
        return "Invalid Response object: Reason is required when Status is FAILED"
    if response.get("Data") is not None and not isinstance(response["Data"], dict):
        return "Invalid Response object: Data must be a JSON object"
    if response.get("NoEcho") is not None and not isinstance(response["NoEcho"], bool):
        return "Invalid Response object: NoEcho must be a boolean"
    return None


def start_custom_resource(
    harness: Harness,
    function: Function,
    *,
    request_type: str,
    resource_type: str,
    properties: dict[str, Any] | None,
    old_properties: dict[str, Any] | None,
    physical_resource_id: str | None,
    logical_resource_id: str | None,
    stack_name: str | None,
    service_timeout: int,
) -> CustomResourceRequest:
    """Send ``function`` a custom resource request, as CloudFormation does (asynchronously)."""
    _check_function(harness, function, "custom_resource")
    _check_custom_resource(request_type, properties, old_properties, physical_resource_id,
                           service_timeout)  # fmt: skip
    overrides: dict[str, Any] = {
        "request_type": request_type, "resource_type": resource_type,
        "service_token": function.arn, "resource_properties": properties,
        "old_resource_properties": old_properties, "physical_resource_id": physical_resource_id,
        "logical_resource_id": logical_resource_id, "stack_name": stack_name,
    }  # fmt: skip
    event = _build(harness, "cloudformation", overrides, "custom_resource")
    endpoint = endpoint_of(harness)
    url = urlsplit(event["ResponseURL"])
    event["ResponseURL"] = f"{endpoint.url}{url.path}?{url.query}"
    expires = _signed_at(url.query, harness.clock.now()) + timedelta(seconds=URL_EXPIRES_S)
    resource = CustomResourceRequest(harness, function, event, service_timeout, expires)
    endpoint.expect_response(unquote(url.path), resource)
    resource.delivery = function.invoke_async(event)
    _watch(harness, resource.delivery, resource._flow, resource._settle)
    return resource


def _check_custom_resource(
    request_type: str,
    properties: dict[str, Any] | None,
    old_properties: dict[str, Any] | None,
    physical_resource_id: str | None,
    service_timeout: int,
) -> None:
    if request_type not in REQUEST_TYPES:
        raise CallbackConfigError(
            f"custom_resource: request_type {request_type!r}: CloudFormation sends "
            f"{', '.join(REQUEST_TYPES)}"
        )
    low, high = SERVICE_TIMEOUT_S
    if (
        isinstance(service_timeout, bool)
        or not isinstance(service_timeout, int)
        or not (low <= service_timeout <= high)
    ):
        raise CallbackConfigError(
            f"custom_resource: service_timeout {service_timeout!r}: ServiceTimeout must be an "
            f"integer from {low} to {high:,} seconds (default {high:,})"
        )
    for name, value in (("properties", properties), ("old_properties", old_properties)):
        if value is not None and not isinstance(value, dict):
            raise CallbackConfigError(
                f"custom_resource: {name} must be a dict (the template's Properties), "
                f"not {type(value).__name__}"
            )
    if physical_resource_id is not None and request_type == "Create":
        raise CallbackConfigError(
            "custom_resource: physical_resource_id: a Create request has none; pass it with "
            "request_type='Update' or 'Delete'"
        )
    if old_properties is not None and request_type != "Update":
        raise CallbackConfigError(
            f"custom_resource: old_properties: only Update requests carry OldResourceProperties, "
            f"not {request_type}"
        )


def _signed_at(query: str, default: datetime) -> datetime:
    match = re.search(r"X-Amz-Date=(\d{8}T\d{6}Z)", query)
    if match is None:
        return default
    return datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%z")


# --- CodePipeline jobs ------------------------------------------------------------------------
class CodePipelineJob:
    """A Lambda invoke action: the job(s) CodePipeline handed the function, and their results.

    ``status`` is Succeeded or Failed once the function reported it, TimedOut when no result
    came within 20 minutes of a job (or the action ran past 24 hours), InProgress before.
    A success with a ``continuationToken`` makes CodePipeline invoke the function again with a
    new job carrying the token: ``job_ids`` and ``events`` hold every job.
    """

    def __init__(self, harness: Harness, function: Function, overrides: dict[str, Any]) -> None:
        self.harness = harness
        self.function = function
        self.started_at = harness.clock.now()
        self.events: list[dict[str, Any]] = []
        self.job_ids: list[str] = []
        self.deliveries: list[Delivery] = []
        self.requests: list[CallbackRequest] = []  # the accepted PutJob*Result calls
        self.success_result: dict[str, Any] | None = None
        self.failure_result: dict[str, Any] | None = None
        self.continuation_token: str | None = None
        self.reason: str | None = None
        self._overrides = overrides
        self._seed = harness.rng.randrange(2**32)  # every job of the action: same artifacts
        self._states: dict[str, str] = {}
        self._final: str | None = None
        self._deadline = self.started_at + REPLY_TIMEOUT
        self._flow = f"codepipeline:{function.name}"

    @property
    def job_id(self) -> str:
        """The current (latest) job's id."""
        return self.job_ids[-1]

    @property
    def status(self) -> str:
        if self._final is not None:
            return self._final
        if self.harness.clock.now() >= self._deadline:
            return "TimedOut"
        return "InProgress"

    def receive(self, operation: str, body: dict[str, Any], request: CallbackRequest) -> str | None:
        """A PutJobSuccessResult / PutJobFailureResult for one of this action's jobs: None if
        accepted, else why the job's state refuses it."""
        job_id = body["jobId"]
        state = self._states[job_id]
        if state == "InProgress" and request.at >= self._deadline:
            state = "TimedOut"
        if state != "InProgress":
            return f"Job {job_id} is {state}: its result was already decided"
        self.requests.append(request)
        if operation == "PutJobFailureResult":
            self.failure_result = body
            details = body["failureDetails"]
            self._states[job_id] = self._final = "Failed"
            self.reason = f"{details['type']}: {details['message']}"
            return None
        self.success_result = body
        token = body.get("continuationToken")
        if token:
            self._states[job_id] = "Continued"
            self.continuation_token = token
        else:
            self._states[job_id] = self._final = "Succeeded"
        return None

    def _start(self, token: str | None) -> None:
        harness = self.harness
        job_id = aws.uuid4(harness.rng)
        overrides = {**self._overrides, "job_id": job_id, "continuation_token": token}
        event = _build(harness, "codepipeline", overrides, "codepipeline_job", seed=self._seed)
        self.job_ids.append(job_id)
        self.events.append(event)
        self._states[job_id] = "InProgress"
        self._deadline = harness.clock.now() + REPLY_TIMEOUT
        endpoint_of(harness).expect_job(job_id, self)
        delivery = self.function.invoke_async(event)
        self.deliveries.append(delivery)
        _watch(harness, delivery, self._flow, self._settle)

    def _settle(self, attempts_over: bool) -> bool:
        """After each attempt: continue a job the function said is in progress, or make the
        timeout due once the attempts are over without a result."""
        state = self._states[self.job_id]
        if state == "Continued":
            self._continue()
            return True
        if state != "InProgress":
            return True
        if attempts_over:
            self.harness.agenda.at(self._deadline, self._flow, self._time_out)
        return attempts_over

    def _continue(self) -> None:
        harness = self.harness
        when = harness.clock.now() + timedelta(seconds=CONTINUATION_DELAY_S)
        if when - self.started_at > ACTION_TIMEOUT:
            self._final = "TimedOut"
            self.reason = "the Lambda invoke action did not succeed within 24 hours"
            return
        self._deadline = when + REPLY_TIMEOUT
        token = self.continuation_token
        harness.agenda.at(when, self._flow, lambda: self._start(token))

    def _time_out(self) -> None:
        if self._final is None and self._states[self.job_id] == "InProgress":
            self._final = "TimedOut"
            self.reason = (
                f"no PutJobSuccessResult or PutJobFailureResult for job {self.job_id} within "
                "20 minutes"
            )

    def __repr__(self) -> str:
        return f"<CodePipelineJob {self.function.name} jobs={len(self.job_ids)} {self.status}>"


def _job_request_problem(operation: str, body: dict[str, Any]) -> str | None:
    """AWS's validation of the request, in its "1 validation error detected" form."""
    job_id = body.get("jobId")
    if not isinstance(job_id, str) or not JOB_ID.match(job_id):
        return _constraint(
            job_id, "jobId", f"satisfy regular expression pattern: {JOB_ID.pattern[1:-1]}"
        )
    if operation == "PutJobFailureResult":
        details = body.get("failureDetails")
        if not isinstance(details, dict):
            return _constraint(details, "failureDetails", "not be null")
        if details.get("type") not in FAILURE_TYPES:
            return _constraint(details.get("type"), "failureDetails.type",
                               f"satisfy enum value set: [{', '.join(FAILURE_TYPES)}]")  # fmt: skip
        message = details.get("message")
        if not isinstance(message, str) or not 1 <= len(message) <= 5000:
            return _constraint(message, "failureDetails.message",
                               "have length between 1 and 5000")  # fmt: skip
        return None
    token = body.get("continuationToken")
    if token is not None and (not isinstance(token, str)
                              or not 1 <= len(token) <= MAX_CONTINUATION_TOKEN):  # fmt: skip
        return _constraint(token, "continuationToken", "have length between 1 and 2048")
    return None


def _constraint(value: Any, where: str, rule: str) -> str:
    return (
        f"1 validation error detected: Value {'null' if value is None else repr(value)} at "
        f"'{where}' failed to satisfy constraint: Member must {rule}"
    )


def start_codepipeline_job(
    harness: Harness, function: Function, overrides: dict[str, Any]
) -> CodePipelineJob:
    """Hand ``function`` a job, as a Lambda invoke action does (asynchronously)."""
    _check_function(harness, function, "codepipeline_job")
    endpoint = endpoint_of(harness)
    env = function.environment
    env["AWS_ENDPOINT_URL_CODEPIPELINE"] = endpoint.url
    if "AWS_ACCESS_KEY_ID" not in env:  # Lambda sets the execution role's credentials
        rng = harness.rng
        env["AWS_ACCESS_KEY_ID"] = aws.access_key_id(rng, temporary=True)
        env["AWS_SECRET_ACCESS_KEY"] = aws.chars(rng, 40)
        env["AWS_SESSION_TOKEN"] = "IQoJb3JpZ2luX2Vj" + aws.chars(rng, 300)
    job = CodePipelineJob(harness, function, {**overrides, "function_name": function.name})
    _build(harness, "codepipeline", job._overrides, "codepipeline_job")  # bad settings fail now
    job._start(None)
    return job


# --- shared -----------------------------------------------------------------------------------
def _check_function(harness: Harness, function: Any, method: str) -> None:
    if not isinstance(function, Function):
        raise CallbackConfigError(
            f"{method}: function must be a harness function (h.function(handler)), "
            f"not {type(function).__name__}"
        )
    if function.harness is not harness:
        raise CallbackConfigError(f"{method}: function {function.name} belongs to another harness")


def _build(
    harness: Harness, source_id: str, overrides: dict[str, Any], method: str,
    seed: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    given = {**overrides, "time": harness.clock.now()}  # None: the builder's default
    if seed is None:
        seed = harness.rng.randrange(2**32)
    try:
        return build(default_registry().get(source_id), seed, given, region=harness.region,
                     account_id=harness.account_id)  # fmt: skip
    except EventConfigError as exc:
        raise CallbackConfigError(f"{method}: {exc}") from None


def _watch(harness: Harness, delivery: Delivery, flow: str, settle: Callable[[bool], bool]) -> None:
    """Call ``settle(attempts_over)`` after each attempt of an asynchronous delivery until it
    returns True. Each check is queued after the attempt it follows (ties run in the order they
    were scheduled), at the times Lambda retries (2.1)."""

    def check() -> None:
        attempts = delivery.attempts
        if settle(attempts > 0 and delivery.status != "pending"):
            return
        delay = RETRY_DELAYS_S[min(attempts, len(RETRY_DELAYS_S)) - 1] if attempts else 0
        harness.agenda.after(delay, flow, check)

    harness.agenda.after(0, flow, check)


def _nothing() -> None:
    """The timeout's moment: the status is read from the clock."""
