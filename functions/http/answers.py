"""JSON answers every entry point gives, and the request body as JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from flask import Response

from functions.domain.shared.validation import FieldError

RETRY_AFTER_SECONDS = 5
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F]")


def json_response(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def json_errors(status: int, errors: Iterable[FieldError], headers: dict | None = None) -> Response:
    body = {"errors": [{"field": e.field, "message": e.text} for e in errors]}
    return json_response(body, status, headers)


def try_later_headers() -> dict[str, str]:
    return {"Retry-After": str(RETRY_AFTER_SECONDS)}


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
