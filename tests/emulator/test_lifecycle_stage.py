"""lifecyclestage moves forward only through the API; a backward move is silently ignored."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"


async def _stage(emulator: EmulatorHandle, record_id: str, stage: str) -> tuple[int, str]:
    response = await emulator.call("PATCH", f"{CONTACTS}/{record_id}",
                                   {"properties": {"lifecyclestage": stage}})
    return response.status, response.body["properties"].get("lifecyclestage", "")


async def test_new_contact_gets_the_default_stage(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    assert created.body["properties"]["lifecyclestage"] == "lead"


async def test_backward_move_is_ignored_with_200(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {
        "email": "a@example.com", "lifecyclestage": "customer"}})
    assert await _stage(emulator, created.body["id"], "lead") == (200, "customer")
    [stored] = await emulator.objects("contacts")
    assert stored["properties"]["lifecyclestage"] == "customer"


async def test_forward_move_is_applied(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    assert await _stage(emulator, created.body["id"], "opportunity") == (200, "opportunity")


async def test_clear_then_set_moves_backward(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {
        "email": "a@example.com", "lifecyclestage": "customer"}})
    record_id = created.body["id"]
    assert await _stage(emulator, record_id, "") == (200, "")
    assert await _stage(emulator, record_id, "subscriber") == (200, "subscriber")


async def test_backward_move_in_batch_upsert_is_ignored(emulator: EmulatorHandle) -> None:
    path = f"{CONTACTS}/batch/upsert"
    item = {"id": "a@example.com", "idProperty": "email",
            "properties": {"lifecyclestage": "customer"}}
    await emulator.call("POST", path, {"inputs": [item]})
    item["properties"] = {"lifecyclestage": "lead", "firstname": "Ada"}
    response = await emulator.call("POST", path, {"inputs": [item]})
    assert response.status == 200
    [result] = response.body["results"]
    assert result["properties"]["lifecyclestage"] == "customer"
    assert result["properties"]["firstname"] == "Ada"
