"""The middleware every API call passes: auth, scopes, faults, rate limits, headers, logging."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from stream.emulator.auth import Credential
from stream.emulator.endpoint import (
    CORRELATION_ID,
    CREDENTIAL,
    ENDPOINT_OF,
    LOG,
    UNKNOWN,
    Endpoint,
    Handler,
    required_scope,
)
from stream.emulator.faults import Fault
from stream.emulator.responses import (
    CORRELATION_HEADER,
    ApiError,
    error_response,
    fault_error,
    json_response,
    new_correlation_id,
    rate_limit_body,
)
from stream.emulator.state import STATE, EmulatorState

ADMIN_PREFIX = "/_emulator/"


class ConnectionReset(Exception):
    """An injected reset: the connection is closed without a response."""


@web.middleware
async def hubspot_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Answer like HubSpot and record the call; admin calls only get a correlation id."""
    correlation_id = new_correlation_id()
    if request.path.startswith(ADMIN_PREFIX):
        try:
            response = await handler(request)
        except ApiError as exc:
            response = error_response(exc, correlation_id)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response
    state = request.app[STATE]
    meta = ENDPOINT_OF.get(request.match_info.route.handler, UNKNOWN)
    entry: dict[str, Any] = {
        "method": request.method, "path": request.path, "endpoint": meta.name,
        "bucket": meta.bucket, "status": 0, "app": None, "object_type": None, "inputs": None,
        "record_ids": None, "associations": None, "policy": None, "fault": None}
    request[LOG] = entry
    request[CORRELATION_ID] = correlation_id
    headers: dict[str, str] = {}
    try:
        response = await _handle(request, handler, state, meta, entry, headers)
    except ApiError as exc:
        response = error_response(exc, correlation_id)
    except ConnectionReset:
        state.log.record(entry, state.clock.now())
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=500)  # never written: the transport is gone
    except web.HTTPException as exc:
        response = error_response(ApiError(exc.status, exc.reason), correlation_id)
    response.headers.update(headers)
    response.headers[CORRELATION_HEADER] = correlation_id
    entry["status"] = response.status
    state.log.record(entry, state.clock.now())
    return response


async def _handle(request: web.Request, handler: Handler, state: EmulatorState, meta: Endpoint,
                  entry: dict[str, Any], headers: dict[str, str]) -> web.StreamResponse:
    if meta is UNKNOWN or not meta.authenticated:
        return await handler(request)
    now = state.clock.now()
    credential = state.auth.authenticate(request.headers.get("Authorization"), now)
    entry["app"] = credential.app
    request[CREDENTIAL] = credential
    credential.require(required_scope(meta, dict(request.match_info), state.types))
    if state.faults.active:
        fault, latency_ms = state.faults.draw(request.method, request.path)
        if latency_ms:
            await asyncio.sleep(latency_ms / 1000)
            now = state.clock.now()
        if fault is not None:
            entry["fault"] = fault.label
            if fault.kind != "latency":
                state.limiter.record_attempt(meta.bucket, credential.app, now)
                return _faulted(request, meta, credential, fault, headers)
    state.limiter.record_attempt(meta.bucket, credential.app, now)
    admission = state.limiter.admit(meta.bucket, credential.app, now)
    headers.update(admission.headers)
    if admission.policy is not None:
        entry["policy"] = admission.policy
        return json_response(_rate_limit_body(request, credential, admission.policy), 429)
    return await handler(request)


def _faulted(request: web.Request, meta: Endpoint, credential: Credential, fault: Fault,
             headers: dict[str, str]) -> web.StreamResponse:
    state = request.app[STATE]
    if fault.kind == "reset":
        raise ConnectionReset
    if fault.body is not None:
        return json_response(fault.body, fault.status)
    if fault.status != 429:
        raise fault_error(fault.status)
    headers.update(state.limiter.peek_headers(meta.bucket, credential.app, state.clock.now()))
    if "X-HubSpot-RateLimit-Remaining" in headers and fault.policy == "TEN_SECONDLY_ROLLING":
        headers["X-HubSpot-RateLimit-Remaining"] = "0"
    if "X-HubSpot-RateLimit-Daily-Remaining" in headers and fault.policy == "DAILY":
        headers["X-HubSpot-RateLimit-Daily-Remaining"] = "0"
    return json_response(_rate_limit_body(request, credential, fault.policy), 429)


def _rate_limit_body(request: web.Request, credential: Credential, policy: str) -> dict[str, Any]:
    state = request.app[STATE]
    kind = "oauth" if credential.kind == "oauth" else "private-app"
    body = rate_limit_body(policy, state.portal_id, kind, state.settings.legacy_429_body)
    return {**body, "correlationId": request[CORRELATION_ID]}
