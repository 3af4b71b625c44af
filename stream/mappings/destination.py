"""Destination config models: the HubSpot connection and the mappings, typed at load time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr

from stream.mappings.fields import FieldSpec
from stream.mappings.renderer import Renderer
from stream.mappings.trigger import Trigger

MAX_MAPPINGS = 50
DEFAULT_BASE_URL = "https://api.hubapi.com"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PrivateAppAuth(_Strict):
    """A private-app access token (static bearer; `pat-na1-...`)."""

    type: Literal["private_app"]
    token: SecretStr = Field(min_length=1)


class OAuthAuth(_Strict):
    """OAuth 2.0 app credentials; access tokens are minted from the refresh token."""

    type: Literal["oauth"]
    client_id: str = Field(min_length=1)
    client_secret: SecretStr = Field(min_length=1)
    refresh_token: SecretStr = Field(min_length=1)


Auth = Annotated[PrivateAppAuth | OAuthAuth, Field(discriminator="type")]
Plan = Literal["free", "starter", "professional", "enterprise", "api_add_on", "public_app"]


class RateLimits(_Strict):
    """HubSpot request budgets for this account and app (HUBSPOT_API.md section 1)."""

    requests_per_10s: int = Field(gt=0)
    requests_per_day: int = Field(gt=0)
    search_requests_per_second: int = Field(default=5, gt=0)


# Burst per app (rolling 10 s) and daily cap per account, by plan (HUBSPOT_API.md 1.1).
PLAN_LIMITS: Mapping[str, RateLimits] = {
    "free": RateLimits(requests_per_10s=100, requests_per_day=250_000),
    "starter": RateLimits(requests_per_10s=100, requests_per_day=250_000),
    "professional": RateLimits(requests_per_10s=190, requests_per_day=625_000),
    "enterprise": RateLimits(requests_per_10s=190, requests_per_day=1_000_000),
    "api_add_on": RateLimits(requests_per_10s=250, requests_per_day=2_000_000),
    "public_app": RateLimits(requests_per_10s=110, requests_per_day=250_000),
}


class HubSpotConnection(_Strict):
    """Where and as whom to call HubSpot, and how much."""

    base_url: str = Field(default=DEFAULT_BASE_URL, pattern=r"^https?://[^\s/]+(:\d+)?(/\S*)?$")
    hub_id: str | None = Field(default=None, pattern=r"^\d+$")
    auth: Auth
    plan: Plan | None = None
    limits: RateLimits | None = None

    @property
    def rate_limits(self) -> RateLimits:
        """Explicit `limits`, else the plan's (the loader guarantees one of them is set)."""
        if self.limits is not None:
            return self.limits
        return PLAN_LIMITS[self.plan or "starter"]


class BatchingOptions(_Strict):
    """How the lane groups this mapping's action calls (bounded by the action's own limits)."""

    enabled: bool = False
    max_items: int | None = Field(default=None, ge=1, le=1000)
    max_wait_seconds: float = Field(default=1.0, gt=0, le=60)


class MappingModel(_Strict):
    """One mapping as written in YAML, before its trigger and fields are compiled."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    name: str = ""
    action: str
    trigger: str
    fields: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    use_default_mappings: bool = True
    batching: BatchingOptions = BatchingOptions()


class DestinationHeader(_Strict):
    """The config file minus its mappings."""

    destination: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    hubspot: HubSpotConnection
    mappings: list[Any] = Field(default_factory=list)


@dataclass(frozen=True)
class MappingConfig:
    """A loaded mapping: trigger parsed and fields compiled, ready for the hot path."""

    id: str
    name: str
    action: str
    trigger: Trigger
    fields: Mapping[str, Any]
    renderer: Renderer
    field_specs: Sequence[FieldSpec]
    enabled: bool
    batching: BatchingOptions


@dataclass(frozen=True)
class DestinationConfig:
    """A loaded destination: connection plus mappings in file order."""

    id: str
    source: Path
    hubspot: HubSpotConnection
    mappings: tuple[MappingConfig, ...]

    @cached_property
    def enabled_mappings(self) -> tuple[MappingConfig, ...]:
        """The mappings that take part in selection."""
        return tuple(mapping for mapping in self.mappings if mapping.enabled)
