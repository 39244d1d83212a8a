"""AWS Secrets Manager: the request a rotation function receives, once per rotation step
(shapes.md section 31)."""

from __future__ import annotations

import re
import string
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_TOKEN = re.compile(r"^[\x21-\x7e]{32,64}$")
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
_PREFIXES = ("prod", "staging", "dev")
_KINDS = ("db-credentials", "api-key", "rds-master", "oauth-client", "smtp-password")


def secret_name(ctx: BuildContext, bits: int | None = None) -> str:
    """A secret name as teams write them: ``prod/orders/db-credentials`` (from the low 32 of
    ``bits``, drawn when not given)."""
    if bits is None:
        bits = ctx.rng.getrandbits(32)
    prefix = _PREFIXES[(bits & 255) % len(_PREFIXES)]
    kind = _KINDS[(bits >> 24 & 255) % len(_KINDS)]
    return f"{prefix}/{NOUNS[(bits >> 8 & 0xFFFF) % len(NOUNS)]}/{kind}"


def secret_arn(ctx: BuildContext, name: str) -> str:
    """A secret's ARN: the name plus the 6 random characters Secrets Manager appends."""
    return ctx.arn("secretsmanager", f"secret:{name}-{aws.chars(ctx.rng, 6, _SUFFIX_ALPHABET)}")


def _token(ctx: BuildContext, option: str, value: str | None, raw: bytes) -> str:
    if value is None:
        return aws.uuid4_from(raw)
    if not _TOKEN.match(value):
        ctx.fail(option, f"{value!r} is not a token: 32 to 64 printable ASCII characters")
    return value


def build_secrets_manager(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One rotation step's request; the four steps of a rotation share SecretId and token."""
    rng = ctx.rng
    # one draw for both tokens, one for the names: the step shifts no other draw
    raw, bits = rng.randbytes(32), rng.getrandbits(34)
    name: str | None = o.secret_name
    if name is None:
        name = secret_name(ctx, bits)
    elif not _NAME.match(name):
        ctx.fail(
            "secret_name",
            f"{name!r} is not a secret name: 1 to 512 of letters, digits and /_+=.@-",
        )
    event = {
        "Step": o.step or STEPS[bits >> 32],
        "SecretId": secret_arn(ctx, name),
        # the ClientRequestToken is the VersionId the new secret value is staged AWSPENDING under
        "ClientRequestToken": _token(ctx, "client_request_token", o.client_request_token, raw),
    }
    # RotationToken is in every current request; rotation_token=None gives the older shape
    if not (o.given("rotation_token") and o.rotation_token is None):
        event["RotationToken"] = _token(ctx, "rotation_token", o.rotation_token, raw[16:])
    return event


SOURCES = (
    EventSource(
        id="secrets_manager",
        service="AWS Secrets Manager",
        invocation="sync",
        builder=build_secrets_manager,
        description="Secrets Manager rotation step request",
        options=(
            Option("step", str, "Step: the rotation step", choices=STEPS),
            Option("secret_name", str, "the secret's name (SecretId is its ARN, with the suffix)"),
            Option("client_request_token", str, "ClientRequestToken: the new version id (UUID)"),
            Option(
                "rotation_token",
                str,
                "RotationToken to pass back to PutSecretValue; None leaves it out (older shape)",
            ),
        ),
    ),
)
