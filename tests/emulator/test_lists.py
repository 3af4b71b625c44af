"""Lists v3 over real HTTP: create, by name, memberships with HubSpot's field spelling."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

LISTS = "/crm/v3/lists"


async def _contact(emulator: EmulatorHandle, email: str) -> str:
    response = await emulator.call("POST", "/crm/v3/objects/contacts",
                                   {"properties": {"email": email}})
    record_id: str = response.body["id"]
    return record_id


async def _list(emulator: EmulatorHandle, name: str, kind: str = "MANUAL") -> str:
    response = await emulator.call("POST", LISTS, {"name": name, "objectTypeId": "0-1",
                                                   "processingType": kind})
    assert response.status == 200, response.body
    list_id: str = response.body["list"]["listId"]
    return list_id


async def test_duplicate_name_is_400_with_ils_subcategory(emulator: EmulatorHandle) -> None:
    await _list(emulator, "Customers")
    response = await emulator.call("POST", LISTS, {"name": "Customers", "objectTypeId": "0-1",
                                                   "processingType": "MANUAL"})
    assert response.status == 400
    assert response.body["subCategory"] == "ILS.DUPLICATE_LIST_NAMES"


async def test_get_by_name_and_404_when_absent(emulator: EmulatorHandle) -> None:
    list_id = await _list(emulator, "Customers")
    found = await emulator.call("GET", f"{LISTS}/object-type-id/0-1/name/Customers")
    assert found.body["list"]["listId"] == list_id
    missing = await emulator.call("GET", f"{LISTS}/object-type-id/0-2/name/Nope")
    assert missing.status == 404
    assert missing.body["message"] == "List does not exist with name Nope and object type ID 0-2."


async def test_memberships_add_remove_and_read(emulator: EmulatorHandle) -> None:
    list_id = await _list(emulator, "Customers")
    first, second = await _contact(emulator, "a@example.com"), await _contact(emulator,
                                                                               "b@example.com")
    added = await emulator.call("PUT", f"{LISTS}/{list_id}/memberships/add",
                                [second, first, "999"])
    assert added.status == 200
    assert added.body == {"recordsIdsAdded": [second, first], "recordIdsRemoved": [],
                          "recordIdsMissing": ["999"]}
    read = await emulator.call("GET", f"{LISTS}/{list_id}/memberships")
    assert [r["recordId"] for r in read.body["results"]] == sorted([first, second], key=int)
    both = await emulator.call("PUT", f"{LISTS}/{list_id}/memberships/add-and-remove",
                               {"recordIdsToAdd": [first], "recordIdsToRemove": [second]})
    assert both.body == {"recordsIdsAdded": [], "recordIdsRemoved": [second],
                         "recordIdsMissing": []}
    removed = await emulator.call("PUT", f"{LISTS}/{list_id}/memberships/remove", [first])
    assert removed.body["recordIdsRemoved"] == [first]
    assert (await emulator.call("GET", f"{LISTS}/{list_id}")).body["list"]["size"] == 0


async def test_dynamic_list_memberships_cannot_be_changed(emulator: EmulatorHandle) -> None:
    list_id = await _list(emulator, "Dyn", "DYNAMIC")
    contact = await _contact(emulator, "a@example.com")
    response = await emulator.call("PUT", f"{LISTS}/{list_id}/memberships/add", [contact])
    assert response.status == 400
