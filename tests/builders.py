"""Segment spec event builders for tests: make_identify(...), make_group(...), make_track(...)."""

from __future__ import annotations

import itertools
from typing import Any

import orjson

_COUNTER = itertools.count(1)
DEFAULT_TIMESTAMP = "2026-01-15T10:30:00.000Z"
# Every address part Segment's default mappings read (street, city, state, postal code, country).
DEFAULT_ADDRESS = {"street": "6th St", "city": "San Francisco", "state": "CA",
                   "postalCode": "94103", "country": "USA"}


def _common(event_type: str, user_id: str | None, overrides: dict[str, Any]) -> dict[str, Any]:
    event: dict[str, Any] = {
        "type": event_type,
        "messageId": f"msg-{next(_COUNTER):06d}",
        "timestamp": DEFAULT_TIMESTAMP,
        "sentAt": DEFAULT_TIMESTAMP,
        "receivedAt": DEFAULT_TIMESTAMP,
        "originalTimestamp": DEFAULT_TIMESTAMP,
        "context": {"library": {"name": "analytics-python", "version": "2.3.2"}},
        "integrations": {},
    }
    if user_id is not None:
        event["userId"] = user_id
    event.update(overrides)
    return event


def make_identify(
    user_id: str | None = "user-1",
    email: str | None = "ada@example.com",
    traits: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """An identify event; `traits` are added to {"email": email, "address": DEFAULT_ADDRESS}
    (email left out when None)."""
    all_traits: dict[str, Any] = {"address": dict(DEFAULT_ADDRESS)}
    if email is not None:
        all_traits["email"] = email
    all_traits.update(traits or {})
    return _common("identify", user_id, {"traits": all_traits, **overrides})


def make_group(
    group_id: str | None = "group-1",
    user_id: str | None = "user-1",
    traits: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A group event for `group_id` with company `traits`."""
    named = {"groupId": group_id,
             "traits": traits or {"name": "Acme Inc", "address": dict(DEFAULT_ADDRESS)}}
    return _common("group", user_id, _present(named, overrides))


def make_track(
    event: str | None = "Order Completed",
    user_id: str | None = "user-1",
    properties: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A track event named `event` with `properties`."""
    named = {"event": event, "properties": properties or {}}
    return _common("track", user_id, _present(named, overrides))


def make_page(
    name: str | None = "Home",
    user_id: str | None = "user-1",
    properties: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A page event; `properties` default to a url, path and title."""
    default_properties = {"url": "https://example.com/", "path": "/", "title": "Example"}
    named = {"name": name, "properties": properties or default_properties}
    return _common("page", user_id, _present(named, overrides))


def make_screen(
    name: str | None = "Dashboard",
    user_id: str | None = "user-1",
    properties: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """A screen event (mobile page view)."""
    named = {"name": name, "properties": properties or {}}
    return _common("screen", user_id, _present(named, overrides))


def make_alias(
    previous_id: str | None = "anon-1", user_id: str | None = "user-1", **overrides: Any
) -> dict[str, Any]:
    """An alias event merging `previous_id` into `user_id`."""
    return _common("alias", user_id, _present({"previousId": previous_id}, overrides))


def _present(named: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """The named fields that are not None (None leaves a field out), then the overrides."""
    fields = {key: value for key, value in named.items() if value is not None}
    fields.update(overrides)
    return fields


def encode(event: dict[str, Any]) -> bytes:
    """The event as the JSON bytes a producer would write to Kafka."""
    return orjson.dumps(event)
