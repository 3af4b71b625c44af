"""upsert_company payloads: the company, its search fields and the contact to associate."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from stream.actions.base import Payload, invalid
from stream.actions.shared.values import email, flag, flatten_properties, mapping, text, texts
from stream.mappings.payload import as_integer

_STANDARD = ("name", "description", "address", "city", "state", "zip", "domain", "phone",
             "industry")
GROUP_ID_PROPERTY = "segment_group_id"


@dataclass(kw_only=True)
class CompanyPayload(Payload):
    """A company write; `contact_id` is filled in by the user lane (HubSpot contact id)."""

    group_id: str
    properties: Mapping[str, Any]
    create_new: bool = True
    associate_contact: bool = True
    search_fields: Mapping[str, str] | None = None
    contact_id: str | None = None
    contact_email: str | None = None
    contact_failure: str | None = None  # why the user's contact write failed (user lane)


def build_company(
    rendered: Mapping[str, Any], *, message_id: str, mapping_id: str
) -> CompanyPayload:
    """Validate an upsert_company mapping (ACTIONS.md Part B 2.2-2.3)."""
    group_id = text(rendered, "groupid", required=True)
    assert group_id is not None
    properties: dict[str, Any] = texts(rendered, _STANDARD)
    employees = rendered.get("numberofemployees")
    if employees not in (None, ""):
        properties["numberofemployees"] = _integer("numberofemployees", employees)
    stage = text(rendered, "lifecyclestage")
    if stage:
        properties["lifecyclestage"] = stage.lower()
    extra = flatten_properties(rendered.get("properties"))
    if extra.get(GROUP_ID_PROPERTY):
        raise invalid("Segment uses 'segment_group_id' property internally to map Segment Group "
                      "IDs to HubSpot companies; it shouldn't be defined explicitly")
    properties.update(extra)
    search = {str(k): str(v) for k, v in mapping(rendered, "companysearchfields").items()
              if v not in (None, "")}
    return CompanyPayload(
        message_id=message_id,
        mapping_id=mapping_id,
        group_id=group_id,
        properties=properties,
        create_new=flag(rendered, "createNewCompany", True),
        associate_contact=flag(rendered, "associateContact", True),
        search_fields=search or None,
        contact_email=_optional_email(rendered),
    )


def _integer(name: str, value: Any) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise invalid(f"'{name}' must be an integer; got {value!r}") from None
    whole = None if isinstance(value, bool) else as_integer(number)
    if whole is None:
        raise invalid(f"'{name}' must be an integer (64 bits at most); got {value!r}")
    return whole


def _optional_email(rendered: Mapping[str, Any]) -> str | None:
    try:
        return email(rendered, "contact_email")
    except Exception:
        return None  # a malformed user email must not block the company write
