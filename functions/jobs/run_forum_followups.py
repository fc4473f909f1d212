"""POST /run_forum_followups: Cloud Scheduler, every 15 minutes: the registrants' reminders
before each forum (queue_reminders), and after it the survey to its attendees and the
reminder to those who have not answered 3 days on, one send_forum_surveys task per forum
and kind (functions/services/forums/followups.py). A queue outage answers 503 (the next run
queues again).

Local clock: under `make run` (LOCAL_DEV), `?now=<ISO 8601 with its offset>` runs it at that
time, and the tasks carry it: curl -X POST 'http://127.0.0.1:8080/run_forum_followups?now=...'
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.services.errors import QueueUnavailable

NAME = "run_forum_followups"


@job(NAME)
def run_forum_followups(request: Request) -> Response:
    """Queue the reminders, surveys and survey reminders due now (or at ?now=)."""
    from functions.services.forums.followups import run_followups

    now = local_clock.asked_time(request)
    try:
        counts = run_followups(wiring.dependencies(), now)
    except QueueUnavailable:
        message = "The task queue is briefly unavailable; the next run queues these"
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.forum_followups_run(counts, now is not None)
    return json_response(counts | ({"now": now.isoformat()} if now else {}))
