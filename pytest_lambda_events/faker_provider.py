"""``AwsProvider``: AWS identifiers for Faker, usable on its own.

    from faker import Faker
    from pytest_lambda_events.faker_provider import AwsProvider

    fake = Faker()
    fake.add_provider(AwsProvider)
    fake.seed_instance(7)
    fake.aws_arn("sqs", "orders")   # 'arn:aws:sqs:eu-west-1:...:orders'

Every value is drawn from Faker's own generator (``self.generator.random``), so Faker's seeds
apply. The event builders use the same functions (``pytest_lambda_events.aws``) on a plain
seeded ``random.Random``, which is faster than going through Faker.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

from faker.providers import BaseProvider

from . import aws
from .errors import EventConfigError


class AwsProvider(BaseProvider):
    """AWS account ids, regions, ARNs, request and message ids, receipt handles, sequence numbers,
    IAM principal ids and X-Ray trace headers."""

    __provider__ = "aws_lambda_events"

    @property
    def _rng(self) -> random.Random:
        rng: random.Random = self.generator.random
        return rng

    def aws_account_id(self) -> str:
        """:sample: -> '493617028415'"""
        return aws.account_id(self._rng)

    def aws_region(self) -> str:
        """A commercial AWS region name. :sample: -> 'eu-west-1'"""
        return aws.region(self._rng)

    def aws_arn(
        self,
        service: str,
        resource: str,
        region: str | None = None,
        account_id: str | None = None,
    ) -> str:
        """An ARN for ``resource`` of ``service``; region and account are drawn if not given.

        :sample: service='sqs', resource='orders'
        """
        region = region or self.aws_region()
        if service in ("s3", "iam"):  # global services: no region (and no account for S3)
            account = "" if service == "s3" else account_id or self.aws_account_id()
            return aws.arn(aws.partition_of(region), service, "", account, resource)
        account = account_id or self.aws_account_id()
        return aws.arn(aws.partition_of(region), service, region, account, resource)

    def lambda_request_id(self) -> str:
        """:sample: -> 'c6af9ac6-7b61-41e6-9a41-93e8deadbeef'"""
        return aws.uuid4(self._rng)

    def sqs_message_id(self) -> str:
        return aws.uuid4(self._rng)

    def sns_message_id(self) -> str:
        return aws.uuid4(self._rng)

    def sqs_receipt_handle(self) -> str:
        return aws.receipt_handles(self._rng, 1)[0]

    def kinesis_sequence_number(self) -> str:
        return aws.kinesis_sequence_number(self._rng)

    def dynamodb_sequence_number(self) -> str:
        return aws.dynamodb_sequence_number(self._rng)

    def iam_principal_id(self, kind: str = "user") -> str:
        """An IAM unique id: ``AIDA...`` for a user, ``AROA...`` for a role.

        :sample: kind='role'
        """
        prefixes = {"user": "AIDA", "role": "AROA", "group": "AGPA"}
        if kind not in prefixes:
            raise EventConfigError(f"iam_principal_id: kind must be one of {sorted(prefixes)}, "
                                   f"not {kind!r}", field="kind")  # fmt: skip
        return aws.iam_unique_id(self._rng, prefixes[kind])

    def aws_access_key_id(self, temporary: bool = True) -> str:
        return aws.access_key_id(self._rng, temporary)

    def xray_trace_header(self, sampled: bool = False) -> str:
        at = datetime.fromtimestamp(self._rng.randrange(1_600_000_000, 1_800_000_000), UTC)
        return aws.xray_trace_header(self._rng, at, sampled)
