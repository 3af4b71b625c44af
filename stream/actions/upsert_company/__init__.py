"""Upsert HubSpot companies by segment_group_id from group events, and associate their contacts."""

from __future__ import annotations

from stream.actions.base import Action, BatchLimits
from stream.actions.shared.defaults import at, first_of
from stream.actions.upsert_company.payload import build_company
from stream.actions.upsert_company.perform import upsert_companies
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
UPSERT_COMPANY = Action(
    name="upsert_company",
    fields=COMPANY_FIELDS,
    batch=BatchLimits(max_items=100),
    build_payload=build_company,
    perform_batch=upsert_companies,
)
