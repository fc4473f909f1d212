"""POST /remind_charters: Cloud Scheduler, daily: principals who have not confirmed, 7 days or
more after it was sent, that their centre's charter is displayed get one reminder per
version (services/charters/remind.py). Run twice, it reminds nobody twice.

Local clock: under `make run` (LOCAL_DEV), `?now=<ISO 8601 with its offset>` runs it at that
time: curl -X POST 'http://127.0.0.1:8080/remind_charters?now=2026-12-20T08:00:00%2B02:00'
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_response

NAME = "remind_charters"


@job(NAME)
def remind_charters(request: Request) -> Response:
    """Write the reminders due now (or at ?now=)."""
    from functions.services.charters.remind import remind_charters as remind

    now = local_clock.asked_time(request)
    done = remind(wiring.dependencies(), now)
    logs.charters_reminded(done.due, done.reminded, done.already, done.skipped, now is not None)
    return json_response(done._asdict() | ({"now": now.isoformat()} if now else {}))
