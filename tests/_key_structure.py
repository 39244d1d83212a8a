"""Key structure of events, for comparing built events with documented ones: the key paths
``.a.b`` (dict keys) and ``.a[].b`` (list items) to depth 4, not descending into free-form maps
(headers, attributes, images, ...) whose keys are names chosen by users."""

from __future__ import annotations

from typing import Any

FREE_FORM = frozenset((
    "headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
    "messageAttributes", "MessageAttributes", "userAttributes", "records", "rmqMessagesByQueue",
    "pathParameters", "stageVariables", "detail", "NewImage", "OldImage", "Keys",
    "clientMetadata", "slots", "sessionAttributes", "requestAttributes", "validationData",
    "claims", "arguments", "variables", "ResourceProperties", "OldResourceProperties",
    "Attributes", "Parameters", "attributes", "query_string_parameters", "identity",
    "properties", "basicProperties", "context", "authorizer", "fullDocument", "documentKey",
    "userArguments", "configuration", "invokingEvent", "response", "request", "cf", "alarmData",
    "ContactData", "dialogAction", "sessionState", "interpretations", "userIdentity",
    "requestContext", "kinesisRecordMetadata", "currentIntent", "commonHeaders", "mail",
    "receipt", "codecommit", "job", "data", "datasetRecords",
))  # fmt: skip


def key_paths(value: Any, prefix: str = "", depth: int = 0) -> set[str]:
    """``.a.b`` for dict keys and ``.a[].b`` for list items, to depth 4."""
    paths: set[str] = set()
    if depth > 3:
        return paths
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}"
            paths.add(path)
            if key not in FREE_FORM:
                paths |= key_paths(item, path, depth + 1)
    elif isinstance(value, list):
        for item in value[:3]:
            paths |= key_paths(item, f"{prefix}[]", depth)
    return paths
