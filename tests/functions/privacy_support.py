"""One person's records in every collection, built through the real flows where there is one
(the feedback form's JSON API, a forum registration, the outbox's deliveries into the local
mailbox), and a walk of every collection and sub-collection of the emulator, for the privacy
requests' tests (test_privacy_requests.py, test_privacy_task_payloads.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.forums.attendance import Attendance, AttendanceSource, Session, attendee_id
from functions.domain.forums.invitations import invitation_id
from functions.domain.forums.models import participant_key, registration_id
from functions.domain.forums.survey import SurveyResponse
from functions.domain.mail.acknowledgement_cap import mailbox_key
from functions.domain.mail.suppression import SuppressionReason
from functions.domain.shared.contact import address_key
from functions.services.forums.registering import register
from functions.services.reports.compile import compile_forum, compile_month
from tests.forum_builders import START, form, forum, store

NAME = "Thandiwe Qwabe-Mokoena"
TYPED = "Thandiwe.Qwabe@Example.ORG"  # as the parent typed it on the form
EMAIL = "thandiwe.qwabe@example.org"  # as an administrator types it
PHONE = "+27825551234"
OTHER_NAME, OTHER = "Lindiwe Other", "lindiwe.other@example.org"
KEY = participant_key(EMAIL, None)
SHARED_TEXT = "Start the forums at six"  # both gave it: it stays, without her name
NOW = START - timedelta(days=10)  # before the forum starts


def submit(client_for, reporter: dict, description: str) -> str:
    body = {"centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
            "description": description, "reporter": reporter,
            "consent": {"given": True, "version": "2026-11"}}  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()["reference"]


def build_world(client_for) -> dict:
    """The person's records (and another person's, to be left alone). Answers the ids."""
    deps, db = wiring.dependencies(), wiring.firestore_client()
    mine = submit(client_for, {"name": NAME, "email": TYPED, "phone": "082 555 1234"},
                  f"{NAME} says the gate is broken.")  # fmt: skip
    by_phone = submit(client_for, {"name": NAME, "phone": "0825551234"}, "The fees went up.")
    theirs = submit(client_for, {"name": OTHER_NAME, "email": OTHER}, "The roof leaks.")
    db.collection("cases").document(mine).collection("events").document("note").set({
        "event_id": "note", "type": "note_added", "at": NOW, "public": False,
        "actor": {"role": "staff", "display_name": "Lerato", "key": "k1"},
        "summary": f"Called {NAME} on 082 555 1234"})  # fmt: skip

    event = forum(capacity=10)
    store(deps, event)
    me = register(deps, form(event.forum_id, name=NAME, email=TYPED, phone=PHONE),
                  "web_form", NOW).registration  # fmt: skip
    register(deps, form(event.forum_id, name=OTHER_NAME, email=OTHER), "web_form", NOW)
    attendee = attendee_id(event.forum_id, KEY)

    def attended(uow):
        uow.attendance.add(Attendance(
            attendee_id=attendee, forum_id=event.forum_id, attendee_key=KEY,
            registration_id=me.registration_id, registered=True, name=NAME, role="parent",
            email=TYPED, phone=PHONE, minutes=60, sources=[AttendanceSource.ZOOM],
            sessions=[Session(joined_at=event.starts_at, left_at=event.ends_at, minutes=60,
                              source=AttendanceSource.ZOOM)],
            created_at=event.ends_at, updated_at=event.ends_at))  # fmt: skip
        uow.surveys.save(SurveyResponse(
            attendee_id=attendee, forum_id=event.forum_id, registration_id=me.registration_id,
            role="parent", satisfaction=4, wants_monthly=True, comments=f"{NAME} liked it",
            recommendations=SHARED_TEXT, pain_points=["facilities"],
            may_quote_name=True, quoted_as=NAME, advisory_nominee=True, advisory_consent=True,
            submitted_at=event.ends_at, updated_at=event.ends_at))  # fmt: skip

    deps.transactions.run(attended)
    other_key = participant_key(OTHER, None)

    def other_answered(uow):
        other_row = uow.registrations.get(registration_id(event.forum_id, other_key))
        other_id = attendee_id(event.forum_id, other_key)
        uow.attendance.add(Attendance(
            attendee_id=other_id, forum_id=event.forum_id, attendee_key=other_key,
            registration_id=other_row.registration_id, registered=True, name=OTHER_NAME,
            role="parent", email=OTHER, minutes=60, sources=[AttendanceSource.ZOOM],
            created_at=event.ends_at, updated_at=event.ends_at))  # fmt: skip
        uow.surveys.save(SurveyResponse(
            attendee_id=other_id, forum_id=event.forum_id, role="parent", satisfaction=5,
            wants_monthly=True, comments="Lindiwe says more forums please",
            recommendations=SHARED_TEXT, may_quote_name=True, quoted_as=OTHER_NAME,
            submitted_at=event.ends_at, updated_at=event.ends_at))  # fmt: skip

    deps.transactions.run(other_answered)
    # The forum's summary and the month's, quoting both (their names, their words).
    after = event.ends_at + timedelta(days=2)
    compile_forum(deps, deps.forums.get(event.forum_id), after)
    compile_month(deps, event.month, None, [deps.forums.get(event.forum_id)], after)
    month = event.month
    db.collection("forum_invitations").document(invitation_id(month, EMAIL)).set({
        "invitation_id": invitation_id(month, EMAIL), "month": month, "name": NAME,
        "email": EMAIL, "role": "parent", "message_id": "m1", "created_at": NOW,
        "expires_at": NOW + timedelta(days=60)})  # fmt: skip
    db.collection("forum_invitation_batches").document("batch-1").set({
        "month": month, "index": 0, "expires_at": NOW + timedelta(days=60), "recipients": [
            {"name": NAME, "email": TYPED, "role": "parent"},
            {"name": OTHER_NAME, "email": OTHER, "role": "parent"}]})  # fmt: skip
    wiring.suppression_list().add(TYPED, SuppressionReason.UNSUBSCRIBED, NOW)
    selection = db.collection("advisory_selections").document("selection-1")
    selection.set({"selection_id": "selection-1", "region_id": "gauteng",
                   "period_from": "2030-01", "period_to": "2030-03",
                   "states": {KEY: "selected", "other-key": "reserve"},
                   "history": [{"at": NOW, "attendee_key": KEY, "state": "selected"}],
                   "parts": ["nominees-0"]})  # fmt: skip
    selection.collection("parts").document("nominees-0").set({"items": [
        {"attendee_key": KEY, "attendee_id": attendee, "role": "parent"},
        {"attendee_key": "other-key", "attendee_id": "other-id", "role": "parent"},
    ]})  # fmt: skip
    return {"mine": mine, "by_phone": by_phone, "theirs": theirs, "forum": event,
            "attendee": attendee, "registration": me.registration_id}  # fmt: skip


def deliver_all(client_for, tasks) -> list[dict]:
    """Every queued delivery run through deliver_email (the mail lands in the local
    mailbox); answers the task bodies, to replay later."""
    bodies = tasks.take()
    deliver = client_for("deliver_email")
    for body in bodies:
        assert deliver.post("/", json=body).status_code == 200
    return bodies


def mailbox() -> list:
    return LocalMailbox(get_settings().local_mailbox_dir).list()


def tallies() -> dict:
    db = wiring.firestore_client()
    return {c: {d.id: d.to_dict() for d in db.collection(c).stream()}
            for c in ("case_tallies", "forum_tallies")}  # fmt: skip


def every_document():
    """(path, data) of every document of every collection and sub-collection."""

    def walk(collections):
        for collection in collections:
            for snapshot in collection.list_documents():
                got = snapshot.get()
                if got.exists:
                    yield snapshot.path, got.to_dict()
                yield from walk(snapshot.collections())

    for client in (wiring.firestore_client(), wiring.admin_firestore_client()):
        yield from walk(client.collections())


def traces(world: dict) -> tuple[str, ...]:
    """What must be found nowhere after the erasure: the address, the number, the name, and
    the keys and ids derived from them."""
    return (EMAIL, PHONE, "082 555 1234", "0825551234", NAME.lower(), KEY, address_key(EMAIL),
            mailbox_key(EMAIL), world["attendee"], world["registration"],
            invitation_id(world["forum"].month, EMAIL))  # fmt: skip


def found_anywhere(needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """(path, needle) for each document holding a needle (case-insensitively), in its id or
    anywhere in its data."""
    hits = []
    for path, data in every_document():
        text = (path + " " + repr(data)).lower()
        hits += [(path, n) for n in needles if n.lower() in text]
    return hits


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()
