"""Opening a case: the one place that decides what a new case and its first event look like."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases import lifecycle
from functions.domain.cases.models import (
    Actor,
    Case,
    CaseEvent,
    Child,
    Consent,
    Reporter,
    Triage,
    new_event_id,
)
from functions.domain.cases.service_levels import Deadlines, ServiceLevelPolicy
from functions.domain.directory.models import Centre
from functions.domain.shared.calendar import WorkingCalendar
from functions.domain.shared.vocabulary import CaseStatus, Category, EventType, Kind, Source


def deadlines_for(policy: ServiceLevelPolicy, centre: Centre | None, kind: Kind | None,
                  urgent: bool) -> Deadlines:  # fmt: skip
    """The policy on the centre's calendar (the network's default one for an unknown centre)."""
    calendar = centre.calendar() if centre else WorkingCalendar()
    return Deadlines(policy, calendar, kind, urgent)


def open_case(
    *,
    reference: str,
    source: Source,
    centre: Centre | None,
    centre_name_given: str | None = None,
    region_id: str | None = None,
    kind: Kind | None,
    category: Category,
    description: str,
    urgent: bool,
    reporter: Reporter,
    consent: Consent,
    child: Child | None,
    triage: Triage | None,
    policy: ServiceLevelPolicy,
    now: datetime,
) -> tuple[Case, CaseEvent]:
    """A new case in status 'received', its deadlines running, and the 'submitted' event
    that starts its history."""
    case = Case(
        reference=reference,
        source=source,
        centre_id=centre.centre_id if centre else None,
        centre_name=centre.name if centre else (centre_name_given or "Unknown centre"),
        region_id=centre.region_id if centre else region_id,
        kind=kind,
        category=category,
        description=description,
        urgent=urgent,
        anonymous=not (reporter.email or reporter.phone),
        reporter=reporter,
        consent=consent,
        child=child,
        status=CaseStatus.RECEIVED,
        triage=triage,
        created_at=now,
        updated_at=now,
        respond_by=now,  # set with the other deadlines just below
    )
    case = lifecycle.start(case, deadlines_for(policy, centre, kind, urgent))
    event = CaseEvent(
        event_id=new_event_id(),
        type=EventType.SUBMITTED,
        at=now,
        actor=Actor(role="parent" if reporter.role != "staff" else "staff"),
        status=CaseStatus.RECEIVED,
    )
    return case, event
