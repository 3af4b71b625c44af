"""HubSpot faults: a 503 outage, 429 storms, a revoked token, the DAILY park."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.faults import injectors
from tests.faults.harness import Variant, fault_run, on_emulator, variants
from tests.fixtures.emulator import EmulatorHandle

pytestmark = pytest.mark.integration
CLOCK_SHIFT = Path(__file__).parent / "clock_shift"
HUBSPOT_CLOCK_BEHIND_SECONDS = 1.0  # clocks are never exactly in step
Injector = Callable[[EmulatorHandle, float], float]


def outage(**answer: Any) -> Injector:
    return lambda emulator, seconds: injectors.hubspot_window(emulator, seconds, **answer)


# name, fault, (short, soak) seconds of fault, short timeout (a 401 is retried once a minute)
HUBSPOT_FAULTS: list[tuple[str, Injector, tuple[float, float, float]]] = [
    ("503", outage(status=503), (12, 60, 45)),
    ("429-storm", outage(status=429, policy="TEN_SECONDLY_ROLLING"), (10, 30, 45)),
    ("token-death", injectors.token_death, (10, 60, 90)),
]


@pytest.mark.parametrize(("name", "fault", "variant"), [
    pytest.param(name, fault, *param.values, id=f"{name}-{param.id}", marks=param.marks)
    for name, fault, seconds in HUBSPOT_FAULTS for param in variants(*seconds)])
def test_hubspot_fault_mid_stream(name: str, fault: Injector, variant: Variant,
                                  kafka_bootstrap: str, redis_url: str, tmp_path: Path) -> None:
    """HubSpot misbehaves for `fault_seconds` while events keep coming; the worker must
    resume by itself once it behaves again."""
    with fault_run(f"HubSpot {name}", kafka_bootstrap, redis_url, tmp_path,
                   variant.users) as run:
        run.stream_until(0.5)
        run.produce_waves(variant.waves - 1)
        ended = fault(run.emulator, variant.fault_seconds)
        run.finish(ended, variant.timeout_seconds).assert_promise()


@pytest.mark.parametrize("variant", variants(40, 120))
def test_daily_limit_parks_until_the_portals_midnight_then_resumes(
        variant: Variant, kafka_bootstrap: str, tmp_path: Path) -> None:
    """Worker (tests/faults/clock_shift) and emulator (its clock) both live `fault_seconds`
    before the portal's midnight (UTC): the day's budget is used up, the worker parks, midnight
    resets it. Without Redis: its shared park is an absolute time judged by Redis's own clock,
    which the shift does not move."""
    now = datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    offset_seconds = int((midnight - now).total_seconds() - variant.fault_seconds)
    clock_env = {"PYTHONPATH": str(CLOCK_SHIFT), "FAULT_CLOCK_OFFSET_SECONDS": str(offset_seconds)}
    with fault_run("DAILY park", kafka_bootstrap, None, tmp_path, variant.users,
                   env=clock_env) as run:
        hubspot_now = time.time() + offset_seconds - HUBSPOT_CLOCK_BEHIND_SECONDS
        on_emulator(run.emulator.set_clock(int(hubspot_now * 1000)))
        fault_ends = time.monotonic() + variant.fault_seconds
        run.stream_until(0.5)
        injectors.exhaust_daily_budget(run.emulator)
        run.produce_waves(variant.waves - 1)
        assert time.monotonic() < fault_ends, "the budget ran out only after midnight"
        report = run.finish(fault_ends, variant.timeout_seconds)
        report.notes["daily_429"] = on_emulator(run.emulator.stats())["rate_limited"]["DAILY"]
        report.assert_promise()
