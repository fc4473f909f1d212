"""The state of an administrator's scope: open and overdue cases per region and centre, mail
that failed, and the cases waiting for triage.

The counts come from one projected query of the scope's open cases (a few fields, never a
parent's words), counted here by the daily digests' rule (an open case is overdue when its
running deadline has passed; one waiting on the parent is not). That is exact at this
moment and one round trip: a network of a few hundred centres has a few thousand open cases
at most, a read each. Count aggregations would cost a read per query but two queries per
centre (hundreds of round trips a page); the digests' daily summaries are one read per
centre but as old as that morning's 07:00 and missing on days without a digest. Past
OPEN_READ_MAX open cases the page says its counts are partial (a backlog that size is the
news). Failed mail: a count aggregation and the newest few for the network; for a region,
the failures about its cases among the newest FAILED_SCAN (the outbox keeps no region).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from functions.domain.cases.digest_cases import DigestCase
from functions.domain.cases.digest_summaries import FIGURES, CentreCounts
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Region
from functions.domain.shared.vocabulary import CaseStatus, Kind
from functions.services.admin import triage
from functions.services.admin.scope import regions_in_scope
from functions.services.ports import Dependencies, FailedMessage

OPEN_READ_MAX = 10_000
FAILED_SHOWN = 5
FAILED_SCAN = 200
_ADDRESS = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+")
_RUNNING = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS)  # a deadline runs: may be overdue


class CentreLine(NamedTuple):
    centre_id: str
    name: str
    counts: CentreCounts
    active: bool = True  # False: closed while cases there were open


class RegionLine(NamedTuple):
    region_id: str
    name: str
    centres: list[CentreLine]  # the most overdue first, then the most open, then by name
    totals: CentreCounts


class FailedMail(NamedTuple):
    count: int
    newest: list[FailedMessage]
    at_least: bool  # counted among the newest FAILED_SCAN only


class ScopeState(NamedTuple):
    regions: list[RegionLine]
    unplaced: CentreCounts  # open cases of the scope at no known centre yet
    complete: bool  # False: OPEN_READ_MAX open cases read, counts are partial
    failed: FailedMail
    triage: triage.Waiting
    as_of: datetime


def tally(cases: Iterable[DigestCase], now: datetime) -> CentreCounts:
    """Open, overdue, unassigned complaints and waiting on a parent (the digests' rule,
    domain/cases/digest_summaries.summarise)."""
    cases = list(cases)
    return CentreCounts(
        open=len(cases),
        overdue=sum(c.status in _RUNNING and c.overdue(now) for c in cases),
        unassigned_complaints=sum(c.assignee is None and c.kind == Kind.COMPLAINT for c in cases),
        waiting=sum(c.status == CaseStatus.AWAITING_PARENT for c in cases),
    )  # fmt: skip


def _sum(lines: Iterable[CentreCounts]) -> CentreCounts:
    lines = list(lines)
    return CentreCounts(*(sum(getattr(line, name) for line in lines) for name in FIGURES))


def _regions(regions: list[Region], cases: list[DigestCase], deps: Dependencies,
             now: datetime) -> tuple[list[RegionLine], CentreCounts]:  # fmt: skip
    """Each region's centres with their counts (every active centre, zeros too), and the
    open cases placed at no centre yet."""
    by_centre: dict[str | None, list[DigestCase]] = defaultdict(list)
    for case in cases:
        by_centre[case.centre_id].append(case)
    unplaced = tally(by_centre.pop(None, []), now)
    listed = {centre.centre_id: centre for centre in deps.directory.list_centres()}
    rows: dict[str, list[CentreLine]] = defaultdict(list)
    for centre in listed.values():
        counts = tally(by_centre.get(centre.centre_id, []), now)
        rows[centre.region_id].append(CentreLine(centre.centre_id, centre.name, counts))
    # Open cases at a centre no longer active (closed while they were open): still owed.
    for centre_id in sorted(set(by_centre) - set(listed)):
        centre, counts = deps.directory.get_centre(centre_id), tally(by_centre[centre_id], now)
        if centre is None:
            unplaced = _sum([unplaced, counts])
        else:
            rows[centre.region_id].append(CentreLine(centre_id, centre.name, counts, False))
    lines = []
    for region in regions:
        mine = sorted(
            rows.get(region.region_id, []),
            key=lambda r: (-r.counts.overdue, -r.counts.open, r.name.casefold()),
        )
        lines.append(RegionLine(region.region_id, region.name, mine,
                                _sum(r.counts for r in mine)))  # fmt: skip
    return lines, unplaced


def failed_mail(region_id: str | None, deps: Dependencies) -> FailedMail:
    """The network's failed mail, or the failures about one region's cases."""
    if region_id is None:
        newest = deps.outbox.newest_failed(FAILED_SHOWN)
        return FailedMail(deps.outbox.count_failed(), _shown(newest), at_least=False)
    scanned = deps.outbox.newest_failed(FAILED_SCAN)
    regions = deps.cases.regions_of([m.case_reference for m in scanned if m.case_reference])
    ours = [m for m in scanned if m.case_reference and regions.get(m.case_reference) == region_id]
    return FailedMail(len(ours), _shown(ours[:FAILED_SHOWN]), len(scanned) >= FAILED_SCAN)


def _shown(messages: list[FailedMessage]) -> list[FailedMessage]:
    """As an administrator sees them: an error's text is ours and quotes no address
    (services/mail/deliver.py), and should one ever slip in, it is blotted out here."""
    return [m._replace(last_error=_ADDRESS.sub("[address]", m.last_error or "") or None)
            for m in messages]  # fmt: skip


def scope_state(caller: Administrator, deps: Dependencies, region_id: str | None = None
                ) -> ScopeState:  # fmt: skip
    """The state of the caller's scope, or of one region in it (`region_id`): UnknownRegion,
    or OutOfScope for a region that is not the caller's."""
    now = deps.clock()
    regions = regions_in_scope(caller, deps, region_id)
    scope = region_id or caller.region_id
    cases = deps.cases.open_cases(scope, OPEN_READ_MAX)
    lines, unplaced = _regions(regions, cases, deps, now)
    return ScopeState(lines, unplaced, complete=len(cases) < OPEN_READ_MAX,
                      failed=failed_mail(scope, deps), triage=triage.waiting(caller, deps, scope),
                      as_of=now)  # fmt: skip
