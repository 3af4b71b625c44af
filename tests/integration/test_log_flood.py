"""A broker outage does not flood the logs: a real worker subprocess loses its broker (stopped
for good) and writes a bounded number of JSON lines, each template at most three times."""

from __future__ import annotations

import os
import shutil
import time
import urllib.request
from collections import Counter
from pathlib import Path

import orjson
import pytest

from stream.localdev.kafka import free_port, libs_dir, local_broker, stop_broker
from stream.logs import REPEATS_SHOWN
from tests.fixtures.process import ChildProcess

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[2]
OUTAGE_SECONDS = 10
# Unfiltered, this outage wrote about 760 lines in 12 s (95,549 in a run with more partitions).
MAX_LINES = 200


def ready(port: str) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def start_worker(bootstrap: str, data_dir: Path) -> tuple[ChildProcess, str]:
    port = str(free_port())
    env = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "LOG_FORMAT": "json",
           "HUBSPOT_STREAM_CONFIG": str(REPO / "tests/data/pipeline/destination.yaml"),
           "PIPELINE_DESTINATION": "log-flood", "HUBSPOT_BASE_URL": "http://127.0.0.1:9",
           "HUBSPOT_HUB_ID": "1", "HUBSPOT_PRIVATE_APP_TOKEN": "pat-unused",
           "HUBSPOT_STREAM_DATA_DIR": str(data_dir), "HUBSPOT_STREAM_WEB_PORT": port,
           "HUBSPOT_STREAM_LANE_PARTITIONS": "4"}
    worker = ChildProcess(["worker", "--loglevel", "warning"], env=env, name="flood-worker")
    worker.wait_for_line("worker destination=", timeout_seconds=60)
    worker.wait_until(lambda: ready(port), timeout_seconds=90, what="the worker to be ready")
    return worker, port


def test_a_broker_outage_writes_a_bounded_number_of_log_lines(tmp_path: Path) -> None:
    if not (shutil.which("java") and any(libs_dir().glob("kafka_2.13-*.jar"))):
        message = "needs java and the Kafka jars (`make kafka-jars`) for a broker it can stop"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with local_broker(tmp_path / "kafka") as broker:
        worker, _ = start_worker(broker.bootstrap, tmp_path / "worker-data")
        try:
            before = len(worker.lines)
            stop_broker(broker)
            time.sleep(OUTAGE_SECONDS)
            during = worker.lines[before:]
        finally:
            worker.kill()
    records = [orjson.loads(line) for line in during]
    assert all({"time", "level", "logger", "message"} <= set(r) for r in records)
    assert any(r["logger"].startswith("aiokafka") and r["level"] == "ERROR" for r in records), (
        "the outage was not noticed at all")
    assert len(records) < MAX_LINES
    per_template = Counter((r["logger"], r["message"].split(":")[0]) for r in records)
    assert max(per_template.values()) <= REPEATS_SHOWN + 1, per_template
