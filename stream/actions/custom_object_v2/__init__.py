"""Custom Object V2: sync any object type by a unique id property, with associations and lists."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.custom_object_v2.payload import build_object
from stream.actions.custom_object_v2.perform import sync_objects
from stream.actions.shared.defaults import at, first_of
from stream.actions.shared.sync_mode import SYNC_MODE_FIELD
from stream.mappings.fields import FieldSpec

_ASSOCIATION = (
    FieldSpec("object_type", "To Object Type", "string", required=True),
    FieldSpec("association_label", "Association Label", "string", required=True,
              description='"CATEGORY:typeId", e.g. "HUBSPOT_DEFINED:279".'),
    FieldSpec("id_field_name", "To Object ID Field Name", "string", required=True),
    FieldSpec("id_field_value", "To Object ID Field Value", "string", required=True),
)
CUSTOM_OBJECT_V2_FIELDS = (
    FieldSpec("object_details", "Object Details", "object", required=True, properties=(
        FieldSpec("object_type", "Object Type", "string", required=True),
        FieldSpec("id_field_name", "ID Field Name", "string", required=True,
                  description="A unique property (hasUniqueValue), email for contacts, or "
                              "hs_object_id (updates only)."),
        FieldSpec("id_field_value", "ID Field Value", "string", required=True),
        FieldSpec("property_group", "Property Group", "string",
                  description="Needed only when properties must be created."),
    )),
    FieldSpec("properties", "Properties", "object"),
    FieldSpec("sensitive_properties", "Sensitive Properties", "object"),
    FieldSpec("association_sync_mode", "Associated Record Sync Mode", "string", required=True,
              default="upsert", choices=("upsert", "read")),
    FieldSpec("associations", "Associations", "object", multiple=True, properties=_ASSOCIATION),
    FieldSpec("dissociations", "Dissociations", "object", multiple=True, properties=_ASSOCIATION),
    FieldSpec("list_details", "List Details", "object", default={
        "connected_to_engage_audience": False, "should_create_list": True}, properties=(
        FieldSpec("connected_to_engage_audience", "Connected to Engage Audience", "boolean"),
        FieldSpec("list_name", "Name of list", "string"),
        FieldSpec("list_action", "List Action", "boolean", description="true add, false remove"),
        FieldSpec("should_create_list", "Create List", "boolean"),
    )),
    FieldSpec("timestamp", "Timestamp", "datetime", default=at("$.timestamp")),
    FieldSpec("traits_or_props", "Traits or Properties", "object",
              default=first_of("$.properties", "$.traits")),
    FieldSpec("computation_key", "Audience Key", "string",
              default=at("$.context.personas.computation_key")),
    FieldSpec("computation_class", "Computation Class", "string",
              default=at("$.context.personas.computation_class")),
    FieldSpec(SYNC_MODE_FIELD, "Sync Mode", "string", default="update",
              choices=("upsert", "update", "add")),
)
CUSTOM_OBJECT_V2 = Action(
    name="custom_object_v2",
    fields=CUSTOM_OBJECT_V2_FIELDS,
    batch=BatchLimits(max_items=100),
    build_payload=build_object,
    perform_batch=sync_objects,
)
