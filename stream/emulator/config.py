"""Emulator configuration: plans and their limits, startup config and runtime settings."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

LOGGER = logging.getLogger(__name__)

DEFAULT_TOKEN = "pat-na1-emulator"
DEFAULT_PORTAL_ID = 7878787


@dataclass(frozen=True, slots=True)
class PlanLimits:
    """Rate limits of one HubSpot account tier (HUBSPOT_API.md section 1.1)."""

    burst_per_10s: int
    daily: int
    associations_per_10s: int
    daily_headers: bool = True


# The plan names destination configs use (hubspot.plan), one set everywhere: HubSpot's tiers,
# its API Limit Increase pack (`api_add_on`) and publicly distributed OAuth apps (`public_app`).
PLANS: dict[str, PlanLimits] = {
    "free": PlanLimits(burst_per_10s=100, daily=250_000, associations_per_10s=100),
    "starter": PlanLimits(burst_per_10s=100, daily=250_000, associations_per_10s=100),
    "professional": PlanLimits(burst_per_10s=190, daily=625_000, associations_per_10s=150),
    "enterprise": PlanLimits(burst_per_10s=190, daily=1_000_000, associations_per_10s=150),
    "api_add_on": PlanLimits(burst_per_10s=250, daily=2_000_000, associations_per_10s=200),
    "public_app": PlanLimits(burst_per_10s=110, daily=1_000_000,
                             associations_per_10s=150, daily_headers=False),
    # Not a HubSpot tier: limits so high they never bind, for load tests of the emulator itself.
    "unlimited": PlanLimits(burst_per_10s=10**9, daily=10**12, associations_per_10s=10**9),
}
# The emulator's former spellings, still accepted (with a warning naming the new one).
PLAN_ALIASES = {"api-addon": "api_add_on", "oauth-marketplace": "public_app"}
SEARCH_PER_SECOND = 5


def plan_name(value: str) -> str:
    """`value` as one of PLANS (an old spelling is translated, with a warning); ValueError for
    an unknown plan."""
    if value in PLAN_ALIASES:
        LOGGER.warning("plan %r is now called %r (the name destination configs use)", value,
                       PLAN_ALIASES[value])
        return PLAN_ALIASES[value]
    if value not in PLANS:
        raise ValueError(f"unknown plan {value!r}; one of {sorted(PLANS)}")
    return value
EVENT_SENDS_PER_SECOND = 1250


@dataclass(slots=True)
class Settings:
    """Behaviour switches changeable at runtime through `/_emulator/settings`."""

    plan: str = "professional"
    search_index_delay_ms: int = 0
    retry_after: bool = False
    legacy_429_body: bool = False
    default_lifecyclestage: str = "lead"
    search_limits: dict[str, int] = field(default_factory=lambda: {
        "filter_groups": 5, "filters_per_group": 10, "filters_total": 25})
    association_batch_max_inputs: int = 1000
    access_token_seconds: int = 1800
    log_written_properties: bool = False

    def __post_init__(self) -> None:
        self.plan = plan_name(self.plan)

    @property
    def limits(self) -> PlanLimits:
        """The limits of the current plan."""
        return PLANS[self.plan]

    def to_json(self) -> dict[str, Any]:
        """The admin API's view of the settings."""
        return {name: getattr(self, name) for name in self.__slots__}

    def merge(self, changes: dict[str, Any]) -> None:
        """Apply the known keys of `changes`; ValueError on unknown keys or plans."""
        for key, value in changes.items():
            if key not in self.__slots__:
                raise ValueError(f"unknown setting {key!r}")
            merged = {**self.search_limits, **value} if key == "search_limits" else value
            if key == "plan":
                merged = plan_name(str(value))
            setattr(self, key, merged)


@dataclass(slots=True)
class EmulatorConfig:
    """What `build_app` needs: portal, tokens, OAuth client and the initial settings."""

    portal_id: int = DEFAULT_PORTAL_ID
    time_zone: str = "UTC"
    tokens: list[str] = field(default_factory=lambda: [DEFAULT_TOKEN])
    oauth_client_id: str = "emulator-client"
    oauth_client_secret: str = "emulator-secret"
    settings: Settings = field(default_factory=Settings)
    faults: dict[str, Any] = field(default_factory=dict)
    request_log_size: int = 200_000
    seed: int | None = None
