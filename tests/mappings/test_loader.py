"""load_destination: valid configs load; each invalid fixture gives its exact message."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.errors import ConfigError
from stream.mappings import (
    DestinationConfigError,
    FieldSpec,
    OAuthAuth,
    PrivateAppAuth,
    load_destination,
)
from tests.mappings.catalog import TEST_CATALOG

DATA = Path(__file__).parent.parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.yaml"))
ENV = {"HUBSPOT_TOKEN": "pat-na1-secret", "HUBSPOT_CLIENT_SECRET": "shh"}


@pytest.mark.parametrize("fixture", INVALID, ids=lambda path: path.stem)
def test_invalid_config_fixture_gives_its_exact_message(fixture: Path) -> None:
    expected = fixture.with_suffix(".expected").read_text().rstrip("\n")
    with pytest.raises(DestinationConfigError) as caught:
        load_destination(fixture, TEST_CATALOG, env={})
    assert str(caught.value) == expected.replace("{file}", str(fixture))
    assert isinstance(caught.value, ConfigError)
    assert all(problem.file == str(fixture) for problem in caught.value.problems)


def test_minimal_config_takes_defaults() -> None:
    config = load_destination(DATA / "valid" / "minimal.yaml", TEST_CATALOG, env=ENV)
    assert config.id == "minimal"
    assert config.hubspot.base_url == "https://api.hubapi.com"
    assert isinstance(config.hubspot.auth, PrivateAppAuth)
    assert config.hubspot.auth.token.get_secret_value() == "pat-na1-secret"
    assert config.hubspot.rate_limits.requests_per_10s == 100
    assert config.hubspot.rate_limits.requests_per_day == 250_000
    (contacts,) = config.mappings
    assert contacts.name == "contacts"
    assert str(contacts.trigger) == 'type = "identify"'
    assert set(contacts.fields) == {"email", "firstname", "enable_batching"}
    assert not contacts.batching.enabled


def test_full_config_reads_every_section() -> None:
    config = load_destination(DATA / "valid" / "full.yaml", TEST_CATALOG, env=ENV)
    hubspot = config.hubspot
    assert (hubspot.base_url, hubspot.hub_id) == ("http://127.0.0.1:8080", "12345678")
    assert isinstance(hubspot.auth, OAuthAuth)
    assert hubspot.auth.client_secret.get_secret_value() == "shh"
    assert hubspot.auth.refresh_token.get_secret_value() == "fallback-refresh"
    assert (
        hubspot.rate_limits.requests_per_10s,
        hubspot.rate_limits.search_requests_per_second,
    ) == (
        50,
        2,
    )
    assert [mapping.id for mapping in config.mappings] == [
        "contacts",
        "companies",
        "orders",
        "subscriptions",
    ]
    assert [mapping.id for mapping in config.enabled_mappings] == [
        "contacts",
        "companies",
        "subscriptions",
    ]
    contacts, companies, orders, subscriptions = config.mappings
    assert contacts.batching.max_items == 50 and contacts.batching.max_wait_seconds == 0.5
    assert contacts.fields["email"] == {"@path": "$.traits.email"}
    assert contacts.fields["enable_batching"] is True
    assert set(companies.fields) == {"groupid", "createNewCompany"}
    assert "occurredAt" not in orders.fields
    assert subscriptions.fields["association_sync_mode"] == "upsert"


def test_secrets_never_appear_in_reprs() -> None:
    config = load_destination(DATA / "valid" / "full.yaml", TEST_CATALOG, env=ENV)
    assert "shh" not in repr(config)
    assert "fallback-refresh" not in repr(config.hubspot)


def test_unset_secrets_can_be_skipped_to_check_structure_only() -> None:
    config = load_destination(
        DATA / "valid" / "minimal.yaml", TEST_CATALOG, env={}, require_secrets=False
    )
    assert isinstance(config.hubspot.auth, PrivateAppAuth)


def test_missing_file_is_a_config_error_naming_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    with pytest.raises(DestinationConfigError, match=r"absent\.yaml: file: cannot be read"):
        load_destination(path, TEST_CATALOG, env={})


def test_environment_defaults_to_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_TOKEN", "from-process")
    config = load_destination(DATA / "valid" / "minimal.yaml", TEST_CATALOG)
    assert isinstance(config.hubspot.auth, PrivateAppAuth)
    assert config.hubspot.auth.token.get_secret_value() == "from-process"


def test_empty_environment_value_counts_as_unset() -> None:
    with pytest.raises(DestinationConfigError, match="HUBSPOT_TOKEN is not set"):
        load_destination(DATA / "valid" / "minimal.yaml", TEST_CATALOG, env={"HUBSPOT_TOKEN": ""})


def test_structured_object_written_as_dict_takes_sub_field_defaults(tmp_path: Path) -> None:
    catalog = {
        "custom_event_v2": (
            FieldSpec(
                "record_details",
                "Record",
                "object",
                required=True,
                properties=(
                    FieldSpec("object_type", "Type", "string", required=True),
                    FieldSpec("email", "Email", "email", default={"@path": "$.traits.email"}),
                ),
            ),
        )
    }
    path = tmp_path / "events.yaml"
    path.write_text(
        "destination: d\nhubspot: {plan: free, auth: {type: private_app, token: t}}\n"
        'mappings:\n  - id: e\n    action: custom_event_v2\n    trigger: type = "track"\n'
        "    fields:\n      record_details: {object_type: contact}\n"
    )
    (mapping,) = load_destination(path, catalog, env={}).mappings
    assert mapping.fields["record_details"] == {
        "email": {"@path": "$.traits.email"},
        "object_type": "contact",
    }
