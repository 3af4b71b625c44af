"""Contact write follow-ups: 409 "Existing ID" recovery and backward lifecycle-stage fixes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.actions.base import ActionContext, ItemResult, refused
from stream.hubspot.batch import InputOutcome, ItemError, write_batch

CONTACTS = "/crm/v3/objects/contacts"
LIFECYCLE = "lifecyclestage"
_EXISTING = re.compile(r"Existing ID:\s*(\d+)")
Written = tuple["MergedContact", Mapping[str, Any]]


@dataclass
class MergedContact:
    """One contact write per lower-cased email: properties merged in event order."""

    email: str
    properties: dict[str, str]
    indices: list[int]
    stage: str | None = None


def existing_id(error: ItemError | None) -> str | None:
    """The contact id named by a 409 "Contact already exists. Existing ID: N" (the email is
    another contact's secondary email; HUBSPOT_API.md 2.3), else None."""
    if error is None or error.http_status not in (409, None):
        return None
    found = _EXISTING.search(error.message)
    return found.group(1) if found else None


async def recover_conflicts(
    ctx: ActionContext,
    conflicts: list[tuple[MergedContact, str]],
    results: list[ItemResult | None],
) -> list[Written]:
    """Update each conflicting contact by its existing id instead (one batch/update per 100)."""
    by_id: dict[str, list[MergedContact]] = {}
    for contact, contact_id in conflicts:
        by_id.setdefault(contact_id, []).append(contact)
    written: list[Written] = []
    ids = list(by_id)
    for start in range(0, len(ids), 100):
        chunk = ids[start:start + 100]
        inputs = [{"id": i, "properties": _merged_properties(by_id[i])} for i in chunk]
        sendable = [entry for entry in inputs if entry["properties"]]
        outcomes = iter(await write_batch(ctx.client, f"{CONTACTS}/batch/update", sendable)
                        if sendable else [])
        for entry in inputs:
            outcome = next(outcomes) if entry["properties"] else InputOutcome({"id": entry["id"]})
            for contact in by_id[str(entry["id"])]:
                if outcome.result is not None:
                    written.append((contact, {**outcome.result, "new": False}))
                else:
                    for index in contact.indices:
                        results[index] = refused("contacts", outcome.error)
    return written


def _merged_properties(contacts: list[MergedContact]) -> dict[str, str]:
    properties: dict[str, str] = {}
    for contact in contacts:  # the email stays off: it is this contact's secondary email
        properties.update(contact.properties)
        if contact.stage:
            properties[LIFECYCLE] = contact.stage
    return properties


async def fix_lifecycle(ctx: ActionContext, written: list[Written]) -> dict[str, ItemError]:
    """Clear then set the stage of contacts whose stage HubSpot kept (a backward move is
    silently ignored; HUBSPOT_API.md 8.3). Errors by contact id for the writes that failed."""
    wanted: dict[str, str] = {}
    for contact, result in written:
        kept = (result.get("properties") or {}).get(LIFECYCLE)
        if contact.stage and kept != contact.stage:
            wanted[str(result["id"])] = contact.stage
    failed: dict[str, ItemError] = {}
    ids = list(wanted)
    for start in range(0, len(ids), 100):
        chunk = ids[start:start + 100]
        for stage in (None, "set"):
            todo = [i for i in chunk if i not in failed]
            inputs = [{"id": i, "properties": {LIFECYCLE: wanted[i] if stage else ""}}
                      for i in todo]
            outcomes = await write_batch(ctx.client, f"{CONTACTS}/batch/update", inputs) \
                if todo else []
            failed.update((i, o.error) for i, o in zip(todo, outcomes, strict=True)
                          if o.error is not None)
    return failed
