"""The local clock: under `make run` only, a scheduled job may be run "as if it were" another
time (`?now=`), and the tasks it queues carry that time (`as_of`) so that their handlers judge
working hours and days at the same moment. Deployed, a ?now= is refused (the scheduler never
sends one, and a time that cannot take effect should not look as if it did) and an as_of is
ignored (a task refused would only be retried)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import Request

from functions import logs
from functions.config import get_settings
from functions.domain.shared.validation import FieldError
from functions.entrypoints import Refused

# A "+02:00" offset arrives as " 02:00" when the "+" was not encoded (%2B) in the query.
_UNENCODED_PLUS = re.compile(r" (\d{2}(:?\d{2})?)$")


def _bad_time(message: str) -> Refused:
    """?now= given where it is not taken, or not a time with its offset: a 400 the job's
    decorator answers."""
    return Refused(400, [FieldError("now", message)])


def asked_time(request: Request) -> datetime | None:
    """The time ?now= asks for (None: none asked), or Refused (400)."""
    raw = request.args.get("now")
    if raw is None:
        return None
    if not get_settings().local_dev:
        raise _bad_time("now is accepted under make run only (LOCAL_DEV)")
    text = _UNENCODED_PLUS.sub(r"+\1", raw.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _bad_time("Give now as an ISO 8601 time, e.g. 2026-12-15T07:10:00+02:00") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _bad_time("Give now with its offset, e.g. 2026-12-15T07:10:00+02:00 or ...Z")
    return moment


def task_time(as_of: datetime | None, handler: str) -> datetime | None:
    """A task's as_of where it is honoured (under make run), else None (and a log line)."""
    if as_of is None:
        return None
    if get_settings().local_dev:
        return as_of
    logs.local_clock_ignored(handler)
    return None
