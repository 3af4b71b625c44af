"""Upsert HubSpot companies by segment_group_id from group events, and associate their contacts."""

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
from stream.actions.defaults import at, first_of
from stream.actions.values import email, flag, flatten_properties, mapping, text, texts
from stream.mappings.fields import FieldSpec

COMPANY_FIELDS = (
    FieldSpec("groupid", "Unique Company Identifier", "string", required=True,
              default=first_of("$.groupId", "$.context.groupId"),
              description="Stored in the unique company property segment_group_id."),
    FieldSpec("createNewCompany", "Create Company if Not Found", "boolean", required=True,
              default=True),
    FieldSpec("associateContact", "Associate Contact with Company", "boolean", required=True,
              default=True),
    FieldSpec("companysearchfields", "Company Search Fields", "object",
              description="Each key is an OR alternative, used only when segment_group_id "
                          "finds nothing; more than one match rejects the record."),
    FieldSpec("name", "Company Name", "string", default=at("$.traits.name")),
    FieldSpec("description", "Company Description", "string", default=at("$.traits.description")),
    FieldSpec("address", "Street Address", "string", default=at("$.traits.address.street")),
    FieldSpec("city", "City", "string", default=at("$.traits.address.city")),
    FieldSpec("state", "State", "string", default=at("$.traits.address.state")),
    FieldSpec("zip", "Postal Code", "string",
              default=first_of("$.traits.address.postalCode", "$.traits.address.postal_code")),
    FieldSpec("domain", "Domain", "string", default=at("$.traits.website")),
    FieldSpec("phone", "Phone", "string", default=at("$.traits.phone")),
    FieldSpec("numberofemployees", "Number of Employees", "integer",
              default=at("$.traits.employees")),
    FieldSpec("industry", "Industry", "string", default=at("$.traits.industry")),
    FieldSpec("lifecyclestage", "Lifecycle Stage", "string"),
    FieldSpec("properties", "Other properties", "object"),
    FieldSpec("contact_email", "Contact Email", "email", default=at("$.context.traits.email"),
              description="hubspot-stream addition: when the user's contact id is not known yet, "
                          "the contact is upserted by this email before associating."),
)
_STANDARD = ("name", "description", "address", "city", "state", "zip", "domain", "phone",
             "industry")
GROUP_ID_PROPERTY = "segment_group_id"


@dataclass(frozen=True, kw_only=True)
class CompanyPayload(Payload):
    """A company write; `contact_id` is filled in by the user lane (HubSpot contact id)."""

    group_id: str
    properties: Mapping[str, Any]
    create_new: bool = True
    associate_contact: bool = True
    search_fields: Mapping[str, str] | None = None
    contact_id: str | None = None
    contact_email: str | None = None


def build_company(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> CompanyPayload:
    """Validate an upsert_company mapping (ACTIONS.md Part B 2.2-2.3)."""
    group_id = text(rendered, "groupid", required=True)
    assert group_id is not None
    properties: dict[str, Any] = texts(rendered, _STANDARD)
    employees = rendered.get("numberofemployees")
    if employees not in (None, ""):
        properties["numberofemployees"] = _integer("numberofemployees", employees)
    stage = text(rendered, "lifecyclestage")
    if stage:
        properties["lifecyclestage"] = stage.lower()
    extra = flatten_properties(rendered.get("properties"))
    if extra.get(GROUP_ID_PROPERTY):
        raise invalid("Segment uses 'segment_group_id' property internally to map Segment Group "
                      "IDs to HubSpot companies; it shouldn't be defined explicitly")
    properties.update(extra)
    search = {str(k): str(v) for k, v in mapping(rendered, "companysearchfields").items()
              if v not in (None, "")}
    return CompanyPayload(
        message_id=message_id,
        mapping_id=mapping_id,
        group_id=group_id,
        properties=properties,
        create_new=flag(rendered, "createNewCompany", True),
        associate_contact=flag(rendered, "associateContact", True),
        search_fields=search or None,
        contact_email=_optional_email(rendered),
    )


def _integer(name: str, value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise invalid(f"'{name}' must be an integer; got {value!r}") from None
    if isinstance(value, bool) or not number.is_integer():
        raise invalid(f"'{name}' must be an integer; got {value!r}")
    return int(number)


def _optional_email(rendered: Mapping[str, Any]) -> str | None:
    try:
        return email(rendered, "contact_email")
    except Exception:
        return None  # a malformed user email must not block the company write


async def upsert_companies(ctx: ActionContext, payloads: Sequence[Payload]) -> list[ItemResult]:
    """One result per payload, in input order."""
    raise NotImplementedError


UPSERT_COMPANY = Action(
    name="upsert_company",
    fields=COMPANY_FIELDS,
    default_trigger='type = "group"',
    batch=BatchLimits(max_items=100),
    build_payload=build_company,
    perform_batch=upsert_companies,
)
