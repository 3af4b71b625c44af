"""A fixed time budget for fuzzing: FUZZ_SECONDS in all, shared by the fuzz targets."""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from hypothesis import HealthCheck, settings

# `make test` runs every target for its share of this; `make fuzz` sets FUZZ_SECONDS (600).
DEFAULT_FUZZ_SECONDS = 30.0
FUZZ_TARGETS = 3
# One round of examples; rounds repeat, each with a fresh seed, until the target's time is up.
ROUND = settings(max_examples=50, deadline=None, database=None,
                 suppress_health_check=list(HealthCheck))


def seconds_per_target() -> float:
    """This target's share of FUZZ_SECONDS."""
    return float(os.environ.get("FUZZ_SECONDS", DEFAULT_FUZZ_SECONDS)) / FUZZ_TARGETS


def fuzz_for_budget(run_round: Callable[[], None]) -> int:
    """Run `run_round` (a @given test) until the budget is spent; the number of rounds run.
    A failing example stops the run with hypothesis's shrunk counterexample."""
    deadline = time.monotonic() + seconds_per_target()
    rounds = 0
    while not rounds or time.monotonic() < deadline:
        run_round()
        rounds += 1
    return rounds
