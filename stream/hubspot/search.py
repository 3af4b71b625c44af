"""CRM search for records by property values: each search field an OR alternative (Segment
semantics; more than one match is not unique), and records that search one and the same property
batched into `IN` searches."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from stream.errors import Reason
from stream.hubspot.batch import ItemError, Reply, Requester, call

MAX_SEARCH_FIELDS = 5
MAX_IN_VALUES = 100
MAX_PAGE = 200


@dataclass(frozen=True)
class Found:
    """How many records matched (0, 1 or 2 meaning "more than one") and the id of the first."""

    count: int
    record_id: str | None = None


def search_failure(failure: str, answer: Reply) -> ItemError:
    """A refused search: `failure` (which mapping field to fix) plus the property names HubSpot
    says do not exist, so the user knows which search field is wrong."""
    body = answer.body if isinstance(answer.body, dict) else {}
    names = [name for error in body.get("errors") or [] if isinstance(error, dict)
             for name in (error.get("context") or {}).get("propertyName") or []]
    detail = (f" HubSpot has no property {', '.join(repr(n) for n in dict.fromkeys(names))}."
              if names else f" HubSpot said: {body.get('message', answer.status)}")
    return ItemError(Reason.VALIDATION, failure + detail, answer.status, body.get("category"))


async def search_one(
    client: Requester, object_type: str, fields: Mapping[str, str] | None, failure: str
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
    answer = await call(client, "POST", f"/crm/v3/objects/{object_type}/search", body)
    if not answer.ok:
        return search_failure(failure, answer)
    matches = answer.body.get("results", [])
    total = int(answer.body.get("total", len(matches)))
    return Found(min(total, 2), str(matches[0]["id"]) if matches else None)


async def search_many(
    client: Requester, object_type: str, searches: Sequence[Mapping[str, str] | None],
    failure: str,
) -> list[Found | ItemError]:
    """`search_one` for each entry, in order. Entries that search one and the same property
    share `IN` searches (≤ 100 values per call) instead of one search per record."""
    answers: list[Found | ItemError | None] = [None] * len(searches)
    by_key: dict[str, list[int]] = {}
    for position, fields in enumerate(searches):
        if fields and len(fields) == 1:
            by_key.setdefault(next(iter(fields)), []).append(position)
    for key, positions in by_key.items():
        if len(positions) < 2:
            continue
        for start in range(0, len(positions), MAX_IN_VALUES):
            chunk = positions[start:start + MAX_IN_VALUES]
            values = [str(searches[p][key]) for p in chunk]  # type: ignore[index]
            found = await _search_in(client, object_type, key, values, failure)
            for position, value in zip(chunk, values, strict=True):
                answers[position] = found if isinstance(found, ItemError) or found is None \
                    else found.get(value.lower(), Found(0))
    for position, fields in enumerate(searches):
        if answers[position] is None:
            answers[position] = await search_one(client, object_type, fields, failure)
    return [a for a in answers if a is not None]


async def _search_in(
    client: Requester, object_type: str, key: str, values: list[str], failure: str
) -> dict[str, Found] | ItemError | None:
    """Matches per lower-cased value, or None when there are too many to page through here."""
    body = {"filterGroups": [{"filters": [{"propertyName": key, "operator": "IN",
                                           "values": sorted({v.lower() for v in values})}]}],
            "properties": [key], "limit": MAX_PAGE}
    answer = await call(client, "POST", f"/crm/v3/objects/{object_type}/search", body)
    if not answer.ok:
        return search_failure(failure, answer)
    if int(answer.body.get("total", 0)) > MAX_PAGE:
        return None
    found: dict[str, Found] = {}
    for result in answer.body.get("results", []):
        value = str((result.get("properties") or {}).get(key, "")).lower()
        seen = found.get(value)
        found[value] = Found(2, seen.record_id) if seen else Found(1, str(result["id"]))
    return found
