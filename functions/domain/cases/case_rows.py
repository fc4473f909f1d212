"""What the month's case tallies count of a case (functions/domain/reports/tallies.py): the
few fields the forum summaries' case figures use, read from a case document as it is
written. A Case serves as one too (it has every field)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from functions.domain.cases.models import Outcome, Rating
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Category


class CaseRow(Record):
    centre_id: str | None = None
    centre_name: str = ""
    region_id: str | None = None
    category: Category = Category.OTHER
    created_at: datetime
    outcome: Outcome = Field(default_factory=Outcome)
    rating: Rating | None = None
