"""The `hubspot-stream` command: one subcommand module per concern under stream.commands."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand name -> module exposing `register(subparsers) -> None`; each registered parser sets
# `func(args) -> int` as its default.
COMMAND_MODULES: dict[str, str] = {
    "dev": "stream.commands.dev",
    "topics": "stream.commands.topics",
    "worker": "stream.commands.worker",
    "emulator": "stream.commands.emulator",
    "config": "stream.commands.config",
    "produce-sample": "stream.commands.produce_sample",
    "replay": "stream.commands.replay",
    "demo": "stream.commands.demo",
}


def build_parser() -> argparse.ArgumentParser:
    """The full parser; modules that do not exist yet are left out."""
    parser = argparse.ArgumentParser(prog="hubspot-stream", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", required=True)
    for module_name in COMMAND_MODULES.values():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
