"""upsert_company against the emulator: segment_group_id ensured once, batch/upsert by it,
search only when needed, update-only skips, contacts resolved and associated in v4 batches."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from stream.actions.base import ActionContext, DestinationSettings, ItemResult
from stream.actions.cache import ActionCaches
from stream.actions.upsert_company import UPSERT_COMPANY
from stream.actions.upsert_company.payload import CompanyPayload, build_company
from stream.actions.upsert_contact import UPSERT_CONTACT
from stream.actions.upsert_contact.payload import build_contact
from stream.errors import Reason, RejectedError
from tests.actions.hubspot_setup import calls, create_record, record
from tests.fixtures.emulator import EmulatorHandle

UPSERT = "/crm/v3/objects/companies/batch/upsert"
ASSOCIATE = "/crm/v4/associations/companies/contacts/batch/"


def company(index: int, **fields: Any) -> CompanyPayload:
    rendered = {"groupid": f"g{index}", "name": f"Company {index}", "associateContact": False,
                **fields}
    return build_company(rendered, message_id=f"m{index}", mapping_id="companies")


async def upsert(ctx: ActionContext, payloads: list[CompanyPayload]) -> list[ItemResult]:
    return await UPSERT_COMPANY.perform_batch(ctx, payloads)


async def test_segment_group_id_is_ensured_once_per_destination(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await upsert(ctx, [company(1)])
    await upsert(ctx, [company(2)])
    other_worker = ActionContext(ctx.client, ActionCaches(), DestinationSettings())
    results = await upsert(other_worker, [company(3)])  # its create answers 409: fine
    assert results[0].status == "delivered"
    creates = await calls(emulator, "/crm/v3/properties/companies", "POST")
    assert [c["status"] for c in creates] == [201, 409]


async def test_companies_with_contacts_cost_one_upsert_and_one_association_call(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    contacts = await UPSERT_CONTACT.perform_batch(ctx, [build_contact(
        {"email": f"u{i}@example.com"}, message_id=str(i), mapping_id="c") for i in range(100)])
    # the user lane fills contact_id from the contact results
    payloads = [replace(company(i, associateContact=True), contact_id=contacts[i].object_id)
                for i in range(100)]
    before = len(await emulator.requests())
    results = await upsert(ctx, payloads)
    assert [r.status for r in results] == ["delivered"] * 100
    made = (await emulator.requests())[before:]
    assert [(c["path"], c["inputs"]) for c in made if "properties" not in c["path"]] == [
        (UPSERT, 100), (ASSOCIATE + "associate/default", 100)]
    pairs = {(a["fromId"], a["toId"]) for a in await emulator.associations("companies",
                                                                             "contacts")}
    assert pairs == {(r.object_id, c.object_id) for r, c in zip(results, contacts, strict=True)}


async def test_contact_known_only_by_email_is_upserted_then_associated(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await upsert(ctx, [company(1, associateContact=True,
                                         contact_email="new@example.com")])
    assert results[0].status == "delivered"
    contact_ids = [c["id"] for c in await emulator.objects("contacts")]
    pairs = await emulator.associations("companies", "contacts")
    assert [(a["fromId"], a["toId"]) for a in pairs] == [(results[0].object_id, contact_ids[0])]


async def test_unknown_contact_without_email_is_rejected_as_contact_unknown(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await upsert(ctx, [company(1, associateContact=True), company(2)])
    assert [r.status for r in results] == ["rejected", "delivered"]
    assert results[0].error is not None
    assert results[0].error.reason is Reason.CONTACT_UNKNOWN
    assert len(await emulator.objects("companies")) == 1


async def test_duplicate_group_ids_are_merged_into_one_input(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await upsert(ctx, [company(1, industry="COMPUTER_SOFTWARE"),
                                 company(1, name="Renamed"), company(2)])
    assert results[0].object_id == results[1].object_id
    assert [c["inputs"] for c in await calls(emulator, UPSERT)] == [2]
    stored = await record(emulator, "companies", str(results[0].object_id))
    assert (stored["name"], stored["industry"]) == ("Renamed", "COMPUTER_SOFTWARE")


async def test_update_only_company_that_does_not_exist_is_skipped(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await upsert(ctx, [company(1)])
    results = await upsert(ctx, [company(1, createNewCompany=False, name="Again"),
                                 company(2, createNewCompany=False)])
    assert [r.status for r in results] == ["delivered", "skipped"]
    assert len(await emulator.objects("companies")) == 1


async def test_search_fields_are_used_only_for_companies_not_found_by_group_id(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    found = await create_record(emulator, "companies", {"name": "Acme", "domain": "acme.com"})
    await create_record(emulator, "companies", {"name": "Twin A", "domain": "twin.com"})
    await create_record(emulator, "companies", {"name": "Twin B", "domain": "twin.com"})
    await upsert(ctx, [company(9)])
    results = await upsert(ctx, [
        company(1, companysearchfields={"domain": "acme.com"}),
        company(2, companysearchfields={"domain": "twin.com"}),
        company(9, companysearchfields={"domain": "nowhere.com"}),
    ])
    assert [r.status for r in results] == ["delivered", "rejected", "delivered"]
    assert results[0].object_id == found
    assert (await record(emulator, "companies", found))["segment_group_id"] == "g1"
    # g9 is found by segment_group_id; g1 and g2 share one IN search on domain
    assert len(await calls(emulator, "/crm/v3/objects/companies/search")) == 1


def test_segment_group_id_in_properties_is_rejected() -> None:
    with pytest.raises(RejectedError, match="segment_group_id"):
        company(1, properties={"segment_group_id": "x"})


def test_number_of_employees_must_be_an_integer() -> None:
    assert company(1, numberofemployees="50").properties["numberofemployees"] == 50
    with pytest.raises(RejectedError, match="numberofemployees"):
        company(1, numberofemployees="many")


async def test_search_on_a_property_hubspot_lacks_is_rejected_naming_the_field(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    """HubSpot answers 400 (the emulator too, over HTTP); the company must not be created."""
    results = await upsert(ctx, [company(1, companysearchfields={"web_domain": "acme.com"}),
                                 company(2, companysearchfields={"domain": "acme.com"})])
    assert [r.status for r in results] == ["rejected", "delivered"]
    error = results[0].error
    assert error is not None and error.reason is Reason.VALIDATION
    assert error.http_status == 400
    assert "'Company Search Fields'" in error.message and "'web_domain'" in error.message
    assert [c["properties"]["segment_group_id"] for c in await emulator.objects("companies")] \
        == ["g2"]


async def test_search_refused_with_another_body_keeps_hubspots_words(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await emulator.set_faults(script=[{"path_prefix": "/crm/v3/objects/companies/search",
                                       "status": 400, "body": {"status": "error",
                                                               "message": "Bad operator"}}])
    [result] = await upsert(ctx, [company(1, companysearchfields={"domain": "acme.com"})])
    assert result.status == "rejected" and result.error is not None
    assert result.error.message.endswith("HubSpot said: Bad operator")
    assert await emulator.objects("companies") == []


async def test_industry_label_is_stored_as_hubspots_option_value(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    [result] = await upsert(ctx, [company(1, industry="Computer Software")])
    assert result.status == "delivered", result.error
    assert result.object_id is not None
    assert (await record(emulator, "companies", result.object_id))["industry"] == \
        "COMPUTER_SOFTWARE"
