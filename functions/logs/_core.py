"""The one way a log line is written: JSON with severity, message, time and the trace."""

from __future__ import annotations

import contextvars
import json
import sys
from datetime import UTC, datetime

_trace: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace", default=None)


def bind_trace(header: str | None, project: str) -> None:
    """Remember the request's trace from X-Cloud-Trace-Context ("TRACE_ID/SPAN_ID;o=1")."""
    trace_id = (header or "").split("/", 1)[0].strip()
    valid = trace_id.isalnum() and len(trace_id) <= 64
    _trace.set(f"projects/{project}/traces/{trace_id}" if valid else None)


def _emit(severity: str, message: str, **fields) -> None:
    entry = {"severity": severity, "message": message, "time": datetime.now(UTC).isoformat()}
    trace = _trace.get()
    if trace:
        entry["logging.googleapis.com/trace"] = trace
    entry.update({key: value for key, value in fields.items() if value is not None})
    sys.stdout.write(json.dumps(entry, default=str) + "\n")
    sys.stdout.flush()
