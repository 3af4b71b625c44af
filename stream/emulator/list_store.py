"""Lists v3 data: list definitions and memberships (HUBSPOT_API.md section 6)."""

from __future__ import annotations

from typing import Any

from stream.emulator.clock import iso_ms
from stream.emulator.responses import ApiError, validation_error

PROCESSING_TYPES = ("MANUAL", "SNAPSHOT", "DYNAMIC")


class Lists:
    """Lists of the portal by id, each with its members (record id -> time added)."""

    def __init__(self) -> None:
        self.by_id: dict[str, dict[str, Any]] = {}
        self.members: dict[str, dict[str, float]] = {}
        self.next_id = 1

    def create(self, body: dict[str, Any], now: float) -> dict[str, Any]:
        """A new list; 400 ILS.DUPLICATE_LIST_NAMES for a name in use."""
        name, processing = str(body.get("name", "")), body.get("processingType", "MANUAL")
        if not name or not body.get("objectTypeId"):
            raise validation_error("name and objectTypeId are required")
        if processing not in PROCESSING_TYPES:
            raise validation_error(f"processingType must be one of {PROCESSING_TYPES}")
        if any(x["name"].lower() == name.lower() for x in self.by_id.values()):
            raise ApiError(400, f"A list named {name} already exists.", "VALIDATION_ERROR",
                           subCategory="ILS.DUPLICATE_LIST_NAMES")
        list_id = str(self.next_id)
        self.next_id += 1
        stamp = iso_ms(now)
        self.by_id[list_id] = {
            "listId": list_id, "listVersion": 1, "name": name,
            "objectTypeId": str(body["objectTypeId"]), "processingStatus": "COMPLETE",
            "processingType": processing, "createdAt": stamp, "updatedAt": stamp,
            "filtersUpdatedAt": stamp, "listFolderId": body.get("listFolderId", 0),
            "filterBranch": body.get("filterBranch")}
        self.members[list_id] = {}
        return self.view(list_id)

    def view(self, list_id: str) -> dict[str, Any]:
        """A list as the API shows it, with its size; 404 if unknown."""
        found = self.by_id.get(list_id)
        if found is None:
            raise ApiError(404, f"List does not exist with ID {list_id}.", "OBJECT_NOT_FOUND")
        return {**found, "size": len(self.members[list_id])}

    def by_name(self, object_type_id: str, name: str) -> dict[str, Any]:
        """The list with this name and object type; 404 like HubSpot otherwise."""
        for list_id, found in self.by_id.items():
            if found["name"].lower() == name.lower() and found["objectTypeId"] == object_type_id:
                return self.view(list_id)
        raise ApiError(404, f"List does not exist with name {name} and object type ID "
                       f"{object_type_id}.", "OBJECT_NOT_FOUND")

    def change(self, list_id: str, add: list[str], remove: list[str], existing: set[str],
               now: float) -> dict[str, list[str]]:
        """Add and remove members; unknown records are reported missing, never an error."""
        found = self.view(list_id)
        if found["processingType"] == "DYNAMIC":
            raise validation_error(f"List {list_id} is DYNAMIC; its memberships can't be "
                                   "changed manually.", subCategory="ILS.INVALID_LIST_TYPE")
        members = self.members[list_id]
        added, removed, missing = [], [], []
        for record_id in remove:
            if members.pop(record_id, None) is not None:
                removed.append(record_id)
        for record_id in add:
            if record_id not in existing:
                missing.append(record_id)
            elif record_id not in members:
                members[record_id] = now
                added.append(record_id)
        if added or removed:
            self.by_id[list_id]["updatedAt"] = iso_ms(now)
        # "recordsIdsAdded" is HubSpot's own spelling (HUBSPOT_API.md section 6).
        return {"recordsIdsAdded": added, "recordIdsRemoved": removed,
                "recordIdsMissing": missing}

    def page(self, list_id: str, after: str, limit: int, by_time: bool) -> dict[str, Any]:
        """Members ordered by record id (or by time added), from after `after`."""
        self.view(list_id)
        members = self.members[list_id]
        order = sorted(members, key=(lambda r: (members[r], _id_key(r))) if by_time else _id_key)
        start = order.index(after) + 1 if after in members else 0
        chosen = order[start:start + limit]
        body: dict[str, Any] = {"results": [{"recordId": r, "membershipTimestamp":
                                             iso_ms(members[r])} for r in chosen]}
        if start + limit < len(order):
            body["paging"] = {"next": {"after": chosen[-1]}}
        return body

    def of_record(self, object_type_id: str, record_id: str) -> list[dict[str, Any]]:
        """The lists a record belongs to."""
        return [{"listId": list_id, "listVersion": 1,
                 "firstAddedTimestamp": iso_ms(members[record_id]),
                 "lastAddedTimestamp": iso_ms(members[record_id])}
                for list_id, members in self.members.items()
                if record_id in members and self.by_id[list_id]["objectTypeId"] == object_type_id]

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


def _id_key(record_id: str) -> tuple[int, str]:
    return (int(record_id), "") if record_id.isdigit() else (0, record_id)
