"""A table of an attendance export read into visits, and the problems of its rows.

The formats (attendance_files.py) say which header names mean what; this reads the rows the
same way for each: contact details normalised, times resolved in the forum's time zone, a
missing leave time completed from the duration or the forum's end. A problem names the
file's line and the column, never a cell's text: the messages are shown and may be logged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta, tzinfo

from functions.domain.forums.attendance_rows import Visit
from functions.domain.forums.attendance_text import Record, cell_text, clean_name, header_key
from functions.domain.forums.attendance_times import (
    NoDate,
    day_first,
    is_blank,
    is_time_of_day,
    minutes,
    moment,
)
from functions.domain.shared.contact import normalise_email, normalise_phone

MAX_PROBLEMS = 100  # then one line counts the rest: the administrator fixes the first ones

# What each logical column may be called in a header (compared through header_key).
Aliases = dict[str, tuple[str, ...]]


def columns(header: Record, aliases: Aliases) -> dict[str, int]:
    """Logical column -> index. A header name found twice is read from its last place: Zoom's
    participant export "with meeting data" has the host's User Email and Duration (Minutes)
    first and the participant's after the Name (Original Name) column."""
    places = {header_key(cell): index for index, cell in enumerate(header.cells)}
    found = {}
    for column, names in aliases.items():
        for name in names:
            if name in places:
                found[column] = places[name]
                break
    return found


def is_header(record: Record, aliases: Aliases, needed: Iterable[str]) -> bool:
    return all(column in columns(record, aliases) for column in needed)


class RowReader:
    """Reads the rows of one file: its time zone and forum, and the problems it found."""

    def __init__(
        self,
        zone: tzinfo,
        samples: Iterable[str],
        forum_start: datetime | None,
        forum_end: datetime | None,
    ):
        self.zone = zone
        self.forum_day: date | None = forum_start.astimezone(zone).date() if forum_start else None
        self.forum_end = forum_end
        self.day_first = day_first(samples, self.forum_day)
        self.problems: list[str] = []
        self._more = 0
        self.undated = False

    def problem(self, line: int, text: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(f"Line {line}: {text}")
        else:
            self._more += 1

    def all_problems(self) -> tuple[str, ...]:
        more = [f"…and {self._more} more problems of the same kinds"] if self._more else []
        undated = (
            [
                "The report gives times of day without a date (pass the forum's date): "
                "only the durations were kept"
            ]
            if self.undated
            else []
        )
        return (*undated, *self.problems, *more)

    def visit(self, record: Record, at: dict[str, int], role_hint: str | None) -> Visit | None:
        """The row as a visit, or None (with a problem) when it names nobody."""

        def cell(column: str) -> str:
            index = at.get(column)
            return record.cells[index] if index is not None and index < len(record.cells) else ""

        line = record.line
        name = clean_name(f"{cell('first')} {cell('last')}") or clean_name(cell("name"))
        email = self._contact(cell("email"), normalise_email, line, "email address")
        phone = self._contact(cell("phone"), normalise_phone, line, "phone number")
        if not (name or email or phone):
            self.problem(line, "no name, email address or phone number: the row is left out")
            return None
        duration = self._minutes(cell("duration"), line)
        joined = self._moment(cell("joined"), line, "join time")
        left = self._moment(cell("left"), line, "leave time")
        overnight = is_time_of_day(cell("joined")) and is_time_of_day(cell("left"))
        joined, left = self._session(joined, left, duration, overnight, line)
        return Visit(line, name, email, phone, joined, left, duration, role_hint)

    def _contact(self, text: str, normalise, line: int, what: str) -> str | None:
        value = cell_text(text)
        if is_blank(value):
            return None
        try:
            return normalise(value)
        except ValueError:
            self.problem(line, f"the {what} is not valid: it is left out")
            return None

    def _minutes(self, text: str, line: int) -> int | None:
        try:
            return minutes(cell_text(text))
        except ValueError:
            self.problem(line, "the duration is not a number of minutes: it is left out")
            return None

    def _moment(self, text: str, line: int, what: str) -> datetime | None:
        value = cell_text(text)
        if is_blank(value):
            return None
        try:
            return moment(value, self.zone, day_first=self.day_first, forum_day=self.forum_day)
        except NoDate:
            self.undated = True
        except ValueError:
            self.problem(line, f"the {what} is not a date and time: it is left out")
        return None

    def _session(
        self,
        joined: datetime | None,
        left: datetime | None,
        duration: int | None,
        of_day: bool,
        line: int,
    ) -> tuple[datetime | None, datetime | None]:
        if joined and left and left < joined:
            if of_day:  # times of day only (Meet): the call went on past midnight
                return joined, left + timedelta(days=1)
            self.problem(line, "the leave time is before the join time: the times are left out")
            return None, None
        if joined and not left:
            # Still in the meeting when the report was made: count the export's duration,
            # else until the forum's end.
            if duration is not None:
                return joined, joined + timedelta(minutes=duration)
            if self.forum_end and self.forum_end > joined:
                return joined, self.forum_end
            self.problem(line, "no leave time and no duration: the time is not counted")
            return None, None
        return (joined, left) if joined and left else (None, None)
