"""`replay` reports progress on stderr while it scans the failures topic."""

from __future__ import annotations

from collections.abc import Callable

import orjson
import pytest

from tests.fixtures.kafka import produce
from tests.fixtures.process import ChildProcess

pytestmark = pytest.mark.integration


def failure(index: int, mapping: str) -> bytes:
    return orjson.dumps({"schema": "hubspot-stream.outcome/1", "status": "failed",
                         "destination": "acme", "mapping": mapping, "message_id": f"m{index}",
                         "error": {"reason": "validation"}, "attempts": 1,
                         "completed_at": "2026-11-27T10:00:00.000+00:00",
                         "event": {"type": "identify", "userId": f"u{index}"}})


def test_a_scan_prints_progress_and_the_total(kafka_config: dict[str, str],
                                              new_topic: Callable[..., str]) -> None:
    topic = new_topic("failures", partitions=2)
    produce(kafka_config, topic, [(f"u{i}".encode(), failure(i, "a" if i % 2 else "b"))
                                  for i in range(10)])
    replay = ChildProcess(["replay", "--dry-run", "--mapping", "a", "--progress-every", "4"],
                          env={"KAFKA_BOOTSTRAP_SERVERS": kafka_config["bootstrap.servers"],
                               "HUBSPOT_STREAM_FAILURES_TOPIC": topic}, name="replay")
    assert replay.process.wait(60) == 0, replay.lines
    replay.stop()
    counts = [int(line.split()[1]) for line in replay.matching("scanned ")]
    assert [n for n in counts if n % 4 == 0][:2] == [4, 8], replay.lines  # (+ every 5 s)
    assert replay.lines[-1] == "would replay 5 events"
