"""What one compile run reads, each once: a month's roll-up uses the rows its forums'
summaries read just before (attendance by role, responses, the month's cases), so a month
of three forums reads its cases once, not four times, and in one query, not one a centre."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from functions.domain.cases.case_rows import CaseRow
from functions.domain.forums.attendance import RoleFigures
from functions.domain.forums.survey import SurveyResponse
from functions.services.ports import Dependencies


class Reads:
    def __init__(self, deps: Dependencies):
        self._deps = deps
        self._roles: dict[str, dict] = {}
        self._responses: dict[str, list[SurveyResponse]] = {}
        self._names: dict[str, str] = {}
        self._cases: dict[tuple, list[CaseRow]] = {}
        self._centres = None

    def roles(self, forum_id: str) -> dict[object, RoleFigures]:
        """The forum's figures by role (Firestore count aggregations, no record read)."""
        if forum_id not in self._roles:
            self._roles[forum_id] = self._deps.forums.attendance_by_role(forum_id)
        return self._roles[forum_id]

    def responses(self, forum_id: str) -> list[SurveyResponse]:
        if forum_id not in self._responses:
            self._responses[forum_id] = self._deps.forums.survey_responses(forum_id)
        return self._responses[forum_id]

    def names(self, attendee_ids: list[str]) -> dict[str, str]:
        """The names of these attendees (only those who agreed to be quoted are asked)."""
        missing = [key for key in attendee_ids if key not in self._names]
        if missing:
            found = self._deps.forums.attendees(missing)
            self._names |= {key: person.name for key, person in found.items()}
        return {key: self._names[key] for key in attendee_ids if key in self._names}

    def centre_names(self, scope: str | None) -> dict[str, str]:
        """The names of the scope's centres, as the directory has them (read once a run)."""
        if self._centres is None:
            self._centres = self._deps.directory.list_centres()
        return {c.centre_id: c.name for c in self._centres
                if scope is None or c.region_id == scope}  # fmt: skip

    def month_cases(self, month: str, scope: str | None, zone: str) -> list[CaseRow]:
        """The cases received in the month (in `zone`) in the scope, in one query (region_id
        and created_at)."""
        key = (month, scope, zone)
        if key not in self._cases:
            year, number = (int(part) for part in month.split("-"))
            start = datetime(year, number, 1, tzinfo=ZoneInfo(zone))
            end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=ZoneInfo(zone))
            self._cases[key] = self._deps.cases.received_in(scope, start, end)
        return self._cases[key]
