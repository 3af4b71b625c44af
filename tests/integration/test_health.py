"""What a worker tells SREs: /readyz while HubSpot refuses the credentials, /healthz, no faust
pages unless asked (real Kafka, the emulator, a worker subprocess)."""

from __future__ import annotations

import asyncio
import urllib.error
import urllib.request
from typing import Any

import orjson
import pytest

from tests.builders import make_identify
from tests.fixtures.pipeline import Deployment
from tests.fixtures.process import wait_until
from tests.integration.test_inflight import worker_port
from tests.integration.test_pipeline import produce

pytestmark = pytest.mark.integration


def get(port: str, path: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            body = answer.read()
            return answer.status, orjson.loads(body) if path != "/metrics" else body
    except urllib.error.HTTPError as error:
        body = error.read()
        return error.code, orjson.loads(body) if body.startswith(b"{") else body
    except OSError:  # not listening yet
        return 0, None


def test_a_worker_whose_token_is_refused_is_not_ready_then_resumes_by_itself(
        deployment: Deployment) -> None:
    deployment.env["HUBSPOT_STREAM_FATAL_PAUSE_SECONDS"] = "3"
    upsert = "/crm/v3/objects/contacts/batch/upsert"
    asyncio.run(deployment.emulator.set_faults(script=[
        {"path_prefix": upsert, "method": "POST", "times": 3, "status": 401}]))
    worker = deployment.start_worker()
    port = worker_port(worker)
    wait_until(lambda: get(port, "/readyz")[0] == 200, 60, "ready while idle")
    events = [make_identify(f"u{i}", f"u{i}@example.com") for i in range(20)]
    produce(deployment, events)
    not_ready: list[Any] = []

    def refused() -> bool:
        status, body = get(port, "/readyz")
        if status == 503:
            not_ready.append(body)
        return status == 503

    wait_until(refused, 60, "/readyz 503 while HubSpot refuses the token")
    problem = not_ready[0]["problems"]["action upsert_contact"]
    assert problem.startswith("fatal pause since") and "auth: HubSpot answered 401" in problem
    _, metrics = get(port, "/metrics")
    assert (b'hubspot_stream_lane_paused{destination="' in metrics
            and b'kind="fatal",lane="user"} 1.0' in metrics)
    reader = deployment.outcome_reader()
    reader.wait_for(len(events), timeout_seconds=120)
    assert {r["status"] for r in reader.records} == {"delivered"}
    wait_until(lambda: get(port, "/readyz")[0] == 200, 30, "ready again")
    status, health = get(port, "/healthz")
    assert (status, health["status"], health["dead_agents"]) == (200, "ok", [])
    assert health["loop_lag_seconds"] < 30
    assert get(port, "/router/")[0] == 404
    assert get(port, "/table/")[0] == 404
