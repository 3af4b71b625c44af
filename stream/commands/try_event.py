"""`hubspot-stream try`: events through a destination config, explained, against HubSpot."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from prometheus_client import CollectorRegistry

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.cache import ActionCaches
from stream.actions.catalog import ACTIONS
from stream.commands.config import action_catalog
from stream.commands.hubspot_client import build_auth
from stream.commands.try_report import jsonable, text_report
from stream.delivery.action_call import ActionCall
from stream.delivery.ingest import Ingestor
from stream.delivery.runner import ActionRunner, PausePolicy
from stream.errors import ConfigError, RejectedError
from stream.events.event import DEFAULT_MAX_EVENT_BYTES
from stream.hubspot.auth import Auth, PrivateAppToken
from stream.hubspot.budget import LocalBudget, plan_limits
from stream.hubspot.client import ClientSettings, HubSpotClient
from stream.mappings import DestinationConfig, load_destination
from stream.mappings.destination import MappingConfig
from stream.mappings.payload import validate_payload
from stream.mappings.trigger import And, Or, Trigger
from stream.metrics.catalog import ClientMetrics
from stream.outcomes.model import SourceCoordinates

EMULATOR_HUB_ID = "7878787"  # stream.emulator.config.DEFAULT_PORTAL_ID


def register(subparsers: Any) -> None:
    """Add `try`."""
    parser = subparsers.add_parser(
        "try", help="show what a destination config does with an event, against HubSpot",
        description=__doc__)
    parser.add_argument("--config", type=Path, required=True, help="destination config (YAML)")
    parser.add_argument("events", type=Path,
                        help="a Segment event (JSON) or a JSON-lines file of events")
    parser.add_argument("--against", metavar="URL", default=None,
                        help="HubSpot base URL (a sandbox portal, or a running emulator); "
                             "default: an emulator started in this process on a free port")
    parser.add_argument("--token", default=None,
                        help="private-app token for --against (default: the config's auth)")
    parser.add_argument("--no-send", action="store_true",
                        help="stop after the payloads: no HubSpot call")
    parser.add_argument("--json", action="store_true", help="print one JSON report")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Exit 0 after printing the report, 2 when the config or the events cannot be read."""
    try:
        events = read_events(args.events)
        destination = _load(args)
    except (ConfigError, OSError, ValueError) as exc:
        print(f"error: {exc}")
        return 2
    report = asyncio.run(try_events(destination, events, args))
    print(orjson.dumps(report, option=orjson.OPT_INDENT_2).decode() if args.json
          else "\n".join(text_report(report)))
    return 0


def read_events(path: Path) -> list[bytes]:
    """One JSON document, else one event per non-empty line."""
    raw = path.read_bytes()
    try:
        orjson.loads(raw)
    except orjson.JSONDecodeError:
        return [line for line in raw.splitlines() if line.strip()]
    return [raw]


def _load(args: argparse.Namespace) -> DestinationConfig:
    env = dict(os.environ)
    if args.against is None:  # the in-process emulator needs no secrets; its hub id is known
        env.setdefault("HUBSPOT_HUB_ID", EMULATOR_HUB_ID)
    needs_secrets = args.against is not None and args.token is None and not args.no_send
    return load_destination(args.config, action_catalog(), env, require_secrets=needs_secrets)


def why_not(tree: Trigger, event: Mapping[str, Any]) -> list[str]:
    """The clauses that keep `tree` from matching `event`, each with the value it saw."""
    if tree.matches(event):
        return []
    if isinstance(tree, And):
        return why_not(tree.left, event) or why_not(tree.right, event)
    if isinstance(tree, Or):
        return why_not(tree.left, event) + why_not(tree.right, event)
    actual = tree.field.read(event)
    seen = "absent" if actual is None else orjson.dumps(actual).decode()
    return [f"{tree} is false ({tree.field} is {seen})"]


class RecordingClient:
    """The HubSpot client, recording each request with its answer (or the error it raised)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.requests: list[dict[str, Any]] = []

    async def request(self, method: str, path: str, *, json: Any = None,
                      params: Mapping[str, str] | None = None) -> Any:
        """Forward to the client and record."""
        entry: dict[str, Any] = {"method": method, "path": path, "params": dict(params or {}),
                                 "body": json}
        self.requests.append(entry)
        try:
            reply = await self.inner.request(method, path, json=json, params=params)
        except Exception as exc:
            entry["error"] = f"{type(exc).__name__}: {exc}"
            raise
        entry["status"], entry["answer"] = reply.status, reply.body
        return reply


class GiveUp(Exception):
    """HubSpot could not take a batch: `try` reports it instead of pausing like a worker."""


@dataclass
class Session:
    """What one `try` run shares across its events: the runner and known contact ids."""

    ingestor: Ingestor
    runner: ActionRunner | None
    recorder: RecordingClient | None
    contacts: dict[str, str] = field(default_factory=dict)


async def try_events(destination: DestinationConfig, events: list[bytes],
                     args: argparse.Namespace) -> dict[str, Any]:
    """The report: per event, per mapping, why it matched or not and what happened."""
    ingestor = Ingestor(destination, ACTIONS, DEFAULT_MAX_EVENT_BYTES)
    async with _target(destination, args) as (runner, recorder, base_url):
        session = Session(ingestor, runner, recorder)
        results = [await _try_one(session, destination, raw, index)
                   for index, raw in enumerate(events, start=1)]
    return {"config": str(destination.source), "against": base_url, "events": results}


@contextlib.asynccontextmanager
async def _target(destination: DestinationConfig, args: argparse.Namespace) -> AsyncIterator[
        tuple[ActionRunner | None, RecordingClient | None, str | None]]:
    if args.no_send:
        yield None, None, None
        return
    async with _open_client(destination, args.against, args.token) as (client, base_url):
        recorder = RecordingClient(client)
        context = ActionContext(recorder, ActionCaches(),
                                DestinationSettings(portal_id=destination.hubspot.hub_id))
        yield ActionRunner(ACTIONS, context, PausePolicy(), sleep=_give_up), recorder, base_url


@contextlib.asynccontextmanager
async def _open_client(destination: DestinationConfig, against: str | None,
                       token: str | None) -> AsyncIterator[tuple[HubSpotClient, str]]:
    """The real client, on `against` or on an emulator started here (stopped afterwards)."""
    from stream.emulator.config import DEFAULT_PORTAL_ID, DEFAULT_TOKEN, PLANS, EmulatorConfig
    from stream.emulator.config import Settings as EmulatorSettings
    from stream.emulator.server import start_emulator

    metrics = ClientMetrics(CollectorRegistry())
    limits = destination.hubspot.rate_limits
    budget = LocalBudget(plan_limits(limits.requests_per_10s, limits.search_requests_per_second))
    running = None
    auth: Auth
    if against is None:
        plan = destination.hubspot.plan if destination.hubspot.plan in PLANS else "professional"
        hub_id = str(destination.hubspot.hub_id or "")
        portal_id = int(hub_id) if hub_id.isdigit() and int(hub_id) else DEFAULT_PORTAL_ID
        running = await start_emulator(EmulatorConfig(
            portal_id=portal_id, settings=EmulatorSettings(plan=plan)))
        base_url, auth = running.base_url, PrivateAppToken(DEFAULT_TOKEN)
    else:
        base_url = against
        auth = PrivateAppToken(token) if token else build_auth(destination, against, metrics)
    try:
        async with HubSpotClient(base_url, auth, budget, metrics,
                                 ClientSettings(call_budget_seconds=10.0)) as client:
            yield client, base_url
    finally:
        if running is not None:
            await running.stop()


async def _give_up(seconds: float) -> None:
    raise GiveUp


async def _try_one(session: Session, destination: DestinationConfig, raw: bytes,
                   index: int) -> dict[str, Any]:
    source = SourceCoordinates("try", 0, index)
    ingested = session.ingestor.ingest(raw, source)
    report: dict[str, Any] = {"index": index, "filtered": ingested.filtered, "mappings": []}
    invalid = [o for o in ingested.outcomes if o.mapping is None]
    if invalid:  # the outcome a worker would publish for it
        report["invalid"] = orjson.loads(invalid[0].encode())
        return report
    event = orjson.loads(raw)
    report.update(type=event.get("type"), message_id=event.get("messageId"))
    if ingested.filtered == "integrations":
        return report
    calls = {call.mapping: call for call in ingested.calls}
    failed = {o.mapping: o for o in ingested.outcomes}
    for mapping in destination.mappings:
        entry = _explain(mapping, event)
        if mapping.id in failed:
            entry["outcome"] = orjson.loads(failed[mapping.id].encode())
        elif mapping.id in calls and session.runner is not None:
            entry.update(await _perform(session, calls[mapping.id]))
        report["mappings"].append(entry)
    return report


def _explain(mapping: MappingConfig, event: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"mapping": mapping.id, "action": mapping.action,
                             "trigger": str(mapping.trigger), "enabled": mapping.enabled,
                             "matched": mapping.enabled and mapping.trigger.matches(event)}
    if not mapping.enabled:
        entry["why_not"] = ["the mapping is disabled (enabled: false)"]
        return entry
    if not entry["matched"]:
        entry["why_not"] = why_not(mapping.trigger, event)
        return entry
    entry["rendered"] = mapping.renderer.render(event)
    try:
        entry["payload"] = validate_payload(mapping.field_specs, dict(entry["rendered"]))
        typed = ACTIONS[mapping.action].build_payload(
            entry["payload"], message_id=str(event.get("messageId")), mapping_id=mapping.id)
    except RejectedError as exc:  # InvalidPayload included
        entry["invalid_payload"] = exc.message
    else:
        entry["action_payload"] = orjson.loads(orjson.dumps(typed, default=jsonable))
    return entry


async def _perform(session: Session, call: ActionCall) -> dict[str, Any]:
    assert session.runner is not None and session.recorder is not None
    if call.action == "upsert_company" and call.routing_key in session.contacts:
        call = call.with_contact(session.contacts[call.routing_key])  # as the user lane does
    first = len(session.recorder.requests)
    result: dict[str, Any] = {}
    try:
        [outcome] = await session.runner.perform(call.action, [call])
    except GiveUp:
        result["gave_up"] = "HubSpot could not take the batch (a worker would pause and retry)"
    else:
        result["outcome"] = orjson.loads(outcome.encode())
        hubspot = outcome.hubspot or {}
        if call.action == "upsert_contact" and hubspot.get("id"):
            session.contacts[call.routing_key] = str(hubspot["id"])
    result["requests"] = session.recorder.requests[first:]
    return result
