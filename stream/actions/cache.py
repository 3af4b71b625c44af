"""Caches shared by the actions of a worker: property types, event definitions, lists, ensured
properties and contact ids by email, each with a TTL and single-flight loading; and the HubSpot
schema types they hold."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from stream.ttl_cache import TtlCache


@dataclass(frozen=True)
class PropertyType:
    """What HubSpot says about one property: `type`, `fieldType`, option values, read-only."""

    type: str
    field_type: str = "text"
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    read_only: bool = False

    @classmethod
    def from_hubspot(cls, body: Mapping[str, Any]) -> PropertyType:
        """From one entry of `GET /crm/v3/properties/{type}` or an event definition property."""
        options = [o for o in body.get("options") or () if isinstance(o, Mapping)]
        metadata = body.get("modificationMetadata") or {}
        return cls(
            type=str(body.get("type", "string")),
            field_type=str(body.get("fieldType", "text")),
            options=tuple(str(o.get("value")) for o in options),
            option_labels=tuple(str(o.get("label", o.get("value"))) for o in options),
            read_only=bool(metadata.get("readOnlyValue", False)),
        )


PropertyTypes = dict[str, PropertyType]


@dataclass(frozen=True)
class EventDefinition:
    """A custom event definition: its fully qualified name and property types."""

    fully_qualified_name: str
    properties: PropertyTypes
    archived: bool = False


@dataclass
class ActionCaches:
    """The worker-shared caches; TTLs follow Segment's where it has them (ACTIONS.md Part B 7)."""

    clock: Callable[[], float] = time.monotonic
    property_ttl_seconds: float = 3600.0
    event_ttl_seconds: float = 3600.0
    list_ttl_seconds: float = 1800.0
    ensured_ttl_seconds: float = 86400.0
    contact_id_ttl_seconds: float = 86400.0
    properties: TtlCache[str, PropertyTypes] = field(init=False)
    event_definitions: TtlCache[str, EventDefinition] = field(init=False)
    lists: TtlCache[tuple[str, str], str] = field(init=False)
    ensured: TtlCache[str, bool] = field(init=False)
    contact_ids: TtlCache[str, str] = field(init=False)
    missing_properties: TtlCache[tuple[str, str], bool] = field(init=False)
    missing_ttl_seconds: float = 60.0

    def __post_init__(self) -> None:
        self.properties = TtlCache(self.property_ttl_seconds, self.clock)
        self.event_definitions = TtlCache(self.event_ttl_seconds, self.clock)
        self.lists = TtlCache(self.list_ttl_seconds, self.clock)
        self.ensured = TtlCache(self.ensured_ttl_seconds, self.clock)
        self.contact_ids = TtlCache(self.contact_id_ttl_seconds, self.clock, max_entries=100_000)
        # names a refresh confirmed missing: no new refresh for them until this expires
        self.missing_properties = TtlCache(self.missing_ttl_seconds, self.clock)
