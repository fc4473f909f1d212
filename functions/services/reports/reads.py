"""What one compile run reads, each once: a month's roll-up uses what its forums' summaries
read just before (attendance by role, responses, the month's case tallies), so a month of
three forums reads its case tallies once, not four times.

Counts come from tallies kept as each record was written (functions/domain/reports/
tallies.py): a forum's figures by role are one document, the month's cases one a centre.

The survey responses, the one large read (thousands a forum), are fetched ahead for every
forum of the run at once (`prefetch`): Firestore streams the later forums' while the first
ones are compiled, so the run waits for storage about once rather than once a forum."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from functions.domain.forums.attendance import RoleFigures
from functions.domain.forums.survey import SurveyResponse
from functions.domain.reports.compile import RESPONSE_FIELDS
from functions.domain.reports.tallies import CaseTally
from functions.services.ports import Dependencies

_AHEAD = ThreadPoolExecutor(max_workers=4, thread_name_prefix="summary-reads")


class Reads:
    def __init__(self, deps: Dependencies):
        self._deps = deps
        self._ahead: dict[str, Future] = {}
        self._roles: dict[str, dict] = {}
        self._responses: dict[str, list[SurveyResponse]] = {}
        self._cases: dict[tuple, list[CaseTally]] = {}
        self._centres = None

    def roles(self, forum_id: str) -> dict[object, RoleFigures]:
        """The forum's figures by role (its tally: one document, no record read)."""
        if forum_id not in self._roles:
            self._roles[forum_id] = self._deps.forums.role_tallies(forum_id)
        return self._roles[forum_id]

    def prefetch(self, forum_ids: list[str]) -> None:
        """Start reading these forums' responses (what a read raises, `responses` raises)."""
        for forum_id in forum_ids:
            if forum_id not in self._responses and forum_id not in self._ahead:
                self._ahead[forum_id] = _AHEAD.submit(self._read_responses, forum_id)

    def responses(self, forum_id: str) -> list[SurveyResponse]:
        if forum_id not in self._responses:
            ahead = self._ahead.pop(forum_id, None)
            read = ahead.result() if ahead else self._read_responses(forum_id)
            self._responses[forum_id] = read
        return self._responses[forum_id]

    def _read_responses(self, forum_id: str) -> list[SurveyResponse]:
        """Only what a summary reads of each (RESPONSE_FIELDS): not the advisory answers."""
        return self._deps.forums.survey_responses(forum_id, RESPONSE_FIELDS)

    def centre_names(self, scope: str | None) -> dict[str, str]:
        """The names of the scope's centres, as the directory has them (read once a run)."""
        if self._centres is None:
            self._centres = self._deps.directory.list_centres()
        return {c.centre_id: c.name for c in self._centres
                if scope is None or c.region_id == scope}  # fmt: skip

    def month_cases(self, month: str, scope: str | None) -> list[CaseTally]:
        """The tallies of the cases received in the month in the scope, one a centre."""
        key = (month, scope)
        if key not in self._cases:
            self._cases[key] = self._deps.cases.month_tallies(month, scope)
        return self._cases[key]
