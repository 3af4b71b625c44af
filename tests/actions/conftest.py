"""Fixtures for action tests: an ActionContext whose client talks to the emulator over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from stream.actions.base import ActionContext, DestinationSettings
from stream.actions.cache import ActionCaches
from stream.actions.calls import Answer
from stream.errors import Reason, RetryableError
from tests.fixtures.emulator import EmulatorHandle


class HttpRequester:
    """Stand-in for the HubSpot client until stream.hubspot lands: bearer, retryable 429/5xx."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def request(self, method: str, path: str, *, json: Any = None,
                      params: Mapping[str, str] | None = None) -> Answer:
        async with self.session.request(method, path, json=json, params=params) as response:
            raw = await response.read()
            body = await response.json(content_type=None) if raw else None
        if response.status == 429 or response.status >= 500:
            raise RetryableError(Reason.RATE_LIMITED if response.status == 429
                                 else Reason.HUBSPOT_UNAVAILABLE, f"HubSpot {response.status}")
        return Answer(response.status, body)


@pytest.fixture
async def ctx(emulator: EmulatorHandle) -> AsyncIterator[ActionContext]:
    """A fresh ActionContext (empty caches) on the emulator."""
    async with emulator.client() as session:
        yield ActionContext(HttpRequester(session), ActionCaches(),
                            DestinationSettings(portal_id=str(emulator.portal_id)))
