"""AWS CodeCommit: the record a repository trigger sends to Lambda (shapes.md section 13)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import FIRST_NAMES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_offset

EVENT_NAMES = ("ReferenceChanges", "TriggerEventTest")
CHANGES = ("update", "create", "delete")
_REPOSITORY = re.compile(r"^[\w.-]{1,100}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_REF = re.compile(r"^refs/(heads|tags)/[^\s~^:?*\[\\]+$")
_BRANCHES = ("main", "develop", "release/2.4", "feature/checkout-v2", "hotfix/login-timeout")
_TAGS = ("v1.4.0", "v2.0.1", "release-2025-03")
_TRIGGER_KINDS = ("deploy", "notify", "build")
_REPO_KINDS = ("service", "app", "infra")
MAX_CUSTOM_DATA = 1000


def _refs(ctx: BuildContext, o: Options) -> list[str]:
    if o.refs is not None and o.ref is not None:
        ctx.fail("refs", "give either ref or refs, not both")
    refs: list[str] | None = o.refs if o.refs is not None else ([o.ref] if o.ref else None)
    if refs is None:
        rng = ctx.rng
        if rng.random() < 0.15:
            return [f"refs/tags/{aws.pick(rng, _TAGS)}"]
        return [f"refs/heads/{aws.pick(rng, _BRANCHES)}"]
    if not refs:
        ctx.fail("refs", "a trigger record names 1 or more references, not 0")
    out = [r if r.startswith("refs/") else f"refs/heads/{r}" for r in refs]
    for ref in out:
        if not _REF.match(ref):
            option = "refs" if o.refs is not None else "ref"
            ctx.fail(option, f"{ref!r} is not 'refs/heads/<branch>' or 'refs/tags/<tag>'")
    return out


def _references(ctx: BuildContext, o: Options, refs: list[str]) -> list[dict[str, Any]]:
    commit: str | None = o.commit
    if commit is not None and not _COMMIT.match(commit):
        ctx.fail("commit", f"{commit!r} is not a commit id: 40 lower-case hex digits")
    change = o.change or "update"
    references = []
    for ref in refs:
        reference: dict[str, Any] = {"commit": commit or ctx.hex(40), "ref": ref}
        if change == "create":
            reference["created"] = True
        elif change == "delete":
            reference["deleted"] = True
        references.append(reference)
    return references


def _user_arn(ctx: BuildContext) -> str:
    rng = ctx.rng
    if rng.random() < 0.6:
        return ctx.arn("iam", f"user/{aws.pick(rng, FIRST_NAMES).lower()}", regional=False)
    role = f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, ROLES)}"
    session = aws.pick(rng, FIRST_NAMES).lower()
    return ctx.arn("sts", f"assumed-role/{role}/{session}", regional=False)


def _parts(ctx: BuildContext, o: Options) -> tuple[int, int]:
    total = o.event_total_parts or max(1, o.event_part_number or 1)
    part = o.event_part_number or 1
    if part > total:
        ctx.fail("event_part_number", f"part {part} of {total}; eventPartNumber <= eventTotalParts")
    return part, total


def build_codecommit(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One trigger record: the references a push changed in the repository."""
    rng = ctx.rng
    repo: str | None = o.repository
    if repo is None:
        repo = f"{aws.pick(rng, NOUNS)}-{aws.pick(rng, NOUNS)}-{aws.pick(rng, _REPO_KINDS)}"
    elif not _REPOSITORY.match(repo) or repo.endswith(".git"):
        ctx.fail("repository", f"{repo!r} is not a repository name: 1 to 100 of A-Z a-z 0-9 . _ - "
                 "(not ending in .git)")  # fmt: skip
    custom: str | None = o.custom_data
    if custom is not None and len(custom) > MAX_CUSTOM_DATA:
        ctx.fail(
            "custom_data", f"{len(custom)} characters; a trigger's custom data is at most 1,000"
        )
    part, total = _parts(ctx, o)
    references = _references(ctx, o, _refs(ctx, o))
    record: dict[str, Any] = {"awsRegion": ctx.region, "codecommit": {"references": references}}
    if custom is None and not o.given("custom_data") and rng.random() < 0.3:
        custom = f"Notify #{aws.pick(rng, NOUNS)}-deploys"
    if custom is not None:  # only triggers configured with custom data carry the key
        record["customData"] = custom
    ids = rng.randbytes(32)  # eventId and eventTriggerConfigId in one draw
    record.update({
        "eventId": aws.uuid4_from(ids),
        "eventName": o.event_name or "ReferenceChanges",
        "eventPartNumber": part,
        "eventSource": "aws:codecommit",
        "eventSourceARN": ctx.arn("codecommit", repo),
        # the push happened a moment before the trigger fired
        "eventTime": iso_ms_offset(ctx.time - timedelta(milliseconds=int(rng.random() * 900))),
        "eventTotalParts": total,
        "eventTriggerConfigId": aws.uuid4_from(ids[16:]),
        "eventTriggerName": o.trigger_name or f"{repo}-{aws.pick(rng, _TRIGGER_KINDS)}",
        "eventVersion": "1.0",
        "userIdentityARN": o.user_identity_arn or _user_arn(ctx),
    })  # fmt: skip
    return {"Records": [record]}


SOURCES = (
    EventSource(
        id="codecommit",
        service="AWS CodeCommit",
        invocation="async",
        builder=build_codecommit,
        description="CodeCommit repository trigger record",
        options=(
            Option("repository", str, "repository name (eventSourceARN is its ARN)"),
            Option("trigger_name", str, "eventTriggerName"),
            Option(
                "event_name", str, "eventName: a push, or the console's test", choices=EVENT_NAMES
            ),
            Option(
                "ref", str, "the changed ref: 'refs/heads/<branch>', 'refs/tags/<tag>' or a branch"
            ),
            Option("refs", list, "several changed refs in one push", item_type=str),
            Option("commit", str, "the commit id (40 hex) every reference points to"),
            Option("change", str, "update a ref, or create/delete it", choices=CHANGES),
            Option("custom_data", str, "customData configured on the trigger (at most 1,000)"),
            Option("user_identity_arn", str, "userIdentityARN: who pushed"),
            Option("event_part_number", int, "eventPartNumber (large pushes are split)", minimum=1),
            Option("event_total_parts", int, "eventTotalParts", minimum=1),
        ),
    ),
)
