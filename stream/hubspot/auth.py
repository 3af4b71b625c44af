"""Authentication: private-app tokens, and OAuth 2.0 access tokens refreshed single-flight.

Tokens are kept in SecretStr-like holders and never logged; `repr()` of these objects hides them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from stream.errors import FatalError, Reason

REFRESH_MARGIN_SECONDS = 300.0   # refresh proactively this long before expiry


class Auth(Protocol):
    """What the client needs: a bearer token now, and a refresh when HubSpot says it expired."""

    async def token(self, session: aiohttp.ClientSession) -> str: ...

    async def refresh(self, session: aiohttp.ClientSession, stale: str) -> None: ...


@dataclass(repr=False)
class PrivateAppToken:
    """A static private-app token: nothing to refresh."""

    value: str

    async def token(self, session: aiohttp.ClientSession) -> str:
        return self.value

    async def refresh(self, session: aiohttp.ClientSession, stale: str) -> None:
        raise FatalError(Reason.AUTH, "the private-app token was rejected as expired; "
                                      "create a new token in HubSpot and update the config")


@dataclass(repr=False)
class OAuthTokens:
    """Access tokens minted from a refresh token at `{base_url}/oauth/v1/token`."""

    base_url: str
    client_id: str
    client_secret: str
    refresh_token: str
    clock: Callable[[], float] = time.time
    on_refresh: Callable[[], None] | None = None
    _access: str | None = None
    _expires_at: float = 0.0
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def token(self, session: aiohttp.ClientSession) -> str:
        """A valid access token; refreshed first when missing or close to expiry."""
        if self._access is None or self.clock() >= self._expires_at - REFRESH_MARGIN_SECONDS:
            await self.refresh(session, self._access or "")
        assert self._access is not None
        return self._access

    async def refresh(self, session: aiohttp.ClientSession, stale: str) -> None:
        """Single-flight: N concurrent callers holding the same stale token cause one call."""
        async with self._lock:
            fresh = self._access is not None and self._access != stale and (
                self.clock() < self._expires_at - REFRESH_MARGIN_SECONDS)
            if fresh:
                return
            await self._mint(session)

    async def _mint(self, session: aiohttp.ClientSession) -> None:
        form = {"grant_type": "refresh_token", "client_id": self.client_id,
                "client_secret": self.client_secret, "refresh_token": self.refresh_token}
        async with session.post(f"{self.base_url}/oauth/v1/token", data=form) as response:
            body: Any = await response.json(content_type=None)
            if response.status != 200 or not isinstance(body, dict):
                message = body.get("message") if isinstance(body, dict) else None
                raise FatalError(Reason.AUTH, f"OAuth refresh failed ({response.status}): "
                                              f"{message or 'no message'}; check the client id, "
                                              "secret and refresh token")
        self._access = str(body["access_token"])
        self.refresh_token = str(body.get("refresh_token") or self.refresh_token)
        self._expires_at = self.clock() + float(body.get("expires_in", 1800))
        if self.on_refresh is not None:
            self.on_refresh()
