"""End-to-end throughput: Kafka -> worker -> HubSpot emulator -> outcome topics.

Starts a local broker (unless KAFKA_BOOTSTRAP_SERVERS is set), the emulator (enterprise plan) and
one worker as subprocesses, produces USERS x (identify, group, track), and measures the time
until every outcome is on the outcome topics, the HubSpot calls made and the largest rolling
10 s window. Bounded: it stops by itself (timeout 600 s) and stops every child.

    .venv/bin/python bench/pipeline_throughput.py --users 2000
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from confluent_kafka import Consumer

from stream.commands.produce_sample import produce_events
from stream.localdev.kafka import free_port, local_broker
from stream.localdev.sample_events import define_sample_events, sample_events
from stream.localdev.services import terminate_group
from stream.settings import KafkaSettings

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "tests" / "data" / "pipeline" / "destination.yaml"


def child(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "stream.cli", *args], cwd=REPO, text=True,
                            env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def http(method: str, url: str, body: Any = None, token: str | None = None) -> Any:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def start_emulator(stack: ExitStack) -> tuple[str, str, int]:
    token = "pat-na1-bench"
    process = child(["emulator", "--port", "0", "--plan", "enterprise", "--token", token], {})
    stack.callback(terminate_group, process)
    assert process.stdout is not None
    base_url = process.stdout.readline().strip().split("=", 1)[1]
    portal_id = int(process.stdout.readline().split()[0].split("=")[1])
    define_sample_events(base_url, token)
    return base_url, token, portal_id


def count_outcomes(bootstrap: str, topics: list[str], expected: int,
                   deadline: float) -> int:
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": uuid.uuid4().hex,
                         "auto.offset.reset": "earliest"})
    consumer.subscribe(topics)
    seen = 0
    try:
        while seen < expected and time.monotonic() < deadline:
            seen += sum(1 for m in consumer.consume(1000, 0.5) if m.error() is None)
    finally:
        consumer.close()
    return seen


def run(bootstrap: str, users: int) -> dict[str, Any]:
    suffix = uuid.uuid4().hex[:8]
    with ExitStack() as stack:
        base_url, token, portal_id = start_emulator(stack)
        env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "HUBSPOT_STREAM_CONFIG": str(CONFIG),
               "PIPELINE_DESTINATION": f"bench-{suffix}", "HUBSPOT_BASE_URL": base_url,
               "HUBSPOT_HUB_ID": str(portal_id), "HUBSPOT_PRIVATE_APP_TOKEN": token,
               "HUBSPOT_STREAM_INPUT_TOPIC": f"bench-in-{suffix}",
               "HUBSPOT_STREAM_RESULTS_TOPIC": f"bench-results-{suffix}",
               "HUBSPOT_STREAM_FAILURES_TOPIC": f"bench-failures-{suffix}",
               "HUBSPOT_STREAM_WEB_PORT": str(free_port()),
               "HUBSPOT_STREAM_DATA_DIR": tempfile.mkdtemp(prefix="bench-worker-")}
        worker = child(["worker"], env)
        stack.callback(terminate_group, worker)
        assert worker.stdout is not None
        worker.stdout.readline()  # "worker destination=..." once topics exist
        events = [e for e in sample_events(users) if e["type"] != "page"]
        started = time.monotonic()
        produce_events(KafkaSettings(bootstrap_servers=bootstrap), env[
            "HUBSPOT_STREAM_INPUT_TOPIC"], events)
        outcomes = count_outcomes(bootstrap, [env["HUBSPOT_STREAM_RESULTS_TOPIC"],
                                              env["HUBSPOT_STREAM_FAILURES_TOPIC"]],
                                  len(events), started + 600)
        elapsed = time.monotonic() - started
        stats = http("GET", f"{base_url}/_emulator/stats")
    return {"users": users, "events": len(events), "outcomes": outcomes,
            "seconds": round(elapsed, 1), "events_per_second": round(len(events) / elapsed),
            "hubspot_calls": stats["requests_total"],
            "calls_per_100_events": round(100 * stats["requests_total"] / len(events), 2),
            "max_rolling_10s_crm": stats["max_rolling_10s"]["crm"]["max"],
            "status_429": stats["by_status"].get("429", 0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=2000)
    args = parser.parse_args()
    external = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if external:
        result = run(external, args.users)
    else:
        with local_broker() as broker:
            result = run(broker.bootstrap, args.users)
    print(json.dumps(result, indent=2))
    return 0 if result["outcomes"] >= result["events"] else 1


if __name__ == "__main__":
    sys.exit(main())
