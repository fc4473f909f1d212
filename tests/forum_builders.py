"""Forums and registration forms for the forum tests (written straight through a unit of
work, as the setup service would)."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime, timedelta

from functions.domain.forums.models import BreakoutRoom, Forum, JoiningDetails
from functions.domain.forums.registration import RegistrationForm
from functions.domain.shared.consent import FORUM_CONSENT_VERSION

START = datetime(2030, 3, 5, 16, 0, tzinfo=UTC)  # 18:00 in Johannesburg
_counter = itertools.count()


def forum(**overrides) -> Forum:
    starts_at = overrides.pop("starts_at", START)
    fields = dict(
        forum_id=f"forum-{uuid.uuid4().hex[:10]}", month=starts_at.strftime("%Y-%m"),
        title="Parents and staff forum", format="zoom_webinar", starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90), timezone="Africa/Johannesburg",
        capacity=10, topics=["parent_and_child_rights", "staff_training_needs"],
        audiences=["parents", "staff", "community_leaders"],
        joining=JoiningDetails(url="https://zoom.example.org/j/123", meeting_id="123 456",
                               passcode="forum1"),
        description="Our monthly forum.", created_at=START - timedelta(days=30),
        updated_at=START - timedelta(days=30),
    )  # fmt: skip
    return Forum.model_validate(fields | overrides)


def breakout_forum(**overrides) -> Forum:
    rooms = [BreakoutRoom(room_id="a", name="Rights", topic="parent_and_child_rights"),
             BreakoutRoom(room_id="b", name="Training", topic="staff_training_needs")]  # fmt: skip
    return forum(format="google_meet_breakouts", breakout_rooms=rooms, **overrides)


def store(deps, *forums: Forum) -> None:
    deps.transactions.run(lambda uow: [uow.forums.add(f) for f in forums])


def form(forum_id: str, **overrides) -> RegistrationForm:
    n = next(_counter)
    fields = dict(
        forum_id=forum_id, name=f"Person {n}", role="parent", centre_id="sunflower-soweto",
        email=f"person{n}.{uuid.uuid4().hex[:6]}@example.org", language="en", consent=True,
        consent_version=FORUM_CONSENT_VERSION,
    )  # fmt: skip
    return RegistrationForm.model_validate(fields | overrides)
