"""Per-key lane memory (kept in a faust table): the HubSpot contact id and recent outcomes.

One value per routing key (user lane) or group id (group lane), so the table is partitioned
exactly like the lane topic. `seen` maps (message id | mapping) to the time its outcome was
published; entries older than the dedup window are pruned whenever the value is rewritten.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def contact_id_of(value: Mapping[str, Any] | None) -> str | None:
    """The contact id remembered for this user, if any."""
    if not value:
        return None
    contact_id = value.get("contact_id")
    return str(contact_id) if contact_id else None


def was_seen(value: Mapping[str, Any] | None, dedup_key: str, now: float,
             window_seconds: float) -> bool:
    """True when an outcome for this (event, mapping) was published within the window."""
    if not value or window_seconds <= 0:
        return False
    published = value.get("seen", {}).get(dedup_key)
    return published is not None and now - float(published) < window_seconds


def remember(value: Mapping[str, Any] | None, dedup_keys: Iterable[str], now: float,
             window_seconds: float, contact_id: str | None = None) -> dict[str, Any]:
    """The new value: keys marked seen at `now`, expired ones dropped, contact id updated."""
    old_seen = dict(value.get("seen", {})) if value else {}
    seen = {key: at for key, at in old_seen.items() if now - float(at) < window_seconds}
    if window_seconds > 0:
        seen.update((key, now) for key in dedup_keys)
    return {"contact_id": contact_id or contact_id_of(value), "seen": seen}
