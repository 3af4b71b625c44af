"""upsert_contact against the emulator: batch/upsert by email, merging, lifecycle fixes, 409
recovery, coercion by property type and refresh-once of the property cache."""

from __future__ import annotations

from typing import Any

import pytest

from stream.actions.base import ActionContext, ItemResult
from stream.actions.upsert_contact import UPSERT_CONTACT
from stream.actions.upsert_contact.payload import ContactPayload, build_contact
from stream.actions.upsert_contact.recovery import MergedContact, existing_id, recover_conflicts
from stream.errors import RejectedError
from stream.hubspot.batch import write_batch
from tests.actions.hubspot_setup import calls, create_property, create_record, record
from tests.fixtures.emulator import EmulatorHandle

UPSERT = "/crm/v3/objects/contacts/batch/upsert"


def contact(index: int, **fields: Any) -> ContactPayload:
    rendered = {"email": f"user{index}@example.com", **fields}
    return build_contact(rendered, message_id=f"m{index}", mapping_id="contacts")


async def upsert(ctx: ActionContext, payloads: list[ContactPayload]) -> list[ItemResult]:
    return await UPSERT_CONTACT.perform_batch(ctx, payloads)


async def test_contacts_are_upserted_by_email_in_one_call_per_hundred(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await upsert(ctx, [contact(i, firstname=f"F{i}") for i in range(250)])
    assert [r.status for r in results] == ["delivered"] * 250
    assert [r["inputs"] for r in await calls(emulator, UPSERT)] == [100, 100, 50]
    assert len(await emulator.objects("contacts")) == 250


async def test_duplicate_emails_are_merged_last_write_wins_per_property(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    payloads = [
        build_contact({"email": "Ann@Example.com", "firstname": "A", "lastname": "Old"},
                      message_id="1", mapping_id="m"),
        build_contact({"email": "ann@example.com ", "lastname": "New"},
                      message_id="2", mapping_id="m"),
        contact(7, firstname="Other"),
    ]
    results = await upsert(ctx, payloads)
    assert [r.status for r in results] == ["delivered"] * 3
    assert results[0].object_id == results[1].object_id != results[2].object_id
    assert [r.created for r in results] == [True, False, True]
    assert [r["inputs"] for r in await calls(emulator, UPSERT)] == [2]
    stored = await record(emulator, "contacts", str(results[0].object_id))
    assert (stored["firstname"], stored["lastname"], stored["email"]) == (
        "A", "New", "ann@example.com")


async def test_backward_lifecycle_moves_are_fixed_with_one_clear_and_one_set(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await upsert(ctx, [contact(i, lifecyclestage="customer") for i in range(3)])
    wanted = ["lead", "subscriber", "evangelist"]  # two backward moves, one forward
    results = await upsert(ctx, [contact(i, lifecyclestage=s) for i, s in enumerate(wanted)])
    stages = [(await record(emulator, "contacts", str(r.object_id)))["lifecyclestage"]
              for r in results]
    assert stages == wanted
    updates = await calls(emulator, "/crm/v3/objects/contacts/batch/update")
    assert [u["inputs"] for u in updates] == [2, 2]  # only the two that needed it


async def test_existing_id_conflict_is_recovered_by_updating_that_contact(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    owner = await create_record(emulator, "contacts", {
        "email": "primary@example.com", "hs_additional_emails": "second@example.com"})
    conflict = (await write_batch(ctx.client, "/crm/v3/objects/contacts/batch/create", [
        {"properties": {"email": "second@example.com"}}]))[0]
    assert existing_id(conflict.error) == owner  # HubSpot's real 409 body, parsed
    results: list[ItemResult | None] = [None]
    written = await recover_conflicts(
        ctx, [(MergedContact("second@example.com", {"firstname": "Sec"}, [0]), owner)], results)
    assert [str(r["id"]) for _, r in written] == [owner]
    stored = await record(emulator, "contacts", owner)
    assert (stored["firstname"], stored["email"]) == ("Sec", "primary@example.com")


async def test_upsert_by_a_secondary_email_updates_the_owner_and_keeps_its_primary_email(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    owner = await create_record(emulator, "contacts", {
        "email": "primary@example.com", "hs_additional_emails": "second@example.com"})
    results = await upsert(ctx, [build_contact(
        {"email": "second@example.com", "firstname": "Sec"}, message_id="1", mapping_id="m")])
    assert (results[0].status, results[0].object_id) == ("delivered", owner)
    assert (await record(emulator, "contacts", owner))["email"] == "primary@example.com"


async def test_dates_are_coerced_and_an_uncoercible_value_rejects_only_its_record(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await create_property(emulator, "contacts", "renewal_date", "date", "date")
    await create_property(emulator, "contacts", "last_seen", "datetime", "date")
    results = await upsert(ctx, [
        contact(0, properties={"renewal_date": 1714568460000, "last_seen": 1714566896789}),
        contact(1, properties={"renewal_date": "next tuesday"}),
        contact(2, properties={"renewal_date": "2024-05-01T13:01:00Z"}),
    ])
    assert [r.status for r in results] == ["delivered", "rejected", "delivered"]
    assert results[1].error is not None
    assert '"renewal_date"' in results[1].error.message
    assert "date" in results[1].error.message
    stored = await record(emulator, "contacts", str(results[0].object_id))
    assert stored["renewal_date"] in ("2024-05-01", "1714521600000")
    assert stored["last_seen"] == "2024-05-01T12:34:56.789Z"


async def test_property_created_after_the_cache_was_filled_is_found_by_one_refresh(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await upsert(ctx, [contact(0)])
    await create_property(emulator, "contacts", "favourite_colour", "string", "text")
    results = await upsert(ctx, [contact(1, properties={"favourite_colour": "teal"})])
    assert results[0].status == "delivered"
    assert len(await calls(emulator, "/crm/v3/properties/contacts", "GET")) == 2


async def test_unknown_property_rejects_its_record_without_refreshing_every_batch(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    for batch in range(3):
        results = await upsert(ctx, [contact(batch, properties={"no_such": "x"}),
                                     contact(10 + batch)])
        assert [r.status for r in results] == ["rejected", "delivered"]
    assert len(await calls(emulator, "/crm/v3/properties/contacts", "GET")) == 2


@pytest.mark.parametrize(
    ("rendered", "message"),
    [
        ({}, "The root value is missing the required field 'email'."),
        ({"email": "not-an-email"}, "'email' must be an email address"),
    ],
)
def test_invalid_mapping_is_rejected_before_any_call(rendered: dict[str, Any],
                                                     message: str) -> None:
    with pytest.raises(RejectedError, match=message):
        build_contact(rendered, message_id="1", mapping_id="m")


def test_properties_are_flattened_and_the_stage_lower_cased() -> None:
    payload = build_contact({"email": "A@B.io", "firstname": " Ann ", "lifecyclestage": " Lead",
                             "properties": {"tags": ["a", 1, {"b": 2}], "meta": {"x": 1},
                                            "gone": None}}, message_id="1", mapping_id="m")
    assert payload.email == "a@b.io"
    assert payload.lifecyclestage == "lead"
    assert payload.properties == {"firstname": "Ann", "tags": 'a;1;{"b":2}', "meta": '{"x":1}'}
