"""Times and durations as the attendance exports write them.

Zoom writes its account's date format: "03/05/2025 10:02:11 AM" by default (month first),
"05/03/2025 10:02:11" in day-first accounts, "Mar 5, 2025 10:02:11 AM" in some reports;
Excel re-saves them as "2025/03/05 10:02" (South African short date) or ISO. Google Meet
writes a time of day only ("10:30 PM", the space before PM being U+202F), the meeting's
date being in the file's name and email, so the caller passes the forum's day. A time with
no offset is local time in the forum's time zone, as the organiser's report shows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

MAX_MINUTES = 24 * 60  # no forum lasts a day: a longer duration is a misread cell
_BLANK = {"", "-", "--", "n/a", "na", "none"}
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_CLOCK = r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([ap]m)?"
_SLASHED = re.compile(rf"(\d{{1,4}})[/.-](\d{{1,2}})[/.-](\d{{2,4}}),?\s+{_CLOCK}")
_NAMED = re.compile(rf"([a-z]{{3,9}})\.?\s+(\d{{1,2}}),?\s+(\d{{4}}),?\s+{_CLOCK}")
_NAMED_DAY_FIRST = re.compile(rf"(\d{{1,2}})\s+([a-z]{{3,9}})\.?,?\s+(\d{{4}}),?\s+{_CLOCK}")
_TIME_ONLY = re.compile(_CLOCK)
_ISO = re.compile(
    r"\d{4}-\d{2}-\d{2}[t ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:z|[+-]\d{2}:?\d{2})"
)
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*(h|hrs?|hours?|m|mins?|minutes?|s|secs?|seconds?)\b")


class NoDate(ValueError):
    """A time of day without a date, and no forum day to put it on."""


def _plain(text: str) -> str:
    # NFKC: U+202F and U+00A0 before AM/PM are spaces; "a.m." is am.
    value = unicodedata.normalize("NFKC", text).casefold().replace(".m.", "m").strip()
    return " ".join(value.split())


def is_blank(text: str) -> bool:
    return _plain(text) in _BLANK


def is_time_of_day(text: str) -> bool:
    """Whether a cell holds a time of day and no date (Meet's "10:30 PM")."""
    return _TIME_ONLY.fullmatch(_plain(text)) is not None


def day_first(samples: Iterable[str], forum_day: date | None) -> bool:
    """Whether the file's slashed dates are day first: a part over 12 decides; else the
    reading that puts them on the forum's day; else Zoom's default, month first."""
    pairs = []
    for sample in samples:
        found = _SLASHED.fullmatch(_plain(sample))
        if found and len(found[1]) <= 2:
            first, second = int(found[1]), int(found[2])
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
            pairs.append((first, second, int(found[3])))
    if forum_day and pairs:
        first, second, year = pairs[0]
        year += 2000 if year < 100 else 0
        return (year, second, first) == (forum_day.year, forum_day.month, forum_day.day)
    return False


def moment(text: str, zone: tzinfo, *, day_first: bool, forum_day: date | None) -> datetime:
    """The instant a cell names (ValueError when it names none, NoDate for a bare time)."""
    value = _plain(text)
    if _ISO.fullmatch(value) or (len(value) > 10 and value[10] == "t"):
        return _iso(value, zone)
    if found := _SLASHED.fullmatch(value):
        a, b, c = found[1], found[2], found[3]
        if len(a) == 4:  # 2025/03/05: year first is always year, month, day
            year, month, day = int(a), int(b), int(c)
        else:
            day, month = (int(a), int(b)) if day_first else (int(b), int(a))
            year = int(c) + (2000 if len(c) == 2 else 0)
        return _at(date_or_fail(year, month, day), found, 4, zone)
    if found := _NAMED.fullmatch(value):
        month = _MONTHS.get(found[1], 0)
        return _at(date_or_fail(int(found[3]), month, int(found[2])), found, 4, zone)
    if found := _NAMED_DAY_FIRST.fullmatch(value):
        month = _MONTHS.get(found[2], 0)
        return _at(date_or_fail(int(found[3]), month, int(found[1])), found, 4, zone)
    if found := _TIME_ONLY.fullmatch(value):
        if forum_day is None:
            raise NoDate("a time of day without a date")
        return _at(forum_day, found, 1, zone)
    raise ValueError("not a date and time")


def _iso(value: str, zone: tzinfo) -> datetime:
    parsed = datetime.fromisoformat(value.upper().replace(" ", "T", 1))
    if not 2000 <= parsed.year <= 2100:
        raise ValueError("not a plausible year")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def date_or_fail(year: int, month: int, day: int) -> date:
    if not 2000 <= year <= 2100:
        raise ValueError("not a plausible year")
    return date(year, month, day)  # ValueError for month 0 or 31 February


def _at(day: date, found: re.Match, first: int, zone: tzinfo) -> datetime:
    hour, minute = int(found[first]), int(found[first + 1])
    second = int(found[first + 2] or 0)
    meridiem = found[first + 3]
    if meridiem:
        if not 1 <= hour <= 12:
            raise ValueError("not a time of day")
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    return datetime.combine(day, time(hour, minute, second), tzinfo=zone)


def minutes(text: str) -> int | None:
    """Whole minutes from "62", "62.5", "1:02:03", "1 hr 2 min", "45 min", "< 1 min" (None
    for an empty cell; ValueError when it is no duration, or longer than a day)."""
    value = _plain(text).lstrip("<").strip()
    if value in _BLANK:
        return None
    if re.fullmatch(r"\d{1,6}(?:[.,]\d{1,6})?", value):
        seconds = float(value.replace(",", ".")) * 60
    elif clock := re.fullmatch(r"(\d{1,3}):(\d{2})(?::(\d{2}))?", value):
        hours, mins, secs = int(clock[1]), int(clock[2]), int(clock[3] or 0)
        seconds = hours * 3600 + mins * 60 + secs  # h:mm:ss, as a spreadsheet writes time
    else:
        parts = _PART.findall(value)
        if not parts or _PART.sub("", value).strip(" ,"):
            raise ValueError("not a duration")
        unit_seconds = {"h": 3600, "m": 60, "s": 1}
        seconds = sum(float(n.replace(",", ".")) * unit_seconds[u[0]] for n, u in parts)
    if seconds > MAX_MINUTES * 60:
        raise ValueError("longer than a day")
    return int(seconds // 60 + (1 if seconds % 60 >= 30 else 0))


def span_minutes(start: datetime, end: datetime) -> int:
    """Whole minutes between two instants, half a minute and more rounded up."""
    seconds = (end - start) / timedelta(seconds=1)
    return int(seconds // 60 + (1 if seconds % 60 >= 30 else 0))
