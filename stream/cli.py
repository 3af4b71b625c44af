"""The `hubspot-stream` command: one subcommand module per concern under stream.commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand name -> (module exposing `register(subparsers) -> None`, one-line help). Only the
# chosen subcommand's module is imported, so one command's imports never slow or break another.
COMMANDS: dict[str, tuple[str, str]] = {
    "worker": ("stream.commands.worker", "run a worker for one destination config"),
    "config": ("stream.commands.config", "check a destination config (mappings)"),
    "topics": ("stream.commands.topics", "create the declared Kafka topics"),
    "emulator": ("stream.commands.emulator", "run the HubSpot emulator"),
    "produce-sample": ("stream.commands.produce_sample", "produce sample Segment events"),
    "try": ("stream.commands.try_event", "show what a config does with an event, against HubSpot"),
    "replay": ("stream.commands.replay", "re-publish failed events after a config fix"),
    "demo": ("stream.commands.demo", "the demo of `make run`"),
    "dev": ("stream.commands.dev", "local development services (Kafka broker, counter)"),
}


def build_parser(command: str | None) -> argparse.ArgumentParser:
    """The parser, with the full options of `command` (only names and help for the others)."""
    parser = argparse.ArgumentParser(
        prog="hubspot-stream", description=__doc__,
        epilog="exit codes: 0 ok, 1 check failed, 2 usage or configuration error, "
        "3 Kafka/HubSpot/Redis unreachable, 4 HubSpot refused the credentials, 70 internal error")
    parser.add_argument("--version", action="version",
                        version=f"hubspot-stream {_version()}")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        if name == command:
            importlib.import_module(module_name).register(subparsers)
        else:
            subparsers.add_parser(name, help=help_text)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hubspot-stream")
    except PackageNotFoundError:
        return "unknown (not installed)"


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code (Exit)."""
    from stream.commands.exit_codes import run_guarded

    arguments = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in arguments if not a.startswith("-")), None)
    args = build_parser(command if command in COMMANDS else None).parse_args(arguments)
    return run_guarded(args.command, lambda: int(args.func(args)))


if __name__ == "__main__":
    sys.exit(main())
