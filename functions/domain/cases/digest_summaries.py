"""The regional administrator's digest, from the day's summaries of the region's centres.

Each centre's digest task reads the centre's open cases anyway, so it sums them up in a small
summary for the day (CentreSummary: the counts and the centre's worst overdue cases); the
region's task, queued to run after its centres', composes the region's digest from those
summaries: counts per centre and the region's worst overdue cases.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple

from pydantic import Field

from functions.domain.cases.digest_cases import DigestCase, by_urgency, case_row, digest_mail
from functions.domain.directory.models import Centre, Region
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import CaseStatus, Kind, StaffAction

WORST_MAX = 10  # overdue cases in a region digest


class CentreCounts(NamedTuple):
    """One centre's line in a region digest."""

    open: int = 0
    overdue: int = 0
    unassigned_complaints: int = 0
    waiting: int = 0  # on a parent


FIGURES = CentreCounts._fields
_RUNNING = (CaseStatus.RECEIVED, CaseStatus.IN_PROGRESS)  # a deadline runs: may be overdue


class CentreSummary(Record):
    """One centre's figures of one day, as its digest task read them, for its region's
    digest: the counts and the centre's worst overdue cases (a region's ten worst may all be
    one centre's). Cases as a digest shows them: never a parent's words."""

    centre_id: str
    region_id: str
    date: str  # the local date of the digest, ISO 8601
    counted_at: datetime
    open: int = 0
    overdue: int = 0
    unassigned_complaints: int = 0
    waiting: int = 0  # on a parent
    worst: list[DigestCase] = Field(default_factory=list)  # the longest overdue first

    @property
    def counts(self) -> CentreCounts:
        return CentreCounts(*(getattr(self, name) for name in FIGURES))


def overdue_first(cases: Iterable[DigestCase]) -> list[DigestCase]:
    """Overdue cases, the longest overdue first (by due time, then reference)."""
    return sorted(cases, key=lambda case: (case.clock.due, case.reference))


def summarise(centre: Centre, day: date, open_cases: list[DigestCase],
              now: datetime) -> CentreSummary:  # fmt: skip
    """The centre's figures at `now` from its open cases: open; overdue (a running deadline
    passed: a case waiting on the parent keeps a stale due time while its clock is paused);
    unassigned complaints (waiting on a parent or not); waiting on a parent."""
    late = [c for c in open_cases if c.status in _RUNNING and c.clock.due is not None
            and c.clock.due <= now]  # fmt: skip
    return CentreSummary(
        centre_id=centre.centre_id, region_id=centre.region_id, date=day.isoformat(),
        counted_at=now, open=len(open_cases), overdue=len(late),
        unassigned_complaints=sum(c.assignee is None and c.kind == Kind.COMPLAINT
                                  for c in open_cases),
        waiting=sum(c.status == CaseStatus.AWAITING_PARENT for c in open_cases),
        worst=overdue_first(late)[:WORST_MAX],
    )  # fmt: skip


def region_figures(centres: Iterable[Centre], summaries: dict[str, CentreSummary]
                   ) -> tuple[list[tuple[Centre, CentreCounts]], list[DigestCase]]:  # fmt: skip
    """Each centre's counts (zeros for a centre without a summary) and the region's
    WORST_MAX longest overdue cases, from the centres' summaries."""
    counts, late = [], []
    for centre in centres:
        summary = summaries.get(centre.centre_id)
        counts.append((centre, summary.counts if summary else CentreCounts()))
        late += summary.worst if summary else []
    return counts, overdue_first(late)[:WORST_MAX]


def region_digest_message(region: Region, counts: list[tuple[Centre, CentreCounts]],
                          worst: list[DigestCase], day_start: datetime, now: datetime,
                          network_name: str) -> OutboxMessage | None:  # fmt: skip
    """The regional administrator's digest: a line per centre (those with open cases, the
    most overdue first) and the worst overdue cases; None when there is nothing to tell."""
    busy = [(centre, line) for centre, line in counts if line.open or line.waiting]
    if not busy and not worst:
        return None
    busy.sort(key=lambda item: (-item[1].overdue, -item[1].open, item[0].name))
    worst = by_urgency(worst, now)[:WORST_MAX]
    # The administrator is the top of the ladder: there is nobody to escalate to.
    rows = [case_row(case, now, region.administrator.key) for case in worst]
    for row in rows:
        row["actions"] = [a for a in row["actions"] if a != StaffAction.ESCALATE.value]
    data = {
        "network_name": network_name,
        "region_name": region.name,
        "recipient_name": region.administrator.name,
        "recipient_role": "administrator",
        "digest_at": day_start,
        "reference": worst[0].reference if worst else None,
        "centres": [{"centre_name": centre.name, **line._asdict()} for centre, line in busy],
        "totals": {name: sum(getattr(line, name) for _, line in counts) for name in FIGURES},
        "worst": rows,
        "actionable": [row["reference"] for row in rows if row["actions"]],
    }
    return digest_mail("region_digest", region.administrator.email, data, now)
