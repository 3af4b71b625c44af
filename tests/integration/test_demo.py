"""`make run`'s demo: outcomes flow within a minute, and stopping leaves nothing behind."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from tests.fixtures.process import REPO_ROOT

pytestmark = pytest.mark.integration
# what the demo announces: broker, Redis, emulator and the worker's web port
ADDRESSES = re.compile(r"(?:Kafka broker at |redis://|emulator at http://|web=http://)"
                       r"127\.0\.0\.1:(\d+)")


def listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1.0)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_the_demo_shows_outcomes_flowing_and_stops_everything_it_started() -> None:
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
    ports = [int(port) for port in ADDRESSES.findall(done.stdout)]
    assert len(ports) == 4, done.stdout[:2000]
    assert [port for port in ports if listening(port)] == []
