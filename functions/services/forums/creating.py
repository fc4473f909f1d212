"""Creating one forum by hand (the admin pages, admin_api, `ecd forums create`): a forum
outside the standing plan, or one more in a month already set up."""

from __future__ import annotations

import secrets
from datetime import datetime

from pydantic import AwareDatetime, ConfigDict, Field, field_validator, model_validator

from functions.domain.forums.models import BreakoutRoom, Forum, JoiningDetails
from functions.domain.forums.plan import month_of
from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Audience, ForumFormat, ForumTopic
from functions.services.ports import Dependencies, UnitOfWork


class ForumDraft(Record):
    """What an administrator gives for a new forum (a field we do not know is refused)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    format: ForumFormat
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    timezone: str = DEFAULT_TIMEZONE
    capacity: int = Field(ge=1, le=100_000)
    topics: list[ForumTopic] = Field(default_factory=list)
    audiences: list[Audience] = Field(min_length=1)
    breakout_rooms: list[BreakoutRoom] = Field(default_factory=list, max_length=50)
    joining: JoiningDetails | None = None
    details_release_hours: int = Field(default=24, ge=0, le=24 * 30)
    description: str = Field(default="", max_length=5000)
    region_id: str | None = Field(default=None, max_length=200)

    @field_validator("timezone")
    @classmethod
    def _zone(cls, zone: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            raise ValueError("not a known time zone, e.g. Africa/Johannesburg") from None
        return zone

    @model_validator(mode="after")
    def _shape(self):
        if self.ends_at <= self.starts_at:
            raise ValueError("a forum ends after it starts")
        if self.breakout_rooms and self.format != ForumFormat.GOOGLE_MEET_BREAKOUTS:
            raise ValueError("only a breakout forum has breakout rooms")
        return self


class ForumInPast(ValueError):
    """A new forum must start in the future."""


def create_forum(deps: Dependencies, draft: ForumDraft, now: datetime) -> Forum:
    """A new forum (random id), in the month of its start in its own time zone. Raises
    ForumInPast for a start that is not ahead of `now`."""
    if draft.starts_at <= now:
        raise ForumInPast("A new forum starts in the future")
    forum = Forum(forum_id=secrets.token_hex(10), month=month_of(draft.starts_at, draft.timezone),
                  created_at=now, updated_at=now, **draft.model_dump())  # fmt: skip

    def work(uow: UnitOfWork) -> None:
        uow.forums.add(forum)

    deps.transactions.run(work)
    return forum
