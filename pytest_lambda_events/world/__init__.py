"""The simulated AWS side of a test: one virtual clock, and the functions, queues, topics,
buckets and front doors that a flow connects."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from .. import aws
from ..building import DEFAULT_ACCOUNT_ID, DEFAULT_REGION
from ..clock import Agenda, VirtualClock
from ..context import check_runtime
from ..errors import HarnessError, checked_arguments
from ..invoker import Handler, LambdaEnvironment
from ..ledger import Invocation, Ledger
from .eventbridge import EventBus
from .function import Function
from .sqs import Queue

if TYPE_CHECKING:
    from ..flows.front_doors import Alb, FunctionUrl, HttpApi, RestApi
    from .brokers import MqBroker
    from .callbacks import CallbackEndpoint, CodePipelineJob, CustomResourceRequest
    from .documentdb import DocumentDBCollection
    from .dynamodb import DynamoDBTable
    from .kafka import KafkaTopic
    from .kinesis import KinesisStream
    from .s3 import Bucket
    from .schedules import ScheduledRule, SchedulerSchedule
    from .sns import Topic

R = TypeVar("R")
InvocationObserver = Callable[[Invocation], None]


class Harness:
    """The ``lambda_harness`` fixture: build resources, then ``run()`` or ``advance(...)``."""

    def __init__(
        self,
        *,
        seed: int = 0,
        region: str = DEFAULT_REGION,
        account_id: str = DEFAULT_ACCOUNT_ID,
        start: datetime | None = None,
        on_invocation: InvocationObserver | None = None,
        runtime: str = "in-process",
    ) -> None:
        self.region = region
        self.runtime = check_runtime(runtime)  # how functions run unless they say otherwise
        self.account_id = account_id
        self.partition = aws.partition_of(region)
        self.rng = random.Random(seed)
        self.clock = VirtualClock(start)
        self.agenda = Agenda(self.clock)
        self.ledger = Ledger()
        self.environment = LambdaEnvironment()  # Lambda's variables in os.environ
        self.sender_id = aws.iam_unique_id(self.rng, "AIDA")
        self._on_invocation = on_invocation
        self._names: dict[tuple[str, str], Any] = {}
        self._schedules: list[ScheduledRule | SchedulerSchedule] = []
        self._callbacks: CallbackEndpoint | None = None  # started by the first callback flow
        self._closers: list[Callable[[], None]] = []  # e.g. real-runtime environments
        self.clock.start()

    def close(self) -> None:
        """Stop the virtual clock and restore real time (the fixture does this)."""
        while self._closers:
            self._closers.pop()()
        if self._callbacks is not None:
            self._callbacks.close()
        self.clock.stop()
        self.agenda.close()

    def on_close(self, closer: Callable[[], None]) -> None:
        """Have ``close`` call ``closer`` (last registered, first called)."""
        self._closers.append(closer)

    def __enter__(self) -> Harness:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- resources -----------------------------------------------------------------------
    @checked_arguments
    def function(
        self,
        handler: Handler | str,
        name: str | None = None,
        timeout: float = 3,
        memory_size: int = 128,
        environment: dict[str, str] | None = None,
        runtime: str | None = None,
    ) -> Function:
        """A Lambda function running ``handler`` (a callable or ``"package.module.attr"``).

        ``runtime="ric"`` runs it under AWS's runtime interface client in a subprocess (see
        ``pytest_lambda_events.ric``); the default is the harness's (ini ``lambda_runtime``).
        """
        if name is None:
            name = _default_function_name(handler)
        fn = Function(self, handler, name=name, timeout=timeout, memory_size=memory_size,
                      environment=environment, runtime=runtime or self.runtime)  # fmt: skip
        return self._unique("function", name, fn)

    @checked_arguments
    def sqs_queue(self, name: str, *, fifo: bool = False, **settings: Any) -> Queue:
        """An SQS queue (standard, or FIFO with ``fifo=True`` or a ``.fifo`` name)."""
        queue = Queue(self, name, fifo=fifo, **settings)
        return self._unique("queue", queue.name, queue)

    @checked_arguments
    def event_bus(self, name: str = "default") -> EventBus:
        """An EventBridge event bus (``default`` unless named)."""
        existing = self._names.get(("event bus", name))
        return (
            existing
            if existing is not None
            else self._unique("event bus", name, EventBus(self, name))
        )

    @checked_arguments
    def sns_topic(self, name: str, **settings: Any) -> Topic:
        """An SNS topic (standard, or FIFO with ``fifo=True`` or a ``.fifo`` name)."""
        from ..errors import TopicConfigError
        from ._settings import check_settings
        from .sns import SETTINGS, Topic

        check_settings(f"topic {name}", settings, SETTINGS, TopicConfigError)
        topic = Topic(self, name, **settings)
        return self._unique("topic", topic.name, topic)

    @checked_arguments
    def s3_bucket(self, name: str, **settings: Any) -> Bucket:
        """An S3 bucket (``versioning=True`` for versions and delete markers)."""
        from ..errors import BucketConfigError
        from ._settings import check_settings
        from .s3 import SETTINGS, Bucket

        check_settings(f"bucket {name}", settings, SETTINGS, BucketConfigError)
        return self._unique("bucket", name, Bucket(self, name, **settings))

    @checked_arguments
    def kinesis_stream(
        self, name: str, *, shards: int = 1, retention_hours: int = 24
    ) -> KinesisStream:
        """A Kinesis data stream (``shards`` split the hash-key space evenly)."""
        from .kinesis import KinesisStream

        stream = KinesisStream(self, name, shards=shards, retention_hours=retention_hours)
        return self._unique("stream", name, stream)

    @checked_arguments
    def dynamodb_table(
        self,
        name: str,
        *,
        key: tuple[str, ...] | list[str] | str = ("pk",),
        stream_view_type: str | None = "NEW_AND_OLD_IMAGES",
        ttl_attribute: str | None = None,
    ) -> DynamoDBTable:
        """A DynamoDB table with a stream (``stream_view_type=None`` for none)."""
        from .dynamodb import DynamoDBTable

        table = DynamoDBTable(self, name, key=key, stream_view_type=stream_view_type,
                              ttl_attribute=ttl_attribute)  # fmt: skip
        return self._unique("table", name, table)

    @checked_arguments
    def mq_broker(self, name: str, *, engine: str = "ActiveMQ") -> MqBroker:
        """An Amazon MQ broker (``engine`` ActiveMQ or RabbitMQ); ``queue(name)`` for a queue."""
        from .brokers import MqBroker

        return self._unique("broker", name, MqBroker(self, name, engine))

    @checked_arguments
    def documentdb_collection(
        self,
        database: str,
        collection: str,
        *,
        cluster: str | None = None,
        full_document: str = "Default",
    ) -> DocumentDBCollection:
        """A DocumentDB collection with a change stream (``full_document`` Default or
        UpdateLookup, the mapping's FullDocument)."""
        from .documentdb import DocumentDBCollection

        coll = DocumentDBCollection(self, database, collection, cluster=cluster,
                                    full_document=full_document)  # fmt: skip
        return self._unique("collection", f"{coll.cluster}/{database}.{collection}", coll)

    @checked_arguments
    def kafka_topic(
        self,
        name: str,
        *,
        partitions: int = 1,
        cluster: str | None = None,
        self_managed: bool = False,
    ) -> KafkaTopic:
        """A Kafka topic on an Amazon MSK cluster, or a self-managed one (``self_managed``)."""
        from .kafka import KafkaTopic

        topic = KafkaTopic(self, name, partitions=partitions, cluster=cluster,
                           self_managed=self_managed)  # fmt: skip
        return self._unique("kafka topic", f"{topic.cluster}/{name}", topic)

    # --- front doors (synchronous push through an HTTP endpoint) -------------------------
    @checked_arguments
    def rest_api(self, function: Function, **settings: Any) -> RestApi:
        """An API Gateway REST API with a Lambda proxy integration (payload 1.0)."""
        from ..flows.front_doors import RestApi

        return RestApi(self, function, **settings)

    @checked_arguments
    def http_api(self, function: Function, **settings: Any) -> HttpApi:
        """An API Gateway HTTP API with a Lambda integration (payload 2.0)."""
        from ..flows.front_doors import HttpApi

        return HttpApi(self, function, **settings)

    @checked_arguments
    def alb(self, function: Function, multi_value_headers: bool = False, **settings: Any) -> Alb:
        """An Application Load Balancer with the function as its target."""
        from ..flows.front_doors import Alb

        return Alb(self, function, multi_value_headers=multi_value_headers, **settings)

    @checked_arguments
    def function_url(self, function: Function, **settings: Any) -> FunctionUrl:
        """The function's URL (``auth_type`` NONE or AWS_IAM)."""
        from ..flows.front_doors import FunctionUrl

        return FunctionUrl(self, function, **settings)

    # --- schedules (EventBridge rules on a schedule, EventBridge Scheduler) ----------------
    @checked_arguments
    def schedule(
        self,
        expression: str,
        target: Function | Queue,
        *,
        name: str | None = None,
        input: Any = None,
        input_path: str | None = None,
        input_transformer: dict[str, Any] | None = None,
        enabled: bool = True,
        dead_letter_queue: Queue | None = None,
        maximum_retry_attempts: int = 185,
        maximum_event_age: int = 86_400,
        message_group_id: str | None = None,
    ) -> ScheduledRule:
        """An EventBridge rule with a ``ScheduleExpression`` (``rate(...)`` or ``cron(...)``,
        UTC) on the default bus and one target (a function, invoked asynchronously, or a
        queue). It fires on the virtual clock: run it with ``h.advance(...)``."""
        from .schedules import ScheduledRule

        return ScheduledRule.create(
            self, expression, target, name=name, input=input, input_path=input_path,
            input_transformer=input_transformer, enabled=enabled,
            dead_letter_queue=dead_letter_queue, maximum_retry_attempts=maximum_retry_attempts,
            maximum_event_age=maximum_event_age, message_group_id=message_group_id,
        )  # fmt: skip

    @checked_arguments
    def scheduler(
        self,
        expression: str,
        target: Function | Queue,
        *,
        name: str | None = None,
        group: str = "default",
        timezone: str = "UTC",
        start_date: datetime | None = None,
        end_date: datetime | None = None,
        flexible_window: int | str | None = None,
        input: Any = None,
        maximum_retry_attempts: int = 185,
        maximum_event_age: int = 86_400,
        dead_letter_queue: Queue | None = None,
        state: str = "ENABLED",
        action_after_completion: str = "NONE",
        message_group_id: str | None = None,
    ) -> SchedulerSchedule:
        """An EventBridge Scheduler schedule (``rate``, ``cron`` or ``at`` in ``timezone``)
        invoking its target with exactly ``input``. It fires on the virtual clock: run it with
        ``h.advance(...)`` (``h.run()`` finishes only for at() or bounded schedules)."""
        from .schedules import create_scheduler_schedule

        return create_scheduler_schedule(
            self, expression, target, name=name, group=group, timezone=timezone,
            start_date=start_date, end_date=end_date, flexible_window=flexible_window,
            input=input, maximum_retry_attempts=maximum_retry_attempts,
            maximum_event_age=maximum_event_age, dead_letter_queue=dead_letter_queue,
            state=state, action_after_completion=action_after_completion,
            message_group_id=message_group_id,
        )  # fmt: skip

    # --- callbacks (the handler must answer AWS itself) ------------------------------------
    @checked_arguments
    def custom_resource(
        self,
        function: Function,
        *,
        request_type: str = "Create",
        resource_type: str = "Custom::Thing",
        properties: dict[str, Any] | None = None,
        old_properties: dict[str, Any] | None = None,
        physical_resource_id: str | None = None,
        logical_resource_id: str | None = None,
        stack_name: str | None = None,
        service_timeout: int = 3600,
    ) -> CustomResourceRequest:
        """A CloudFormation custom resource request, sent to ``function`` asynchronously with a
        ``ResponseURL`` on the harness's endpoint. The provider must PUT its response there
        before ``service_timeout`` seconds (ServiceTimeout, 1 to 3600); run ``h.run()`` and read
        ``status``, ``response``, ``stack_event``."""
        from .callbacks import start_custom_resource

        return start_custom_resource(
            self, function, request_type=request_type, resource_type=resource_type,
            properties=properties, old_properties=old_properties,
            physical_resource_id=physical_resource_id, logical_resource_id=logical_resource_id,
            stack_name=stack_name, service_timeout=service_timeout,
        )  # fmt: skip

    @checked_arguments
    def codepipeline_job(
        self,
        function: Function,
        *,
        user_parameters: str | None = None,
        pipeline_name: str | None = None,
        input_artifacts: list[str] | None = None,
        output_artifacts: list[str] | None = None,
        artifact_bucket: str | None = None,
        kms_key_id: str | None = None,
    ) -> CodePipelineJob:
        """A CodePipeline Lambda invoke action's job, sent to ``function`` asynchronously. The
        function must call PutJobSuccessResult or PutJobFailureResult (its environment points
        ``AWS_ENDPOINT_URL_CODEPIPELINE`` at the harness's endpoint); run ``h.run()`` and read
        ``status``. ``user_parameters=None``: the action has no UserParameters."""
        from .callbacks import start_codepipeline_job

        return start_codepipeline_job(self, function, {
            "user_parameters": user_parameters, "pipeline_name": pipeline_name,
            "input_artifacts": input_artifacts, "output_artifacts": output_artifacts,
            "artifact_bucket": artifact_bucket, "kms_key_id": kms_key_id,
        })  # fmt: skip

    def _unique(self, kind: str, name: str, resource: R) -> R:
        if (kind, name) in self._names:
            raise HarnessError(f"a {kind} named {name!r} exists already in this harness")
        self._names[kind, name] = resource
        return resource

    def _forget(self, kind: str, name: str) -> None:
        """A deleted resource's name is free again."""
        self._names.pop((kind, name), None)

    # --- time ----------------------------------------------------------------------------
    @checked_arguments
    def run(self) -> int:
        """Advance the virtual clock until no work is due; return the number of steps run.

        Raises ``HarnessStall`` naming the flow if work would never stop being due, and at once
        if a rate or cron schedule with no end would keep firing: schedules need ``advance()``.
        """
        if self._schedules:
            from .schedules import refuse_endless_run

            refuse_endless_run(self._schedules)
        with self.environment.keep():
            return self.agenda.run()

    def advance(self, **span: float) -> int:
        """Run everything due within ``timedelta(**span)`` from now, in time order."""
        try:
            delta = timedelta(**span)
        except TypeError as exc:
            raise HarnessError(
                f"advance() takes timedelta keywords (days, hours, minutes, seconds, ...): {exc}"
            ) from None
        if delta < timedelta(0):
            raise HarnessError("advance() moves forward only; the span must not be negative")
        with self.environment.keep():
            return self.agenda.run(until=self.clock.now() + delta)

    # --- the story so far ------------------------------------------------------------------
    def timeline(self, *, lines_per_lane: int | None = 12) -> str:
        """The ledger as a compact timeline on the virtual clock: per queue, shard or function,
        each invocation's time, attempt, batch and outcome, why it ran again, and each
        delivery's fate. ``lines_per_lane`` caps each lane (None: every invocation)."""
        from ..timeline import check_lines_per_lane, compact_timeline

        lines = check_lines_per_lane(lines_per_lane)
        return compact_timeline(self.ledger, self.clock.now(), lines).text()

    # --- helpers for flows ---------------------------------------------------------------
    def new_request_id(self) -> str:
        return aws.uuid4(self.rng)

    def notify_invocation(self, invocation: Invocation) -> None:
        if self._on_invocation is not None:
            self._on_invocation(invocation)


def _default_function_name(handler: Handler | str) -> str:
    raw = handler.rpartition(".")[0] if isinstance(handler, str) else getattr(
        handler, "__name__", "function")  # fmt: skip
    name = "".join(c if c.isalnum() or c in "-_" else "-" for c in raw.replace(".", "-"))
    return (name or "function")[:64]
