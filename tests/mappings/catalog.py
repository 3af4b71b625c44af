"""A small, stable action catalog for loader tests (the real one lives in stream.actions)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from stream.mappings import FieldSpec


def _if(preferred: str, fallback: str) -> dict[str, object]:
    return {
        "@if": {
            "exists": {"@path": preferred},
            "then": {"@path": preferred},
            "else": {"@path": fallback},
        }
    }


TEST_CATALOG: Mapping[str, Sequence[FieldSpec]] = {
    "upsert_contact": (
        FieldSpec("email", "Email", "email", required=True, default={"@path": "$.traits.email"}),
        FieldSpec(
            "firstname",
            "First Name",
            "string",
            default=_if("$.traits.first_name", "$.traits.firstName"),
        ),
        FieldSpec("lifecyclestage", "Lifecycle Stage", "string"),
        FieldSpec("properties", "Other properties", "object"),
        FieldSpec("enable_batching", "Batch", "boolean", default=False),
    ),
    "upsert_company": (
        FieldSpec("groupid", "Group", "string", required=True, default={"@path": "$.groupId"}),
        FieldSpec("createNewCompany", "Create", "boolean", required=True, default=True),
        FieldSpec(
            "numberofemployees", "Employees", "integer", default={"@path": "$.traits.employees"}
        ),
    ),
    "send_custom_behavioral_event": (
        FieldSpec("eventName", "Event Name", "string", required=True),
        FieldSpec("occurredAt", "Occurred At", "datetime", default={"@path": "$.timestamp"}),
        FieldSpec("properties", "Properties", "object"),
    ),
    "custom_object_v2": (
        FieldSpec(
            "object_details",
            "Object Details",
            "object",
            required=True,
            properties=(
                FieldSpec("object_type", "Object Type", "string", required=True),
                FieldSpec("id_field_name", "ID Field Name", "string", required=True),
                FieldSpec("id_field_value", "ID Field Value", "string", required=True),
            ),
        ),
        FieldSpec(
            "association_sync_mode",
            "Association Sync Mode",
            "string",
            required=True,
            default="upsert",
            choices=("upsert", "read"),
        ),
        FieldSpec(
            "associations",
            "Associations",
            "object",
            multiple=True,
            properties=(
                FieldSpec("object_type", "To Object Type", "string", required=True),
                FieldSpec("id_field_value", "To ID Value", "string", required=True),
            ),
        ),
    ),
}
