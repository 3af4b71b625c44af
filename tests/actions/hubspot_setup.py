"""Emulator state the action tests start from, created through HubSpot's public API."""

from __future__ import annotations

from typing import Any

from tests.fixtures.emulator import EmulatorHandle


async def create_property(emulator: EmulatorHandle, object_type: str, name: str, type_: str,
                          field_type: str, **extra: Any) -> None:
    """POST /crm/v3/properties/{type}."""
    group = {"contacts": "contactinformation", "companies": "companyinformation"}.get(
        object_type, "dealinformation")
    response = await emulator.call("POST", f"/crm/v3/properties/{object_type}", {
        "name": name, "label": name, "type": type_, "fieldType": field_type,
        "groupName": group, **extra})
    assert response.status == 201, response.body


async def create_record(emulator: EmulatorHandle, object_type: str,
                        properties: dict[str, str]) -> str:
    """POST /crm/v3/objects/{type}; the new record's id."""
    response = await emulator.call("POST", f"/crm/v3/objects/{object_type}",
                                   {"properties": properties})
    assert response.status == 201, response.body
    return str(response.body["id"])


async def calls(emulator: EmulatorHandle, path_prefix: str = "",
                method: str | None = None) -> list[dict[str, Any]]:
    """Logged API calls under `path_prefix` (optionally one method)."""
    logged = await emulator.requests(path_prefix=path_prefix)
    return [r for r in logged if method is None or r["method"] == method]


async def record(emulator: EmulatorHandle, object_type: str, record_id: str) -> dict[str, str]:
    """The stored properties of one record."""
    found = [r for r in await emulator.objects(object_type) if r["id"] == record_id]
    assert found, record_id
    properties: dict[str, str] = found[0]["properties"]
    return properties
