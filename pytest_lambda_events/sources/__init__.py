"""The built-in event sources. They register through the plugin's own hook, exactly as a
third-party plugin would: see ``pytest_lambda_events_register_sources`` below."""

from __future__ import annotations

from types import ModuleType

from ..hookspecs import hookimpl
from ..registry import SourceRegistry
from . import (
    alb,
    api_gateway,
    cloudwatch_logs,
    dynamodb,
    eventbridge,
    function_url,
    kinesis,
    s3,
    sns,
    sqs,
)

MODULES: tuple[ModuleType, ...] = (
    alb, api_gateway, cloudwatch_logs, dynamodb, eventbridge, function_url, kinesis, s3, sns, sqs,
)  # fmt: skip


@hookimpl
def pytest_lambda_events_register_sources(registry: SourceRegistry) -> None:
    for module in MODULES:
        for source in module.SOURCES:
            registry.register(source)
