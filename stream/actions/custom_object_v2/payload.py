"""Custom Object V2 payloads: the record, its associations and list membership, validated."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from stream.actions.base import Payload, invalid
from stream.actions.shared.object_types import object_path
from stream.actions.shared.sync_mode import SYNC_MODE_FIELD, SyncMode
from stream.actions.shared.values import (
    clean_v2_properties,
    flag,
    mapping,
    parse_association_label,
    text,
)


@dataclass(frozen=True)
class AssociationSpec:
    """A record to associate with (or dissociate from): found by a property value."""

    object_type: str
    category: str
    type_id: int
    id_field_name: str
    id_field_value: str


@dataclass(frozen=True)
class ListMembership:
    """Add the record to (or remove it from) a MANUAL list, creating the list if allowed."""

    name: str
    add: bool
    create: bool


@dataclass(kw_only=True)
class ObjectPayload(Payload):
    """One Custom Object V2 record write."""

    object_type: str
    id_field_name: str
    id_field_value: str
    property_group: str | None = None
    properties: Mapping[str, Any]
    sensitive_properties: Mapping[str, Any]
    sync_mode: SyncMode = "update"
    association_sync_mode: Literal["upsert", "read"] = "upsert"
    associations: tuple[AssociationSpec, ...] = ()
    dissociations: tuple[AssociationSpec, ...] = ()
    list_membership: ListMembership | None = None
    timestamp: str | None = None


def build_object(rendered: Mapping[str, Any], *, message_id: str, mapping_id: str) -> ObjectPayload:
    """Validate a custom_object_v2 mapping (ACTIONS.md Part B 5.2-5.3)."""
    details = mapping(rendered, "object_details")
    object_type, id_name, id_value = (text(details, key) for key in (
        "object_type", "id_field_name", "id_field_value"))
    if not (object_type and id_name and id_value):
        raise invalid('Payload is missing required fields. Null or empty values are not allowed '
                      'for "Object Type", "ID Field Name" or "ID Field Value".')
    return ObjectPayload(
        message_id=message_id, mapping_id=mapping_id,
        object_type=object_path(object_type), id_field_name=id_name, id_field_value=id_value,
        property_group=text(details, "property_group"),
        properties=clean_v2_properties(mapping(rendered, "properties")),
        sensitive_properties=clean_v2_properties(mapping(rendered, "sensitive_properties")),
        sync_mode=_choice(rendered, SYNC_MODE_FIELD, ("upsert", "update", "add"), "update"),
        association_sync_mode=_choice(rendered, "association_sync_mode", ("upsert", "read"),
                                      "upsert"),
        associations=_associations(rendered.get("associations")),
        dissociations=_associations(rendered.get("dissociations")),
        list_membership=list_membership(rendered),
        timestamp=text(rendered, "timestamp"),
    )


def _choice(rendered: Mapping[str, Any], name: str, choices: tuple[str, ...], default: str) -> Any:
    value = text(rendered, name) or default
    if value not in choices:
        raise invalid(f"'{name}' must be one of {', '.join(choices)}; got {value!r}")
    return value


def _associations(value: Any) -> tuple[AssociationSpec, ...]:
    """Entries with every field set; incomplete ones are dropped (as Segment does)."""
    specs: list[AssociationSpec] = []
    for entry in value if isinstance(value, list) else []:
        if not isinstance(entry, Mapping):
            continue
        fields = [text(entry, key) for key in (
            "object_type", "association_label", "id_field_name", "id_field_value")]
        if all(fields):
            to_type, label, id_name, id_value = (str(f) for f in fields)
            category, type_id = parse_association_label(label) or ("", 0)
            specs.append(
                AssociationSpec(object_path(to_type), category, type_id, id_name, id_value))
    return tuple(dict.fromkeys(specs))


def list_membership(rendered: Mapping[str, Any]) -> ListMembership | None:
    """The list work a payload asks for (ACTIONS.md Part B 5.6), or None."""
    details = mapping(rendered, "list_details")
    engage = details.get("connected_to_engage_audience")
    if engage is True:
        key = text(rendered, "computation_key")
        member = mapping(rendered, "traits_or_props").get(key or "")
        if key and text(rendered, "computation_class") in ("audience", "journey_step") \
                and isinstance(member, bool):
            return ListMembership(text(details, "list_name") or key, member, True)
        return None
    name, action = text(details, "list_name"), details.get("list_action")
    if engage is False and name and isinstance(action, bool):
        return ListMembership(name, action, flag(details, "should_create_list", True))
    return None


@dataclass
class Written:
    """A record HubSpot now holds, with the payload indices it stands for."""

    payload: ObjectPayload
    record_id: str
    indices: list[int]
