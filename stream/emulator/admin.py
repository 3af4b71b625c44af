"""The `/_emulator/` admin API: inspection, reset, clock, tokens, faults, settings, snapshot."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from stream.emulator.clock import iso_ms, parse_instant
from stream.emulator.responses import ApiError, json_response, read_json, read_object
from stream.emulator.state import STATE, EmulatorState

PREFIX = "/_emulator"


def _state(request: web.Request) -> EmulatorState:
    return request.app[STATE]


async def _optional_body(request: web.Request) -> dict[str, Any]:
    body = await read_json(request) if request.can_read_body else None
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ApiError(400, "expected a JSON object")
    return body


async def stats(request: web.Request) -> web.Response:
    """Counts per endpoint and status, 429s by policy, busiest 10 s per bucket and app."""
    return json_response(_state(request).stats())


async def requests(request: web.Request) -> web.Response:
    """The request log after `after_seq`, optionally filtered by path prefix."""
    query = request.query
    return json_response(_state(request).log.query(
        int(query.get("after_seq", "0")), int(query.get("limit", "10000")),
        query.get("path_prefix", "")))


async def objects(request: web.Request) -> web.Response:
    """Every record of a type with all its properties."""
    state = _state(request)
    object_type = state.types.resolve(request.match_info["objectType"])
    records = state.store.of(object_type.object_type_id)
    chosen = records.archived if request.query.get("archived") == "true" else records.records
    return json_response({"objectTypeId": object_type.object_type_id,
                          "results": [r.to_json() for r in chosen.values()]})


async def associations(request: web.Request) -> web.Response:
    """Every association of one direction."""
    state = _state(request)
    from_t = state.types.resolve(request.match_info["fromType"]).object_type_id
    to_t = state.types.resolve(request.match_info["toType"]).object_type_id
    return json_response({"fromObjectTypeId": from_t, "toObjectTypeId": to_t,
                          "results": state.associations.pairs_json(from_t, to_t)})


async def events(request: web.Request) -> web.Response:
    """Custom event occurrences accepted so far."""
    return json_response({"results": _state(request).events.occurrences})


async def reset(request: web.Request) -> web.Response:
    """Reset `all` (default) or only `stats`."""
    scope = (await _optional_body(request)).get("scope", "all")
    if scope not in ("all", "stats"):
        raise ApiError(400, "scope must be all or stats")
    _state(request).reset(scope)
    return json_response({"ok": True})


async def clock(request: web.Request) -> web.Response:
    """Read, advance, set or freeze the emulator clock."""
    state = _state(request)
    if request.method == "POST":
        body = await read_object(request)
        if "frozen" in body:
            state.clock.freeze(bool(body["frozen"]))
        if "now" in body:
            state.clock.set_now(parse_instant(body["now"]))
        if "advance_seconds" in body:
            state.clock.advance(float(body["advance_seconds"]))
    now = state.clock.now()
    return json_response({"now": iso_ms(now), "epoch_ms": int(now * 1000),
                          "frozen": state.clock.frozen})


async def expire_tokens(request: web.Request) -> web.Response:
    """Expire every OAuth access token now."""
    state = _state(request)
    return json_response({"expired": state.auth.expire_all(state.clock.now())})


async def add_token(request: web.Request) -> web.Response:
    """Accept another private-app token, optionally with limited scopes."""
    state = _state(request)
    body = await read_object(request)
    if not body.get("token"):
        raise ApiError(400, "token is required")
    app = body.get("app") or f"private-{len(state.auth.private) + 1}"
    credential = state.auth.add_private(str(body["token"]), str(app), body.get("scopes"))
    return json_response({"token": credential.token, "app": credential.app,
                          "scopes": body.get("scopes")})


async def revoke_token(request: web.Request) -> web.Response:
    """Stop accepting a token (401 INVALID_AUTHENTICATION from now on); 404 if unknown."""
    if not _state(request).auth.revoke(request.match_info["token"]):
        raise ApiError(404, "unknown token")
    return json_response({"revoked": request.match_info["token"]})


async def faults(request: web.Request) -> web.Response:
    """GET, POST (merge; script entries append) or DELETE (clear) the fault settings."""
    state = _state(request)
    if request.method == "DELETE":
        state.faults.clear()
    elif request.method == "POST":
        try:
            state.faults.merge(await read_object(request))
        except (ValueError, TypeError, KeyError) as exc:
            raise ApiError(400, f"invalid faults: {exc}") from None
    return json_response(state.faults.settings)


async def other_app(request: web.Request) -> web.Response:
    """Another app of the portal consuming part of the shared daily budget."""
    state = _state(request)
    body = await read_object(request)
    daily = state.limiter.daily
    now = state.clock.now()
    daily.roll(now)
    if "share" in body:
        daily.other_share = float(body["share"])
    daily.other_calls += int(body.get("daily_calls", 0))
    return json_response(daily.to_json(now, state.settings.limits.daily))


async def settings(request: web.Request) -> web.Response:
    """GET or POST (merge) the runtime settings."""
    state = _state(request)
    if request.method == "POST":
        try:
            state.settings.merge(await read_object(request))
        except ValueError as exc:
            raise ApiError(400, str(exc)) from None
        state.sync_settings()
    return json_response(state.settings.to_json())


async def snapshot(request: web.Request) -> web.Response:
    """GET the data state, or POST one to replace it."""
    state = _state(request)
    if request.method == "POST":
        state.restore(await read_object(request))
        return json_response({"ok": True})
    return json_response(state.snapshot())


def add_routes(app: web.Application) -> None:
    """Register the admin routes."""
    router = app.router
    router.add_get(f"{PREFIX}/stats", stats)
    router.add_get(f"{PREFIX}/requests", requests)
    router.add_get(f"{PREFIX}/objects/{{objectType}}", objects)
    router.add_get(f"{PREFIX}/associations/{{fromType}}/{{toType}}", associations)
    router.add_get(f"{PREFIX}/events", events)
    router.add_post(f"{PREFIX}/reset", reset)
    router.add_route("*", f"{PREFIX}/clock", clock)
    router.add_post(f"{PREFIX}/tokens/expire", expire_tokens)
    router.add_post(f"{PREFIX}/tokens", add_token)
    router.add_delete(f"{PREFIX}/tokens/{{token}}", revoke_token)
    router.add_route("*", f"{PREFIX}/faults", faults)
    router.add_post(f"{PREFIX}/other-app", other_app)
    router.add_route("*", f"{PREFIX}/settings", settings)
    router.add_route("*", f"{PREFIX}/snapshot", snapshot)
