"""The four kinds of entry point, declared: pages, JSON APIs, task handlers and scheduled jobs.

Each decorator owns what every entry point of its kind must do, so a handler only parses
what is left, calls one service and answers:
- refuse a method the entry point does not take (405 with Allow; HEAD goes where GET does);
- read at most `max_body` bytes (413 at once when the declared length is over it; 400 when
  the body cannot be read), and make those bytes the request's data, so nothing else reads
  more (functions_framework reads the body again after every request);
- bind the trace id for the logs; authenticate the caller (the Apps Script signature, an
  administrator's Google identity, and by default for jobs and tasks the ID token of the
  scheduler's or the queue's service account: functions/http/callers.py);
- parse a JSON body into its pydantic model: 400 when it is not JSON, 415 when it is not sent
  as JSON, 422 with each field's error;
- answer a storage outage with 503 and Retry-After (a page for pages), and anything else that
  escapes with a 500 whose log names the error's type, never its text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NamedTuple

from flask import Request, Response
from pydantic import BaseModel, ValidationError

from functions import logs
from functions.config import get_settings
from functions.domain.shared.validation import FieldError, field_errors, logged_fields
from functions.domain.shared.vocabulary import N_
from functions.http.answers import json_errors, parse_json, try_later_headers
from functions.services.errors import StorageUnavailable

# Entry points that take no body of their own (GET pages, scheduler calls) still get a little.
SMALL_BODY = 8 * 1024
Limit = int | Callable[[], int]  # bytes, or a function giving it (read from the settings)
Authenticate = Callable[[Request], Response | None]  # None: let it through


class Refusals(NamedTuple):
    """How an entry point says no: as JSON or as a page."""

    refuse: Callable[[int, list[FieldError], dict], Response]
    try_later: Callable[[], Response]
    internal_error: Callable[[], Response]


JSON_REFUSALS = Refusals(
    refuse=lambda status, errors, headers: json_errors(status, errors, headers),
    try_later=lambda: json_errors(
        503,
        [FieldError("service", "The service is briefly unavailable; please try again shortly")],
        try_later_headers(),
    ),
    internal_error=lambda: json_errors(
        500, [FieldError("service", "Something went wrong on our side")]
    ),
)


def _page_refusals(unavailable: str) -> Refusals:
    from functions.http import pages  # pages render templates: only page entry points load it

    headings = {
        400: (N_("Your message did not arrive whole"), N_("Please go back and send it again.")),
        405: (N_("This page cannot do that"), N_("Please go back and try again.")),
        413: (N_("Your message is too long"), N_("Please shorten it and send again.")),
    }

    def refuse(status: int, errors: list[FieldError], headers: dict) -> Response:
        heading, message = headings.get(status, headings[400])
        return pages.error_page(status, heading, message, headers)

    return Refusals(
        refuse=refuse,
        try_later=lambda: pages.error_page(
            503, N_("Please try again in a minute"), unavailable, try_later_headers()
        ),
        internal_error=pages.internal_error_page,
    )


class Refused(Exception):
    """Raised by a parser or a handler: the decorator answers it (status, each field's error)
    as JSON or as a page, and logs the fields, never their values."""

    def __init__(self, status: int, errors: list[FieldError], headers: dict | None = None):
        self.status, self.errors, self.headers = status, errors, headers or {}


def _entry(name: str, methods: tuple[str, ...], max_body: Limit, refusals: Callable[[], Refusals],
           authenticate: Authenticate | None, parse: Callable[[Request], Any] | None,
           headers: Callable[[Request], dict] | None = None):  # fmt: skip
    allowed = frozenset(methods) | ({"HEAD"} if "GET" in methods else set())
    allow_header = ", ".join(sorted(allowed))

    def decorate(handler):
        @functools.wraps(handler)
        def wrapper(request: Request) -> Response:
            settings = get_settings()
            logs.bind_trace(request.headers.get("X-Cloud-Trace-Context"),
                            settings.google_cloud_project)  # fmt: skip
            extra = headers(request) if headers else {}
            try:
                if request.method not in allowed:
                    request._cached_data = b""  # never wait for the body of a refused request
                    raise Refused(405, [FieldError("method", f"Use {allow_header}")],
                                   {"Allow": allow_header})  # fmt: skip
                _read_bounded_body(request, max_body() if callable(max_body) else max_body)
                if request.method == "OPTIONS" and headers:  # a browser's CORS preflight
                    return Response(status=204, headers=extra)
                if authenticate and (refused := authenticate(request)) is not None:
                    return refused
                response = handler(request, parse(request)) if parse else handler(request)
            except Refused as refused:
                logs.input_rejected(name, refused.status, logged_fields(refused.errors))
                return refusals().refuse(refused.status, refused.errors,
                                         {**extra, **refused.headers})  # fmt: skip
            except StorageUnavailable as error:
                logs.storage_unavailable(name, str(error))
                response = refusals().try_later()
            except Exception as error:  # noqa: BLE001 - the last line before a bare 500
                logs.unexpected_error(name, error)
                return refusals().internal_error()
            response.headers.update(extra)
            return response

        return wrapper

    return decorate


def _read_bounded_body(request: Request, limit: int) -> None:
    """Read at most `limit` bytes of the body and make them the request's data (werkzeug's own
    cache, which get_data() and request.form read), or refuse it."""
    from werkzeug.exceptions import HTTPException

    declared = request.content_length
    try:
        too_long = declared is not None and declared > limit
        data = b"" if too_long else request.stream.read(limit + 1)
    except (OSError, ValueError, HTTPException):  # broken chunking, client gone
        request._cached_data = b""
        raise Refused(400, [FieldError("body", "The body could not be read")]) from None
    if too_long or len(data) > limit:
        request._cached_data = b""
        message = f"The body must be at most {max(1, limit // 1024)} KiB"
        raise Refused(413, [FieldError("body", message)])
    request._cached_data = data


def _json_parser(model: type[BaseModel] | None, json_only: bool):
    def parse(request: Request):
        if request.method in ("GET", "HEAD") and not request.get_data():
            return None  # a GET (the admin API's reads) has no body to parse
        if json_only and request.mimetype != "application/json":
            raise Refused(415, [FieldError("Content-Type", "Send application/json")])
        try:
            value = parse_json(request.get_data())
        except ValueError:
            raise Refused(400, [FieldError("body", "The body is not valid JSON")]) from None
        return value if model is None else validated(model, value)

    return parse


def validated(model: type[BaseModel], value):
    """`value` as `model`, or Refused(422) with each field's error."""
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise Refused(422, field_errors(error)) from None


# ------------------------------------------------------------------------------ the four kinds


def page(name: str, *, methods: tuple[str, ...] = ("GET",), max_body: Limit = SMALL_BODY,
         unavailable: str = N_("We could not load this just now. Nothing was lost."),
         authenticate: Authenticate | None = None):  # fmt: skip
    """An HTML page, in the parent's language; handler(request) -> Response. Refusals and
    outages are pages too. `unavailable` is English marked with N_ (shown translated)."""
    entry = _entry(name, methods, max_body, lambda: _page_refusals(unavailable), authenticate,
                   None)  # fmt: skip

    def decorate(handler):
        handle = entry(handler)

        @functools.wraps(handler)
        def wrapper(request: Request) -> Response:
            from functions.http import pages

            pages.begin(request)
            response = handle(request)
            pages.finish(request, response)
            return response

        return wrapper

    return decorate


def json_api(name: str, *, body: type[BaseModel] | None, methods: tuple[str, ...] = ("POST",),
             max_body: Limit = SMALL_BODY, json_only: bool = True,
             authenticate: Authenticate | None = None,
             cors: Callable[[Request], dict] | None = None):  # fmt: skip
    """A JSON endpoint; handler(request, parsed) -> Response, `parsed` the body as `body`
    (or the raw JSON value without a model). `cors` gives headers for every answer and
    answers OPTIONS (a browser's preflight) itself."""
    methods = (*methods, "OPTIONS") if cors else methods
    return _entry(name, methods, max_body, lambda: JSON_REFUSALS, authenticate,
                  _json_parser(body, json_only), cors)  # fmt: skip


def task(name: str, *, payload: type[BaseModel], authenticate: Authenticate | None = None):
    """A Cloud Tasks handler: POST of a JSON payload (ids only); handler(request, payload).
    A 2xx settles the task; anything else makes Cloud Tasks retry it with backoff. Only the
    tasks' service account (TASKS_INVOKER_EMAIL) may call it, unless `authenticate` says
    otherwise."""
    authenticate = authenticate or _invoker_only(name, lambda s: s.tasks_invoker_email)
    return _entry(name, ("POST",), SMALL_BODY, lambda: JSON_REFUSALS, authenticate,
                  _json_parser(payload, json_only=False))  # fmt: skip


def job(name: str, *, authenticate: Authenticate | None = None):
    """A Cloud Scheduler job: POST, no body to speak of; handler(request). Only the
    scheduler's service account (SCHEDULER_INVOKER_EMAIL) may call it, unless `authenticate`
    says otherwise."""
    authenticate = authenticate or _invoker_only(name, lambda s: s.scheduler_invoker_email)
    return _entry(name, ("POST",), SMALL_BODY, lambda: JSON_REFUSALS, authenticate, None)


def _invoker_only(name: str, account: Callable[[Any], str | None]) -> Authenticate:
    """Let through an ID token of the invoking service account for this function's own URL
    (functions/http/callers.py identify_invoker), or answer 401/403 and change nothing."""

    def authenticate(request: Request) -> Response | None:
        from functions.http import callers

        settings = get_settings()
        found = callers.identify_invoker(callers.bearer(request), account(settings),
                                         settings.url_for(name))  # fmt: skip
        if not isinstance(found, callers.Refusal):
            return None
        logs.caller_refused(name, found.status, found.message)
        headers = {"WWW-Authenticate": "Bearer"} if found.status == 401 else {}
        return json_errors(found.status, [FieldError("Authorization", found.message)], headers)

    return authenticate


# ------------------------------------------------------------------------- administrators


def _administrator_only(name: str, as_page: bool) -> Authenticate:
    """Let through an administrator (functions/http/callers.py), or answer 401/403."""

    def authenticate(request: Request) -> Response | None:
        from functions import wiring
        from functions.http import callers

        # The session cookie opens the pages only (their forms carry a CSRF token); the API
        # takes a Bearer token, so no other site's form can post to it as a signed-in browser.
        token = callers.bearer(request) or (
            request.cookies.get(callers.ADMIN_COOKIE) if as_page else None
        )
        found = callers.identify_administrator(token, wiring.dependencies())
        if isinstance(found, callers.Refusal):
            logs.caller_refused(name, found.status, found.message)
            if as_page:
                from functions.http.admin.signin import refused_page

                return refused_page(request, found)
            headers = {"WWW-Authenticate": "Bearer"} if found.status == 401 else {}
            return json_errors(found.status, [FieldError("Authorization", found.message)], headers)
        callers.remember(request, found)
        return None

    return authenticate


def admin_page(name: str, *, methods: tuple[str, ...] = ("GET",), max_body: Limit = SMALL_BODY):
    """An administrator's page (English); handler(request), the caller in callers.caller()."""
    return page(name, methods=methods, max_body=max_body,
                authenticate=_administrator_only(name, as_page=True))  # fmt: skip


def admin_upload(name: str, *, max_body: Limit):
    """An administrator's file upload (POST; the body is the file, or a multipart form
    carrying it): handler(request), the caller in callers.caller(). A Bearer token only, as
    admin_api: the pages' session cookie never reaches it (its path is the admin pages'),
    and no other site's form may post to it as a signed-in browser."""
    return _entry(name, ("POST",), max_body, lambda: JSON_REFUSALS,
                  _administrator_only(name, as_page=False), None)  # fmt: skip


def admin_api(name: str, *, body: type[BaseModel] | None, methods: tuple[str, ...] = ("POST",),
              max_body: Limit = SMALL_BODY, json_only: bool = True):  # fmt: skip
    """An administrator's JSON endpoint (the `ecd` tool); handler(request, parsed)."""
    return json_api(name, body=body, methods=methods, max_body=max_body, json_only=json_only,
                    authenticate=_administrator_only(name, as_page=False))  # fmt: skip
