"""AWS Config: the event a custom Config rule's Lambda function receives (shapes.md
section 15). ``invokingEvent`` and ``ruleParameters`` are JSON strings."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from datetime import datetime, timedelta
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import epoch_ms, iso_ms_z

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
# byte -> its value as a Java (signed) byte, as Config's token envelope lists them
_SIGNED = tuple(str(b - 256 if b > 127 else b) for b in range(256))
# Compact, as Config writes its JSON strings; one encoder rather than one per json.dumps call.
# The invoking event is built here, so there are no cycles to look for; non-ASCII text is kept
# as is (the same JSON once decoded) rather than escaped character by character.
_json = json.JSONEncoder(separators=(",", ":")).encode
_json_built = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, check_circular=False
).encode


def _ec2_instance(ctx: BuildContext, resource_id: str | None) -> dict[str, Any]:
    rng = ctx.rng
    instance = resource_id or f"i-{ctx.hex(17)}"
    vpc, subnet, group = f"vpc-{ctx.hex(17)}", f"subnet-{ctx.hex(17)}", f"sg-{ctx.hex(17)}"
    ip = f"10.{int(rng.random() * 256)}.{int(rng.random() * 256)}.{1 + int(rng.random() * 254)}"
    return {
        "resourceId": instance, "resourceName": None,
        "ARN": ctx.arn("ec2", f"instance/{instance}"), "availabilityZone": f"{ctx.region}a",
        "configuration": {
            "instanceId": instance, "instanceType": aws.pick(rng, _INSTANCE_TYPES),
            "imageId": f"ami-{ctx.hex(17)}", "state": {"code": 16, "name": "running"},
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


def _security_group(ctx: BuildContext, resource_id: str | None) -> dict[str, Any]:
    group = resource_id or f"sg-{ctx.hex(17)}"
    name = f"{aws.pick(ctx.rng, NOUNS)}-sg"
    vpc = f"vpc-{ctx.hex(17)}"
    port = aws.pick(ctx.rng, ("443", "22", "5432", "3389"))
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


def _bucket(ctx: BuildContext, resource_id: str | None) -> dict[str, Any]:
    bucket = resource_id or f"{aws.resource_name(ctx.rng, NOUNS)}-{ctx.hex(8)}"
    return {
        "resourceId": bucket, "resourceName": bucket,
        "ARN": ctx.arn("s3", bucket, regional=False), "availabilityZone": "Regional",
        "configuration": {"name": bucket, "owner": {"displayName": None, "id": ctx.hex(64)},
                          "creationDate": None, "versioningStatus": "Enabled"},
        "relationships": [],
        "changed": ("Configuration.VersioningStatus", "versioningStatus",
                    ("Enabled", "Suspended", "Off")),
    }  # fmt: skip


def _table(ctx: BuildContext, resource_id: str | None) -> dict[str, Any]:
    table = resource_id or f"{aws.pick(ctx.rng, NOUNS)}-table"
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


def _diff(ctx: BuildContext, change: str, resource: dict[str, Any]) -> dict[str, Any]:
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
        previous = others[int(ctx.rng.random() * len(others))]
        props = {path: {"previousValue": previous, "updatedValue": current, "changeType": "UPDATE"}}
    return {"changedProperties": props, "changeType": change}


def _item(ctx: BuildContext, o: Options, change: str, captured: datetime) -> dict[str, Any]:
    """The configuration item (recordVersion 1.3) of the resource the change concerns."""
    rng = ctx.rng
    resource_type: str = o.resource_type or aws.pick(rng, RESOURCE_TYPES)
    resource = _RESOURCES[resource_type](ctx, o.resource_id)
    created = captured - timedelta(
        days=1 + int(rng.random() * 400), seconds=int(rng.random() * 86400)
    )
    deleted = change == "DELETE"
    item: dict[str, Any] = {
        "relatedEvents": [],
        "relationships": [] if deleted else resource["relationships"],
        "configuration": None if deleted else resource["configuration"],
        "supplementaryConfiguration": {},
        "tags": {} if deleted else {"team": aws.pick(rng, NOUNS)},
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": iso_ms_z(captured),
        "configurationStateId": epoch_ms(captured),
        "awsAccountId": ctx.account_id,
        "configurationItemStatus": _STATUS[change],
        "resourceType": resource_type,
        "resourceId": resource["resourceId"],
        "resourceName": resource["resourceName"],
        "ARN": resource["ARN"],
        "awsRegion": ctx.region,
        "availabilityZone": resource["availabilityZone"],
        "configurationStateMd5Hash": "",
        "resourceCreationTime": iso_ms_z(captured if change == "CREATE" else created),
    }
    return {"item": item, "diff": _diff(ctx, change, resource)}


def _summary(item: dict[str, Any], change: str) -> dict[str, Any]:
    """configurationItemSummary: the item without its (too large) configuration."""
    summary = {"changeType": change, **{k: item[k] for k in _SUMMARY_KEYS}}
    # oversized items carry a hash of the configuration state they leave out: hashing the
    # state's identity (resource and state id) rather than its JSON spares a second encoding
    state = f"{item['ARN']}|{item['configurationStateId']}|{item['configurationItemStatus']}"
    summary["configurationStateMd5Hash"] = hashlib.md5(state.encode()).hexdigest()
    return summary


def _invoking_event(ctx: BuildContext, o: Options, message_type: str) -> dict[str, Any]:
    notified = ctx.time - timedelta(milliseconds=50 + int(ctx.rng.random() * 2000))
    if message_type == SCHEDULED:
        return {"awsAccountId": ctx.account_id, "notificationCreationTime": iso_ms_z(notified),
                "messageType": SCHEDULED, "recordVersion": "1.0"}  # fmt: skip
    change: str = o.change_type or ("UPDATE" if ctx.rng.random() < 0.7 else "CREATE")
    captured = notified - timedelta(milliseconds=500 + int(ctx.rng.random() * 3000))
    built = _item(ctx, o, change, captured)
    if message_type == OVERSIZED:
        return {"configurationItemSummary": _summary(built["item"], change),
                "messageType": OVERSIZED, "notificationCreationTime": iso_ms_z(notified),
                "recordVersion": "1.0"}  # fmt: skip
    return {"configurationItemDiff": built["diff"], "configurationItem": built["item"],
            "notificationCreationTime": iso_ms_z(notified), "messageType": CHANGE,
            "recordVersion": "1.3"}  # fmt: skip


def _result_token(ctx: BuildContext) -> str:
    """An opaque token to pass back to PutEvaluations: base64 of Config's encrypted envelope."""
    signed = [_SIGNED[b] for b in ctx.rng.randbytes(112)]
    data, iv = ",".join(signed[:96]), ",".join(signed[96:])
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
    rng = ctx.rng
    message_type: str = (
        o.message_type or (CHANGE, CHANGE, OVERSIZED, SCHEDULED)[int(rng.random() * 4)]
    )
    _check(ctx, o, message_type)
    invoking = _invoking_event(ctx, o, message_type)
    rule_id = f"config-rule-{aws.chars(rng, 6, aws.LOWER_DIGITS)}"
    role = _SERVICE_ROLE if rng.random() < 0.6 else "role/config-role"
    if o.rule_parameters is not None:
        params = _json(o.rule_parameters)
    elif rng.random() < 0.6:
        params = f'{{"maxAgeDays":"{30 + int(rng.random() * 60)}"}}'
    else:
        params = "{}"  # the rule has no parameters
    left = o.event_left_scope if o.event_left_scope is not None else o.change_type == "DELETE"
    return {
        "version": "1.0",
        "invokingEvent": _json_built(invoking),
        "ruleParameters": params,
        "resultToken": _result_token(ctx),
        # true when the resource was deleted or moved out of the rule's scope
        "eventLeftScope": left,
        "executionRoleArn": ctx.arn("iam", role, regional=False),
        "configRuleArn": ctx.arn("config", f"config-rule/{rule_id}"),
        "configRuleName": o.rule_name or f"{aws.pick(rng, NOUNS)}-compliance-check",
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
