"""Upsert a custom object record found by search fields, optionally associating it (V1 action)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stream.actions.base import (
    Action,
    ActionContext,
    BatchLimits,
    ItemResult,
    Payload,
    invalid,
)
from stream.actions.object_types import object_path
from stream.actions.values import flag, flatten_properties, mapping, text
from stream.mappings.fields import FieldSpec

CUSTOM_OBJECT_RECORD_FIELDS = (
    FieldSpec("createNewCustomRecord", "Create Custom Object Record if Not Found", "boolean",
              default=True),
    FieldSpec("customObjectSearchFields", "Custom Object Search Fields", "object",
              description="Each key is an OR alternative; more than one match rejects."),
    FieldSpec("objectType", "Object Type", "string", required=True,
              description="Fully qualified name, short name p_<name> or objectTypeId 2-123."),
    FieldSpec("properties", "Properties", "object", required=True),
    FieldSpec("searchFieldsToAssociateCustomObjects", "Search Fields to Associate custom Object",
              "object"),
    FieldSpec("toObjectType", "ObjectType to associate", "string"),
    FieldSpec("associationLabel", "Association Label", "string",
              description='"CATEGORY:typeId", e.g. "HUBSPOT_DEFINED:279".'),
)


@dataclass(frozen=True, kw_only=True)
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


def parse_association_label(label: str | None) -> tuple[str, int] | None:
    """`"HUBSPOT_DEFINED:279"` -> ("HUBSPOT_DEFINED", 279); None when absent."""
    if not label:
        return None
    category, _, type_id = label.partition(":")
    if not category or not type_id.strip().isdigit():
        raise invalid(f"Association label {label!r} must look like CATEGORY:typeId, "
                      "e.g. HUBSPOT_DEFINED:279")
    return category.strip(), int(type_id)


async def upsert_custom_records(
    ctx: ActionContext, payloads: Sequence[Payload]
) -> list[ItemResult]:
    """One result per payload, in input order."""
    raise NotImplementedError


UPSERT_CUSTOM_OBJECT_RECORD = Action(
    name="upsert_custom_object_record",
    fields=CUSTOM_OBJECT_RECORD_FIELDS,
    default_trigger=None,
    batch=BatchLimits(max_items=100),
    build_payload=build_custom_record,
    perform_batch=upsert_custom_records,
)
