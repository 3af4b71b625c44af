"""`config check --online`: the credentials work, and what each mapping writes exists in HubSpot
(or will be created by the action), read with budgeted GET calls through the worker's client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from stream.hubspot.client import HubSpotClient
from stream.mappings import DestinationConfig, MappingConfig

Verdict = Literal["ok", "create", "missing", "unchecked"]
EVENT_DEFINITIONS = "/events/v3/event-definitions"
# action -> (object type, the action's fields that are HubSpot properties of it)
PROPERTY_FIELDS: Mapping[str, tuple[str, frozenset[str]]] = {
    "upsert_contact": ("contacts", frozenset({
        "email", "company", "firstname", "lastname", "phone", "address", "city", "state",
        "country", "zip", "website", "lifecyclestage"})),
    "upsert_company": ("companies", frozenset({
        "name", "description", "address", "city", "state", "zip", "domain", "phone",
        "numberofemployees", "industry", "lifecyclestage"})),
}
CREATED_BY_ACTION = {("upsert_company", "segment_group_id")}
EVENT_NAME_FIELD = {"send_custom_behavioral_event": "eventName", "custom_event_v2": "event_name"}


@dataclass(frozen=True)
class Finding:
    """One line of the report."""

    verdict: Verdict
    mapping: str
    text: str

    def __str__(self) -> str:
        return f"  {self.verdict:<9} {self.mapping}: {self.text}"


class OnlineCheck:
    """Reads properties, schemas and event definitions once each (cached per check)."""

    def __init__(self, client: HubSpotClient) -> None:
        self.client = client
        self._properties: dict[str, set[str]] = {}

    async def credentials(self) -> Finding:
        """GET the contact properties: 2xx means the credential and its read scope work."""
        answer = await self.client.request("GET", "/crm/v3/properties/contacts")
        if answer.status == 403:
            return Finding("missing", "credentials", "accepted, but the scope "
                           "crm.schemas.contacts.read is missing (403)")
        return Finding("ok" if answer.ok else "missing", "credentials",
                       "accepted by HubSpot" if answer.ok else f"HubSpot answered {answer.status}")

    async def mapping(self, mapping: MappingConfig) -> list[Finding]:
        """What this mapping writes, each verified."""
        findings: list[Finding] = []
        if mapping.action in PROPERTY_FIELDS:
            findings += await self._properties_of(mapping)
        if mapping.action in EVENT_NAME_FIELD:
            findings.append(await self._event(mapping, mapping.fields.get(
                EVENT_NAME_FIELD[mapping.action])))
        object_type = _object_type(mapping)
        if object_type is not None:
            findings.append(await self._schema(mapping, object_type))
        return findings or [Finding("unchecked", mapping.id, f"{mapping.action}: nothing to "
                                    "verify statically")]

    async def _properties_of(self, mapping: MappingConfig) -> list[Finding]:
        object_type, property_fields = PROPERTY_FIELDS[mapping.action]
        names = {name for name in mapping.fields if name in property_fields}
        names |= _literal_keys(mapping.fields.get("properties"))
        existing = await self._existing_properties(object_type)
        created = {name for action, name in CREATED_BY_ACTION if action == mapping.action}
        findings = [Finding("create", mapping.id, f"{object_type} property {name} does not "
                            "exist yet: the action creates it") for name in sorted(created
                                                                                 - existing)]
        missing = sorted(names - existing)
        findings += [Finding("missing", mapping.id, f"{object_type} property {name} does not "
                             "exist: create it in HubSpot (Settings > Properties) or remove it "
                             "from the mapping") for name in missing]
        if names - set(missing):
            findings.append(Finding("ok", mapping.id, f"{object_type} properties exist: "
                                    f"{', '.join(sorted(names - set(missing)))}"))
        return findings

    async def _existing_properties(self, object_type: str) -> set[str]:
        if object_type not in self._properties:
            answer = await self.client.request("GET", f"/crm/v3/properties/{object_type}")
            results = answer.body.get("results", []) if answer.ok else []
            self._properties[object_type] = {str(p.get("name")) for p in results}
        return self._properties[object_type]

    async def _event(self, mapping: MappingConfig, name: Any) -> Finding:
        if not isinstance(name, str) or "{{" in name:
            answer = await self.client.request("GET", EVENT_DEFINITIONS)
            count = len(answer.body.get("results", [])) if answer.ok else 0
            return Finding("unchecked", mapping.id, f"event name is computed per event; "
                           f"{count} event definitions exist in the portal")
        answer = await self.client.request("GET", f"{EVENT_DEFINITIONS}/{name}")
        if answer.ok:
            return Finding("ok", mapping.id, f"event definition {name} exists")
        return Finding("missing", mapping.id, f"event definition {name} does not exist "
                       f"({answer.status}): create it in HubSpot (Data management > Events)")

    async def _schema(self, mapping: MappingConfig, object_type: str) -> Finding:
        answer = await self.client.request("GET", f"/crm/v3/schemas/{object_type}")
        if answer.ok:
            return Finding("ok", mapping.id, f"object type {object_type} exists")
        return Finding("missing", mapping.id, f"object type {object_type} does not exist "
                       f"({answer.status}): create its schema in HubSpot")


def _literal_keys(value: Any) -> set[str]:
    """Property names a free-form `properties` object names literally (not a directive)."""
    if isinstance(value, Mapping) and not any(str(k).startswith("@") for k in value):
        return {str(key) for key in value}
    return set()


def _object_type(mapping: MappingConfig) -> str | None:
    details = mapping.fields.get("object_details")
    value = details.get("object_type") if isinstance(details, Mapping) else \
        mapping.fields.get("objectType")
    return value if isinstance(value, str) and value.startswith(("p_", "2-")) else None


async def check_online(destination: DestinationConfig, client: HubSpotClient) -> list[Finding]:
    """Every finding: credentials first (nothing else is read when they fail)."""
    check = OnlineCheck(client)
    credentials = await check.credentials()
    if credentials.verdict != "ok":
        return [credentials]
    findings = [credentials]
    for mapping in destination.enabled_mappings:
        findings += await check.mapping(mapping)
    return findings
