"""AWS CodeCommit: the record a repository trigger sends to Lambda (shapes.md section 13)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from ..aws import uuid4_from_bits
from ..building import BuildContext
from ..content import FIRST_NAMES, NOUNS, ROLES
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_offset, iso_of_ms

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
_MASK_160 = (1 << 160) - 1
# how long before the trigger fired the push happened: 0 to 882 ms, as made datetime deltas
# (building a timedelta per event costs more than subtracting one)
_PUSH_LAGS = tuple(timedelta(milliseconds=14 * i) for i in range(64))


def _refs(ctx: BuildContext, o: Options, bits: int) -> list[str]:
    """The changed refs: given, or a branch (or, for 10 in 64 pushes, a tag) from 10 bits."""
    if o.refs is not None and o.ref is not None:
        ctx.fail("refs", "give either ref or refs, not both")
    refs: list[str] | None = o.refs if o.refs is not None else ([o.ref] if o.ref else None)
    if refs is None:
        if (bits & 63) < 10:
            return [f"refs/tags/{_TAGS[(bits >> 6 & 15) % len(_TAGS)]}"]
        return [f"refs/heads/{_BRANCHES[(bits >> 6 & 15) % len(_BRANCHES)]}"]
    if not refs:
        ctx.fail("refs", "a trigger record names 1 or more references, not 0")
    out = [r if r.startswith("refs/") else f"refs/heads/{r}" for r in refs]
    for ref in out:
        if not _REF.match(ref):
            option = "refs" if o.refs is not None else "ref"
            ctx.fail(option, f"{ref!r} is not 'refs/heads/<branch>' or 'refs/tags/<tag>'")
    return out


def _references(
    ctx: BuildContext, o: Options, refs: list[str], first_commit: str
) -> list[dict[str, Any]]:
    commit: str | None = o.commit
    if commit is not None and not _COMMIT.match(commit):
        ctx.fail("commit", f"{commit!r} is not a commit id: 40 lower-case hex digits")
    change = o.change or "update"
    references = []
    for i, ref in enumerate(refs):
        drawn = first_commit if i == 0 else ctx.hex(40)  # each pushed ref has its own commit
        reference: dict[str, Any] = {"commit": commit or drawn, "ref": ref}
        if change == "create":
            reference["created"] = True
        elif change == "delete":
            reference["deleted"] = True
        references.append(reference)
    return references


def _user_arn(ctx: BuildContext, bits: int) -> str:
    """Who pushed, from 18 bits: an IAM user (10 in 16 pushes) or an assumed role's session."""
    person = FIRST_NAMES[(bits >> 4 & 31) % len(FIRST_NAMES)].lower()
    if (bits & 15) < 10:
        return f"arn:{ctx.partition}:iam::{ctx.account_id}:user/{person}"
    role = f"{NOUNS[(bits >> 9 & 31) % len(NOUNS)]}-{ROLES[(bits >> 14 & 15) % len(ROLES)]}"
    return f"arn:{ctx.partition}:sts::{ctx.account_id}:assumed-role/{role}/{person}"


def _parts(ctx: BuildContext, o: Options) -> tuple[int, int]:
    total = o.event_total_parts or max(1, o.event_part_number or 1)
    part = o.event_part_number or 1
    if part > total:
        ctx.fail("event_part_number", f"part {part} of {total}; eventPartNumber <= eventTotalParts")
    return part, total


# the drawn refs and custom data as whole texts, indexed as ``_refs`` and the builder pick them
_TAG_REFS = tuple(f"refs/tags/{tag}" for tag in _TAGS)
_BRANCH_REFS = tuple(f"refs/heads/{branch}" for branch in _BRANCHES)
_CUSTOM_DATA = tuple(f"Notify #{noun}-deploys" for noun in NOUNS)
_LOWER_FIRST_NAMES = tuple(name.lower() for name in FIRST_NAMES)


def _default_codecommit(ctx: BuildContext) -> dict[str, Any]:
    """The default record (no overrides) written at once: the general path's values from the
    same draw, without its checks of options that were not given."""
    b = ctx.getrandbits(477)
    small = b >> 416
    p, region, account = ctx.partition, ctx.region, ctx.account_id
    kind = _REPO_KINDS[(small >> 10 & 3) % 3]
    repo = f"{NOUNS[(small & 31) % 20]}-{NOUNS[(small >> 5 & 31) % 20]}-{kind}"
    refs = small >> 12
    i = refs >> 6 & 15  # a branch, or for 10 in 64 pushes a tag
    ref = _TAG_REFS[i % 3] if (refs & 63) < 10 else _BRANCH_REFS[i % 5]
    commit = (b >> 256 & _MASK_160).to_bytes(20, "little").hex()
    record: dict[str, Any] = {"awsRegion": region, "codecommit": {"references": [
        {"commit": commit, "ref": ref}
    ]}}  # fmt: skip
    if (small >> 22 & 15) < 5:  # only triggers configured with custom data carry the key
        record["customData"] = _CUSTOM_DATA[(small >> 26 & 31) % 20]
    who = small >> 39  # an IAM user (10 in 16 pushes) or an assumed role's session
    person = _LOWER_FIRST_NAMES[(who >> 4 & 31) % len(FIRST_NAMES)]
    if (who & 15) < 10:
        user = f"arn:{p}:iam::{account}:user/{person}"
    else:
        role = f"{NOUNS[(who >> 9 & 31) % 20]}-{ROLES[(who >> 14 & 15) % len(ROLES)]}"
        user = f"arn:{p}:sts::{account}:assumed-role/{role}/{person}"
    record.update({
        "eventId": uuid4_from_bits(b),
        "eventName": "ReferenceChanges",
        "eventPartNumber": 1,
        "eventSource": "aws:codecommit",
        "eventSourceARN": f"arn:{p}:codecommit:{region}:{account}:{repo}",
        # the push happened 0 to 882 ms before the trigger fired (as ``_PUSH_LAGS``)
        "eventTime": iso_of_ms(ctx.time_ms - 14 * (small >> 33 & 63)) + "+0000",
        "eventTotalParts": 1,
        "eventTriggerConfigId": uuid4_from_bits(b >> 128),
        "eventTriggerName": f"{repo}-{_TRIGGER_KINDS[(small >> 31 & 3) % 3]}",
        "eventVersion": "1.0",
        "userIdentityARN": user,
    })  # fmt: skip
    return {"Records": [record]}


def build_codecommit(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """One trigger record: the references a push changed in the repository."""
    if o.is_default:
        return _default_codecommit(ctx)
    # one draw for the record: eventId and eventTriggerConfigId (256 bits), the first commit
    # (160), then 61 bits of small choices; it fits the context's first pool block
    b = ctx.getrandbits(477)
    small = b >> 416
    repo: str | None = o.repository
    if repo is None:
        kind = _REPO_KINDS[(small >> 10 & 3) % len(_REPO_KINDS)]
        repo = f"{NOUNS[(small & 31) % len(NOUNS)]}-{NOUNS[(small >> 5 & 31) % len(NOUNS)]}-{kind}"
    elif not _REPOSITORY.match(repo) or repo.endswith(".git"):
        ctx.fail("repository", f"{repo!r} is not a repository name: 1 to 100 of A-Z a-z 0-9 . _ - "
                 "(not ending in .git)")  # fmt: skip
    custom: str | None = o.custom_data
    if custom is not None and len(custom) > MAX_CUSTOM_DATA:
        ctx.fail(
            "custom_data", f"{len(custom)} characters; a trigger's custom data is at most 1,000"
        )
    part, total = _parts(ctx, o)
    commit = (b >> 256 & _MASK_160).to_bytes(20, "little").hex()
    references = _references(ctx, o, _refs(ctx, o, small >> 12), commit)
    record: dict[str, Any] = {"awsRegion": ctx.region, "codecommit": {"references": references}}
    if custom is None and not o.given("custom_data") and (small >> 22 & 15) < 5:
        custom = f"Notify #{NOUNS[(small >> 26 & 31) % len(NOUNS)]}-deploys"
    if custom is not None:  # only triggers configured with custom data carry the key
        record["customData"] = custom
    trigger = o.trigger_name or f"{repo}-{_TRIGGER_KINDS[(small >> 31 & 3) % 3]}"
    record.update({
        "eventId": uuid4_from_bits(b),
        "eventName": o.event_name or "ReferenceChanges",
        "eventPartNumber": part,
        "eventSource": "aws:codecommit",
        "eventSourceARN": ctx.arn("codecommit", repo),
        # the push happened a moment before the trigger fired
        "eventTime": iso_ms_offset(ctx.time - _PUSH_LAGS[small >> 33 & 63]),
        "eventTotalParts": total,
        "eventTriggerConfigId": uuid4_from_bits(b >> 128),
        "eventTriggerName": trigger,
        "eventVersion": "1.0",
        "userIdentityARN": o.user_identity_arn or _user_arn(ctx, small >> 39),
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
