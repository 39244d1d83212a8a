"""Seeds: one base seed per run, one per test from its node id, one per built event."""

from __future__ import annotations

import random
import zlib

SEED_SPACE = 2**32


def test_seed(base_seed: int, nodeid: str) -> int:
    """The seed of one test: independent of test order, ``-k`` subsets and xdist workers."""
    return (base_seed + zlib.crc32(nodeid.encode())) % SEED_SPACE


def derive(seed: int, label: str) -> int:
    """A seed for one labelled draw (``"sqs#0"``, ``"sqs_event"``) within a test."""
    return zlib.crc32(label.encode(), seed % SEED_SPACE)


def fresh_seed() -> int:
    """A new base seed for a run that was given none (printed in the header to reproduce)."""
    return random.SystemRandom().randrange(SEED_SPACE)
