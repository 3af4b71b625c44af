"""The emulator's clock: real time plus an offset that tests and the admin API can move."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Seconds since the epoch; `advance` and `set_now` shift it, `frozen` stops real time."""

    def __init__(self, start_epoch_seconds: float | None = None, *, frozen: bool = False) -> None:
        self._offset_seconds = 0.0
        self._frozen_at: float | None = None
        if start_epoch_seconds is not None:
            self.set_now(start_epoch_seconds)
        if frozen:
            self.freeze(True)

    def now(self) -> float:
        """Current emulator time in epoch seconds."""
        if self._frozen_at is not None:
            return self._frozen_at
        return time.time() + self._offset_seconds

    @property
    def frozen(self) -> bool:
        """True when the clock only moves through `advance`/`set_now`."""
        return self._frozen_at is not None

    def advance(self, seconds: float) -> None:
        """Move the clock forward (or back, for negative seconds)."""
        if self._frozen_at is not None:
            self._frozen_at += seconds
        else:
            self._offset_seconds += seconds

    def set_now(self, epoch_seconds: float) -> None:
        """Jump to an absolute time."""
        if self._frozen_at is not None:
            self._frozen_at = epoch_seconds
        else:
            self._offset_seconds = epoch_seconds - time.time()

    def freeze(self, frozen: bool) -> None:
        """Stop (True) or restart (False) the flow of real time, keeping the current reading."""
        current = self.now()
        if frozen:
            self._frozen_at = current
        else:
            self._frozen_at = None
            self._offset_seconds = current - time.time()


def iso_ms(epoch_seconds: float) -> str:
    """ISO-8601 UTC with milliseconds and a Z, as HubSpot formats timestamps."""
    stamp = datetime.fromtimestamp(epoch_seconds, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def parse_instant(value: object) -> float:
    """Epoch seconds from epoch ms (number or digits) or ISO-8601; ValueError if neither."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, int | float):
        return float(value) / 1000.0
    if isinstance(value, str):
        text = value.strip()
        if text.lstrip("-").isdigit():
            return int(text) / 1000.0
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.timestamp()
    raise ValueError(f"{value!r} is not a time")
