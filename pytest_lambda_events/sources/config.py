"""AWS Config: the event a custom Config rule's Lambda function receives (shapes.md
section 15). ``invokingEvent`` and ``ruleParameters`` are JSON strings."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import iso_ms_z

CHANGE = "ConfigurationItemChangeNotification"
OVERSIZED = "OversizedConfigurationItemChangeNotification"
SCHEDULED = "ScheduledNotification"
MESSAGE_TYPES = (CHANGE, OVERSIZED, SCHEDULED)
CHANGE_TYPES = ("CREATE", "UPDATE", "DELETE")
RESOURCE_TYPES = ("AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::S3::Bucket",
                  "AWS::DynamoDB::Table")  # fmt: skip
_STATUS = {"CREATE": "ResourceDiscovered", "UPDATE": "OK", "DELETE": "ResourceDeleted"}
_RULE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
_SERVICE_ROLE = "role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
_SUMMARY_KEYS = ("configurationItemVersion", "configurationItemCaptureTime",
                 "configurationStateId", "awsAccountId", "configurationItemStatus", "resourceType",
                 "resourceId", "resourceName", "ARN", "awsRegion", "availabilityZone",
                 "resourceCreationTime")  # fmt: skip
_INSTANCE_TYPES = ("t3.micro", "t3.medium", "m5.large", "c6g.xlarge", "r6i.large")
# byte -> its value as a Java (signed) byte, as Config's token envelope lists them (a list:
# indexing it in a comprehension is the cheapest per-byte lookup, decimal formatting costs more)
_SIGNED = [str(b - 256 if b > 127 else b) for b in range(256)]
# Compact, as Config writes its JSON strings; one encoder rather than one per json.dumps call.
# The invoking event is built here, so there are no cycles to look for; non-ASCII text is kept
# as is (the same JSON once decoded) rather than escaped character by character.
_json = json.JSONEncoder(separators=(",", ":")).encode
_json_built = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, check_circular=False
).encode


# A build draws its bits in one call (pool calls and ``ctx.rng``'s seeding cost more than the
# rest of the build); the byte offsets in that draw:
_B_MESSAGE, _B_COINS, _B_NOTIFIED, _B_CAPTURED, _B_TYPE = 0, 1, 2, 4, 6
_B_DAYS, _B_SECONDS, _B_TEAM, _B_PREVIOUS, _B_RULE_ID = 7, 9, 12, 13, 14
_B_MAX_AGE, _B_RULE_NAME, _B_TOKEN = 20, 21, 22  # the token: a 16-byte key, expanded
_B_RESOURCE = 38  # 49 bytes for the resource's ids
_DRAW = 87


_LOWER_DIGITS = aws.byte_table(aws.LOWER_DIGITS)


def _hex17(raw: bytes, at: int) -> str:
    """17 hex digits (an EC2 id) from the 9 bytes at ``at``."""
    return raw[at : at + 9].hex()[:17]


def _pick(raw: bytes, at: int, seq: tuple[str, ...]) -> str:
    return seq[raw[at] * len(seq) >> 8]


def _ec2_instance(ctx: BuildContext, resource_id: str | None, raw: bytes) -> dict[str, Any]:
    at = _B_RESOURCE
    instance = resource_id or f"i-{_hex17(raw, at)}"
    vpc, subnet = f"vpc-{_hex17(raw, at + 9)}", f"subnet-{_hex17(raw, at + 18)}"
    group = f"sg-{_hex17(raw, at + 27)}"
    ip = f"10.{raw[at + 45]}.{raw[at + 46]}.{1 + raw[at + 47] % 254}"
    return {
        "resourceId": instance, "resourceName": None,
        "ARN": ctx.arn("ec2", f"instance/{instance}"), "availabilityZone": f"{ctx.region}a",
        "configuration": {
            "instanceId": instance, "instanceType": _pick(raw, at + 48, _INSTANCE_TYPES),
            "imageId": f"ami-{_hex17(raw, at + 36)}", "state": {"code": 16, "name": "running"},
            "privateIpAddress": ip, "subnetId": subnet, "vpcId": vpc,
            "securityGroups": [{"groupName": "default", "groupId": group}],
        },
        "relationships": [
            {"resourceId": group, "resourceName": None, "resourceType": "AWS::EC2::SecurityGroup",
             "name": "Is associated with SecurityGroup"},
            {"resourceId": subnet, "resourceName": None, "resourceType": "AWS::EC2::Subnet",
             "name": "Is contained in Subnet"},
            {"resourceId": vpc, "resourceName": None, "resourceType": "AWS::EC2::VPC",
             "name": "Is contained in Vpc"},
        ],
        "changed": ("Configuration.InstanceType", "instanceType", _INSTANCE_TYPES),
    }  # fmt: skip


def _security_group(ctx: BuildContext, resource_id: str | None, raw: bytes) -> dict[str, Any]:
    at = _B_RESOURCE
    group = resource_id or f"sg-{_hex17(raw, at)}"
    name = f"{_pick(raw, at + 9, NOUNS)}-sg"
    vpc = f"vpc-{_hex17(raw, at + 10)}"
    port = _pick(raw, at + 19, ("443", "22", "5432", "3389"))
    return {
        "resourceId": group, "resourceName": name,
        "ARN": ctx.arn("ec2", f"security-group/{group}"), "availabilityZone": "Not Applicable",
        "configuration": {
            "description": f"{name} rules", "groupName": name, "groupId": group, "vpcId": vpc,
            "ownerId": ctx.account_id,
            "ipPermissions": [{"fromPort": int(port), "toPort": int(port), "ipProtocol": "tcp",
                               "ipRanges": ["0.0.0.0/0"]}],
        },
        "relationships": [{"resourceId": vpc, "resourceName": None,
                           "resourceType": "AWS::EC2::VPC", "name": "Is contained in Vpc"}],
        "changed": ("Configuration.Description", "description",
                    ("open to the world", "temporary debug access", f"{name} rules")),
    }  # fmt: skip


def _bucket(ctx: BuildContext, resource_id: str | None, raw: bytes) -> dict[str, Any]:
    at = _B_RESOURCE
    suffix = raw[at + 2 : at + 6].hex()
    bucket = resource_id or f"{_pick(raw, at, NOUNS)}-{_pick(raw, at + 1, NOUNS)}-{suffix}"
    owner = raw[at + 6 : at + 38].hex()  # the canonical user id: 64 hex digits
    return {
        "resourceId": bucket, "resourceName": bucket,
        "ARN": ctx.arn("s3", bucket, regional=False), "availabilityZone": "Regional",
        "configuration": {"name": bucket, "owner": {"displayName": None, "id": owner},
                          "creationDate": None, "versioningStatus": "Enabled"},
        "relationships": [],
        "changed": ("Configuration.VersioningStatus", "versioningStatus",
                    ("Enabled", "Suspended", "Off")),
    }  # fmt: skip


def _table(ctx: BuildContext, resource_id: str | None, raw: bytes) -> dict[str, Any]:
    table = resource_id or f"{_pick(raw, _B_RESOURCE, NOUNS)}-table"
    arn = ctx.arn("dynamodb", f"table/{table}")
    return {
        "resourceId": table, "resourceName": table, "ARN": arn, "availabilityZone": "Regional",
        "configuration": {"tableName": table, "tableArn": arn, "tableStatus": "ACTIVE",
                          "billingModeSummary": {"billingMode": "PAY_PER_REQUEST"},
                          "keySchema": [{"attributeName": "pk", "keyType": "HASH"}]},
        "relationships": [],
        "changed": ("Configuration.TableStatus", "tableStatus", ("ACTIVE", "UPDATING")),
    }  # fmt: skip


_RESOURCES = {
    "AWS::EC2::Instance": _ec2_instance,
    "AWS::EC2::SecurityGroup": _security_group,
    "AWS::S3::Bucket": _bucket,
    "AWS::DynamoDB::Table": _table,
}


def _diff(change: str, resource: dict[str, Any], raw: bytes) -> dict[str, Any]:
    """configurationItemDiff: what changed, consistent with the configuration item."""
    configuration = resource["configuration"]
    if change == "CREATE":
        props = {"Configuration": {"previousValue": None, "updatedValue": configuration,
                                   "changeType": "CREATE"}}  # fmt: skip
    elif change == "DELETE":
        props = {"Configuration": {"previousValue": configuration, "updatedValue": None,
                                   "changeType": "DELETE"}}  # fmt: skip
    else:
        path, key, values = resource["changed"]
        current = configuration[key]
        others = [v for v in values if v != current]
        previous = others[raw[_B_PREVIOUS] * len(others) >> 8]
        props = {path: {"previousValue": previous, "updatedValue": current, "changeType": "UPDATE"}}
    return {"changedProperties": props, "changeType": change}


def _item(
    ctx: BuildContext, o: Options, change: str, captured_ms: int, raw: bytes
) -> dict[str, Any]:
    """The configuration item (recordVersion 1.3) of the resource the change concerns."""
    resource_type: str = o.resource_type or _pick(raw, _B_TYPE, RESOURCE_TYPES)
    resource = _RESOURCES[resource_type](ctx, o.resource_id, raw)
    captured = datetime.fromtimestamp(captured_ms / 1000, UTC)
    if change == "CREATE":
        created = captured
    else:  # 1 to 400 days before, at any second of the day
        days = 1 + int.from_bytes(raw[_B_DAYS : _B_DAYS + 2]) * 400 // 65536
        seconds = int.from_bytes(raw[_B_SECONDS : _B_SECONDS + 3]) * 86400 // 2**24
        created = datetime.fromtimestamp(
            (captured_ms - (days * 86400 + seconds) * 1000) / 1000, UTC
        )
    deleted = change == "DELETE"
    item: dict[str, Any] = {
        "relatedEvents": [],
        "relationships": [] if deleted else resource["relationships"],
        "configuration": None if deleted else resource["configuration"],
        "supplementaryConfiguration": {},
        "tags": {} if deleted else {"team": _pick(raw, _B_TEAM, NOUNS)},
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": iso_ms_z(captured),
        "configurationStateId": captured_ms,
        "awsAccountId": ctx.account_id,
        "configurationItemStatus": _STATUS[change],
        "resourceType": resource_type,
        "resourceId": resource["resourceId"],
        "resourceName": resource["resourceName"],
        "ARN": resource["ARN"],
        "awsRegion": ctx.region,
        "availabilityZone": resource["availabilityZone"],
        "configurationStateMd5Hash": "",
        "resourceCreationTime": iso_ms_z(created),
    }
    return {"item": item, "diff": _diff(change, resource, raw)}


def _summary(item: dict[str, Any], change: str) -> dict[str, Any]:
    """configurationItemSummary: the item without its (too large) configuration."""
    summary = {"changeType": change, **{k: item[k] for k in _SUMMARY_KEYS}}
    # oversized items carry a hash of the configuration state they leave out: hashing the
    # state's identity (resource and state id) rather than its JSON spares a second encoding
    state = f"{item['ARN']}|{item['configurationStateId']}|{item['configurationItemStatus']}"
    summary["configurationStateMd5Hash"] = hashlib.md5(state.encode()).hexdigest()
    return summary


def _invoking_event(ctx: BuildContext, o: Options, message_type: str, raw: bytes) -> dict[str, Any]:
    # times as epoch ms (datetime arithmetic costs more), each datetime made once
    notified_ms = (
        ctx.time_ms - 50 - (int.from_bytes(raw[_B_NOTIFIED : _B_NOTIFIED + 2]) * 2000 >> 16)
    )
    notified = datetime.fromtimestamp(notified_ms / 1000, UTC)
    if message_type == SCHEDULED:
        return {"awsAccountId": ctx.account_id, "notificationCreationTime": iso_ms_z(notified),
                "messageType": SCHEDULED, "recordVersion": "1.0"}  # fmt: skip
    change: str = o.change_type or ("UPDATE" if raw[_B_COINS] & 15 < 11 else "CREATE")
    captured_ms = (
        notified_ms - 500 - (int.from_bytes(raw[_B_CAPTURED : _B_CAPTURED + 2]) * 3000 >> 16)
    )
    built = _item(ctx, o, change, captured_ms, raw)
    if message_type == OVERSIZED:
        return {"configurationItemSummary": _summary(built["item"], change),
                "messageType": OVERSIZED, "notificationCreationTime": iso_ms_z(notified),
                "recordVersion": "1.0"}  # fmt: skip
    return {"configurationItemDiff": built["diff"], "configurationItem": built["item"],
            "notificationCreationTime": iso_ms_z(notified), "messageType": CHANGE,
            "recordVersion": "1.3"}  # fmt: skip


def _result_token(key: bytes) -> str:
    """An opaque token to pass back to PutEvaluations: base64 of Config's encrypted envelope
    (its 112 random-looking bytes expanded from a 16-byte ``key`` in one C call)."""
    raw = hashlib.shake_128(key).digest(112)
    signed = _SIGNED
    data, iv = ",".join([signed[b] for b in raw[:96]]), ",".join([signed[b] for b in raw[96:]])
    envelope = (f'{{"encryptedData":[{data}],"materialSetSerialNumber":1,'
                f'"ivParameterSpec":{{"iv":[{iv}]}}}}')  # fmt: skip
    return binascii.b2a_base64(envelope.encode(), newline=False).decode()


def _check(ctx: BuildContext, o: Options, message_type: str) -> None:
    if message_type == SCHEDULED:
        for option in ("change_type", "resource_type", "resource_id"):
            if getattr(o, option) is not None:
                ctx.fail(option, f"a {SCHEDULED} concerns no resource; use message_type "
                         f"{CHANGE!r} or {OVERSIZED!r}")  # fmt: skip
        if o.event_left_scope:
            ctx.fail("event_left_scope", f"a {SCHEDULED} is never out of scope")
    if o.rule_name is not None and not _RULE_NAME.match(o.rule_name):
        ctx.fail("rule_name", f"{o.rule_name!r} is not a rule name: 1 to 128 of A-Za-z0-9_-")


def build_config(ctx: BuildContext, o: Options) -> dict[str, Any]:
    """A Config rule evaluation request; ``resultToken`` goes back with PutEvaluations."""
    raw = ctx.randbytes(_DRAW)
    message_type: str = o.message_type or (CHANGE, CHANGE, OVERSIZED, SCHEDULED)[raw[0] & 3]
    _check(ctx, o, message_type)
    invoking = _invoking_event(ctx, o, message_type, raw)
    rule_id = "config-rule-" + raw[_B_RULE_ID : _B_RULE_ID + 6].translate(_LOWER_DIGITS).decode()
    role = _SERVICE_ROLE if raw[_B_COINS] >> 4 < 10 else "role/config-role"
    if o.rule_parameters is not None:
        params = _json(o.rule_parameters)
    elif raw[_B_MAX_AGE] & 15 < 10:
        params = f'{{"maxAgeDays":"{30 + raw[_B_MAX_AGE] * 60 // 256}"}}'
    else:
        params = "{}"  # the rule has no parameters
    left = o.event_left_scope if o.event_left_scope is not None else o.change_type == "DELETE"
    return {
        "version": "1.0",
        "invokingEvent": _json_built(invoking),
        "ruleParameters": params,
        "resultToken": _result_token(raw[_B_TOKEN : _B_TOKEN + 16]),
        # true when the resource was deleted or moved out of the rule's scope
        "eventLeftScope": left,
        "executionRoleArn": ctx.arn("iam", role, regional=False),
        "configRuleArn": ctx.arn("config", f"config-rule/{rule_id}"),
        "configRuleName": o.rule_name or f"{_pick(raw, _B_RULE_NAME, NOUNS)}-compliance-check",
        "configRuleId": rule_id,
        "accountId": ctx.account_id,
        "evaluationMode": "DETECTIVE",
    }


SOURCES = (
    EventSource(
        id="config",
        service="AWS Config",
        invocation="async",
        builder=build_config,
        description="AWS Config custom rule evaluation request",
        options=(
            Option("message_type", str, "invokingEvent's messageType", choices=MESSAGE_TYPES),
            Option(
                "change_type",
                str,
                "the resource's change (change notifications only)",
                choices=CHANGE_TYPES,
            ),
            Option(
                "resource_type",
                str,
                "the configuration item's resourceType",
                choices=RESOURCE_TYPES,
            ),
            Option("resource_id", str, "the configuration item's resourceId"),
            Option("rule_name", str, "configRuleName"),
            Option("rule_parameters", dict, "the rule's parameters (sent as a JSON string)"),
            Option("event_left_scope", bool, "eventLeftScope (default: true for a DELETE)"),
        ),
    ),
)
