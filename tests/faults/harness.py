"""One fault scenario's stack: a destination with workers as subprocesses, its events, its
expectation, and the checks run at the end."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Coroutine, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from confluent_kafka import Producer

from tests.faults.checks import Report, Source, await_recovery, stale_writes, state_differences
from tests.faults.events import MAPPING_OF, Expectation, wave
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.pipeline import Deployment, OutcomeReader, open_deployment
from tests.fixtures.process import REPO_ROOT, ChildProcess

CONFIG = REPO_ROOT / "tests" / "data" / "faults" / "destination.yaml"
SHUTDOWN_TIMEOUT_SECONDS = 10.0
T = TypeVar("T")


def on_emulator(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one admin call of the (subprocess) emulator from synchronous test code."""
    return asyncio.run(coroutine)


@dataclass
class FaultRun:
    """A scenario in progress: produce waves, start and fault workers, then `finish`."""

    deployment: Deployment
    reader: OutcomeReader
    report: Report
    users: int
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:6])
    expected: Expectation = field(default_factory=Expectation)
    hostile: set[Source] = field(default_factory=set)
    waves: int = 0

    @property
    def emulator(self) -> EmulatorHandle:
        return self.deployment.emulator

    def start_worker(self, pod: str, static: bool = True) -> ChildProcess:
        """A worker as a pod would run it: its pod name is its stable group instance id, so a
        worker restarted under the same name gets its partitions back (static membership);
        `static=False` for a worker that leaves for good (a static member's partitions wait
        for the session timeout, 60 s, as it sends no LeaveGroup)."""
        instance = {"HUBSPOT_STREAM_CONSUMER_GROUP_INSTANCE_ID": f"{self.run_id}-{pod}"}
        return self.deployment.start_worker(pod, instance if static else {})

    def stream_until(self, share: float, pod: str = "steady", waves: int = 1) -> ChildProcess:
        """Start a worker, produce `waves` and wait for `share` of their outcomes: the fault
        then hits a worker busy mid-stream."""
        worker = self.start_worker(pod)
        self.produce_waves(waves)
        self.wait_for_outcomes(share)
        return worker

    def produce_waves(self, count: int = 1, kinds: tuple[str, ...] = tuple(MAPPING_OF)) -> None:
        """`count` more rounds of identify, group and track (or only `kinds`) for every user."""
        for _ in range(count):
            self.waves += 1
            events = wave(self.run_id, self.users, self.waves, kinds)
            self.produce([(e["userId"].encode(), orjson.dumps(e)) for e in events])
            self.expected.add(events)

    def produce(self, records: list[tuple[bytes | None, bytes | None]]) -> list[Source]:
        """Produce keyed records (murmur2, like faust); their (partition, offset)s."""
        producer = Producer({"bootstrap.servers": self.deployment.bootstrap, "linger.ms": 5,
                             "partitioner": "murmur2_random", "message.max.bytes": 2_000_000})
        sources: list[Source] = []
        errors: list[Any] = []

        def delivered(error: Any, message: Any) -> None:
            if error is not None:
                errors.append(error)
            else:
                sources.append((message.partition(), message.offset()))

        for key, value in records:
            producer.produce(self.deployment.input_topic, key=key, value=value,
                             on_delivery=delivered)
            producer.poll(0)
        assert producer.flush(60) == 0 and not errors, errors
        return sources

    def produce_hostile(self, records: list[tuple[bytes | None, bytes | None]]) -> None:
        """Records each of which must get exactly one (failure) outcome."""
        self.hostile.update(self.produce(records))

    @staticmethod
    def now() -> datetime:
        return datetime.now(UTC)

    def outcomes_so_far(self) -> int:
        self.reader.poll(0.2)
        return len({(r["message_id"], r["mapping"]) for r in self.reader.records}
                   & self.expected.pairs)

    def wait_for_outcomes(self, share: float, timeout_seconds: float = 90) -> None:
        """Until `share` of the expected outcomes arrived (a fault then hits mid-stream)."""
        wanted = int(len(self.expected.pairs) * share)
        deadline = time.monotonic() + timeout_seconds
        while self.outcomes_so_far() < wanted:
            assert time.monotonic() < deadline, f"fewer than {wanted} outcomes in time"

    def finish(self, fault_ended: float, timeout_seconds: float = 90) -> Report:
        """Wait for every outcome, then measure all the figures of the report."""
        await_recovery(self.report, self.expected, self.hostile, self.reader, fault_ended,
                       timeout_seconds)
        view = on_emulator(hubspot_view(self.emulator))
        self.report.state_differences = state_differences(self.expected, view)
        self.report.stale_writes = stale_writes(view)
        return self.report


async def hubspot_view(emulator: EmulatorHandle) -> dict[str, Any]:
    """Contacts, companies, their associations and the whole request log."""
    requests: list[dict[str, Any]] = []
    while page := await emulator.requests(after_seq=requests[-1]["seq"] if requests else 0):
        requests += page
    return {"contacts": await emulator.objects("contacts"),
            "companies": await emulator.objects("companies"),
            "associations": await emulator.associations("contacts", "companies"),
            "requests": requests}


async def prepare_emulator(emulator: EmulatorHandle) -> None:
    """Keep written values in the request log; the contact property of the counter trait."""
    await emulator.settings(log_written_properties=True)
    body = {"name": "segment_seq", "label": "Segment seq", "type": "number",
            "fieldType": "number", "groupName": "contactinformation"}
    response = await emulator.call("POST", "/crm/v3/properties/contacts", json=body)
    assert response.status == 201, response.body


@contextmanager
def fault_run(scenario: str, bootstrap: str, redis_url: str | None, data_root: Path,
              users: int = 30, env: Mapping[str, str] | None = None) -> Iterator[FaultRun]:
    """A fresh destination on `bootstrap` (Redis when `redis_url`), workers stopped at the end."""
    settings = {"HUBSPOT_STREAM_SHUTDOWN_TIMEOUT_SECONDS": str(SHUTDOWN_TIMEOUT_SECONDS),
                **(env or {})}
    with open_deployment(bootstrap, redis_url, data_root, CONFIG, settings) as deployment:
        deployment.stop_timeout_seconds = SHUTDOWN_TIMEOUT_SECONDS + 5
        on_emulator(prepare_emulator(deployment.emulator))
        yield FaultRun(deployment, deployment.outcome_reader(), Report(scenario), users)


@dataclass(frozen=True)
class Variant:
    """How big a scenario runs: `short` in `make test`, `soak` in `make soak`."""

    users: int
    waves: int
    fault_seconds: float
    timeout_seconds: float


def variants(short_fault_seconds: float, soak_fault_seconds: float,
             short_timeout_seconds: float = 45) -> list[Any]:
    """The short and the soak variant of a scenario, as pytest parameters."""
    import pytest

    return [pytest.param(Variant(30, 2, short_fault_seconds, short_timeout_seconds),
                         id="short"),
            pytest.param(Variant(300, 4, soak_fault_seconds, 300), id="soak",
                         marks=pytest.mark.soak)]
