"""select_mappings: enabled mappings whose trigger matches, each with a payload or an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.errors import Reason
from stream.mappings import DestinationConfig, load_destination, select_mappings
from tests.builders import make_group, make_identify, make_page, make_track
from tests.mappings.catalog import TEST_CATALOG

VALID = Path(__file__).parent.parent / "data" / "valid"


@pytest.fixture(scope="module")
def destination() -> DestinationConfig:
    return load_destination(VALID / "full.yaml", TEST_CATALOG, env={"HUBSPOT_CLIENT_SECRET": "s"})


def test_identify_selects_the_contact_mapping_with_its_rendered_payload(
    destination: DestinationConfig,
) -> None:
    event = make_identify(traits={"first_name": "Ada", "stage": "Lead"})
    (match,) = select_mappings(destination, event)
    assert match.mapping.id == "contacts"
    assert match.error is None
    assert match.payload == {
        "email": "ada@example.com",
        "firstname": "Ada",
        "lifecyclestage": "lead",
        "enable_batching": True,
    }


def test_event_without_a_matching_trigger_selects_nothing(destination: DestinationConfig) -> None:
    assert select_mappings(destination, make_page()) == []
    assert select_mappings(destination, make_identify(email=None)) == []


def test_disabled_mappings_are_never_selected(destination: DestinationConfig) -> None:
    assert select_mappings(destination, make_track("Order Completed")) == []


def test_invalid_payload_is_reported_on_its_match_only(destination: DestinationConfig) -> None:
    event = make_track(
        "Subscription Started", properties={"id": "sub-1"}, context={"traits": {"email": "x"}}
    )
    (match,) = select_mappings(destination, event)
    assert match.payload == {
        "object_details": {
            "object_type": "p_subscriptions",
            "id_field_name": "subscription_id",
            "id_field_value": "sub-1",
        },
        "association_sync_mode": "upsert",
        "associations": [{"object_type": "contact", "id_field_value": "x"}],
    }
    missing = make_track("Subscription Started", properties={}, context={})
    (failed,) = select_mappings(destination, missing)
    assert failed.payload is None
    assert failed.error is not None
    assert failed.error.reason is Reason.INVALID_PAYLOAD
    assert failed.error.message == (
        "The value at /object_details is missing the required field 'id_field_value'."
    )


def test_group_payload_is_coerced_to_field_types(destination: DestinationConfig) -> None:
    (match,) = select_mappings(destination, make_group(group_id="g-1"))
    assert match.payload == {"groupid": "g-1", "createNewCompany": False}
