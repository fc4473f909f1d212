"""POST /retain_records: Cloud Scheduler, daily: de-identifies every closed case, and every
registration, attendance row and survey response of a forum, kept RECORD_RETENTION_MONTHS
(24 by default) since the case's last change or the forum's end, keeping the figures
(functions/services/privacy/retention.py, README "Privacy (POPIA)"). A run stops after
about four minutes and the next carries on where it stopped; run again, it changes nothing.
Answers the counts: {"cases", "events", "registrations", "attendance", "survey_responses",
"skipped", "finished", "cutoff"}.

Local clock: under `make run` (LOCAL_DEV), `?now=<ISO 8601 with its offset>` runs it as of
that time: curl -X POST 'http://127.0.0.1:8080/retain_records?now=2028-06-01T03:00:00%2B02:00'
Deployed, a ?now= is refused (400).
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_response

NAME = "retain_records"


@job(NAME)
def retain_records(request: Request) -> Response:
    """De-identify the records whose retention period is over now (or at ?now=)."""
    from functions.services.privacy.retention import retain_records as retain

    now = local_clock.asked_time(request)
    # A run as of another time keeps no place: its cursor could pass today's records by.
    months = get_settings().record_retention_months
    counts = retain(wiring.dependencies(), months, now, keep_place=now is None)
    logs.records_retained(counts, now is not None)
    return json_response(counts | ({"now": now.isoformat()} if now else {}))
