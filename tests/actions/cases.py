"""One contract case per action: a good rendered mapping per index, how to make one record bad
(a property the worker's cache believes in but HubSpot lacks), and the path its writes use."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from stream.actions.base import ActionContext
from stream.actions.cache import PropertyType
from stream.actions.shared.event_occurrences import event_definition
from stream.actions.shared.property_schema import property_types
from tests.fixtures.emulator import EmulatorHandle

GHOST = "ghost_property"  # exists in the cache only: HubSpot rejects the record carrying it
EVENT = "signed_up"


@dataclass(frozen=True)
class ActionCase:
    """How the contract suite drives one action."""

    action: str
    render: Callable[[int, bool], dict[str, Any]]  # (index, bad) -> rendered mapping
    haunt: Callable[[ActionContext], Awaitable[None]]  # teach the cache the ghost property
    write_path: str
    setup: Callable[[EmulatorHandle], Awaitable[None]] | None = None


async def haunt_properties(ctx: ActionContext, object_type: str) -> None:
    """Put GHOST into the cached property types of `object_type`."""
    types = await property_types(ctx, object_type)
    ctx.caches.properties.put(object_type, {**types, GHOST: PropertyType("string")})


async def haunt_event(ctx: ActionContext, name: str = EVENT) -> None:
    """Put GHOST into the cached definition of event `name`."""
    definition = await event_definition(ctx, name)
    assert definition is not None
    ctx.caches.event_definitions.put(name, replace(definition, properties={
        **definition.properties, GHOST: PropertyType("string")}))


async def define_event(emulator: EmulatorHandle) -> None:
    """A contact event `signed_up` with a string property `plan`."""
    response = await emulator.call("POST", "/events/v3/event-definitions", {
        "name": EVENT, "label": "Signed up", "primaryObject": "CONTACT",
        "propertyDefinitions": [{"name": "plan", "label": "Plan", "type": "string"}]})
    assert response.status == 201, response.body


TYPED_PROPERTIES = [{"name": "plan", "label": "Plan", "type": "string"},
                    {"name": "seats", "label": "Seats", "type": "number"},
                    {"name": "paid_at", "label": "Paid at", "type": "datetime"},
                    {"name": "annual", "label": "Annual", "type": "enumeration",
                     "options": [{"label": "Yes", "value": "true"},
                                 {"label": "No", "value": "false"}]}]
BLANK_TYPED = {"seats": "", "paid_at": " ", "annual": ""}


async def define_typed_event(emulator: EmulatorHandle, name: str = "plan_paid") -> None:
    """A contact event with string, number, datetime and yes/no properties (HubSpot event
    properties have no date or bool type: a bool is an enumeration of true and false)."""
    response = await emulator.call("POST", "/events/v3/event-definitions", {
        "name": name, "label": "Plan paid", "primaryObject": "CONTACT",
        "propertyDefinitions": TYPED_PROPERTIES})
    assert response.status == 201, response.body


def _ghost(bad: bool) -> dict[str, str]:
    return {GHOST: "boo"} if bad else {}


def _contact(i: int, bad: bool) -> dict[str, Any]:
    return {"email": f"user{i}@example.com", "firstname": f"First{i}", "properties": _ghost(bad)}


def _company(i: int, bad: bool) -> dict[str, Any]:
    return {"groupid": f"group-{i}", "name": f"Company {i}", "associateContact": False,
            "properties": _ghost(bad)}


def _behavioral(i: int, bad: bool) -> dict[str, Any]:
    return {"eventName": f"pe{{portal}}_{EVENT}", "email": f"user{i}@example.com",
            "properties": {"plan": f"plan-{i}", **_ghost(bad)}}


def _record(i: int, bad: bool) -> dict[str, Any]:
    return {"objectType": "deals", "properties": {"dealname": f"Deal {i}", **_ghost(bad)}}


def _object(i: int, bad: bool) -> dict[str, Any]:
    return {"object_details": {"object_type": "contact", "id_field_name": "email",
                               "id_field_value": f"user{i}@example.com"},
            "properties": {"firstname": f"First{i}", **_ghost(bad)},
            "__segment_internal_sync_mode": "upsert"}


def _custom_event(i: int, bad: bool) -> dict[str, Any]:
    return {"event_name": EVENT, "record_details": {"object_type": "contact",
                                                    "email": f"user{i}@example.com"},
            "properties": {"plan": f"plan-{i}", **_ghost(bad)},
            "__segment_internal_sync_mode": "upsert"}


CASES = [
    ActionCase("upsert_contact", _contact, lambda c: haunt_properties(c, "contacts"),
               "/crm/v3/objects/contacts/batch/upsert"),
    ActionCase("upsert_company", _company, lambda c: haunt_properties(c, "companies"),
               "/crm/v3/objects/companies/batch/upsert"),
    ActionCase("send_custom_behavioral_event", _behavioral, haunt_event,
               "/events/v3/send/batch", define_event),
    ActionCase("upsert_custom_object_record", _record, lambda c: haunt_properties(c, "deals"),
               "/crm/v3/objects/deals/batch/create"),
    ActionCase("custom_object_v2", _object, lambda c: haunt_properties(c, "contacts"),
               "/crm/v3/objects/contacts/batch/upsert"),
    ActionCase("custom_event_v2", _custom_event, haunt_event, "/events/v3/send/batch",
               define_event),
]
