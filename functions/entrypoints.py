"""What every HTTP entry point shares: methods, body limits, tracing, JSON answers, last resort.

The `entry_point` decorator refuses a method the entry point does not take (405 with Allow)
and a body over its limit (413, at once when the declared length is over it), before the
handler runs. The handler then reads the body with `request.get_data()` or `request.form`,
which see only the bytes read here: nothing reads more than the limit, whatever the client
claims or streams.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from typing import NamedTuple

from flask import Request, Response

from functions import logs
from functions.config import get_settings
from functions.domain.shared.validation import FieldError
from functions.services.errors import StorageUnavailable

RETRY_AFTER_SECONDS = 5
# Entry points that take no body of their own (GET pages, scheduler calls) still get a little.
SMALL_BODY = 8 * 1024
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


class BodyUnreadable(Exception):
    """The body broke off or its chunked encoding is malformed."""


class Refusals(NamedTuple):
    """How an entry point says no before its handler runs: as JSON or as a page."""

    method_not_allowed: Callable[[str], Response]  # given the Allow header's value
    too_large: Callable[[int], Response]  # given the limit in bytes
    unreadable: Callable[[], Response]  # a body that cannot be read (broken chunking, cut off)
    internal_error: Callable[[], Response]


def parse_json(raw: bytes):
    """The JSON value of a body; ValueError for anything that is not JSON, including nesting
    too deep for the parser (which raises RecursionError, not a ValueError).

    Broken text is read the way browsers read it, as U+FFFD: bytes that are not UTF-8 (or
    UTF-16/32, which JSON also allows), and a string escaping half a surrogate pair
    ("\\ud800"; JavaScript makes these when it cuts an emoji in two). Such text could be
    neither stored nor sent, and a sender refused would only repeat it.
    """
    text = raw.decode(json.detect_encoding(raw), "replace")
    try:
        value = json.loads(text)
        return _mend_surrogates(value) if _ESCAPED_SURROGATE.search(raw) else value
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _mend_surrogates(value):
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_mend_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_mend_surrogates(key): _mend_surrogates(item) for key, item in value.items()}
    return value


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_errors(status: int, errors: Iterable[FieldError], headers: dict | None = None) -> Response:
    body = {"errors": [{"field": e.field, "message": e.message} for e in errors]}
    return json_response(body, status, headers)


def try_later_json(entry_point: str, error: StorageUnavailable) -> Response:
    logs.storage_unavailable(entry_point, str(error))
    message = "The service is briefly unavailable; please try again shortly"
    return json_errors(
        503, [FieldError("service", message)], {"Retry-After": str(RETRY_AFTER_SECONDS)}
    )


def body_limit_message(limit: int) -> str:
    return f"The body must be at most {max(1, limit // 1024)} KiB"


JSON_REFUSALS = Refusals(
    method_not_allowed=lambda allow: json_errors(
        405, [FieldError("method", f"Use {allow}")], {"Allow": allow}
    ),
    too_large=lambda limit: json_errors(413, [FieldError("body", body_limit_message(limit))]),
    unreadable=lambda: json_errors(400, [FieldError("body", "The body could not be read")]),
    internal_error=lambda: json_errors(
        500, [FieldError("service", "Something went wrong on our side")]
    ),
)


def _read_bounded_body(request: Request, limit: int) -> bool:
    """Read at most `limit` bytes of the body; False when it is longer.

    What was read becomes the request's data, so get_data() and request.form parse only that;
    functions_framework also calls get_data() after every request, which then reads nothing
    more: a body declared or streamed past the limit is never read to its end.
    """
    from werkzeug.exceptions import HTTPException

    declared = request.content_length
    try:
        too_long = declared is not None and declared > limit
        data = b"" if too_long else request.stream.read(limit + 1)
    except (OSError, ValueError, HTTPException) as error:  # broken chunking, client gone
        request._cached_data = b""
        raise BodyUnreadable(type(error).__name__) from None
    within = len(data) <= limit and (declared is None or declared <= limit)
    request._cached_data = data if within else b""  # werkzeug's own cache of the body
    return within


def entry_point(
    name: str,
    *,
    methods: tuple[str, ...],
    max_body: int | Callable[[], int] = SMALL_BODY,
    refusals: Refusals = JSON_REFUSALS,
):
    """Wrap an HTTP function: refuse other methods (405) and longer bodies (413), bind the
    trace id, and turn what escaped into a safe answer.

    `max_body` is in bytes, or a function giving it (read from the settings per request).
    HEAD is allowed wherever GET is. StorageUnavailable becomes 503 with Retry-After;
    anything else is a bug, logged without its message (which may hold input) and answered
    with the refusals' 500.
    """
    allowed = frozenset(methods) | ({"HEAD"} if "GET" in methods else set())
    allow_header = ", ".join(sorted(allowed))

    def decorate(handler: Callable[[Request], Response]):
        @functools.wraps(handler)
        def wrapper(request: Request):
            logs.bind_trace(
                request.headers.get("X-Cloud-Trace-Context"), get_settings().google_cloud_project
            )
            try:
                if request.method not in allowed:
                    request._cached_data = b""  # never wait for the body of a refused request
                    logs.input_rejected(name, 405, ["method"])
                    return refusals.method_not_allowed(allow_header)
                limit = max_body() if callable(max_body) else max_body
                try:
                    within = _read_bounded_body(request, limit)
                except BodyUnreadable:
                    logs.input_rejected(name, 400, ["body"])
                    return refusals.unreadable()
                if not within:
                    logs.input_rejected(name, 413, ["body"])
                    return refusals.too_large(limit)
                return handler(request)
            except StorageUnavailable as error:
                return try_later_json(name, error)
            except Exception as error:  # noqa: BLE001 - the last line before a bare 500
                logs.unexpected_error(name, error)
                return refusals.internal_error()

        return wrapper

    return decorate
