"""HubSpot-shaped JSON responses and error bodies (HUBSPOT_API.md section 2)."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
from aiohttp import web

CORRELATION_HEADER = "x-hubspot-correlation-id"


class ApiError(Exception):
    """Raised by handlers to answer with a HubSpot error body."""

    def __init__(self, status: int, message: str, category: str | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"status": "error", "message": message}
        if category is not None:
            self.body["category"] = category
        self.body.update(extra)


def new_correlation_id() -> str:
    """A fresh UUID string as HubSpot puts on every response."""
    return str(uuid.uuid4())


def json_response(data: Any, status: int = 200,
                  headers: dict[str, str] | None = None) -> web.Response:
    """Serialise with orjson."""
    return web.Response(body=orjson.dumps(data), status=status, headers=headers,
                        content_type="application/json")


def error_response(error: ApiError, correlation_id: str) -> web.Response:
    """The error body with its correlationId filled in."""
    return json_response({**error.body, "correlationId": correlation_id}, error.status)


def validation_error(message: str, **extra: Any) -> ApiError:
    """400 VALIDATION_ERROR."""
    return ApiError(400, message, "VALIDATION_ERROR", **extra)


def not_found(message: str = "resource not found") -> ApiError:
    """404 as PATCH/GET by id answer it (no category)."""
    return ApiError(404, message)


def too_many_inputs(limit: int) -> ApiError:
    """400 for a batch above its input limit."""
    return validation_error(f"The maximum number of inputs supported in a batch is {limit}. "
                            "Please reduce the number of items and try again")


def duplicate_ids(ids: list[str]) -> ApiError:
    """400 for repeated ids in one batch: the whole request fails."""
    shown = ", ".join(ids)
    return validation_error(f"Duplicate IDs found in batch input: [{shown}]. IDs must be unique",
                            context={"ids": ids})


def invalid_json(exc: orjson.JSONDecodeError) -> ApiError:
    """400 without category, as for malformed JSON."""
    return ApiError(400, f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}")


def rate_limit_body(policy: str, portal_id: int, auth_kind: str, legacy: bool) -> dict[str, Any]:
    """The 429 body for one policy (section 1.3); `legacy` gives the older category form."""
    if legacy:
        return {"status": "error", "message": "Request Rate Limit reached",
                "category": "RATE-LIMIT_REACHED"}
    messages = {"TEN_SECONDLY_ROLLING": "You have reached your ten_secondly_rolling limit.",
                "SECONDLY": "You have reached your secondly limit.",
                "DAILY": "You have reached your daily limit."}
    groups = {"TEN_SECONDLY_ROLLING": f"publicapi:{auth_kind}-api-calls-ten-secondly:{portal_id}",
              "SECONDLY": f"publicapi:{auth_kind}-secondly:{portal_id}",
              "DAILY": f"publicapi:{auth_kind}-api-calls-daily:{portal_id}"}
    body: dict[str, Any] = {"status": "error", "message": messages[policy],
                            "errorType": "RATE_LIMIT", "policyName": policy,
                            "groupName": groups[policy]}
    if policy == "DAILY":
        body["requestId"] = str(uuid.uuid4())
    return body


FAULT_MESSAGES: dict[int, tuple[str, str | None]] = {
    423: ("Locked: the record is being updated by another request. Retry after 2 s.", "LOCKED"),
    500: ("internal error", None),
    502: ("Bad Gateway", None),
    503: ("Service Unavailable", None),
    504: ("Gateway Timeout", None),
    524: ("A timeout occurred", None),
}


def fault_error(status: int) -> ApiError:
    """The body of an injected non-429 error status."""
    message, category = FAULT_MESSAGES.get(status, ("injected error", None))
    return ApiError(status, message, category)


def missing_scopes(scope: str) -> ApiError:
    """403 MISSING_SCOPES naming the granular scope that was needed."""
    return ApiError(
        403, "This app hasn't been granted all required scopes to make this call. Read more "
        "about required scopes here: https://developers.hubspot.com/scopes.", "MISSING_SCOPES",
        errors=[{"message": "One or more of the following scopes are required.",
                 "context": {"requiredGranularScopes": [scope]}}],
        links={"scopes": "https://developers.hubspot.com/scopes"})


async def read_json(request: web.Request) -> Any:
    """The parsed body; 400 'Invalid input JSON' like HubSpot when it does not parse."""
    raw = await request.read()
    try:
        return orjson.loads(raw or b"null")
    except orjson.JSONDecodeError as exc:
        raise invalid_json(exc) from None


async def read_object(request: web.Request) -> dict[str, Any]:
    """The body, which must be a JSON object."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "Invalid input JSON: expected an object", "VALIDATION_ERROR")
    return body
