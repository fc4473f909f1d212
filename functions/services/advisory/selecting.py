"""Running a region's advisory network selection: gather the nominees of the period's forums,
draw (domain/advisory/selection.py), and store the record with every nominee's email in one
unit of work. The same region, period, seats and seed find the record already there: it is
answered as it stands, and nobody is written to twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.advisory.record import AdvisorySelection, new_record, selection_id
from functions.domain.advisory.selection import Nominee, SeatType, select
from functions.domain.forums.attendance import Attendance
from functions.services.advisory.mail import outcome_messages
from functions.services.errors import ServiceError
from functions.services.forums.mailing import commit
from functions.services.ports import Dependencies, UnitOfWork

# One unit of work holds the record and one email a nominee, within Firestore's 500 writes.
MAX_NOMINEES = 450


class UnknownRegion(ServiceError):
    """No region of that id."""


class TooManyNominees(ServiceError):
    """More nominees than one selection's unit of work can write to."""


class Ran(NamedTuple):
    record: AdvisorySelection
    created: bool  # False: the same selection was run before; nothing new was written
    emailed: int = 0


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
                ))  # fmt: skip
    return nominees, attendees


def run_selection(deps: Dependencies, region_id: str, seats: dict[SeatType, int], seed: str,
                  period: tuple[str, str], now: datetime | None = None) -> Ran:  # fmt: skip
    """Run (or find) the region's selection. Raises UnknownRegion, TooManyNominees."""
    now = now or deps.clock()
    region = deps.directory.get_region(region_id)
    if region is None:
        raise UnknownRegion(region_id)
    wanted = selection_id(region_id, period[0], period[1], seats, seed)
    existing = deps.transactions.run(lambda uow: uow.advisory.get(wanted))[0]
    if existing is not None:
        return Ran(existing, False)
    nominees, attendees = gather(deps, region_id, months_between(*period))
    if len({n.attendee_key for n in nominees}) > MAX_NOMINEES:
        raise TooManyNominees(str(len(nominees)))
    record = new_record(select(nominees, seats, seed), nominees, region_id=region_id,
                        period_from=period[0], period_to=period[1], now=now)  # fmt: skip

    def work(uow: UnitOfWork) -> Ran:
        there = uow.advisory.get(record.selection_id)
        if there is not None:  # run at the same time by someone else: theirs stands
            return Ran(there, False)
        uow.advisory.add(record)
        messages = outcome_messages(record, attendees, region.name, deps.network_name, now)
        for message in messages:
            uow.outbox.add(message)
        return Ran(record, True, len(messages))

    return commit(deps, work)
