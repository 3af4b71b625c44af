"""Worker faults: kill -9 mid-epoch, SIGTERM (also while a lane is paused), rebalances."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.faults import injectors
from tests.faults.harness import SHUTDOWN_TIMEOUT_SECONDS, Variant, fault_run, variants

pytestmark = pytest.mark.integration
COMMIT_SECONDS = 3.0  # the workers commit offsets every second


@pytest.mark.parametrize("variant", variants(0, 0))
def test_kill_9_mid_epoch_with_redis(variant: Variant, kafka_bootstrap: str, redis_url: str,
                                     tmp_path: Path) -> None:
    with fault_run("kill -9 with Redis", kafka_bootstrap, redis_url, tmp_path,
                   variant.users) as run:
        worker = run.stream_until(0.3, "doomed", variant.waves)
        ended, acked = injectors.kill_worker(run, worker)
        run.start_worker("doomed")
        run.finish(ended, variant.timeout_seconds).assert_promise(acked_at_kill=acked)


@pytest.mark.parametrize("variant", variants(0, 0))
def test_kill_9_mid_epoch_without_redis(variant: Variant, kafka_bootstrap: str,
                                        tmp_path: Path) -> None:
    with fault_run("kill -9 without Redis", kafka_bootstrap, None, tmp_path,
                   variant.users) as run:
        worker = run.stream_until(1.0, "doomed")
        time.sleep(COMMIT_SECONDS)  # the identifies are committed: a restart will not replay them
        run.produce_waves(variant.waves - 1, kinds=("track",))
        run.wait_for_outcomes(0.8)
        ended, acked = injectors.kill_worker(run, worker)
        run.start_worker("doomed")
        run.produce_waves(1, kinds=("group",))  # later group calls, no new identify
        run.finish(ended, variant.timeout_seconds).assert_promise(acked_at_kill=acked)


@pytest.mark.parametrize("paused", [False, True], ids=["running", "paused"])
@pytest.mark.parametrize("variant", variants(5, 30))
def test_sigterm_exits_within_the_shutdown_timeout_and_the_restart_loses_nothing(
        paused: bool, variant: Variant, kafka_bootstrap: str, redis_url: str,
        tmp_path: Path) -> None:
    """SIGTERM mid-stream, or while the lanes are paused by a HubSpot outage (503): exit 0
    within HUBSPOT_STREAM_SHUTDOWN_TIMEOUT_SECONDS; the restarted pod finishes the work."""
    with fault_run(f"SIGTERM {'while paused' if paused else 'mid-stream'}", kafka_bootstrap,
                   redis_url, tmp_path, variant.users) as run:
        worker = run.stream_until(0.3, "pod", 1 if paused else variant.waves)
        if paused:
            injectors.script_every_call(run.emulator, status=503)
            run.produce_waves(variant.waves - 1)
            injectors.wait_for_status(run.emulator, 503)
            time.sleep(variant.fault_seconds)
        exit_seconds = injectors.terminate_worker(run, worker)
        ended = injectors.clear(run.emulator)
        run.start_worker("pod")
        run.finish(ended, variant.timeout_seconds).assert_promise()
        assert exit_seconds is not None and exit_seconds <= SHUTDOWN_TIMEOUT_SECONDS, (
            run.report.notes)
        assert run.report.notes["sigterm_exit_code"] == 0


@pytest.mark.parametrize("variant", variants(40, 120))
def test_a_worker_joining_and_leaving_every_10_seconds(
        variant: Variant, kafka_bootstrap: str, redis_url: str, tmp_path: Path) -> None:
    with fault_run("rebalance churn", kafka_bootstrap, redis_url, tmp_path,
                   variant.users) as run:
        run.start_worker("steady")
        ended = injectors.churn(run, variant.fault_seconds, period_seconds=10)
        run.finish(ended, variant.timeout_seconds).assert_promise()
