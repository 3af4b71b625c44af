"""Fixtures for action tests: an ActionContext whose client is the real HubSpot client,
talking to the emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from prometheus_client import CollectorRegistry

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.cache import ActionCaches
from stream.hubspot.auth import PrivateAppToken
from stream.hubspot.budget import LocalBudget, plan_limits
from stream.hubspot.client import HubSpotClient
from stream.metrics.catalog import ClientMetrics
from tests.fixtures.emulator import EmulatorHandle


@pytest.fixture
async def ctx(emulator: EmulatorHandle) -> AsyncIterator[ActionContext]:
    """A fresh ActionContext (empty caches) on the emulator (professional plan budget)."""
    budget = LocalBudget(plan_limits(190, 5))
    async with HubSpotClient(emulator.base_url, PrivateAppToken(emulator.token), budget,
                             ClientMetrics(CollectorRegistry())) as client:
        yield ActionContext(client, ActionCaches(),
                            DestinationSettings(portal_id=str(emulator.portal_id)))
