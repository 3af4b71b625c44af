"""Object type references: which forms HubSpot accepts in `{objectType}` path segments."""

from __future__ import annotations

import re

from stream.actions.base import invalid

# singular (Segment's Custom Object V2 values) and plural path names -> path name
_STANDARD = {
    "contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets",
    "product": "products", "line_item": "line_items", "quote": "quotes", "order": "orders",
    "subscription": "subscriptions", "call": "calls", "email": "emails", "meeting": "meetings",
    "note": "notes", "task": "tasks", "appointment": "0-421",
}


_PATH_NAMES = frozenset(_STANDARD.values())
_TYPE_ID = re.compile(r"^\d+-\d+$")
_QUALIFIED = re.compile(r"^p\d*_[a-z0-9_]+$", re.IGNORECASE)


# HubSpot removed base-name references to custom objects in April 2025 (ACTIONS.md Part A 4).
_FORMS = ("a fully qualified name (p<portalId>_<name>), a short name (p_<name>), an objectTypeId "
          "(2-123) or a standard object (contacts, companies, deals, tickets, ...)")


def object_path(reference: str) -> str:
    """The `{objectType}` path segment for `reference`; raises RejectedError for a bare base
    name or anything else HubSpot does not accept."""
    name = reference.strip()
    lowered = name.lower()
    if lowered in _STANDARD:
        return _STANDARD[lowered]
    if lowered in _PATH_NAMES or _TYPE_ID.match(name) or _QUALIFIED.match(name):
        return name
    raise invalid(f"Object type {reference!r} is not a form HubSpot accepts; use {_FORMS}")


def object_type_id(path: str) -> str:
    """The objectTypeId for standard path names (lists need it); other forms pass through."""
    return {"contacts": "0-1", "companies": "0-2", "deals": "0-3", "tickets": "0-5",
            "products": "0-7", "line_items": "0-8", "quotes": "0-14"}.get(path, path)
