"""What the use cases need from the outside world, as protocols the adapters implement.

Services receive one `Dependencies` bundle (functions/wiring.py builds the real one, each
adapter on first use; tests build theirs from fakes of these protocols).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TypeVar

if TYPE_CHECKING:
    from functions.domain.cases.digest_cases import DigestCase
    from functions.domain.cases.digest_summaries import CentreSummary
    from functions.domain.cases.google_forms import FormMapping
    from functions.domain.cases.models import Case, CaseEvent
    from functions.domain.cases.service_levels import ServiceLevelPolicy
    from functions.domain.charters.commitments import CentreCommitments
    from functions.domain.charters.records import CharterRecord
    from functions.domain.directory.administrators import Administrator
    from functions.domain.directory.models import Centre, Region
    from functions.domain.mail.email import OutgoingEmail, RenderedEmail
    from functions.domain.mail.links import MailLinks
    from functions.domain.mail.outbox import OutboxMessage
    from functions.domain.mail.suppression import SuppressionReason
    from functions.domain.reports.tallies import CaseTally
    from functions.domain.shared.signing import Signer
    from functions.services.advisory.ports import AdvisoryStore
    from functions.services.forums.ports import (
        AttendanceStore,
        ForumInvitations,
        ForumPlans,
        ForumReader,
        ForumStore,
        InvitationStore,
        RegistrationStore,
        SurveyStore,
    )
    from functions.services.privacy.person_ports import Erasures, PersonRecords
    from functions.services.privacy.ports import RetentionRecords
    from functions.services.reports.action_point_ports import (
        ActionPointReading,
        ActionPointStore,
    )
    from functions.services.reports.ports import ForumSummaryStore


Clock = Callable[[], datetime]
T = TypeVar("T")


class IdempotencyMarker(NamedTuple):
    """Guards an intake against redelivery; written in the same commit as the case."""

    key: str  # already hashed: never the raw key
    reference: str
    fingerprint: str | None
    created_at: datetime
    expires_at: datetime  # Firestore's TTL policy deletes the marker after this


class Task(NamedTuple):
    """Deferred work for one handler: ids only, never personal data.

    Tasks with the same handler and dedupe key are one task: queueing it again is a no-op.
    """

    handler: str  # the entry point that does the work, e.g. "deliver_email"
    payload: dict[str, Any]
    dedupe_key: str
    at: datetime | None = None  # not before this time; None: as soon as possible


class TaskQueue(Protocol):
    def enqueue(self, task: Task) -> None:
        """Queue the task; a repeat (same handler and dedupe key) is a no-op.

        Raises QueueUnavailable when the queue cannot take it now.
        """

    def cancel(self, task: Task) -> None:
        """Remove the queued task of this handler and dedupe key; one already gone (run, or
        never queued) is done. Raises QueueUnavailable when the queue cannot answer."""


# --------------------------------------------------------------------------- unit of work


class CaseStore(Protocol):
    """Cases inside a unit of work: reads first, then writes, all committed together."""

    def get(self, reference: str) -> Case | None: ...

    def add(self, case: Case, event: CaseEvent) -> None:
        """A new case and its first event (the commit fails if the reference is taken)."""

    def save(self, case: Case, event: CaseEvent) -> None:
        """A changed case (read in this unit) and the event that tells its history."""


class MarkerStore(Protocol):
    def get(self, key: str) -> IdempotencyMarker | None: ...
    def add(self, marker: IdempotencyMarker) -> None: ...


class OutboxWriter(Protocol):
    def add(self, message: OutboxMessage) -> None: ...


class OnceKeys(Protocol):
    """Things done once (a link used, a digest sent, a reply recorded), by a key naming them
    (hashed before it is stored: keys may hold ids)."""

    def used(self, key: str) -> bool:
        """Whether the key is taken (read in this unit: a taker committing first refuses
        this unit's commit, and the work runs again)."""

    def add(self, key: str, now: datetime, expires_at: datetime,
            about: str | None = None) -> None:  # fmt: skip
        """Take the key; the commit fails if someone took it since (or before, unread).
        `about`: the registration a key derived from it is about, kept beside the hashed key
        so a person's erasure finds and deletes it."""


class DigestSummaries(Protocol):
    """A centre's summary of a day for its region's digest (functions/services/cases/digest.py),
    by centre and date."""

    def exists(self, centre_id: str, day: str) -> bool:
        """Whether the centre's summary of `day` (ISO date) is there (read in this unit)."""

    def add(self, summary: CentreSummary, expires_at: datetime) -> None:
        """Write it; the commit fails if one is there (written since, or before, unread)."""


class UnitOfWork(Protocol):
    cases: CaseStore
    markers: MarkerStore
    outbox: OutboxWriter
    once: OnceKeys
    summaries: DigestSummaries
    forums: ForumStore
    registrations: RegistrationStore
    attendance: AttendanceStore
    surveys: SurveyStore
    invitations: InvitationStore
    forum_summaries: ForumSummaryStore  # compiled forum summaries (services/reports/)
    advisory: AdvisoryStore  # advisory network selections
    action_points: ActionPointStore  # action points (services/reports/action_points.py)
    charter_commitments: CharterCommitmentStore  # a centre's local charter commitments
    charters: CharterStore  # each centre's charter distribution (services/charters/)
    # 0 on the first run; more when another writer committed first and the work runs again.
    attempt: int


class Transactions(Protocol):
    def run(
        self,
        work: Callable[[UnitOfWork], T],
        while_committing: Callable[[list[OutboxMessage]], object] | None = None,
        if_refused: Callable[[list[OutboxMessage]], object] | None = None,
        attempts: int = ...,
    ) -> tuple[T, list[OutboxMessage]]:
        """Run `work` and commit everything it wrote at once. When another writer got there
        first, run it again on what is there now (as Firestore transactions do). Returns its
        result and the outbox messages the committed run wrote.

        `while_committing(messages)` runs at the same time as each commit of a run that
        wrote messages (queueing their delivery: the two round trips overlap), and is over
        when this returns; what it raises, this raises. Its messages may not exist yet when
        it runs, or ever (a commit that fails): whoever acts on them must allow for that.
        `if_refused(messages)` runs when a commit was refused (another writer first): those
        messages will never exist. Not after an outage: that commit may have landed.
        `attempts`: how many runs before giving up with StorageUnavailable (a few by default;
        more where many writers race for one document, as for a forum's last places)."""


# ----------------------------------------------------------------------------- reading


class CentreDirectory(Protocol):
    def get_centre(self, centre_id: str) -> Centre | None: ...
    def get_region(self, region_id: str) -> Region | None: ...
    def list_centres(self) -> list[Centre]: ...
    def list_regions(self) -> list[Region]: ...


class CaseReader(Protocol):
    def get(self, reference: str) -> Case | None: ...
    def list_events(self, reference: str) -> list[CaseEvent]: ...

    def due_for_nudge(self, now: datetime, limit: int) -> list[Case]:
        """Open cases whose next nudge is due by `now`, soonest first: read from an index,
        so a scan reads the cases due and no others."""

    def received_between(self, centre_id: str, start: datetime, end: datetime) -> list[Case]:
        """The centre's cases received from `start` (included) to `end` (not), oldest first
        (an indexed query: a centre's figures, functions/services/cases/figures.py)."""

    def month_tallies(self, month: str, region_id: str | None) -> list[CaseTally]:
        """The month's case counts by centre, in a region or the whole network (None), kept
        as the cases were written (functions/domain/reports/tallies.py)."""

    # The daily digests (functions/services/cases/digest.py): only what a digest shows.
    def open_at_centre(self, centre_id: str) -> list[DigestCase]:
        """The centre's open cases (one query)."""

    def compliments_since(self, centre_id: str, since: datetime) -> list[DigestCase]:
        """The centre's compliments received at or after `since` (one query)."""

    def digest_summaries(self, region_id: str, day: date) -> list[CentreSummary]:
        """The summaries the region's centres wrote for `day` (one query)."""

    # The administrators' pages (functions/services/admin/); region_id None: the network.
    def open_cases(self, region_id: str | None, limit: int) -> list[DigestCase]:
        """The scope's open cases, as a digest knows them (one projected query)."""

    def waiting_for_triage(self, region_id: str | None, limit: int) -> list[Case]:
        """The scope's cases flagged for triage and not yet placed (one query)."""

    def regions_of(self, references: list[str]) -> dict[str, str | None]:
        """Each existing case's region (one batched read of that field)."""


class ServiceLevels(Protocol):
    def current(self) -> ServiceLevelPolicy:
        """The policy in force (kept briefly by each instance)."""


class CharterCommitments(Protocol):
    """A centre's local commitments on its charter (services/charters/commitments.py)."""

    def get(self, centre_id: str) -> CentreCommitments | None: ...

    def of_centres(self, centre_ids: list[str]) -> dict[str, CentreCommitments]:
        """These centres' commitments (those that have any), by centre id: one batched read."""


class CharterCommitmentStore(Protocol):
    """A centre's commitments inside a unit of work: read, then write on what was read."""

    def get(self, centre_id: str) -> CentreCommitments | None: ...
    def save(self, record: CentreCommitments) -> None: ...


class CharterStore(Protocol):
    """Each centre's charter record inside a unit of work (domain/charters/records.py)."""

    def get(self, centre_id: str) -> CharterRecord | None: ...
    def save(self, record: CharterRecord) -> None: ...  # read in this unit; unchanged since


class CharterRecords(Protocol):
    """The same, read outside a unit of work (distribution, the admin pages)."""

    def charter_record(self, centre_id: str) -> CharterRecord | None: ...

    def charter_records(self, region_id: str | None = None) -> list[CharterRecord]:
        """The region's records (None: the whole network's), by centre id."""


class AdministratorStore(Protocol):
    def get(self, email: str) -> Administrator | None:
        """The active administrator of this address, or None."""

    def list(self) -> list[Administrator]:
        """Everyone on the allow-list (active or not)."""

    def contacts(self) -> list[Administrator]:
        """The active administrators, as copied for mail (readable without the allow-list)."""

    def publish_contacts(self) -> None:
        """Make that copy again from the allow-list."""


class FormMappingStore(Protocol):
    def get(self, form_id: str) -> FormMapping | None: ...


# -------------------------------------------------------------------------------- mail


class LoadedMessage(NamedTuple):
    message: OutboxMessage | None  # None: the record is there but cannot be read as a message
    suppressed_for: set[str]
    version: Any  # the update time read: writes are conditioned on it


class StuckMessage(NamedTuple):
    """What the sweep needs of a message left behind, read leniently: never the address."""

    message_id: str
    recipient_key: str | None
    dispatches: int
    version: Any


class FailedMessage(NamedTuple):
    """A message that failed for good, as an administrator sees it: never the address."""

    template: str
    at: datetime | None  # when it failed (its last update)
    last_error: str | None  # our own words or an error type (services/mail/deliver.py)
    case_reference: str | None
    recipient_role: str | None  # principal, staff, administrator; None for a parent's


class Outbox(Protocol):
    def load(self, message_id: str, recipient_key: str | None) -> LoadedMessage | None: ...

    def take_acknowledgement_place(self, address: str, message_id: str, now: datetime) -> bool:
        """Count an acknowledgement towards its address's hourly cap, once per message
        (domain/mail/acknowledgement_cap.py); False when the cap is full."""

    def update_if_unchanged(self, message_id: str, version: Any, fields: dict,
                            after_send: bool = False) -> Any | None:  # fmt: skip
        """Apply fields only if nobody wrote the message since `version`; the new version,
        or None when someone did. `after_send`: the outcome of a send, retried for longer."""

    def list_stuck(self, now: datetime, pending_grace: timedelta,
                   limit: int) -> list[StuckMessage]: ...  # fmt: skip
    def record_dispatch(self, message_id: str, dispatches: int, now: datetime) -> bool: ...

    def count_failed(self) -> int:
        """How many messages failed for good (a count aggregation)."""

    def newest_failed(self, limit: int) -> list[FailedMessage]:
        """The latest failures, newest first, without their addresses."""


class SuppressionList(Protocol):
    def add(self, address: str | None, reason: SuppressionReason, now: datetime,
            key: str | None = None) -> None: ...  # fmt: skip


class Renderer(Protocol):
    def __call__(self, template: str, data: dict, language: str) -> RenderedEmail: ...


class MailTransport(Protocol):
    def send(self, email: OutgoingEmail) -> str:
        """Hand the email to the provider; return its message id.

        Raises TransientDeliveryError (try again later) or PermanentDeliveryError (never).
        """


class MailSetup(NamedTuple):
    sender: str
    reply_to: str | None
    retention: timedelta
    links: MailLinks


# ------------------------------------------------------------------------------ bundle


class Dependencies(Protocol):
    """Everything a service may use, handed over as one."""

    directory: CentreDirectory
    administrators: AdministratorStore
    cases: CaseReader
    forums: ForumReader
    forum_plan: ForumPlans
    forum_invitations: ForumInvitations
    action_points: ActionPointReading  # a scope's month's action points
    charter_commitments: CharterCommitments  # a centre's local charter commitments
    charters: CharterRecords  # each centre's charter distribution record
    retention: RetentionRecords  # the retention job's records (services/privacy/retention.py)
    person_records: PersonRecords  # where a person's records are (services/privacy/export.py)
    erasures: Erasures  # the erasure's writes and its record (services/privacy/erase.py)
    service_levels: ServiceLevels
    transactions: Transactions
    form_mappings: FormMappingStore
    outbox: Outbox
    suppressions: SuppressionList
    queue: TaskQueue
    transport: MailTransport
    render: Renderer
    signer: Signer
    clock: Clock
    network_name: str
    mail: MailSetup
