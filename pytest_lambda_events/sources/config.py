"""AWS Config: the event a custom Config rule's Lambda function receives (shapes.md
section 15). ``invokingEvent`` and ``ruleParameters`` are JSON strings."""

from __future__ import annotations

import binascii
import hashlib
import json
import re
from operator import itemgetter as _itemgetter
from typing import Any

from .. import aws
from ..building import BuildContext
from ..content import NOUNS
from ..registry import EventSource, Option, Options
from ..timefmt import iso_of_ms

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
_PORTS = ("443", "22", "5432", "3389")
_INSTANCE_TYPES = ("t3.micro", "t3.medium", "m5.large", "c6g.xlarge", "r6i.large")
# byte -> its value as a Java (signed) byte, as Config's token envelope lists them (looked up:
# decimal formatting costs more)
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
_B_MAX_AGE, _B_RULE_NAME = 20, 21
_HEAD = 22  # from the pool; the rest expanded from them (see _draw)
_B_RESOURCE = 22  # 49 bytes for the resource's ids
_B_TOKEN = 71  # the result token's 112 random-looking bytes
_DRAW = 183
_REST = _DRAW - _HEAD
# A fixed odd multiplier of exactly 8 * _REST bits, its top byte 0xFF (from SHA-512 blocks: the
# same on every platform): the middle bits of head * _EXPAND mix every bit of the head
_EXPAND = (
    int.from_bytes(b"".join(hashlib.sha512(b"config:%d" % i).digest() for i in range(3))[:_REST])
    | 0xFF << (8 * _REST - 8)
    | 1
)
_from_bytes = int.from_bytes
_N_NOUNS = len(NOUNS)


def _draw(ctx: BuildContext) -> bytes:
    """The build's random bytes: a few from the pool, the rest the middle bits of their product
    with a fixed large constant. Test data needs bytes that look random, not a cryptographic
    stream: one big-int product costs a third of a SHAKE-128 digest and far less than a pool
    refill (below ``_EXPAND``, the product's middle part fits ``_REST`` bytes)."""
    head = ctx.getrandbits(8 * _HEAD)
    rest = (head * _EXPAND >> 8 * _HEAD).to_bytes(_REST, "little")
    return head.to_bytes(_HEAD, "little") + rest


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
    port = _pick(raw, at + 19, _PORTS)
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


def _created(captured_ms: int, raw: bytes) -> str:
    """resourceCreationTime: 1 to 400 days before the capture, at any second of the day."""
    days = 1 + int.from_bytes(raw[_B_DAYS : _B_DAYS + 2]) * 400 // 65536
    seconds = int.from_bytes(raw[_B_SECONDS : _B_SECONDS + 3]) * 86400 // 2**24
    return iso_of_ms(captured_ms - (days * 86400 + seconds) * 1000) + "Z"


def _notified_ms(time_ms: int, raw: bytes) -> int:
    """notificationCreationTime: 50 ms to 2 s before the invocation."""
    return time_ms - 50 - (int.from_bytes(raw[_B_NOTIFIED : _B_NOTIFIED + 2]) * 2000 >> 16)


def _captured_ms(notified_ms: int, raw: bytes) -> int:
    """configurationItemCaptureTime: 0.5 to 3.5 s before the notification."""
    return notified_ms - 500 - (int.from_bytes(raw[_B_CAPTURED : _B_CAPTURED + 2]) * 3000 >> 16)


def _item(
    ctx: BuildContext, o: Options, change: str, captured_ms: int, raw: bytes
) -> dict[str, Any]:
    """The configuration item (recordVersion 1.3) of the resource the change concerns."""
    resource_type: str = o.resource_type or _pick(raw, _B_TYPE, RESOURCE_TYPES)
    resource = _RESOURCES[resource_type](ctx, o.resource_id, raw)
    captured = iso_of_ms(captured_ms) + "Z"
    created = captured if change == "CREATE" else _created(captured_ms, raw)
    deleted = change == "DELETE"
    item: dict[str, Any] = {
        "relatedEvents": [],
        "relationships": [] if deleted else resource["relationships"],
        "configuration": None if deleted else resource["configuration"],
        "supplementaryConfiguration": {},
        "tags": {} if deleted else {"team": _pick(raw, _B_TEAM, NOUNS)},
        "configurationItemVersion": "1.3",
        "configurationItemCaptureTime": captured,
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
        "resourceCreationTime": created,
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
    notified_ms = _notified_ms(ctx.time_ms, raw)
    notified = iso_of_ms(notified_ms) + "Z"
    if message_type == SCHEDULED:
        return {"awsAccountId": ctx.account_id, "notificationCreationTime": notified,
                "messageType": SCHEDULED, "recordVersion": "1.0"}  # fmt: skip
    change: str = o.change_type or ("UPDATE" if raw[_B_COINS] & 15 < 11 else "CREATE")
    captured_ms = _captured_ms(notified_ms, raw)
    built = _item(ctx, o, change, captured_ms, raw)
    if message_type == OVERSIZED:
        return {"configurationItemSummary": _summary(built["item"], change),
                "messageType": OVERSIZED, "notificationCreationTime": notified,
                "recordVersion": "1.0"}  # fmt: skip
    return {"configurationItemDiff": built["diff"], "configurationItem": built["item"],
            "notificationCreationTime": notified, "messageType": CHANGE,
            "recordVersion": "1.3"}  # fmt: skip


# The default build writes the invoking event's JSON text directly (json.dumps of the nested
# item cost half the build): every value comes from the tables and draws here, so nothing
# needs escaping. Each writer gives the resource's id, name, ARN, availability zone,
# configuration and relationships (JSON text), and what an UPDATE changes (the property, its
# value and the previous one, as _diff picks it).
_Text = tuple[str, str | None, str, str, str, str, str, str, str]
# an instance type -> the others (an UPDATE's previous value, as _diff picks it)
_OTHER_TYPES = {t: tuple(o for o in _INSTANCE_TYPES if o != t) for t in _INSTANCE_TYPES}


def _ec2_instance_text(ctx: BuildContext, raw: bytes) -> _Text:
    at = _B_RESOURCE
    h = raw[at : at + 45].hex()  # five 17-digit ids, one per 9 bytes
    instance, vpc, subnet = f"i-{h[:17]}", f"vpc-{h[18:35]}", f"subnet-{h[36:53]}"
    group, kind = f"sg-{h[54:71]}", _INSTANCE_TYPES[raw[at + 48] * 5 >> 8]
    configuration = (
        f'{{"instanceId":"{instance}","instanceType":"{kind}","imageId":"ami-{h[72:89]}",'
        f'"state":{{"code":16,"name":"running"}},"privateIpAddress":"10.{raw[at + 45]}.'
        f'{raw[at + 46]}.{1 + raw[at + 47] % 254}","subnetId":"{subnet}","vpcId":"{vpc}",'
        f'"securityGroups":[{{"groupName":"default","groupId":"{group}"}}]}}'
    )
    relationships = (
        f'[{{"resourceId":"{group}","resourceName":null,"resourceType":"AWS::EC2::SecurityGroup",'
        f'"name":"Is associated with SecurityGroup"}},{{"resourceId":"{subnet}","resourceName"'
        f':null,"resourceType":"AWS::EC2::Subnet","name":"Is contained in Subnet"}},'
        f'{{"resourceId":"{vpc}","resourceName":null,"resourceType":"AWS::EC2::VPC",'
        f'"name":"Is contained in Vpc"}}]'
    )
    arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:instance/{instance}"
    return (instance, None, arn, f"{ctx.region}a", configuration, relationships,
            "Configuration.InstanceType", kind,
            _OTHER_TYPES[kind][raw[_B_PREVIOUS] * 4 >> 8])  # fmt: skip


def _security_group_text(ctx: BuildContext, raw: bytes) -> _Text:
    at = _B_RESOURCE
    group, name = f"sg-{raw[at : at + 9].hex()[:17]}", f"{NOUNS[raw[at + 9] * _N_NOUNS >> 8]}-sg"
    vpc, port = f"vpc-{raw[at + 10 : at + 19].hex()[:17]}", _PORTS[raw[at + 19] >> 6]
    configuration = (
        f'{{"description":"{name} rules","groupName":"{name}","groupId":"{group}",'
        f'"vpcId":"{vpc}","ownerId":"{ctx.account_id}","ipPermissions":[{{"fromPort":{port},'
        f'"toPort":{port},"ipProtocol":"tcp","ipRanges":["0.0.0.0/0"]}}]}}'
    )
    relationships = (
        f'[{{"resourceId":"{vpc}","resourceName":null,"resourceType":"AWS::EC2::VPC",'
        f'"name":"Is contained in Vpc"}}]'
    )
    arn = f"arn:{ctx.partition}:ec2:{ctx.region}:{ctx.account_id}:security-group/{group}"
    return (group, name, arn, "Not Applicable", configuration, relationships,
            "Configuration.Description", f"{name} rules",
            ("open to the world", "temporary debug access")[raw[_B_PREVIOUS] >> 7])  # fmt: skip


def _bucket_text(ctx: BuildContext, raw: bytes) -> _Text:
    at = _B_RESOURCE
    n = _N_NOUNS
    bucket = f"{NOUNS[raw[at] * n >> 8]}-{NOUNS[raw[at + 1] * n >> 8]}-{raw[at + 2 : at + 6].hex()}"
    configuration = (
        f'{{"name":"{bucket}","owner":{{"displayName":null,"id":"{raw[at + 6 : at + 38].hex()}"}},'
        f'"creationDate":null,"versioningStatus":"Enabled"}}'
    )
    arn = f"arn:{ctx.partition}:s3:::{bucket}"
    previous = ("Suspended", "Off")[raw[_B_PREVIOUS] >> 7]
    return (bucket, bucket, arn, "Regional", configuration, "[]",
            "Configuration.VersioningStatus", "Enabled", previous)  # fmt: skip


def _table_text(ctx: BuildContext, raw: bytes) -> _Text:
    table = f"{NOUNS[raw[_B_RESOURCE] * _N_NOUNS >> 8]}-table"
    arn = f"arn:{ctx.partition}:dynamodb:{ctx.region}:{ctx.account_id}:table/{table}"
    configuration = (
        f'{{"tableName":"{table}","tableArn":"{arn}","tableStatus":"ACTIVE",'
        f'"billingModeSummary":{{"billingMode":"PAY_PER_REQUEST"}},'
        f'"keySchema":[{{"attributeName":"pk","keyType":"HASH"}}]}}'
    )
    return (table, table, arn, "Regional", configuration, "[]", "Configuration.TableStatus",
            "ACTIVE", "UPDATING")  # fmt: skip


_TEXTS = (_ec2_instance_text, _security_group_text, _bucket_text, _table_text)  # RESOURCE_TYPES'


def _invoking_text(ctx: BuildContext, message_type: str, raw: bytes) -> str:
    """``_json_built(_invoking_event(...))`` for the default options, written directly."""
    # the times as _notified_ms and _captured_ms give them
    notified_ms = ctx.time_ms - 50 - (_from_bytes(raw[_B_NOTIFIED : _B_NOTIFIED + 2]) * 2000 >> 16)
    notified, account = iso_of_ms(notified_ms), ctx.account_id
    if message_type == SCHEDULED:
        return (f'{{"awsAccountId":"{account}","notificationCreationTime":"{notified}Z",'
                f'"messageType":"{SCHEDULED}","recordVersion":"1.0"}}')  # fmt: skip
    change = "UPDATE" if raw[_B_COINS] & 15 < 11 else "CREATE"
    captured_ms = notified_ms - 500 - (_from_bytes(raw[_B_CAPTURED : _B_CAPTURED + 2]) * 3000 >> 16)
    captured = iso_of_ms(captured_ms) + "Z"
    created = captured if change == "CREATE" else _created(captured_ms, raw)
    kind = raw[_B_TYPE] * 4 >> 8
    rid, name, arn, zone, configuration, relationships, path, current, previous = _TEXTS[kind](
        ctx, raw
    )
    status, name_json = _STATUS[change], "null" if name is None else f'"{name}"'
    common = (
        f'"configurationItemVersion":"1.3","configurationItemCaptureTime":"{captured}",'
        f'"configurationStateId":{captured_ms},"awsAccountId":"{account}",'
        f'"configurationItemStatus":"{status}","resourceType":"{RESOURCE_TYPES[kind]}",'
        f'"resourceId":"{rid}","resourceName":{name_json},'
        f'"ARN":"{arn}","awsRegion":"{ctx.region}","availabilityZone":"{zone}"'
    )
    if message_type == OVERSIZED:
        md5 = hashlib.md5(f"{arn}|{captured_ms}|{status}".encode()).hexdigest()
        return (
            f'{{"configurationItemSummary":{{"changeType":"{change}",{common},'
            f'"resourceCreationTime":"{created}","configurationStateMd5Hash":"{md5}"}},'
            f'"messageType":"{OVERSIZED}","notificationCreationTime":"{notified}Z",'
            f'"recordVersion":"1.0"}}'
        )
    if change == "CREATE":
        changed = (f'"Configuration":{{"previousValue":null,"updatedValue":{configuration},'
                   f'"changeType":"CREATE"}}')  # fmt: skip
    else:
        changed = (f'"{path}":{{"previousValue":"{previous}",'
                   f'"updatedValue":"{current}","changeType":"UPDATE"}}')  # fmt: skip
    return (
        f'{{"configurationItemDiff":{{"changedProperties":{{{changed}}},"changeType":"{change}"}},'
        f'"configurationItem":{{"relatedEvents":[],"relationships":{relationships},'
        f'"configuration":{configuration},"supplementaryConfiguration":{{}},'
        f'"tags":{{"team":"{_pick(raw, _B_TEAM, NOUNS)}"}},{common},'
        f'"configurationStateMd5Hash":"","resourceCreationTime":"{created}"}},'
        f'"notificationCreationTime":"{notified}Z","messageType":"{CHANGE}","recordVersion":"1.3"}}'
    )


def _result_token(raw: bytes) -> str:
    """An opaque token to pass back to PutEvaluations: base64 of Config's encrypted envelope
    (its 112 random-looking bytes from the build's draw)."""
    # one itemgetter looks up every byte's text in C (a comprehension costs twice as much)
    signed = _itemgetter(*raw[_B_TOKEN : _B_TOKEN + 112])(_SIGNED)
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
    raw = _draw(ctx)
    message_type: str = o.message_type or (CHANGE, CHANGE, OVERSIZED, SCHEDULED)[raw[0] & 3]
    if o.is_default:
        invoking = _invoking_text(ctx, message_type, raw)
    else:
        _check(ctx, o, message_type)
        invoking = _json_built(_invoking_event(ctx, o, message_type, raw))
    rule_id = "config-rule-" + raw[_B_RULE_ID : _B_RULE_ID + 6].translate(_LOWER_DIGITS).decode()
    role = _SERVICE_ROLE if raw[_B_COINS] >> 4 < 10 else "role/config-role"
    if o.rule_parameters is not None:
        params = _json(o.rule_parameters)
    elif raw[_B_MAX_AGE] & 15 < 10:
        params = f'{{"maxAgeDays":"{30 + raw[_B_MAX_AGE] * 60 // 256}"}}'
    else:
        params = "{}"  # the rule has no parameters
    left = o.event_left_scope if o.event_left_scope is not None else o.change_type == "DELETE"
    partition, account = ctx.partition, ctx.account_id
    return {
        "version": "1.0",
        "invokingEvent": invoking,
        "ruleParameters": params,
        "resultToken": _result_token(raw),
        # true when the resource was deleted or moved out of the rule's scope
        "eventLeftScope": left,
        "executionRoleArn": f"arn:{partition}:iam::{account}:{role}",
        "configRuleArn": f"arn:{partition}:config:{ctx.region}:{account}:config-rule/{rule_id}",
        "configRuleName": o.rule_name
        or f"{NOUNS[raw[_B_RULE_NAME] * _N_NOUNS >> 8]}-compliance-check",
        "configRuleId": rule_id,
        "accountId": account,
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
