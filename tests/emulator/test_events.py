"""Custom behavioral events over real HTTP: definitions, send, batch, uuid dedup, limits."""

from __future__ import annotations

from typing import Any

from tests.fixtures.emulator import EmulatorHandle

DEFINITIONS = "/events/v3/event-definitions"


async def _define(emulator: EmulatorHandle) -> str:
    response = await emulator.call("POST", DEFINITIONS, {
        "label": "Signed up", "name": "signed_up", "primaryObject": "CONTACT",
        "propertyDefinitions": [{"name": "plan", "label": "Plan", "type": "string"},
                                {"name": "seats", "label": "Seats", "type": "number"}]})
    assert response.status == 201, response.body
    name: str = response.body["fullyQualifiedName"]
    return name


def _occurrence(name: str, **extra: Any) -> dict[str, Any]:
    return {"eventName": name, "email": "a@example.com", "properties": {"plan": "pro"}, **extra}


async def test_definition_gets_a_qualified_name_and_409_on_duplicate(
        emulator: EmulatorHandle) -> None:
    name = await _define(emulator)
    assert name == f"pe{emulator.portal_id}_signed_up"
    again = await emulator.call("POST", DEFINITIONS, {"label": "Signed up", "name": "signed_up"})
    assert again.status == 409
    fetched = await emulator.call("GET", f"{DEFINITIONS}/signed_up")
    assert any(p["name"] == "hs_page_url" for p in fetched.body["properties"])


async def test_bad_event_names_are_400(emulator: EmulatorHandle) -> None:
    for name in ("Signed Up", "1st", "x" * 51):
        response = await emulator.call("POST", DEFINITIONS, {"label": "L", "name": name})
        assert response.status == 400, name


async def test_send_is_204_and_creates_the_contact_by_email(emulator: EmulatorHandle) -> None:
    name = await _define(emulator)
    response = await emulator.call("POST", "/events/v3/send", _occurrence(name))
    assert response.status == 204
    [contact] = await emulator.objects("contacts")
    assert contact["properties"]["email"] == "a@example.com"
    [stored] = (await emulator.admin("GET", "events"))["results"]
    assert stored["objectId"] == contact["id"]
    assert stored["properties"] == {"plan": "pro"}


async def test_repeated_uuid_is_ignored(emulator: EmulatorHandle) -> None:
    name = await _define(emulator)
    for _ in range(2):
        response = await emulator.call("POST", "/events/v3/send", _occurrence(name, uuid="u-1"))
        assert response.status == 204
    assert len((await emulator.admin("GET", "events"))["results"]) == 1


async def test_invalid_occurrences_are_400(emulator: EmulatorHandle) -> None:
    name = await _define(emulator)
    too_many = {f"p{i}": "x" for i in range(51)}
    cases = [_occurrence(name, properties={"unknown": "x"}),
             _occurrence(name, properties={"seats": "many"}),
             _occurrence(name, properties=too_many),
             {"eventName": name, "properties": {}},
             _occurrence(name, properties={"plan": "x" * 257})]
    for body in cases:
        assert (await emulator.call("POST", "/events/v3/send", body)).status == 400, body
    unknown = await emulator.call("POST", "/events/v3/send", _occurrence("pe1_nope"))
    assert unknown.status == 404


async def test_batch_takes_500_and_is_exempt_from_crm_buckets(emulator: EmulatorHandle) -> None:
    name = await _define(emulator)
    inputs = [_occurrence(name, uuid=f"u{i}") for i in range(500)]
    response = await emulator.call("POST", "/events/v3/send/batch", {"inputs": inputs})
    assert response.status == 204
    assert "X-HubSpot-RateLimit-Max" not in response.headers
    assert len((await emulator.admin("GET", "events"))["results"]) == 500
    too_many = await emulator.call("POST", "/events/v3/send/batch",
                                   {"inputs": [*inputs, inputs[0]]})
    assert too_many.status == 400
    stats = await emulator.stats()
    assert stats["daily"]["used"] == 1  # the definition call; sends are exempt
