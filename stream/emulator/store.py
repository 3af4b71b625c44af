"""In-memory CRM records per object type, with indexes for unique property values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from stream.emulator.clock import iso_ms

EMAIL_INDEX = "email"


@dataclass(slots=True)
class Record:
    """One CRM record; every property value is a string."""

    id: str
    properties: dict[str, str]
    created_at: str
    updated_at: str
    updated_epoch: float
    archived: bool = False
    # (write time, properties) before the last write: what a delayed search index still sees
    previous: tuple[float, dict[str, str]] | None = None

    def to_json(self, properties: list[str] | None = None) -> dict[str, Any]:
        """The v3 representation; `properties` selects (unset ones come back null)."""
        values: dict[str, str | None]
        if properties is None:
            values = dict(self.properties)
        else:
            values = {name: self.properties.get(name) for name in properties}
        return {"id": self.id, "properties": values, "createdAt": self.created_at,
                "updatedAt": self.updated_at, "archived": self.archived}


def index_keys(type_id: str, name: str, value: str) -> list[tuple[str, str]]:
    """Unique-index entries a value occupies; contact emails share one case-blind index."""
    if not value:
        return []
    if type_id == "0-1" and name == "hs_additional_emails":
        return [(EMAIL_INDEX, part.lower()) for part in value.split(";") if part]
    if type_id == "0-1" and name == EMAIL_INDEX:
        return [(EMAIL_INDEX, value.lower())]
    return [(name, value)]


class RecordStore:
    """Records of one object type."""

    def __init__(self, type_id: str) -> None:
        self.type_id = type_id
        self.records: dict[str, Record] = {}
        self.archived: dict[str, Record] = {}
        self.unique: dict[str, dict[str, str]] = {}

    def owner(self, name: str, value: str) -> str | None:
        """Id of the live record holding a unique value, if any."""
        keys = index_keys(self.type_id, name, value)
        if not keys:
            return None
        index_name, key = keys[0]
        return self.unique.get(index_name, {}).get(key)

    def index(self, record: Record, names: list[str], add: bool) -> None:
        """Add or drop the record's values of `names` in the unique indexes."""
        for name in names:
            for index_name, key in index_keys(self.type_id, name, record.properties.get(name, "")):
                index = self.unique.setdefault(index_name, {})
                if add:
                    index[key] = record.id
                elif index.get(key) == record.id:
                    del index[key]

    def archive(self, record_id: str, unique_names: list[str], now: float) -> Record | None:
        """Move a live record to the recycle bin; None if it is not live."""
        record = self.records.pop(record_id, None)
        if record is None:
            return None
        self.index(record, unique_names, add=False)
        record.archived = True
        record.updated_at = iso_ms(now)
        self.archived[record_id] = record
        return record


class Store:
    """All records of the portal plus the id sequence."""

    def __init__(self, first_id: int = 10001) -> None:
        self.by_type: dict[str, RecordStore] = {}
        self.next_id = first_id

    def of(self, type_id: str) -> RecordStore:
        """The record store of a type, created on first use."""
        store = self.by_type.get(type_id)
        if store is None:
            store = self.by_type[type_id] = RecordStore(type_id)
        return store

    def allocate_id(self) -> str:
        """A fresh record id."""
        value = self.next_id
        self.next_id += 1
        return str(value)

    def find_any(self, record_id: str) -> bool:
        """True if a live record with this id exists in any type."""
        return any(record_id in store.records for store in self.by_type.values())

    def to_json(self) -> dict[str, Any]:
        """Snapshot of every record."""
        return {"next_id": self.next_id, "types": {
            type_id: [_record_json(r) for r in [*s.records.values(), *s.archived.values()]]
            for type_id, s in self.by_type.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any],
                  unique_names: dict[str, list[str]]) -> Store:
        """Rebuild from `to_json` output, re-indexing unique values."""
        store = cls(int(data.get("next_id", 10001)))
        for type_id, records in data.get("types", {}).items():
            target = store.of(type_id)
            for item in records:
                record = Record(item["id"], item["properties"], item["createdAt"],
                                item["updatedAt"], float(item.get("updatedEpoch", 0)),
                                bool(item.get("archived")))
                if record.archived:
                    target.archived[record.id] = record
                else:
                    target.records[record.id] = record
                    target.index(record, unique_names.get(type_id, []), add=True)
        return store


def _record_json(record: Record) -> dict[str, Any]:
    return {**record.to_json(), "updatedEpoch": record.updated_epoch}
