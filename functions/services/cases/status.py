"""What a parent sees when following a case by its status link."""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.cases.models import Case, CaseEvent
from functions.domain.shared.signing import Purpose
from functions.services.ports import Dependencies


class CaseView(NamedTuple):
    case: Case
    events: list[CaseEvent]


def case_for_token(token: object, deps: Dependencies) -> Case | None:
    """The case a status token opens, or None for any token that opens nothing."""
    reference = deps.signer.unsign(Purpose.CASE_STATUS, token)
    return deps.cases.get(reference) if reference else None


def view_case_status(token: object, deps: Dependencies) -> CaseView | None:
    """The case and its public history, or None for any token that opens nothing."""
    case = case_for_token(token, deps)
    if case is None:
        return None
    public = [event for event in deps.cases.list_events(case.reference) if event.public]
    return CaseView(case, sorted(public, key=lambda event: event.at))
