"""A selected (or offered) nominee accepts or declines their seat from their signed link; a
decline offers the seat to the next in the recorded reserve order who has an email address
(anyone without one is passed over, recorded: rule 6), and writes to them, in the same unit of
work. Whoever answered is written to in that unit too: on accepting, what happens next and
how to step down; on declining, thanks. A second answer changes nothing, writes nothing, and
says what stands."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.advisory.record import AdvisorySelection, SeatState, answer
from functions.domain.advisory.selection import Drawn
from functions.domain.shared.signing import Purpose, Signer
from functions.services.advisory.mail import answer_message, offer_message
from functions.services.forums.mailing import commit
from functions.services.ports import Dependencies, UnitOfWork


class Seat(NamedTuple):
    """What a link opens: the selection, the person's key, their seat state and name."""

    record: AdvisorySelection
    attendee_key: str
    state: SeatState
    name: str
    language: str


def read_response_token(token: object, signer: Signer) -> tuple[str, str] | None:
    """(selection id, attendee key) a link carries, or None for anything else."""
    value = signer.unsign(Purpose.ADVISORY_RESPONSE, token)
    if not value or value.count(":") != 1:
        return None
    selection_id, key = value.split(":")
    return (selection_id, key) if selection_id and key else None


def seat_for(deps: Dependencies, token: object) -> Seat | None:
    """The seat a link is about, or None (forged, another purpose, no such selection)."""
    found = read_response_token(token, deps.signer)
    if found is None:
        return None
    selection_id, key = found
    record = deps.transactions.run(lambda uow: uow.advisory.get(selection_id))[0]
    drawn = record.drawn(key) if record else None
    if drawn is None:
        return None
    attendee = deps.forums.attendees([drawn.attendee_id]).get(drawn.attendee_id)
    name = attendee.name if attendee else ""
    language = attendee.language.value if attendee else "en"
    return Seat(record, key, record.states[key], name, language)


def respond(deps: Dependencies, selection_id: str, attendee_key: str, accept: bool,
            now: datetime | None = None) -> str:  # fmt: skip
    """Record the answer: accepted, declined, already_accepted, already_declined, not_offered
    or not_found."""
    now = now or deps.clock()

    def work(uow: UnitOfWork) -> str:
        record = uow.advisory.get(selection_id)
        if record is None or attendee_key not in record.states:
            return "not_found"

        def can_be_told(drawn: Drawn) -> bool:
            found = uow.attendance.get(drawn.attendee_id)
            return found is not None and bool(found.email)

        result = answer(record, attendee_key, accept, now, can_be_told)
        if result.record is None:
            return result.outcome
        uow.advisory.save(result.record)
        region = deps.directory.get_region(record.region_id)
        region_name = region.name if region else record.region_id
        if result.offered is not None:
            attendee = uow.attendance.get(result.offered.attendee_id)
            mail = offer_message(result.record, result.offered, attendee, region_name,
                                 deps.network_name, now)  # fmt: skip
            if mail is not None:
                uow.outbox.add(mail)
        answering = result.record.drawn(attendee_key)
        attendee = uow.attendance.get(answering.attendee_id) if answering else None
        contact = region.administrator.email if region else ""
        mail = answer_message(result.record, attendee, accept, region_name, contact,
                              deps.network_name, now)  # fmt: skip
        if mail is not None:
            uow.outbox.add(mail)
        return result.outcome

    return commit(deps, work)
