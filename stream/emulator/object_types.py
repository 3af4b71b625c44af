"""Object types of a portal: standard ids, custom schemas, and path-name resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stream.emulator.property_defaults import default_groups, default_properties
from stream.emulator.property_types import PropertyDef
from stream.emulator.responses import ApiError

# objectTypeId, path name, singular, scope name (crm.objects.<scope>.read)
STANDARD_TYPES: list[tuple[str, str, str, str]] = [
    ("0-1", "contacts", "contact", "contacts"), ("0-2", "companies", "company", "companies"),
    ("0-3", "deals", "deal", "deals"), ("0-5", "tickets", "ticket", "tickets"),
    ("0-7", "products", "product", "products"), ("0-8", "line_items", "line_item", "line_items"),
    ("0-14", "quotes", "quote", "quotes"), ("0-27", "tasks", "task", "tasks"),
    ("0-46", "notes", "note", "notes"), ("0-47", "meetings", "meeting", "meetings"),
    ("0-48", "calls", "call", "calls"), ("0-49", "emails", "email", "emails"),
]
DEFAULT_READ_PROPERTIES: dict[str, list[str]] = {
    "0-1": ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"],
    "0-2": ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
}
TEXT_SEARCH_PROPERTIES: dict[str, list[str]] = {
    "0-1": ["firstname", "lastname", "email", "phone", "company", "hs_additional_emails"],
    "0-2": ["name", "domain", "website", "phone"],
}


@dataclass(slots=True)
class ObjectType:
    """One object type with its properties and groups."""

    object_type_id: str
    name: str
    singular: str
    scope_name: str
    fully_qualified_name: str
    properties: dict[str, PropertyDef]
    groups: dict[str, dict[str, Any]]
    schema: dict[str, Any] | None = None
    unique_properties: list[str] = field(default_factory=list)

    @property
    def modified_property(self) -> str:
        """The last-modified property name of this type."""
        return "lastmodifieddate" if self.object_type_id == "0-1" else "hs_lastmodifieddate"

    @property
    def read_properties(self) -> list[str]:
        """Properties returned when a read names none."""
        return DEFAULT_READ_PROPERTIES.get(
            self.object_type_id, ["createdate", "hs_lastmodifieddate", "hs_object_id"])

    @property
    def text_search_properties(self) -> list[str]:
        """Properties the search `query` matches."""
        primary = (self.schema or {}).get("primaryDisplayProperty")
        return TEXT_SEARCH_PROPERTIES.get(self.object_type_id, [primary] if primary else [])

    def refresh_unique(self) -> None:
        """Recompute which properties are unique (call after adding one)."""
        self.unique_properties = [p.name for p in self.properties.values() if p.has_unique_value]


class ObjectTypes:
    """All object types of the portal, resolvable by id, plural name or qualified name."""

    def __init__(self, portal_id: int, now: float) -> None:
        self.portal_id = portal_id
        self.by_id: dict[str, ObjectType] = {}
        self._aliases: dict[str, str] = {}
        for type_id, name, singular, scope in STANDARD_TYPES:
            self.add(ObjectType(type_id, name, singular, scope, name,
                                default_properties(type_id, now), default_groups(type_id)),
                     [singular])

    def add(self, object_type: ObjectType, extra_aliases: list[str] | None = None) -> None:
        """Register a type under its id, name, fully qualified name and aliases."""
        object_type.refresh_unique()
        self.by_id[object_type.object_type_id] = object_type
        for alias in [object_type.object_type_id, object_type.name,
                      object_type.fully_qualified_name, *(extra_aliases or [])]:
            self._aliases[alias.lower()] = object_type.object_type_id

    def remove(self, object_type_id: str) -> None:
        """Forget a custom type and its aliases."""
        self.by_id.pop(object_type_id, None)
        self._aliases = {k: v for k, v in self._aliases.items() if v != object_type_id}

    def find(self, name: str) -> ObjectType | None:
        """The type a path segment names, or None."""
        type_id = self._aliases.get(name.lower())
        return self.by_id.get(type_id) if type_id else None

    def resolve(self, name: str) -> ObjectType:
        """The type a path segment names; 400 like HubSpot for an unknown type."""
        found = self.find(name)
        if found is None:
            raise ApiError(400, f"Unable to infer object type from: {name}", "VALIDATION_ERROR")
        return found

    def custom_aliases(self, name: str) -> list[str]:
        """The `p_<name>` and `p<portal>_<name>` forms of a custom object."""
        return [f"p_{name}", f"p{self.portal_id}_{name}"]
