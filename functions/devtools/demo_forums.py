"""The seed report's month as demo data: the three March 2025 forums with their people.

The figures are the report's (functions/devtools/seed.py loads them under `make run`):
    5 March, Zoom webinar: 42 attended (21 parents, 21 staff)
    14 March, WhatsApp with live audio: 58 attended (30 parents, 28 staff)
    26 March, Google Meet with breakout rooms: 63 attended (33 parents, 30 staff)
and the feedback forms' 91% satisfied (rating 4 or 5) and 88% wanting monthly sessions: 127 and
123 of the 140 who answered (90.7% and 87.9%, rounded to whole percentages).

People are made up (example.org addresses), deterministic: the same every run, so re-seeding
finds every record in place and writes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from functions.domain.forums.attendance import (
    Attendance,
    AttendanceSource,
    Session,
    SurveyState,
    attendee_id,
)
from functions.domain.forums.models import (
    BreakoutRoom,
    Forum,
    JoiningDetails,
    Registration,
    RegistrationState,
    participant_key,
    planned_forum_id,
    registration_id,
)
from functions.domain.forums.survey import SurveyResponse
from functions.domain.shared.consent import FORUM_CONSENT_VERSION
from functions.domain.shared.vocabulary import (
    Audience,
    Category,
    ForumFormat,
    ForumTopic,
    ParticipantRole,
)

MONTH = "2025-03"
ZONE = "Africa/Johannesburg"
_FIRST = ["Thandiwe", "Sipho", "Lerato", "Nomsa", "Ayanda", "Kagiso", "Zanele", "Johan", "Anele",
          "Palesa", "Refilwe", "Mandla", "Naledi", "Tshepo", "Busisiwe", "Pieter", "Lindiwe",
          "Themba", "Karabo", "Nandi", "Lwazi", "Amahle", "Sibusiso", "Marelize"]  # fmt: skip
_LAST = ["Dlamini", "Nkosi", "Mokoena", "Ndlovu", "Khumalo", "van Wyk", "Mahlangu", "Botha",
         "Sithole", "Molefe", "Petersen", "Naidoo", "Mthembu", "Jacobs", "Zulu",
         "Radebe"]  # fmt: skip


class DemoForum(NamedTuple):
    slot: int
    title: str
    format: ForumFormat
    day: int
    capacity: int
    registered: tuple[int, int]  # parents, staff
    attended: tuple[int, int]
    responses: int
    satisfied: int  # rated 4 or 5
    monthly: int  # want monthly digital sessions


MARCH_2025 = (
    DemoForum(0, "Digital Customer Service Forum: rights and respect", ForumFormat.ZOOM_WEBINAR,
              5, 60, (26, 24), (21, 21), 36, 33, 32),
    DemoForum(1, "Digital Customer Service Forum on WhatsApp", ForumFormat.WHATSAPP_LIVE_AUDIO,
              14, 80, (34, 31), (30, 28), 50, 45, 44),
    DemoForum(2, "Digital Customer Service Forum: breakout sessions",
              ForumFormat.GOOGLE_MEET_BREAKOUTS, 26, 80, (38, 33), (33, 30), 54, 49, 47),
)  # fmt: skip
_ROOMS = [
    BreakoutRoom(room_id="rights", name="Rights of parents and children",
                 topic=ForumTopic.RIGHTS_OF_PARENTS_AND_CHILDREN),
    BreakoutRoom(room_id="communication", name="Complaints and communication delays",
                 topic=ForumTopic.COMPLAINTS_AND_COMMUNICATION_DELAYS),
    BreakoutRoom(room_id="staff-training", name="Staff training needs",
                 topic=ForumTopic.STAFF_TRAINING_NEEDS),
]  # fmt: skip
_JOINING = {
    ForumFormat.ZOOM_WEBINAR: JoiningDetails(url="https://zoom.example.org/j/85512345678",
                                             meeting_id="855 1234 5678", passcode="forum25"),
    ForumFormat.WHATSAPP_LIVE_AUDIO: JoiningDetails(url="https://chat.whatsapp.example.org/demo",
                                                    dial_in="+27 10 555 0100"),
    ForumFormat.GOOGLE_MEET_BREAKOUTS: JoiningDetails(url="https://meet.example.org/abc-defg-hij"),
}  # fmt: skip


def forum(spec: DemoForum) -> Forum:
    starts = datetime(2025, 3, spec.day, 18, 0, tzinfo=ZoneInfo(ZONE))
    created = datetime(2025, 2, 1, 6, 0, tzinfo=ZoneInfo(ZONE))
    return Forum(
        forum_id=planned_forum_id(MONTH, spec.slot), month=MONTH, title=spec.title,
        format=spec.format, starts_at=starts, ends_at=starts + timedelta(minutes=90),
        timezone=ZONE, capacity=spec.capacity, topics=list(ForumTopic),
        audiences=[Audience.PARENTS, Audience.STAFF],
        breakout_rooms=_ROOMS if spec.format == ForumFormat.GOOGLE_MEET_BREAKOUTS else [],
        joining=_JOINING[spec.format], plan_slot=spec.slot,
        places_taken=sum(spec.registered), created_at=created, updated_at=created,
    )  # fmt: skip


def people(spec: DemoForum, centre_ids: list[str]) -> list[dict]:
    """Everyone registered for the forum: parents first, then staff, each with an address,
    a centre and whether they attended (the first `attended` of each role did)."""
    draw = random.Random(f"demo-forum-{spec.slot}")
    found = []
    for role, registered, attended in (
        (ParticipantRole.PARENT, spec.registered[0], spec.attended[0]),
        (ParticipantRole.STAFF, spec.registered[1], spec.attended[1]),
    ):
        for number in range(registered):
            first, last = draw.choice(_FIRST), draw.choice(_LAST)
            local = f"{first}.{last}".lower().replace(" ", "")
            found.append({
                "name": f"{first} {last}", "role": role,
                "email": f"{local}.{spec.slot}{role.value[0]}{number}@example.org",
                "centre_id": centre_ids[number % len(centre_ids)],
                "attended": number < attended,
            })  # fmt: skip
    return found


def registrations(spec: DemoForum, everyone: list[dict]) -> list[Registration]:
    made = forum(spec)
    at = made.starts_at - timedelta(days=10)
    out = []
    for index, person in enumerate(everyone):
        key = participant_key(person["email"], None)
        room = _ROOMS[index % len(_ROOMS)].room_id if made.breakout_rooms else None
        registered_at = at + timedelta(minutes=7 * index)
        out.append(Registration(
            registration_id=registration_id(made.forum_id, key), forum_id=made.forum_id,
            participant_key=key, name=person["name"], role=person["role"],
            centre_id=person["centre_id"], email=person["email"], room_id=room,
            topics=[list(ForumTopic)[index % len(ForumTopic)]],
            consent_version=FORUM_CONSENT_VERSION, consented_at=registered_at,
            state=RegistrationState.REGISTERED, created_at=registered_at,
            updated_at=registered_at,
        ))  # fmt: skip
    return out


def attendance(spec: DemoForum, regs: list[Registration], everyone: list[dict]) -> list[Attendance]:
    """Who came, from the platform's export (the roll for WhatsApp): one session each, most
    staying to the end, some leaving early."""
    made = forum(spec)
    source = _SOURCE[spec.format]
    draw = random.Random(f"demo-attendance-{spec.slot}")
    out = []
    for registration, person in zip(regs, everyone, strict=True):
        if not person["attended"]:
            continue
        joined = made.starts_at + timedelta(minutes=draw.randint(0, 10))
        left = made.ends_at - timedelta(minutes=draw.choice([0, 0, 0, 5, 20]))
        minutes = int((left - joined).total_seconds() // 60)
        out.append(Attendance(
            attendee_id=attendee_id(made.forum_id, registration.participant_key),
            forum_id=made.forum_id, attendee_key=registration.participant_key,
            registration_id=registration.registration_id, registered=True,
            name=registration.name, role=registration.role, centre_id=registration.centre_id,
            email=registration.email,
            sessions=[Session(joined_at=joined, left_at=left, minutes=minutes, source=source)],
            minutes=minutes, sources=[source], survey_state=SurveyState.SENT,
            survey_sent_at=made.ends_at + timedelta(minutes=30),
            created_at=made.ends_at, updated_at=made.ends_at,
        ))  # fmt: skip
    return out


def responses(spec: DemoForum, attended: list[Attendance]) -> list[SurveyResponse]:
    """The first `responses` attendees answered: `satisfied` of them rated 4 or 5 and
    `monthly` of them want monthly sessions (the report's 91% and 88% over the month)."""
    made = forum(spec)
    draw = random.Random(f"demo-survey-{spec.slot}")
    out = []
    for index, person in enumerate(attended[: spec.responses]):
        at = made.ends_at + timedelta(hours=2 + index)
        answers = _ANSWERS[index % len(_ANSWERS)]
        out.append(SurveyResponse(
            attendee_id=person.attendee_id, forum_id=made.forum_id,
            registration_id=person.registration_id, role=person.role.value,
            centre_id=person.centre_id,
            satisfaction=draw.choice([4, 5, 5]) if index < spec.satisfied else draw.choice([2, 3]),
            wants_monthly=index < spec.monthly,
            pain_points=answers["pain_points"], recommendations=answers["recommendation"],
            promising_practice=answers["practice"],
            practice_centre_id=person.centre_id if answers["practice"] else None,
            advisory_nominee=index % 4 == 0, advisory_consent=index % 4 == 0,
            advisory_consented_at=at if index % 4 == 0 else None,
            may_quote_name=index % 3 == 0, quoted_as=person.name if index % 3 == 0 else None,
            submitted_at=at, updated_at=at,
        ))  # fmt: skip
    return out


_SOURCE = {
    ForumFormat.ZOOM_WEBINAR: AttendanceSource.ZOOM,
    ForumFormat.WHATSAPP_LIVE_AUDIO: AttendanceSource.ROLL,
    ForumFormat.GOOGLE_MEET_BREAKOUTS: AttendanceSource.MEET,
}
_ANSWERS = [
    {"pain_points": [Category.COMMUNICATION_AND_DELAYS],
     "recommendation": "Send a short WhatsApp update when a complaint is being looked at.",
     "practice": "The principal phones parents back the same day."},
    {"pain_points": [Category.FEES_AND_ADMINISTRATION, Category.COMMUNICATION_AND_DELAYS],
     "recommendation": "Put fee statements and receipts online.", "practice": ""},
    {"pain_points": [Category.STAFF_CONDUCT],
     "recommendation": "Training for staff on calm conflict resolution.",
     "practice": "Staff greet every parent at the gate by name."},
    {"pain_points": [Category.HEALTH_AND_NUTRITION],
     "recommendation": "Share the weekly menu with parents.", "practice": ""},
    {"pain_points": [Category.RIGHTS_OF_PARENTS_AND_CHILDREN],
     "recommendation": "Explain to parents how to escalate a complaint.",
     "practice": "A notice board lists who to contact and how fast they answer."},
]  # fmt: skip


def month_records(centre_ids: list[str]):
    """Every record of the demo month: (collection, document id, record) in writing order."""
    from functions.adapters.firestore import base

    for spec in MARCH_2025:
        everyone = people(spec, centre_ids)
        regs = registrations(spec, everyone)
        came = attendance(spec, regs, everyone)
        yield base.FORUMS, forum(spec).forum_id, forum(spec)
        yield from ((base.FORUM_REGISTRATIONS, r.registration_id, r) for r in regs)
        yield from ((base.FORUM_ATTENDANCE, a.attendee_id, a) for a in came)
        yield from ((base.FORUM_SURVEY_RESPONSES, s.attendee_id, s)
                    for s in responses(spec, came))  # fmt: skip


def seed_demo_forums(db, centre_ids: list[str]) -> int:
    """Write the demo month's records that are not there yet (a forum already there keeps
    whatever an administrator changed), as the system writes them (their tallies kept);
    returns how many were written."""
    from functions.devtools.records import create_all

    records = list(month_records(centre_ids))
    refs = [db.collection(collection).document(doc_id) for collection, doc_id, _ in records]
    present = {snapshot.reference.path for snapshot in db.get_all(refs) if snapshot.exists}
    return create_all(db, (record for ref, record in zip(refs, records, strict=True)
                           if ref.path not in present))  # fmt: skip
