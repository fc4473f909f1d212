"""The platforms' attendance exports, read into one row per person (pure: bytes in, rows out).

What the real files look like (and where that was established):

Zoom webinar "Attendee report" (Reports > Webinar > Attendee report, CSV): a title line
"Attendee Report", a "Report Generated:" line, the webinar's table ("Topic,Webinar ID,Actual
Start Time,Actual Duration (minutes),# Registered,...,Unique Viewers,Total Users,Max
Concurrent Views" and one row of values), then sections, each a line with its name alone
("Host Details", "Panelist Details", "Attendee Details"; some reports add "Other Attended")
followed by its header and rows. Attendee Details: "Attended,User Name (Original Name),First
Name,Last Name,Email,Phone,Registration Time,Approval Status,Join Time,Leave Time,Time in
Session (minutes),Is Guest,Country/Region Name" (newer reports add "Source Name"); hosts and
panelists have no registration columns. Registrants who never came are listed with
Attended "No" and "--" for the times. Each join is its own row. Times "04/26/2026 10:45:17
AM" (month first; the account's date format decides). The file starts with a UTF-8 BOM.
  Seen in: github.com/microsoft/vivainsights_zoom_int Admin/input/zoom_reports/README.md
  (participants columns); public parsers of the attendee report found by their code
  ("Attendee Details" sections, REQUIRED_ATTENDEE_COLUMNS, parseZoomDate "04/26/2026
  10:45:17 AM", "Report generated time", "Other Attended", the BOM stripped first).

Zoom usage report "Participants" export (Reports > Usage > Participants > Export): the
meeting's table ("Meeting ID,Topic,Start Time,End Time,User Email,Duration
(Minutes),Participants," and its row), a blank line, then "Name (Original Name),User
Email,Join Time,Leave Time,Duration (Minutes),Guest" and, in newer accounts, "Recording
Consent,In Waiting Room" (rows with In Waiting Room "Yes" are time in the waiting room, not
in the meeting). "Export with meeting data" writes one table whose header repeats "User
Email" and "Duration (Minutes)" (the host's first, the participant's after the name). Unless
"Show unique users" is ticked, every rejoin is a row. Times "01/21/2021 08:58:30 PM", or
day first ("15/08/2022 01:27") in accounts set so.
  Seen in: the vivainsights README above; a McGill course's README quoting
  "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest" with
  "01/21/2021 08:58:30 PM"; a roster tool's README quoting the "Meeting ID,Topic,Start
  Time,End Time,User Email,Duration (Minutes),Participants," preamble and "Recording
  Consent".

Google Meet attendance report (Workspace attendance tracking, a Google Sheet emailed to the
organiser and saved in Drive; downloaded as CSV): "First name,Last name,Email,Duration,Time
joined,Time exited", one row per participant (first join, last exit, time in the call),
Duration like "56 min" or "1 hr 5 min", times of day only, "10:30 PM" with U+202F before PM
(the date is the meeting's, in the file name). Some downloads carry "* Meeting code: ..."
lines first; other tools write "Full name", "First seen"/"Last seen", "Time in call".
  Seen in: a Salesforce attendance client's docstring ({'First name': ..., 'Last name': ...,
  'Duration': '56 min', 'Time joined': '10:30\\u202fPM', 'Time exited': '11:25\\u202fPM'});
  a Google Classroom summary script (columns First name, Last name, Email, Duration, Time
  joined, Time exited); support.google.com/meet/answer/10090454 (who gets the report).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from functions.domain.forums.attendance_reading import Aliases, RowReader, columns, is_header
from functions.domain.forums.attendance_rows import AttendanceRow, Visit, merge
from functions.domain.forums.attendance_text import (
    MAX_BYTES,
    MAX_ROWS,
    AttendanceFileError,
    Record,
    decode,
    header_key,
    records,
)

__all__ = [
    "MAX_BYTES",
    "MAX_ROWS",
    "AttendanceFileError",
    "AttendanceRow",
    "ParsedAttendance",
    "parse_meet",
    "parse_zoom",
]

ZOOM_WEBINAR = "zoom_webinar_attendee_report"
ZOOM_PARTICIPANTS = "zoom_participants"
MEET = "meet_attendance"


@dataclass(frozen=True)
class ParsedAttendance:
    layout: str  # ZOOM_WEBINAR, ZOOM_PARTICIPANTS or MEET
    rows: tuple[AttendanceRow, ...]
    problems: tuple[str, ...]  # one per row that could not be read whole; no personal data
    not_attended: int = 0  # Zoom webinar registrants listed with Attended "No"


_ZOOM_SECTIONS = {
    "host details": "host",
    "panelist details": "panelist",
    "attendee details": "attendee",
}
_ZOOM: Aliases = {
    "name": ("user name (original name)", "name (original name)"),
    "first": ("first name",),
    "last": ("last name",),
    "email": ("email", "user email"),
    "phone": ("phone",),
    "joined": ("join time",),
    "left": ("leave time",),
    "duration": ("time in session (minutes)", "duration (minutes)"),
    "attended": ("attended",),
    "waiting": ("in waiting room",),
}
_ZOOM_NEEDED = ("name", "joined", "left", "duration")
_ZOOM_EXPECTED = (
    "a Zoom webinar attendee report (an 'Attendee Details' table with the columns User Name "
    "(Original Name), Join Time, Leave Time, Time in Session (minutes)) or a Zoom participant "
    "report (the columns Name (Original Name), User Email, Join Time, Leave Time, Duration "
    "(Minutes))"
)
_MEET: Aliases = {
    "first": ("first name",),
    "last": ("last name",),
    "name": ("full name", "name", "participant", "participant name"),
    "email": ("email", "email address"),
    "duration": ("duration", "time in call", "time in call (minutes)"),
    "joined": ("time joined", "first seen", "joined at", "join time"),
    "left": ("time exited", "last seen", "left at", "leave time"),
}
_MEET_EXPECTED = (
    "a Google Meet attendance report (the columns First name, Last name, Email, Duration, "
    "Time joined, Time exited)"
)


def parse_zoom(
    data: bytes,
    tz: str,
    *,
    forum_start: datetime | None = None,
    forum_end: datetime | None = None,
) -> ParsedAttendance:
    """A Zoom webinar attendee report or participant report, one row per person. `tz` is the
    forum's time zone (the report's times are local); `forum_start` settles whether dates
    are day or month first when no date says so; `forum_end` ends the time of a person still
    in the meeting when the report was made and whose row has no duration."""
    zone = _zone(tz)
    found = records(decode(data), ("join time", "details"))
    sections = _zoom_sections(found)
    if sections:
        tables = sections
        layout = ZOOM_WEBINAR
    else:
        header = next((r for r in found if is_header(r, _ZOOM, _ZOOM_NEEDED)), None)
        if header is None:
            raise AttendanceFileError(f"This is not {_ZOOM_EXPECTED}")
        tables = [(None, header, found[found.index(header) + 1 :])]
        layout = ZOOM_PARTICIPANTS
    samples = _samples(tables, _ZOOM)
    reader = RowReader(zone, samples, forum_start, forum_end)
    visits, not_attended = [], 0
    for role, header, rows in tables:
        at = columns(header, _ZOOM)
        for record in rows:
            if _says(record, at.get("attended"), "no"):
                not_attended += 1
            elif not _says(record, at.get("waiting"), "yes"):
                visits.append(reader.visit(record, at, role))
    return _parsed(layout, visits, reader, forum_start, not_attended)


def parse_meet(
    data: bytes,
    tz: str,
    *,
    forum_start: datetime | None = None,
    forum_end: datetime | None = None,
) -> ParsedAttendance:
    """A Google Meet attendance report, one row per person. Its times are times of day:
    `forum_start` gives their date (without it only the durations are kept)."""
    zone = _zone(tz)
    found = records(decode(data), ("time joined", "first seen", "duration"))
    header = next(
        (
            r
            for r in found
            if (is_header(r, _MEET, ("first",)) or is_header(r, _MEET, ("name",)))
            and (is_header(r, _MEET, ("duration",)) or is_header(r, _MEET, ("joined",)))
        ),
        None,
    )
    if header is None:
        raise AttendanceFileError(f"This is not {_MEET_EXPECTED}")
    if _zoom_sections(found) or any(header_key(c) in _ZOOM_ONLY for c in header.cells):
        # Zoom's attendee table has a first name and a join time too: it is not Meet's.
        raise AttendanceFileError("This is a Zoom report, not Google Meet's: import it as zoom")
    tables = [(None, header, found[found.index(header) + 1 :])]
    reader = RowReader(zone, _samples(tables, _MEET), forum_start, forum_end)
    at = columns(header, _MEET)
    visits = [reader.visit(record, at, None) for record in tables[0][2]]
    return _parsed(MEET, visits, reader, forum_start, 0)


# Columns only Zoom's exports have (header_key form: lower case, spaces single).
_ZOOM_ONLY = frozenset({"user name (original name)", "name (original name)", "join time",
                        "leave time", "time in session (minutes)", "duration (minutes)",
                        "is guest", "approval status"})  # fmt: skip


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {tz!r}") from None


Table = tuple[str | None, Record, list[Record]]


def _zoom_sections(found: list[Record]) -> list[Table]:
    """The webinar report's sections that are about people, each with its header and rows."""
    sections: list[list] = []
    current: list | None = None
    for record in found:
        filled = [cell for cell in record.cells if cell.strip()]
        key = header_key(filled[0]) if len(filled) == 1 else ""
        if key in _ZOOM_SECTIONS:
            current = [_ZOOM_SECTIONS[key], None, []]
            sections.append(current)
        elif key.endswith("details") or key in ("other attended", "attendee report"):
            current = None  # a section this import does not read
        elif current is not None and current[1] is None:
            current[1] = record
        elif current is not None:
            current[2].append(record)
    for role, header, _rows in sections:
        missing = [c for c in _ZOOM_NEEDED if header is None or not is_header(header, _ZOOM, [c])]
        if missing:
            names = ", ".join(_ZOOM[c][0].title() for c in missing)
            raise AttendanceFileError(
                f"The {role} table of this Zoom report has no column {names}: expected "
                f"{_ZOOM_EXPECTED}"
            )
    return [tuple(section) for section in sections]


def _samples(tables: list[Table], aliases: Aliases) -> list[str]:
    """The time cells of the file, which tell whether its dates are day or month first."""
    found = []
    for _role, header, rows in tables:
        at = columns(header, aliases)
        for column in ("joined", "left"):
            if column in at:
                found += [r.cells[at[column]] for r in rows if at[column] < len(r.cells)]
    return found


def _says(record: Record, index: int | None, word: str) -> bool:
    if index is None or index >= len(record.cells):
        return False
    return header_key(record.cells[index]) == word


def _parsed(
    layout: str,
    visits: list[Visit | None],
    reader: RowReader,
    forum_start: datetime | None,
    not_attended: int,
) -> ParsedAttendance:
    rows = tuple(merge(v for v in visits if v is not None))
    problems = reader.all_problems()
    starts = [s for row in rows for s, _ in row.sessions]
    if forum_start and starts and all(abs(s - forum_start).days >= 1 for s in starts):
        problems = (
            "No time in this report is within a day of the forum's start: "
            "is it the report of this forum?",
            *problems,
        )
    return ParsedAttendance(layout, rows, problems, not_attended)
