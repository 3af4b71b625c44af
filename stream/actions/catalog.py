"""Every action by name (config value = package name = metric label = outcome field)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from stream.actions.base import Action
from stream.actions.custom_event_v2 import CUSTOM_EVENT_V2
from stream.actions.custom_object_v2 import CUSTOM_OBJECT_V2
from stream.actions.send_custom_behavioral_event import SEND_CUSTOM_BEHAVIORAL_EVENT
from stream.actions.upsert_company import UPSERT_COMPANY
from stream.actions.upsert_contact import UPSERT_CONTACT
from stream.actions.upsert_custom_object_record import UPSERT_CUSTOM_OBJECT_RECORD

ACTIONS: Mapping[str, Action] = MappingProxyType({
    action.name: action
    for action in (
        UPSERT_CONTACT,
        UPSERT_COMPANY,
        SEND_CUSTOM_BEHAVIORAL_EVENT,
        UPSERT_CUSTOM_OBJECT_RECORD,
        CUSTOM_OBJECT_V2,
        CUSTOM_EVENT_V2,
    )
})
