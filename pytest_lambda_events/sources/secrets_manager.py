"""AWS Secrets Manager: the request a rotation function receives, once per rotation step
(shapes.md section 31)."""

from __future__ import annotations

import re
import string
from typing import Any

from .. import aws
from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options

STEPS = ("createSecret", "setSecret", "testSecret", "finishSecret")
_NAME = re.compile(r"^[A-Za-z0-9/_+=.@-]{1,512}$")
_TOKEN = re.compile(r"^[\x21-\x7e]{32,64}$")
_SUFFIX_ALPHABET = string.ascii_letters + string.digits
_PREFIXES = ("prod", "staging", "dev")
_KINDS = ("db-credentials", "api-key", "rds-master", "oauth-client", "smtp-password")
_SUFFIX_TABLE = aws.byte_table(_SUFFIX_ALPHABET)
# every drawn name as teams write them, ``prod/orders/db-credentials`` (3 prefixes x 20 nouns
# x 5 kinds), made once: one lookup per event
_DRAWN_NAMES = tuple(f"{p}/{n}/{k}" for p in _PREFIXES for n in NOUNS for k in _KINDS)


def _check_token(ctx: BuildContext, option: str, value: str) -> str:
    if not _TOKEN.match(value):
        ctx.fail(option, f"{value!r} is not a token: 32 to 64 printable ASCII characters")
    return value


def build_secrets_manager(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One rotation step's request; the four steps of a rotation share SecretId and token."""
    # one draw for the whole event: tokens (256 bits), name (16), step (2), suffix (48); the
    # step shifts no other value, so a rotation's four requests differ only in Step
    b = ctx.getrandbits(322)
    name: str | None = o.secret_name
    if name is None:
        name = _DRAWN_NAMES[(b >> 256 & 0xFFFF) % len(_DRAWN_NAMES)]
    elif not _NAME.match(name):
        ctx.fail(
            "secret_name",
            f"{name!r} is not a secret name: 1 to 512 of letters, digits and /_+=.@-",
        )
    # Secrets Manager appends 6 random characters to the name in the ARN
    suffix = (b >> 274).to_bytes(6, "little").translate(_SUFFIX_TABLE).decode()
    given = o.client_request_token
    event = {
        "Step": o.step or STEPS[b >> 272 & 3],
        "SecretId": f"arn:{ctx.partition}:secretsmanager:{ctx.region}:{ctx.account_id}:"
        f"secret:{name}-{suffix}",
        # the ClientRequestToken is the VersionId the new secret value is staged AWSPENDING under
        "ClientRequestToken": uuid4_from_bits(b)
        if given is None
        else _check_token(ctx, "client_request_token", given),
    }
    # RotationToken is in every current request; rotation_token=None gives the older shape
    given = o.rotation_token
    if given is not None:
        event["RotationToken"] = _check_token(ctx, "rotation_token", given)
    elif not o.given("rotation_token"):
        event["RotationToken"] = uuid4_from_bits(b >> 128)
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
