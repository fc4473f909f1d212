"""The centres that rank best on the month's case figures: the share of resolved cases
resolved within the service level, then the share satisfied after resolution, then the
number of cases. A centre ranks only with at least `minimum` resolved cases, and its
satisfaction counts only from `minimum` ratings (functions/domain/cases/figures.py withholds
a share below it): a centre with two cases, both on time, is not "the best" on that alone.

Counted from the month's case tallies (functions/domain/reports/tallies.py), one a centre.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

from functions.domain.reports.summary import TOP_CENTRES, CentreRank, Rate
from functions.domain.reports.tallies import CaseTally


def _centres(tallies: Iterable[CaseTally]) -> dict[str, CaseTally]:
    """One tally a centre (a centre's cases filed under two regions, summed)."""
    by_centre: dict[str, list[CaseTally]] = defaultdict(list)
    for tally in tallies:
        if tally.centre_id:
            by_centre[tally.centre_id].append(tally)
    summed = {}
    for centre_id, mine in by_centre.items():
        fields = ("received", "in_time", "late", "rated", "satisfied")
        summed[centre_id] = mine[-1].model_copy(
            update={field: sum(getattr(t, field) for t in mine) for field in fields}
        )
    return summed


def best_centres(tallies: Iterable[CaseTally], minimum: int,
                 top: int = TOP_CENTRES) -> tuple[list[CentreRank], int]:  # fmt: skip
    """The `top` best-ranked centres, and how many centres had enough cases to rank."""
    candidates = []
    for centre_id, tally in _centres(tallies).items():
        if tally.resolved < max(minimum, 1):
            continue
        on_time = Rate(count=tally.in_time, base=tally.resolved)
        satisfied = Rate(count=tally.satisfied, base=tally.rated)
        candidates.append((centre_id, tally, on_time, satisfied, tally.rated >= max(minimum, 1)))
    candidates.sort(key=lambda c: (
        -Fraction(c[2].count, c[2].base),
        -(Fraction(c[3].count, c[3].base) if c[4] else Fraction(-1)),
        -c[1].received, c[0],
    ))  # fmt: skip
    ranked = [
        CentreRank(rank=number, centre_id=centre_id, centre_name=tally.centre_name,
                   cases=tally.received, resolved_in_time=on_time, rated=satisfied.base,
                   satisfied=satisfied if shown else None)
        for number, (centre_id, tally, on_time, satisfied, shown) in enumerate(candidates[:top], 1)
    ]  # fmt: skip
    return ranked, len(candidates)
