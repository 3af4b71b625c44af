"""Default-mapping directives in Segment's mapping-kit syntax, so exported configs carry over."""

from __future__ import annotations

from typing import Any


def at(path: str) -> dict[str, Any]:
    """`{"@path": path}`: the value at a JSON path of the event."""
    return {"@path": path}


def first_of(preferred: str, fallback: str) -> dict[str, Any]:
    """`@if exists preferred then it else fallback` (Segment's camelCase / snake_case defaults)."""
    return {"@if": {"exists": at(preferred), "then": at(preferred), "else": at(fallback)}}
