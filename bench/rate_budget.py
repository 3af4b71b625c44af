"""Rate-budget proof: N worker processes call the emulator as fast as they can through the
client, sharing one budget (Redis) or, with one process, the in-process budget.

Starts the emulator (and redis-server for --backend redis) as children unless URLs are given;
stops by itself after --seconds. Prints one JSON object: calls, 429s, and the emulator's largest
number of CRM calls in any rolling 10 s window (the proof of no overrun).

    .venv/bin/python bench/rate_budget.py --processes 3 --backend redis --seconds 60
    .venv/bin/python bench/rate_budget.py --processes 1 --backend local --seconds 60
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from prometheus_client import CollectorRegistry  # noqa: E402

from stream.errors import RetryableError  # noqa: E402
from stream.hubspot.auth import PrivateAppToken  # noqa: E402
from stream.hubspot.budget import LocalBudget, plan_limits  # noqa: E402
from stream.hubspot.client import HubSpotClient  # noqa: E402
from stream.hubspot.redis_budget import RedisBudget  # noqa: E402
from stream.localdev.redis import local_redis  # noqa: E402
from stream.metrics.catalog import ClientMetrics  # noqa: E402

PLAN_BURST = {"starter": 100, "professional": 190, "enterprise": 190, "api_add_on": 250}
TOKEN = "pat-na1-bench"


async def hammer(args: argparse.Namespace) -> dict[str, int]:
    """One worker: `--concurrency` tasks calling batch upsert until the time is up."""
    limits = plan_limits(PLAN_BURST[args.plan], 5)
    if args.backend == "redis":
        import redis.asyncio

        budget: LocalBudget = RedisBudget(redis.asyncio.Redis.from_url(args.redis_url),
                                          "bench", limits)
    else:
        budget = LocalBudget(limits)
    counts = {"calls": 0, "ok": 0, "status_429": 0, "gave_up": 0}
    deadline = time.monotonic() + args.seconds
    registry = CollectorRegistry()
    async with HubSpotClient(args.base_url, PrivateAppToken(TOKEN), budget,
                             ClientMetrics(registry)) as client:
        async def loop(task: int) -> None:
            n = 0
            while time.monotonic() < deadline:
                n += 1
                body = {"inputs": [{"idProperty": "email", "id": f"w{os.getpid()}-{task}-{n}@x.io",
                                    "properties": {"firstname": "B"}}]}
                try:
                    response = await client.request(
                        "POST", "/crm/v3/objects/contacts/batch/upsert", json=body)
                except RetryableError:
                    counts["gave_up"] += 1
                    continue
                counts["calls"] += 1
                counts["ok"] += response.ok

        await asyncio.gather(*(loop(i) for i in range(args.concurrency)))
    counts["status_429"] = int(sum(
        sample.value for metric in registry.collect() for sample in metric.samples
        if sample.name == "hubspot_stream_hubspot_429_total"))
    return counts


def http(method: str, url: str, body: Any = None) -> Any:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read() or b"null")


def start_emulator(stack: ExitStack, plan: str) -> str:
    process = subprocess.Popen(
        [sys.executable, "-m", "stream.cli", "emulator", "--port", "0", "--plan", plan,
         "--token", TOKEN], cwd=REPO, stdout=subprocess.PIPE, text=True,
        start_new_session=True)
    stack.callback(lambda: (os.killpg(process.pid, signal.SIGTERM), process.wait(30)))
    assert process.stdout is not None
    return process.stdout.readline().strip().split("=", 1)[1]


def orchestrate(args: argparse.Namespace) -> dict[str, Any]:
    with ExitStack() as stack:
        base_url = args.base_url or start_emulator(stack, args.plan)
        if args.other_app_share:
            http("POST", f"{base_url}/_emulator/other-app", {"share": args.other_app_share})
        redis_url = args.redis_url
        if args.backend == "redis" and not redis_url:
            redis_url = stack.enter_context(local_redis())
        command = [sys.executable, __file__, "--worker", "--base-url", base_url, "--plan",
                   args.plan, "--backend", args.backend, "--seconds", str(args.seconds),
                   "--concurrency", str(args.concurrency), "--redis-url", redis_url or ""]
        workers = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
                   for _ in range(args.processes)]
        results = [json.loads(worker.communicate(timeout=args.seconds + 120)[0])
                   for worker in workers]
        stats = http("GET", f"{base_url}/_emulator/stats")
    limit = PLAN_BURST[args.plan]
    peak = stats["max_rolling_10s"]["crm"]["max"]
    return {"processes": args.processes, "backend": args.backend, "plan": args.plan,
            "seconds": args.seconds, "other_app_share": args.other_app_share,
            "calls": sum(r["calls"] for r in results),
            "client_429s": sum(r["status_429"] for r in results),
            "emulator_429s": stats["by_status"].get("429", 0),
            "max_rolling_10s_crm": peak, "limit_per_10s": limit,
            "budget_used": round(peak / limit, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--backend", choices=("local", "redis"), default="local")
    parser.add_argument("--plan", default="starter", choices=sorted(PLAN_BURST))
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--other-app-share", type=float, default=0.0)
    parser.add_argument("--base-url", default="")
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(asyncio.run(hammer(args))))
        return 0
    print(json.dumps(orchestrate(args), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
