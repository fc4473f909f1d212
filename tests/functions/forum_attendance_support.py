"""Building forums and registrations straight in Firestore for the attendance and survey
tests (the registration flow itself is tested elsewhere)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from functions import wiring
from functions.domain.forums.models import (
    Forum,
    Registration,
    RegistrationState,
    participant_key,
    registration_id,
)
from functions.domain.shared.vocabulary import ForumFormat, ParticipantRole

SAST = ZoneInfo("Africa/Johannesburg")
FIXTURES = Path(__file__).parents[1] / "fixtures/attendance"
ZOOM = (FIXTURES / "zoom_webinar_attendee_report.csv").read_bytes()
MEET = (FIXTURES / "meet_attendance.csv").read_bytes()
# The Zoom fixture's webinar: 5 March 2025, 10:00 to 11:30 in Johannesburg.
STARTS = datetime(2025, 3, 5, 10, 0, tzinfo=SAST)
ENDS = datetime(2025, 3, 5, 11, 30, tzinfo=SAST)


def make_forum(forum_id: str = "forum-march-zoom", starts=STARTS, ends=ENDS,
               fmt=ForumFormat.ZOOM_WEBINAR, survey_days: int = 7, **extra) -> Forum:  # fmt: skip
    now = starts - timedelta(days=30)
    forum = Forum(forum_id=forum_id, month=starts.strftime("%Y-%m"), title="March forum",
                  format=fmt, starts_at=starts, ends_at=ends, capacity=100, created_at=now,
                  updated_at=now, survey_days=survey_days, **extra)  # fmt: skip
    wiring.transactions().run(lambda uow: uow.forums.add(forum))
    return forum


def register(forum: Forum, name: str, email: str | None = None, phone: str | None = None,
             role=ParticipantRole.PARENT, state=RegistrationState.REGISTERED,
             language="en") -> Registration:  # fmt: skip
    key = participant_key(email, phone)
    now = forum.created_at
    registration = Registration(
        registration_id=registration_id(forum.forum_id, key), forum_id=forum.forum_id,
        participant_key=key, name=name, role=role, email=email, phone=phone,
        consent_version="test", consented_at=now, state=state, created_at=now,
        updated_at=now, language=language,
        waitlist_position=1 if state == RegistrationState.WAITLISTED else None,
    )  # fmt: skip
    wiring.transactions().run(lambda uow: uow.registrations.add(registration))
    return registration


def register_zoom_people(forum: Forum) -> dict[str, Registration]:
    """The Zoom fixture's registrants: Thandiwe by email, Zanele by phone only (the file has
    no email for her), Sipho who did not come, and Grace, a no-show too."""
    return {
        "thandiwe": register(forum, "Thandiwe Mokoena", "thandiwe.mokoena@example.org"),
        "zanele": register(forum, "Zanele Khumalo", "zanele@example.org", "+27715550123"),
        "sipho": register(forum, "Sipho Ndlovu", "sipho.ndlovu@example.org"),
        "grace": register(
            forum, "Grace Naidoo", "grace.naidoo@example.org", role=ParticipantRole.STAFF
        ),  # fmt: skip
    }
