"""Who is told they were not selected, in which batch: everyone in a seat type's reserve (in
the recorded order, parents first) then everyone not eligible, cut into batches of BATCH
people. The cut depends on the record alone, so a batch named by its number is always the
same people: the selection's commit writes batch 0 with the seats' mail, and each later batch
is one task (services/advisory/notifying.py) whose commit is guarded by a once key.
"""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.advisory.record import AdvisorySelection
from functions.domain.advisory.selection import SeatType

# People a batch: one outbox message each and the batch's once key, within a commit's 500
# writes; batch 0 shares the selection's commit with the record's parts and the seats' mail.
BATCH = 200


class Notice(NamedTuple):
    attendee_id: str  # whose attendance record holds the address
    attendee_key: str
    outcome: str  # reserve, ineligible
    reserve_place: int | None = None
    reason: str = ""  # an ineligible person's code


def notices(record: AdvisorySelection) -> list[Notice]:
    """Everyone not selected, in batch order."""
    out = []
    for seat_type in SeatType:
        seats = record.selection.seats.get(seat_type, 0)
        for drawn in record.selection.order.get(seat_type, []):
            if not drawn.selected:
                out.append(Notice(drawn.attendee_id, drawn.attendee_key, "reserve",
                                  reserve_place=drawn.rank - seats))  # fmt: skip
    for person in record.selection.ineligible:
        out.append(Notice(person.attendee_id, person.attendee_key, "ineligible",
                          reason=person.code))  # fmt: skip
    return out


def batch_count(record: AdvisorySelection) -> int:
    """Batches of notices, at least one (batch 0 goes with the selection, even when empty)."""
    return max(1, -(-len(notices(record)) // BATCH))


def batch(record: AdvisorySelection, number: int) -> list[Notice]:
    """The people of batch `number` (empty past the last)."""
    if number < 0:
        return []
    return notices(record)[number * BATCH : (number + 1) * BATCH]


def once_key(selection_id: str, number: int) -> str:
    """What a batch's commit creates, so that a batch run again writes nothing."""
    return f"advisory-notices:{selection_id}:{number}"
