"""What a forum's rows keep once their retention period is over (no I/O): registrations,
attendance rows and survey responses of a forum that ended RECORD_RETENTION_MONTHS ago
(domain/privacy/retention.py says when; this says what).

Their ids were derived from the person: a registration's and an attendance row's are hashes
of the forum and the person's address (or a walk-in's name), a survey response's is its
attendance row's. Kept under those ids, anyone holding an address could tell the person took
part, so each record moves to a new random id, and an attendee's three records move together,
still pointing at each other.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from functions.domain.privacy.retention import DEIDENTIFIED_AT, Doc, deidentified

_REGISTRATION_KEPT = frozenset({
    "registration_id", "forum_id", "role", "centre_id", "language", "topics", "room_id",
    "consent_version", "consented_at", "source", "state", "waitlist_position", "sequence",
    "created_at", "updated_at", "promoted_at", "cancelled_at",
})  # fmt: skip
_ATTENDANCE_KEPT = frozenset({
    "attendee_id", "forum_id", "registration_id", "registered", "role", "centre_id",
    "language", "sessions", "untimed_minutes", "minutes", "sources", "survey_state",
    "survey_sent_at", "reminder_sent_at", "answered_at", "created_at", "updated_at",
})  # fmt: skip
_SURVEY_KEPT = frozenset({
    "attendee_id", "forum_id", "registration_id", "role", "centre_id", "satisfaction",
    "wants_monthly", "pain_points", "practice_centre_id", "advisory_nominee",
    "advisory_consent", "advisory_consented_at", "language", "source", "submitted_at",
    "updated_at", "version",
})  # fmt: skip


def registration(doc: Doc, now: datetime, new_id: str) -> Doc:
    """A forum registration as kept, under `new_id` (its id was derived from the person's
    address): who they were goes (name, address, phone, needs, their own words, the key
    derived from their address), their role and state stay."""
    kept = {key: value for key, value in doc.items() if key in _REGISTRATION_KEPT}
    return kept | {"registration_id": new_id, "name": "", "email": None, "phone": None,
                   "needs": "", "topics_other": "", "participant_key": new_key(),
                   DEIDENTIFIED_AT: now}  # fmt: skip


def attendance(doc: Doc, now: datetime, new_id: str, registration_id: str | None) -> Doc:
    """An attendance row as kept, under `new_id`, pointing at its registration's new id:
    the person goes, their role, minutes and sources stay."""
    kept = {key: value for key, value in doc.items() if key in _ATTENDANCE_KEPT}
    return kept | {"attendee_id": new_id, "registration_id": registration_id, "name": "",
                   "email": None, "phone": None, "attendee_key": new_key(),
                   DEIDENTIFIED_AT: now}  # fmt: skip


def survey_response(doc: Doc, now: datetime, attendee_id: str,
                    registration_id: str | None) -> Doc:  # fmt: skip
    """A survey response as kept, under its attendance row's new id: the figures stay, every
    free text and the name a quote was to carry go."""
    kept = {key: value for key, value in doc.items() if key in _SURVEY_KEPT}
    return kept | {"attendee_id": attendee_id, "registration_id": registration_id,
                   "pain_points_other": "", "recommendations": "", "promising_practice": "",
                   "comments": "", "may_quote_name": False, "quoted_as": None,
                   DEIDENTIFIED_AT: now}  # fmt: skip


Moves = list[tuple[str, str, str, Doc]]  # (kind, old id, new id, the record as kept)


def person(attendee_id: str, row: Doc, registration_doc: Doc | None, answer: Doc | None,
           now: datetime) -> Moves:  # fmt: skip
    """One attendee's records, moved together to new random ids (the old ones were hashes of
    the forum and the person's address or name): their attendance row, the registration it
    matched and their survey response, each pointing at the others' new ids."""
    new_attendee = new_key()
    old_registration = row.get("registration_id")
    new_registration = new_key() if old_registration else None
    moves: Moves = [("attendance", attendee_id, new_attendee,
                     attendance(row, now, new_attendee, new_registration))]  # fmt: skip
    if registration_doc is not None and not deidentified(registration_doc):
        moves.append(("registrations", old_registration, new_registration,
                      registration(registration_doc, now, new_registration)))  # fmt: skip
    if answer is not None and not deidentified(answer):
        moves.append(("survey_responses", attendee_id, new_attendee,
                      survey_response(answer, now, new_attendee, new_registration)))  # fmt: skip
    return moves


def alone(kind: str, row_id: str, doc: Doc, now: datetime) -> Moves:
    """A registration nobody attended on, or an answer without its attendance row, moved
    to a new random id on its own."""
    new_id = new_key()
    if kind == "registrations":
        return [(kind, row_id, new_id, registration(doc, now, new_id))]
    linked = new_key() if doc.get("registration_id") else None
    return [(kind, row_id, new_id, survey_response(doc, now, new_id, linked))]


# A forum's rows in the order they are walked: each attendee with their registration and
# answer first, then the registrations and answers left.
FORUM_KINDS = ("attendance", "registrations", "survey_responses")


def new_key() -> str:
    """An id or key in place of one derived from the person's address or name: nothing
    links it back, and no two de-identified people share one (figures by person stay
    distinct). Random, as every document id here is."""
    return secrets.token_hex(12)
