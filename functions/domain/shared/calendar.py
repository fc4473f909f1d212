"""A centre's working time: its opening hours, its time zone and South African public holidays.

Service levels (domain/cases/service_levels.py) count in working time: a complaint sent on a
Friday evening before a public holiday is due by working hours after the centre reopens, not
by the clock. Public holidays come from the `holidays` package (observed days included:
a holiday on a Sunday moves to the Monday), never from a list of our own.

Importing that package takes ≈150 ms (it loads every country it knows), which a parent would
wait for on a new instance. So the holidays of the years around now are worked out by the
package when the service-level policy is loaded into Firestore, travel in the policy
document, and are handed to this module with `remember_holidays` when the policy is read; a
year outside them is worked out by the package on the spot, as before.
"""

from __future__ import annotations

import functools
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DEFAULT_TIMEZONE = "Africa/Johannesburg"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# What most ECD centres keep: weekdays, early drop-off to late pick-up.
DEFAULT_OPENING_HOURS = {day: "07:00-17:00" for day in WEEKDAYS[:5]}
# A search never runs past this: a calendar open one hour a year is still found within it.
_SEARCH_DAYS = 800


# (country, year) -> its public holidays, as the policy document carries them.
_KNOWN: dict[tuple[str, int], frozenset[date]] = {}


def remember_holidays(country: str, by_year: dict[int, frozenset[date]]) -> None:
    """Public holidays worked out earlier (by `public_holidays`), so that no request imports
    the package for these years."""
    for year, days in by_year.items():
        _KNOWN[(country, year)] = frozenset(days)


def _public_holidays(country: str, year: int) -> frozenset[date]:
    known = _KNOWN.get((country, year))
    return known if known is not None else public_holidays(country, year)


@functools.cache
def public_holidays(country: str, year: int) -> frozenset[date]:
    """A year's public holidays (observed days included), from the `holidays` package."""
    import holidays  # ≈150 ms, loading every country: see the module's docstring

    return frozenset(holidays.country_holidays(country, years=year))


def parse_hours(span: str) -> tuple[time, time]:
    """'07:00-17:00' → (07:00, 17:00); ValueError unless it opens before it closes."""
    opens, closes = (time.fromisoformat(part.strip()) for part in span.split("-", 1))
    if not opens < closes:
        raise ValueError(f"{span!r}: a day opens before it closes")
    return opens, closes


class WorkingCalendar:
    """When a centre is open, and working time counted in its hours.

    Every method takes and returns aware datetimes (any zone; results in the centre's)."""

    def __init__(self, timezone: str = DEFAULT_TIMEZONE,
                 opening_hours: dict[str, str] | None = None, country: str = "ZA"):  # fmt: skip
        self.zone = ZoneInfo(timezone)
        hours = DEFAULT_OPENING_HOURS if opening_hours is None else opening_hours
        self._hours = {WEEKDAYS.index(day): parse_hours(span) for day, span in hours.items()}
        if not self._hours:
            raise ValueError("a centre is open on at least one day")
        self.country = country

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.zone)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self._hours and day not in _public_holidays(self.country,
                                                                            day.year)  # fmt: skip

    def _window(self, day: date) -> tuple[datetime, datetime] | None:
        """The day's opening and closing moments, or None when it is closed all day."""
        if not self.is_working_day(day):
            return None
        opens, closes = self._hours[day.weekday()]
        return (datetime.combine(day, opens, self.zone), datetime.combine(day, closes, self.zone))

    def _windows_from(self, moment: datetime):
        """Each working window that ends after `moment`, cut to start no earlier than it."""
        local = self.local(moment)
        for offset in range(_SEARCH_DAYS):
            window = self._window(local.date() + timedelta(days=offset))
            if window is None or window[1] <= local:
                continue
            yield max(window[0], local), window[1]

    def is_open(self, moment: datetime) -> bool:
        window = self._window(self.local(moment).date())
        return window is not None and window[0] <= self.local(moment) < window[1]

    def next_open(self, moment: datetime) -> datetime:
        """`moment` when the centre is open then, else when it next opens."""
        for start, _ in self._windows_from(moment):
            return start
        raise ValueError("no opening hours within reach")

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The moment `duration` of working time after `start` (which may be out of hours)."""
        left = duration
        for window_start, window_end in self._windows_from(start):
            if left <= window_end - window_start:
                return window_start + left
            left -= window_end - window_start
        raise ValueError("no opening hours within reach")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time from `start` to `end` (zero when `end` is not after `start`)."""
        total = timedelta()
        if end <= start:
            return total
        for window_start, window_end in self._windows_from(start):
            if window_start >= end:
                break
            total += min(window_end, end) - window_start
        return total

    def working_day_length(self, day: date) -> timedelta:
        window = self._window(day)
        return window[1] - window[0] if window else timedelta()

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same time of day `days` working days after `start`'s day, kept within that
        day's hours (after closing: the closing time; before opening: the opening time).
        Zero days: `start` itself when open, else the next opening."""
        if days <= 0:
            return self.next_open(start)
        local = self.local(start)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            day += timedelta(days=1)
            days -= self.is_working_day(day)
            if days == 0:
                opens, closes = self._window(day)
                return min(max(datetime.combine(day, local.time(), self.zone), opens), closes)
        raise ValueError("no opening hours within reach")
