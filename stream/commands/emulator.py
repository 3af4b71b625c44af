"""`hubspot-stream emulator`: serve the HubSpot emulator on a local port until stopped."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
from pathlib import Path
from typing import Any

import uvloop

from stream.emulator.config import (
    DEFAULT_PORTAL_ID,
    PLAN_ALIASES,
    PLANS,
    EmulatorConfig,
    Settings,
)
from stream.emulator.faults import FAULT_STATUSES
from stream.emulator.server import start_emulator


def register(subparsers: Any) -> None:
    """Add `emulator` with its plan, token, portal, behaviour and fault flags."""
    parser = subparsers.add_parser("emulator", help="serve HubSpot's REST API on a local port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    parser.add_argument("--plan", choices=[*sorted(PLANS), *sorted(PLAN_ALIASES)],
                        default="professional",
                        help="the names destination configs use (hubspot.plan); api-addon and "
                             "oauth-marketplace are old spellings of api_add_on and public_app")
    parser.add_argument("--token", action="append", default=[],
                        help="private-app bearer token (repeatable; each one is its own app)")
    parser.add_argument("--portal-id", type=int, default=DEFAULT_PORTAL_ID)
    parser.add_argument("--time-zone", default="UTC", help="portal time zone (daily reset)")
    parser.add_argument("--oauth-client-id", default="emulator-client")
    parser.add_argument("--oauth-client-secret", default="emulator-secret")
    parser.add_argument("--access-token-seconds", type=int, default=1800)
    parser.add_argument("--search-index-delay-ms", type=int, default=0)
    parser.add_argument("--retry-after", action="store_true", help="send Retry-After on 429")
    parser.add_argument("--legacy-429-body", action="store_true")
    parser.add_argument("--default-lifecyclestage", default="lead")
    parser.add_argument("--state-file", type=Path,
                        help="restore from this JSON snapshot at start, write it at shutdown")
    _add_fault_flags(parser)
    parser.set_defaults(func=run)


def _add_fault_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--latency-ms", help="fixed:V | uniform:MIN:MAX | exponential:MEAN[:MAX]")
    parser.add_argument("--error-rate", action="append", default=[], metavar="STATUS=RATE",
                        help=f"probability of answering STATUS, one of {FAULT_STATUSES}")
    parser.add_argument("--error-delay-ms", action="append", default=[], metavar="STATUS=MS")
    parser.add_argument("--reset-rate", type=float, default=0.0,
                        help="probability of closing the connection without a response")
    parser.add_argument("--fault-path-prefix", default="/")
    parser.add_argument("--fault-script", action="append", default=[], metavar="JSON",
                        help='e.g. {"path_prefix": "/crm/", "times": 3, "status": 503}')
    parser.add_argument("--faults-file", type=Path, help="JSON as POST /_emulator/faults takes")
    parser.add_argument("--seed", type=int, help="seed of the fault dice")
    parser.add_argument("--other-app-share", type=float, default=0.0,
                        help="share of the daily budget another app of the portal uses")


def latency_spec(text: str) -> dict[str, Any]:
    """Parse `--latency-ms` into the admin API's `latency_ms` object."""
    kind, *values = text.split(":")
    numbers = [float(v) for v in values]
    if kind == "fixed" and len(numbers) == 1:
        return {"distribution": "fixed", "value": numbers[0]}
    if kind == "uniform" and len(numbers) == 2:
        return {"distribution": "uniform", "min": numbers[0], "max": numbers[1]}
    if kind == "exponential" and len(numbers) in (1, 2):
        spec = {"distribution": "exponential", "mean": numbers[0]}
        return spec | ({"max": numbers[1]} if len(numbers) == 2 else {})
    raise argparse.ArgumentTypeError(f"bad --latency-ms {text!r}")


def fault_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The fault settings the flags describe."""
    faults: dict[str, Any] = json.loads(args.faults_file.read_text()) if args.faults_file else {}
    if args.latency_ms:
        faults["latency_ms"] = latency_spec(args.latency_ms)
    pairs = [item.split("=", 1) for item in args.error_rate]
    if pairs:
        faults["error_rates"] = {status: float(rate) for status, rate in pairs}
    delays = [item.split("=", 1) for item in args.error_delay_ms]
    if delays:
        faults["error_delay_ms"] = {status: float(ms) for status, ms in delays}
    if args.reset_rate:
        faults["reset_rate"] = args.reset_rate
    if args.fault_path_prefix != "/":
        faults["path_prefix"] = args.fault_path_prefix
    if args.fault_script:
        faults["script"] = [json.loads(entry) for entry in args.fault_script]
    if args.seed is not None:
        faults["seed"] = args.seed
    return faults


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """The EmulatorConfig the flags describe."""
    settings = Settings(plan=args.plan, search_index_delay_ms=args.search_index_delay_ms,
                        retry_after=args.retry_after, legacy_429_body=args.legacy_429_body,
                        default_lifecyclestage=args.default_lifecyclestage,
                        access_token_seconds=args.access_token_seconds)
    config = EmulatorConfig(portal_id=args.portal_id, time_zone=args.time_zone,
                            oauth_client_id=args.oauth_client_id,
                            oauth_client_secret=args.oauth_client_secret,
                            settings=settings, faults=fault_settings(args))
    if args.token:
        config.tokens = list(args.token)
    return config


async def serve(args: argparse.Namespace) -> None:
    """Serve until SIGTERM/SIGINT; restore and save the state file around it."""
    config = config_from_args(args)
    running = await start_emulator(config, args.host, args.port)
    state = running.state
    state.limiter.daily.other_share = args.other_app_share
    if args.state_file and args.state_file.exists():
        state.restore(json.loads(args.state_file.read_text()))
    print(f"listening={running.base_url}", flush=True)
    print(f"portal_id={config.portal_id} plan={config.settings.plan} "
          f"tokens={len(config.tokens)}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    with contextlib.suppress(asyncio.CancelledError):
        await stop.wait()
    if args.state_file:
        args.state_file.write_text(json.dumps(state.snapshot()))
    await running.stop()


def run(args: argparse.Namespace) -> int:
    """Entry point of the subcommand."""
    uvloop.run(serve(args))
    return 0
