"""`make run`'s demo: outcomes flow within a minute, and stopping leaves nothing behind."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import uuid
from pathlib import Path

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


def processes_marked(marker: str, redis_address: str) -> list[str]:
    """Command lines of the live processes whose environment holds `marker` (inherited by every
    child the demo starts), or, for redis-server (its process title overwrites the environment
    block), whose title names the address the demo announced."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if not proc.name.isdigit():
                continue
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            if marker.encode() in (proc / "environ").read_bytes() or (
                    "redis-server" in title and redis_address in title):
                found.append(title)
        except OSError:
            continue
    return found


def test_the_demo_shows_outcomes_flowing_and_stops_everything_it_started() -> None:
    run_id = uuid.uuid4().hex
    marker = f"DEMO_TEST_RUN={run_id}"
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(("KAFKA_", "HUBSPOT_STREAM_"))}
    demo = subprocess.Popen(
        [sys.executable, "-m", "stream.cli", "demo", "--users", "60", "--rounds", "1",
         "--duration-seconds", "45"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**env, "DEMO_TEST_RUN": run_id})
    assert demo.stdout is not None
    head: list[str] = []
    for line in demo.stdout:
        head.append(line)
        if line.startswith("producing sample events"):
            break
    redis = re.search(r"redis://(127\.0\.0\.1:\d+)", "".join(head))
    assert redis is not None, head
    running = processes_marked(marker, redis.group(1))
    rest, _ = demo.communicate(timeout=240)
    output = "".join(head) + rest
    assert demo.returncode == 0, output[-3000:]
    assert len(running) == 5, running  # the demo, java, redis-server, emulator, worker
    assert "outcome: {\"status\": \"delivered\"" in output
    summary = output.split("summary:")[1]
    assert "delivered=180" in summary, output[-2000:]
    assert "429s: 0" in summary
    ports = [int(port) for port in ADDRESSES.findall(output)]
    assert len(ports) == 4, output[:2000]
    assert [port for port in ports if listening(port)] == []
    assert processes_marked(marker, redis.group(1)) == []
