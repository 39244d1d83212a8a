"""S3 buckets in the harness: objects, event notification configurations, and the
notifications S3 sends to Lambda, SQS and SNS (shapes.md section 1); and a bucket as a Lambda
on-failure destination (semantics.md 2.2).

S3 pushes a notification when the object operation completes: Lambda is invoked
asynchronously (so section 2's retries apply), an SQS message body is the event JSON, and an
SNS message is the event JSON with the subject "Amazon S3 Notification".
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from .. import aws
from ..errors import BucketConfigError, checked_arguments, did_you_mean
from ..ledger import Delivery
from ..sources import s3 as shapes
from .function import Function
from .sns import Topic
from .sqs import Queue

if TYPE_CHECKING:
    from . import Harness

WILDCARD_EVENT_TYPES = tuple(
    f"s3:{family}:*"
    for family in ("ObjectCreated", "ObjectRemoved", "ObjectRestore", "Replication",
                   "LifecycleExpiration", "ObjectTagging")
)  # fmt: skip
EVENT_TYPES = (
    "s3:ReducedRedundancyLostObject",
    *WILDCARD_EVENT_TYPES,
    *(f"s3:{name}" for name in shapes.EVENT_NAMES),
)
MAX_KEY_BYTES = 1024
MAX_FILTER_VALUE_BYTES = 1024
MAX_METADATA_BYTES = 2048  # user-defined metadata: 2 KB of names and values
SNS_SUBJECT = "Amazon S3 Notification"
SETTINGS = ("versioning",)
OVERLAP = (
    "Configurations overlap. Configurations on the same bucket cannot share a common event type."
)

Destination = Function | Topic | Queue


@dataclass
class S3Object:
    """One version of an object (``delete_marker`` versions have no body)."""

    key: str
    body: bytes
    etag: str
    last_modified: datetime
    version_id: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    delete_marker: bool = False

    @property
    def size(self) -> int:
        return len(self.body)

    def text(self) -> str:
        return self.body.decode()

    def json(self) -> Any:
        """The body parsed as JSON (destination records, exported documents...)."""
        return json.loads(self.body)


@dataclass
class NotificationConfiguration:
    """One queue, topic or Lambda function configuration of a bucket's notifications."""

    id: str
    destination: Destination
    events: tuple[str, ...]
    prefix: str = ""
    suffix: str = ""
    deliveries: list[Delivery] = field(default_factory=list)

    def matches(self, event_name: str, key: str) -> bool:
        """Whether S3 sends ``event_name`` for ``key`` here.

        The filters compare the key in the URL-encoded form the event carries: the S3 user
        guide says a space in a prefix or suffix must be written "+" and other special
        characters percent-encoded, so ``prefix="my+photos/"`` matches the key "my photos/a".
        """
        encoded = shapes.encode_key(key)
        return (
            any(_covers(pattern, f"s3:{event_name}") for pattern in self.events)
            and encoded.startswith(self.prefix)
            and encoded.endswith(self.suffix)
        )

    def overlaps(self, other: NotificationConfiguration) -> bool:
        """S3 refuses two configurations that share an event type and whose filters could
        both match one key (one prefix starts the other, one suffix ends the other)."""
        shared = any(_covers(a, b) or _covers(b, a) for a in self.events for b in other.events)
        prefixes = self.prefix.startswith(other.prefix) or other.prefix.startswith(self.prefix)
        suffixes = self.suffix.endswith(other.suffix) or other.suffix.endswith(self.suffix)
        return shared and prefixes and suffixes


def _covers(pattern: str, event_type: str) -> bool:
    """``s3:ObjectCreated:*`` covers every ``s3:ObjectCreated:...`` type."""
    return pattern == event_type or (pattern.endswith(":*") and event_type.startswith(pattern[:-1]))


class Bucket:
    """A general purpose bucket: ``notify``, ``put_object``, ``delete_object``, ``objects``."""

    failure_only = True  # as a Lambda destination, on failure only (2.2)

    def __init__(self, harness: Harness, name: str, *, versioning: bool = False) -> None:
        problem = shapes.bucket_name_problem(name)
        if problem is not None:
            raise BucketConfigError(f"bucket name: {problem}")
        self.harness = harness
        self.name = name
        self.versioning = versioning
        self.arn = f"arn:{harness.partition}:s3:::{name}"
        self.notifications: list[NotificationConfiguration] = []
        self._versions: dict[str, list[S3Object]] = {}  # key -> versions, oldest first
        self._owner = shapes.draw_owner_id(harness.rng)
        self._client_ip = aws.ipv4(harness.rng)
        self._sequence = harness.rng.getrandbits(28)

    @property
    def objects(self) -> dict[str, S3Object]:
        """The current version of every object, by key."""
        return {key: versions[-1] for key, versions in self._versions.items()
                if versions and not versions[-1].delete_marker}  # fmt: skip

    @property
    def versions(self) -> list[S3Object]:
        """Every version and delete marker, per key, oldest first."""
        return [version for versions in self._versions.values() for version in versions]

    # --- notification configuration -------------------------------------------------------
    @checked_arguments
    def notify(
        self,
        target: Destination,
        events: Sequence[str] = ("s3:ObjectCreated:*",),
        prefix: str | None = None,
        suffix: str | None = None,
        configuration_id: str | None = None,
    ) -> NotificationConfiguration:
        """Add a notification configuration (as ``PutBucketNotificationConfiguration``).

        A queue or topic destination first receives S3's ``s3:TestEvent`` message.
        Approximation: only the new destination gets it; AWS sends one when a configuration
        is saved.
        """
        _check_destination(target)
        config = NotificationConfiguration(
            id=configuration_id if configuration_id is not None else self._new_configuration_id(),
            destination=target, events=_check_events(events),
            prefix=_check_filter("prefix", prefix), suffix=_check_filter("suffix", suffix),
        )  # fmt: skip
        self._check_against_others(config)
        self.notifications.append(config)
        if not isinstance(target, Function):
            self._send(config, shapes.configuration_test_message(
                self.name, self.harness.clock.now(), shapes.draw_request_id(self.harness.rng),
                shapes.draw_host_id(self.harness.rng),
            ))  # fmt: skip
        return config

    def _new_configuration_id(self) -> str:
        """Approximation: S3 names an unnamed configuration with a base64-encoded UUID (as
        seen in consoles, e.g. 'NWRhNTM3MDItNWI5YS00OTEyLWJkNDgtZGI2ZWNiNDk4ZDlj')."""
        return base64.b64encode(self.harness.new_request_id().encode()).decode()

    def _check_against_others(self, config: NotificationConfiguration) -> None:
        for other in self.notifications:
            if other.id == config.id:
                raise BucketConfigError(
                    f"{self.name}: configuration id {config.id!r} is taken; ids are unique "
                    "within a bucket's notification configuration"
                )
            if config.overlaps(other):
                raise BucketConfigError(
                    f"{self.name}: {OVERLAP} ({config.id!r} and {other.id!r} share an event "
                    "type, and their prefix/suffix filters can match the same key; give them "
                    "disjoint prefixes or suffixes)"
                )

    # --- objects --------------------------------------------------------------------------
    @checked_arguments
    def put_object(
        self, key: str, body: bytes | str = b"", metadata: Mapping[str, str] | None = None
    ) -> S3Object:
        """``PutObject``: store the object and send ``ObjectCreated:Put``."""
        _check_key(key)
        content = body.encode() if isinstance(body, str) else body
        if not isinstance(content, bytes):
            raise BucketConfigError(f"{self.name}: body is bytes or str, not {type(body).__name__}")
        if len(content) > shapes.MAX_SINGLE_PUT:
            raise BucketConfigError(f"{self.name}: one PutObject holds at most 5 GiB")
        obj = S3Object(
            key=key, body=content, etag=hashlib.md5(content).hexdigest(),
            last_modified=self.harness.clock.now(), version_id=self._new_version_id(),
            metadata=_check_metadata(metadata or {}),
        )  # fmt: skip
        self._store(obj)
        self._emit("ObjectCreated:Put", key, shapes.object_block(
            key, size=obj.size, etag=obj.etag, version_id=obj.version_id,
            sequencer=self._next_sequencer(),
        ))  # fmt: skip
        return obj

    @checked_arguments
    def delete_object(self, key: str, version_id: str | None = None) -> S3Object | None:
        """``DeleteObject``. In a versioned bucket, deleting without ``version_id`` adds a
        delete marker (``ObjectRemoved:DeleteMarkerCreated``, returned); with one, it removes
        that version (``ObjectRemoved:Delete``). Otherwise the object goes, with
        ``ObjectRemoved:Delete``.

        Approximation: deleting a key that does not exist still sends the notification, as
        S3 answers such a delete with success.
        """
        _check_key(key)
        if version_id is not None:
            self._remove_version(key, version_id)
            marker = None
        elif self.versioning:
            marker = S3Object(key=key, body=b"", etag="", last_modified=self.harness.clock.now(),
                              version_id=self._new_version_id(), delete_marker=True)  # fmt: skip
            self._store(marker)
        else:
            self._versions.pop(key, None)
            marker = None
        name = "ObjectRemoved:Delete" if marker is None else "ObjectRemoved:DeleteMarkerCreated"
        shown = version_id if marker is None else marker.version_id
        self._emit(name, key, shapes.object_block(key, version_id=shown,
                                                  sequencer=self._next_sequencer()))  # fmt: skip
        return marker

    def _remove_version(self, key: str, version_id: str) -> None:
        if not self.versioning:
            raise BucketConfigError(
                f"{self.name}: version_id needs a bucket created with versioning=True"
            )
        versions = self._versions.get(key, [])
        kept = [v for v in versions if v.version_id != version_id]
        if len(kept) == len(versions):
            raise BucketConfigError(
                f"{self.name}: {key!r} has no version {version_id!r} (NoSuchVersion); its "
                f"versions are {[v.version_id for v in versions]}"
            )
        self._versions[key] = kept

    def _store(self, obj: S3Object) -> None:
        versions = self._versions.setdefault(obj.key, [])
        if not self.versioning:
            versions.clear()
        versions.append(obj)

    def _new_version_id(self) -> str | None:
        return shapes.draw_version_id(self.harness.rng) if self.versioning else None

    def _next_sequencer(self) -> str:
        # Time first, then a counter: later events on a key always sort after earlier ones.
        self._sequence += 1
        return shapes.sequencer(self.harness.clock.now(), self._sequence)

    # --- notifications --------------------------------------------------------------------
    def _emit(self, event_name: str, key: str, obj: dict[str, Any]) -> None:
        # S3 refuses overlapping configurations, so at most one matches an event.
        config = next((c for c in self.notifications if c.matches(event_name, key)), None)
        if config is None:
            return
        harness = self.harness
        record = shapes.notification_record(
            event_name=event_name, region=harness.region, partition=harness.partition,
            time=harness.clock.now(), principal_id=f"AWS:{harness.sender_id}",
            source_ip=self._client_ip, request_id=shapes.draw_request_id(harness.rng),
            host_id=shapes.draw_host_id(harness.rng), configuration_id=config.id,
            bucket=self.name, owner_id=self._owner, obj=obj,
        )  # fmt: skip
        self._send(config, {"Records": [record]})

    def _send(self, config: NotificationConfiguration, event: dict[str, Any]) -> None:
        now = self.harness.clock.now()
        delivery = Delivery(flow=f"s3:{self.name}", item=event, enqueued_at=now)
        self.harness.ledger.open_delivery(delivery)
        config.deliveries.append(delivery)
        target = config.destination
        if isinstance(target, Function | Queue) and target.deleted:
            # S3 cannot deliver to a destination that no longer exists; the event is lost.
            error = ("ResourceNotFoundException" if isinstance(target, Function)
                     else "AWS.SimpleQueueService.NonExistentQueue")  # fmt: skip
            delivery.finish("failed", error, now, reason=f"{target.arn} was deleted")
            return
        text = json.dumps(event, separators=(",", ":"))
        if isinstance(target, Function):
            target.invoke_async(event)
        elif isinstance(target, Queue):
            target.send(text)
        else:
            target.publish(text, subject=SNS_SUBJECT)
        delivery.finish("succeeded", "Success", now)

    # --- as an on-failure destination (2.2) -----------------------------------------------
    def receive_invocation_record(self, record: dict[str, Any], function: Function) -> None:
        """Store the record as a JSON object named as the Lambda guide documents:
        ``aws/lambda/async/<function-name>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>``."""
        now = self.harness.clock.now()
        key = (f"aws/lambda/async/{function.name}/{now:%Y/%m/%d}/{now:%Y-%m-%dT%H.%M.%S}-"
               f"{self.harness.new_request_id()}")  # fmt: skip
        self.put_object(key, json.dumps(record))

    def __repr__(self) -> str:
        return f"<Bucket {self.name} objects={len(self.objects)}>"


def _check_destination(target: Any) -> None:
    if not isinstance(target, Function | Topic | Queue):
        raise BucketConfigError(
            "a notification destination is a harness Function, Topic or Queue, "
            f"not {type(target).__name__}"
        )
    if isinstance(target, Topic | Queue) and target.fifo:
        raise BucketConfigError(
            f"{target.name} is FIFO; S3 event notifications go to standard queues and topics "
            "only (use EventBridge for FIFO targets)"
        )


def _check_events(events: Sequence[str]) -> tuple[str, ...]:
    if isinstance(events, str) or not events:
        raise BucketConfigError(
            "events is a non-empty list of event types, e.g. ['s3:ObjectCreated:*']"
        )
    for event in events:
        if event not in EVENT_TYPES:
            raise BucketConfigError(
                f"events: {event!r} is not an S3 event type{did_you_mean(str(event), EVENT_TYPES)};"
                f" e.g. {', '.join(WILDCARD_EVENT_TYPES[:2])}, s3:ObjectCreated:Put"
            )
    return tuple(events)


def _check_filter(rule: str, value: str | None) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value.encode()) > MAX_FILTER_VALUE_BYTES:
        raise BucketConfigError(
            f"{rule}: a string of at most {MAX_FILTER_VALUE_BYTES} bytes, not {value!r:.80}"
        )
    return value


def _check_key(key: Any) -> None:
    if not isinstance(key, str) or not 1 <= len(key.encode()) <= MAX_KEY_BYTES:
        raise BucketConfigError(f"key {key!r:.80}: S3 keys are 1 to 1,024 bytes of UTF-8")


def _check_metadata(metadata: Mapping[str, str]) -> dict[str, str]:
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise BucketConfigError("metadata maps str names to str values")
    size = sum(len(k.encode()) + len(v.encode()) for k, v in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise BucketConfigError(
            f"metadata is {size:,} bytes; user-defined metadata is at most 2 KB"
        )
    return {k.lower(): v for k, v in metadata.items()}  # S3 stores the names in lowercase
