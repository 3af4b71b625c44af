"""Private-app tokens, OAuth access/refresh tokens and scope checks (HUBSPOT_API.md section 7)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from stream.emulator.clock import iso_ms
from stream.emulator.config import EmulatorConfig, Settings
from stream.emulator.responses import ApiError

NO_CREDENTIALS = ("Authentication credentials not found. This API supports OAuth 2.0 "
                  "authentication and you can find more details at "
                  "https://developers.hubspot.com/docs/methods/auth/oauth-overview")
OAUTH_APP = "oauth"
OAUTH_SCOPES = ["oauth", "crm.objects.contacts.read", "crm.objects.contacts.write",
                "crm.objects.companies.read", "crm.objects.companies.write",
                "crm.objects.deals.read", "crm.objects.deals.write",
                "crm.objects.custom.read", "crm.objects.custom.write",
                "crm.schemas.contacts.read", "crm.schemas.contacts.write",
                "crm.schemas.custom.read", "crm.lists.read", "crm.lists.write", "tickets",
                "analytics.behavioral_events.send",
                "behavioral_events.event_definitions.read_write"]


@dataclass(slots=True)
class Credential:
    """Who a token belongs to; `scopes` None means every scope."""

    token: str
    app: str
    kind: str
    scopes: frozenset[str] | None = None
    expires_at: float | None = None

    def require(self, scope: str | None) -> None:
        """403 MISSING_SCOPES unless the token carries `scope`."""
        if scope is not None and self.scopes is not None and scope not in self.scopes:
            from stream.emulator.responses import missing_scopes

            raise missing_scopes(scope)


class OAuthError(Exception):
    """A 400 from the token endpoint, which uses its own body shape."""

    def __init__(self, status: str, message: str) -> None:
        super().__init__(message)
        self.body = {"status": status, "message": message}
        if status == "BAD_REFRESH_TOKEN":
            self.body.update(error="invalid_grant", error_description=message)


class Auth:
    """Token registry of one portal."""

    def __init__(self, config: EmulatorConfig, settings: Settings) -> None:
        self.config = config
        self.settings = settings
        self.private: dict[str, Credential] = {}
        for index, token in enumerate(config.tokens, start=1):
            self.add_private(token, f"private-{index}", None)
        self.reset_oauth()

    def reset_oauth(self) -> None:
        """Forget minted OAuth tokens, codes and token-call counts."""
        self.access: dict[str, Credential] = {}
        self.refresh: set[str] = set()
        self.used_codes: set[str] = set()
        self.token_calls = {"authorization_code": 0, "refresh_token": 0, "total": 0, "failed": 0}

    def add_private(self, token: str, app: str, scopes: list[str] | None) -> Credential:
        """Accept a private-app bearer token for `app`."""
        credential = Credential(token, app, "private-app",
                                frozenset(scopes) if scopes is not None else None)
        self.private[token] = credential
        return credential

    def revoke(self, token: str) -> bool:
        """Stop accepting a private-app or OAuth access token; False if it was unknown."""
        return (self.private.pop(token, None) or self.access.pop(token, None)) is not None

    def authenticate(self, header: str | None, now: float) -> Credential:
        """The credential of an Authorization header; ApiError 401 otherwise."""
        if not header or not header[:7].lower() == "bearer ":
            raise ApiError(401, NO_CREDENTIALS, "INVALID_AUTHENTICATION")
        token = header[7:].strip()
        credential = self.private.get(token) or self.access.get(token)
        if credential is None:
            raise ApiError(401, NO_CREDENTIALS, "INVALID_AUTHENTICATION")
        if credential.expires_at is not None and now >= credential.expires_at:
            ago = int(now - credential.expires_at)
            raise ApiError(401, f"The OAuth token used to make this call expired {ago} "
                           "second(s) ago.", "EXPIRED_AUTHENTICATION",
                           context={"expire time": [iso_ms(credential.expires_at)]})
        return credential

    def expire_all(self, now: float) -> int:
        """Expire every OAuth access token now; returns how many were live."""
        live = [c for c in self.access.values() if c.expires_at is None or c.expires_at > now]
        for credential in live:
            credential.expires_at = now
        return len(live)

    def grant(self, form: dict[str, str], now: float) -> dict[str, Any]:
        """The token endpoint: authorization_code and refresh_token grants."""
        grant_type = form.get("grant_type", "")
        self.token_calls["total"] += 1
        if grant_type in ("authorization_code", "refresh_token"):
            self.token_calls[grant_type] += 1
        try:
            return self._grant(grant_type, form, now)
        except OAuthError:
            self.token_calls["failed"] += 1
            raise

    def _grant(self, grant_type: str, form: dict[str, str], now: float) -> dict[str, Any]:
        if form.get("client_id") != self.config.oauth_client_id:
            raise OAuthError("BAD_CLIENT_ID", "missing or unknown client id")
        if form.get("client_secret") != self.config.oauth_client_secret:
            raise OAuthError("BAD_CLIENT_SECRET", "missing or unknown client secret")
        if grant_type == "authorization_code":
            code = form.get("code", "")
            if not code or code in self.used_codes:
                raise OAuthError("BAD_AUTH_CODE", "missing or unknown auth code")
            self.used_codes.add(code)
            refresh_token = "na1-" + secrets.token_hex(16)
            self.refresh.add(refresh_token)
        elif grant_type == "refresh_token":
            refresh_token = form.get("refresh_token", "")
            if refresh_token not in self.refresh:
                raise OAuthError("BAD_REFRESH_TOKEN", "missing or unknown refresh token")
        else:
            raise OAuthError("BAD_GRANT_TYPE", f"unsupported grant_type {grant_type!r}")
        lifetime = self.settings.access_token_seconds
        access_token = "CO" + secrets.token_hex(24)
        self.access[access_token] = Credential(access_token, OAUTH_APP, "oauth", None,
                                               now + lifetime)
        return {"token_type": "bearer", "refresh_token": refresh_token,
                "access_token": access_token, "expires_in": lifetime,
                "hub_id": self.config.portal_id, "scopes": OAUTH_SCOPES,
                "token_use": "access_token"}

    def describe(self, token: str, now: float) -> dict[str, Any]:
        """`GET /oauth/v1/access-tokens/{token}` metadata; 404 if unknown."""
        credential = self.access.get(token)
        if credential is None or credential.expires_at is None:
            raise ApiError(404, "access token not found")
        return {"token": token, "hub_id": self.config.portal_id, "app_id": 1,
                "scopes": OAUTH_SCOPES, "token_type": "access",
                "expires_in": max(0, int(credential.expires_at - now)),
                "user": "emulator@example.com", "hub_domain": "emulator.hubspot.local"}
