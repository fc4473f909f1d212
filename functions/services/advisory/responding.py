"""A selected (or offered) nominee accepts or declines their seat from their signed link; a
decline offers the seat to the next in the recorded reserve order, and writes to them, in the
same unit of work. A second answer changes nothing and says what stands."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.advisory.record import AdvisorySelection, SeatState, answer
from functions.domain.shared.signing import Purpose, Signer
from functions.services.advisory.mail import offer_message
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
        result = answer(record, attendee_key, accept, now)
        if result.record is None:
            return result.outcome
        uow.advisory.save(result.record)
        if result.offered is not None:
            attendee = uow.attendance.get(result.offered.attendee_id)
            region = deps.directory.get_region(record.region_id)
            mail = offer_message(result.record, result.offered, attendee,
                                 region.name if region else record.region_id,
                                 deps.network_name, now)  # fmt: skip
            if mail is not None:
                uow.outbox.add(mail)
        return result.outcome

    return commit(deps, work)
