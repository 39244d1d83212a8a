"""AppSync direct Lambda resolver events (Invoke and BatchInvoke): shape, invariants,
overrides, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.parser import models

from pytest_lambda_events import EventConfigError, build_event

AUTH = ("API_KEY", "AMAZON_COGNITO_USER_POOLS", "AWS_IAM", "OPENID_CONNECT", "AWS_LAMBDA")


@pytest.mark.parametrize("auth", AUTH)
@pytest.mark.parametrize("seed", range(20))
def test_validates_with_powertools(seed: int, auth: str) -> None:
    e = build_event("appsync", seed, auth_type=auth)
    models.AppSyncResolverEventModel.model_validate(e)
    identity = e["identity"]
    if auth == "API_KEY":
        assert identity is None and e["request"]["headers"]["x-api-key"].startswith("da2-")
    elif auth == "AWS_LAMBDA":
        assert set(identity) == {"resolverContext"}
    elif auth == "OPENID_CONNECT":
        assert set(identity) == {"claims", "issuer", "sub"}
    else:
        assert identity["sourceIp"] == [
            ip.strip() for ip in e["request"]["headers"]["x-forwarded-for"].split(",")
        ]
    if auth == "AMAZON_COGNITO_USER_POOLS":
        assert identity["issuer"] == identity["claims"]["iss"]
        assert identity["issuer"].startswith(
            "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_"
        )
        assert identity["groups"] == identity["claims"].get("cognito:groups")
    if auth == "AWS_IAM":
        assert identity["accountId"] == "123456789012"
        assert identity["userArn"].startswith("arn:aws:sts::123456789012:assumed-role/")


@pytest.mark.parametrize("seed", range(20))
def test_batch_is_a_list(seed: int) -> None:
    events = build_event("appsync", seed, batch=True)
    assert isinstance(events, list) and 1 <= len(events) <= 2000
    for e in events:
        models.AppSyncResolverEventModel.model_validate(e)  # each item is one Invoke event
        assert e["info"] == events[0]["info"] and e["identity"] == events[0]["identity"]
        assert e["info"]["parentTypeName"] not in ("Query", "Mutation")
        assert isinstance(e["source"], dict)


@pytest.mark.parametrize("seed", range(20))
def test_invariants(seed: int) -> None:
    e = build_event("appsync", seed)
    info = e["info"]
    root = info["parentTypeName"] in ("Query", "Mutation", "Subscription")
    assert (e["source"] is None) is root
    assert e["prev"] is None and e["stash"] == {}
    for path in info["selectionSetList"]:  # every nested path's parents are listed too
        if "/" in path:
            assert path.rsplit("/", 1)[0] in info["selectionSetList"]
    leaves = [p.rsplit("/", 1)[-1] for p in info["selectionSetList"]]
    text = info["selectionSetGraphQL"]
    assert text.startswith("{\n") and text.endswith("\n}")
    assert [line.strip(" {") for line in text.splitlines()[1:-1] if line.strip() != "}"] == leaves
    assert e["request"]["headers"]["host"].endswith(".appsync-api.us-east-1.amazonaws.com")


def test_overrides_land() -> None:
    e = build_event(
        "appsync",
        1,
        field_name="getPost",
        parent_type_name="Query",
        arguments={"id": "p1"},
        variables={"id": "p1"},
        prev={"ok": 1},
        selection_set_list=["id", "author/name"],
    )
    assert (e["info"]["fieldName"], e["info"]["parentTypeName"]) == ("getPost", "Query")
    assert e["arguments"] == {"id": "p1"} and e["info"]["variables"] == {"id": "p1"}
    assert e["prev"] == {"result": {"ok": 1}}
    assert e["info"]["selectionSetList"] == ["id", "author", "author/name"]
    assert e["info"]["selectionSetGraphQL"] == "{\n  id\n  author {\n    name\n  }\n}"
    batch = build_event("appsync", 1, batch=True, sources=[{"id": "a"}, {"id": "b"}])
    assert [b["source"] for b in batch] == [{"id": "a"}, {"id": "b"}]
    assert len(build_event("appsync", 1, batch=True, count=7)) == 7


def test_deterministic() -> None:
    assert build_event("appsync", 3) == build_event("appsync", 3)
    assert build_event("appsync", 3) != build_event("appsync", 4)


@pytest.mark.parametrize(
    ("overrides", "pattern"),
    [
        ({"auth_typ": "API_KEY"}, r"unknown override 'auth_typ'.*did you mean 'auth_type'"),
        ({"auth_type": "IAM"}, r"auth_type: 'IAM' is not allowed.*'AWS_IAM'"),
        ({"count": 3}, r"count: one event per Invoke; pass batch=True"),
        ({"batch": True, "count": 2001}, r"count: 2001 is above AWS's maximum 2,000"),
        ({"batch": True, "parent_type_name": "Query"}, r"batch: BatchInvoke .*parent_type_name"),
        ({"batch": True, "sources": [{}], "count": 2}, r"count: 2 but sources holds 1"),
        ({"sources": ["x"]}, r"sources\[0\]: expected dict"),
    ],
)
def test_bad_input(overrides: dict[str, Any], pattern: str) -> None:
    with pytest.raises(EventConfigError, match=pattern):
        build_event("appsync", 1, **overrides)
