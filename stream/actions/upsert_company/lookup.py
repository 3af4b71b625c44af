"""Which companies to upsert by segment_group_id and which to update by a search match.

Only companies that need it are looked up: update-only ones (`createNewCompany: false`) and ones
with search fields. One batch/read by segment_group_id finds the known ones; search runs only for
the rest (Segment semantics: each field an OR alternative, > 1 match rejects).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stream.actions.base import ActionContext, ItemResult, refused, rejected
from stream.actions.upsert_company.payload import GROUP_ID_PROPERTY
from stream.errors import Reason
from stream.hubspot.batch import ItemError, call
from stream.hubspot.search import Found, search_many

SEARCH_FAILED = ("HubSpot returned 400 error while performing a company search. Please check if "
                 "'Company Search Fields' contains valid properties defined in HubSpot.")
NOT_UNIQUE = ("The search criteria defined by Company Search Fields returned more than one "
              "companies. The update request will be rejected.")


@dataclass
class MergedCompany:
    """One company write per groupId: properties merged in event order."""

    group_id: str
    properties: dict[str, str] = field(default_factory=dict)
    indices: list[int] = field(default_factory=list)
    create: bool = False
    search_fields: Any = None


@dataclass
class Plan:
    """Upserts by segment_group_id, and updates by HubSpot id of search matches."""

    upserts: list[MergedCompany] = field(default_factory=list)
    updates: list[tuple[MergedCompany, str]] = field(default_factory=list)


async def locate(
    ctx: ActionContext, merged: list[MergedCompany], results: list[ItemResult | None]
) -> Plan:
    """Plan the writes; companies that are skipped or rejected get their results here."""
    lookup = [c for c in merged if c.search_fields or not c.create]
    known = await _known_group_ids(ctx, [c.group_id for c in lookup])
    plan = Plan()
    unknown = [c for c in lookup if c.group_id not in known]
    searched = [c for c in unknown if c.search_fields]
    found = await search_many(ctx.client, "companies", [c.search_fields for c in searched],
                              SEARCH_FAILED)
    matches = {id(c): f for c, f in zip(searched, found, strict=True)}
    for company in merged:
        if company not in unknown:
            plan.upserts.append(company)
        elif id(company) in matches:
            _place(company, matches[id(company)], plan, results)
        else:
            _settle(results, company, ItemResult("skipped", "companies"))
    return plan


async def _known_group_ids(ctx: ActionContext, group_ids: list[str]) -> set[str]:
    known: set[str] = set()
    for start in range(0, len(group_ids), 100):
        body = {"idProperty": GROUP_ID_PROPERTY, "properties": [GROUP_ID_PROPERTY],
                "inputs": [{"id": gid} for gid in group_ids[start:start + 100]]}
        answer = await call(ctx.client, "POST", "/crm/v3/objects/companies/batch/read", body)
        for result in answer.body.get("results", []) if answer.ok else []:
            known.add(str((result.get("properties") or {}).get(GROUP_ID_PROPERTY)))
    return known


def _place(company: MergedCompany, found: Found | ItemError, plan: Plan,
           results: list[ItemResult | None]) -> None:
    if isinstance(found, ItemError):
        _settle(results, company, refused("companies", found))
    elif found.count > 1:
        _settle(results, company, rejected(Reason.CONFLICT, NOT_UNIQUE))
    elif found.record_id is not None:
        plan.updates.append((company, found.record_id))
    elif company.create:
        plan.upserts.append(company)
    else:
        _settle(results, company, ItemResult("skipped", "companies"))


def _settle(results: list[ItemResult | None], company: MergedCompany, result: ItemResult) -> None:
    for index in company.indices:
        results[index] = result
