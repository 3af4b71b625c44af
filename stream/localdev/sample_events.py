"""Realistic Segment events for the demo and tests: identify, group, track and page per user."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

FIRST_NAMES = ("Ada", "Grace", "Alan", "Edsger", "Barbara", "Ken", "Radia", "Donald", "Frances",
               "John", "Margaret", "Tim", "Katherine", "Dennis", "Hedy", "Linus")
LAST_NAMES = ("Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Thompson", "Perlman",
              "Knuth", "Allen", "McCarthy", "Hamilton", "Berners-Lee", "Johnson", "Ritchie")
COMPANIES = ("Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Tyrell",
             "Cyberdyne", "Soylent", "Vandelay", "Wonka")
CITIES = (("Springfield", "IL", "62701"), ("Portland", "OR", "97201"), ("Austin", "TX", "73301"))
TRACK_EVENTS = ("Signed Up", "Order Completed", "Product Viewed", "Trial Started")
PAGES = (("Home", "/"), ("Pricing", "/pricing"), ("Docs", "/docs"), ("Blog", "/blog"))
# The track events' HubSpot definitions the demo creates (name -> property names).
EVENT_PROPERTIES = {"Signed Up": ("plan",), "Order Completed": ("revenue", "currency"),
                    "Product Viewed": ("sku",), "Trial Started": ("plan",)}


def user_events(index: int, rng: random.Random, now: datetime) -> list[dict[str, Any]]:
    """identify, group, one track and one page for user number `index`, in that order."""
    user_id = f"user-{index:05d}"
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    email = f"{first}.{last}.{index}@example.com".lower()
    company = rng.choice(COMPANIES)
    group_id = f"group-{company.lower()}"
    at = now - timedelta(seconds=rng.randint(0, 3600))
    context = {"library": {"name": "analytics-node", "version": "2.1.0"},
               "traits": {"email": email}, "ip": "203.0.113.7"}
    track_name = rng.choice(TRACK_EVENTS)
    page_name, path = rng.choice(PAGES)
    return [
        _event("identify", user_id, at, context, traits={
            "email": email, "first_name": first, "last_name": last, "company": company,
            "title": rng.choice(("Engineer", "CTO", "Analyst")), "phone": "+1 555 0100",
            "address": _address(rng)}),
        _event("group", user_id, at + timedelta(seconds=1), context, groupId=group_id,
               traits={"name": f"{company} Inc", "website": f"{company.lower()}.example.com",
                       "industry": "COMPUTER_SOFTWARE", "employees": rng.choice((12, 120, 1200)),
                       "description": f"{company} makes things", "phone": "+1 555 0199",
                       "address": _address(rng)}),
        _event("track", user_id, at + timedelta(seconds=2), context, event=track_name,
               properties=_track_properties(track_name, rng)),
        _event("page", user_id, at + timedelta(seconds=3), context, name=page_name,
               properties={"path": path, "url": f"https://example.com{path}",
                           "title": page_name}),
    ]


def _address(rng: random.Random) -> dict[str, str]:
    """A postal address with every part Segment's default mappings read."""
    city, state, postal_code = rng.choice(CITIES)
    return {"street": f"{rng.randint(1, 999)} Main St", "city": city, "state": state,
            "postalCode": postal_code, "country": "US"}


def sample_events(users: int, seed: int = 7, start: int = 0) -> Iterator[dict[str, Any]]:
    """Events of `users` users, interleaved: each user's own events stay in order."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    per_user = [user_events(start + i, rng, now) for i in range(users)]
    for step in range(4):
        for events in per_user:
            yield events[step]


def _event(event_type: str, user_id: str, at: datetime, context: dict[str, Any],
           **fields: Any) -> dict[str, Any]:
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"type": event_type, "messageId": str(uuid.uuid4()), "userId": user_id,
            "timestamp": stamp, "sentAt": stamp, "receivedAt": stamp, "context": context,
            "integrations": {}, **fields}


def _track_properties(name: str, rng: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {"plan": rng.choice(("free", "pro")), "revenue": rng.randint(5, 500),
                              "currency": "USD", "sku": f"SKU-{rng.randint(100, 999)}"}
    return {key: values[key] for key in EVENT_PROPERTIES[name]}


def define_sample_events(base_url: str, token: str) -> None:
    """Create the HubSpot behavioral-event definitions the sample track events need (the
    emulator or a sandbox); an existing definition is fine."""
    import json
    import urllib.error
    import urllib.request

    for name, properties in EVENT_PROPERTIES.items():
        body = {"label": name, "name": name.lower().replace(" ", "_"), "primaryObject": "CONTACT",
                "propertyDefinitions": [{"name": p, "label": p, "type": "string"}
                                        for p in properties]}
        request = urllib.request.Request(
            f"{base_url}/events/v3/event-definitions", data=json.dumps(body).encode(),
            method="POST", headers={"Content-Type": "application/json",
                                    "Authorization": f"Bearer {token}"})
        try:
            urllib.request.urlopen(request, timeout=30).close()
        except urllib.error.HTTPError as exc:
            if exc.code != 409:
                raise
