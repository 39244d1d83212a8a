"""Key structure of built events against AWS's and Powertools' published sample events.

The samples live beside the project in ``../shared/reference/samples`` while it is developed
(users' clones do not have them: the test skips). For each sample, every key path the sample has
(to depth 4; free-form maps such as headers or DynamoDB images are not descended into) must also
be in the event the builder makes for the same variant, except the optional keys listed with
their reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pytest_lambda_events import build_event

from ._key_structure import key_paths

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "reference" / "samples"
# sample file: (source id, overrides, optional keys the sample has and our default event may
# leave out, with why)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, str]]] = {
    "activemq-event.json": ("mq", {}, {}),
    "rabbitmq-event.json": ("rabbitmq", {}, {}),
    "kafka-event.json": ("msk", {}, {}),
    "kafkaEventSelfManaged.json": ("kafka", {}, {}),
    "apiGatewayWebSocketApiConnect.json": ("api_gateway_websocket", {"event_type": "CONNECT"}, {}),
    "apiGatewayWebSocketApiMessage.json": ("api_gateway_websocket", {"event_type": "MESSAGE"}, {}),
    "apiGatewayWebSocketApiDisconnect.json": (
        "api_gateway_websocket",
        {"event_type": "DISCONNECT"},
        {},
    ),
    "apiGatewayAuthorizerTokenEvent.json": ("api_gateway_authorizer", {"kind": "token"}, {}),
    "apigw-custom-auth-request-type-request.json": (
        "api_gateway_authorizer",
        {"kind": "request"},
        {},
    ),
    "apigw-v2-custom-authorizer-v2-request.json": (
        "api_gateway_authorizer",
        {"kind": "v2", "route_key": "GET /my/{parameter1}"},
        {
            ".cookies": "only when the request has cookies",
            ".queryStringParameters": "only when the request has a query string",
            ".stageVariables": "only when the stage has variables",
        },
    ),
    "appSyncDirectResolver.json": ("appsync", {}, {}),
    "cloudformationCustomResourceCreate.json": ("cloudformation", {"request_type": "Create"}, {}),
    "cloudformationCustomResourceUpdate.json": ("cloudformation", {"request_type": "Update"}, {}),
    "cloudformationCustomResourceDelete.json": ("cloudformation", {"request_type": "Delete"}, {}),
    "code-commit-event.json": ("codecommit", {}, {}),
    "codePipelineEvent.json": ("codepipeline", {}, {}),
    "config-event.json": ("config", {}, {}),
    "awsConfigRuleScheduled.json": ("config", {"message_type": "ScheduledNotification"}, {}),
    "connectContactFlowEventAll.json": ("connect", {}, {}),
    "iot-button-event.json": ("iot_button", {}, {}),
    "kinesisFirehoseKinesisEvent.json": ("firehose", {"source_stream": True}, {}),
    "kinesisFirehosePutEvent.json": ("firehose", {}, {}),
    "lex-event.json": ("lex", {}, {}),
    "s3BatchOperationEventSchemaV1.json": ("s3_batch", {"schema_version": "1.0"}, {}),
    "s3BatchOperationEventSchemaV2.json": ("s3_batch", {"schema_version": "2.0"}, {}),
    "s3-object-lambda-event-get-object-iam.json": ("s3_object_lambda", {}, {}),
    "secretsManagerEvent.json": ("secrets_manager", {}, {}),
    "sesEvent.json": ("ses", {}, {}),
    "cognito-event.json": ("cognito_sync", {}, {}),
    "cognitoPreSignUpEvent.json": ("cognito_user_pool", {}, {}),
    "cognitoCustomMessageEvent.json": (
        "cognito_user_pool",
        {"trigger": "CustomMessage_SignUp"},
        {".callerContext.awsSdk": "Powertools' sample spells AWS's awsSdkVersion this way"},
    ),
    "cloudWatchAlarmEventSingleMetric.json": ("cloudwatch_alarm", {"kind": "metric"}, {}),
    "cloudWatchAlarmEventCompositeMetric.json": ("cloudwatch_alarm", {"kind": "composite"}, {}),
    "s3EventBridgeNotificationObjectCreatedEvent.json": ("s3_eventbridge", {}, {}),
    "vpcLatticeEvent.json": ("vpc_lattice", {"version": "1"}, {}),
    "vpcLatticeV2Event.json": (
        "vpc_lattice",
        {"version": "2"},
        {
            ".body": "only when the request has a body",
            ".queryStringParameters": "only when the request has a query string",
        },
    ),
    "eventBridgeSchedulerEvent.json": ("scheduler", {"default_notification": True}, {}),
    "sqsEvent.json": ("sqs", {}, {}),
    "snsEvent.json": ("sns", {}, {}),
    "s3Event.json": ("s3", {}, {}),
    "kinesisStreamEvent.json": ("kinesis", {}, {}),
    "dynamoStreamEvent.json": (
        "dynamodb",
        {"event_name": "MODIFY", "stream_view_type": "NEW_AND_OLD_IMAGES"},
        {},
    ),
    "albEvent.json": ("alb", {}, {}),
    "apiGatewayProxyEvent.json": (
        "api_gateway",
        {},
        {
            ".version": "Powertools' sample has HTTP API payload 1.0's version; REST API events "
            "(AWS's own example) have none",
        },
    ),
    "apiGatewayProxyV2Event.json": (
        "api_gateway_v2",
        {"route_key": "POST /my/{parameter1}", "cookies": {"cookie1": "value1"}},
        {
            ".queryStringParameters": "only when the request has a query string",
            ".stageVariables": "only when the stage has variables",
        },
    ),
    "lambdaFunctionUrlEvent.json": ("function_url", {}, {}),
    "cloudWatchLogEvent.json": ("cloudwatch_logs", {}, {}),
    "eventBridgeEvent.json": (
        "eventbridge",
        {},
        {
            ".replay-name": "only on events replayed from an archive",
        },
    ),
}


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="the reference samples are not beside the clone")
@pytest.mark.parametrize("sample", sorted(CASES))
def test_the_built_event_has_every_key_of_the_sample(sample: str) -> None:
    source_id, overrides, optional = CASES[sample]
    path = next(SAMPLES.rglob(sample))
    ours = build_event(source_id, 0, **overrides)
    missing = key_paths(json.loads(path.read_text())) - key_paths(ours) - optional.keys()
    assert not missing, f"{source_id} lacks {sorted(missing)} that {sample} has"
