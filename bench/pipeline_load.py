"""Load for bench/pipeline_throughput.py: event mixes, timed producing, outcome reading, /proc.

Every produced event's produce time is kept by messageId so the outcome reader can report the
latency from produce to the outcome's `completed_at`.
"""

from __future__ import annotations

import itertools
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from confluent_kafka import Consumer, Producer

from stream.localdev.sample_events import user_events

# The realistic mix of issue 11: share of each event type; pages match no mapping.
MIX = {"track": 0.60, "identify": 0.25, "page": 0.10, "group": 0.05}
OUTCOME_TYPES = frozenset({"identify", "group", "track"})
OUTCOMES_PER_EVENT = {"contacts": 1.0, "realistic": 1.0 - MIX["page"]}
EVENTS_PER_USER = 8
RECENT_USERS = 1000
TEMPLATE_USERS = 200
ORDER = ("identify", "group", "track", "page")


def _templates(seed: int) -> list[list[dict[str, Any]]]:
    """The four events (identify, group, track, page) of TEMPLATE_USERS sample users."""
    rng, now = random.Random(seed), datetime.now(UTC)
    return [user_events(index, rng, now) for index in range(TEMPLATE_USERS)]


def _as_user(template: dict[str, Any], index: int) -> dict[str, Any]:
    """A copy of a template event for user number `index`, with a new messageId."""
    email = f"user{index}@example.com"
    event = {**template, "messageId": str(uuid.uuid4()), "userId": f"user-{index:07d}",
             "context": {**template["context"], "traits": {"email": email}}}
    if event["type"] == "identify":
        event["traits"] = {**template["traits"], "email": email}
    return event


def contact_events(seed: int = 7) -> Iterator[dict[str, Any]]:
    """Endless identify events, each of a new user."""
    templates = _templates(seed)
    for index in itertools.count():
        yield _as_user(templates[index % TEMPLATE_USERS][0], index)


def realistic_events(seed: int = 7) -> Iterator[dict[str, Any]]:
    """Endless events of the realistic mix: every EVENTS_PER_USER-th event is a new user's
    identify; the others go to one of the RECENT_USERS newest users, weighted so the whole
    stays at MIX."""
    rng, templates = random.Random(seed), _templates(seed)
    rest = {kind: share - (1 / EVENTS_PER_USER if kind == "identify" else 0)
            for kind, share in MIX.items()}
    kinds, weights = list(rest), list(rest.values())
    for index in itertools.count():
        users = index // EVENTS_PER_USER + 1
        user = users - 1
        kind = "identify"
        if index % EVENTS_PER_USER:
            user = rng.randrange(max(0, users - RECENT_USERS), users)
            kind = rng.choices(kinds, weights)[0]
        yield _as_user(templates[user % TEMPLATE_USERS][ORDER.index(kind)], user)


EVENT_MIXES: dict[str, Callable[[int], Iterator[dict[str, Any]]]] = {
    "contacts": contact_events, "realistic": realistic_events}


@dataclass
class Produced:
    """Produce times (unix seconds) by messageId."""

    at: dict[str, float] = field(default_factory=dict)
    outcomes_expected: int = 0
    started: float = 0.0
    finished: float = 0.0


def produce(config: dict[str, str], topic: str, events: Iterator[dict[str, Any]],
            produced: Produced, may_produce: Callable[[int], bool],
            rate_per_s: float | None = None) -> None:
    """Produce keyed by userId (murmur2, as faust partitions) while `may_produce(count)` says
    so: it returns False to stop and blocks while the backlog is full; optionally paced."""
    producer = Producer({**config, "partitioner": "murmur2_random", "linger.ms": 20})
    produced.started = time.time()
    for count, event in enumerate(events):
        if not may_produce(count):
            break
        if rate_per_s is not None:
            delay = produced.started + count / rate_per_s - time.time()
            if delay > 0:
                time.sleep(delay)
        key = event.get("userId") or event.get("anonymousId")
        produced.at[event["messageId"]] = time.time()
        produced.outcomes_expected += event["type"] in OUTCOME_TYPES
        producer.produce(topic, key=str(key).encode(), value=orjson.dumps(event))
        producer.poll(0)
    producer.flush(120)
    produced.finished = time.time()


class OutcomeReader:
    """Reads the outcome topics in a thread: completion time and latency of every outcome."""

    def __init__(self, bootstrap: str, topics: list[str], produced: Produced) -> None:
        self.produced = produced
        self.completed: list[float] = []
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self._stop = threading.Event()
        self._consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": uuid.uuid4().hex,
                                   "auto.offset.reset": "earliest"})
        self._consumer.subscribe(topics)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            for message in self._consumer.consume(1000, 0.2):
                if message.error() is None:
                    self._record(orjson.loads(message.value()))

    def _record(self, outcome: dict[str, Any]) -> None:
        done = datetime.fromisoformat(outcome["completed_at"]).timestamp()
        self.completed.append(done)
        self.statuses[outcome["status"]] = self.statuses.get(outcome["status"], 0) + 1
        sent = self.produced.at.get(outcome.get("message_id") or "")
        if sent is not None:
            self.latencies.append(max(0.0, done - sent))

    def wait_for(self, count: int, deadline: float) -> None:
        """Until `count` outcomes were read or the (monotonic) deadline passed."""
        while len(self.completed) < count and time.monotonic() < deadline:
            time.sleep(0.2)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(10)
        self._consumer.close()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_rss_mb(pid: int) -> float:
    """VmHWM (peak resident set) of a process from /proc/<pid>/status, in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(values: list[float], fraction: float) -> float | None:
    """The `fraction` quantile (nearest rank) of `values`, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]
