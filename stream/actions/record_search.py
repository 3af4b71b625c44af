"""Search-based find for the V1 custom object action: one search per record (Segment semantics:
each search field an OR alternative, more than one match is not unique)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from stream.actions.base import ActionContext, ItemError
from stream.actions.calls import call
from stream.errors import Reason

MAX_SEARCH_FIELDS = 5


@dataclass(frozen=True)
class Found:
    """How many records matched (0, 1 or 2 meaning "more than one") and the id of the first."""

    count: int
    record_id: str | None = None


async def search_one(
    ctx: ActionContext, object_type: str, fields: Mapping[str, str] | None, failure: str
) -> Found | ItemError:
    """The record matching `fields` in `object_type`; `failure` is the message for a 400."""
    if not fields:
        return Found(0)
    if len(fields) > MAX_SEARCH_FIELDS:
        return ItemError(Reason.INVALID_PAYLOAD, f"At most {MAX_SEARCH_FIELDS} search fields are "
                         f"supported; got {len(fields)}")
    body = {"filterGroups": [{"filters": [{"propertyName": k, "operator": "EQ", "value": v}]}
                             for k, v in fields.items()],
            "properties": ["hs_object_id"], "limit": 2}
    answer = await call(ctx, "POST", f"/crm/v3/objects/{object_type}/search", body)
    if not answer.ok:
        return ItemError(Reason.VALIDATION, failure, answer.status)
    matches = answer.body.get("results", [])
    total = int(answer.body.get("total", len(matches)))
    return Found(min(total, 2), str(matches[0]["id"]) if matches else None)
