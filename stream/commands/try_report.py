"""The terminal form of a `hubspot-stream try` report (stream/commands/try_event.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import orjson


def text_report(report: dict[str, Any]) -> list[str]:
    """The report for a terminal."""
    lines = [f"config {report['config']}; HubSpot: {report['against'] or 'not called'}"]
    for event in report["events"]:
        lines.append(f"\nevent {event['index']}: {event.get('type') or 'invalid'} "
                     f"{event.get('message_id') or ''}".rstrip())
        if "invalid" in event:
            error = event["invalid"]["error"]
            lines.append(f"  invalid event: {error['message']} (outcome message_id "
                         f"{event['invalid']['message_id']})")
            continue
        if event["filtered"] == "integrations":
            lines.append("  turned off for this destination by its `integrations` object")
        elif event["filtered"] == "no_mapping":
            lines.append("  no mapping matches: a worker publishes no outcome for it")
        for entry in event["mappings"]:
            lines += _mapping_lines(entry)
    return lines


def _mapping_lines(entry: dict[str, Any]) -> list[str]:
    head = f"  mapping {entry['mapping']} ({entry['action']}), trigger {entry['trigger']}"
    if not entry["matched"]:
        return [f"{head}: no match", *(f"    - {why}" for why in entry["why_not"])]
    lines = [f"{head}: matches", f"    rendered: {_json(entry['rendered'])}"]
    if "payload" in entry:
        lines.append(f"    payload:  {_json(entry['payload'])}")
    if "action_payload" in entry:
        lines.append(f"    {entry['action']} payload: {_json(entry['action_payload'])}")
    for request in entry.get("requests", []):
        query = "?" + "&".join(f"{k}={v}" for k, v in request["params"].items()) \
            if request["params"] else ""
        lines.append(f"    {request['method']} {request['path']}{query} {_json(request['body'])}")
        answer = request.get("error") or f"{request.get('status')} {_json(request.get('answer'))}"
        lines.append(f"      -> {answer}")
    if "gave_up" in entry:
        lines.append(f"    {entry['gave_up']}")
    outcome = entry.get("outcome")
    if outcome:
        error = outcome.get("error") or {}
        detail = f"{error.get('reason')}: {error.get('message')}" if error else \
            _json(outcome.get("hubspot"))
        lines.append(f"    outcome: {outcome['status']} {detail}")
    return lines


def _json(value: Any) -> str:
    if value is None:
        return ""
    text = orjson.dumps(value, default=jsonable).decode()
    return text if len(text) <= 400 else text[:400] + "..."


def jsonable(value: Any) -> Any:
    """JSON for what orjson cannot encode itself: dataclasses, mappings, others as text."""
    if hasattr(value, "__dataclass_fields__"):
        return asdict(value)
    return dict(value) if isinstance(value, Mapping) else str(value)
