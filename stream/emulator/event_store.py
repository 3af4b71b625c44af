"""Custom behavioral events data: definitions and received occurrences."""

from __future__ import annotations

from typing import Any


class Events:
    """Event definitions by short name, occurrences in arrival order, uuids seen per event."""

    def __init__(self, portal_id: int) -> None:
        self.portal_id = portal_id
        self.definitions: dict[str, dict[str, Any]] = {}
        self.occurrences: list[dict[str, Any]] = []
        self.uuids: dict[str, set[str]] = {}
        self.next_id = 1

    def to_json(self) -> dict[str, Any]:
        """Snapshot form."""
        return {"next_id": self.next_id, "definitions": self.definitions,
                "occurrences": self.occurrences,
                "uuids": {k: sorted(v) for k, v in self.uuids.items()}}

    @classmethod
    def from_json(cls, portal_id: int, data: dict[str, Any]) -> Events:
        """Rebuild from `to_json` output."""
        result = cls(portal_id)
        result.definitions = dict(data.get("definitions", {}))
        result.occurrences = list(data.get("occurrences", []))
        result.uuids = {k: set(v) for k, v in data.get("uuids", {}).items()}
        result.next_id = int(data.get("next_id", 1))
        return result
