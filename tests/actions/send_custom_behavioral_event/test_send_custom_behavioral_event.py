"""send_custom_behavioral_event against the emulator: ≤ 500 per send/batch call, a
deterministic uuid so replays do not double-count, and rejections before any call."""

from __future__ import annotations

from typing import Any

import pytest

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.send_custom_behavioral_event import SEND_CUSTOM_BEHAVIORAL_EVENT
from stream.actions.send_custom_behavioral_event.payload import (
    BehavioralEventPayload,
    build_behavioral_event,
)
from stream.actions.shared.event_occurrences import occurrence_uuid
from stream.emulator.config import EmulatorConfig
from stream.errors import Reason, RejectedError
from tests.actions.cases import BLANK_TYPED, define_event, define_typed_event
from tests.actions.hubspot_setup import calls
from tests.fixtures.emulator import EmulatorHandle


def event(emulator: EmulatorHandle, index: int, **fields: Any) -> BehavioralEventPayload:
    rendered = {"eventName": f"pe{emulator.portal_id}_signed_up",
                "email": f"user{index}@example.com", "properties": {"plan": "pro"}, **fields}
    return build_behavioral_event(rendered, message_id=f"m{index}", mapping_id="events")


async def occurrences(emulator: EmulatorHandle) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await emulator.admin("GET", "events"))["results"]
    return found


async def test_events_go_out_500_per_call_after_one_definition_read(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_event(emulator)
    results = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(
        ctx, [event(emulator, i) for i in range(1000)])
    assert [r.status for r in results] == ["delivered"] * 1000
    assert [c["inputs"] for c in await calls(emulator, "/events/v3/send/batch")] == [500, 500]
    assert len(await calls(emulator, "/events/v3/event-definitions", "GET")) == 1


async def test_a_replayed_batch_does_not_double_count(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_event(emulator)
    payloads = [event(emulator, i) for i in range(3)]
    first = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(ctx, payloads)
    again = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(ctx, payloads)  # after a crash
    assert [r.object_id for r in first] == [r.object_id for r in again]
    assert len(await occurrences(emulator)) == 3


def test_uuid_depends_on_message_and_mapping_only() -> None:
    assert occurrence_uuid("m1", "a") == occurrence_uuid("m1", "a")
    assert len({occurrence_uuid("m1", "a"), occurrence_uuid("m1", "b"),
                occurrence_uuid("m2", "a")}) == 3


async def test_event_names_of_another_portal_are_rejected_per_record(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_event(emulator)
    results = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(
        ctx, [event(emulator, 1, eventName="pe1_signed_up"), event(emulator, 2)])
    assert [r.status for r in results] == ["rejected", "delivered"]
    assert results[0].error is not None
    assert results[0].error.message == f"EventName should begin with pe{emulator.portal_id}_"


async def test_undefined_event_is_rejected_as_not_found(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    results = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(ctx, [event(emulator, 1)])
    assert results[0].error is not None
    assert results[0].error.reason is Reason.NOT_FOUND
    assert await calls(emulator, "/events/v3/send") == []


def test_more_than_50_properties_are_rejected_before_any_call(emulator: EmulatorHandle) -> None:
    with pytest.raises(RejectedError, match="at most 50 properties"):
        event(emulator, 1, properties={f"p{i}": i for i in range(51)})


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": None}, "One of the following parameters: email, user token, or objectId"),
    ],
)
def test_invalid_events_are_rejected_with_segments_messages(
    emulator: EmulatorHandle, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(RejectedError, match=message):
        event(emulator, 1, **fields)


def test_event_name_is_normalised_like_segment(emulator: EmulatorHandle) -> None:
    payload = event(emulator, 1, eventName="pe22596207 Test.Event  Http")
    assert payload.event_name == "pe22596207_test_event_http"


async def test_blank_typed_values_are_left_out_and_the_event_delivered(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    await define_typed_event(emulator)
    raw = await emulator.call("POST", "/events/v3/send", {
        "eventName": f"pe{emulator.portal_id}_plan_paid", "email": "raw@example.com",
        "properties": {"seats": ""}})
    assert raw.status == 400  # what HubSpot does with "" for a number: the whole event fails
    results = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(ctx, [event(
        emulator, 1, eventName=f"pe{emulator.portal_id}_plan_paid",
        properties={"plan": "pro", **BLANK_TYPED})])
    assert results[0].status == "delivered", results[0].error
    [stored] = await occurrences(emulator)
    assert stored["properties"] == {"plan": "pro"}


async def test_name_without_prefix_and_no_hub_id_says_how_to_name_the_prefix(
    ctx: ActionContext, emulator: EmulatorHandle
) -> None:
    unknown = ActionContext(ctx.client, ctx.caches, DestinationSettings(portal_id=None))
    [result] = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(
        unknown, [event(emulator, 1, eventName="Signed Up")])
    assert result.status == "rejected" and result.error is not None
    assert result.error.message.startswith("EventName should begin with pe<hubId>_")
    assert "hub_id" in result.error.message


class TestRealHubId:
    """The portal of the issue: the message names `pe22596207_`, not `pe<hubId>_`."""

    @pytest.fixture
    def emulator_config(self) -> EmulatorConfig:
        return EmulatorConfig(portal_id=22596207)

    async def test_name_without_prefix_names_the_portals_prefix(
        self, ctx: ActionContext, emulator: EmulatorHandle
    ) -> None:
        [result] = await SEND_CUSTOM_BEHAVIORAL_EVENT.perform_batch(
            ctx, [event(emulator, 1, eventName="Signed Up")])
        assert result.status == "rejected" and result.error is not None
        assert result.error.message == "EventName should begin with pe22596207_"
        assert await calls(emulator, "/events/v3/send") == []
