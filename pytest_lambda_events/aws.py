"""AWS identifiers drawn from a generator: the one implementation behind the builders (which
pass their ``BuildContext`` or its ``random.Random``) and the Faker provider (which passes
Faker's own generator, so Faker's seeds apply)."""

from __future__ import annotations

import binascii
import functools
import hashlib
import string
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, TypeVar

T = TypeVar("T")


class Draws(Protocol):
    """What the helpers draw from: ``random.Random`` and ``building.BuildContext`` both are."""

    def random(self) -> float: ...

    def getrandbits(self, k: int, /) -> int: ...

    def randbytes(self, n: int, /) -> bytes: ...


REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "eu-west-1",
    "eu-west-2", "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "ap-south-1",
    "ap-northeast-1", "ap-northeast-2", "ap-southeast-1", "ap-southeast-2", "sa-east-1",
)  # fmt: skip

UPPER_DIGITS = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
LOWER_DIGITS = string.ascii_lowercase + string.digits


@functools.lru_cache(maxsize=64)  # every event asks, for one of a few regions
def partition_of(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(partition: str, service: str, region: str, account_id: str, resource: str) -> str:
    return f"arn:{partition}:{service}:{region}:{account_id}:{resource}"


def region(rng: Draws) -> str:
    return pick(rng, REGIONS)


def account_id(rng: Draws) -> str:
    return str(100_000_000_000 + rng.getrandbits(40) % 900_000_000_000)


def uuid4(rng: Draws) -> str:
    """A version-4 UUID string (Lambda request ids, SQS/SNS message ids)."""
    return uuid4_from_bits(rng.getrandbits(128))


def uuid4s(rng: Draws, count: int) -> list[str]:
    """``count`` version-4 UUID strings from one draw (a batch's message ids). Each character
    is one drawn byte: masks keep a hex digit's 4 bits (2 for the variant) and set the dashes
    and the version, and one ``bytes.translate`` writes every UUID's text at once (formatting
    them one by one cost five times more)."""
    text = uuid4_text(rng.getrandbits(288 * count), count)
    return [text[i : i + 36] for i in range(0, 36 * count, 36)]


def uuid4_text(bits: int, count: int) -> str:
    """``count`` version-4 UUIDs, concatenated (36 characters each), from the low ``288 *
    count`` of ``bits``: one byte per character (see ``uuid4s``)."""
    keep, fixed = uuid4_text_masks(count)
    return (bits & keep | fixed).to_bytes(36 * count, "little").translate(UUID4_TEXT).decode()


# a character's byte: 0-15 a hex digit, 16 the dash
UUID4_TEXT = b"0123456789abcdef-".ljust(256, b"0")
_UUID_KEEP = bytes(0 if i in (8, 13, 14, 18, 23) else 3 if i == 19 else 15 for i in range(36))
_UUID_FIXED = bytes(16 if i in (8, 13, 18, 23) else 4 if i == 14 else 8 if i == 19 else 0
                    for i in range(36))  # fmt: skip


@functools.lru_cache(maxsize=16)  # a run asks for a few batch sizes
def uuid4_text_masks(count: int) -> tuple[int, int]:
    """(keep, fixed) masks turning 36 * ``count`` random bytes into bytes that ``UUID4_TEXT``
    translates into ``count`` version-4 UUIDs: each keeps a hex digit's 4 bits (the variant's
    2) and the dashes and the version digit are set."""
    return (int.from_bytes(_UUID_KEEP * count, "little"),
            int.from_bytes(_UUID_FIXED * count, "little"))  # fmt: skip


def uuid4_from(raw: bytes) -> str:
    """A version-4 UUID string from 16 random bytes (lets hot loops draw bytes in one call)."""
    return uuid4_from_bits(int.from_bytes(raw[:16], "little"))


_MASK_128 = (1 << 128) - 1
# the version nibble (4) and the variant's two top bits (10) of a version-4 UUID, in the
# little-endian bytes of a 128-bit int
UUID4_CLEAR = _MASK_128 ^ (0xF << 52) ^ (0xC << 68)
UUID4_SET = (4 << 52) | (8 << 68)


def uuid4_from_bits(bits: int) -> str:
    """A version-4 UUID from the low 128 of ``bits``. The version and variant are set in the
    int, and ``bytes.hex`` puts a dash every four digits: joining four of its slices gives the
    8-4-4-4-12 groups (cheaper than formatting five fields)."""
    text = (bits & UUID4_CLEAR | UUID4_SET).to_bytes(16, "little").hex("-", 2)
    return f"{text[:4]}{text[5:29]}{text[30:34]}{text[35:]}"


def random_bytes(rng: Draws, n: int) -> bytes:
    """``rng.randbytes(n)``, the same bytes, without its Python-level frame (hot paths)."""
    return rng.getrandbits(8 * n).to_bytes(n, "little")


def hex_string(rng: Draws, length: int) -> str:
    return random_bytes(rng, (length + 1) // 2).hex()[:length]


def pick(rng: Draws, seq: Sequence[T]) -> T:
    """``rng.choice`` without its overhead, for hot paths."""
    return seq[int(rng.random() * len(seq))]


def chars(rng: Draws, length: int, alphabet: str = ALNUM) -> str:
    """``length`` characters of an ASCII ``alphabet``: random bytes mapped through a table in
    one C call (``rng.choices`` costs ten times more; the slight modulo bias is harmless in
    test data)."""
    return random_bytes(rng, length).translate(byte_table(alphabet)).decode()


def chars_from(bits: int, length: int, alphabet: str = ALNUM) -> str:
    """``chars`` from ``8 * length`` random bits a builder already drew (higher bits ignored)."""
    raw = (bits & ((1 << 8 * length) - 1)).to_bytes(length, "little")
    return raw.translate(byte_table(alphabet)).decode()


@functools.cache  # the alphabets are module constants: a handful of 256-byte tables
def byte_table(alphabet: str) -> bytes:
    """The ``bytes.translate`` table mapping a byte onto an ASCII ``alphabet`` (its value modulo
    the alphabet's size)."""
    return bytes(ord(alphabet[b % len(alphabet)]) for b in range(256))


URL_SAFE = bytes.maketrans(b"+/", b"-_")


def b64url(raw: bytes) -> str:
    """URL-safe base64 without padding, as JWTs and presigned tokens carry it."""
    return binascii.b2a_base64(raw, newline=False).translate(URL_SAFE).rstrip(b"=").decode()


def iam_unique_id(rng: Draws, prefix: str = "AIDA") -> str:
    """An IAM unique id: AIDA (user), AROA (role), AGPA (group), followed by 17 upper-case
    letters and digits."""
    return prefix + chars(rng, 17, UPPER_DIGITS)


def access_key_id(rng: Draws, temporary: bool = True) -> str:
    return ("ASIA" if temporary else "AKIA") + chars(rng, 16, UPPER_DIGITS)


@functools.cache  # one immutable blob, made on first use
def noise() -> bytes:
    """16 KiB that look random: opaque blobs (signatures, tokens, receipt handles) are cut from
    it at drawn offsets, as drawing them from an event's pool would cost a hash per 64 bytes."""
    return hashlib.shake_256(b"pytest-lambda-events/_http/noise").digest(16_384)


@functools.cache  # the blob as base64 text (URL-safe or not): immutable, made on first use
def noise_text(url_safe: bool = False) -> str:
    text = binascii.b2a_base64(noise(), newline=False)
    return (text.translate(URL_SAFE) if url_safe else text).decode()


RECEIPT_HANDLE_BYTES = 132  # what a handle's base64 text decodes to
_HANDLE_HEAD = 18  # bytes drawn per handle (144 bits, so no two handles meet): 24 characters


@functools.cache  # 256 immutable texts, made on first use
def _handle_tails() -> tuple[str, ...]:
    """The rest of a handle's text (114 bytes, 152 characters), cut from the noise: 256 of
    them, each 64 characters on from the last."""
    text, length = noise_text(), (RECEIPT_HANDLE_BYTES - _HANDLE_HEAD) // 3 * 4
    return tuple(text[at : at + length] for at in range(0, 256 * 64, 64))


def receipt_handles(rng: Draws, count: int) -> list[str]:
    """``count`` opaque SQS receipt handles: 'AQEB' and the base64 text of 132 bytes, as SQS
    hands them out. Each starts with 18 drawn bytes and goes on with one of 256 tails cut from
    the noise: drawing all 132 bytes per message cost as much as the rest of a record."""
    raw = random_bytes(rng, (_HANDLE_HEAD + 1) * count)
    heads = binascii.b2a_base64(raw[: _HANDLE_HEAD * count], newline=False).decode()
    tails = _handle_tails()
    picks = raw[_HANDLE_HEAD * count :]  # a byte per handle: which tail
    return [
        f"AQEB{heads[at : at + 24]}{tails[pick]}"
        for at, pick in zip(range(0, 24 * count, 24), picks, strict=True)
    ]


def kinesis_sequence_number(rng: Draws) -> str:
    """A 56-digit Kinesis sequence number (shard-local; add to it for the next record)."""
    return str(49_500_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000_000 +
               rng.getrandbits(150))  # fmt: skip


def dynamodb_sequence_number(rng: Draws) -> str:
    """A DynamoDB Streams sequence number: 21 to 40 digits, growing per shard."""
    return str(100_000_000_000_000_000_000 + rng.getrandbits(66))


def xray_trace_header(rng: Draws, at: datetime, sampled: bool = False) -> str:
    """An X-Ray ``AWSTraceHeader``: Root=1-<epoch hex>-<24 hex>;Parent=<16 hex>;Sampled=0|1."""
    # one draw for both ids: the same bytes as hex_string(rng, 24) then hex_string(rng, 16)
    # (12 and 8 bytes, whole 32-bit words of the generator); this runs once per invocation
    ids = rng.getrandbits(160).to_bytes(20, "little").hex()
    return f"Root=1-{int(at.timestamp()):08x}-{ids[:24]};Parent={ids[24:]};Sampled={int(sampled)}"


_FIRST_OCTETS = ("3", "13", "18", "34", "35", "44", "52", "54", "63", "72", "98", "99", "203")
_OCTETS = tuple(str(i) for i in range(256))


def ipv4(rng: Draws) -> str:
    """A public-looking IPv4 address (never a private or reserved range), from one draw."""
    return ipv4_from_bits(rng.getrandbits(32))


def ipv4_from_bits(bits: int) -> str:
    """``ipv4`` from 32 random bits a builder already drew."""
    first = _FIRST_OCTETS[(bits >> 24) % len(_FIRST_OCTETS)]
    o = _OCTETS  # strings already: no int formatting per address
    return f"{first}.{o[bits >> 16 & 255]}.{o[bits >> 8 & 255]}.{o[1 + (bits & 255) % 254]}"


def resource_name(rng: Draws, words: tuple[str, ...], suffix_digits: int = 0) -> str:
    """A lower-case, dash-separated resource name such as ``orders-worker`` or ``photos-7281``."""
    name = f"{pick(rng, words)}-{pick(rng, words)}"
    if suffix_digits:
        low = 10 ** (suffix_digits - 1)
        name += f"-{low + rng.getrandbits(4 * suffix_digits + 8) % (9 * low)}"
    return name
