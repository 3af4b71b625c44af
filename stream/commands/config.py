"""`hubspot-stream config check FILE`: load a destination config and show it, or every error."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from stream.actions.catalog import ACTIONS
from stream.mappings import (
    DestinationConfig,
    DestinationConfigError,
    MappingConfig,
    load_destination,
)
from stream.mappings.loader import Catalog


def register(subparsers: Any) -> None:
    """Add `config check`."""
    config = subparsers.add_parser("config", help="destination configs (mappings)")
    commands = config.add_subparsers(dest="config_command", required=True)
    check = commands.add_parser("check", help="validate a destination config and print it")
    check.add_argument("file", type=Path, help="destination config YAML")
    check.add_argument(
        "--skip-secrets",
        action="store_true",
        help="do not require the ${ENV_VAR}s to be set (check structure only)",
    )
    check.add_argument(
        "--online",
        action="store_true",
        help="also verify the credentials and that every property, object type and event "
        "definition the mappings write exists in HubSpot (budgeted GET calls)",
    )
    check.set_defaults(func=run_check)


def action_catalog() -> Catalog:
    """Action name -> declared fields, from stream.actions (the loader does not import actions)."""
    return {name: action.fields for name, action in ACTIONS.items()}


def run_check(args: argparse.Namespace) -> int:
    """Exit 0 after printing the destination and its mappings; 1 after printing every error."""
    try:
        destination = load_destination(
            args.file, action_catalog(), require_secrets=not args.skip_secrets
        )
    except DestinationConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(describe_destination(destination))
    return asyncio.run(_online(destination)) if args.online else 0


async def _online(destination: DestinationConfig) -> int:
    """Exit 0 when everything the mappings write exists or will be created, else 1."""
    from stream.commands.hubspot_client import open_client
    from stream.commands.online_check import check_online
    from stream.settings import WorkerSettings

    client = await open_client(destination, WorkerSettings())
    try:
        findings = await check_online(destination, client)
    finally:
        await client.close()
    print(f"online check against {client.base_url}:")
    for finding in findings:
        print(finding)
    return 1 if any(f.verdict == "missing" for f in findings) else 0


def describe_destination(destination: DestinationConfig) -> str:
    """Human summary: connection, then one line per mapping with its trigger and action."""
    hubspot = destination.hubspot
    limits = hubspot.rate_limits
    lines = [
        f"destination {destination.id} ({destination.source})",
        f"  hubspot {hubspot.base_url} hub {hubspot.hub_id or '-'} auth {hubspot.auth.type}"
        f" plan {hubspot.plan or 'custom'}: {limits.requests_per_10s} requests/10 s,"
        f" {limits.requests_per_day} requests/day",
        f"  {len(destination.mappings)} mappings ({len(destination.enabled_mappings)} enabled):",
    ]
    lines.extend(_describe_mapping(mapping) for mapping in destination.mappings)
    return "\n".join(lines)


def _describe_mapping(mapping: MappingConfig) -> str:
    state = "enabled" if mapping.enabled else "disabled"
    batching = mapping.batching
    items = f"{batching.max_items} items" if batching.max_items else "the action's limit"
    batch = (
        f"batching on, up to {items} or {batching.max_wait_seconds:g} s"
        if batching.enabled
        else "batching off"
    )
    return (
        f"    {mapping.id} [{state}] when {mapping.trigger} -> {mapping.action}"
        f" ({len(mapping.fields)} fields, {batch})"
    )
