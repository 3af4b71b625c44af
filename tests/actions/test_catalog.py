"""The catalog: six actions named like their modules, Segment's field keys and default mappings."""

from __future__ import annotations

import importlib

from stream.actions.catalog import ACTIONS
from stream.mappings.fields import field_names


def test_every_action_is_named_like_its_module() -> None:
    assert sorted(ACTIONS) == sorted([
        "upsert_contact", "upsert_company", "send_custom_behavioral_event",
        "upsert_custom_object_record", "custom_object_v2", "custom_event_v2"])
    for name, action in ACTIONS.items():
        module = importlib.import_module(f"stream.actions.{name}")
        assert action in vars(module).values(), name


def test_field_keys_are_segments_so_configs_carry_over() -> None:
    assert field_names(ACTIONS["upsert_contact"].fields)[:12] == (
        "email", "company", "firstname", "lastname", "phone", "address", "city", "state",
        "country", "zip", "website", "lifecyclestage")
    assert {"groupid", "createNewCompany", "associateContact", "companysearchfields",
            "numberofemployees"} <= set(field_names(ACTIONS["upsert_company"].fields))
    assert "__segment_internal_sync_mode" in field_names(ACTIONS["custom_object_v2"].fields)


def test_default_mappings_are_segments() -> None:
    fields = {f.name: f for f in ACTIONS["upsert_contact"].fields}
    assert fields["email"].default == {"@path": "$.traits.email"}
    assert fields["firstname"].default == {"@if": {
        "exists": {"@path": "$.traits.first_name"}, "then": {"@path": "$.traits.first_name"},
        "else": {"@path": "$.traits.firstName"}}}
    company = {f.name: f for f in ACTIONS["upsert_company"].fields}
    assert (company["createNewCompany"].default, company["associateContact"].default) == (
        True, True)
