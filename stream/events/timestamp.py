"""Lenient ISO-8601 parsing for Segment timestamps (with or without fraction, offset or `T`)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

# Anything fromisoformat rejects but Segment libraries send: nanosecond fractions, "+0000" offsets.
_LENIENT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:[.,](?P<fraction>\d+))?\s*(?P<zone>Z|z|[+-]\d{2}(?::?\d{2})?)?)?"
)


def parse_timestamp(text: str) -> datetime | None:
    """Aware UTC datetime for an ISO-8601 string, naive values taken as UTC; None if unparseable."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed_or_none = _parse_lenient(text)
        if parsed_or_none is None:
            return None
        parsed = parsed_or_none
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _parse_lenient(text: str) -> datetime | None:
    found = _LENIENT.fullmatch(text.strip())
    if found is None:
        return None
    rebuilt = found["date"]
    if found["time"]:
        time = found["time"] if found["time"].count(":") == 2 else found["time"] + ":00"
        rebuilt += "T" + time
        if found["fraction"]:
            rebuilt += "." + found["fraction"][:6].ljust(6, "0")
        zone = found["zone"]
        if zone:
            rebuilt += _normalise_zone(zone)
    try:
        return datetime.fromisoformat(rebuilt)
    except ValueError:
        return None


def _normalise_zone(zone: str) -> str:
    if zone in ("Z", "z"):
        return "+00:00"
    digits = zone[1:].replace(":", "")
    return zone[0] + digits[:2] + ":" + (digits[2:4] or "00")
