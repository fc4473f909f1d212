"""What a parent sees when following a case by its status link."""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.cases.models import Case, CaseEvent
from functions.domain.cases.references import hash_token
from functions.services.ports import CaseRepository

_TOKEN_MAX = 100


class CaseView(NamedTuple):
    case: Case
    events: list[CaseEvent]


def view_case_status(token: str | None, *, cases: CaseRepository) -> CaseView | None:
    """The case and its public history, or None for any token that opens nothing."""
    if not token or len(token) > _TOKEN_MAX:
        return None
    case = cases.find_by_token_hash(hash_token(token))
    if case is None:
        return None
    public = [event for event in cases.list_events(case.reference) if event.public]
    return CaseView(case, sorted(public, key=lambda event: event.at))
