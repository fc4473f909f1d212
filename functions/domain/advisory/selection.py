"""The regional advisory network's draw: who of the forum participants who nominated themselves
takes a parent or a staff seat, decided by written rules and a seeded, reproducible order.

Anyone holding the recorded inputs and seed can run `select` again and get the same result:
nothing here reads a clock, a random generator or the order the inputs came in.

The rules are RULES below, recorded with every selection.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import ParticipantRole

RULES = """\
1. Eligible: attended a forum of the region in the period and consented to be considered.
   Parents take parent seats, staff take staff seats; other roles hold neither.
2. One person once: several forums or responses of one person (their attendee key) count once.
3. The draw: each eligible person's draw number is sha256("<seed>:<attendee key>"); a lower
   number comes first. Seat types are drawn apart.
4. Spread across centres: each next seat goes to the first person in the draw whose centre
   holds the fewest seats of that type so far: a centre takes a second seat only when every
   centre with nominees still waiting holds one, a third only when they all hold two, and so
   on. A person with no centre recorded counts as a centre of their own.
5. Those not selected form the reserve, in the order the same rule would have chosen them; a
   declined seat is offered to the first in the reserve whose centre holds the fewest seats.
6. Told by email: a seat is offered, and answered, by email. An eligible person with no email
   address recorded (known by a phone only) is not drawn, and is listed with that reason. A
   reserve whose address is gone when a seat comes free is passed over (recorded in the
   history) and the seat goes to the next by rule 5.
""".strip()


class SeatType(StrEnum):
    PARENTS = "parents"
    STAFF = "staff"


SEAT_OF_ROLE: dict[ParticipantRole, SeatType] = {
    ParticipantRole.PARENT: SeatType.PARENTS,
    ParticipantRole.STAFF: SeatType.STAFF,
}


class Nominee(Record):
    """One survey response that nominated its respondent (one person may give several)."""

    attendee_key: str  # the person (participant_key or a walk-in's key), across forums
    attendee_id: str  # the attendance record the response belongs to (how to reach them)
    role: ParticipantRole
    centre_id: str | None = None
    attended: bool  # attended a forum of the region within the period
    consent: bool  # agreed to be considered for the network
    responded_at: datetime
    # Has an email address: a seat is offered and answered by email (rule 6). Recorded with
    # the inputs so the draw stays reproducible; records made before it was kept hold True.
    reachable: bool = True


class Ineligible(Record):
    attendee_key: str
    attendee_id: str
    role: ParticipantRole
    centre_id: str | None = None
    code: str  # role, not_attended, no_consent, no_email: what the person's email explains
    reason: str


class Drawn(Record):
    """An eligible person's place in their seat type's recorded order."""

    attendee_key: str
    attendee_id: str
    seat_type: SeatType
    centre_id: str | None = None
    draw_number: str  # the hex digest the draw sorted by
    draw_position: int  # 1-based, by draw number alone
    rank: int  # 1-based: the order the centre rule picked them (seats first, then reserve)
    selected: bool
    reason: str


class Selection(Record):
    seed: str
    rules: str = RULES
    seats: dict[SeatType, int]
    order: dict[SeatType, list[Drawn]] = Field(default_factory=dict)  # by rank
    ineligible: list[Ineligible] = Field(default_factory=list)

    def selected(self, seat_type: SeatType) -> list[Drawn]:
        return [d for d in self.order.get(seat_type, []) if d.selected]

    def reserve(self, seat_type: SeatType) -> list[Drawn]:
        return [d for d in self.order.get(seat_type, []) if not d.selected]


def draw_number(seed: str, attendee_key: str) -> str:
    return hashlib.sha256(f"{seed}:{attendee_key}".encode()).hexdigest()


def centre_of(centre_id: str | None, attendee_key: str) -> str:
    """The centre the spread rule counts (no centre recorded: the person alone)."""
    return f"centre:{centre_id}" if centre_id else f"person:{attendee_key}"


def _people(nominees: Iterable[Nominee]) -> tuple[list[Nominee], list[Ineligible]]:
    """One entry per person: their eligible response if any (the latest, one with an email
    address first), else their latest."""
    by_person: dict[str, list[Nominee]] = {}
    for nominee in nominees:
        by_person.setdefault(nominee.attendee_key, []).append(nominee)
    eligible, ineligible = [], []
    for key in sorted(by_person):
        responses = sorted(by_person[key], key=lambda n: (n.responded_at, n.attendee_id))
        fit = [n for n in responses if _why_not(n) is None]
        told = [n for n in fit if n.reachable]
        if told:
            eligible.append(told[-1])
            continue
        last = fit[-1] if fit else responses[-1]
        code, reason = _why_not(last) or _NO_EMAIL
        ineligible.append(Ineligible(attendee_key=key, attendee_id=last.attendee_id,
                                     role=last.role, centre_id=last.centre_id, code=code,
                                     reason=reason))  # fmt: skip
    return eligible, ineligible


_NO_EMAIL = ("no_email", "not drawn: no email address recorded, and a seat is offered and "
                         "answered by email")  # fmt: skip


def eligible_keys(nominees: Iterable[Nominee]) -> set[str]:
    """The people these nominees would put in a draw (rules 1, 2 and 6)."""
    return {n.attendee_key for n in _people(nominees)[0]}


def _why_not(nominee: Nominee) -> tuple[str, str] | None:
    """(code, reason) when the nominee cannot be drawn."""
    if nominee.role not in SEAT_OF_ROLE:
        role = nominee.role.value
        return "role", f"not eligible: attended as {role}, which holds no parent or staff seat"
    if not nominee.attended:
        return "not_attended", "not eligible: did not attend a forum of the region in the period"
    if not nominee.consent:
        return "no_consent", "not eligible: did not consent to be considered"
    return None


def _centre_label(centre_id: str | None) -> str:
    return f"centre {centre_id}" if centre_id else "no centre recorded"


def _ranked(people: list[Nominee], seed: str, seats: int, seat_type: SeatType) -> list[Drawn]:
    """The centre rule applied to the draw until everyone is placed."""
    drawn = sorted(people, key=lambda n: (draw_number(seed, n.attendee_key), n.attendee_key))
    position = {n.attendee_key: i for i, n in enumerate(drawn, start=1)}
    held: Counter[str] = Counter()
    remaining = list(drawn)
    ranked: list[Drawn] = []
    while remaining:
        fewest = min(held[centre_of(n.centre_id, n.attendee_key)] for n in remaining)
        pick = next(n for n in remaining if held[centre_of(n.centre_id, n.attendee_key)] == fewest)
        skipped = [n for n in remaining[: remaining.index(pick)]]
        remaining.remove(pick)
        centre = centre_of(pick.centre_id, pick.attendee_key)
        rank = len(ranked) + 1
        selected = rank <= seats
        ranked.append(Drawn(
            attendee_key=pick.attendee_key, attendee_id=pick.attendee_id, seat_type=seat_type,
            centre_id=pick.centre_id, draw_number=draw_number(seed, pick.attendee_key),
            draw_position=position[pick.attendee_key], rank=rank, selected=selected,
            reason=_reason(pick, held[centre], rank, seats, skipped),
        ))  # fmt: skip
        held[centre] += 1
    return ranked


def _reason(pick: Nominee, already: int, rank: int, seats: int, skipped: list[Nominee]) -> str:
    place = f"seat {rank} of {seats}" if rank <= seats else f"reserve {rank - seats}"
    where = _centre_label(pick.centre_id)
    if already == 0:
        how = f"first from {where}"
    else:
        how = (f"{_nth(already + 1)} from {where}: every centre with nominees still waiting "
               f"already held {already}")  # fmt: skip
    if skipped:
        how += f"; came after {len(skipped)} earlier in the draw whose centres held more places"
    return f"{place}: {how}"


def _nth(n: int) -> str:
    return {2: "second", 3: "third"}.get(n, f"number {n}")


def select(nominees: Iterable[Nominee], seats: dict[SeatType, int], seed: str) -> Selection:
    """The selection for these nominees (already those of one region and period)."""
    eligible, ineligible = _people(nominees)
    order = {}
    for seat_type in SeatType:
        people = [n for n in eligible if SEAT_OF_ROLE[n.role] == seat_type]
        order[seat_type] = _ranked(people, seed, seats.get(seat_type, 0), seat_type)
    return Selection(seed=seed, seats=dict(seats), order=order, ineligible=ineligible)


def next_offer(order: list[Drawn], holding: Iterable[Drawn], done: set[str]) -> Drawn | None:
    """Who a declined seat is offered to: the first in the recorded order not yet offered
    (`done`: everyone selected, offered or declined) whose centre holds the fewest of the
    seats still held (`holding`: selected, offered or accepted, not declined)."""
    held = Counter(centre_of(d.centre_id, d.attendee_key) for d in holding)
    waiting = [d for d in order if d.attendee_key not in done]
    if not waiting:
        return None
    fewest = min(held[centre_of(d.centre_id, d.attendee_key)] for d in waiting)
    return next(d for d in waiting if held[centre_of(d.centre_id, d.attendee_key)] == fewest)
