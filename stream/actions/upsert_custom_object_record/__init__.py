"""Upsert a custom object record found by search fields, optionally associating it (V1 action)."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.upsert_custom_object_record.payload import build_custom_record
from stream.actions.upsert_custom_object_record.perform import upsert_custom_records
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
UPSERT_CUSTOM_OBJECT_RECORD = Action(
    name="upsert_custom_object_record",
    fields=CUSTOM_OBJECT_RECORD_FIELDS,
    batch=BatchLimits(max_items=100),
    build_payload=build_custom_record,
    perform_batch=upsert_custom_records,
)
