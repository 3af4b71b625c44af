"""The properties and groups every portal starts with (HUBSPOT_API.md section 3.6)."""

from __future__ import annotations

from typing import Any

from stream.emulator.property_types import PropertyDef

LIFECYCLE_STAGES = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
                    "opportunity", "customer", "evangelist", "other"]
LIFECYCLE_LABELS = ["Subscriber", "Lead", "Marketing Qualified Lead", "Sales Qualified Lead",
                    "Opportunity", "Customer", "Evangelist", "Other"]

# (name, label, type, fieldType, extra) per object; group is the object's information group.
_COMMON: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("hs_object_id", "Record ID", "number", "number", {"read_only_value": True}),
    ("createdate", "Create Date", "datetime", "date", {"read_only_value": True}),
]
_SPECIFIC: dict[str, list[tuple[str, str, str, str, dict[str, Any]]]] = {
    "0-1": [
        ("email", "Email", "string", "text", {"has_unique_value": True}),
        ("hs_additional_emails", "Additional email addresses", "enumeration", "checkbox",
         {"read_only_value": False}),
        ("firstname", "First Name", "string", "text", {}),
        ("lastname", "Last Name", "string", "text", {}),
        ("phone", "Phone Number", "string", "phonenumber", {}),
        ("company", "Company Name", "string", "text", {}),
        ("website", "Website URL", "string", "text", {}),
        ("jobtitle", "Job Title", "string", "text", {}),
        ("city", "City", "string", "text", {}),
        ("country", "Country/Region", "string", "text", {}),
        ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", {"lifecycle": True}),
        ("lastmodifieddate", "Last Modified Date", "datetime", "date", {"read_only_value": True}),
    ],
    "0-2": [
        ("name", "Company name", "string", "text", {}),
        ("domain", "Company Domain Name", "string", "text", {}),
        ("website", "Website URL", "string", "text", {}),
        ("phone", "Phone Number", "string", "phonenumber", {}),
        ("industry", "Industry", "string", "text", {}),
        ("numberofemployees", "Number of Employees", "number", "number", {}),
        ("city", "City", "string", "text", {}),
        ("country", "Country/Region", "string", "text", {}),
        ("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", {"lifecycle": True}),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
         {"read_only_value": True}),
    ],
    "0-3": [
        ("dealname", "Deal Name", "string", "text", {}),
        ("amount", "Amount", "number", "number", {}),
        ("dealstage", "Deal Stage", "string", "text", {}),
        ("pipeline", "Pipeline", "string", "text", {}),
        ("closedate", "Close Date", "datetime", "date", {}),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
         {"read_only_value": True}),
    ],
    "0-5": [
        ("subject", "Ticket name", "string", "text", {}),
        ("content", "Ticket description", "string", "textarea", {}),
        ("hs_pipeline", "Pipeline", "string", "text", {}),
        ("hs_pipeline_stage", "Ticket status", "string", "text", {}),
        ("hs_ticket_priority", "Priority", "string", "text", {}),
        ("hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
         {"read_only_value": True}),
    ],
}
INFORMATION_GROUP = {"0-1": "contactinformation", "0-2": "companyinformation",
                     "0-3": "dealinformation", "0-5": "ticketinformation"}


def _options(extra: dict[str, Any]) -> list[dict[str, Any]]:
    if not extra.get("lifecycle"):
        return []
    return [{"label": label, "value": value, "description": "", "displayOrder": index,
             "hidden": False}
            for index, (value, label) in enumerate(zip(LIFECYCLE_STAGES, LIFECYCLE_LABELS,
                                                       strict=True))]


def default_properties(object_type_id: str, now: float) -> dict[str, PropertyDef]:
    """Seeded HubSpot-defined properties of a standard or custom object type."""
    group = INFORMATION_GROUP.get(object_type_id, "objectinformation")
    specific = _SPECIFIC.get(object_type_id,
                             [("hs_lastmodifieddate", "Last Modified Date", "datetime", "date",
                               {"read_only_value": True})])
    result: dict[str, PropertyDef] = {}
    for order, (name, label, type_, field_type, extra) in enumerate(_COMMON + specific):
        result[name] = PropertyDef(
            name=name, label=label, type=type_, field_type=field_type, group_name=group,
            options=_options(extra), has_unique_value=bool(extra.get("has_unique_value")),
            read_only_value=bool(extra.get("read_only_value")), hubspot_defined=True,
            display_order=order, created_at=now, updated_at=now).compile()
    return result


def default_groups(object_type_id: str) -> dict[str, dict[str, Any]]:
    """The seeded property groups of an object type."""
    name = INFORMATION_GROUP.get(object_type_id, "objectinformation")
    label = name.replace("information", " information").capitalize()
    return {name: {"name": name, "label": label, "displayOrder": -1, "archived": False}}
