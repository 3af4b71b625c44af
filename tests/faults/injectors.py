"""Fault injectors: process signals, dependency outages, HubSpot misbehaviour, hostile input.

Each returns (or leaves) the monotonic time the fault ended, from which recovery is measured.
"""

from __future__ import annotations

import signal
import subprocess
import time
import uuid

import orjson
from confluent_kafka import Consumer, TopicPartition

from tests.faults.harness import SHUTDOWN_TIMEOUT_SECONDS, FaultRun, on_emulator
from tests.fixtures.emulator import EmulatorHandle
from tests.fixtures.process import ChildProcess

API_PREFIXES = ("/crm/", "/events/")
FOREVER = 10**9
# orjson encodes at most 254 nested objects, parsing accepts 1,024: 255 levels is the poison
# record of issue 10; 300 is past every encoder of the pipeline.
DEEP_NESTING = (255, 300)


def kill_worker(run: FaultRun, worker: ChildProcess) -> tuple[float, dict[int, int]]:
    """SIGKILL, as a crash or an OOM kill would; returns when the fault ended and the input's
    committed offset per partition at that moment (what the dead worker had acked)."""
    run.deployment.retire(worker, signal.SIGKILL)
    return time.monotonic(), committed_offsets(run, worker)


def committed_offsets(run: FaultRun, worker: ChildProcess) -> dict[int, int]:
    """The input topic's committed offsets of the worker's consumer group (0: none yet)."""
    group = next(line for line in worker.lines if line.startswith("worker destination="))
    group = group.split(" app=", 1)[1].split()[0]
    topic = run.deployment.input_topic
    consumer = Consumer({"bootstrap.servers": run.deployment.bootstrap, "group.id": group,
                         "enable.auto.commit": False})
    try:
        partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
        committed = consumer.committed([TopicPartition(topic, p) for p in partitions],
                                       timeout=10)
    finally:
        consumer.close()
    return {tp.partition: max(tp.offset, 0) for tp in committed}


def terminate_worker(run: FaultRun, worker: ChildProcess) -> float | None:
    """SIGTERM and wait a little longer than the configured shutdown timeout: the seconds it
    took to exit, or None when it had to be killed. The exit code is kept in the notes."""
    started = time.monotonic()
    worker.process.send_signal(signal.SIGTERM)
    try:
        code = worker.process.wait(SHUTDOWN_TIMEOUT_SECONDS + 5)
    except subprocess.TimeoutExpired:
        run.deployment.retire(worker, signal.SIGKILL)
        run.report.notes["sigterm_exit"] = "killed after the grace period"
        return None
    exit_seconds = time.monotonic() - started
    run.deployment.retire(worker)  # already exited: keeps its output
    run.report.notes.update(sigterm_exit_code=code, sigterm_exit_seconds=round(exit_seconds, 1))
    return exit_seconds


def script_every_call(emulator: EmulatorHandle, **answer: object) -> None:
    """Every HubSpot API call (CRM and events) answers `answer` until `clear`."""
    on_emulator(emulator.set_faults(script=[
        {"path_prefix": prefix, "times": FOREVER, **answer} for prefix in API_PREFIXES]))


def clear(emulator: EmulatorHandle) -> float:
    on_emulator(emulator.clear_faults())
    return time.monotonic()


def hubspot_window(emulator: EmulatorHandle, seconds: float, **answer: object) -> float:
    """HubSpot answers `answer` (a status, a 429 policy) to every call for `seconds`."""
    script_every_call(emulator, **answer)
    time.sleep(seconds)
    return clear(emulator)


def token_death(emulator: EmulatorHandle, seconds: float) -> float:
    """The private-app token is revoked (401) for `seconds`, then accepted again."""
    on_emulator(emulator.revoke_token(emulator.token))
    time.sleep(seconds)
    on_emulator(emulator.add_token(emulator.token, app="private-1"))
    return time.monotonic()


def exhaust_daily_budget(emulator: EmulatorHandle) -> None:
    """Another app of the portal used what was left of today's calls: DAILY 429s follow."""
    daily = on_emulator(emulator.stats())["daily"]
    on_emulator(emulator.other_app(daily_calls=int(daily["remaining"])))


def wait_for_status(emulator: EmulatorHandle, status: int, timeout_seconds: float = 30) -> None:
    """Until the worker hit the fault at least once (so it is in its fault state)."""
    deadline = time.monotonic() + timeout_seconds
    while time.monotonic() < deadline:
        if str(status) in on_emulator(emulator.stats())["by_status"]:
            return
        time.sleep(0.3)
    raise AssertionError(f"no call was answered {status} within {timeout_seconds} s")


def churn(run: FaultRun, seconds: float, period_seconds: float) -> float:
    """A second worker joins, then leaves (SIGTERM), every `period_seconds` for `seconds`,
    while a new wave of events arrives each period. Guests are dynamic members: they leave
    the group when they stop."""
    end = time.monotonic() + seconds
    guest: ChildProcess | None = None
    turn = 0
    while time.monotonic() < end:
        turn += 1
        run.produce_waves()
        if guest is None:
            guest = run.start_worker(f"guest-{turn}", static=False)
        else:
            run.deployment.retire(guest)
            guest = None
        time.sleep(max(0.0, min(period_seconds, end - time.monotonic())))
    return time.monotonic()


def hostile_records(run_id: str) -> list[tuple[bytes | None, bytes | None]]:
    """Invalid records: deep nesting, 1 MB, non-UTF-8, wrong types, a tombstone."""
    big = orjson.dumps({"type": "identify", "messageId": str(uuid.uuid4()),
                        "userId": f"{run_id}-big", "traits": {
                            "email": f"{run_id}-big@example.com", "bio": "x" * 990_000}})
    return [
        *[(f"{run_id}-deep-{depth}".encode(), _deep_identify(run_id, depth))
          for depth in DEEP_NESTING],
        (f"{run_id}-big".encode(), big),
        (f"{run_id}-cut".encode(), big[:-10]),  # 1 MB cut mid-string: not JSON
        (f"{run_id}-bin".encode(), b'{"type":"identify","userId":"bin","traits":{"email":"'
         + b'\xff\xfe\xfa@example.com"}}'),
        (f"{run_id}-types".encode(), orjson.dumps({"type": "identify", "userId": 42,
                                                   "traits": [1, 2, 3]})),
        (f"{run_id}-types2".encode(), orjson.dumps({"type": 7, "messageId": 8})),
        (f"{run_id}-tomb".encode(), None),
    ]


HUGE_KEY = b"k" * 100_000  # a valid event under a 100 KB Kafka key must still be delivered


def _deep_identify(run_id: str, depth: int) -> bytes:
    """A valid identify (under 2 KB) whose objects nest `depth` levels deep in all."""
    user = f"{run_id}-deep-{depth}"
    head = orjson.dumps({"type": "identify", "messageId": str(uuid.uuid4()), "userId": user,
                         "traits": {"email": f"{user}@example.com"}})
    nested = b'{"n":' * (depth - 2) + b'"deep"' + b"}" * (depth - 2)
    return head[:-2] + b',"nested":' + nested + b"}}"  # top level, traits, then the rest
