"""When the network promises to respond to a case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from functions.domain.shared.vocabulary import Kind

# South Africa keeps one offset all year (no daylight saving).
SAST = timezone(timedelta(hours=2), "SAST")

URGENT_RESPONSE = timedelta(hours=24)
WORKING_DAYS_TO_RESPOND = {Kind.COMPLAINT: 3}
DEFAULT_WORKING_DAYS = 5


def _add_working_days(start: datetime, days: int) -> datetime:
    moment = start
    while days > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def respond_by(created_at: datetime, kind: Kind | None, urgent: bool) -> datetime:
    """The deadline for the centre's first response: urgent cases within a day, others in
    working days (complaints 3, everything else 5), counted in South African time."""
    if urgent:
        return created_at + URGENT_RESPONSE
    days = WORKING_DAYS_TO_RESPOND.get(kind, DEFAULT_WORKING_DAYS)
    return _add_working_days(created_at.astimezone(SAST), days).astimezone(UTC)
