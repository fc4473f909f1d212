"""A centre's figures, computed from what each case keeps of its own course (Case.outcome,
Case.rating): how fast it answers and resolves, how often within the service level, and
how satisfied parents were. For the forum summaries and the service charter.

Times are each case's own time, as the service levels count it: working hours of the
centre's calendar (time waiting on the parent left out), and clock hours for urgent cases,
which are counted apart so that the two are never mixed in one median. Each figure says how
many cases lie behind it, and is withheld (None) below a minimum: a median of two cases
says little, and a satisfaction share of one rating would name that parent's answer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum
from statistics import median
from typing import NamedTuple

from functions.domain.cases.models import Case

MINIMUM_COUNT = 5  # cases (or ratings) below which a figure is withheld
SATISFIED_FROM = 4  # a rating of 4 or 5 counts as satisfied


class Unit(StrEnum):
    WORKING_HOURS = "working_hours"  # the centre's opening hours, public holidays out
    CLOCK_HOURS = "clock_hours"  # urgent cases: every hour counts
    SHARE = "share"  # 0 to 1


class Figure(NamedTuple):
    value: float | None  # None: fewer than `minimum` cases behind it
    count: int  # how many cases (or ratings) it was computed from
    unit: Unit
    minimum: int

    @property
    def shown(self) -> bool:
        return self.value is not None


class CentreFigures(NamedTuple):
    cases: int  # every case received in the period
    by_kind: dict[str, int]  # kind → cases ("unknown" for a kind not recognised)
    urgent: int
    hours_to_acknowledge: Figure  # median, working hours (cases not urgent)
    urgent_hours_to_acknowledge: Figure  # median, clock hours (urgent cases)
    hours_to_resolve: Figure  # median, working hours (cases not urgent)
    urgent_hours_to_resolve: Figure  # median, clock hours (urgent cases)
    acknowledged_in_time: Figure  # share of acknowledged cases acknowledged in time
    resolved_in_time: Figure  # share of resolved cases resolved within the service level
    satisfaction: Figure  # share of ratings of 4 or 5 among the cases rated


def _median(values: list[float], unit: Unit, minimum: int) -> Figure:
    shown = round(median(values), 2) if values and len(values) >= minimum else None
    return Figure(shown, len(values), unit, minimum)


def _share(flags: list[bool], minimum: int) -> Figure:
    shown = round(sum(flags) / len(flags), 3) if flags and len(flags) >= minimum else None
    return Figure(shown, len(flags), Unit.SHARE, minimum)


def centre_figures(cases: Iterable[Case], minimum: int = MINIMUM_COUNT) -> CentreFigures:
    """The figures of these cases (a centre's, for a period)."""
    cases = list(cases)

    def hours(field: str, urgent: bool) -> list[float]:
        found = (getattr(case.outcome, field) for case in cases if case.urgent == urgent)
        return [value for value in found if value is not None]

    def flags(field: str) -> list[bool]:
        found = (getattr(case.outcome, field) for case in cases)
        return [value for value in found if value is not None]

    ratings = [case.rating.score for case in cases if case.rating is not None]
    kinds = Counter(case.kind.value if case.kind else "unknown" for case in cases)
    return CentreFigures(
        cases=len(cases),
        by_kind=dict(sorted(kinds.items())),
        urgent=sum(1 for case in cases if case.urgent),
        hours_to_acknowledge=_median(
            hours("hours_to_acknowledge", False), Unit.WORKING_HOURS, minimum
        ),
        urgent_hours_to_acknowledge=_median(
            hours("hours_to_acknowledge", True), Unit.CLOCK_HOURS, minimum
        ),
        hours_to_resolve=_median(hours("hours_to_resolve", False), Unit.WORKING_HOURS, minimum),
        urgent_hours_to_resolve=_median(hours("hours_to_resolve", True), Unit.CLOCK_HOURS, minimum),
        acknowledged_in_time=_share(flags("acknowledged_in_time"), minimum),
        resolved_in_time=_share(flags("resolved_in_time"), minimum),
        satisfaction=_share([score >= SATISFIED_FROM for score in ratings], minimum),
    )
