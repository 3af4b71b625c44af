"""Rate limits over real HTTP: rolling 10 s per app, daily cap per portal, headers, 429 bodies."""

from __future__ import annotations

import pytest

from stream.emulator.config import EmulatorConfig, Settings
from tests.fixtures.emulator import EmulatorHandle

CONTACTS = "/crm/v3/objects/contacts"


@pytest.fixture
def emulator_config() -> EmulatorConfig:
    return EmulatorConfig(settings=Settings(plan="starter"), time_zone="America/New_York",
                          tokens=["pat-na1-first", "pat-na1-second"])


async def _spend(emulator: EmulatorHandle, calls: int, token: str | None = None) -> list[int]:
    async with emulator.client(token) as session:
        statuses = []
        for _ in range(calls):
            async with session.get(CONTACTS) as response:
                statuses.append(response.status)
        return statuses


async def test_101st_call_within_10_s_on_starter_is_ten_secondly_429(
        emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T15:00:00Z", frozen=True)
    assert await _spend(emulator, 100) == [200] * 100
    response = await emulator.call("GET", CONTACTS)
    assert response.status == 429
    assert response.body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert response.body["errorType"] == "RATE_LIMIT"
    assert response.body["message"] == "You have reached your ten_secondly_rolling limit."
    assert "category" not in response.body
    headers = {k.lower(): v for k, v in response.headers.items()}
    assert headers["x-hubspot-ratelimit-max"] == "100"
    assert headers["x-hubspot-ratelimit-remaining"] == "0"
    assert headers["x-hubspot-ratelimit-interval-milliseconds"] == "10000"
    assert headers["x-hubspot-ratelimit-daily"] == "250000"
    assert "x-hubspot-correlation-id" in headers
    assert "retry-after" not in headers


async def test_window_rolls_exactly_after_10_s(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T15:00:00Z", frozen=True)
    await _spend(emulator, 100)
    await emulator.advance_clock(9.999)
    assert (await emulator.call("GET", CONTACTS)).status == 429
    await emulator.advance_clock(0.001)
    assert (await emulator.call("GET", CONTACTS)).status == 200


async def test_each_app_has_its_own_ten_second_bucket(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T15:00:00Z", frozen=True)
    await _spend(emulator, 100)
    assert (await emulator.call("GET", CONTACTS, token="pat-na1-second")).status == 200
    stats = await emulator.stats()
    assert stats["max_rolling_10s"]["crm"]["by_app"] == {"private-1": 100, "private-2": 1}
    assert stats["rate_limited"]["TEN_SECONDLY_ROLLING"] == 0


async def test_remaining_headers_count_down(emulator: EmulatorHandle) -> None:
    first = await emulator.call("GET", CONTACTS)
    second = await emulator.call("GET", CONTACTS)
    assert first.headers["X-HubSpot-RateLimit-Remaining"] == "99"
    assert second.headers["X-HubSpot-RateLimit-Remaining"] == "98"
    assert int(second.headers["X-HubSpot-RateLimit-Daily-Remaining"]) == 250_000 - 2


async def test_daily_cap_gives_daily_429_until_portal_midnight(emulator: EmulatorHandle) -> None:
    # 04:59:30 UTC is 23:59:30 in New York: the portal's day ends 30 s later.
    await emulator.set_clock("2026-11-24T04:59:30Z", frozen=True)
    await emulator.other_app(daily_calls=250_000 - 1)
    assert (await emulator.call("GET", CONTACTS)).status == 200
    refused = await emulator.call("GET", CONTACTS)
    assert refused.status == 429
    assert refused.body["policyName"] == "DAILY"
    assert refused.body["message"] == "You have reached your daily limit."
    assert refused.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    await emulator.advance_clock(30)
    assert (await emulator.call("GET", CONTACTS)).status == 200
    assert (await emulator.stats())["rate_limited"]["DAILY"] == 1


async def test_retry_after_is_sent_only_when_switched_on(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T15:00:00Z", frozen=True)
    await emulator.settings(retry_after=True)
    await _spend(emulator, 100)
    await emulator.advance_clock(4)
    refused = await emulator.call("GET", CONTACTS)
    assert refused.status == 429
    assert refused.headers["Retry-After"] == "6"


async def test_other_app_share_lowers_the_daily_remaining(emulator: EmulatorHandle) -> None:
    await emulator.set_clock("2026-11-24T17:00:00Z", frozen=True)  # noon in New York
    daily = await emulator.other_app(share=0.3)
    assert daily["other_app_used"] == int(0.3 * 250_000 * 0.5)
    response = await emulator.call("GET", CONTACTS)
    remaining = int(response.headers["X-HubSpot-RateLimit-Daily-Remaining"])
    assert remaining == 250_000 - 1 - int(0.3 * 250_000 * 0.5)
