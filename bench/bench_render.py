"""Events per second on one core: parse + validate + integrations + triggers + render + payload
validation for config/examples/segment-defaults.yaml over a realistic Segment event mix.

    .venv/bin/python bench/bench_render.py [--events 200000] [--config FILE] [--build-payloads]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stream.actions.catalog import ACTIONS  # noqa: E402
from stream.events import InvalidEvent, is_enabled_for_destination, parse_event  # noqa: E402
from stream.mappings import load_destination, select_mappings  # noqa: E402

# Share of each kind in the input topic: identify / track dominate real Segment sources.
MIX = {"identify": 25, "track": 45, "page": 18, "group": 7, "screen": 3, "invalid": 2}
EVENTS = ["Order Completed", "Product Viewed", "Signed Up", "Feature Used", "Checkout Started"]


def make_event(kind: str, i: int, rng: random.Random) -> dict[str, Any]:
    """One synthetic event of `kind` shaped like analytics.js output (context, ids, timestamps)."""
    event: dict[str, Any] = {
        "type": "track" if kind == "invalid" else kind,  # invalid: a track without its name
        "messageId": f"ajs-{i:012d}",
        "userId": f"user-{rng.randrange(50_000)}",
        "anonymousId": f"anon-{rng.randrange(10**9)}",
        "timestamp": "2026-01-15T10:30:00.123Z",
        "sentAt": "2026-01-15T10:30:00.456Z",
        "receivedAt": "2026-01-15T10:30:01.002Z",
        "context": {
            "ip": "203.0.113.9",
            "library": {"name": "analytics.js", "version": "2.11.1"},
            "page": {"path": "/pricing", "url": "https://example.com/pricing"},
            "traits": {"email": f"user{i}@example.com"},
            "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
        },
        "integrations": {"All": True},
    }
    event.update(_specific_fields(kind, i, rng))
    return event


def _specific_fields(kind: str, i: int, rng: random.Random) -> dict[str, Any]:
    if kind == "identify":
        address = {
            "street": "12 St James's Sq",
            "city": "London",
            "country": "UK",
            "postalCode": "SW1Y 4JH",
        }
        return {
            "traits": {
                "email": f"user{i}@example.com",
                "first_name": "Ada",
                "lastName": "Lovelace",
                "phone": "+44 20 7946 0000",
                "company": "Analytical Engines",
                "website": "https://example.com",
                "address": address,
                "plan": rng.choice(["free", "pro", "enterprise"]),
            }
        }
    if kind == "group":
        traits = {
            "name": "Acme",
            "employees": str(rng.randrange(1, 5000)),
            "industry": "Software",
            "website": "acme.test",
        }
        return {"groupId": f"group-{rng.randrange(5_000)}", "traits": traits}
    if kind == "track":
        properties = {
            "order_id": f"o-{i}",
            "total": rng.random() * 200,
            "currency": "USD",
            "products": [{"sku": "A-1", "price": 10}],
        }
        return {"event": rng.choice(EVENTS), "properties": properties}
    if kind in ("page", "screen"):
        return {
            "name": "Pricing",
            "properties": {"title": "Pricing", "url": "https://example.com/pricing"},
        }
    return {}


def make_inputs(count: int, seed: int = 7) -> list[bytes]:
    """`count` encoded events drawn from MIX."""
    rng = random.Random(seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=count)
    return [orjson.dumps(make_event(kind, i, rng)) for i, kind in enumerate(kinds)]


def run(inputs: list[bytes], config: Any, build_payloads: bool) -> Counter[str]:
    """The ingest stage's per-event work; returns counts by outcome."""
    counts: Counter[str] = Counter()
    for raw in inputs:
        try:
            event = parse_event(raw)
        except InvalidEvent:
            counts["invalid_event"] += 1
            continue
        if not is_enabled_for_destination(event):
            counts["disabled"] += 1
            continue
        matches = select_mappings(config, event.raw)
        if not matches:
            counts["no_match"] += 1
        for match in matches:
            if match.payload is None:
                counts["invalid_payload"] += 1
                continue
            if build_payloads:
                action = ACTIONS[match.mapping.action]
                action.build_payload(
                    match.payload, message_id=event.message_id or "", mapping_id=match.mapping.id
                )
            counts[match.mapping.action] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument(
        "--config", type=Path, default=ROOT / "config" / "examples" / "segment-defaults.yaml"
    )
    parser.add_argument(
        "--build-payloads",
        action="store_true",
        help="also run each action's build_payload (typed payloads)",
    )
    args = parser.parse_args()
    env = {
        **os.environ,
        "HUBSPOT_PRIVATE_APP_TOKEN": "pat-bench",
        "HUBSPOT_HUB_ID": "12345678",
        "HUBSPOT_CLIENT_ID": "c",
        "HUBSPOT_CLIENT_SECRET": "s",
        "HUBSPOT_REFRESH_TOKEN": "r",
    }
    catalog = {name: action.fields for name, action in ACTIONS.items()}
    config = load_destination(args.config, catalog, env=env)
    inputs = make_inputs(args.events)
    run(inputs[:5_000], config, args.build_payloads)  # warm up
    started = time.process_time()
    counts = run(inputs, config, args.build_payloads)
    elapsed = time.process_time() - started
    mean_bytes = sum(map(len, inputs)) / len(inputs)
    print(
        f"config {args.config.name}: {args.events} events (mean {mean_bytes:.0f} bytes), mix {MIX}"
    )
    print(f"outcomes {dict(sorted(counts.items()))}")
    print(
        f"{args.events / elapsed:,.0f} events/s on one core "
        f"({elapsed * 1e6 / args.events:.1f} us/event, CPU time)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
