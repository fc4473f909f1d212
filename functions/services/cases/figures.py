"""A centre's figures for a period, from its stored cases (one indexed query)."""

from __future__ import annotations

from datetime import datetime

from functions.domain.cases.figures import MINIMUM_COUNT, CentreFigures, centre_figures
from functions.services.ports import Dependencies


def figures_for_centre(centre_id: str, start: datetime, end: datetime, deps: Dependencies,
                       minimum: int = MINIMUM_COUNT) -> CentreFigures:  # fmt: skip
    """The figures of the cases the centre received from `start` (included) to `end` (not):
    how each went is kept on the case, so a case received in the period counts with what
    it has come to by now."""
    return centre_figures(deps.cases.received_between(centre_id, start, end), minimum)
