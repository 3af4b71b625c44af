"""custom_event_v2 against the emulator: definitions and properties created as the sync mode
allows, values coerced by the definition, Segment's value cleaning kept."""

from __future__ import annotations

from typing import Any

import pytest

from stream.actions.base import ActionContext
from stream.actions.custom_event_v2 import CUSTOM_EVENT_V2
from stream.actions.custom_event_v2.definitions import PROPERTIES_MISSING, SCHEMA_MISSING
from stream.actions.custom_event_v2.payload import (
    CustomEventPayload,
    build_custom_event,
    clean_event_value,
)
from stream.errors import RejectedError
from tests.actions.cases import BLANK_TYPED, define_event, define_typed_event
from tests.actions.hubspot_setup import calls
from tests.fixtures.emulator import EmulatorHandle


def event(index: int, mode: str = "upsert", **properties: Any) -> CustomEventPayload:
    rendered = {"event_name": "Plan Changed", "__segment_internal_sync_mode": mode,
                "record_details": {"object_type": "contact", "email": f"u{index}@example.com"},
                "properties": properties, "occurred_at": "2024-05-01T12:00:00Z"}
    return build_custom_event(rendered, message_id=f"m{index}", mapping_id="events")


async def test_upsert_mode_creates_the_definition_then_sends_in_one_batch(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await CUSTOM_EVENT_V2.perform_batch(
        ctx, [event(i, plan="pro", seats=i, trial=True) for i in range(3)])
    assert [r.status for r in results] == ["delivered"] * 3
    assert len(await calls(emulator, "/events/v3/event-definitions", "POST")) == 1
    assert [c["inputs"] for c in await calls(emulator, "/events/v3/send/batch")] == [3]


async def test_missing_properties_are_added_unless_the_mode_is_add(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await CUSTOM_EVENT_V2.perform_batch(ctx, [event(1, plan="pro")])
    added = await CUSTOM_EVENT_V2.perform_batch(ctx, [event(2, plan="pro", seats=4)])
    refused = await CUSTOM_EVENT_V2.perform_batch(ctx, [event(3, "add", plan="x", color="red")])
    assert added[0].status == "delivered"
    assert refused[0].error is not None
    assert refused[0].error.message == PROPERTIES_MISSING


async def test_update_mode_does_not_create_a_definition(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await CUSTOM_EVENT_V2.perform_batch(ctx, [event(1, "update", plan="pro")])
    assert results[0].error is not None
    assert results[0].error.message == SCHEMA_MISSING
    assert await calls(emulator, "/events/v3/send") == []


async def test_values_are_coerced_by_the_existing_definition(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_event(emulator)  # signed_up with a string property `plan`
    rendered = {"event_name": "signed_up", "record_details": {"object_type": "contact",
                                                             "email": "a@example.com"},
                "properties": {"plan": 42}}
    payload = build_custom_event(rendered, message_id="1", mapping_id="m")
    results = await CUSTOM_EVENT_V2.perform_batch(ctx, [payload])
    assert results[0].status == "delivered"
    stored = (await emulator.admin("GET", "events"))["results"]
    assert stored[0]["properties"]["plan"] == "42"


async def test_blank_typed_values_are_left_out_and_the_event_delivered(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_typed_event(emulator)
    rendered = {"event_name": "plan_paid", "record_details": {"object_type": "contact",
                                                             "email": "a@example.com"},
                "properties": {"plan": "pro", **BLANK_TYPED}}
    payload = build_custom_event(rendered, message_id="1", mapping_id="m")
    results = await CUSTOM_EVENT_V2.perform_batch(ctx, [payload])
    assert results[0].status == "delivered", results[0].error
    [stored] = (await emulator.admin("GET", "events"))["results"]
    assert stored["properties"] == {"plan": "pro"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("true", True), ("12", 12), ("1.5", 1.5), ("+18685550100", "+18685550100"), ("  ", ""),
     ({"a": 1}, '{"a":1}'), (" text ", "text")],
)
def test_values_are_cleaned_like_segment(value: Any, expected: Any) -> None:
    assert clean_event_value(value) == expected


@pytest.mark.parametrize(
    ("details", "message"),
    [
        ({"object_type": "deal"}, "object_id is required and must be numeric"),
        ({"object_type": "contact"}, "Contact requires at least one of object_id"),
    ],
)
def test_record_identity_is_validated(details: dict[str, Any], message: str) -> None:
    with pytest.raises(RejectedError, match=message):
        build_custom_event({"event_name": "x", "record_details": details},
                           message_id="1", mapping_id="m")


def test_event_name_is_normalised() -> None:
    assert event(1).event_name == "plan_changed"
