"""Running the emulator on a real TCP port, in-process (tests, benchmarks) or as the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from stream.emulator.app import build_app
from stream.emulator.clock import Clock
from stream.emulator.config import EmulatorConfig
from stream.emulator.state import STATE, EmulatorState


@dataclass(slots=True)
class RunningEmulator:
    """A started emulator: its URL, its state, and how to stop it."""

    runner: web.AppRunner
    app: web.Application
    base_url: str

    @property
    def state(self) -> EmulatorState:
        """The in-memory portal (for in-process inspection)."""
        return self.app[STATE]

    async def stop(self) -> None:
        """Close the listening socket and every connection."""
        await self.runner.cleanup()


async def start_emulator(config: EmulatorConfig, host: str = "127.0.0.1", port: int = 0,
                         clock: Clock | None = None) -> RunningEmulator:
    """Serve a fresh emulator on host:port (0 picks a free port)."""
    app = build_app(config, clock)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_host, bound_port = runner.addresses[0][:2]
    return RunningEmulator(runner, app, f"http://{bound_host}:{bound_port}")
