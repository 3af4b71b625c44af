"""Authentication over real HTTP: private-app tokens, 401 and 403 bodies."""

from __future__ import annotations

from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"


async def test_missing_token_is_401_invalid_authentication(emulator: EmulatorHandle) -> None:
    response = await emulator.call("GET", CONTACTS, token="")
    assert response.status == 401
    assert response.body["category"] == "INVALID_AUTHENTICATION"
    assert response.body["message"].startswith("Authentication credentials not found.")
    assert "x-hubspot-correlation-id" in {k.lower() for k in response.headers}


async def test_unknown_token_is_401(emulator: EmulatorHandle) -> None:
    response = await emulator.call("GET", CONTACTS, token="pat-na1-wrong")
    assert response.status == 401
    assert response.body["category"] == "INVALID_AUTHENTICATION"


async def test_token_without_scope_is_403_missing_scopes(emulator: EmulatorHandle) -> None:
    await emulator.add_token("pat-na1-reader", scopes=["crm.objects.contacts.read"])
    assert (await emulator.call("GET", CONTACTS, token="pat-na1-reader")).status == 200
    response = await emulator.call("POST", CONTACTS, {"properties": {}}, token="pat-na1-reader")
    assert response.status == 403
    assert response.body["category"] == "MISSING_SCOPES"
    assert response.body["errors"][0]["context"] == {
        "requiredGranularScopes": ["crm.objects.contacts.write"]}


async def test_unauthenticated_calls_are_logged_without_app(emulator: EmulatorHandle) -> None:
    await emulator.call("GET", CONTACTS, token="")
    [entry] = await emulator.requests()
    assert entry["status"] == 401
    assert entry["app"] is None


async def test_a_revoked_token_is_401_until_it_is_added_again(emulator: EmulatorHandle) -> None:
    await emulator.revoke_token(emulator.token)
    response = await emulator.call("GET", CONTACTS)
    assert response.status == 401
    assert response.body["category"] == "INVALID_AUTHENTICATION"
    await emulator.add_token(emulator.token, app="private-1")
    assert (await emulator.call("GET", CONTACTS)).status == 200
    unknown = await emulator.call("DELETE", "/_emulator/tokens/pat-na1-nobody", token="")
    assert unknown.status == 404
