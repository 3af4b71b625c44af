"""Single-record CRM endpoints over real HTTP: create, read, PATCH, archive, list, batch read."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"


async def test_create_answers_201_with_location_and_string_properties(
        emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", CONTACTS, {"properties": {
        "email": "Ada@Example.com", "firstname": "Ada"}})
    assert response.status == 201
    record_id = response.body["id"]
    assert response.headers["Location"].endswith(f"{CONTACTS}/{record_id}")
    properties = response.body["properties"]
    assert properties["email"] == "ada@example.com"
    assert properties["hs_object_id"] == record_id
    assert {"createdate", "lastmodifieddate"} <= set(properties)
    assert response.body["archived"] is False


async def test_read_by_id_and_by_email_id_property(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    by_id = await emulator.call("GET", f"{CONTACTS}/{created.body['id']}?properties=email,phone")
    assert by_id.body["properties"] == {"email": "a@example.com", "phone": None}
    by_email = await emulator.call("GET", f"{CONTACTS}/a@example.com?idProperty=email")
    assert by_email.body["id"] == created.body["id"]


async def test_patch_by_id_property_and_unknown_record_404(emulator: EmulatorHandle) -> None:
    await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    patched = await emulator.call("PATCH", f"{CONTACTS}/a@example.com?idProperty=email",
                                  {"properties": {"firstname": "Ada"}})
    assert patched.status == 200
    assert patched.body["properties"]["firstname"] == "Ada"
    missing = await emulator.call("PATCH", f"{CONTACTS}/zz@example.com?idProperty=email",
                                  {"properties": {"firstname": "X"}})
    assert missing.status == 404
    assert missing.body["message"] == "resource not found"
    assert "correlationId" in missing.body


async def test_patch_without_properties_is_400(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    response = await emulator.call("PATCH", f"{CONTACTS}/{created.body['id']}",
                                   {"properties": {}})
    assert response.status == 400
    assert response.body["message"] == "No properties found to update, please provide at least one."


async def test_archive_is_204_and_moves_to_recycle_bin(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    response = await emulator.call("DELETE", f"{CONTACTS}/{created.body['id']}")
    assert response.status == 204
    assert await emulator.objects("contacts") == []
    assert len(await emulator.objects("contacts", archived=True)) == 1
    again = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    assert again.status == 201


async def test_list_pages_with_after(emulator: EmulatorHandle) -> None:
    for index in range(3):
        await emulator.call("POST", "/crm/v3/objects/companies",
                            {"properties": {"name": f"C{index}"}})
    first = await emulator.call("GET", "/crm/v3/objects/companies?limit=2")
    assert len(first.body["results"]) == 2
    after = first.body["paging"]["next"]["after"]
    second = await emulator.call("GET", f"/crm/v3/objects/companies?limit=2&after={after}")
    assert len(second.body["results"]) == 1
    assert "paging" not in second.body


async def test_batch_read_by_email_reports_missing_ids_in_207(emulator: EmulatorHandle) -> None:
    await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    response = await emulator.call("POST", f"{CONTACTS}/batch/read", {
        "idProperty": "email", "properties": ["email"],
        "inputs": [{"id": "a@example.com"}, {"id": "nobody@example.com"}]})
    assert response.status == 207
    assert [r["properties"]["email"] for r in response.body["results"]] == ["a@example.com"]
    [error] = response.body["errors"]
    assert error["category"] == "OBJECT_NOT_FOUND"
    assert error["context"] == {"ids": ["nobody@example.com"]}


async def test_batch_create_conflict_without_traces_fails_whole_batch(
        emulator: EmulatorHandle) -> None:
    await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    response = await emulator.call("POST", f"{CONTACTS}/batch/create", {"inputs": [
        {"properties": {"email": "new@example.com"}}, {"properties": {"email": "a@example.com"}}]})
    assert response.status == 409
    assert response.body["message"].startswith("Contact already exists. Existing ID: ")
    assert len(await emulator.objects("contacts")) == 1


async def test_batch_update_and_archive(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", CONTACTS, {"properties": {"email": "a@example.com"}})
    record_id = created.body["id"]
    updated = await emulator.call("POST", f"{CONTACTS}/batch/update", {"inputs": [
        {"id": record_id, "properties": {"firstname": "Ada"}}]})
    assert updated.status == 200
    assert updated.body["results"][0]["properties"]["firstname"] == "Ada"
    archived = await emulator.call("POST", f"{CONTACTS}/batch/archive",
                                   {"inputs": [{"id": record_id}, {"id": "999"}]})
    assert archived.status == 204
    assert await emulator.objects("contacts") == []


async def test_upsert_by_non_unique_property_is_400(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", "/crm/v3/objects/companies/batch/upsert", {"inputs": [
        {"id": "acme.com", "idProperty": "domain", "properties": {"name": "Acme"}}]})
    assert response.status == 400
    assert response.body["message"] == (
        f"Unable to perform update/upsert by non-unique 0-2 property domain in portal ID "
        f"{emulator.portal_id}")


async def test_object_type_id_path_is_accepted(emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", "/crm/v3/objects/0-1",
                                  {"properties": {"email": "a@example.com"}})
    assert created.status == 201
    assert (await emulator.call("GET", f"{CONTACTS}/{created.body['id']}")).status == 200


async def test_malformed_json_is_400_invalid_input_json(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", CONTACTS, data=b'{"properties": {',
                                   headers={"Content-Type": "application/json"})
    assert response.status == 400
    assert response.body["message"].startswith("Invalid input JSON on line 1, column")
