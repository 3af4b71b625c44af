"""Fault injection over real HTTP: scripts, error rates, resets, latency, CLI flags."""

from __future__ import annotations

import time

import aiohttp
import pytest

from tests.fixtures.emulator import EmulatorHandle, run_emulator_process

UPSERT = "/crm/v3/objects/contacts/batch/upsert"
CONTACTS = "/crm/v3/objects/contacts"


async def test_scripted_sequence_answers_the_next_3_calls_with_503(
        emulator: EmulatorHandle) -> None:
    await emulator.set_faults(script=[{"path_prefix": UPSERT, "method": "POST", "times": 3,
                                       "status": 503}])
    body = {"inputs": [{"id": "a@example.com", "idProperty": "email", "properties": {}}]}
    assert (await emulator.call("GET", CONTACTS)).status == 200
    statuses = [(await emulator.call("POST", UPSERT, body)).status for _ in range(4)]
    assert statuses == [503, 503, 503, 200]
    stats = await emulator.stats()
    assert stats["faults_injected"] == {"script:503": 3}
    assert stats["by_endpoint"]["crm.batch.upsert"] == {"503": 3, "200": 1}


@pytest.mark.parametrize("status", [423, 500, 502, 503, 504, 524])
async def test_error_rate_one_answers_that_status(emulator: EmulatorHandle, status: int) -> None:
    await emulator.set_faults(error_rates={str(status): 1.0})
    response = await emulator.call("GET", CONTACTS)
    assert response.status == status
    assert response.body["status"] == "error"
    assert "x-hubspot-correlation-id" in {k.lower() for k in response.headers}


async def test_scripted_429_carries_the_policy_body(emulator: EmulatorHandle) -> None:
    await emulator.set_faults(script=[{"path_prefix": "/crm/", "status": 429,
                                       "policy": "DAILY"}])
    response = await emulator.call("GET", CONTACTS)
    assert response.status == 429
    assert response.body["policyName"] == "DAILY"
    assert response.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    assert (await emulator.stats())["rate_limited"]["DAILY"] == 0


async def test_connection_reset_closes_without_a_response(emulator: EmulatorHandle) -> None:
    # POST: aiohttp's client silently retries an idempotent GET once on a dropped connection.
    await emulator.set_faults(script=[{"path_prefix": CONTACTS, "action": "reset"}])
    with pytest.raises(aiohttp.ClientError):
        await emulator.call("POST", CONTACTS, {"properties": {}})
    assert (await emulator.call("POST", CONTACTS, {"properties": {}})).status == 201
    assert (await emulator.stats())["faults_injected"] == {"script:reset": 1}


async def test_latency_delays_responses(emulator: EmulatorHandle) -> None:
    await emulator.set_faults(latency_ms={"distribution": "fixed", "value": 150})
    started = time.monotonic()
    assert (await emulator.call("GET", CONTACTS)).status == 200
    assert time.monotonic() - started >= 0.15


async def test_524_after_a_delay(emulator: EmulatorHandle) -> None:
    await emulator.set_faults(error_rates={"524": 1.0}, error_delay_ms={"524": 100})
    started = time.monotonic()
    assert (await emulator.call("GET", CONTACTS)).status == 524
    assert time.monotonic() - started >= 0.1


async def test_invalid_fault_settings_are_400(emulator: EmulatorHandle) -> None:
    response = await emulator.call("POST", "/_emulator/faults", {"error_rates": {"418": 1}},
                                   token="")
    assert response.status == 400


async def test_cli_flags_inject_faults() -> None:
    script = '{"path_prefix": "/crm/", "times": 2, "status": 502}'
    with run_emulator_process(extra_args=["--fault-script", script, "--seed", "1"]) as emulator:
        statuses = [(await emulator.call("GET", CONTACTS)).status for _ in range(3)]
        assert statuses == [502, 502, 200]
