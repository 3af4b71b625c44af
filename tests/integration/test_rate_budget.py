"""One rate budget, honoured by every worker: processes hammer the emulator for 60 s."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.fixtures.process import REPO_ROOT

pytestmark = pytest.mark.integration


def run_bench(*args: str, redis_url: str = "") -> dict[str, float]:
    command = [sys.executable, str(REPO_ROOT / "bench" / "rate_budget.py"), "--seconds", "60",
               "--plan", "starter", "--redis-url", redis_url, *args]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, float] = json.loads(done.stdout)
    return result


def test_three_workers_sharing_one_redis_budget_never_overrun_and_use_it(
        redis_url: str) -> None:
    result = run_bench("--processes", "3", "--backend", "redis", redis_url=redis_url)
    assert result["emulator_429s"] == 0
    assert result["max_rolling_10s_crm"] <= 100
    assert result["budget_used"] >= 0.9


def test_one_worker_with_the_in_process_budget_never_overruns_and_uses_it() -> None:
    result = run_bench("--processes", "1", "--backend", "local")
    assert result["emulator_429s"] == 0
    assert result["max_rolling_10s_crm"] <= 100
    assert result["budget_used"] >= 0.9
