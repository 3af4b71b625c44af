"""The emulator's seeded properties: HubSpot's defaults, enough for every default mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.actions.catalog import ACTIONS
from stream.commands.config import action_catalog
from stream.mappings.loader import load_destination
from tests.fixtures.emulator import EmulatorHandle

EXAMPLES = Path(__file__).resolve().parents[2] / "config" / "examples"
# Actions whose plain fields are properties of a standard object, and that object.
PROPERTY_ACTIONS = {"upsert_contact": "contacts", "upsert_company": "companies"}
# Fields of those actions that steer the action instead of naming a HubSpot property.
CONTROL_FIELDS = {"groupid", "createNewCompany", "associateContact", "companysearchfields",
                  "properties", "enable_batching", "contact_email"}


def _default_mapped() -> set[tuple[str, str]]:
    """(object, property) written by the default mappings of ACTIONS.md Part B."""
    return {(PROPERTY_ACTIONS[name], spec.name)
            for name in PROPERTY_ACTIONS for spec in ACTIONS[name].fields
            if spec.default is not None and spec.name not in CONTROL_FIELDS}


def _example_mapped() -> set[tuple[str, str]]:
    """(object, property) written by a plain field of a mapping in config/examples."""
    found: set[tuple[str, str]] = set()
    for path in sorted(EXAMPLES.glob("*.yaml")):
        destination = load_destination(path, action_catalog(), require_secrets=False)
        for mapping in destination.mappings:
            if mapping.action in PROPERTY_ACTIONS:
                found |= {(PROPERTY_ACTIONS[mapping.action], name) for name in mapping.fields
                          if name not in CONTROL_FIELDS}
    return found


async def _property_names(emulator: EmulatorHandle, object_type: str) -> set[str]:
    response = await emulator.call("GET", f"/crm/v3/properties/{object_type}")
    assert response.status == 200, response.body
    return {item["name"] for item in response.body["results"]}


async def test_every_default_mapped_property_exists(emulator: EmulatorHandle) -> None:
    wanted = _default_mapped() | _example_mapped()
    assert ("contacts", "zip") in wanted and ("companies", "description") in wanted
    existing = {object_type: await _property_names(emulator, object_type)
                for object_type in set(PROPERTY_ACTIONS.values())}
    missing = sorted(f"{o}.{p}" for o, p in wanted if p not in existing[o])
    assert missing == []


@pytest.mark.parametrize(("object_type", "names"), [
    ("contacts", {"address", "state", "zip", "hs_lead_status", "mobilephone", "jobtitle"}),
    ("companies", {"address", "state", "zip", "description", "industry", "type"}),
    ("deals", {"dealname", "amount", "dealtype", "hs_priority", "closedate"}),
    ("tickets", {"subject", "content", "hs_ticket_priority", "hs_ticket_category"}),
])
async def test_standard_objects_have_hubspot_defaults(
        emulator: EmulatorHandle, object_type: str, names: set[str]) -> None:
    assert names <= await _property_names(emulator, object_type)


async def test_enumerations_carry_hubspot_options(emulator: EmulatorHandle) -> None:
    stage = await emulator.call("GET", "/crm/v3/properties/contacts/lifecyclestage")
    assert [o["value"] for o in stage.body["options"]][:3] == [
        "subscriber", "lead", "marketingqualifiedlead"]
    status = await emulator.call("GET", "/crm/v3/properties/contacts/hs_lead_status")
    assert (status.body["type"], status.body["fieldType"]) == ("enumeration", "radio")
    assert {"NEW", "OPEN", "IN_PROGRESS", "BAD_TIMING"} <= {
        o["value"] for o in status.body["options"]}
    industry = await emulator.call("GET", "/crm/v3/properties/companies/industry")
    options = {o["value"]: o["label"] for o in industry.body["options"]}
    assert len(options) > 140 and options["COMPUTER_SOFTWARE"] == "Computer Software"


async def test_groups_and_enumeration_values_are_enforced(emulator: EmulatorHandle) -> None:
    groups = await emulator.call("GET", "/crm/v3/properties/companies/groups")
    assert {"companyinformation", "company_activity"} <= {g["name"] for g in groups.body[
        "results"]}
    bad = await emulator.call("POST", "/crm/v3/objects/companies",
                              {"properties": {"name": "Acme", "industry": "Software"}})
    assert bad.status == 400 and bad.body["errors"][0]["code"] == "INVALID_OPTION"
    good = await emulator.call("POST", "/crm/v3/objects/companies", {"properties": {
        "name": "Acme", "industry": "COMPUTER_SOFTWARE", "address": "1 Main St",
        "state": "CA", "zip": "94107", "description": "Anvils"}})
    assert good.status == 201, good.body
