"""The HTTP front doors of a function (semantics.md 1.4): an API Gateway REST API, an HTTP API,
an Application Load Balancer and the function's URL.

``request()`` builds the event the front door sends with that source's builder, invokes the
function synchronously, once (API Gateway never retries a Lambda call, and neither do the
others), and answers under the source's response contract (``flows.contracts``).

Approximations for request bodies over a limit (AWS documents the limits, not every answer):
REST APIs answer 413 ``{"message":"Request Too Long"}`` over 10 MB, HTTP APIs 413
``{"message":"Request Entity Too Large"}`` over 6 MB, function URLs 413 with Lambda's
``RequestEntityTooLargeException`` message; an event that Lambda refuses (over 6 MB once
encoded) is an invoke error: 500 from API Gateway (documented), 413 from function URLs and ALB
(whose 413 for a body over 1 MB is documented).
"""

from __future__ import annotations

import json
import re
from abc import ABC, abstractmethod
from datetime import timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from .. import aws
from ..building import build, default_registry
from ..errors import EventConfigError, FrontDoorConfigError, checked_arguments, did_you_mean
from ..sources import _http
from . import contracts
from .contracts import HttpResponse

if TYPE_CHECKING:
    from ..ledger import Invocation
    from ..world import Harness
    from ..world.function import Function

LAMBDA_PAYLOAD_BYTES = _http.LAMBDA_PAYLOAD_LIMIT[0]  # 6 MB synchronous request (8.1)
_TIMEOUT_MIN_MS = 50


class _FrontDoor(ABC):
    """One HTTP endpoint in front of a function; ``responses`` holds every answer it gave."""

    source_id: ClassVar[str]
    kind: ClassVar[str]  # the harness method that makes it, for messages
    passthrough: ClassVar[tuple[str, ...]]  # settings that are options of the source's builder
    extra_settings: ClassVar[tuple[str, ...]] = ()
    body_limit: ClassVar[tuple[int, str]]  # the front door's own request body limit

    def __init__(self, harness: Harness, function: Function, **settings: Any) -> None:
        allowed = (*self.passthrough, *self.extra_settings)
        for name in settings:
            if name not in allowed:
                raise FrontDoorConfigError(
                    f"{self.kind}: unknown setting {name!r}{did_you_mean(name, allowed)}; "
                    f"allowed: {', '.join(sorted(allowed))}"
                )
        self.harness = harness
        self.function = function
        self.responses: list[HttpResponse] = []
        self._source = default_registry().get(self.source_id)
        given = {k: v for k, v in settings.items() if k in self.passthrough and v is not None}
        # what stays the same for every request through this front door (ids, stage, ...)
        self.settings: dict[str, Any] = {**self._defaults(given), **given}
        self._configure(settings)
        self._check_settings()

    @checked_arguments
    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, Any] | None = None,
        query: dict[str, Any] | None = None,
        body: str | bytes | None = None,
        cookies: dict[str, str] | list[str] | None = None,
    ) -> HttpResponse:
        """Send one request; return what the client receives (also kept in ``responses``)."""
        overrides = {
            **self.settings,
            "method": method.upper() if isinstance(method, str) else method,
            "path": path,
            "headers": headers or {},
            "query": query,
            "body": body,
            "cookies": cookies if cookies is not None else [],
            "time": self.harness.clock.now(),
        }
        event = self._event(overrides)
        if isinstance(event, HttpResponse):  # refused before the function was invoked
            return self._answer(event)
        answers: list[HttpResponse] = []

        def judge(invocation: Invocation) -> None:
            answers.append(self._respond(invocation))
            contracts.record(invocation, self.source_id, answers[0])

        self.function.invoke_judged(event, judge)  # one call: no retries (1.4)
        return self._answer(answers[0])

    def _event(self, overrides: dict[str, Any]) -> dict[str, Any] | HttpResponse:
        """The event this front door sends, or its answer when a size limit refuses it."""
        self._source.resolve(overrides, self._world())  # a wrong type raises EventConfigError
        body = overrides["body"]
        size = len(body.encode() if isinstance(body, str) else body or b"")
        if size > self.body_limit[0]:
            return self._too_large(f"{size:,} bytes; {self.body_limit[1]}")
        seed = self.harness.rng.randrange(2**32)
        try:
            event = build(self._source, seed, overrides, **self._world())
        except EventConfigError as exc:
            if exc.field != "body":  # only the encoded body's size fails here
                raise
            return self._lambda_refused(_detail(exc, self.source_id))
        size = len(json.dumps(event).encode())
        if size > LAMBDA_PAYLOAD_BYTES:
            return self._lambda_refused(
                f"the event is {size:,} bytes; Lambda takes at most {LAMBDA_PAYLOAD_BYTES:,} "
                "(413 RequestEntityTooLargeException)"
            )
        return event

    # --- what each front door decides ----------------------------------------------------
    def _defaults(self, given: dict[str, Any]) -> dict[str, Any]:
        return {}

    def _configure(self, settings: dict[str, Any]) -> None:
        """Read the settings that are not builder options (API Gateway's timeout)."""
        return None

    def _respond(self, invocation: Invocation) -> HttpResponse:
        return contracts.respond(self.source_id, invocation)

    @abstractmethod
    def _too_large(self, why: str) -> HttpResponse:
        """The answer to a request body over the front door's own limit."""

    def _lambda_refused(self, why: str) -> HttpResponse:
        """Lambda refused the invoke (the event is over its 6 MB request payload)."""
        return self._too_large(why)

    # --- helpers ---------------------------------------------------------------------------
    def _world(self) -> dict[str, str]:
        return {"region": self.harness.region, "account_id": self.harness.account_id}

    def _check_settings(self) -> None:
        """Build one event from the settings alone, so a bad one fails here, not mid-test."""
        try:
            build(self._source, 0, {**self.settings, "time": self.harness.clock.now()},
                  **self._world())  # fmt: skip
        except EventConfigError as exc:
            raise FrontDoorConfigError(f"{self.kind}: {_detail(exc, self.source_id)}") from None

    def _answer(self, response: HttpResponse) -> HttpResponse:
        self.responses.append(response)
        return response

    def __repr__(self) -> str:
        return f"<{type(self).__name__} -> {self.function.name}>"


class _ApiGateway(_FrontDoor):
    """What REST and HTTP APIs share: an integration timeout (``timeoutInMillis``)."""

    extra_settings = ("timeout_in_millis",)
    max_timeout_ms: ClassVar[int]
    timeout_rule: ClassVar[str]
    timeout: timedelta

    def _configure(self, settings: dict[str, Any]) -> None:
        millis = settings.get("timeout_in_millis", self.max_timeout_ms)
        if (
            not isinstance(millis, int)
            or isinstance(millis, bool)
            or not _TIMEOUT_MIN_MS <= millis <= self.max_timeout_ms
        ):
            raise FrontDoorConfigError(f"{self.kind}: timeout_in_millis: {millis!r}; "
                                       f"{self.timeout_rule}")  # fmt: skip
        self.timeout = timedelta(milliseconds=millis)


class RestApi(_ApiGateway):
    """An API Gateway REST API with a Lambda proxy integration (payload 1.0)."""

    source_id = "api_gateway"
    kind = "rest_api"
    passthrough = (
        "stage", "api_id", "resource", "domain_name", "endpoint_type", "stage_variables",
        "authorization_type", "authorizer", "binary_media_types",
    )  # fmt: skip
    body_limit = (10_485_760, "REST APIs take payloads up to 10 MB (10,485,760 bytes)")
    max_timeout_ms = 29_000
    timeout_rule = (
        "the integration timeout is 50 to 29,000 ms (29 s, the default); AWS raises it above "
        "29 s only for Regional and private REST APIs, through a quota increase"
    )

    def _defaults(self, given: dict[str, Any]) -> dict[str, Any]:
        api_id = aws.chars(self.harness.rng, 10, aws.LOWER_DIGITS)
        return {"stage": "prod", "api_id": api_id, "endpoint_type": "REGIONAL"}

    def _respond(self, invocation: Invocation) -> HttpResponse:
        return contracts.respond(
            self.source_id, invocation, timeout=self.timeout,
            binary_media_types=self.settings.get("binary_media_types") or (),
        )  # fmt: skip

    def _too_large(self, why: str) -> HttpResponse:
        body = b'{"message":"Request Too Long"}'  # approximation
        return _refused(413, body, f"request too large: {why}")

    def _lambda_refused(self, why: str) -> HttpResponse:
        # "If the Lambda API rejects the invoke ... the client gets 500" (1.4)
        return _refused(500, contracts.REST_ERROR_BODY, f"Lambda refused the invoke: {why}")


class HttpApi(_ApiGateway):
    """An API Gateway HTTP API with a Lambda integration (payload format 2.0)."""

    source_id = "api_gateway_v2"
    kind = "http_api"
    passthrough = (
        "stage", "api_id", "route_key", "domain_name", "stage_variables", "authorization_type",
        "authorizer",
    )  # fmt: skip
    body_limit = (LAMBDA_PAYLOAD_BYTES, "HTTP APIs take payloads up to 6 MB")
    max_timeout_ms = 30_000
    timeout_rule = (
        "the integration timeout is 50 to 30,000 ms (30 s, the default); HTTP APIs cannot raise it"
    )

    def _defaults(self, given: dict[str, Any]) -> dict[str, Any]:
        return {"stage": "$default", "api_id": aws.chars(self.harness.rng, 10, aws.LOWER_DIGITS)}

    def _respond(self, invocation: Invocation) -> HttpResponse:
        return contracts.respond(self.source_id, invocation, timeout=self.timeout)

    def _too_large(self, why: str) -> HttpResponse:
        body = b'{"message":"Request Entity Too Large"}'  # approximation
        return _refused(413, body, f"request too large: {why}")

    def _lambda_refused(self, why: str) -> HttpResponse:
        return _refused(500, contracts.HTTP_API_ERROR_BODY, f"Lambda refused the invoke: {why}")


class FunctionUrl(_FrontDoor):
    """The function's URL (``auth_type`` NONE or AWS_IAM; the harness signs AWS_IAM requests)."""

    source_id = "function_url"
    kind = "function_url"
    passthrough = ("auth_type", "url_id", "authorizer")
    body_limit = (LAMBDA_PAYLOAD_BYTES, "Lambda takes request payloads up to 6 MB")

    def _defaults(self, given: dict[str, Any]) -> dict[str, Any]:
        return {"auth_type": "NONE", "url_id": aws.chars(self.harness.rng, 32, aws.LOWER_DIGITS)}

    @property
    def url(self) -> str:
        return f"https://{self.settings['url_id']}.lambda-url.{self.harness.region}.on.aws/"

    def _too_large(self, why: str) -> HttpResponse:
        body = (  # approximation: Lambda's Invoke error for an oversized request
            b'{"Message":"Request must be smaller than 6291456 bytes for the InvokeFunction '
            b'operation"}'
        )
        return _refused(413, body, f"RequestEntityTooLargeException: {why}")


class Alb(_FrontDoor):
    """An Application Load Balancer whose target group is the function."""

    source_id = "alb"
    kind = "alb"
    passthrough = ("multi_value_headers", "target_group_name", "domain_name")
    body_limit = (1_048_576, "a load balancer sends Lambda targets at most 1 MB (1,048,576 bytes)")

    def _defaults(self, given: dict[str, Any]) -> dict[str, Any]:
        rng, h = self.harness.rng, self.harness
        base = re.sub(r"[^a-z0-9]+", "-", self.function.name.lower()).strip("-") or "lambda"
        if base.startswith("internal"):  # ELB reserves the internal- prefix
            base = f"fn-{base}"
        group = given.get("target_group_name") or f"{base[:29].rstrip('-')}-tg"
        dns = (f"{base[:20].rstrip('-')}-alb-{rng.randrange(10**9, 10**10)}.{h.region}.elb."
               f"{_http.dns_suffix(h.partition)}")  # fmt: skip
        arn = aws.arn(h.partition, "elasticloadbalancing", h.region, h.account_id,
                      f"targetgroup/{group}/{aws.hex_string(rng, 16)}")  # fmt: skip
        return {"multi_value_headers": False, "target_group_name": group, "domain_name": dns,
                "target_group_arn": arn}  # fmt: skip

    @property
    def target_group_arn(self) -> str:
        return str(self.settings["target_group_arn"])

    def _respond(self, invocation: Invocation) -> HttpResponse:
        multi = bool(self.settings["multi_value_headers"])
        return contracts.respond(self.source_id, invocation, multi_value_headers=multi)

    def _too_large(self, why: str) -> HttpResponse:
        # 413 "the request body is over 1 MB" (ELB troubleshooting guide)
        return contracts.alb_failure(413, f"LambdaRequestTooLarge: {why}")


def _refused(status: int, body: bytes, why: str) -> HttpResponse:
    return HttpResponse(status, {"content-type": [contracts.JSON_TYPE]}, body, rejection=why)


def _detail(exc: EventConfigError, source_id: str) -> str:
    return str(exc).removeprefix(f"{source_id}: ")
