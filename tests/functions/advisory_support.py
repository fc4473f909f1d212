"""Nominees for the advisory network tests, written straight into Firestore (a forum, its
attendance and survey responses), as tests/functions/forum_attendance_support.py does."""

from __future__ import annotations

from datetime import timedelta

from functions import wiring
from functions.adapters.firestore.base import OUTBOX
from functions.domain.forums.attendance import Attendance, SurveyState, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.forums.survey import SurveyResponse
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.vocabulary import ParticipantRole
from tests.functions.forum_attendance_support import ENDS, make_forum

GAUTENG = ["sunflower-soweto", "little-stars-tembisa"]


def records(forum, n: int, centre: str, role=ParticipantRole.PARENT, consent: bool = True,
            nominee: bool = True, email: str | None = None, phone: str | None = None,
            ) -> tuple[Attendance, SurveyResponse]:  # fmt: skip
    """An attendee of the forum and their survey response (nominating themselves); with a
    `phone`, known by that phone alone (no email address)."""
    email = None if phone else email or f"nominee{n}@example.org"
    key = participant_key(email, phone)
    at = forum.ends_at + timedelta(hours=1, minutes=n)
    attendance = Attendance(
        attendee_id=attendee_id(forum.forum_id, key), forum_id=forum.forum_id,
        attendee_key=key, name=f"Nominee {n}", role=role, centre_id=centre, email=email,
        phone=phone, survey_state=SurveyState.ANSWERED, created_at=at, updated_at=at,
    )  # fmt: skip
    response = SurveyResponse(
        attendee_id=attendance.attendee_id, forum_id=forum.forum_id, role=role.value,
        centre_id=centre, satisfaction=5, wants_monthly=True, advisory_nominee=nominee,
        advisory_consent=consent and nominee, submitted_at=at, updated_at=at,
    )  # fmt: skip
    return attendance, response


def person(forum, n: int, centre: str, role=ParticipantRole.PARENT, consent: bool = True,
           nominee: bool = True, email: str | None = None,
           phone: str | None = None) -> Attendance:  # fmt: skip
    """An attendee of the forum and their survey response, stored."""
    attendance, response = records(forum, n, centre, role, consent, nominee, email, phone)

    def work(uow):
        uow.attendance.add(attendance)
        uow.surveys.save(response)

    wiring.transactions().run(work)
    return attendance


def crowd(forum, count: int, centres: list[str], start: int = 1000) -> None:
    """`count` nominees over the centres (parents, every fifth one staff), written in batches
    of 250 straight into Firestore: thousands in a few seconds."""
    from functions.adapters.firestore.base import FORUM_ATTENDANCE, FORUM_SURVEY_RESPONSES, dump

    db = wiring.firestore_client()
    for first in range(start, start + count, 250):
        batch = db.batch()
        for n in range(first, min(first + 250, start + count)):
            role = ParticipantRole.STAFF if n % 5 == 0 else ParticipantRole.PARENT
            attendance, response = records(forum, n, centres[n % len(centres)], role)
            batch.set(db.collection(FORUM_ATTENDANCE).document(attendance.attendee_id),
                      dump(attendance))  # fmt: skip
            batch.set(db.collection(FORUM_SURVEY_RESPONSES).document(response.attendee_id),
                      dump(response))  # fmt: skip
        batch.commit()


def gauteng_month(forum_id: str = "forum-advisory", **extra):
    """A March 2025 forum with eight parents (five from Soweto, three from Tembisa), four
    staff (two each), one parent who did not consent, and one community leader."""
    forum = make_forum(forum_id, **extra)
    people = [person(forum, n, GAUTENG[0]) for n in range(5)]
    people += [person(forum, 5 + n, GAUTENG[1]) for n in range(3)]
    people += [person(forum, 10 + n, GAUTENG[n % 2], ParticipantRole.STAFF) for n in range(4)]
    people.append(person(forum, 20, GAUTENG[0], consent=False))
    people.append(person(forum, 21, GAUTENG[1], ParticipantRole.COMMUNITY_LEADER))
    return forum, people


def advisory_mail(template: str = "advisory_outcome") -> list[OutboxMessage]:
    """The outbox's messages of that template (the selection's, or the answers' confirmations:
    advisory_answer)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    outbox = wiring.firestore_client().collection(OUTBOX)
    docs = outbox.where(filter=FieldFilter("template", "==", template)).stream()
    return [OutboxMessage.model_validate(d.to_dict()) for d in docs]


__all__ = ["ENDS", "GAUTENG", "advisory_mail", "crowd", "gauteng_month", "person", "records"]
