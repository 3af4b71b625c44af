"""Events of a fault scenario and the HubSpot end state a fault-free run would leave."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

MAPPING_OF = {"identify": "contacts", "group": "companies", "track": "events"}
COMPANIES = 7


@dataclass
class Expectation:
    """What every scenario must end with, computed from the valid events alone."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    contacts: dict[str, dict[str, str]] = field(default_factory=dict)  # email -> properties
    companies: dict[str, str] = field(default_factory=dict)  # segment_group_id -> name
    links: set[tuple[str, str]] = field(default_factory=set)  # (email, segment_group_id)
    email_of: dict[str, str] = field(default_factory=dict)  # userId -> email

    def add(self, events: list[dict[str, Any]]) -> None:
        """Fold events in order: the last identify of a user wins."""
        email_of = self.email_of
        for event in events:
            self.pairs.add((event["messageId"], MAPPING_OF[event["type"]]))
            traits = event.get("traits", {})
            if event["type"] == "identify":
                email_of[event["userId"]] = traits["email"]
                self.contacts[traits["email"]] = {"segment_seq": str(traits["seq"]),
                                                  "firstname": traits["first_name"]}
            elif event["type"] == "group":
                self.companies[event["groupId"]] = traits["name"]
                self.links.add((email_of[event["userId"]], event["groupId"]))


def _event(event_type: str, user: str, at: datetime, **fields: Any) -> dict[str, Any]:
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return {"type": event_type, "messageId": str(uuid.uuid4()), "userId": user,
            "timestamp": stamp, "sentAt": stamp, "context": {"ip": "203.0.113.7"},
            "integrations": {}, **fields}


def round_events(run: str, user: int, seq: int, at: datetime) -> list[dict[str, Any]]:
    """Round `seq` of one user: identify (carrying the counter), group, track (with the email
    in its context). Group calls carry no email (as Segment's seldom do), so companies need the
    contact the lane remembered."""
    user_id = f"{run}-user-{user:04d}"
    group = user % COMPANIES
    return [
        _event("identify", user_id, at, traits={
            "email": f"{user_id}@example.com", "first_name": f"Round{seq}", "seq": seq,
            "last_name": "Fault", "address": {"city": "Springfield", "country": "US"}}),
        _event("group", user_id, at + timedelta(milliseconds=1), groupId=f"{run}-group-{group}",
               traits={"name": f"Company {group} of {run}", "industry": "Computer Software"}),
        _event("track", user_id, at + timedelta(milliseconds=2), event="Signed Up",
               properties={"plan": "pro" if seq % 2 else "free"},
               context={"traits": {"email": f"{user_id}@example.com"}}),
    ]


def wave(run: str, users: int, seq: int,
         kinds: tuple[str, ...] = tuple(MAPPING_OF)) -> list[dict[str, Any]]:
    """Round `seq` of every user (each user's events in order; users interleaved), only the
    event types in `kinds`."""
    at = datetime.now(UTC)
    return [event for user in range(users) for event in round_events(run, user, seq, at)
            if event["type"] in kinds]
