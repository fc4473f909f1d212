"""POST /compile_forum_summaries: Cloud Scheduler, daily: compiles the summary of each forum
whose survey has closed, and each scope's month once all its forums' surveys have closed
(functions/services/reports/compile.py). Idempotent: the same figures write and send nothing;
a late survey response makes a new version, sent once to the scope's administrators.
Answers the counts: {"forums", "months", "new", "versions", "unchanged", "sent"}.

Local clock: under `make run` (LOCAL_DEV), `?now=<ISO 8601 with its offset>` compiles as of
that time: curl -X POST 'http://127.0.0.1:8080/compile_forum_summaries?now=2025-04-03T06:00:00%2B02:00'
Deployed, a ?now= is refused (400).
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.entrypoints import job
from functions.http import local_clock
from functions.http.answers import json_response

NAME = "compile_forum_summaries"


@job(NAME)
def compile_forum_summaries(request: Request) -> Response:
    """Compile the forum summaries due now (or at ?now=)."""
    from functions.services.reports.compile import compile_due

    now = local_clock.asked_time(request)
    counts = compile_due(wiring.dependencies(), now)
    logs.forum_summaries_compiled(counts, now is not None)
    return json_response(counts | ({"now": now.isoformat()} if now else {}))
