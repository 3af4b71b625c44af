"""OAuth over real HTTP: form-encoded grants, expiry, expire-all, token-call counting."""

from __future__ import annotations

from typing import Any

import pytest

from stream.emulator.config import EmulatorConfig, Settings
from tests.fixtures.emulator import EmulatorHandle

TOKEN = "/oauth/v1/token"
CLIENT = {"client_id": "emulator-client", "client_secret": "emulator-secret"}


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(settings=Settings(plan="public_app", access_token_seconds=60))


async def _grant(emulator: EmulatorHandle, **form: str) -> Any:
    return await emulator.call("POST", TOKEN, data={**CLIENT, **form}, token="")


async def test_code_exchange_then_refresh(emulator: EmulatorHandle) -> None:
    first = await _grant(emulator, grant_type="authorization_code", code="c1",
                         redirect_uri="http://localhost/cb")
    assert first.status == 200
    assert first.body["token_type"] == "bearer"
    assert first.body["expires_in"] == 60
    assert first.body["hub_id"] == emulator.portal_id
    refreshed = await _grant(emulator, grant_type="refresh_token",
                             refresh_token=first.body["refresh_token"])
    assert refreshed.status == 200
    assert refreshed.body["refresh_token"] == first.body["refresh_token"]
    assert refreshed.body["access_token"] != first.body["access_token"]
    stats = await emulator.stats()
    assert stats["token_calls"] == {"authorization_code": 1, "refresh_token": 1, "total": 2,
                                    "failed": 0}


async def test_access_token_works_without_daily_headers(emulator: EmulatorHandle) -> None:
    granted = await _grant(emulator, grant_type="authorization_code", code="c1")
    response = await emulator.call("GET", "/crm/v3/objects/contacts",
                                   token=granted.body["access_token"])
    assert response.status == 200
    assert response.headers["X-HubSpot-RateLimit-Max"] == "110"
    assert "X-HubSpot-RateLimit-Daily" not in response.headers
    [entry] = await emulator.requests(path_prefix="/crm/")
    assert entry["app"] == "oauth"


async def test_expired_access_token_is_401_expired_authentication(
        emulator: EmulatorHandle) -> None:
    granted = await _grant(emulator, grant_type="authorization_code", code="c1")
    await emulator.advance_clock(75 + 60)
    response = await emulator.call("GET", "/crm/v3/objects/contacts",
                                   token=granted.body["access_token"])
    assert response.status == 401
    assert response.body["category"] == "EXPIRED_AUTHENTICATION"
    assert response.body["message"] == (
        "The OAuth token used to make this call expired 75 second(s) ago.")
    assert "expire time" in response.body["context"]


async def test_expire_all_tokens_now(emulator: EmulatorHandle) -> None:
    granted = await _grant(emulator, grant_type="authorization_code", code="c1")
    assert await emulator.expire_tokens() == 1
    response = await emulator.call("GET", "/crm/v3/objects/contacts",
                                   token=granted.body["access_token"])
    assert response.status == 401
    assert response.body["category"] == "EXPIRED_AUTHENTICATION"


async def test_bad_grants_are_400(emulator: EmulatorHandle) -> None:
    granted = await _grant(emulator, grant_type="authorization_code", code="c1")
    reused = await _grant(emulator, grant_type="authorization_code", code="c1")
    assert reused.status == 400
    assert reused.body["status"] == "BAD_AUTH_CODE"
    unknown = await _grant(emulator, grant_type="refresh_token", refresh_token="nope")
    assert unknown.status == 400
    assert unknown.body["status"] == "BAD_REFRESH_TOKEN"
    assert unknown.body["error"] == "invalid_grant"
    wrong_secret = await emulator.call("POST", TOKEN, token="", data={
        "grant_type": "refresh_token", "client_id": "emulator-client", "client_secret": "x",
        "refresh_token": granted.body["refresh_token"]})
    assert wrong_secret.status == 400
    assert (await emulator.stats())["token_calls"]["failed"] == 3
