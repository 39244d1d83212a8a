"""Callbacks a handler owes AWS: a custom resource's PUT to its ResponseURL (CloudFormation) and
PutJobSuccessResult / PutJobFailureResult (CodePipeline), captured by the harness's endpoint.

The handlers use only the standard library, as cfn-response does with urllib3 and as botocore
sends CodePipeline's JSON 1.1 requests; one test uses boto3 itself when it is installed."""

import json
import os
import re
import time
import urllib.error
import urllib.request
from datetime import timedelta
from urllib.parse import unquote, urlsplit

import pytest

from pytest_lambda_events import HarnessArgumentError, HarnessError
from pytest_lambda_events.errors import CallbackConfigError
from pytest_lambda_events.world import Harness

_REAL_CLOCK = [time.perf_counter]  # in a list: freezegun rewrites module-level references
JSON_11 = "application/x-amz-json-1.1"
ENV_NAMES = ("AWS_ENDPOINT_URL_CODEPIPELINE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
             "AWS_SESSION_TOKEN")  # fmt: skip


# --- custom resource handlers ---------------------------------------------------------------
def put_response(event, body):
    """PUT a response the way cfn-response does: Content-Type "" and a Content-Length."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"content-type": "", "content-length": str(len(data))}
    request = urllib.request.Request(event["ResponseURL"], data=data, method="PUT", headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.status


def response(event, status="SUCCESS", **fields):
    body = {"Status": status, "PhysicalResourceId": event.get("PhysicalResourceId", "table-1"),
            "StackId": event["StackId"], "RequestId": event["RequestId"],
            "LogicalResourceId": event["LogicalResourceId"]}  # fmt: skip
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def succeeding(event, context):
    put_response(event, response(event, Data={"Arn": "arn:aws:thing:1", "Port": "5432"}))


def refusing(event, context):
    put_response(event, response(event, "FAILED", Reason="quota exceeded for Thing"))


def silent(event, context):
    return {"Status": "SUCCESS"}  # a return value means nothing to CloudFormation


# --- custom resources -----------------------------------------------------------------------
def test_a_success_put_to_the_response_url_completes_the_resource(lambda_harness):
    h = lambda_harness
    fn = h.function(succeeding, name="provider")
    start = h.clock.now()
    cr = h.custom_resource(fn, properties={"Size": 3, "Enabled": True}, stack_name="shop")
    assert (cr.status, cr.resource_status, cr.response) == ("PENDING", "CREATE_IN_PROGRESS", None)
    h.run()
    assert cr.status == "SUCCESS" and cr.resource_status == "CREATE_COMPLETE"
    assert cr.physical_resource_id == "table-1" and cr.stack_event is None
    assert cr.data == {"Arn": "arn:aws:thing:1", "Port": "5432"}
    assert cr.response == response(cr.event, Data=cr.data)
    assert h.clock.now() == start  # answered at once: no timeout is waited for
    assert cr.delivery.status == "succeeded" and fn.invocations[0].invocation_type == "Event"
    event = cr.event
    assert event["RequestType"] == "Create" and "PhysicalResourceId" not in event
    assert event["ServiceToken"] == fn.arn == event["ResourceProperties"]["ServiceToken"]
    assert event["ResourceProperties"]["Size"] == "3"  # CloudFormation passes strings
    assert event["ResourceProperties"]["Enabled"] == "true"
    assert event["ResourceType"] == "Custom::Thing" and ":stack/shop/" in event["StackId"]


def test_the_response_url_is_the_endpoint_with_the_presigned_key(lambda_harness):
    h = lambda_harness
    cr = h.custom_resource(h.function(succeeding, name="provider"), logical_resource_id="Table")
    h.run()
    url = urlsplit(cr.response_url)
    assert (url.scheme, url.hostname) == ("http", "127.0.0.1")
    event = cr.event
    assert unquote(url.path) == f"/{event['StackId']}|Table|{event['RequestId']}"
    assert "X-Amz-Expires=7200" in url.query and "X-Amz-Signature=" in url.query
    [put] = cr.puts
    assert (put.method, put.header("content-type"), put.path) == ("PUT", "", url.path)
    assert put.json() == cr.response and put.at == cr.responded_at


def test_a_failed_response_shows_the_reason_in_the_stack_event(lambda_harness):
    h = lambda_harness
    cr = h.custom_resource(h.function(refusing, name="provider"))
    h.run()
    assert (cr.status, cr.resource_status) == ("FAILED", "CREATE_FAILED")
    assert cr.reason == "quota exceeded for Thing" and cr.data == {}
    assert cr.stack_event == (
        "Received response status [FAILED] from custom resource. Message returned: "
        f"quota exceeded for Thing (RequestId: {cr.request_id})"
    )


def test_no_put_times_out_after_exactly_service_timeout_without_waiting(lambda_harness):
    h = lambda_harness
    fn = h.function(silent, name="provider")
    start = h.clock.now()
    cr = h.custom_resource(fn, service_timeout=900)
    began = _REAL_CLOCK[0]()
    h.run()
    assert _REAL_CLOCK[0]() - began < 1  # 15 virtual minutes, no real waiting
    assert h.clock.now() - start == timedelta(seconds=900)
    assert (cr.status, cr.resource_status, cr.response) == ("TIMED_OUT", "CREATE_FAILED", None)
    assert cr.stack_event == (
        "CloudFormation did not receive a response from your Custom Resource. Please check your "
        f"logs for requestId [{cr.request_id}]. If you are using the Python cfn-response module, "
        "you may need to update your Lambda function code so that CloudFormation can attach the "
        "updated version."
    )
    assert fn.invocations[0].response == {"Status": "SUCCESS"}  # returned, and ignored


def test_the_default_timeout_is_one_hour(lambda_harness):
    h = lambda_harness
    start = h.clock.now()
    cr = h.custom_resource(h.function(silent, name="provider"))
    h.run()
    assert cr.status == "TIMED_OUT" and h.clock.now() - start == timedelta(hours=1)


def test_a_put_after_the_timeout_is_ignored(lambda_harness):
    def slow(event, context):
        time.sleep(2)  # virtual: past the 1-second ServiceTimeout
        assert put_response(event, response(event)) == 200  # S3 still stores it

    h = lambda_harness
    cr = h.custom_resource(h.function(slow, name="provider", timeout=5), service_timeout=1)
    h.run()
    assert cr.status == "TIMED_OUT" and cr.response is None and len(cr.puts) == 1


def test_a_retried_attempt_can_still_answer(lambda_harness):
    """Lambda retries a failed asynchronous invocation after about a minute (2.1)."""
    calls = []

    def flaky(event, context):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("the database is still starting")
        put_response(event, response(event))

    h = lambda_harness
    start = h.clock.now()
    cr = h.custom_resource(h.function(flaky, name="provider"))
    h.run()
    assert cr.status == "SUCCESS" and cr.responded_at - start == timedelta(seconds=60)
    assert h.clock.now() - start == timedelta(seconds=60)


def test_the_first_put_decides(lambda_harness):
    def twice(event, context):
        put_response(event, response(event, "FAILED", Reason="first"))
        put_response(event, response(event))

    h = lambda_harness
    cr = h.custom_resource(h.function(twice, name="provider"))
    h.run()
    assert (cr.status, cr.reason, len(cr.puts)) == ("FAILED", "first", 2)


def _malformed(event):
    good = response(event)
    return {
        "missing PhysicalResourceId": ({**good, "PhysicalResourceId": None},
                                       "Invalid PhysicalResourceId"),
        "empty PhysicalResourceId": ({**good, "PhysicalResourceId": ""},
                                     "Invalid PhysicalResourceId"),
        "bad Status": ({**good, "Status": "FAILURE"},
                       "Invalid Response object: 'FAILURE' is not a valid ResponseStatus"),
        "over 4 KB": ({**good, "Data": {"Blob": "x" * 4096}}, "Response object is too long."),
        "FAILED without Reason": ({**good, "Status": "FAILED"},
                                  "Invalid Response object: Reason is required when Status is "
                                  "FAILED"),
        "another RequestId": ({**good, "RequestId": "0" * 36},
                              "Invalid Response object: RequestId '000"),
        "no StackId": ({**good, "StackId": None}, "Invalid Response object: StackId is required"),
        "Data a list": ({**good, "Data": ["a"]},
                        "Invalid Response object: Data must be a JSON object"),
        "NoEcho a string": ({**good, "NoEcho": "true"},
                            "Invalid Response object: NoEcho must be a boolean"),
        "not JSON": (b"Status=SUCCESS", "Invalid Response object: the body is not a JSON object"),
    }  # fmt: skip


@pytest.mark.parametrize("case", list(_malformed({"StackId": "", "RequestId": "",
                                                   "LogicalResourceId": ""})))  # fmt: skip
def test_a_malformed_response_fails_the_resource_with_aws_wording(lambda_harness, case):
    def handler(event, context):
        body, _ = _malformed(event)[case]
        if isinstance(body, dict):
            body = {k: v for k, v in body.items() if v is not None}
        put_response(event, body)

    h = lambda_harness
    cr = h.custom_resource(h.function(handler, name="provider"))
    h.run()
    expected = _malformed(cr.event)[case][1]
    assert (cr.status, cr.resource_status) == ("FAILED", "CREATE_FAILED")
    assert cr.reason.startswith(expected) and cr.stack_event == cr.reason
    assert cr.data == {}


def test_exactly_4096_bytes_is_accepted(lambda_harness):
    def handler(event, context):
        body = response(event, Data={"Blob": ""})
        pad = 4096 - len(json.dumps(body).encode())
        body["Data"]["Blob"] = "x" * pad
        assert len(json.dumps(body).encode()) == 4096
        put_response(event, body)

    h = lambda_harness
    cr = h.custom_resource(h.function(handler, name="provider"))
    h.run()
    assert cr.status == "SUCCESS"


def test_update_carries_the_physical_id_and_old_properties(lambda_harness):
    def replace(event, context):
        assert event["OldResourceProperties"]["Size"] == "1"
        put_response(event, response(event, PhysicalResourceId="table-2"))

    h = lambda_harness
    fn = h.function(replace, name="provider")
    cr = h.custom_resource(fn, request_type="Update", physical_resource_id="table-1",
                           properties={"Size": 2}, old_properties={"Size": 1})  # fmt: skip
    h.run()
    event = cr.event
    assert event["PhysicalResourceId"] == "table-1"
    assert event["ResourceProperties"]["Size"] == "2"
    assert event["OldResourceProperties"] == {"ServiceToken": fn.arn, "Size": "1"}
    assert (cr.status, cr.resource_status) == ("SUCCESS", "UPDATE_COMPLETE")
    assert cr.physical_resource_id == "table-2" and cr.replacement


def test_delete_carries_the_physical_id_and_no_old_properties(lambda_harness):
    h = lambda_harness
    cr = h.custom_resource(h.function(succeeding, name="provider"), request_type="Delete",
                           physical_resource_id="table-9")  # fmt: skip
    h.run()
    assert cr.event["PhysicalResourceId"] == "table-9"
    assert "OldResourceProperties" not in cr.event
    assert (cr.status, cr.resource_status, cr.replacement) == ("SUCCESS", "DELETE_COMPLETE", False)


def _request(url, method="GET", data=None, headers=None):
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_endpoint_answers_like_s3_and_stops_with_the_harness():
    with Harness(seed=3) as h:
        cr = h.custom_resource(h.function(silent, name="provider"))
        base = cr.response_url.split("/", 3)
        assert _request(cr.response_url)[0] == 403  # a GET on a URL presigned for PUT
        status, body = _request(f"{base[0]}//{base[2]}/other-key", "PUT", b"{}")
        assert status == 403 and b"<Code>AccessDenied</Code>" in body
        assert cr.puts == []
        url = cr.response_url
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(urllib.request.Request(url, data=b"{}", method="PUT"), timeout=2)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"request_type": "Remove"}, r"request_type 'Remove'.*Create, Update, Delete"),
        ({"service_timeout": 0},
         r"service_timeout 0: ServiceTimeout must be an integer from 1 to 3,600"),
        ({"service_timeout": 3601}, r"service_timeout 3601"),
        ({"service_timeout": True}, r"service_timeout True"),
        ({"physical_resource_id": "x"}, r"physical_resource_id: a Create request has none"),
        ({"request_type": "Delete", "old_properties": {"a": 1}},
         r"old_properties: only Update requests carry OldResourceProperties, not Delete"),
        ({"properties": ["a"]}, r"properties must be a dict"),
        ({"resource_type": "Thing"},
         r"custom_resource: cloudformation: resource_type: 'Thing' is not allowed"),
    ],
)  # fmt: skip
def test_bad_custom_resource_settings_say_what_is_allowed(lambda_harness, settings, message):
    h = lambda_harness
    fn = h.function(silent, name="provider")
    with pytest.raises(CallbackConfigError, match=message):
        h.custom_resource(fn, **settings)
    assert fn.invocations == [] and h.run() == 0


def test_the_function_must_be_a_harness_function(lambda_harness):
    h = lambda_harness
    with pytest.raises(CallbackConfigError, match="function must be a harness function"):
        h.custom_resource(silent)
    with pytest.raises(HarnessArgumentError, match=r"did you mean 'service_timeout'"):
        h.custom_resource(h.function(silent, name="provider"), service_timeot=5)
    assert issubclass(CallbackConfigError, HarnessError)


# --- CodePipeline -----------------------------------------------------------------------------
def codepipeline(operation, body):
    """One JSON 1.1 call with the headers botocore sends; returns (HTTP status, parsed body)."""
    request = urllib.request.Request(
        os.environ["AWS_ENDPOINT_URL_CODEPIPELINE"] + "/", data=json.dumps(body).encode(),
        method="POST", headers={"X-Amz-Target": f"CodePipeline_20150709.{operation}",
                                "Content-Type": JSON_11},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            return answer.status, json.loads(answer.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def job_of(event):
    return event["CodePipeline.job"]


def test_put_job_success_result_succeeds_the_action(lambda_harness):
    seen = {}

    def deploy(event, context):
        job = job_of(event)
        seen["env"] = {k: os.environ.get(k) for k in ENV_NAMES}
        seen["answer"] = codepipeline("PutJobSuccessResult", {
            "jobId": job["id"], "executionDetails": {"summary": "deployed", "percentComplete": 100},
        })  # fmt: skip

    h = lambda_harness
    fn = h.function(deploy, name="deployer")
    start = h.clock.now()
    job = h.codepipeline_job(fn, user_parameters='{"stage": "prod"}')
    assert job.status == "InProgress"
    h.run()
    assert job.status == "Succeeded" and h.clock.now() == start
    assert seen["answer"] == (200, {})
    details = {"summary": "deployed", "percentComplete": 100}
    assert job.success_result == {"jobId": job.job_id, "executionDetails": details}
    assert job.failure_result is None and job.continuation_token is None
    config = job_of(job.events[0])["data"]["actionConfiguration"]["configuration"]
    assert config == {"FunctionName": "deployer", "UserParameters": '{"stage": "prod"}'}
    assert seen["env"]["AWS_ENDPOINT_URL_CODEPIPELINE"].startswith("http://127.0.0.1:")
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", seen["env"]["AWS_ACCESS_KEY_ID"])
    assert seen["env"]["AWS_SECRET_ACCESS_KEY"] and seen["env"]["AWS_SESSION_TOKEN"]
    [call] = job.requests
    assert call.header("x-amz-target") == "CodePipeline_20150709.PutJobSuccessResult"
    assert (call.method, call.header("content-type")) == ("POST", JSON_11)


def test_put_job_failure_result_fails_the_action(lambda_harness):
    def deploy(event, context):
        codepipeline("PutJobFailureResult", {"jobId": job_of(event)["id"], "failureDetails": {
            "type": "ConfigurationError", "message": "UserParameters is not JSON"}})  # fmt: skip

    h = lambda_harness
    job = h.codepipeline_job(h.function(deploy, name="deployer"), user_parameters="not json")
    h.run()
    assert job.status == "Failed" and job.success_result is None
    assert job.failure_result["failureDetails"]["type"] == "ConfigurationError"
    assert job.reason == "ConfigurationError: UserParameters is not JSON"


def test_a_continuation_token_invokes_the_function_again_with_it(lambda_harness):
    def deploy(event, context):
        data = job_of(event)["data"]
        body = {"jobId": job_of(event)["id"]}
        if "continuationToken" not in data:
            body["continuationToken"] = "deployment-d-123"
        assert codepipeline("PutJobSuccessResult", body)[0] == 200

    h = lambda_harness
    fn = h.function(deploy, name="deployer")
    start = h.clock.now()
    job = h.codepipeline_job(fn)
    h.run()
    assert job.status == "Succeeded" and len(fn.invocations) == 2
    first, second = (job_of(e) for e in job.events)
    assert first["id"] != second["id"] and job.job_ids == [first["id"], second["id"]]
    assert "continuationToken" not in first["data"]
    assert second["data"]["continuationToken"] == job.continuation_token == "deployment-d-123"
    assert first["data"]["inputArtifacts"] == second["data"]["inputArtifacts"]  # same action
    assert fn.invocations[1].started_at - start == timedelta(seconds=60)
    assert job.success_result == {"jobId": second["id"]}


def test_wrong_requests_get_codepipelines_errors(lambda_harness):
    answers = []

    def deploy(event, context):
        job_id = job_of(event)["id"]
        answers.append(
            codepipeline("PutJobSuccessResult", {"jobId": "11111111-2222-4333-8444-555555555555"})
        )
        answers.append(codepipeline("PutJobSuccessResult", {"jobId": "not-a-uuid"}))
        answers.append(
            codepipeline(
                "PutJobFailureResult",
                {"jobId": job_id, "failureDetails": {"type": "Oops", "message": "x"}},
            )
        )
        answers.append(codepipeline("AcknowledgeJob", {"jobId": job_id, "nonce": "1"}))
        answers.append(codepipeline("PutJobSuccessResult", {"jobId": job_id}))
        answers.append(codepipeline("PutJobSuccessResult", {"jobId": job_id}))  # twice

    h = lambda_harness
    job = h.codepipeline_job(h.function(deploy, name="deployer"))
    h.run()
    [(s1, not_found), (s2, bad_id), (s3, bad_type), (s4, unknown), ok, (s6, again)] = answers
    assert s1 == 400 and not_found["__type"] == "JobNotFoundException"
    assert "cannot be found" in not_found["message"]
    assert s2 == 400 and bad_id["__type"] == "ValidationException"
    assert "Value 'not-a-uuid' at 'jobId' failed to satisfy constraint" in bad_id["message"]
    assert s3 == 400 and "'failureDetails.type'" in bad_type["message"]
    assert "JobFailed, ConfigurationError" in bad_type["message"]
    assert s4 == 400 and unknown["__type"] == "UnknownOperationException"
    assert ok == (200, {})
    assert s6 == 400 and again["__type"] == "InvalidJobStateException"
    assert job.status == "Succeeded" and len(job.requests) == 1


def test_no_result_times_the_action_out_after_20_minutes(lambda_harness):
    def forgetful(event, context):
        return {"status": "done"}  # ignored by CodePipeline

    h = lambda_harness
    start = h.clock.now()
    began = _REAL_CLOCK[0]()
    job = h.codepipeline_job(h.function(forgetful, name="deployer"))
    h.run()
    assert _REAL_CLOCK[0]() - began < 1
    assert job.status == "TimedOut" and h.clock.now() - start == timedelta(minutes=20)
    assert job.job_id in job.reason and job.success_result is None


def test_the_function_keeps_its_own_credentials(lambda_harness):
    seen = []

    def deploy(event, context):
        seen.append(os.environ["AWS_ACCESS_KEY_ID"])
        codepipeline("PutJobSuccessResult", {"jobId": job_of(event)["id"]})

    h = lambda_harness
    fn = h.function(deploy, name="deployer", environment={"AWS_ACCESS_KEY_ID": "AKIAOWN"})
    h.codepipeline_job(fn)
    h.run()
    assert seen == ["AKIAOWN"]


def test_bad_job_settings_say_what_is_allowed(lambda_harness):
    h = lambda_harness
    fn = h.function(silent, name="deployer")
    with pytest.raises(
        CallbackConfigError, match=r"user_parameters: 1001 characters; AWS allows at most 1,000"
    ):
        h.codepipeline_job(fn, user_parameters="x" * 1001)
    with pytest.raises(CallbackConfigError, match=r"input_artifacts: 6 artifacts"):
        h.codepipeline_job(fn, input_artifacts=[f"a{i}" for i in range(6)])
    with pytest.raises(HarnessArgumentError, match=r"did you mean 'user_parameters'"):
        h.codepipeline_job(fn, user_parameter="x")
    assert fn.invocations == [] and h.run() == 0


def test_boto3_reports_results_through_the_endpoint(lambda_harness):
    boto3 = pytest.importorskip("boto3")
    from botocore.exceptions import ClientError

    errors, clients = [], []

    def deploy(event, context):
        if not clients:  # made inside the call: the endpoint comes from the function's environment
            clients.append(boto3.client("codepipeline"))
        client = clients[0]
        job = job_of(event)
        try:
            client.put_job_success_result(jobId="11111111-2222-4333-8444-555555555555")
        except ClientError as error:
            errors.append(error.response["Error"]["Code"])
        if "continuationToken" not in job["data"]:
            client.put_job_success_result(jobId=job["id"], continuationToken="half-way")
        else:
            client.put_job_failure_result(jobId=job["id"], failureDetails={
                "type": "JobFailed", "message": "smoke test failed"})  # fmt: skip

    h = lambda_harness
    fn = h.function(deploy, name="deployer")
    job = h.codepipeline_job(fn)
    h.run()
    assert errors == ["JobNotFoundException", "JobNotFoundException"]
    assert len(fn.invocations) == 2 and job.status == "Failed"
    assert job.reason == "JobFailed: smoke test failed"
    signed = job.requests[0]
    assert signed.header("Authorization").startswith("AWS4-HMAC-SHA256 Credential=ASIA")
    assert signed.header("X-Amz-Security-Token")
