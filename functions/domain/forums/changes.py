"""What an administrator may change on a forum after it was set up.

Every field is optional: None means "leave as it is". The service (services/forums/changes.py)
applies the changes to the stored forum, bumps its calendar SEQUENCE when something a calendar
shows changed, and tells the registrants.
"""

from __future__ import annotations

from pydantic import AwareDatetime, Field

from functions.domain.forums.models import BreakoutRoom, JoiningDetails
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Audience, ForumTopic


class ForumChanges(Record):
    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None
    timezone: str | None = None
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    topics: list[ForumTopic] | None = None
    audiences: list[Audience] | None = None
    breakout_rooms: list[BreakoutRoom] | None = None
    joining: JoiningDetails | None = None
    details_release_hours: int | None = Field(default=None, ge=0, le=24 * 30)
    description: str | None = Field(default=None, max_length=5000)

    def given(self) -> dict:
        """The fields the administrator set (None: unchanged)."""
        return {name: value for name, value in self if value is not None}
