"""The forum form of the admin pages (a new forum, and editing one): the fields shown, read
back and checked field by field, so a refused form comes back with each problem beside its
field and what was typed kept (English only).

What a forum may be is ForumDraft's and Forum's to say (services/forums/creating.py,
domain/forums/models.py); this module only turns the form's texts into their values (a day
and two local times into aware datetimes, ticked boxes into lists, rows into breakout rooms)
and words the few problems a form has that JSON has not (a time that is not a time).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from functions.domain.forums.models import BreakoutRoom, Forum, JoiningDetails
from functions.domain.shared.text import clean_text, one_line
from functions.domain.shared.vocabulary import Audience, ForumFormat, ForumTopic

_TIME = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")
_ROOM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_ROOMS = 50
SPARE_ROOMS = 3  # blank room rows offered under the rooms a forum has
JOINING = ("url", "meeting_id", "passcode", "dial_in", "venue", "instructions")
_LONG = {"instructions": 2000, "venue": 500, "url": 2000}
# The form's fields a model's error names (pydantic's loc[0]) -> the field shown beside it.
_FIELD_OF = {"starts_at": "start", "ends_at": "end", "joining": "url", "region_id": "region"}


def values_of(forum: Forum) -> dict:
    """The form filled in with a stored forum (the edit form)."""
    zone = ZoneInfo(forum.timezone)
    starts, ends = forum.starts_at.astimezone(zone), forum.ends_at.astimezone(zone)
    joining = forum.joining.model_dump() if forum.joining else {}
    return {
        "title": forum.title, "format": forum.format.value, "date": starts.date().isoformat(),
        "start": starts.strftime("%H:%M"), "end": ends.strftime("%H:%M"),
        "timezone": forum.timezone, "capacity": str(forum.capacity),
        "topics": [t.value for t in forum.topics], "audiences": [a.value for a in forum.audiences],
        "rooms": [{"room_id": r.room_id, "name": r.name, "topic": r.topic.value if r.topic else ""}
                  for r in forum.breakout_rooms],
        "details_release_hours": str(forum.details_release_hours),
        "description": forum.description, "region": forum.region_id or "",
        **{name: joining.get(name) or "" for name in JOINING},
    }  # fmt: skip


def defaults(zone: str, release_hours: int) -> dict:
    """A new forum's form."""
    return {"title": "", "format": ForumFormat.ZOOM_WEBINAR.value, "date": "", "start": "18:00",
            "end": "19:30", "timezone": zone, "capacity": "100", "topics": [],
            "audiences": [Audience.PARENTS.value, Audience.STAFF.value], "rooms": [],
            "details_release_hours": str(release_hours), "description": "", "region": "",
            **{name: "" for name in JOINING}}  # fmt: skip


def read(form) -> dict:
    """What was typed, bounded (a field is never kept longer than a sane form sends)."""
    text = lambda name, limit=300: (form.get(name) or "")[:limit]  # noqa: E731
    rooms = []
    for index in range(1, MAX_ROOMS + SPARE_ROOMS + 1):
        name = text(f"room_name_{index}")
        if f"room_name_{index}" not in form:
            break
        if name.strip():  # a blank row is no room (and is not shown again)
            rooms.append({"room_id": text(f"room_id_{index}", 40), "name": name,
                          "topic": text(f"room_topic_{index}", 100)})  # fmt: skip
    return {
        "title": text("title", 1000), "format": text("format", 50), "date": text("date", 20),
        "start": text("start", 10), "end": text("end", 10), "timezone": text("timezone", 80),
        "capacity": text("capacity", 20), "topics": form.getlist("topics")[:20],
        "audiences": form.getlist("audiences")[:20], "rooms": rooms,
        "details_release_hours": text("details_release_hours", 10),
        "description": text("description", 6000), "region": text("region", 200),
        **{name: text(name, _LONG.get(name, 300)) for name in JOINING},
    }  # fmt: skip


def parse(typed: dict) -> tuple[dict, dict[str, list[str]]]:
    """(the forum's fields, as ForumDraft names them; problems by form field)."""
    errors: dict[str, list[str]] = {}
    problem = lambda field, message: errors.setdefault(field, []).append(message)  # noqa: E731
    fields: dict = {"title": one_line(typed["title"]), "description": _text(typed["description"])}
    if not fields["title"]:
        problem("title", "Give the forum a title.")
    elif len(fields["title"]) > 200:
        problem("title", "A title has at most 200 characters.")
    if len(fields["description"]) > 5000:
        problem("description", "The description has at most 5,000 characters.")
    zone = _zone(typed["timezone"].strip())
    if zone is None:
        problem("timezone", "Not a time zone we know: e.g. Africa/Johannesburg.")
    else:
        fields["timezone"] = zone
    day = _day(typed["date"])
    if day is None:
        problem("date", "Give the day as a date, e.g. 2026-12-09.")
    start, end = _clock(typed["start"]), _clock(typed["end"])
    if start is None:
        problem("start", "Give the start as a time, e.g. 18:00.")
    if end is None:
        problem("end", "Give the end as a time, e.g. 19:30.")
    elif start is not None and end <= start:
        problem("end", "The forum ends after it starts (on the same day).")
    if day and zone and start and end and end > start:
        local = ZoneInfo(zone)
        fields["starts_at"] = datetime(day.year, day.month, day.day, *start, tzinfo=local)
        fields["ends_at"] = datetime(day.year, day.month, day.day, *end, tzinfo=local)
    for name, low, high, say in (
        ("capacity", 1, 100_000, "between 1 and 100,000 places"),
        ("details_release_hours", 0, 720, "between 0 and 720 hours"),
    ):
        number = typed[name].strip().replace(",", "").replace(" ", "")
        if number.isascii() and number.isdecimal() and low <= int(number) <= high:
            fields[name] = int(number)
        else:
            problem(name, f"Give a whole number, {say}.")
    fields["topics"] = _choices(typed["topics"], ForumTopic, "topics", problem)
    fields["audiences"] = _choices(typed["audiences"], Audience, "audiences", problem)
    if not typed["audiences"]:
        problem("audiences", "Choose who the forum is for.")
    fields["breakout_rooms"] = _rooms(typed["rooms"], problem)
    fields["joining"] = _joining(typed, problem)
    return fields, errors


def model_problems(error: ValidationError) -> dict[str, list[str]]:
    """A model's refusal of what the form gave, by form field (a rule of the whole forum:
    under the format)."""
    errors: dict[str, list[str]] = {}
    for item in error.errors(include_url=False, include_input=False):
        where = str(item["loc"][0]) if item["loc"] else "format"
        message = str(item["msg"]).removeprefix("Value error, ")
        errors.setdefault(_FIELD_OF.get(where, where), []).append(message[:1].upper() + message[1:])
    return errors


def _text(value: str) -> str:
    """A text of several lines: a browser sends CR LF, we keep LF (an unchanged description
    must compare equal to the stored one, or its registrants would be told of a change)."""
    return clean_text(value.replace("\r\n", "\n").replace("\r", "\n"))


def _zone(text: str) -> str | None:
    if not text or len(text) > 64:
        return None
    try:
        ZoneInfo(text)
    except (ValueError, KeyError, OSError):
        return None
    return text


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else None
    except ValueError:
        return None


def _clock(text: str) -> tuple[int, int] | None:
    matched = _TIME.fullmatch(text.strip())
    return (int(matched[1]), int(matched[2])) if matched else None


def _choices(given: list[str], enum, field: str, problem) -> list:
    chosen = []
    for value in given:
        try:
            chosen.append(enum(value))
        except ValueError:
            problem(field, "Choose from the list: one of these is not ours.")
            break
    return [member for member in enum if member in chosen]  # in the vocabulary's order


def _rooms(rows: list[dict], problem) -> list[BreakoutRoom]:
    """Rows with a name are rooms (a blank row is none); a row keeps its room id, so the
    people who chose it keep their choice when it is renamed."""
    rooms, used = [], {row["room_id"] for row in rows if _ROOM_ID.fullmatch(row["room_id"])}
    for row in rows:
        name = one_line(row["name"])[:200]
        if not name:
            continue
        room_id = row["room_id"] if _ROOM_ID.fullmatch(row["room_id"]) else None
        if room_id is None or any(r.room_id == room_id for r in rooms):
            room_id = next(f"room-{n}" for n in range(1, 1000) if f"room-{n}" not in used)
            used.add(room_id)
        try:
            topic = ForumTopic(row["topic"]) if row["topic"] else None
        except ValueError:
            problem("rooms", "Choose each room's topic from the list.")
            topic = None
        rooms.append(BreakoutRoom(room_id=room_id, name=name, topic=topic))
    return rooms


def _joining(typed: dict, problem) -> JoiningDetails | None:
    given = {name: (_text(typed[name]) if name == "instructions" else one_line(typed[name]))
             for name in JOINING}  # fmt: skip
    url = given["url"]
    if url and (not re.match(r"https?://\S+$", url) or len(url) > 2000):
        problem("url", "Give the full link, starting with https://")
    if not any(given.values()):
        return None
    return JoiningDetails(**{name: value or None for name, value in given.items()})
