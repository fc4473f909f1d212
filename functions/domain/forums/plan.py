"""The standing plan of monthly forums, and the forums it makes for a month.

The plan (infra/forum_plan.json, kept in Firestore as a settings document) says which forums a
month has: for each slot, a weekday and which one of the month ("the first Wednesday", "the
last Wednesday"), a local start time and a duration in the plan's time zone, the format,
capacity, topics, audiences and, for breakout forums, the rooms. `forums_for_month` turns it
into the month's forums, each with the id planned_forum_id(month, slot): setting a month up
twice makes the same ids, so the second run finds them there.
"""

from __future__ import annotations

import calendar as monthly
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from functions.domain.forums.models import (
    DEFAULT_DETAILS_RELEASE,
    MONTH_PATTERN,
    BreakoutRoom,
    Forum,
    planned_forum_id,
)
from functions.domain.shared.calendar import DEFAULT_TIMEZONE, WEEKDAYS
from functions.domain.shared.vocabulary import Audience, ForumFormat, ForumTopic

_HOURS = int(DEFAULT_DETAILS_RELEASE.total_seconds() // 3600)


class Week(StrEnum):
    """Which of the month's weekdays: the first to the fourth, or the last."""

    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    FOURTH = "fourth"
    LAST = "last"


class _Strict(BaseModel):
    # A typo in the plan file is refused, not ignored.
    model_config = ConfigDict(frozen=True, extra="forbid")


class PlannedForum(_Strict):
    slot: int = Field(ge=1, le=31)
    title: str = Field(min_length=1, max_length=200)
    format: ForumFormat
    weekday: str
    week: Week
    start: time  # local time in the plan's zone, "18:00"
    duration_minutes: int = Field(ge=15, le=8 * 60)
    capacity: int = Field(ge=1, le=100_000)
    topics: list[ForumTopic] = Field(default_factory=list)
    audiences: list[Audience] = Field(min_length=1)
    breakout_rooms: list[BreakoutRoom] = Field(default_factory=list)
    description: str = Field(default="", max_length=5000)
    details_release_hours: int | None = Field(default=None, ge=0, le=24 * 30)

    @field_validator("weekday")
    @classmethod
    def _weekday(cls, day: str) -> str:
        if day not in WEEKDAYS:
            raise ValueError(f"a weekday is one of {', '.join(WEEKDAYS)}")
        return day

    @model_validator(mode="after")
    def _rooms(self):
        breakouts = self.format == ForumFormat.GOOGLE_MEET_BREAKOUTS
        if breakouts and not self.breakout_rooms:
            raise ValueError("a breakout forum lists its breakout rooms")
        if self.breakout_rooms and not breakouts:
            raise ValueError("only a breakout forum has breakout rooms")
        rooms = [room.room_id for room in self.breakout_rooms]
        if len(set(rooms)) != len(rooms):
            raise ValueError("each breakout room has its own room_id")
        return self


class ForumPlan(_Strict):
    version: str = Field(min_length=1, max_length=40)
    timezone: str = DEFAULT_TIMEZONE
    details_release_hours: int = Field(default=_HOURS, ge=0, le=24 * 30)
    forums: list[PlannedForum] = Field(min_length=1, max_length=31)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, zone: str) -> str:
        ZoneInfo(zone)  # an unknown zone raises, and the plan is refused
        return zone

    @model_validator(mode="after")
    def _slots(self):
        slots = [forum.slot for forum in self.forums]
        if len(set(slots)) != len(slots):
            raise ValueError("each planned forum has its own slot")
        return self


def day_in_month(month: str, weekday: str, week: Week) -> date:
    """The month's first..fourth or last `weekday` ("wed")."""
    year, number = (int(part) for part in month.split("-"))
    wanted = WEEKDAYS.index(weekday)
    days = [day for day in range(1, monthly.monthrange(year, number)[1] + 1)
            if date(year, number, day).weekday() == wanted]  # fmt: skip
    index = -1 if week == Week.LAST else list(Week).index(week)
    return date(year, number, days[index])


def forums_for_month(plan: ForumPlan, month: str, now: datetime) -> list[Forum]:
    """The plan's forums of `month` ("YYYY-MM"), soonest first, as new records made at `now`;
    a slot whose start is already past at `now` is left out (a month set up late)."""
    if not _is_month(month):
        raise ValueError("a month is YYYY-MM")
    zone = ZoneInfo(plan.timezone)
    forums = []
    for slot in plan.forums:
        starts = datetime.combine(day_in_month(month, slot.weekday, slot.week), slot.start, zone)
        if starts <= now:
            continue
        release = slot.details_release_hours
        forums.append(Forum(
            forum_id=planned_forum_id(month, slot.slot), month=month, title=slot.title,
            format=slot.format, starts_at=starts,
            ends_at=starts + timedelta(minutes=slot.duration_minutes), timezone=plan.timezone,
            capacity=slot.capacity, topics=slot.topics, audiences=slot.audiences,
            breakout_rooms=slot.breakout_rooms, description=slot.description,
            details_release_hours=plan.details_release_hours if release is None else release,
            plan_slot=slot.slot, created_at=now, updated_at=now,
        ))  # fmt: skip
    return sorted(forums, key=lambda forum: forum.starts_at)


def _is_month(month: object) -> bool:
    import re

    return isinstance(month, str) and re.fullmatch(MONTH_PATTERN, month) is not None


def month_of(moment: datetime, zone: str) -> str:
    """The "YYYY-MM" `moment` falls in, in the time zone `zone`."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m")


def next_month(now: datetime, zone: str) -> str:
    """The month after the one `now` falls in, where the network is (the scheduler's 1st)."""
    local = now.astimezone(ZoneInfo(zone))
    year, number = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    return f"{year:04d}-{number:02d}"


def month_problem(month: object, now: datetime, zone: str) -> str | None:
    """Why a month cannot be set up at `now` (None: it can): not "YYYY-MM", in the past, or
    more than two years ahead (a typo, not a plan)."""
    if not _is_month(month):
        return "Give the month as YYYY-MM, e.g. 2026-12"
    current = month_of(now, zone)
    if month < current:
        return f"{month} is in the past: set up this month ({current}) or a later one"
    year, number = (int(part) for part in current.split("-"))
    if month > f"{year + 2:04d}-{number:02d}":
        return f"{month} is more than two years ahead"
    return None
