"""Checking the keyword settings a harness resource factory passes on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import HarnessError, did_you_mean


def check_settings(
    resource: str, settings: Mapping[str, Any], allowed: Sequence[str], error: type[HarnessError]
) -> None:
    """Raise ``error`` naming the first unknown setting, a close match, and the allowed ones."""
    for name in settings:
        if name not in allowed:
            raise error(
                f"{resource}: unknown setting {name!r}{did_you_mean(name, allowed)}; "
                f"allowed: {', '.join(allowed)}"
            )
