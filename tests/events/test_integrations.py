"""The `integrations` object decides whether an event may reach this destination."""

from __future__ import annotations

from typing import Any

import pytest

from stream.events import DESTINATION_NAMES, is_enabled_for_destination, parse_event
from tests.builders import encode, make_track

CASES: list[tuple[str, dict[str, Any] | None, bool]] = [
    ("absent", None, True),
    ("empty", {}, True),
    ("other destination off", {"Mixpanel": False}, True),
    ("All true", {"All": True}, True),
    ("All false", {"All": False}, False),
    ("All false, named true", {"All": False, "HubSpot Cloud Mode (Actions)": True}, True),
    (
        "All false, named with settings",
        {"All": False, "Hubspot Cloud Mode (Actions)": {"x": 1}},
        True,
    ),
    ("named false", {"HubSpot Cloud Mode (Actions)": False}, False),
    ("named false, All true", {"All": True, "Hubspot Cloud Mode (actions)": False}, False),
    ("lower-case spelling false", {"hubspot cloud mode (actions)": False}, False),
    ("All false, other named true", {"All": False, "Mixpanel": True}, False),
]


@pytest.mark.parametrize(
    ("integrations", "enabled"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_integrations_object_enables_or_disables(
    integrations: dict[str, Any] | None, enabled: bool
) -> None:
    raw = make_track()
    if integrations is None:
        del raw["integrations"]
    else:
        raw["integrations"] = integrations
    assert is_enabled_for_destination(raw) is enabled
    assert is_enabled_for_destination(parse_event(encode(raw))) is enabled


@pytest.mark.parametrize("name", DESTINATION_NAMES)
def test_every_documented_spelling_is_recognised(name: str) -> None:
    assert not is_enabled_for_destination(make_track(integrations={name: False}))
    assert is_enabled_for_destination(make_track(integrations={"All": False, name: True}))
