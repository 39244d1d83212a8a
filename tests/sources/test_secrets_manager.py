"""Secrets Manager rotation requests (shapes.md section 31). Powertools has no parser model for
them, so the shape is checked here; the data class is a smoke test of the accessors."""

from __future__ import annotations

import re

import pytest
from aws_lambda_powertools.utilities.data_classes import SecretsManagerEvent

from pytest_lambda_events import EventConfigError, build_event

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"]


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("step", STEPS)
def test_shape_of_every_step(seed: int, step: str) -> None:
    event = build_event("secrets_manager", seed, step=step, region="eu-central-1",
                        account_id="444455556666")  # fmt: skip
    assert list(event) == ["Step", "SecretId", "ClientRequestToken", "RotationToken"]
    assert event["Step"] == step
    assert re.fullmatch(
        r"arn:aws:secretsmanager:eu-central-1:444455556666:secret:[A-Za-z0-9/_+=.@-]+-[A-Za-z0-9]{6}",
        event["SecretId"],
    )
    assert re.fullmatch(UUID, event["ClientRequestToken"])
    assert re.fullmatch(UUID, event["RotationToken"])
    assert event["RotationToken"] != event["ClientRequestToken"]
    wrapped = SecretsManagerEvent(event)
    assert (wrapped.step, wrapped.secret_id) == (step, event["SecretId"])


def test_the_four_steps_of_one_rotation_share_secret_and_token() -> None:
    """Same seed, different step: what a rotation's four invocations look like."""
    events = [build_event("secrets_manager", 7, step=s) for s in STEPS]
    assert len({e["SecretId"] for e in events}) == 1
    assert len({e["ClientRequestToken"] for e in events}) == 1


def test_overrides_land_where_they_belong() -> None:
    event = build_event("secrets_manager", 1, secret_name="prod/db/master",
                        client_request_token="a" * 32, rotation_token="b" * 40,
                        region="us-gov-west-1")  # fmt: skip
    assert event["SecretId"].startswith("arn:aws-us-gov:secretsmanager:us-gov-west-1:")
    assert re.fullmatch(r".*:secret:prod/db/master-[A-Za-z0-9]{6}", event["SecretId"])
    assert event["ClientRequestToken"] == "a" * 32 and event["RotationToken"] == "b" * 40


def test_rotation_token_none_gives_the_older_shape() -> None:
    event = build_event("secrets_manager", 1, rotation_token=None)
    assert "RotationToken" not in event and set(event) == {"Step", "SecretId",
                                                           "ClientRequestToken"}  # fmt: skip


def test_determinism() -> None:
    assert build_event("secrets_manager", 5) == build_event("secrets_manager", 5)
    assert build_event("secrets_manager", 5) != build_event("secrets_manager", 6)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"step": "rotate"}, r"secrets_manager: step: 'rotate' is not allowed.*'createSecret'"),
        ({"step": "createsecret"}, r"did you mean 'createSecret'"),
        ({"secret_name": "bad name!"}, r"secret_name: 'bad name!' is not a secret name: 1 to 512"),
        ({"secret_name": "x" * 513}, r"secret_name: .* 1 to 512"),
        ({"client_request_token": "short"}, r"client_request_token: 'short' is not a token: 32 to"),
        ({"rotation_token": "t" * 65}, r"rotation_token: .* 32 to 64 printable"),
        ({"secret": "x"}, r"unknown override 'secret' \(did you mean 'secret_name'\?\)"),
        ({"step": 1}, r"step: expected str, got int 1"),
    ],
)  # fmt: skip
def test_bad_input(overrides: dict, pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("secrets_manager", 1, **overrides)
