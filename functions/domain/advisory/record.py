"""A stored advisory selection: its inputs, seed, rules and recorded order (selection.py),
and where each person stands since (selected, reserve, offered, accepted, declined, passed
over for want of an email address when a seat came free).

Its id is a hash of the region, the period, the seats and the seed: running the same selection
again finds this record, so it is done (and its mail sent) once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from pydantic import Field

from functions.domain.advisory.selection import Drawn, Nominee, SeatType, Selection, next_offer
from functions.domain.shared.records import Record


class SeatState(StrEnum):
    SELECTED = "selected"  # drawn to a seat, not yet answered
    RESERVE = "reserve"  # waiting in the recorded reserve order
    OFFERED = "offered"  # offered a seat someone declined, not yet answered
    ACCEPTED = "accepted"
    DECLINED = "declined"
    PASSED_OVER = "passed_over"  # a reserve with no email address when a seat came free (rule 6)


HOLDING = frozenset({SeatState.SELECTED, SeatState.OFFERED, SeatState.ACCEPTED})
ANSWERING = frozenset({SeatState.SELECTED, SeatState.OFFERED})


class Change(Record):
    """One step of the record's history (who by key, never by name)."""

    at: datetime
    attendee_key: str
    state: SeatState
    note: str = ""


class AdvisorySelection(Record):
    selection_id: str
    region_id: str
    period_from: str  # "YYYY-MM"
    period_to: str
    seed: str
    nominees: list[Nominee]  # the inputs, as drawn: ids, roles, centres (no names)
    selection: Selection  # the rules, the order and the reasons
    states: dict[str, SeatState] = Field(default_factory=dict)  # attendee key -> state
    history: list[Change] = Field(default_factory=list)
    # The "not selected" notices go out in batches (domain/advisory/notices.py): how many, and
    # whether every batch after the first was queued (a record from before batching: one).
    notice_batches: int = 1
    notices_queued: bool = True
    created_at: datetime
    updated_at: datetime

    def drawn(self, attendee_key: str) -> Drawn | None:
        for order in self.selection.order.values():
            for entry in order:
                if entry.attendee_key == attendee_key:
                    return entry
        return None


def selection_id(region_id: str, period_from: str, period_to: str,
                 seats: dict[SeatType, int], seed: str) -> str:  # fmt: skip
    parts = [region_id, period_from, period_to, str(seats.get(SeatType.PARENTS, 0)),
             str(seats.get(SeatType.STAFF, 0)), seed]  # fmt: skip
    return hashlib.sha256("advisory:\x1f".join(parts).encode()).hexdigest()[:24]


def new_record(selection: Selection, nominees: list[Nominee], *, region_id: str,
               period_from: str, period_to: str, now: datetime) -> AdvisorySelection:  # fmt: skip
    states = {d.attendee_key: SeatState.SELECTED if d.selected else SeatState.RESERVE
              for order in selection.order.values() for d in order}  # fmt: skip
    ordered = sorted(nominees, key=lambda n: (n.attendee_key, n.attendee_id))
    return AdvisorySelection(
        selection_id=selection_id(region_id, period_from, period_to, selection.seats,
                                  selection.seed),
        region_id=region_id, period_from=period_from, period_to=period_to,
        seed=selection.seed, nominees=ordered, selection=selection, states=states,
        created_at=now, updated_at=now,
    )  # fmt: skip


class Answered(NamedTuple):
    record: AdvisorySelection | None  # None: nothing changed
    outcome: str  # accepted, declined, already_accepted, already_declined, not_offered
    offered: Drawn | None = None  # who the declined seat went to


def answer(record: AdvisorySelection, attendee_key: str, accept: bool, now: datetime,
           can_be_told: Callable[[Drawn], bool] = lambda drawn: True) -> Answered:  # fmt: skip
    """A selected or offered person accepts or declines; a decline offers the seat to the next
    in the reserve order (rule 5), passing over, with a recorded reason, anyone `can_be_told`
    says has no email address now (rule 6). A second answer changes nothing."""
    state = record.states.get(attendee_key)
    if state == SeatState.ACCEPTED:
        return Answered(None, "already_accepted")
    if state == SeatState.DECLINED:
        return Answered(None, "already_declined")
    if state not in ANSWERING:
        return Answered(None, "not_offered")
    states = dict(record.states)
    history = list(record.history)
    new = SeatState.ACCEPTED if accept else SeatState.DECLINED
    states[attendee_key] = new
    history.append(Change(at=now, attendee_key=attendee_key, state=new))
    offered = None
    if not accept:
        person = record.drawn(attendee_key)
        order = record.selection.order[person.seat_type]
        holding = [d for d in order if states[d.attendee_key] in HOLDING]
        while True:
            done = {d.attendee_key for d in order if states[d.attendee_key] != SeatState.RESERVE}
            offered = next_offer(order, holding, done)
            if offered is None or can_be_told(offered):
                break
            # Recorded, so that the next offer (and anyone re-checking it) sees why.
            states[offered.attendee_key] = SeatState.PASSED_OVER
            note = f"passed over for the seat declined by rank {person.rank}: no email address"
            history.append(Change(at=now, attendee_key=offered.attendee_key,
                                  state=SeatState.PASSED_OVER, note=note))  # fmt: skip
        if offered is not None:
            states[offered.attendee_key] = SeatState.OFFERED
            note = f"offered the seat declined by rank {person.rank}"
            history.append(Change(at=now, attendee_key=offered.attendee_key,
                                  state=SeatState.OFFERED, note=note))  # fmt: skip
    changed = record.model_copy(update={"states": states, "history": history, "updated_at": now})
    return Answered(changed, "accepted" if accept else "declined", offered)
