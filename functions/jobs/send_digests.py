"""POST /send_digests: Cloud Scheduler, hourly, queues the digests whose morning it is.

Each active centre whose local time is 07:00-07:59 on one of its working days gets one
send_digest task for the day (and each region likewise, on its first centre's clock, to run
20 minutes later: its digest is made of the summaries its centres' tasks leave):
answers {"centres": n, "regions": m}. A queue outage answers 503; the retry queues again
(a name already taken is a no-op, and each digest is sent once whatever runs twice).

Local clock: under `make run` (LOCAL_DEV) `?now=<ISO 8601 with its offset>` runs the job at
that time, and the tasks carry it so send_digest builds the digest as of then (a region's
as of 20 minutes later; the emulator runs it some 30 s after its centres' on the real clock):
    curl -X POST 'http://127.0.0.1:8080/send_digests?now=2026-11-24T07:10:00%2B02:00'
Deployed, a ?now= is refused (400): the scheduler never sends one, and a time that cannot
take effect should not look as if it did. A time that is not ISO 8601 with an offset: 400.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.shared.validation import FieldError
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.services.cases.digest import queue_digests
from functions.services.errors import QueueUnavailable

NAME = "send_digests"


@job(NAME)
def send_digests(request: Request) -> Response:
    """Queue one send_digest task per centre and region whose digest is due now."""
    as_of = local_clock.asked_time(request)  # a bad ?now= is a 400 the decorator answers
    deps = wiring.dependencies()
    try:
        counts = queue_digests(deps, as_of or deps.clock(), as_of)
    except QueueUnavailable as error:
        logs.digests_not_queued(str(error))
        message = "The task queue is briefly unavailable; please try again shortly"
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.digests_queued(counts["centres"], counts["regions"], as_of is not None)
    return json_response(counts | ({"now": as_of.isoformat()} if as_of else {}))
