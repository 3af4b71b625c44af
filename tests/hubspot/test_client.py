"""The client against the emulator over real HTTP: retries, rejections, auth, the daily park."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from prometheus_client import CollectorRegistry

from stream.errors import FatalError, RetryableError
from stream.hubspot.auth import OAuthTokens, PrivateAppToken
from stream.hubspot.budget import DAILY_RETRY_SECONDS, LocalBudget, plan_limits
from stream.hubspot.client import ClientSettings, HubSpotClient
from stream.metrics.catalog import ClientMetrics
from tests.fixtures.emulator import EmulatorHandle

UPSERT = "/crm/v3/objects/contacts/batch/upsert"


def contacts(count: int, prefix: str = "c") -> dict[str, object]:
    return {"inputs": [{"idProperty": "email", "id": f"{prefix}{i}@example.com",
                        "properties": {"firstname": f"N{i}"}} for i in range(count)]}


class Sleeps:
    """Records the waits the client asks for, without waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
async def client(emulator: EmulatorHandle) -> AsyncIterator[HubSpotClient]:
    sleeps = Sleeps()
    budget = LocalBudget(plan_limits(190, 5))
    async with HubSpotClient(emulator.base_url, PrivateAppToken(emulator.token), budget,
                             ClientMetrics(CollectorRegistry()), sleep=sleeps) as opened:
        yield opened


async def test_transient_failures_are_retried_until_success(
        client: HubSpotClient, emulator: EmulatorHandle) -> None:
    await emulator.set_faults(script=[
        {"path_prefix": UPSERT, "method": "POST", "times": 2, "status": 503},
        {"path_prefix": UPSERT, "method": "POST", "times": 1, "status": 423},
        {"path_prefix": UPSERT, "method": "POST", "times": 1, "action": "reset"}])
    response = await client.request("POST", UPSERT, json=contacts(3))
    assert response.status == 200
    assert len(response.body["results"]) == 3
    waits = client.sleep.waits  # type: ignore[attr-defined]
    assert len(waits) == 4
    assert waits[2] >= 2.0  # 423 waits at least 2 s
    log = await emulator.requests(path_prefix=UPSERT)
    assert [entry["status"] for entry in log] == [503, 503, 423, 0, 200]


async def test_a_rejection_is_answered_once_without_retry(
        client: HubSpotClient, emulator: EmulatorHandle) -> None:
    response = await client.request("POST", UPSERT, json=contacts(101))
    assert response.status == 400
    assert "101" in response.body["message"] or "100" in response.body["message"]
    assert len(await emulator.requests(path_prefix=UPSERT)) == 1


async def test_an_outage_longer_than_the_call_budget_raises_retryable(
        emulator: EmulatorHandle) -> None:
    await emulator.set_faults(error_rates={"503": 1.0}, path_prefix="/crm/")
    sleeps = Sleeps()
    async with HubSpotClient(emulator.base_url, PrivateAppToken(emulator.token),
                             LocalBudget(plan_limits(190, 5)), sleep=sleeps,
                             clock=lambda: sum(sleeps.waits),
                             settings=ClientSettings(call_budget_seconds=20)) as client:
        with pytest.raises(RetryableError) as raised:
            await client.request("POST", UPSERT, json=contacts(1))
    assert raised.value.reason.value == "hubspot_unavailable"
    assert sum(sleeps.waits) <= 20


async def test_a_bad_token_is_fatal(emulator: EmulatorHandle) -> None:
    async with HubSpotClient(emulator.base_url, PrivateAppToken("pat-na1-wrong"),
                             LocalBudget(plan_limits(190, 5))) as client:
        with pytest.raises(FatalError) as raised:
            await client.request("POST", UPSERT, json=contacts(1))
    assert "pat-na1-wrong" not in str(raised.value)


async def oauth_tokens(emulator: EmulatorHandle, metrics: ClientMetrics) -> OAuthTokens:
    form = {"grant_type": "authorization_code", "client_id": "emulator-client",
            "client_secret": "emulator-secret", "code": "code-1",
            "redirect_uri": "https://example.com/callback"}
    response = await emulator.call("POST", "/oauth/v1/token", data=form, token="")
    assert response.status == 200, response.body
    return OAuthTokens(emulator.base_url, "emulator-client", "emulator-secret",
                       response.body["refresh_token"], on_refresh=metrics.refreshes.inc)


async def test_fifty_concurrent_requests_with_an_expired_token_cause_one_refresh(
        emulator: EmulatorHandle) -> None:
    metrics = ClientMetrics(CollectorRegistry())
    auth = await oauth_tokens(emulator, metrics)
    async with HubSpotClient(emulator.base_url, auth, LocalBudget(plan_limits(10**6, 5)),
                             metrics) as client:
        assert (await client.request("GET", "/crm/v3/objects/contacts")).status == 200
        before = (await emulator.stats())["token_calls"]["refresh_token"]
        assert await emulator.expire_tokens() >= 1
        answers = await asyncio.gather(*(client.request("GET", "/crm/v3/objects/contacts")
                                         for _ in range(50)))
    assert {answer.status for answer in answers} == {200}
    assert (await emulator.stats())["token_calls"]["refresh_token"] - before == 1


async def test_daily_exhaustion_parks_until_midnight_then_resumes_by_itself(
        emulator: EmulatorHandle) -> None:
    noon = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    await emulator.set_clock(noon.isoformat(), frozen=True)
    now = {"t": noon.timestamp()}
    budget = LocalBudget(plan_limits(190, 5), time_zone="UTC", clock=lambda: now["t"])
    sleeps = Sleeps()

    async def sleep_and_advance(seconds: float) -> None:
        await sleeps(seconds)
        now["t"] += seconds
        await emulator.advance_clock(seconds)

    budget.sleep = sleep_and_advance
    await emulator.other_app(daily_calls=(await emulator.stats())["daily"]["remaining"])
    async with HubSpotClient(emulator.base_url, PrivateAppToken(emulator.token), budget,
                             sleep=sleep_and_advance, clock=lambda: now["t"]) as client:
        with pytest.raises(RetryableError) as raised:
            await client.request("POST", UPSERT, json=contacts(1))
        assert raised.value.retry_after_seconds == pytest.approx(12 * 3600 + DAILY_RETRY_SECONDS)
        calls_before = len(await emulator.requests(path_prefix=UPSERT))
        response = await client.request("POST", UPSERT, json=contacts(1, "after"))
    assert response.status == 200
    assert datetime.fromtimestamp(now["t"], UTC) >= datetime(2026, 11, 25, tzinfo=UTC)
    log = await emulator.requests(path_prefix=UPSERT)
    assert [entry["status"] for entry in log[calls_before:]] == [200]


async def test_the_session_is_pooled_and_reused(client: HubSpotClient) -> None:
    session = client.session
    for _ in range(3):
        await client.request("GET", "/crm/v3/objects/contacts")
    assert client.session is session
    assert isinstance(session.connector, aiohttp.TCPConnector)


async def test_daily_budget_gauges_follow_the_headers_and_the_park(
        emulator: EmulatorHandle) -> None:
    noon = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    await emulator.set_clock(noon.isoformat(), frozen=True)
    registry = CollectorRegistry()
    metrics = ClientMetrics(registry)
    budget = LocalBudget(plan_limits(190, 5), time_zone="UTC", clock=noon.timestamp)
    ratio = "hubspot_stream_daily_budget_remaining_ratio"
    parked = "hubspot_stream_budget_parked_until_timestamp_seconds"
    assert registry.get_sample_value(ratio) != registry.get_sample_value(ratio)  # NaN: unknown
    async with HubSpotClient(emulator.base_url, PrivateAppToken(emulator.token), budget,
                             metrics, sleep=Sleeps()) as client:
        await client.request("GET", "/crm/v3/objects/contacts")
        daily = (await emulator.stats())["daily"]
        assert registry.get_sample_value(ratio) == pytest.approx(
            daily["remaining"] / daily["limit"], abs=0.01)
        assert registry.get_sample_value(parked) == 0
        await emulator.other_app(daily_calls=daily["remaining"])
        with pytest.raises(RetryableError):
            await client.request("POST", UPSERT, json=contacts(1))
    assert registry.get_sample_value(ratio) == 0
    assert registry.get_sample_value(parked) == datetime(
        2026, 11, 25, tzinfo=UTC).timestamp() + DAILY_RETRY_SECONDS


async def test_an_error_answer_is_logged_with_hubspots_correlation_id(
        client: HubSpotClient, emulator: EmulatorHandle,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("WARNING", logger="stream.hubspot.client"):
        response = await client.request("POST", UPSERT, json=contacts(101))
    [record] = [r for r in caplog.records if r.name == "stream.hubspot.client"]
    assert record.getMessage() == f"HubSpot POST {UPSERT} answered 400"
    assert record.hubspot_correlation_id == response.body["correlationId"]
    assert record.hubspot_category == "VALIDATION_ERROR"
