"""Dependency faults: the Kafka broker restarts, Redis dies and comes back empty."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stream.localdev.kafka import Broker, restart_broker
from stream.localdev.redis import RedisServer
from tests.faults.harness import Variant, fault_run, variants
from tests.fixtures.process import ChildProcess

pytestmark = pytest.mark.integration
ERROR_LINES_PER_OUTAGE = 50  # one line per state change, repeats rate-limited (issue 10)


def error_lines(worker: ChildProcess) -> int:
    return sum(" ERROR " in line or "[ERROR]" in line for line in list(worker.lines))


@pytest.mark.parametrize("variant", variants(0, 0))
def test_broker_restart_on_the_same_port_and_data_dir(
        variant: Variant, own_broker: Broker, redis_url: str, tmp_path: Path) -> None:
    with fault_run("broker restart", own_broker.bootstrap, redis_url, tmp_path,
                   variant.users) as run:
        worker = run.stream_until(0.3, waves=variant.waves)
        errors_before = error_lines(worker)
        restart_broker(own_broker)
        ended = time.monotonic()
        report = run.finish(ended, variant.timeout_seconds)
        report.notes["error_lines_during_outage"] = error_lines(worker) - errors_before
        report.assert_promise()
        assert report.notes["error_lines_during_outage"] <= ERROR_LINES_PER_OUTAGE, (
            report.summary())


@pytest.mark.parametrize("variant", variants(10, 30))
def test_redis_killed_and_restarted_empty_with_two_workers(
        variant: Variant, kafka_bootstrap: str, own_redis: RedisServer, tmp_path: Path) -> None:
    with fault_run("Redis killed, restarted empty", kafka_bootstrap, own_redis.url, tmp_path,
                   variant.users) as run:
        run.start_worker("b")
        run.stream_until(0.5, "a")
        own_redis.stop(kill=True)
        run.produce_waves(variant.waves - 1)
        time.sleep(variant.fault_seconds)
        own_redis.start()
        ended = time.monotonic()
        run.finish(ended, variant.timeout_seconds).assert_promise()
