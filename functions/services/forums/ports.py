"""What the forum use cases need from storage, as protocols the adapters implement
(functions/adapters/firestore/forum*.py); the Dependencies bundle and the unit of work
(functions/services/ports.py) carry them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from functions.domain.forums.attendance import Attendance, RoleFigures, SurveyState
    from functions.domain.forums.invitations import Invitation, Recipient
    from functions.domain.forums.models import Forum, Registration, RegistrationState
    from functions.domain.forums.plan import ForumPlan
    from functions.domain.forums.survey import SurveyResponse
    from functions.domain.reports.summary import MonthSummary


# --------------------------------------------------------------------------- unit of work


class ForumStore(Protocol):
    """Forums inside a unit of work."""

    def get(self, forum_id: str) -> Forum | None: ...
    def add(self, forum: Forum) -> None: ...  # the commit fails if the id is taken
    def save(self, forum: Forum) -> None: ...  # read in this unit; unchanged since


class RegistrationStore(Protocol):
    """Forum registrations inside a unit of work."""

    def get(self, registration_id: str) -> Registration | None: ...
    def add(self, registration: Registration) -> None: ...
    def save(self, registration: Registration) -> None: ...

    def first_waitlisted(self, forum_id: str) -> Registration | None:
        """The forum's longest-waiting person (read in this unit), or None."""


class InvitationStore(Protocol):
    """A month's forum invitations inside a unit of work (services/forums/invitations.py)."""

    def existing(self, invitation_ids: list[str]) -> set[str]:
        """Which of these invitations exist (one batched read, in this unit)."""

    def add(self, invitation: Invitation) -> None: ...  # the commit fails if it exists


class AttendanceStore(Protocol):
    """Forum attendance inside a unit of work (services/forums/attendance.py)."""

    def get(self, attendee_id: str) -> Attendance | None: ...

    def get_many(self, attendee_ids: list[str]) -> dict[str, Attendance]:
        """Those that exist, read in one round trip (each one's version kept)."""

    def add(self, attendance: Attendance) -> None: ...  # the commit fails if it exists
    def save(self, attendance: Attendance) -> None: ...  # new, or read in this unit
    def remove(self, attendance: Attendance) -> None: ...  # read in this unit


class SurveyStore(Protocol):
    """Post-forum survey responses inside a unit of work (services/forums/survey.py)."""

    def get(self, attendee_id: str) -> SurveyResponse | None: ...
    def save(self, response: SurveyResponse) -> None: ...  # new, or replacing the one read


# ----------------------------------------------------------------------------- reading


class ForumReader(Protocol):
    """Forums and their registrations outside a unit of work (pages, jobs, reports)."""

    def get(self, forum_id: str) -> Forum | None: ...

    def in_month(self, month: str) -> list[Forum]:
        """The forums of a month ("YYYY-MM"), cancelled ones included, soonest first."""

    def starting_between(self, start: datetime, end: datetime) -> list[Forum]:
        """Forums starting from `start` (included) to `end` (not), soonest first."""

    def registrations(self, forum_id: str,
                      state: RegistrationState | None = None) -> list[Registration]:  # fmt: skip
        """The forum's registrations (in one state, if given), oldest first."""

    def registration(self, registration_id: str) -> Registration | None: ...

    # Attendance and the post-forum survey (adapters/firestore/forum_attendance.py, ...).
    def count_attended(self, forum_id: str) -> int:
        """How many took part in the forum (a count aggregation)."""

    def attendance(self, forum_id: str) -> list[Attendance]:
        """Everyone who attended the forum (one query), by name."""

    def attendees(self, attendee_ids: list[str]) -> dict[str, Attendance]:
        """These attendance records, those that exist (one batched read)."""

    def survey_due(self, forum_id: str, state: SurveyState, limit: int,
                   sent_before: datetime | None = None) -> list[str]:  # fmt: skip
        """Ids of attendees whose survey is in `state` (sent before `sent_before`)."""

    def count_survey_due(self, forum_id: str, state: SurveyState,
                         sent_before: datetime | None = None) -> int: ...  # fmt: skip

    def attendance_by_role(self, forum_id: str) -> dict[Any, RoleFigures]:
        """Registered, attended, walk-ins and no-shows by ParticipantRole (aggregations)."""

    def role_tallies(self, forum_id: str) -> dict[Any, RoleFigures]:
        """The same figures from the forum's tally, kept as each registration and attendance
        row was written (functions/domain/reports/tallies.py): one document read."""

    def ended_between(self, start: datetime, end: datetime) -> list[Forum]:
        """Forums that ended from `start` (included) to `end` (not), cancelled ones too."""

    def survey_responses(self, forum_id: str,
                         fields: tuple[str, ...] | None = None,
                         ) -> list[SurveyResponse]:  # fmt: skip
        """The forum's responses, first submitted first; only `fields` of each if given."""

    def survey_response(self, attendee_id: str) -> SurveyResponse | None: ...
    def count_survey_responses(self, forum_id: str) -> int: ...  # a count aggregation

    # Compiled forum summaries (adapters/firestore/forum_summaries.py, issue 11).
    def summary(self, summary_id: str) -> MonthSummary | None: ...

    def summary_versions(self, summary_id: str) -> list[MonthSummary]:
        """Every version kept of a summary, the first first."""


class ForumPlans(Protocol):
    def current(self) -> ForumPlan:
        """The standing forum plan in force (the stored one, else infra/forum_plan.json)."""

    def save(self, plan: ForumPlan) -> ForumPlan: ...


class ForumInvitations(Protocol):
    """A month's invitations outside a unit of work (adapters/firestore/forum_invitations.py)."""

    def get(self, invitation_id: str) -> Invitation | None: ...

    def consenting_parents(self) -> Iterable[Recipient]:
        """Parents who gave an email and consent on a case, one per case (one query)."""

    def month_record(self, month: str) -> dict | None: ...
    def mark_queued(self, month: str, batches: int, recipients: int, now: datetime) -> None: ...
    def save_batches(self, month: str, batches: list[list[Recipient]],
                     expires_at: datetime) -> list[str]: ...  # fmt: skip
    def get_batch(self, batch: str) -> tuple[str, list[Recipient]] | None: ...
