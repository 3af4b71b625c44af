"""Batch-upsert calls (100 contacts each) the HubSpot emulator serves per second on one core.

Starts `hubspot-stream emulator --plan unlimited --port 0` as a child process (pinned to one CPU
with `taskset` when available), drives it over real HTTP on 127.0.0.1 from this process for a
bounded time, then stops it and prints one JSON line:

    .venv/bin/python bench/emulator_throughput.py [--seconds 10] [--concurrency 16]
        [--new-share 0.5] [--cpu 0]

`calls_per_second` is wall-clock throughput; `calls_per_emulator_cpu_second` divides by the CPU
time the emulator process used, which is the one-core figure even when the load generator
shares the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import orjson

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "pat-na1-bench"
UPSERT = "/crm/v3/objects/contacts/batch/upsert"
BATCH = 100


def _bodies(count: int, new_share: float) -> list[bytes]:
    """Pre-encoded upsert bodies; a share of each batch is new contacts, the rest repeats."""
    bodies = []
    fresh = 0
    for index in range(count):
        inputs = []
        for slot in range(BATCH):
            if slot < BATCH * new_share:
                fresh += 1
                email = f"new{fresh}@example.com"
            else:
                email = f"known{(index * 7 + slot) % 5000}@example.com"
            inputs.append({"id": email, "idProperty": "email", "objectWriteTraceId": str(slot),
                           "properties": {"firstname": f"F{slot}", "lastname": f"L{index}",
                                          "lifecyclestage": "lead", "phone": "+4930123456"}})
        bodies.append(orjson.dumps({"inputs": inputs}))
    return bodies


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _start(cpu: int | None) -> tuple[subprocess.Popen[str], str]:
    command = [sys.executable, "-m", "stream.cli", "emulator", "--plan", "unlimited",
               "--port", "0", "--token", TOKEN]
    if cpu is not None and shutil.which("taskset"):
        command = ["taskset", "-c", str(cpu), *command]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if not line.startswith("listening="):
        child.kill()
        raise SystemExit(f"emulator did not start: {line!r}")
    return child, line.split("=", 1)[1]


async def _drive(base_url: str, bodies: list[bytes], seconds: float,
                 concurrency: int) -> tuple[list[float], Counter[int]]:
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(base_url, connector=connector, headers=headers) as session:
        async def worker(offset: int) -> None:
            index = offset
            while time.monotonic() < deadline:
                started = time.perf_counter()
                async with session.post(UPSERT, data=bodies[index % len(bodies)]) as response:
                    await response.read()
                    statuses[response.status] += 1
                latencies.append(time.perf_counter() - started)
                index += concurrency
        await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return latencies, statuses


def main() -> int:
    """Run the benchmark and print its JSON result line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--new-share", type=float, default=0.5)
    parser.add_argument("--cpu", type=int, default=0, help="CPU to pin the emulator to")
    args = parser.parse_args()
    bodies = _bodies(400, args.new_share)
    child, base_url = _start(args.cpu)
    try:
        cpu_before = _cpu_seconds(child.pid)
        started = time.monotonic()
        latencies, statuses = asyncio.run(_drive(base_url, bodies, args.seconds,
                                                 args.concurrency))
        elapsed = time.monotonic() - started
        cpu_used = _cpu_seconds(child.pid) - cpu_before
    finally:
        child.terminate()
        child.wait(30)
    calls = len(latencies)
    quantiles = statistics.quantiles(latencies, n=100) if calls > 1 else [0.0] * 99
    result: dict[str, Any] = {
        "calls": calls, "seconds": round(elapsed, 2), "records_per_call": BATCH,
        "calls_per_second": round(calls / elapsed, 1),
        "records_per_second": round(calls * BATCH / elapsed),
        "emulator_cpu_seconds": round(cpu_used, 2),
        "calls_per_emulator_cpu_second": round(calls / cpu_used, 1) if cpu_used else None,
        "p50_ms": round(quantiles[49] * 1000, 2), "p99_ms": round(quantiles[98] * 1000, 2),
        "statuses": {str(k): v for k, v in statuses.items()},
        "concurrency": args.concurrency, "new_share": args.new_share}
    print(orjson.dumps(result).decode())
    return 0 if set(statuses) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
