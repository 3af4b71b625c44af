"""upsert_custom_object_record against the emulator: search-based find, create if not found,
association by search and label, and which object type references HubSpot accepts."""

from __future__ import annotations

from typing import Any

import pytest

from stream.actions.base import ActionContext
from stream.actions.shared.object_types import object_path
from stream.actions.upsert_custom_object_record import UPSERT_CUSTOM_OBJECT_RECORD
from stream.actions.upsert_custom_object_record.payload import (
    CustomRecordPayload,
    build_custom_record,
)
from stream.actions.upsert_custom_object_record.perform import NOT_UNIQUE
from stream.errors import RejectedError
from tests.actions.hubspot_setup import calls, create_record, record
from tests.fixtures.emulator import EmulatorHandle


def deal(name: str, **fields: Any) -> CustomRecordPayload:
    rendered = {"objectType": "deals", "properties": {"dealname": name}, **fields}
    return build_custom_record(rendered, message_id=name, mapping_id="records")


async def test_found_record_is_updated_and_missing_one_created_in_batches(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    existing = await create_record(emulator, "deals", {"dealname": "Big", "pipeline": "p1"})
    results = await UPSERT_CUSTOM_OBJECT_RECORD.perform_batch(ctx, [
        deal("Big", customObjectSearchFields={"pipeline": "p1"}, properties={
            "dealname": "Bigger"}),
        deal("New one"),
        deal("Ignored", createNewCustomRecord=False,
             customObjectSearchFields={"pipeline": "none"}),
    ])
    assert [r.status for r in results] == ["delivered", "delivered", "skipped"]
    assert (results[0].object_id, results[0].created, results[1].created) == (
        existing, False, True)
    assert (await record(emulator, "deals", existing))["dealname"] == "Bigger"


async def test_more_than_one_match_is_rejected(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    for _ in range(2):
        await create_record(emulator, "deals", {"dealname": "Twin", "pipeline": "p2"})
    results = await UPSERT_CUSTOM_OBJECT_RECORD.perform_batch(
        ctx, [deal("Twin", customObjectSearchFields={"pipeline": "p2"})])
    assert results[0].error is not None
    assert results[0].error.message == NOT_UNIQUE


async def test_new_record_is_created_then_associated_in_a_v4_batch(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    contact_id = await create_record(emulator, "contacts", {"email": "owner@example.com"})
    results = await UPSERT_CUSTOM_OBJECT_RECORD.perform_batch(ctx, [deal(
        "Linked", toObjectType="contacts", associationLabel="HUBSPOT_DEFINED:3",
        searchFieldsToAssociateCustomObjects={"email": "owner@example.com"})])
    assert results[0].status == "delivered"
    pairs = await emulator.associations("deals", "contacts")
    assert [(p["fromId"], p["toId"]) for p in pairs] == [(results[0].object_id, contact_id)]
    assert len(await calls(emulator, "/crm/v3/objects/deals/batch/create")) == 1


@pytest.mark.parametrize(
    ("reference", "path"),
    [("p7878787_car", "p7878787_car"), ("p_car", "p_car"), ("2-123456", "2-123456"),
     ("deals", "deals"), ("ticket", "tickets")],
)
def test_accepted_object_type_references(reference: str, path: str) -> None:
    assert object_path(reference) == path


def test_bare_base_name_is_rejected_with_the_forms_that_work() -> None:
    with pytest.raises(RejectedError, match=r"p<portalId>_<name>.*p_<name>.*2-123"):
        build_custom_record({"objectType": "car", "properties": {"a": 1}},
                            message_id="1", mapping_id="m")


def test_association_label_must_be_category_and_type_id() -> None:
    with pytest.raises(RejectedError, match="CATEGORY:typeId"):
        deal("x", associationLabel="primary")


async def test_unknown_object_type_rejects_every_record_instead_of_raising(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    payloads = [build_custom_record({"objectType": "p_nothing", "properties": {"a": i}},
                                    message_id=str(i), mapping_id="m") for i in range(2)]
    results = await UPSERT_CUSTOM_OBJECT_RECORD.perform_batch(ctx, payloads)
    assert [r.status for r in results] == ["rejected", "rejected"]
    assert results[0].error is not None
    assert "p_nothing" in results[0].error.message


async def test_search_on_a_property_hubspot_lacks_is_rejected_naming_the_field(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await UPSERT_CUSTOM_OBJECT_RECORD.perform_batch(
        ctx, [deal("Typo", customObjectSearchFields={"pipline": "p1"})])
    error = results[0].error
    assert results[0].status == "rejected" and error is not None
    assert "'Custom Object Search Fields'" in error.message and "'pipline'" in error.message
    assert await emulator.objects("deals") == []
