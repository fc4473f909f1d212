"""Daily digests: which cases each recipient sees, in what order, and what the mail holds.

A centre's digest goes out at 07:00 local time on its working days (weekends and South
African public holidays are not). Each member of the centre gets one mail, never an empty
one:
- a staff member: their open cases (overdue first, then by due time), the centre's
  unassigned complaints, the centre's cases waiting on a parent, and the compliments
  received since the last digest (07:00 of the previous working day) — but no case about
  staff conduct or a child's safety unless it is theirs (someone among the staff may be
  involved, as for the intake alerts);
- the principal: every open case of the centre (overdue first, with who owns each), the
  cases waiting on a parent, and the compliments.
The regional administrator gets one digest for the region: counts per centre and the worst
overdue cases. Each centre's digest task, which reads the centre's open cases anyway, sums
them up in a small summary for the day (CentreSummary: the counts and the centre's worst
overdue cases); the region's task, queued to run after its centres', composes its digest
from those summaries. A digest names cases by reference, kind, topic and times: never a
parent's words, which stay in the alert and on the case's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from pydantic import Field

from functions.domain.cases.models import Person
from functions.domain.cases.notifications import ALSO_TO_REGION
from functions.domain.cases.service_levels import ServiceClock
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.shared.calendar import DEFAULT_TIMEZONE, WorkingCalendar
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, StaffAction

DIGEST_HOUR = 7  # local time, on the centre's working days
LINKED_MAX = 30  # cases shown in full with their action links; the rest by reference only
LISTED_MAX = 200  # references listed after those; beyond them, a count
WORST_MAX = 10  # overdue cases in a region digest
_LOOK_BACK_DAYS = 370  # a calendar always has a working day within a year

# Staff mail never lists these unless the case is theirs (domain/cases/notifications.py).
SENSITIVE = ALSO_TO_REGION
# The actions a digest offers, by status (the links carry them all; the mail shows these).
_ACTIONS = {
    CaseStatus.RECEIVED: (StaffAction.ACKNOWLEDGE, StaffAction.RESOLVE, StaffAction.ASK_PARENT,
                          StaffAction.REASSIGN, StaffAction.ESCALATE, StaffAction.NOTE),
    CaseStatus.IN_PROGRESS: (StaffAction.RESOLVE, StaffAction.ASK_PARENT, StaffAction.REASSIGN,
                             StaffAction.ESCALATE, StaffAction.NOTE),
    CaseStatus.AWAITING_PARENT: (StaffAction.RESOLVE, StaffAction.REASSIGN,
                                 StaffAction.ESCALATE, StaffAction.NOTE),
}  # fmt: skip


class DigestCase(Record):
    """What a digest knows of a case: what its reader reads, never the parent's text."""

    reference: str
    centre_id: str | None = None
    centre_name: str = ""
    kind: Kind | None = None
    category: Category = Category.OTHER
    status: CaseStatus
    urgent: bool = False
    assignee: Person | None = None
    clock: ServiceClock = Field(default_factory=lambda: ServiceClock(stage=None))
    created_at: datetime

    @property
    def due(self) -> datetime | None:
        """The running deadline (None while the clock waits on the parent)."""
        return None if self.clock.paused_at is not None else self.clock.due

    def overdue(self, now: datetime) -> bool:
        return self.due is not None and self.due <= now

    def owned_by(self, key: str) -> bool:
        return self.assignee is not None and self.assignee.key == key


# The fields a reader fetches for a digest (a projection: the rest of a case is never read).
FIELDS = tuple(DigestCase.model_fields)


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


# ------------------------------------------------------------------------------- when


def digest_day(calendar: WorkingCalendar, now: datetime) -> date | None:
    """The local date whose digest is due now: in the digest hour of a working day."""
    local = calendar.local(now)
    if local.hour == DIGEST_HOUR and calendar.is_working_day(local.date()):
        return local.date()
    return None


def digest_time(calendar: WorkingCalendar, day: date) -> datetime:
    return datetime.combine(day, time(DIGEST_HOUR), calendar.zone)


def previous_digest_time(calendar: WorkingCalendar, day: date) -> datetime:
    """07:00 of the working day before `day`: where "since the last digest" starts."""
    for back in range(1, _LOOK_BACK_DAYS):
        if calendar.is_working_day(day - timedelta(days=back)):
            return digest_time(calendar, day - timedelta(days=back))
    return digest_time(calendar, day - timedelta(days=1))  # pragma: no cover (unreachable)


def region_calendar(centres: Iterable[Centre]) -> WorkingCalendar:
    """A region's digest clock: its first centre's time zone (Africa/Johannesburg when it has
    none), weekdays but public holidays, as an administrator works."""
    first = min(centres, key=lambda centre: centre.centre_id, default=None)
    return WorkingCalendar(first.timezone if first else DEFAULT_TIMEZONE)


# ------------------------------------------------------------------------------- who sees what


class Digest(NamedTuple):
    """One recipient's digest: who, in what role, and its sections in the order shown."""

    contact: Contact
    role: str  # principal | staff
    sections: dict[str, list[DigestCase]]

    def empty(self) -> bool:
        return not any(self.sections.values())


def by_urgency(cases: Iterable[DigestCase], now: datetime) -> list[DigestCase]:
    """By due time: the overdue first (the longest overdue on top), then the rest as they
    fall due; cases with no running deadline last, the oldest first among equals."""
    far = datetime.max.replace(tzinfo=now.tzinfo)
    return sorted(cases, key=lambda c: (c.due or far, c.created_at, c.reference))


def _by_wait(cases: Iterable[DigestCase]) -> list[DigestCase]:
    """Waiting on a parent: the longest wait first."""
    return sorted(cases, key=lambda c: (c.clock.paused_at or c.created_at, c.reference))


def centre_digests(centre: Centre, open_cases: list[DigestCase], compliments: list[DigestCase],
                   now: datetime) -> list[Digest]:  # fmt: skip
    """Each member's digest (the principal first), leaving out those with nothing in them."""
    working = [c for c in open_cases if c.status != CaseStatus.AWAITING_PARENT]
    waiting = [c for c in open_cases if c.status == CaseStatus.AWAITING_PARENT]
    compliments = sorted(compliments, key=lambda c: (c.created_at, c.reference))
    digests, seen = [], set()
    for member in centre.members():
        if member.key in seen:
            continue
        seen.add(member.key)
        if member.key == centre.principal.key:
            sections = {"open": by_urgency(working, now), "waiting": _by_wait(waiting),
                        "compliments": compliments}  # fmt: skip
            digest = Digest(member, "principal", sections)
        else:
            digest = Digest(member, "staff", _staff_sections(member.key, working, waiting,
                                                             compliments, now))  # fmt: skip
        if not digest.empty():
            digests.append(digest)
    return digests


def _staff_sections(key: str, working: list[DigestCase], waiting: list[DigestCase],
                    compliments: list[DigestCase], now: datetime) -> dict:  # fmt: skip
    def visible(case: DigestCase) -> bool:
        return case.category not in SENSITIVE or case.owned_by(key)

    # Complaints, and cases whose kind was not recognised (they may be complaints).
    unassigned = [c for c in working if c.assignee is None and visible(c)
                  and c.kind in (Kind.COMPLAINT, None)]  # fmt: skip
    return {
        "yours": by_urgency((c for c in working if c.owned_by(key)), now),
        "unassigned": by_urgency(unassigned, now),
        "waiting": _by_wait(c for c in waiting if visible(c)),
        "compliments": [c for c in compliments if visible(c)],
    }


# ------------------------------------------------------------------------------- the mail's data


def actions(case: DigestCase) -> list[str]:
    """The actions a digest offers on the case: a compliment is only thanked (acknowledged)."""
    if case.kind == Kind.COMPLIMENT:
        return [StaffAction.ACKNOWLEDGE.value] if case.status == CaseStatus.RECEIVED else []
    return [action.value for action in _ACTIONS.get(case.status, ())]


def _row(case: DigestCase, now: datetime, reader_key: str | None) -> dict:
    worked = case.kind != Kind.COMPLIMENT  # a compliment is shared, never due
    return {
        "reference": case.reference,
        "centre_name": case.centre_name,
        "kind": case.kind.value if case.kind else None,
        "category": case.category.value,
        "status": case.status.value,
        "urgent": case.urgent,
        "due": case.due if worked else None,
        "overdue": worked and case.overdue(now),
        "received_at": case.created_at,
        "owner": case.assignee.name if case.assignee else None,
        "yours": reader_key is not None and case.owned_by(reader_key),
        "actions": actions(case),
    }


def listed(sections: dict[str, list[DigestCase]], now: datetime,
           reader_key: str | None) -> tuple[list[dict], list[str]]:  # fmt: skip
    """Each section as the mail lists it (a list: its order survives storage, which a map's
    keys may not), and the references whose links the mail carries.

    The first LINKED_MAX cases (in section order) are shown in full with their actions; the
    next LISTED_MAX by reference only; the rest are counted. That bounds the mail's size
    (each linked case carries six signed links) however many cases a centre has."""
    shown, actionable, budget = [], [], [LINKED_MAX, LISTED_MAX]
    for name, cases in sections.items():
        section = {"name": name, "count": len(cases), "cases": [], "more": [], "left_out": 0}
        for case in cases:
            if budget[0]:
                budget[0] -= 1
                row = _row(case, now, reader_key)
                section["cases"].append(row)
                if row["actions"]:
                    actionable.append(case.reference)
            elif budget[1]:
                budget[1] -= 1
                late = case.kind != Kind.COMPLIMENT and case.overdue(now)
                section["more"].append({"reference": case.reference, "overdue": late})
            else:
                section["left_out"] += 1
        shown.append(section)
    return shown, actionable


def _to_act_on(digest: Digest, now: datetime) -> list[DigestCase]:
    """The overdue cases the reader is asked to act on (theirs and the unassigned; the
    principal's: all), the longest overdue first."""
    late = [case for name in ("open", "yours", "unassigned")
            for case in digest.sections.get(name, ()) if case.overdue(now)]  # fmt: skip
    return by_urgency(late, now)


def lead_reference(digest: Digest, now: datetime) -> str | None:
    """The case the subject names: the longest overdue, else the first listed."""
    late = _to_act_on(digest, now)
    if late:
        return late[0].reference
    return next((cases[0].reference for cases in digest.sections.values() if cases), None)


def centre_digest_message(digest: Digest, centre: Centre, day_start: datetime, now: datetime,
                          network_name: str) -> OutboxMessage:  # fmt: skip
    """The digest as an outbox message: sections, counts, and the references it links."""
    shown, actionable = listed(digest.sections, now, digest.contact.key)
    data = {
        "network_name": network_name,
        "centre_name": centre.name,
        "recipient_name": digest.contact.name,
        "recipient_role": digest.role,
        "digest_at": day_start,
        "reference": lead_reference(digest, now),
        "overdue": len(_to_act_on(digest, now)),
        "sections": shown,
        "actionable": actionable,
    }
    return _message("case_digest", digest.contact.email, data, now)


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
    rows = [_row(case, now, region.administrator.key) for case in worst]
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
    return _message("region_digest", region.administrator.email, data, now)


def _message(template: str, to: str, data: dict, now: datetime) -> OutboxMessage:
    # A notification: the reader may turn digests off with the other notifications.
    return OutboxMessage(message_id=new_message_id(), template=template, to=to, data=data,
                         kind=MessageKind.NOTIFICATION, created_at=now,
                         updated_at=now)  # fmt: skip
