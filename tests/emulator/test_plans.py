"""One set of plan names: the emulator's plans are the ones destination configs use; the old
emulator spellings still work, with a warning naming the new one."""

from __future__ import annotations

import asyncio
import logging
from typing import get_args

import pytest

from stream.emulator.config import PLANS, Settings
from stream.mappings.destination import PLAN_LIMITS, Plan
from tests.fixtures.emulator import EmulatorHandle, run_emulator_process


def test_emulator_and_destination_configs_share_plan_names() -> None:
    assert set(get_args(Plan)) == set(PLANS) - {"unlimited"} == set(PLAN_LIMITS)
    for name, limits in PLAN_LIMITS.items():
        assert PLANS[name].burst_per_10s == limits.requests_per_10s, name


@pytest.mark.parametrize(("old", "new"), [("api-addon", "api_add_on"),
                                          ("oauth-marketplace", "public_app")])
def test_old_spellings_are_accepted_with_a_warning(
        old: str, new: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="stream.emulator.config"):
        assert Settings(plan=old).plan == new
    assert f"plan {old!r} is now called {new!r}" in caplog.text


async def test_settings_endpoint_takes_old_and_new_names(emulator: EmulatorHandle) -> None:
    assert (await emulator.settings(plan="api-addon"))["plan"] == "api_add_on"
    assert (await emulator.settings(plan="public_app"))["plan"] == "public_app"
    refused = await emulator.call("POST", "/_emulator/settings", {"plan": "gold"}, token="")
    assert refused.status == 400 and "unknown plan 'gold'" in str(refused.body)


def test_cli_takes_an_old_spelling() -> None:
    with run_emulator_process(plan="oauth-marketplace") as emulator:
        settings = asyncio.run(emulator.admin("GET", "settings"))
    assert settings["plan"] == "public_app"
