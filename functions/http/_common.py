"""What every HTTP entry point shares: tracing, body limits, JSON answers, last-resort errors."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable

from flask import Request, Response

from functions import logs
from functions.config import get_settings
from functions.domain.validation import FieldError
from functions.services.errors import StorageUnavailable

RETRY_AFTER_SECONDS = 5


class BodyTooLarge(Exception):
    """The request body is over the configured limit."""


def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refusing to read more than `limit` bytes whatever Content-Length claims."""
    if request.content_length is not None and request.content_length > limit:
        raise BodyTooLarge()
    data = request.stream.read(limit + 1)
    if len(data) > limit:
        raise BodyTooLarge()
    return data


def parse_json(raw: bytes):
    """The JSON value of a body; ValueError for anything that is not JSON, including nesting
    too deep for the parser (which raises RecursionError, not a ValueError)."""
    try:
        return json.loads(raw)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_errors(status: int, errors: Iterable[FieldError], headers: dict | None = None) -> Response:
    body = {"errors": [{"field": e.field, "message": e.message} for e in errors]}
    return json_response(body, status, headers)


def method_not_allowed(allowed: str) -> Response:
    error = FieldError("method", f"Use {allowed}")
    return json_errors(405, [error], {"Allow": allowed})


def try_later_json(entry_point: str, error: StorageUnavailable) -> Response:
    logs.storage_unavailable(entry_point, str(error))
    message = "The service is briefly unavailable; please try again shortly"
    return json_errors(
        503, [FieldError("service", message)], {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def entry_point(name: str, fallback: Callable[[], Response]):
    """Wrap an HTTP function: bind the trace id, and turn what escaped into a safe answer.

    StorageUnavailable becomes 503 with Retry-After; anything else is a bug, logged without
    its message (which may hold input) and answered by `fallback` with a 500.
    """

    def decorate(handler: Callable[[Request], Response]):
        @functools.wraps(handler)
        def wrapper(request: Request):
            logs.bind_trace(
                request.headers.get("X-Cloud-Trace-Context"), get_settings().google_cloud_project
            )
            try:
                return handler(request)
            except StorageUnavailable as error:
                return try_later_json(name, error)
            except Exception as error:  # noqa: BLE001 - the last line before a bare 500
                logs.unexpected_error(name, error)
                return fallback()

        return wrapper

    return decorate


def internal_error_json() -> Response:
    return json_errors(500, [FieldError("service", "Something went wrong on our side")])
