"""custom_object_v2 against the emulator: sync modes, merge by id with the newest value per
property, property creation, associations and list membership, per-record outcomes."""

from __future__ import annotations

from typing import Any

import pytest

from stream.actions.base import ActionContext
from stream.actions.custom_object_v2 import CUSTOM_OBJECT_V2
from stream.actions.custom_object_v2.payload import ObjectPayload, build_object
from stream.actions.custom_object_v2.schema import NO_GROUP
from stream.errors import RejectedError
from tests.actions.hubspot_setup import calls, create_record, record
from tests.fixtures.emulator import EmulatorHandle


def contact(index: int, mode: str = "upsert", group: str | None = "contactinformation",
            **fields: Any) -> ObjectPayload:
    details = {"object_type": "contact", "id_field_name": "email",
               "id_field_value": f"user{index}@example.com", "property_group": group}
    rendered = {"object_details": details, "__segment_internal_sync_mode": mode, **fields}
    return build_object(rendered, message_id=f"m{index}", mapping_id="objects")


async def sync(ctx: ActionContext, payloads: list[ObjectPayload]) -> list[Any]:
    return await CUSTOM_OBJECT_V2.perform_batch(ctx, payloads)


async def test_update_mode_skips_records_that_do_not_exist(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await create_record(emulator, "contacts", {"email": "user1@example.com"})
    results = await sync(ctx, [contact(1, "update", properties={"firstname": "A"}),
                               contact(2, "update", properties={"firstname": "B"})])
    assert [r.status for r in results] == ["delivered", "skipped"]
    assert len(await emulator.objects("contacts")) == 1


async def test_add_mode_skips_records_that_exist(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await create_record(emulator, "contacts", {"email": "user1@example.com", "firstname": "A"})
    results = await sync(ctx, [contact(1, "add", properties={"firstname": "B"}),
                               contact(2, "add", properties={"firstname": "C"})])
    assert [r.status for r in results] == ["skipped", "delivered"]
    assert [r.created for r in results] == [None, True]


async def test_merge_by_id_keeps_the_newest_value_of_each_property(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await sync(ctx, [
        contact(1, timestamp="2024-05-01T12:00:05Z", properties={"firstname": "Newest"}),
        contact(1, timestamp="2024-05-01T12:00:01Z",
                properties={"firstname": "Older", "lastname": "Only"}),
    ])
    assert results[0].object_id == results[1].object_id
    stored = await record(emulator, "contacts", str(results[0].object_id))
    assert (stored["firstname"], stored["lastname"]) == ("Newest", "Only")
    assert [c["inputs"] for c in await calls(emulator, "/crm/v3/objects/contacts/batch/")] == [1]


async def test_missing_properties_are_created_once_and_typed_from_values(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await sync(ctx, [
        contact(1, properties={"Plan Tier": "gold", "seats": 5, "vip": "true",
                               "renewal": "2025-01-31"}),
        contact(2, group=None, properties={"never_seen": "x"}),
    ])
    assert [r.status for r in results] == ["delivered", "rejected"]
    assert results[1].error is not None
    assert results[1].error.message == NO_GROUP
    assert len(await calls(emulator, "/crm/v3/properties/contacts/batch/create")) == 1
    listed = (await emulator.call("GET", "/crm/v3/properties/contacts")).body["results"]
    types = {p["name"]: (p["type"], p["fieldType"]) for p in listed}
    assert [types[n] for n in ("plan_tier", "seats", "vip", "renewal")] == [
        ("string", "text"), ("number", "number"), ("enumeration", "booleancheckbox"),
        ("date", "date")]
    stored = await record(emulator, "contacts", str(results[0].object_id))
    assert (stored["plan_tier"], stored["seats"], stored["vip"], stored["renewal"]) == (
        "gold", "5", "true", "2025-01-31")


async def test_associations_are_upserted_and_created_in_v4_batches(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await create_record(emulator, "contacts", {"email": "owner@example.com"})
    link = {"object_type": "contact", "association_label": "HUBSPOT_DEFINED:3",
            "id_field_name": "email", "id_field_value": "owner@example.com"}
    payload = build_object({
        "object_details": {"object_type": "deals", "id_field_name": "hs_object_id",
                           "id_field_value": "0"},
        "__segment_internal_sync_mode": "add", "properties": {"dealname": "Deal"},
        "associations": [link]}, message_id="1", mapping_id="m")
    results = await sync(ctx, [payload])
    assert [r.status for r in results] == ["delivered"]
    pairs = await emulator.associations("deals", "contacts")
    assert [p["fromId"] for p in pairs] == [results[0].object_id]
    assert len(await calls(emulator, "/crm/v4/associations/deals/contacts/batch/create")) == 1


async def test_list_membership_finds_or_creates_a_manual_list_once(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    membership = {"connected_to_engage_audience": False, "list_name": "VIPs",
                  "list_action": True, "should_create_list": True}
    await sync(ctx, [contact(i, list_details=membership) for i in range(3)])
    await sync(ctx, [contact(3, list_details=membership)])
    assert len(await calls(emulator, "/crm/v3/lists", "POST")) == 1
    assert len(await calls(emulator, "/crm/v3/lists/object-type-id", "GET")) == 1
    changes = await calls(emulator, "/crm/v3/lists/", "PUT")
    assert len(changes) == 2


async def test_missing_list_without_create_rejects_with_segments_message(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    membership = {"connected_to_engage_audience": False, "list_name": "Nope",
                  "list_action": True, "should_create_list": False}
    results = await sync(ctx, [contact(1, list_details=membership)])
    assert results[0].error is not None
    assert "List with name Nope does not exist in HubSpot" in results[0].error.message


async def test_missing_list_without_create_writes_no_record(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    """Lists are resolved before any write (Segment writes nothing either); records of the
    same batch without that list are written."""
    missing = {"connected_to_engage_audience": False, "list_name": "Nope",
               "list_action": True, "should_create_list": False}
    results = await sync(ctx, [contact(1, list_details=missing, properties={"firstname": "A"}),
                               contact(2, properties={"firstname": "B"})])
    assert [r.status for r in results] == ["rejected", "delivered"]
    assert [c["properties"]["email"] for c in await emulator.objects("contacts")] == [
        "user2@example.com"]
    writes = await calls(emulator, "/crm/v3/objects/contacts/batch/upsert")
    assert [c["inputs"] for c in writes] == [1]


async def test_several_lists_in_one_batch_each_get_their_records(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    """Ours, not Segment's (which rejects such a batch): see docs/actions.md."""
    def listed(name: str) -> dict[str, Any]:
        return {"connected_to_engage_audience": False, "list_name": name, "list_action": True,
                "should_create_list": True}
    results = await sync(ctx, [contact(1, list_details=listed("Gold")),
                               contact(2, list_details=listed("Silver")),
                               contact(3, list_details=listed("Gold"))])
    assert [r.status for r in results] == ["delivered"] * 3
    assert len(await calls(emulator, "/crm/v3/lists/", "PUT")) == 2
    lists = {}
    for name in ("Gold", "Silver"):
        found = await emulator.call("GET", f"/crm/v3/lists/object-type-id/0-1/name/{name}")
        list_id = found.body["list"]["listId"]
        members = await emulator.call("GET", f"/crm/v3/lists/{list_id}/memberships")
        lists[name] = len(members.body["results"])
    assert lists == {"Gold": 2, "Silver": 1}


def test_empty_identifier_is_rejected_with_segments_message() -> None:
    with pytest.raises(RejectedError, match="Null or empty values are not allowed"):
        build_object({"object_details": {"object_type": "contact", "id_field_name": "email"}},
                     message_id="1", mapping_id="m")


def test_property_names_are_cleaned_and_must_start_with_a_letter() -> None:
    assert dict(contact(1, properties={"Plan Tier": " gold ", "ok": "FALSE"}).properties) == {
        "plan_tier": "gold", "ok": False}
    with pytest.raises(RejectedError, match="must start with a letter"):
        contact(1, properties={"1st": "x"})


def test_engage_audience_membership_follows_the_computation_key() -> None:
    payload = build_object({
        "object_details": {"object_type": "contact", "id_field_name": "email",
                           "id_field_value": "a@b.io"},
        "list_details": {"connected_to_engage_audience": True},
        "computation_key": "vip_users", "computation_class": "audience",
        "traits_or_props": {"vip_users": False}}, message_id="1", mapping_id="m")
    assert payload.list_membership is not None
    assert (payload.list_membership.name, payload.list_membership.add) == ("vip_users", False)


async def test_dissociations_remove_the_label_found_by_read(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    link = {"object_type": "company", "association_label": "HUBSPOT_DEFINED:279",
            "id_field_name": "hs_object_id"}
    company_id = await create_record(emulator, "companies", {"name": "Acme"})
    first = await sync(ctx, [contact(1, associations=[{**link, "id_field_value": company_id}])])
    assert len(await emulator.associations("contacts", "companies")) == 1
    results = await sync(ctx, [contact(1, dissociations=[{**link,
                                                          "id_field_value": company_id}])])
    assert results[0].object_id == first[0].object_id
    assert results[0].status == "delivered"
    assert await emulator.associations("contacts", "companies") == []
