"""The centres that rank best on the month's case figures (functions/domain/cases/figures.py):
the share of resolved cases resolved within the service level, then the share satisfied
after resolution, then the number of cases. A centre ranks only with at least `minimum`
resolved cases (the figures module withholds a share below it): a centre with two cases,
both on time, is not "the best" on that alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

from functions.domain.cases.figures import SATISFIED_FROM, centre_figures
from functions.domain.cases.models import Case
from functions.domain.reports.summary import TOP_CENTRES, CentreRank, Rate


def _rate(flags: Iterable[bool]) -> Rate:
    flags = list(flags)
    return Rate(count=sum(flags), base=len(flags))


def best_centres(cases: Iterable[Case], minimum: int,
                 top: int = TOP_CENTRES) -> tuple[list[CentreRank], int]:  # fmt: skip
    """The `top` best-ranked centres, and how many centres had enough cases to rank."""
    by_centre: dict[str, list[Case]] = defaultdict(list)
    for case in cases:
        if case.centre_id:
            by_centre[case.centre_id].append(case)
    candidates = []
    for centre_id, mine in by_centre.items():
        figures = centre_figures(mine, minimum)
        if not figures.resolved_in_time.shown:
            continue  # fewer than `minimum` resolved cases
        # Counts from the cases themselves (the figures module rounds its shares).
        on_time = _rate(c.outcome.resolved_in_time for c in mine
                        if c.outcome.resolved_in_time is not None)  # fmt: skip
        satisfied = _rate(c.rating.score >= SATISFIED_FROM for c in mine if c.rating)
        candidates.append((centre_id, mine, on_time, satisfied, figures.satisfaction.shown))
    candidates.sort(key=lambda c: (
        -Fraction(c[2].count, c[2].base),
        -(Fraction(c[3].count, c[3].base) if c[4] else Fraction(-1)),
        -len(c[1]), c[0],
    ))  # fmt: skip
    ranked = [
        CentreRank(rank=number, centre_id=centre_id, centre_name=mine[0].centre_name,
                   cases=len(mine), resolved_in_time=on_time, rated=satisfied.base,
                   satisfied=satisfied if shown else None)
        for number, (centre_id, mine, on_time, satisfied, shown) in enumerate(candidates[:top], 1)
    ]  # fmt: skip
    return ranked, len(candidates)
