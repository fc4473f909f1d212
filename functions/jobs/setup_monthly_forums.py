"""POST /setup_monthly_forums: set up a month's forums from the standing plan and invite
everyone (services/forums/setup.py). One entry point for both callers:

- Cloud Scheduler, on the 1st of each month (its service account's ID token), body empty:
  the NEXT month in the network's time zone;
- an administrator of the whole network (a Bearer ID token on the allow-list, like
  admin_api; `Bearer local-admin-token` under `make run`), `{"month": "YYYY-MM"}` (an empty
  body: the next month too).

Answers 200 {"month", "created", "existing", "invitations": "queued" | "already queued" |
"no forums", "recipients", "batches", "changed"}: a second call says nothing changed. A
month that is not YYYY-MM, in the past or more than two years ahead: 422. A regional
administrator: 403 (the plan is the network's). The queue unavailable: 503 (call again:
forums are not created twice, and tasks keep their names). Under `make run`, `?now=` sets
the clock (functions/http/local_clock.py) and the invitation tasks carry it.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.shared.validation import FieldError
from functions.entrypoints import Refused, job, validated
from functions.http import local_clock
from functions.http.answers import json_errors, json_response, parse_json, try_later_headers
from functions.services.errors import QueueUnavailable

NAME = "setup_monthly_forums"


class SetupBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    month: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)] | None = None


def _scheduler_or_administrator(request: Request) -> Response | None:
    """The scheduler's service account, or a network administrator; else 401/403."""
    from functions.http import callers

    settings = get_settings()
    token = callers.bearer(request)
    caller = None if token and callers.is_local_token(token) else _service_account(token)
    scheduler = (settings.scheduler_invoker_email or "").strip().lower()
    if (not token and settings.local_dev) or (caller is not None and caller == scheduler):
        return None
    if not token:
        found = callers.Refusal(401, "Send the scheduler's or a network administrator's "
                                     "Google ID token as Bearer")  # fmt: skip
    else:
        found = callers.identify_administrator(token, wiring.dependencies())
        if not isinstance(found, callers.Refusal) and not found.whole_network:
            found = callers.Refusal(403, "Only an administrator of the whole network sets "
                                    "up the monthly forums")  # fmt: skip
        elif isinstance(found, callers.Refusal) and caller is not None:
            # A valid Google ID token for this function, of someone else: known, not allowed.
            found = callers.Refusal(403, "This account may not call this: only the "
                                    "scheduler or a network administrator")  # fmt: skip
    if isinstance(found, callers.Refusal):
        logs.caller_refused(NAME, found.status, found.message)
        headers = {"WWW-Authenticate": "Bearer"} if found.status == 401 else {}
        return json_errors(found.status, [FieldError("Authorization", found.message)], headers)
    callers.remember(request, found)
    return None


def _service_account(token: str | None) -> str | None:
    """Who a Google ID token for this function's own URL stands for, its token
    verified IN FULL (None: no such token). This function is public (administrators call it
    too), so Cloud Run has not checked the token, and a token whose signature was "removed"
    (CLOUD_RUN_INVOKER_CHECK, set for every function) must not pass here."""
    if not token:
        return None
    from functions.adapters.google_oidc import verify_service_token
    from functions.services.errors import InvalidToken

    try:
        email = verify_service_token(token, get_settings().url_for(NAME),
                                     platform_verified=False)  # fmt: skip
    except InvalidToken:
        return None
    return (email or "").strip().lower() or None


def _body(request: Request) -> SetupBody:
    raw = request.get_data()
    if not raw.strip():
        return SetupBody()
    try:
        value = parse_json(raw)
    except ValueError:
        raise Refused(400, [FieldError("body", "The body is not valid JSON")]) from None
    return validated(SetupBody, value)


@job(NAME, authenticate=_scheduler_or_administrator)
def setup_monthly_forums(request: Request) -> Response:
    """Create the month's forums not there yet and queue the invitations not queued yet."""
    from functions.http.callers import identified
    from functions.services.forums.setup import MonthRefused, month_to_set_up, setup_month

    as_of = local_clock.asked_time(request)
    body = _body(request)
    deps = wiring.dependencies()
    now = as_of or deps.clock()
    administrator = identified(request)
    who = administrator.key if administrator else "scheduler"
    try:
        month = month_to_set_up(deps, body.month, now)
        outcome = setup_month(deps, month, now, as_of)
    except MonthRefused as refused:
        logs.input_rejected(NAME, 422, ["month"])
        return json_errors(422, [FieldError("month", str(refused))])
    except QueueUnavailable as error:
        logs.forums_not_set_up(month, str(error))
        message = "The task queue is briefly unavailable; call again: nothing is done twice"
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.forums_set_up(month, outcome["created"], outcome["existing"], outcome["invitations"],
                       outcome["recipients"], outcome["batches"], who)  # fmt: skip
    return json_response(outcome | ({"now": as_of.isoformat()} if as_of else {}))
