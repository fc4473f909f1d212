"""When digests go out: 07:00 local time on the working days of a centre (weekends and South
African public holidays are not), and of a region by its first centre's clock. A digest's
"since the last digest" starts at 07:00 of the working day before."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from functions.domain.directory.models import Centre
from functions.domain.shared.calendar import DEFAULT_TIMEZONE, WorkingCalendar

DIGEST_HOUR = 7  # local time, on the centre's working days
_LOOK_BACK_DAYS = 370  # a calendar always has a working day within a year


def digest_day(calendar: WorkingCalendar, now: datetime) -> date | None:
    """The local date whose digest is due now: in the digest hour of a working day."""
    local = calendar.local(now)
    if local.hour == DIGEST_HOUR and calendar.is_working_day(local.date()):
        return local.date()
    return None


def digest_time(calendar: WorkingCalendar, day: date) -> datetime:
    """The digest hour of `day`, in the calendar's time zone."""
    return datetime.combine(day, time(DIGEST_HOUR), calendar.zone)


def previous_digest_time(calendar: WorkingCalendar, day: date) -> datetime:
    """07:00 of the working day before `day`: where "since the last digest" starts."""
    for back in range(1, _LOOK_BACK_DAYS):
        if calendar.is_working_day(day - timedelta(days=back)):
            return digest_time(calendar, day - timedelta(days=back))
    return digest_time(calendar, day - timedelta(days=1))  # pragma: no cover (unreachable)


def region_calendar(centres: Iterable[Centre]) -> WorkingCalendar:
    """A region's digest clock: its first centre's time zone (Africa/Johannesburg when it has
    none), weekdays but public holidays, as an administrator works."""
    first = min(centres, key=lambda centre: centre.centre_id, default=None)
    return WorkingCalendar(first.timezone if first else DEFAULT_TIMEZONE)
