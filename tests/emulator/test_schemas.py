"""Custom object schemas over real HTTP: ids, qualified names and records under every alias."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle


async def test_custom_object_is_served_under_id_and_qualified_names(
        emulator: EmulatorHandle) -> None:
    created = await emulator.call("POST", "/crm-object-schemas/v3/schemas", {
        "name": "car", "labels": {"singular": "Car", "plural": "Cars"},
        "primaryDisplayProperty": "vin", "requiredProperties": ["vin"],
        "properties": [{"name": "vin", "label": "VIN", "type": "string", "hasUniqueValue": True}],
        "associatedObjects": ["CONTACT"]})
    assert created.status == 201, created.body
    type_id = created.body["objectTypeId"]
    assert type_id.startswith("2-")
    assert created.body["fullyQualifiedName"] == f"p{emulator.portal_id}_car"
    assert created.body["associations"][0]["toObjectTypeId"] == "0-1"
    record = await emulator.call("POST", f"/crm/v3/objects/{type_id}",
                                 {"properties": {"vin": "V1"}})
    assert record.status == 201
    for alias in ("p_car", f"p{emulator.portal_id}_car"):
        read = await emulator.call("GET", f"/crm/v3/objects/{alias}/V1?idProperty=vin")
        assert read.body["id"] == record.body["id"], alias
    upsert = await emulator.call("POST", "/crm/v3/objects/p_car/batch/upsert", {"inputs": [
        {"id": "V2", "idProperty": "vin", "properties": {}}]})
    assert upsert.body["results"][0]["new"] is True
    missing = await emulator.call("POST", "/crm/v3/objects/p_car", {"properties": {}})
    assert missing.status == 400


async def test_duplicate_schema_is_409_and_alias_path_lists(emulator: EmulatorHandle) -> None:
    body = {"name": "car", "labels": {"singular": "Car", "plural": "Cars"}, "properties": []}
    assert (await emulator.call("POST", "/crm/v3/schemas", body)).status == 201
    assert (await emulator.call("POST", "/crm/v3/schemas", body)).status == 409
    listed = await emulator.call("GET", "/crm-object-schemas/v3/schemas")
    assert [s["name"] for s in listed.body["results"]] == ["car"]


async def test_properties_api_409_on_duplicate_and_groups(emulator: EmulatorHandle) -> None:
    path = "/crm/v3/properties/companies"
    group = await emulator.call("POST", f"{path}/groups", {"name": "extra", "label": "Extra"})
    assert group.status == 201
    body = {"name": "tier", "label": "Tier", "type": "string", "fieldType": "text",
            "groupName": "extra"}
    assert (await emulator.call("POST", path, body)).status == 201
    duplicate = await emulator.call("POST", path, body)
    assert duplicate.status == 409
    seeded = await emulator.call("GET", path)
    names = {p["name"] for p in seeded.body["results"]}
    assert {"name", "domain", "lifecyclestage", "tier"} <= names
    email = await emulator.call("GET", "/crm/v3/properties/contacts/email")
    assert email.body["hasUniqueValue"] is True
    assert email.body["hubspotDefined"] is True
