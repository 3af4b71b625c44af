"""The Grafana dashboard and the alert rules name only series a running worker exports (a real
worker subprocess against the local broker and the emulator, scraped after delivering events)."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from typing import Any

import pytest

from stream.commands.produce_sample import produce_events
from stream.localdev.sample_events import sample_events
from stream.settings import KafkaSettings
from tests.deploy.alert_rules import alerts
from tests.fixtures.pipeline import Deployment
from tests.fixtures.process import REPO_ROOT

DASHBOARD = REPO_ROOT / "deploy" / "grafana" / "dashboards" / "hubspot-stream.json"
SERIES = re.compile(r"\b(?:hubspot_stream|faust)_[a-z0-9_]+")
SUFFIXES = ("_bucket", "_sum", "_count", "_total", "_created")
# Series the lanes will export once the pipelined delivery lands (stream/agents, stream/delivery);
# the dashboard and the alerts already use them. The only names this test lets through.
PENDING: set[str] = set()  # every series the dashboard and alerts name is exported


def dashboard_expressions() -> list[str]:
    def panels(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [p for item in items for p in [item, *panels(item.get("panels", []))]]

    document = json.loads(DASHBOARD.read_text())
    return [target["expr"] for panel in panels(document["panels"])
            for target in panel.get("targets", [])]


def exported_names(exposition: str) -> set[str]:
    """Sample names and declared families (a labelled family with no child yet has no sample
    but is declared with # TYPE), each with the suffixes its type adds."""
    names = {line.split("{")[0].split(" ")[0] for line in exposition.splitlines()
             if line and not line.startswith("#")}
    for name, kind in re.findall(r"^# TYPE (\S+) (\S+)$", exposition, re.MULTILINE):
        names.add(name)
        if kind == "counter":
            names.add(name + "_total")
        if kind == "histogram":
            names.update(name + suffix for suffix in ("_bucket", "_sum", "_count"))
    return names


def test_dashboard_panels_cover_what_operators_need() -> None:
    expressions = " ".join(dashboard_expressions())
    for needed in ("hubspot_stream_events_total", "hubspot_stream_outcomes_total",
                   "hubspot_stream_hubspot_requests_total", "hubspot_stream_hubspot_429_total",
                   "hubspot_stream_hubspot_request_duration_seconds_bucket",
                   "hubspot_stream_budget_limit_calls_per_second",
                   "hubspot_stream_epochs_in_flight", "hubspot_stream_hubspot_calls_in_flight",
                   "hubspot_stream_epoch_duration_seconds_bucket",
                   "hubspot_stream_consumer_lag_records",
                   "hubspot_stream_last_epoch_timestamp_seconds"):
        assert needed in expressions, needed


@pytest.mark.integration
def test_every_dashboard_and_alert_series_is_exported_by_a_running_worker(
        deployment: Deployment) -> None:
    worker = deployment.start_worker()
    reader = deployment.outcome_reader()
    events = [e for e in sample_events(5) if e["type"] != "page"]
    produce_events(KafkaSettings(bootstrap_servers=deployment.bootstrap),
                   deployment.input_topic, events)
    reader.wait_for(len(events), timeout_seconds=180)
    port = next(line for line in worker.lines if line.startswith("worker destination="))
    url = re.sub(r".*web=(\S+).*", r"\1", port) + "/metrics"
    expressions = dashboard_expressions() + [rule["expr"] for rule in alerts().values()]
    used = {name for expr in expressions for name in SERIES.findall(expr)}
    assert all(SERIES.search(expr) for expr in expressions)
    missing: list[str] = []
    for _ in range(10):  # gauges refreshed on a timer (lag: every 5 s) appear within seconds
        with urllib.request.urlopen(url, timeout=10) as answer:
            exported = exported_names(answer.read().decode())
        missing = sorted(used - exported - PENDING)
        if not missing:
            break
        time.sleep(1.5)
    assert not missing, f"not exported by the worker: {missing}"
