"""Lists v3 data: list definitions and memberships."""

from __future__ import annotations

from typing import Any


class Lists:
    """Lists of the portal by id."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, float]] = {}
        self.next_id = 1

    def to_json(self) -> dict[str, Any]:
        """Snapshot form."""
        return {"next_id": self.next_id, "lists": self.by_id, "members": self.members}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Lists:
        """Rebuild from `to_json` output."""
        result = cls()
        result.by_id = dict(data.get("lists", {}))
        result.members = {k: dict(v) for k, v in data.get("members", {}).items()}
        result.next_id = int(data.get("next_id", 1))
        return result
