"""Many epochs in flight per lane (real Kafka, the emulator with HubSpot-like latency)."""

from __future__ import annotations

import asyncio
import re
import threading
import time
import urllib.request
from typing import Any

import pytest

from tests.builders import make_group, make_identify
from tests.fixtures.pipeline import Deployment, by_pair
from tests.fixtures.process import ChildProcess
from tests.integration.test_pipeline import (
    assert_no_association_before_its_contact_write,
    hubspot_view,
    kill_mid_stream_and_restart,
    produce,
)

pytestmark = pytest.mark.integration
USERS, WRITES = 120, 6
MAPPING_OF = {"identify": "contacts", "group": "companies"}


def versioned_events() -> list[dict[str, Any]]:
    """WRITES identifies per user, interleaved across users, each carrying its version in
    lastName (v1 ... vN), and a group per user after its first identify."""
    events: list[dict[str, Any]] = []
    for version in range(1, WRITES + 1):
        for user in range(USERS):
            email = f"user{user}@example.com"
            events.append(make_identify(f"u{user}", email, {"lastName": f"v{version}"}))
            if version == 1:
                events.append(make_group(f"g{user % 17}", f"u{user}"))
    return events


class InFlightProbe:
    """Scrapes a worker's /metrics and keeps the most epochs of one lane seen in flight (user
    epochs run on the input lane, `ingest`, with direct delivery)."""

    def __init__(self, port: str, lane: str) -> None:
        self.port, self.lane, self.most, self.done = port, lane, 0.0, False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        pattern = re.compile(
            rf'^hubspot_stream_epochs_in_flight\{{[^}}]*lane="{self.lane}"[^}}]*\}} (\S+)', re.M)
        while not self.done:
            try:
                text = urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics",
                                              timeout=5).read().decode()
                self.most = max([self.most, *(float(v) for v in pattern.findall(text))])
            except OSError:
                pass
            time.sleep(0.2)


def slow_and_jittery(deployment: Deployment) -> None:
    """Every CRM call takes 50-400 ms: epochs finish out of order."""
    latency = {"distribution": "uniform", "min": 50, "max": 400}
    asyncio.run(deployment.emulator.set_faults(latency_ms=latency))


def assert_last_write_wins_for_every_user(view: dict[str, Any]) -> None:
    versions = {c["properties"]["email"]: c["properties"].get("lastname")
                for c in view["contacts"]}
    stale = {email: v for email, v in versions.items() if v != f"v{WRITES}"}
    assert len(versions) == USERS
    assert not stale, f"{len(stale)} contacts hold an older write, e.g. {list(stale.items())[:3]}"


@pytest.mark.parametrize("direct", ["true", "false"], ids=["direct", "through-the-lane"])
def test_per_user_order_holds_with_many_epochs_in_flight(deployment: Deployment,
                                                         direct: str) -> None:
    deployment.env["HUBSPOT_STREAM_BATCH_MAX_ITEMS"] = "10"
    deployment.env["HUBSPOT_STREAM_DIRECT_DELIVERY"] = direct
    slow_and_jittery(deployment)
    worker = deployment.start_worker()
    probe = InFlightProbe(worker_port(worker), "ingest" if direct == "true" else "user")
    events = versioned_events()
    produce(deployment, events)
    reader = deployment.outcome_reader()
    reader.wait_for(len(events), timeout_seconds=240)
    reader.poll(2.0)
    probe.done = True
    grouped = by_pair(reader.records)
    assert set(grouped) == {(e["messageId"], MAPPING_OF[e["type"]]) for e in events}
    assert all(len(found) == 1 for found in grouped.values())
    assert {r["status"] for r in reader.records} == {"delivered"}
    view = asyncio.run(hubspot_view(deployment))
    assert_last_write_wins_for_every_user(view)
    assert_no_association_before_its_contact_write(view)
    assert probe.most > 1, "the user epochs never had more than one in flight"


def test_out_of_order_epochs_and_a_kill_lose_nothing(deployment: Deployment) -> None:
    deployment.env["HUBSPOT_STREAM_BATCH_MAX_ITEMS"] = "10"
    slow_and_jittery(deployment)
    events = versioned_events()
    reader = kill_mid_stream_and_restart(deployment, events, MAPPING_OF, len(events) // 3)
    repeated = {pair: [r["status"] for r in found] for pair, found in by_pair(
        reader.records).items() if len(found) > 1}
    # only what was in flight when the worker died may repeat: a few epochs, never more
    assert len(repeated) <= 10 * int(deployment.env["HUBSPOT_STREAM_BATCH_MAX_ITEMS"])
    assert all(set(statuses) == {"delivered"} for statuses in repeated.values())
    view = asyncio.run(hubspot_view(deployment))
    assert_last_write_wins_for_every_user(view)
    assert_no_association_before_its_contact_write(view)


def worker_port(worker: ChildProcess) -> str:
    line = next(line for line in worker.lines if line.startswith("worker destination="))
    return line.rsplit(":", 1)[1]
