"""upsert_custom_object_record payloads: the object type, its search fields and the record to
associate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.actions.base import Payload, invalid
from stream.actions.shared.object_types import object_path
from stream.actions.shared.values import (
    flag,
    flatten_properties,
    mapping,
    parse_association_label,
    text,
)


@dataclass(kw_only=True)
class CustomRecordPayload(Payload):
    """A V1 custom object record write with an optional association by search."""

    object_type: str
    properties: Mapping[str, Any]
    create_new: bool = True
    search_fields: Mapping[str, str] | None = None
    to_object_type: str | None = None
    association: tuple[str, int] | None = None
    association_search: Mapping[str, str] | None = None


def build_custom_record(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> CustomRecordPayload:
    """Validate an upsert_custom_object_record mapping (ACTIONS.md Part A 4, Part B 4)."""
    reference = text(rendered, "objectType", required=True)
    assert reference is not None
    properties = flatten_properties(rendered.get("properties"))
    if not properties:
        raise invalid("The root value is missing the required field 'properties'.")
    to_type = text(rendered, "toObjectType")
    return CustomRecordPayload(
        message_id=message_id, mapping_id=mapping_id,
        object_type=object_path(reference), properties=properties,
        create_new=flag(rendered, "createNewCustomRecord", True),
        search_fields=_search(rendered, "customObjectSearchFields"),
        to_object_type=object_path(to_type) if to_type else None,
        association=parse_association_label(text(rendered, "associationLabel")),
        association_search=_search(rendered, "searchFieldsToAssociateCustomObjects"),
    )


def _search(rendered: Mapping[str, Any], name: str) -> dict[str, str] | None:
    fields = {str(k): str(v) for k, v in mapping(rendered, name).items() if v not in (None, "")}
    return fields or None
