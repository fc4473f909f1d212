"""What a month's report needs of a case: the few fields its figures read (a projection).

A month of the network holds tens of thousands of cases; reading each whole (its texts, its
reporter, its clock) cost most of a summary's compile time and could outlive a call's
deadline. A CaseRow is read from only these fields, and serves every figure a Case would
(functions/domain/cases/figures.py, functions/domain/reports/).
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from functions.domain.cases.models import Outcome, Rating
from functions.domain.shared.records import Record
from functions.domain.shared.vocabulary import Category, Kind


class CaseRow(Record):
    centre_id: str | None = None
    centre_name: str = ""
    region_id: str | None = None
    kind: Kind | None = None
    category: Category = Category.OTHER
    urgent: bool = False
    created_at: datetime
    outcome: Outcome = Field(default_factory=Outcome)
    rating: Rating | None = None


FIELDS = tuple(CaseRow.model_fields)
