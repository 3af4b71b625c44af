"""Custom behavioral events: definitions, occurrence validation, uuid deduplication (section 5)."""

from __future__ import annotations

import re
from typing import Any

from stream.emulator.clock import iso_ms, parse_instant
from stream.emulator.property_types import PropertyDef, PropertyValueError
from stream.emulator.responses import ApiError, validation_error

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_DEFINITIONS = 500
MAX_PROPERTIES_PER_OCCURRENCE = 50
MAX_VALUE_CHARS = 256
LONG_VALUE_PROPERTIES = {"hs_page_url", "hs_referrer"}
MAX_LONG_VALUE_CHARS = 1024
DEFAULT_PROPERTIES = [
    "hs_asset_description", "hs_asset_type", "hs_browser", "hs_campaign_id", "hs_city",
    "hs_country", "hs_device_name", "hs_device_type", "hs_element_class", "hs_element_id",
    "hs_element_text", "hs_language", "hs_link_href", "hs_operating_system",
    "hs_operating_version", "hs_page_content_type", "hs_page_id", "hs_page_title",
    "hs_page_url", "hs_parent_module_id", "hs_referrer", "hs_region", "hs_screen_height",
    "hs_screen_width", "hs_touchpoint_source", "hs_tracking_name", "hs_user_agent",
    "hs_utm_campaign", "hs_utm_content", "hs_utm_medium", "hs_utm_source", "hs_utm_term"]
FIELD_TYPES = {"string": "text", "number": "number", "enumeration": "select", "datetime": "date"}
PRIMARY_OBJECTS = {"CONTACT": "0-1", "COMPANY": "0-2", "DEAL": "0-3", "TICKET": "0-5"}


def event_property(body: dict[str, Any]) -> dict[str, Any]:
    """A definition property from a request body; 400 for a bad name or type."""
    name, type_ = str(body.get("name", "")), body.get("type", "string")
    if not NAME_PATTERN.match(name):
        raise validation_error(f"Invalid property name {name!r}: lower-case letters, digits "
                               "and _ only, starting with a letter, at most 50 characters")
    if type_ not in FIELD_TYPES:
        raise validation_error(f"Invalid property type {type_!r}; one of {sorted(FIELD_TYPES)}")
    return {"name": name, "label": body.get("label", name), "type": type_,
            "options": body.get("options", []), "description": body.get("description", "")}


def _validator(prop: dict[str, Any]) -> PropertyDef:
    return PropertyDef(name=prop["name"], label=prop["label"], type=prop["type"],
                       field_type=FIELD_TYPES.get(prop["type"], "text"), group_name="events",
                       options=prop.get("options", [])).compile()


class Events:
    """Event definitions by short name, occurrences in arrival order, uuids seen per event."""

    def __init__(self, portal_id: int) -> None:
        self.portal_id = portal_id
        self.definitions: dict[str, dict[str, Any]] = {}
        self.occurrences: list[dict[str, Any]] = []
        self.uuids: dict[str, set[str]] = {}
        self.next_id = 1

    def define(self, body: dict[str, Any], now: float) -> dict[str, Any]:
        """Create a definition; 400 for bad names, 409 for an existing one."""
        name, label = str(body.get("name") or body.get("label", "")), str(body.get("label", ""))
        if not NAME_PATTERN.match(name) or not label or len(label) > 50:
            raise validation_error("name must be lower-case a-z, 0-9 and _, start with a letter "
                                   "and have at most 50 characters; label is required (<= 50)")
        if name in self.definitions:
            raise ApiError(409, f"An event with name {name} already exists.", "CONFLICT")
        if len(self.definitions) >= MAX_DEFINITIONS:
            raise validation_error(f"The limit of {MAX_DEFINITIONS} event definitions is reached")
        primary = str(body.get("primaryObject", "CONTACT")).upper()
        properties = [event_property(p) for p in body.get("propertyDefinitions", [])]
        if body.get("includeDefaultProperties", True):
            properties += [{"name": n, "label": n, "type": "string", "options": [],
                            "description": ""} for n in DEFAULT_PROPERTIES]
        definition = {
            "id": str(self.next_id), "name": name, "fullyQualifiedName": self.qualified(name),
            "labels": {"singular": label, "plural": label},
            "description": body.get("description", ""), "primaryObject": primary,
            "objectTypeId": PRIMARY_OBJECTS.get(primary, primary), "properties": properties,
            "archived": False, "trackingType": "MANUAL", "createdAt": iso_ms(now),
            "customMatchingId": body.get("customMatchingId")}
        self.next_id += 1
        self.definitions[name] = definition
        return definition

    def qualified(self, name: str) -> str:
        """`pe<portal>_<name>`."""
        return f"pe{self.portal_id}_{name}"

    def find(self, event_name: str) -> dict[str, Any]:
        """A definition by short or fully qualified name; 404 if unknown."""
        prefix = f"pe{self.portal_id}_"
        short = event_name[len(prefix):] if event_name.startswith(prefix) else event_name
        definition = self.definitions.get(short)
        if definition is None or definition["archived"]:
            raise ApiError(404, f"Event definition {event_name} was not found.",
                           "OBJECT_NOT_FOUND")
        return definition

    def check_occurrence(self, body: Any, now: float) -> dict[str, Any]:
        """A validated occurrence (not stored yet); ApiError 400/404 if invalid."""
        if not isinstance(body, dict):
            raise validation_error("each occurrence must be an object")
        definition = self.find(str(body.get("eventName", "")))
        if not any(body.get(k) for k in ("customMatchingId", "objectId", "email", "utk")):
            raise validation_error("One of customMatchingId, objectId, email or utk is required.")
        given = body.get("properties") or {}
        if len(given) > MAX_PROPERTIES_PER_OCCURRENCE:
            raise validation_error(f"An event occurrence can have at most "
                                   f"{MAX_PROPERTIES_PER_OCCURRENCE} properties; got {len(given)}")
        known = {p["name"]: p for p in definition["properties"]}
        values = {name: self._value(known, name, value) for name, value in given.items()}
        try:
            occurred = parse_instant(body["occurredAt"]) if body.get("occurredAt") else now
        except ValueError:
            raise validation_error(f"occurredAt {body.get('occurredAt')!r} is not a time") from None
        return {"eventName": definition["fullyQualifiedName"], "occurredAt": iso_ms(occurred),
                "objectId": str(body["objectId"]) if body.get("objectId") else None,
                "email": body.get("email"), "utk": body.get("utk"),
                "customMatchingId": body.get("customMatchingId"), "properties": values,
                "uuid": body.get("uuid"), "receivedAt": iso_ms(now),
                "objectTypeId": definition["objectTypeId"]}

    @staticmethod
    def _value(known: dict[str, dict[str, Any]], name: str, value: Any) -> str:
        if name not in known:
            raise validation_error(f"Property {name} does not exist on this event.",
                                   context={"propertyName": [name]})
        limit = MAX_LONG_VALUE_CHARS if name in LONG_VALUE_PROPERTIES else MAX_VALUE_CHARS
        try:
            text = _validator(known[name]).validate(value, "")
        except PropertyValueError as exc:
            raise validation_error(exc.message, context={"propertyName": [name]}) from None
        if len(text) > limit:
            raise validation_error(f"Value of {name} is longer than {limit} characters.",
                                   context={"propertyName": [name]})
        return text

    def accept(self, occurrence: dict[str, Any]) -> bool:
        """Store an occurrence unless its uuid was seen for this event; True if stored."""
        uuid = occurrence.get("uuid")
        if uuid:
            seen = self.uuids.setdefault(occurrence["eventName"], set())
            if uuid in seen:
                return False
            seen.add(uuid)
        self.occurrences.append(occurrence)
        return True

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
