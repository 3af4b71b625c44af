"""HubSpot API calls per 100 records for each action, cold cache and steady state, measured on
the emulator over HTTP. Run: `.venv/bin/python bench/calls_per_record.py [--records 1000]`.

Cold: a fresh emulator portal and empty worker caches, first batch of 100 (500 for event sends).
Steady: the same caches, later batches of new records; calls per 100 records over `--records`.
Calls are counted from the emulator's request log (admin calls are never logged).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from stream.actions.base import ActionContext, DestinationSettings, Payload
from stream.actions.cache import ActionCaches
from stream.actions.catalog import ACTIONS
from stream.actions.upsert_company.payload import CompanyPayload
from stream.emulator.config import EmulatorConfig
from stream.emulator.server import start_emulator
from stream.hubspot.auth import PrivateAppToken
from stream.hubspot.budget import LocalBudget, plan_limits
from stream.hubspot.client import HubSpotClient

Build = Callable[[ActionContext, int, int], Awaitable[list[Payload]]]  # (ctx, batch, size)


@dataclass(frozen=True)
class Scenario:
    """One row of the table."""

    action: str
    label: str
    batch_size: int
    build: Build
    segment_cold: str
    segment_steady: str


def payloads(action: str, rendered: list[dict[str, Any]], prefix: str) -> list[Payload]:
    build = ACTIONS[action].build_payload
    return [build(r, message_id=f"{prefix}-{i}", mapping_id="bench")
            for i, r in enumerate(rendered)]


async def contacts(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    return payloads("upsert_contact", [
        {"email": f"u{batch}-{i}@example.com", "firstname": f"F{i}", "lifecyclestage": "lead"}
        for i in range(size)], f"c{batch}")


async def companies(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    # contacts written by the user lane beforehand (not counted): their ids ride on the payload
    users = await ACTIONS["upsert_contact"].perform_batch(ctx, await contacts(ctx, batch, size))
    built = [p for p in payloads("upsert_company", [
        {"groupid": f"g{batch}-{i}", "name": f"Co {i}", "numberofemployees": 10}
        for i in range(size)], f"g{batch}") if isinstance(p, CompanyPayload)]
    return [replace(p, contact_id=u.object_id) for p, u in zip(built, users, strict=True)]


async def behavioral(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    portal = ctx.settings.portal_id
    return payloads("send_custom_behavioral_event", [
        {"eventName": f"pe{portal}_signed_up", "email": f"u{batch}-{i}@example.com",
         "properties": {"plan": "pro"}} for i in range(size)], f"e{batch}")


async def records(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    return payloads("upsert_custom_object_record", [
        {"objectType": "deals", "properties": {"dealname": f"D{batch}-{i}"},
         "customObjectSearchFields": {"dealname": f"D{batch}-{i}"}} for i in range(size)],
        f"r{batch}")


async def objects(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    return payloads("custom_object_v2", [
        {"object_details": {"object_type": "contact", "id_field_name": "email",
                            "id_field_value": f"o{batch}-{i}@example.com",
                            "property_group": "contactinformation"},
         "properties": {"firstname": f"F{i}", "plan_tier": "gold"},
         "__segment_internal_sync_mode": "upsert"} for i in range(size)], f"o{batch}")


async def custom_events(ctx: ActionContext, batch: int, size: int) -> list[Payload]:
    return payloads("custom_event_v2", [
        {"event_name": "plan_changed", "__segment_internal_sync_mode": "upsert",
         "record_details": {"object_type": "contact", "email": f"u{batch}-{i}@example.com"},
         "properties": {"plan": "pro", "seats": i}} for i in range(size)], f"v{batch}")


SCENARIOS = [
    Scenario("upsert_contact", "contacts by email, lifecycle set", 100, contacts,
             "300 (single) / 3 (batch: read, create, update)", "100-300 / 2-3"),
    Scenario("upsert_company", "companies + contact association", 100, companies,
             "400-600 (404, search, create, associate)", "200 (PATCH + PUT association)"),
    Scenario("send_custom_behavioral_event", "track events", 500, behavioral,
             "100", "100"),
    Scenario("upsert_custom_object_record", "deals found by search", 100, records,
             "200 (search + create)", "200 (search + PATCH)"),
    Scenario("custom_object_v2", "contacts by email, 1 new property", 100, objects,
             "3 (property reads, create, upsert)", "1-2 (cache per actionConfigId)"),
    Scenario("custom_event_v2", "events, definition created", 100, custom_events,
             "103 (definition read + create + 100 sends)", "100 (no batching)"),
]


async def measure(scenario: Scenario, records_total: int) -> tuple[float, float]:
    """(cold, steady) calls per 100 records for one action on a fresh emulator."""
    running = await start_emulator(EmulatorConfig())
    try:
        headers = {"Authorization": f"Bearer {EmulatorConfig().tokens[0]}"}
        async with aiohttp.ClientSession(base_url=running.base_url, headers=headers) as session:
            if scenario.action == "send_custom_behavioral_event":
                await session.post("/events/v3/event-definitions", json={
                    "name": "signed_up", "label": "Signed up", "propertyDefinitions": [
                        {"name": "plan", "label": "Plan", "type": "string"}]})
            settings = DestinationSettings(portal_id=str(EmulatorConfig().portal_id))
            client = HubSpotClient(running.base_url, PrivateAppToken(EmulatorConfig().tokens[0]),
                                   LocalBudget(plan_limits(190, 5)))
            async with client:
                ctx = ActionContext(client, ActionCaches(), settings)
                cold = await _calls(session, ctx, scenario, 0, scenario.batch_size)
                batches = max(1, records_total // scenario.batch_size)
                steady = 0
                for batch in range(1, batches + 1):
                    steady += await _calls(session, ctx, scenario, batch, scenario.batch_size)
        size = scenario.batch_size
        return cold * 100 / size, steady * 100 / (batches * size)
    finally:
        await running.stop()


async def _calls(session: aiohttp.ClientSession, ctx: ActionContext, scenario: Scenario,
                 batch: int, size: int) -> int:
    built = await scenario.build(ctx, batch, size)
    before = await _seq(session)
    results = await ACTIONS[scenario.action].perform_batch(ctx, built)
    bad = [r for r in results if r.status != "delivered"]
    assert not bad, bad[:3]
    logged = (await (await session.get(f"/_emulator/requests?after_seq={before}")).json())
    return len([r for r in logged["requests"] if r["status"] != 429])


async def _seq(session: aiohttp.ClientSession) -> int:
    logged = await (await session.get("/_emulator/requests?limit=1000000")).json()
    return int(logged["requests"][-1]["seq"]) if logged["requests"] else 0


async def main(records_total: int) -> None:
    print("| action | scenario | ours cold | ours steady | Segment cold | Segment steady |")
    print("|---|---|---|---|---|---|")
    for scenario in SCENARIOS:
        cold, steady = await measure(scenario, records_total)
        print(f"| `{scenario.action}` | {scenario.label} | {cold:g} | {steady:g} | "
              f"{scenario.segment_cold} | {scenario.segment_steady} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000,
                        help="records per action for the steady-state figure")
    asyncio.run(main(parser.parse_args().records))
