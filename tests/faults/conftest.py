"""Fixtures of the fault suite: a Redis and a broker of the test's own, which it may kill."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream.localdev.kafka import Broker, local_broker
from stream.localdev.redis import RedisServer, redis_server


def required(what: str, present: bool) -> None:
    """Skip without it, but under CI a missing dependency fails (make test installs them)."""
    if not present:
        message = f"{what} is not installed (make test installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server only this test uses: it can be killed and started again empty."""
    required("redis-server", shutil.which("redis-server") is not None)
    with redis_server() as server:
        yield server


@pytest.fixture
def own_broker(tmp_path: Path, kafka_bootstrap: str) -> Iterator[Broker]:
    """A local broker only this test uses, so restarting it disturbs no other test (needs the
    local jars: `kafka_bootstrap` skips or fails first when there are none)."""
    with local_broker(tmp_path / "kafka") as broker:
        yield broker
