"""Record writes: typed validation, unique values, the lifecyclestage rule, then apply."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from stream.emulator.clock import iso_ms
from stream.emulator.object_types import ObjectType
from stream.emulator.property_types import PropertyValueError
from stream.emulator.responses import ApiError
from stream.emulator.store import Record, Store, index_keys

LIFECYCLE = "lifecyclestage"


@dataclass(slots=True)
class PlannedWrite:
    """A validated write of one input, not yet applied."""

    object_type: ObjectType
    record_id: str
    record: Record | None
    changes: dict[str, str]

    @property
    def is_new(self) -> bool:
        """True when applying creates the record."""
        return self.record is None


def property_errors(entries: list[tuple[str, str, str]], portal_id: int) -> ApiError:
    """400 'Property values were not valid' from (name, code, message) entries."""
    details = [{"isValid": False, "message": message, "error": code, "name": name,
                "localizedErrorMessage": message, "portalId": portal_id}
               for name, code, message in entries]
    errors = [{"message": message, "code": code, "context": {"propertyName": [name]}}
              for name, code, message in entries]
    return ApiError(400, "Property values were not valid: " + orjson.dumps(details).decode(),
                    "VALIDATION_ERROR", errors=errors)


def indexed_names(object_type: ObjectType) -> list[str]:
    """Properties whose values live in unique indexes."""
    if object_type.object_type_id == "0-1":
        return [*object_type.unique_properties, "hs_additional_emails"]
    return object_type.unique_properties


class Writer:
    """Plans and applies writes for one portal's store."""

    def __init__(self, store: Store, portal_id: int, default_lifecyclestage: str) -> None:
        self.store = store
        self.portal_id = portal_id
        self.default_lifecyclestage = default_lifecyclestage
        self.keep_previous = False

    def validate(self, object_type: ObjectType, given: Any,
                 current: dict[str, str]) -> dict[str, str]:
        """Normalised string values; ApiError 400 listing every invalid property."""
        if not isinstance(given, dict):
            raise ApiError(400, "properties must be an object", "VALIDATION_ERROR")
        definitions = object_type.properties
        changes: dict[str, str] = {}
        errors: list[tuple[str, str, str]] = []
        for name, value in given.items():
            definition = definitions.get(name)
            if definition is None:
                errors.append((name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist'))
            elif definition.read_only_value:
                errors.append((name, "READ_ONLY_VALUE",
                               f'"{name}" is a read only property; its value cannot be set.'))
            elif value is None or value == "":
                changes[name] = ""
            else:
                try:
                    changes[name] = definition.validate(value, current.get(name, ""))
                except PropertyValueError as exc:
                    errors.append((name, exc.code, exc.message))
        if errors:
            raise property_errors(errors, self.portal_id)
        return changes

    def plan(self, object_type: ObjectType, record: Record | None, given: Any,
             claimed: dict[tuple[str, str], str]) -> PlannedWrite:
        """Validate one input against the store and the batch so far (`claimed` index keys)."""
        current = record.properties if record is not None else {}
        changes = self.validate(object_type, given, current)
        self._apply_lifecycle_rule(object_type, current, changes)
        record_id = record.id if record is not None else self.store.allocate_id()
        self._check_unique(object_type, record_id, changes, claimed)
        return PlannedWrite(object_type, record_id, record, changes)

    @staticmethod
    def _apply_lifecycle_rule(object_type: ObjectType, current: dict[str, str],
                              changes: dict[str, str]) -> None:
        # HUBSPOT_API.md 8.3: a backward move through the API is silently ignored.
        new_stage = changes.get(LIFECYCLE)
        old_stage = current.get(LIFECYCLE, "")
        if not new_stage or not old_stage:
            return
        definition = object_type.properties[LIFECYCLE]
        if definition.option_rank(new_stage) < definition.option_rank(old_stage):
            del changes[LIFECYCLE]

    def _check_unique(self, object_type: ObjectType, record_id: str, changes: dict[str, str],
                      claimed: dict[tuple[str, str], str]) -> None:
        type_id = object_type.object_type_id
        indexes = self.store.of(type_id).unique
        for name in indexed_names(object_type):
            value = changes.get(name)
            if not value:
                continue
            for key in index_keys(type_id, name, value):
                owner = indexes.get(key[0], {}).get(key[1]) or claimed.get(key)
                if owner is not None and owner != record_id:
                    raise conflict(object_type, owner, name, value)
                claimed[key] = record_id

    def apply(self, planned: PlannedWrite, now: float) -> Record:
        """Create or update the record of a planned write."""
        object_type = planned.object_type
        records = self.store.of(object_type.object_type_id)
        names = indexed_names(object_type)
        stamp = iso_ms(now)
        record = planned.record
        if record is None:
            properties = {"hs_object_id": planned.record_id, "createdate": stamp,
                          object_type.modified_property: stamp}
            if object_type.object_type_id == "0-1" and self.default_lifecyclestage:
                properties[LIFECYCLE] = self.default_lifecyclestage
            properties.update((k, v) for k, v in planned.changes.items() if v)
            record = Record(planned.record_id, properties, stamp, stamp, now)
            records.records[record.id] = record
            records.index(record, names, add=True)
            return record
        if self.keep_previous:
            record.previous = (record.updated_epoch, dict(record.properties))
        touched = [name for name in names if name in planned.changes]
        records.index(record, touched, add=False)
        properties = record.properties
        for key, value in planned.changes.items():
            if value:
                properties[key] = value
            else:
                properties.pop(key, None)
        records.index(record, touched, add=True)
        properties[object_type.modified_property] = stamp
        record.updated_at = stamp
        record.updated_epoch = now
        return record


def conflict(object_type: ObjectType, owner: str, name: str, value: str) -> ApiError:
    """409 for a unique value another record holds (classic CONFLICT form)."""
    if object_type.object_type_id == "0-1":
        return ApiError(409, f"Contact already exists. Existing ID: {owner}", "CONFLICT")
    return ApiError(409, f"A {object_type.singular} with {name} {value} already exists. "
                    f"Existing ID: {owner}", "CONFLICT")
