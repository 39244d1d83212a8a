"""Built-in sources, listed by the registry without importing their modules.

Generated from each module's ``SOURCES`` by ``python -m pytest_lambda_events.sources``: do not
edit by hand (tests/test_manifest.py fails when it is out of date).
"""

from __future__ import annotations

# ruff: noqa: E501
# fmt: off
# (id, module, service, invocation, description, marker_argument)
MANIFEST: tuple[tuple[str, str, str, str, str, str | None], ...] = (
    ("alb", "alb", "Elastic Load Balancing (Application Load Balancer)", "sync", "Application Load Balancer request to a Lambda target group", None),
    ("alexa", "alexa", "Alexa Skills Kit", "sync", "Alexa custom skill request (Launch, Intent or SessionEnded)", "request_type"),
    ("api_gateway", "api_gateway", "Amazon API Gateway", "sync", "API Gateway REST API request (Lambda proxy integration, payload 1.0)", None),
    ("api_gateway_v2", "api_gateway", "Amazon API Gateway", "sync", "API Gateway HTTP API request (payload format 2.0)", None),
    ("api_gateway_authorizer", "api_gateway_authorizer", "Amazon API Gateway", "sync", "API Gateway Lambda authorizer request (REST TOKEN/REQUEST, HTTP API v2)", None),
    ("api_gateway_websocket", "api_gateway_websocket", "Amazon API Gateway", "sync", "API Gateway WebSocket API route event ($connect, message, $disconnect)", None),
    ("appsync", "appsync", "AWS AppSync", "sync", "AppSync direct Lambda resolver invocation (Invoke, or BatchInvoke list)", None),
    ("cloudformation", "cloudformation", "AWS CloudFormation", "async", "CloudFormation custom resource request (Create, Update or Delete)", None),
    ("cloudfront", "cloudfront", "Amazon CloudFront (Lambda@Edge)", "sync", "CloudFront Lambda@Edge viewer/origin request or response event", None),
    ("cloudwatch_alarm", "cloudwatch_alarm", "Amazon CloudWatch", "async", "CloudWatch alarm state change sent by a Lambda alarm action", None),
    ("cloudwatch_logs", "cloudwatch_logs", "Amazon CloudWatch Logs", "async", "CloudWatch Logs subscription filter delivery (awslogs.data, gzip + base64)", None),
    ("codecommit", "codecommit", "AWS CodeCommit", "async", "CodeCommit repository trigger record", None),
    ("codepipeline", "codepipeline", "AWS CodePipeline", "async", "CodePipeline job for a Lambda Invoke action", None),
    ("cognito_user_pool", "cognito", "Amazon Cognito user pools", "sync", "Cognito user pool Lambda trigger (any triggerSource)", "trigger"),
    ("cognito_sync", "cognito", "Amazon Cognito Sync", "sync", "Cognito Sync trigger (SyncTrigger on a dataset)", None),
    ("config", "config", "AWS Config", "async", "AWS Config custom rule evaluation request", None),
    ("connect", "connect", "Amazon Connect", "sync", "Amazon Connect contact flow Lambda invocation (ContactFlowEvent)", None),
    ("custom", "custom", "AWS Lambda", "sync", "on-demand Invoke from an application: arbitrary JSON", None),
    ("documentdb", "documentdb", "Amazon DocumentDB", "poll", "Amazon DocumentDB change stream event source mapping batch", None),
    ("dynamodb", "dynamodb", "Amazon DynamoDB Streams", "poll", "DynamoDB Streams event source mapping batch (one shard)", None),
    ("eventbridge", "eventbridge", "Amazon EventBridge", "async", "EventBridge event (default: EC2 Instance State-change Notification)", None),
    ("scheduled", "eventbridge", "Amazon EventBridge", "async", "EventBridge scheduled rule 'Scheduled Event'", "schedule_expression"),
    ("firehose", "firehose", "Amazon Data Firehose", "sync", "Firehose data transformation batch (Direct PUT or Kinesis stream source)", None),
    ("function_url", "function_url", "AWS Lambda function URLs", "sync", "Lambda function URL request (payload format 2.0)", None),
    ("iot", "iot", "AWS IoT Core", "async", "IoT topic rule Lambda action: the rule's SELECT output (device telemetry)", None),
    ("iot_button", "iot", "AWS IoT Core", "async", "AWS IoT button click (serialNumber, clickType, batteryVoltage)", None),
    ("msk", "kafka", "Amazon MSK", "poll", "Amazon MSK event source mapping batch (records keyed topic-partition)", None),
    ("kafka", "kafka", "Apache Kafka (self-managed)", "poll", "self-managed Apache Kafka event source mapping batch (SelfManagedKafka)", None),
    ("kinesis", "kinesis", "Amazon Kinesis Data Streams", "poll", "Kinesis Data Streams event source mapping batch (one shard)", None),
    ("lex", "lex", "Amazon Lex V1", "sync", "Lex V1 code hook (dialog or fulfillment)", "invocation_source"),
    ("lex_v2", "lex", "Amazon Lex V2", "sync", "Lex V2 code hook (dialog or fulfillment)", "invocation_source"),
    ("mq", "mq", "Amazon MQ (ActiveMQ)", "poll", "Amazon MQ for ActiveMQ event source mapping batch (JMS messages)", None),
    ("rabbitmq", "mq", "Amazon MQ (RabbitMQ)", "poll", "Amazon MQ for RabbitMQ event source mapping batch (rmqMessagesByQueue)", None),
    ("s3", "s3", "Amazon S3", "async", "S3 event notification (one record, as S3 sends it)", None),
    ("s3_batch", "s3_batch", "Amazon S3 Batch Operations", "sync", "S3 Batch Operations LambdaInvoke request (one task)", None),
    ("s3_eventbridge", "s3_eventbridge", "Amazon S3", "async", "S3 event delivered by EventBridge (detail-type 'Object Created' etc.)", None),
    ("s3_object_lambda", "s3_object_lambda", "Amazon S3 Object Lambda", "sync", "S3 Object Lambda access point request (getObjectContext etc.)", None),
    ("scheduler", "scheduler", "Amazon EventBridge Scheduler", "async", "EventBridge Scheduler target Input with its context attributes filled", None),
    ("secrets_manager", "secrets_manager", "AWS Secrets Manager", "sync", "Secrets Manager rotation step request", None),
    ("ses", "ses", "Amazon SES", "async", "SES email receiving, receipt rule Lambda action (headers only)", None),
    ("sns", "sns", "Amazon SNS", "async", "SNS notification delivered to a Lambda subscription (one record)", None),
    ("sqs", "sqs", "Amazon SQS", "poll", "SQS event source mapping batch (standard or FIFO queue)", None),
    ("step_functions", "step_functions", "AWS Step Functions", "sync", "Step Functions Task state input (optionally .waitForTaskToken or a Catch)", None),
    ("vpc_lattice", "vpc_lattice", "Amazon VPC Lattice", "sync", "VPC Lattice request to a Lambda target group (event structure v1 or v2)", None),
)
# fmt: on
