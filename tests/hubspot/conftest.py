"""The batch protocol tests drive the real client on the emulator through an ActionContext."""

from __future__ import annotations

from tests.actions.conftest import ctx

__all__ = ["ctx"]
