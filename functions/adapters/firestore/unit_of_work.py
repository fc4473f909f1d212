"""A unit of work over Firestore: read what you need, write everything in one commit.

Reads go straight to Firestore; writes are collected and committed as one batch, each
conditioned on what was read: a new document must not exist (`create`), a changed one must
be unchanged since it was read (its update time). When another writer got there first, the
commit fails as a whole and the work runs again on what is there now, as Firestore's own
transactions are retried on contention.

Why not Firestore's server transactions: the client library begins and commits them with
its default retry, which keeps trying for 60 s while storage is unreachable; every call here
keeps FIRESTORE_TIMEOUT_SECONDS, so an outage answers 503 within seconds. The guarantee is the
same: all or nothing, and nothing committed on a stale read.
"""

from __future__ import annotations

import contextvars
import hashlib
import random
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from functions.adapters.firestore.action_points import ActionPointStore
from functions.adapters.firestore.advisory import AdvisoryStore
from functions.adapters.firestore.base import (
    ADMIN_COLLECTIONS,
    CASES,
    DIGEST_SUMMARIES,
    EVENTS,
    INTAKE_KEYS,
    ONCE,
    OUTBOX,
    Databases,
    FirestoreAdapter,
    dump,
    storage_errors,
)
from functions.adapters.firestore.charter_commitments import CharterCommitmentStore
from functions.adapters.firestore.charters import CharterStore
from functions.adapters.firestore.digests import summary_id
from functions.adapters.firestore.forum_attendance import AttendanceStore
from functions.adapters.firestore.forum_invitations import InvitationStore
from functions.adapters.firestore.forum_summaries import ForumSummaryStore
from functions.adapters.firestore.forum_survey import SurveyStore
from functions.adapters.firestore.forums import ForumStore, RegistrationStore
from functions.adapters.firestore.tallies import add as add_counts
from functions.adapters.firestore.tallies import changes as tally_changes
from functions.adapters.firestore.tallies import increments, tallied
from functions.domain.cases.models import Case, CaseEvent
from functions.domain.cases.references import is_reference
from functions.domain.mail.outbox import OutboxMessage
from functions.services.errors import StorageUnavailable
from functions.services.ports import IdempotencyMarker

T = TypeVar("T")
# A few tries: contention on one case or marker clears as soon as the other writer commits.
MAX_ATTEMPTS = 5
# Runs what goes alongside a commit (queueing mail); a few at once, one per request thread.
_alongside = ThreadPoolExecutor(max_workers=8, thread_name_prefix="while-committing")


class Contention(Exception):
    """Another writer committed first: the work must run again."""


class _Unit(Databases):
    """One run of the work: what it read (with versions) and what it will write."""

    def __init__(self, db, options: dict, attempt: int = 0, admin_db=None):
        super().__init__(db, admin_db)
        self._t, self.attempt = options, attempt
        self.writes: list[tuple[str, Any, dict, Any]] = []  # (kind, ref, data, version)
        self.versions: dict[str, Any] = {}  # path -> update time read (None: absent)
        self.read_data: dict[str, dict | None] = {}  # path -> what was read (None: absent)
        # The tallies the writes change (adapters/firestore/tallies.py): path -> ref, counts
        self.tallies: dict[str, tuple[Any, dict, dict]] = {}
        self.messages: list[OutboxMessage] = []
        self.cases, self.markers, self.outbox = _Cases(self), _Markers(self), _Outbox(self)
        self.once = _Once(self)
        self.summaries = _Summaries(self)
        self.forums, self.registrations = ForumStore(self), RegistrationStore(self)
        # Forum attendance and survey responses (adapters/firestore/forum_attendance.py, ...)
        self.attendance, self.surveys = AttendanceStore(self), SurveyStore(self)
        self.invitations = InvitationStore(self)  # forum invitations (forum_invitations.py)
        self.forum_summaries = ForumSummaryStore(self)  # compiled summaries (forum_summaries.py)
        self.advisory = AdvisoryStore(self)  # advisory network selections (advisory.py)
        self.action_points = ActionPointStore(self)  # action points (action_points.py)
        self.charter_commitments = CharterCommitmentStore(self)  # (charter_commitments.py)
        self.charters = CharterStore(self)  # each centre's charter record (charters.py)

    def read(self, ref) -> dict | None:
        with storage_errors():
            snapshot = ref.get(**self._t)
        return self.remember(snapshot)

    def remember(self, snapshot) -> dict | None:
        """What a snapshot holds, kept as read: its version (a write of it is refused if it
        changed since) and its data (what its tallies count it for)."""
        data = snapshot.to_dict() if snapshot.exists else None
        self.versions[snapshot.reference.path] = snapshot.update_time if snapshot.exists else None
        self.read_data[snapshot.reference.path] = data
        return data

    def create(self, ref, data: dict) -> None:
        self.writes.append(("create", ref, data, None))
        self._tally(ref, None, data)

    def update(self, ref, data: dict) -> None:
        if ref.path not in self.versions:
            raise RuntimeError("a unit of work changes only what it read")
        self.writes.append(("set", ref, data, self.versions[ref.path]))
        self._tally(ref, self._before(ref), data)

    def delete(self, ref) -> None:
        """Delete what this unit read, provided nobody changed it since."""
        if ref.path not in self.versions:
            raise RuntimeError("a unit of work changes only what it read")
        self.writes.append(("delete", ref, {}, self.versions[ref.path]))
        self._tally(ref, self._before(ref), None)

    def _before(self, ref) -> dict | None:
        """What `ref` held as read; a tallied record must have been read whole (remember)."""
        if ref.path not in self.read_data and tallied(ref):
            raise RuntimeError("a tallied record is changed only as read whole in the unit")
        return self.read_data.get(ref.path)

    def _tally(self, ref, before: dict | None, after: dict | None) -> None:
        for collection, tally_id, counts, labels in tally_changes(ref, before, after):
            tally = self._db.collection(collection).document(tally_id)
            _, held, _ = self.tallies.setdefault(tally.path, (tally, {}, {}))
            add_counts(held, counts)
            self.tallies[tally.path] = (tally, held, labels)

    def commit(self) -> None:
        from google.api_core.exceptions import Conflict, FailedPrecondition, NotFound

        db = self._database()
        batch = db.batch()
        for kind, ref, data, version in self.writes:
            if kind == "create":
                batch.create(ref, data)
            elif kind == "delete":
                if version is not None:  # read as absent: nothing to delete
                    batch.delete(ref, option=db.write_option(last_update_time=version))
            else:
                if version is None:  # read as absent: it must still be absent
                    batch.create(ref, data)
                else:
                    option = db.write_option(last_update_time=version)
                    batch.update(ref, data, option=option)
        for ref, counts, labels in self.tallies.values():
            added = increments(counts)
            if added:  # the writes' changes cancelled out: nothing to add
                batch.set(ref, labels | added, merge=True)
        try:
            with storage_errors():
                batch.commit(**self._t)
        except (Conflict, FailedPrecondition, NotFound):
            if self._landed():
                return  # our own commit went through; only its answer was lost
            raise Contention() from None

    def _database(self):
        """The one database every write goes to. A commit cannot span the main database and
        the administrators' (base.ADMIN_COLLECTIONS), and the client would drop the writes to
        the other without a word (seen on the emulator): a unit mixing them is a bug."""
        paths = [ref.path for _, ref, _, _ in self.writes]
        paths += [ref.path for ref, _, _ in self.tallies.values()]
        in_admin = {path.split("/", 1)[0] in ADMIN_COLLECTIONS for path in paths}
        if len(in_admin) > 1:
            raise RuntimeError(f"a unit of work writes to two databases: {sorted(paths)}")
        return self._admin_db if in_admin == {True} else self._db

    def _landed(self) -> bool:
        """Whether what this unit creates is already there exactly as it would write it."""
        created = [(ref, data) for kind, ref, data, _ in self.writes if kind == "create"]
        if not created:
            return False
        ref, data = created[0]
        with storage_errors():
            snapshot = ref.get(**self._t)
        return snapshot.exists and snapshot.to_dict() == data


class _Cases:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def _ref(self, reference: str):
        return self._unit._db.collection(CASES).document(reference)

    def get(self, reference: str) -> Case | None:
        if not is_reference(reference):
            return None
        data = self._unit.read(self._ref(reference))
        return Case.model_validate(data) if data else None

    def add(self, case: Case, event: CaseEvent) -> None:
        ref = self._ref(case.reference)
        self._unit.create(ref, dump(case))
        self._unit.create(ref.collection(EVENTS).document(event.event_id), dump(event))

    def save(self, case: Case, event: CaseEvent) -> None:
        ref = self._ref(case.reference)
        self._unit.update(ref, dump(case))
        self._unit.create(ref.collection(EVENTS).document(event.event_id), dump(event))


class _Markers:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def _ref(self, key: str):
        return self._unit._db.collection(INTAKE_KEYS).document(key)

    def get(self, key: str) -> IdempotencyMarker | None:
        data = self._unit.read(self._ref(key))
        return IdempotencyMarker(**data) if data else None

    def add(self, marker: IdempotencyMarker) -> None:
        """A new marker; or, when this run read the key's marker (its case was erased), the
        key's marker replaced, provided nobody changed it since."""
        ref = self._ref(marker.key)
        if ref.path in self._unit.versions:
            self._unit.update(ref, marker._asdict())
        else:
            self._unit.create(ref, marker._asdict())


class _Outbox:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def add(self, message: OutboxMessage) -> None:
        self._unit.create(self._unit._db.collection(OUTBOX).document(message.message_id),
                          dump(message))  # fmt: skip
        self._unit.messages.append(message)


class _Once:
    def __init__(self, unit: _Unit):
        self._unit = unit

    def _ref(self, key: str):
        return self._unit._db.collection(ONCE).document(once_id(key))

    def used(self, key: str) -> bool:
        return self._unit.read(self._ref(key)) is not None

    def add(self, key: str, now, expires_at, about: str | None = None) -> None:
        # Created where it was read as absent, and must still be: a second taker fails.
        extra = {"about": about} if about else {}
        self._unit.create(self._ref(key), {"at": now, "expires_at": expires_at} | extra)


class _Summaries:
    """A centre's summary of a day for its region's digest (created once: a run that finds
    one there keeps it)."""

    def __init__(self, unit: _Unit):
        self._unit = unit

    def _ref(self, centre_id: str, day: str):
        return self._unit._db.collection(DIGEST_SUMMARIES).document(summary_id(centre_id, day))

    def exists(self, centre_id: str, day: str) -> bool:
        return self._unit.read(self._ref(centre_id, day)) is not None

    def add(self, summary, expires_at) -> None:
        ref = self._ref(summary.centre_id, summary.date)
        self._unit.create(ref, dump(summary) | {"expires_at": expires_at})


def once_id(key: str) -> str:
    return hashlib.sha256(f"once:{key}".encode()).hexdigest()


class FirestoreTransactions(FirestoreAdapter):
    """Transactions port: run work in a unit of work and commit it, again on contention."""

    def run(
        self,
        work: Callable[[_Unit], T],
        while_committing: Callable[[list[OutboxMessage]], object] | None = None,
        if_refused: Callable[[list[OutboxMessage]], object] | None = None,
        attempts: int = MAX_ATTEMPTS,
    ) -> tuple[T, list[OutboxMessage]]:
        for attempt in range(attempts):
            if attempt:
                _back_off(attempt)
            unit = _Unit(self._db, self._t, attempt, self._admin_db)
            result = work(unit)
            if not unit.writes:
                return result, []
            alongside = _start(while_committing, unit.messages)
            try:
                unit.commit()
            except Contention:
                _wait(alongside)
                if if_refused is not None and alongside is not None:
                    if_refused(list(unit.messages))  # they will never exist
                continue
            except BaseException:
                _wait(alongside)
                raise
            _wait(alongside)
            return result, unit.messages
        raise StorageUnavailable("contention")


def _back_off(attempt: int) -> None:
    """A random pause before running again: writers that collided do not collide again in
    step (many people racing for a forum's last places each get through in turn)."""
    time.sleep(random.uniform(0, 0.005 * min(attempt, 20)))


def _wait(alongside: Future | None) -> None:
    """Over before we answer; what it raised, we raise."""
    if alongside is not None:
        alongside.result()


def _start(call, messages: list[OutboxMessage]) -> Future | None:
    """`call(messages)` on another thread, in this request's context (its trace for logs)."""
    if call is None or not messages:
        return None
    return _alongside.submit(contextvars.copy_context().run, call, list(messages))
