"""The naive baseline: one HubSpot call per event, as Segment's non-batch mode does, no engine.

A tiny client loop: CONCURRENCY tasks each take the next identify event and upsert its contact
with a call of its own (batch/upsert of one input), paced by the same rate budget the engine
uses so it gets no 429 either. Used by bench/pipeline_throughput.py (scenario naive-*).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from stream.hubspot.auth import PrivateAppToken
from stream.hubspot.budget import LocalBudget, plan_limits
from stream.hubspot.client import HubSpotClient

CONCURRENCY = 16


@dataclass
class NaiveRun:
    """Completion times and produce -> completion latencies of the calls."""

    completed: list[float] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)


def contact_input(event: dict[str, Any]) -> dict[str, Any]:
    """The one-contact upsert body of an identify event."""
    traits = event["traits"]
    return {"idProperty": "email", "id": traits["email"],
            "properties": {"email": traits["email"], "firstname": traits["first_name"],
                           "lastname": traits["last_name"]}}


async def _worker(client: HubSpotClient, events: Iterator[dict[str, Any]], run: NaiveRun,
                  until: float, started: float) -> None:
    for event in events:
        if time.monotonic() >= until:
            return
        response = await client.request("POST", "/crm/v3/objects/contacts/batch/upsert",
                                         json={"inputs": [contact_input(event)]})
        done = time.time()
        run.completed.append(done)
        run.latencies.append(done - started)
        status = "delivered" if response.ok else f"http_{response.status}"
        run.statuses[status] = run.statuses.get(status, 0) + 1


async def run_naive(base_url: str, token: str, requests_per_10s: int,
                    events: Iterator[dict[str, Any]], seconds: float) -> NaiveRun:
    """Call HubSpot once per event for `seconds` (the events count as produced at the start)."""
    run = NaiveRun()
    budget = LocalBudget(plan_limits(requests_per_10s, 5))
    async with HubSpotClient(base_url, PrivateAppToken(token), budget) as client:
        until, started = time.monotonic() + seconds, time.time()
        shared = iter(events)  # one iterator: every task takes the next event
        await asyncio.gather(*(_worker(client, shared, run, until, started)
                               for _ in range(CONCURRENCY)))
    return run
