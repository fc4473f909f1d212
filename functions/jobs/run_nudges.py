"""POST /run_nudges: Cloud Scheduler, every 15 minutes, queues a task per nudge due.

Answers {"due", "queued", "out_of_hours", "skipped", "more"}; `more` is true when the run
took its limit and left cases for the next one. A queue outage answers 503 (the next run
queues again; names already taken are a no-op).

Local clock: under `make run` (LOCAL_DEV) `?now=<ISO 8601 with its offset>` runs the scan
at that time, and the tasks carry it so send_nudge judges working hours at the same time:
    curl -X POST 'http://127.0.0.1:8080/run_nudges?now=2027-03-23T13:00:00%2B02:00'
Deployed, a ?now= is refused (400): the scheduler never sends one, and a time that cannot
take effect should not look as if it did.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.services.cases.nudge import scan_nudges
from functions.services.errors import QueueUnavailable

NAME = "run_nudges"


@job(NAME)
def run_nudges(request: Request) -> Response:
    """Queue one send_nudge task per nudge due now (or at ?now= under make run)."""
    now = local_clock.asked_time(request)  # a bad ?now= is a 400 the decorator answers
    try:
        counts = scan_nudges(wiring.dependencies(), now)
    except QueueUnavailable as error:
        logs.nudges_not_queued(str(error))
        message = "The task queue is briefly unavailable; the next run queues these nudges"
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.nudges_scanned(counts["due"], counts["queued"], counts["out_of_hours"],
                        counts["skipped"], counts["more"], now is not None)  # fmt: skip
    return json_response(counts | ({"now": now.isoformat()} if now else {}))
