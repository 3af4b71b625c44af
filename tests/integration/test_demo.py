"""`make run`'s demo: outcomes flow within a minute, and stopping leaves nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.fixtures.process import REPO_ROOT

pytestmark = pytest.mark.integration
CHILDREN = ("kafka.Kafka", "stream.cli emulator", "stream.cli worker", "redis-server")


def running_children() -> dict[str, int]:
    table = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True,
                           check=True).stdout
    return {name: table.count(name) for name in CHILDREN}


def test_the_demo_shows_outcomes_flowing_and_stops_everything_it_started() -> None:
    before = running_children()
    done = subprocess.run(
        [sys.executable, "-m", "stream.cli", "demo", "--users", "60", "--duration-seconds", "45"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, check=False,
        env={name: value for name, value in os.environ.items()
             if not name.startswith(("KAFKA_", "HUBSPOT_STREAM_"))})
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "outcome: {\"status\": \"delivered\"" in done.stdout
    summary = done.stdout.split("summary:")[1]
    assert "delivered=180" in summary, done.stdout[-2000:]
    assert "429s: 0" in summary
    assert running_children() == before
