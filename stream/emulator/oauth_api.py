"""OAuth 2.0 endpoints: the form-encoded token endpoint and access-token metadata."""

from __future__ import annotations

from aiohttp import web

from stream.emulator.auth import OAuthError
from stream.emulator.endpoint import endpoint
from stream.emulator.responses import json_response
from stream.emulator.state import STATE


@endpoint("oauth.token", bucket="oauth", scope=None, authenticated=False)
async def token(request: web.Request) -> web.Response:
    """POST form: authorization_code or refresh_token grant; 400 with HubSpot's body on failure."""
    state = request.app[STATE]
    form = {key: str(value) for key, value in (await request.post()).items()}
    try:
        return json_response(state.auth.grant(form, state.clock.now()))
    except OAuthError as exc:
        return json_response(exc.body, 400)


@endpoint("oauth.token", bucket="oauth", scope=None, authenticated=False)
async def access_token_info(request: web.Request) -> web.Response:
    """GET metadata of an access token (hub_id, scopes, expires_in)."""
    state = request.app[STATE]
    return json_response(state.auth.describe(request.match_info["token"], state.clock.now()))


def add_routes(app: web.Application) -> None:
    """Register the OAuth routes (v1, and v3 as an alias of the token endpoint)."""
    app.router.add_post("/oauth/v1/token", token)
    app.router.add_post("/oauth/v3/token", token)
    app.router.add_get("/oauth/v1/access-tokens/{token}", access_token_info)
