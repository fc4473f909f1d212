"""Running a region's advisory network selection: gather the nominees of the period's forums,
draw (domain/advisory/selection.py), and store the record, the seats' email and the first
batch of "not selected" notices in one unit of work; later batches are tasks
(services/advisory/notifying.py), so a selection of thousands of nominees runs as well as
one of twelve (MAX_NOMINEES people).

Run again with the same region, period, seats and seed, the record already there is the
answer: it stands (its people were told, some have answered), nobody is written to twice, and
nominees who arrived after it stay out of it. The answer says how many eligible people are
not in it (`came_later`); to include them, an administrator runs a new selection with a new
seed, which draws everyone afresh and tells everyone again.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.advisory.notices import batch_count
from functions.domain.advisory.record import AdvisorySelection, new_record, selection_id
from functions.domain.advisory.selection import Nominee, SeatType, eligible_keys, select
from functions.domain.forums.attendance import Attendance
from functions.services.advisory.mail import seat_messages
from functions.services.advisory.notifying import queue_notices, write_batch
from functions.services.errors import ServiceError
from functions.services.forums.mailing import commit
from functions.services.ports import Dependencies, UnitOfWork

# People one selection takes: its draw is quadratic (about 3 s for 5,000 here) and its record
# about 3.5 MB in parts (adapters/firestore/advisory.py), within one commit's 10 MiB.
MAX_NOMINEES = 5000


class UnknownRegion(ServiceError):
    """No region of that id."""


class TooManyNominees(ServiceError):
    """More nominees than one selection's unit of work can write to."""


class Ran(NamedTuple):
    record: AdvisorySelection
    created: bool  # False: the same selection was run before; nothing new was written
    emailed: int = 0  # messages written by the selection's commit
    queued: int = 0  # people whose notices were queued now, in batches of tasks
    came_later: int = 0  # eligible now, not in the recorded selection (it was run before)


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from `first` to `last`, both included (empty when last < first)."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last and len(out) < 120:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def default_period(now: datetime) -> tuple[str, str]:
    """The last three months: the two before this one, and this one."""
    year, month = now.year, now.month - 2
    if month < 1:
        year, month = year - 1, month + 12
    return f"{year:04d}-{month:02d}", now.strftime("%Y-%m")


def gather(deps: Dependencies, region_id: str, months: list[str],
           ) -> tuple[list[Nominee], dict[str, Attendance]]:  # fmt: skip
    """The survey responses of the period's forums that nominated their respondent and belong
    to the region (their centre is in it; with no centre, the forum was the region's), with
    the attendance records behind them (how to reach each person)."""
    centre_region = {c.centre_id: c.region_id for c in deps.directory.list_centres()}
    nominees: list[Nominee] = []
    attendees: dict[str, Attendance] = {}
    for month in months:
        for forum in deps.forums.in_month(month):
            if forum.cancelled or forum.region_id not in (None, region_id):
                continue
            responses = [r for r in deps.forums.survey_responses(forum.forum_id)
                         if r.advisory_nominee]  # fmt: skip
            found = deps.forums.attendees([r.attendee_id for r in responses]) if responses else {}
            for response in responses:
                attendee = found.get(response.attendee_id)
                centre = response.centre_id or (attendee.centre_id if attendee else None)
                home = centre_region.get(centre) if centre else forum.region_id
                if home != region_id:
                    continue
                if attendee is not None:
                    attendees[attendee.attendee_id] = attendee
                nominees.append(Nominee(
                    attendee_key=attendee.attendee_key if attendee else response.attendee_id,
                    attendee_id=response.attendee_id,
                    role=attendee.role if attendee else response.role,
                    centre_id=centre, attended=attendee is not None,
                    consent=response.advisory_consent, responded_at=response.submitted_at,
                    reachable=bool(attendee and attendee.email),
                ))  # fmt: skip
    return nominees, attendees


def came_later(record: AdvisorySelection, nominees: list[Nominee]) -> int:
    """How many of these nominees would be drawn now but are not in the record's order."""
    drawn = {d.attendee_key for order in record.selection.order.values() for d in order}
    return len(eligible_keys(nominees) - drawn)


def run_selection(deps: Dependencies, region_id: str, seats: dict[SeatType, int], seed: str,
                  period: tuple[str, str], now: datetime | None = None) -> Ran:  # fmt: skip
    """Run (or find) the region's selection. Raises UnknownRegion, TooManyNominees, and
    QueueUnavailable when later batches could not be queued (the selection is recorded:
    running it again queues them)."""
    now = now or deps.clock()
    region = deps.directory.get_region(region_id)
    if region is None:
        raise UnknownRegion(region_id)
    wanted = selection_id(region_id, period[0], period[1], seats, seed)
    existing = deps.transactions.run(lambda uow: uow.advisory.get(wanted))[0]
    nominees, attendees = gather(deps, region_id, months_between(*period))
    if existing is not None:
        return _found(deps, existing, nominees)
    if len({n.attendee_key for n in nominees}) > MAX_NOMINEES:
        raise TooManyNominees(str(len(nominees)))
    record = new_record(select(nominees, seats, seed), nominees, region_id=region_id,
                        period_from=period[0], period_to=period[1], now=now)  # fmt: skip
    batches = batch_count(record)
    record = record.model_copy(update={"notice_batches": batches,
                                       "notices_queued": batches == 1})  # fmt: skip

    def work(uow: UnitOfWork) -> Ran:
        there = uow.advisory.get(record.selection_id)
        if there is not None:  # run at the same time by someone else: theirs stands
            return Ran(there, False)
        uow.advisory.add(record)
        messages = seat_messages(record, attendees, region.name, deps.network_name, now)
        for message in messages:
            uow.outbox.add(message)
        first = write_batch(uow, record, 0, attendees, region.name, deps.network_name, now)
        return Ran(record, True, len(messages) + (first or 0))

    ran = commit(deps, work)
    if not ran.created:
        return _found(deps, ran.record, nominees)
    return ran._replace(queued=queue_notices(deps, ran.record))


def _found(deps: Dependencies, record: AdvisorySelection, nominees: list[Nominee]) -> Ran:
    """The recorded selection, its later batches queued if a run before could not."""
    return Ran(
        record, False, queued=queue_notices(deps, record), came_later=came_later(record, nominees)
    )
