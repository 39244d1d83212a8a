"""VPC Lattice events (v1 and v2): shape, invariants, overrides, bad input."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

SEEDS = range(20)


@pytest.mark.parametrize("seed", SEEDS)
def test_v1_validates_with_powertools(seed: int) -> None:
    models.VpcLatticeModel.model_validate(build_event("vpc_lattice", seed, version="1"))


@pytest.mark.parametrize("seed", SEEDS)
def test_v2_validates_with_powertools(seed: int) -> None:
    e = build_event("vpc_lattice", seed, version="2")
    # Powertools 3.x types v2 headers/query values as str; AWS sends lists (oracles.md), so
    # the model sees them joined and the list shape is checked here.
    assert all(isinstance(v, list) for v in e["headers"].values())
    assert all(isinstance(v, list) for v in e.get("queryStringParameters", {}).values())
    joined = {**e, "headers": {k: ",".join(v) for k, v in e["headers"].items()}}
    if "queryStringParameters" in e:
        joined["queryStringParameters"] = {
            k: ",".join(v) for k, v in e["queryStringParameters"].items()
        }
    models.VpcLatticeV2Model.model_validate(joined)


@pytest.mark.parametrize("seed", SEEDS)
def test_v2_invariants(seed: int) -> None:
    e = build_event("vpc_lattice", seed, version="2", region="eu-central-1")
    rc = e["requestContext"]
    assert e["version"] == "2.0"
    for key, kind in (
        ("serviceNetworkArn", "servicenetwork/sn"),
        ("serviceArn", "service/svc"),
        ("targetGroupArn", "targetgroup/tg"),
    ):
        assert re.fullmatch(
            rf"arn:aws:vpc-lattice:eu-central-1:123456789012:{kind}-[0-9a-f]{{17}}", rc[key]
        )
    assert rc["region"] == "eu-central-1"
    assert re.fullmatch(r"\d{16}", rc["timeEpoch"])  # microseconds, as a string
    svc = rc["serviceArn"].rsplit("/svc-", 1)[1]
    host = e["headers"]["host"][0]
    assert re.fullmatch(
        rf"[a-z0-9-]+-{svc}\.[0-9a-f]{{7}}\.vpc-lattice-svcs\.eu-central-1\.on\.aws", host
    )
    identity = rc["identity"]
    assert identity["sourceVpcArn"].startswith("arn:aws:ec2:eu-central-1:123456789012:vpc/vpc-")
    if identity["type"] == "AWS_IAM":
        assert identity["principal"].endswith("/" + identity["sessionName"])
    if "body" in e and e["isBase64Encoded"]:
        base64.b64decode(e["body"], validate=True)


@pytest.mark.parametrize("seed", SEEDS)
def test_v1_invariants(seed: int) -> None:
    e = build_event("vpc_lattice", seed, version="1")
    assert set(e) == {
        "raw_path",
        "method",
        "headers",
        "query_string_parameters",
        "body",
        "is_base64_encoded",
    }
    assert all(name == name.lower() for name in e["headers"])
    assert e["headers"]["host"].endswith(".vpc-lattice-svcs.us-east-1.on.aws")
    if e["body"] == "":
        assert e["is_base64_encoded"] is False


def test_overrides_land() -> None:
    e = build_event(
        "vpc_lattice",
        1,
        version="2",
        method="POST",
        path="/a",
        body=b"\x00",
        query={"k": ["1", "2"]},
        service_name="billing-api",
        identity_type="NONE",
    )
    assert (e["method"], e["path"], e["body"], e["isBase64Encoded"]) == ("POST", "/a", "AA==", True)
    assert e["queryStringParameters"] == {"k": ["1", "2"]}
    assert e["headers"]["host"][0].startswith("billing-api-")
    assert e["requestContext"]["identity"]["type"] == "NONE"
    assert "principal" not in e["requestContext"]["identity"]
    v1 = build_event(
        "vpc_lattice",
        1,
        version="1",
        query={"k": ["1", "2"]},
        body="hi",
        method="PUT",
        headers={"Content-Type": "text/plain"},
    )
    assert v1["query_string_parameters"] == {"k": "1,2"}
    assert (v1["body"], v1["is_base64_encoded"]) == ("hi", False)


def test_deterministic() -> None:
    assert build_event("vpc_lattice", 2) == build_event("vpc_lattice", 2)
    assert build_event("vpc_lattice", 2) != build_event("vpc_lattice", 3)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"versoin": "1"}, r"unknown override 'versoin'.*did you mean 'version'"),
        ({"version": 2}, r"version: expected str"),
        ({"version": "3"}, r"version: '3' is not allowed"),
        ({"version": "1", "identity_type": "NONE"}, r"identity_type: only version '2'"),
        ({"service_name": "Bad_Name"}, r"service_name: 'Bad_Name'"),
        ({"headers": {"Host": "x.example.com"}}, r"headers: Host"),
    ],
)
def test_bad_input(overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("vpc_lattice", 1, **overrides)
