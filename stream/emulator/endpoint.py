"""Route metadata: each handler's endpoint class, rate-limit bucket and required scope."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from stream.emulator.object_types import ObjectTypes

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, slots=True)
class Endpoint:
    """How a route is counted and authorised.

    `scope` is a literal scope, or `objects.read|write` / `schemas.read|write`, resolved from
    the route's `{objectType}` (or `{fromType}`) segment."""

    name: str
    bucket: str
    scope: str | None
    authenticated: bool = True


ENDPOINT_OF: dict[Handler, Endpoint] = {}
LOG = web.RequestKey("log", dict)
CORRELATION_ID = web.RequestKey("correlation_id", str)
CREDENTIAL = web.RequestKey("credential", object)  # the caller's auth.Credential
UNKNOWN = Endpoint("unknown", "none", None)


def endpoint(name: str, bucket: str = "crm", scope: str | None = None,
             authenticated: bool = True) -> Callable[[Handler], Handler]:
    """Decorator attaching an Endpoint to a handler."""
    def attach(handler: Handler) -> Handler:
        ENDPOINT_OF[handler] = Endpoint(name, bucket, scope, authenticated)
        return handler
    return attach


def required_scope(meta: Endpoint, match_info: dict[str, str], types: ObjectTypes) -> str | None:
    """The granular scope a call needs, given its path parameters."""
    scope = meta.scope
    if scope is None or not scope.startswith(("objects.", "schemas.")):
        return scope
    segment = match_info.get("objectType") or match_info.get("fromType") or ""
    object_type = types.find(segment)
    name = "custom" if object_type is None or object_type.schema else object_type.scope_name
    family, verb = scope.split(".")
    if name == "tickets" and family == "objects":
        return "tickets"
    return f"crm.{family}.{name}.{verb}"
