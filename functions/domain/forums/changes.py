"""What an administrator may change on a forum after it was set up.

Every field is optional: None means "leave as it is". The service (services/forums/changes.py)
applies the changes to the stored forum, bumps its calendar SEQUENCE when something a calendar
shows changed, and tells the registrants.
"""

from __future__ import annotations

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from functions.domain.forums.models import BreakoutRoom, JoiningDetails
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Audience, ForumTopic


class ForumChanges(Record):
    # A misspelt field ("capcity") is refused, not ignored with a 200 that changed nothing.
    model_config = ConfigDict(frozen=True, extra="forbid")

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

    @field_validator("timezone")
    @classmethod
    def _zone(cls, zone: str | None) -> str | None:
        # ZoneInfo raises KeyError (unknown) or OSError (a name too long for a path), which
        # pydantic would not turn into a 422: checked here, as ForumDraft does.
        from zoneinfo import ZoneInfo

        if zone is None:
            return None
        try:
            ZoneInfo(zone)
        except (ValueError, KeyError, OSError):
            raise ValueError("not a known time zone, e.g. Africa/Johannesburg") from None
        return zone

    def given(self) -> dict:
        """The fields the administrator set (None: unchanged)."""
        return {name: value for name, value in self if value is not None}
