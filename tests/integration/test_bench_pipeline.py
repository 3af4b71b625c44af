"""Smoke run of bench/pipeline_throughput.py: one short scenario and the naive baseline."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.fixtures.process import REPO_ROOT

pytestmark = pytest.mark.integration


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "pipeline_throughput", REPO_ROOT / "bench" / "pipeline_throughput.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def check_common(record: dict[str, object], scenario: str) -> None:
    assert record["scenario"] == scenario
    assert f"--scenario {scenario}" in str(record["command"])
    assert record["ceiling_records_per_s"] == 1000.0  # starter: 10 calls/s x 100 records
    rate = record["records_per_s"]
    # the ceiling is a 10 s average: a short window may burst above it, never above one full
    # rolling window of calls (100 calls of 100 records) within the run
    assert isinstance(rate, float) and 0 < rate <= 10_000
    assert record["ratio_to_ceiling"] == round(rate / 1000.0, 3)
    assert record["http_429"] == 0
    p50, p99 = record["latency_p50_s"], record["latency_p99_s"]
    assert isinstance(p50, float) and isinstance(p99, float) and 0 <= p50 <= p99 < 120
    cpu = record["worker_cpu_s_per_10k_events"]
    assert isinstance(cpu, float) and cpu > 0


def test_contacts_scenario_writes_every_key_with_sane_values(kafka_bootstrap: str,
                                                             tmp_path: Path) -> None:
    bench = load_bench()
    result = bench.run_scenario(kafka_bootstrap, "contacts-starter-lat0", 4)
    record = json.loads(bench.save(result, tmp_path).read_text())
    assert tuple(record) == bench.KEYS
    check_common(record, "contacts-starter-lat0")
    assert result["detail"]["drained"] and result["detail"]["statuses"] == {
        "delivered": result["detail"]["outcomes_read"]}
    assert 0 < record["calls_per_record"] < 0.2  # batches, not one call per contact
    assert 0 < record["max_rolling_10s"] <= 100  # starter's limit (and no 429 above)
    assert 30 < record["peak_rss_mb"] < 1000


def test_naive_baseline_makes_one_call_per_record(tmp_path: Path) -> None:
    bench = load_bench()
    result = bench.run_scenario("unused", "naive-starter-uniform", 3)
    record = json.loads(bench.save(result, tmp_path).read_text())
    assert tuple(record) == bench.KEYS
    check_common(record, "naive-starter-uniform")
    assert record["calls_per_record"] == 1.0
    assert result["detail"]["outcomes_read"] > 0
    assert 0 < record["max_rolling_10s"] <= 100  # paced by the budget: starter's 100 / 10 s
    assert record["peak_rss_mb"] is None
