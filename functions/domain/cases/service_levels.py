"""How fast a case is answered: the network's policy, a case's due times, and the nudge ladder.

The policy (infra/service_levels.json, kept in Firestore) gives per kind and urgency a time to
acknowledge and a time to resolve. Non-urgent times count working hours of the centre's
calendar; urgent ones count clock hours, night and weekend included: a child may be at risk.
Each running deadline climbs a ladder when missed: the assigned staff member (or every staff
member) at the breach, the principal a working day later, the regional administrator after
two (urgent cases: an hour and two hours). The charter prints these same times.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import IntEnum, StrEnum

from pydantic import Field, PositiveFloat, PositiveInt, model_validator

from functions.domain.shared.calendar import WorkingCalendar, public_holidays
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Kind


class Stage(StrEnum):
    """Which deadline of a case is running."""

    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


class Level(IntEnum):
    """How far up the ladder a missed deadline has gone."""

    NONE = 0
    STAFF = 1  # the assigned staff member, or every staff member of the centre
    PRINCIPAL = 2
    REGION = 3  # the regional administrator: the top


class Target(Record):
    kind: Kind | None  # None: any kind without a target of its own (one not recognised)
    urgent: bool
    acknowledge_hours: PositiveFloat
    resolve_hours: PositiveFloat | None  # None: not worked to a resolution (compliments)


class Escalation(Record):
    principal_after_working_days: PositiveInt = 1
    region_after_working_days: PositiveInt = 2
    urgent_principal_after_hours: PositiveFloat = 1
    urgent_region_after_hours: PositiveFloat = 2

    @model_validator(mode="after")
    def _climbs(self):
        days = self.principal_after_working_days < self.region_after_working_days
        hours = self.urgent_principal_after_hours < self.urgent_region_after_hours
        if not (days and hours):
            raise ValueError("the regional administrator comes after the principal")
        return self


class KnownHolidays(Record):
    """A country's public holidays for some years, worked out by the `holidays` package when
    the policy was loaded (never typed in): see domain/shared/calendar.py."""

    country: str = "ZA"
    years: list[int]
    dates: list[str]  # ISO dates (Firestore stores no plain dates)

    def by_year(self) -> dict[int, frozenset[date]]:
        days = [date.fromisoformat(text) for text in self.dates]
        return {year: frozenset(d for d in days if d.year == year) for year in self.years}

    @classmethod
    def work_out(cls, years: range, country: str = "ZA") -> KnownHolidays:
        dates = sorted(d for year in years for d in public_holidays(country, year))
        return cls(country=country, years=list(years), dates=[d.isoformat() for d in dates])


class ServiceLevelPolicy(Record):
    version: str
    targets: list[Target]
    escalation: Escalation = Field(default_factory=Escalation)
    holidays: KnownHolidays | None = None  # added when loaded into Firestore

    @model_validator(mode="after")
    def _has_defaults(self):
        for urgent in (False, True):
            if not any(t.kind is None and t.urgent == urgent for t in self.targets):
                raise ValueError(f"a target for any kind (kind: null) with urgent={urgent}")
        return self

    def target(self, kind: Kind | None, urgent: bool) -> Target:
        for wanted in (kind, None):
            for target in self.targets:
                if target.kind == wanted and target.urgent == urgent:
                    return target
        raise LookupError("unreachable: the validator requires the defaults")  # pragma: no cover


class ServiceClock(Record):
    """A case's running deadline and how far its ladder has climbed."""

    stage: Stage | None  # None: nothing running (resolved, closed, or nothing to resolve)
    due: datetime | None = None
    level: Level = Level.NONE
    # Waiting on the parent: the clock stops, keeping the case's time it had left (seconds;
    # Firestore stores no durations).
    paused_at: datetime | None = None
    left_seconds: float | None = None
    paused_seconds: float = 0.0  # the case's time spent waiting on the parent, all told


class Deadlines:
    """The policy applied to one case: its calendar, or the clock when it is urgent."""

    def __init__(self, policy: ServiceLevelPolicy, calendar: WorkingCalendar, kind: Kind | None,
                 urgent: bool):  # fmt: skip
        self.policy, self.calendar, self.urgent = policy, calendar, urgent
        self.target = policy.target(kind, urgent)

    def after(self, start: datetime, hours: float) -> datetime:
        """`hours` of the case's time (working hours, or clock hours when urgent) after start."""
        if self.urgent:
            return start + timedelta(hours=hours)
        return self.calendar.add_working_time(start, timedelta(hours=hours))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """The case's time from start to end (working time, or clock time when urgent)."""
        if self.urgent:
            return max(end - start, timedelta())
        return self.calendar.working_time_between(start, end)

    def acknowledge_by(self, start: datetime) -> datetime:
        return self.after(start, self.target.acknowledge_hours)

    def resolve_by(self, start: datetime) -> datetime | None:
        hours = self.target.resolve_hours
        return None if hours is None else self.after(start, hours)

    def resume(self, now: datetime, left: timedelta) -> datetime:
        """The new due time when the clock restarts with `left` of the case's time."""
        return self.after(now, left.total_seconds() / 3600)

    def nudge_at(self, due: datetime, level: Level) -> datetime:
        """When the ladder reaches `level` for a deadline due at `due`: urgent cases by the
        clock, others in the centre's working hours only."""
        steps = self.policy.escalation
        if self.urgent:
            hours = {Level.STAFF: 0, Level.PRINCIPAL: steps.urgent_principal_after_hours,
                     Level.REGION: steps.urgent_region_after_hours}[level]  # fmt: skip
            return due + timedelta(hours=hours)
        days = {Level.STAFF: 0, Level.PRINCIPAL: steps.principal_after_working_days,
                Level.REGION: steps.region_after_working_days}[level]  # fmt: skip
        return self.calendar.next_open(self.calendar.add_working_days(due, days))

    def next_nudge(self, clock: ServiceClock) -> datetime | None:
        """When the running deadline's next nudge is due (None: none is)."""
        if clock.stage is None or clock.due is None or clock.paused_at is not None:
            return None
        if clock.level >= Level.REGION:
            return None
        return self.nudge_at(clock.due, Level(clock.level + 1))

    def may_nudge_now(self, now: datetime) -> bool:
        """Nudges go out in the centre's working hours; urgent ones at any hour."""
        return self.urgent or self.calendar.is_open(now)
