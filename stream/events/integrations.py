"""The Segment `integrations` object: whether an event may reach this destination."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stream.events.event import SegmentEvent

# The spellings the Segment docs list for this destination; matched without regard to case.
DESTINATION_NAMES = (
    "HubSpot Cloud Mode (Actions)",
    "Hubspot Cloud Mode (Actions)",
    "Hubspot Cloud Mode (actions)",
)
_FOLDED_NAMES = frozenset(name.casefold() for name in DESTINATION_NAMES)


def is_enabled_for_destination(event: SegmentEvent | Mapping[str, Any]) -> bool:
    """False when `integrations` names this destination `false`, or sets `"All": false` without
    naming this destination with a truthy value (true or a settings object)."""
    raw = event.raw if isinstance(event, SegmentEvent) else event
    integrations = raw.get("integrations")
    if not integrations:
        return True
    named = _named_setting(integrations)
    if named is not None:
        return named is not False
    return integrations.get("All", True) is not False


def _named_setting(integrations: Mapping[str, Any]) -> Any:
    for key, value in integrations.items():
        if key.casefold() in _FOLDED_NAMES:
            return value
    return None
