"""A month's forum invitations in Firestore: the month's record, the batches of recipients,
each person's invitation, and the query that finds the parents to invite.

- forum_months/<month>: {month, invitations: "queued", batches, recipients, queued_at}:
  written once the month's tasks are queued (a second setup says "already queued").
- forum_invitation_batches/<batch id>: {month, index, recipients: [...], expires_at}.
- forum_invitations/<invitation id>: one a person and month (Invitation), with a TTL,
  created in the unit of work that writes its email (InvitationStore below).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from functions.adapters.firestore.base import (
    CASES,
    FORUM_INVITATION_BATCHES,
    FORUM_INVITATIONS,
    FORUM_MONTHS,
    FirestoreAdapter,
    dump,
    query,
    storage_errors,
    valid_id,
)
from functions.domain.forums.invitations import Invitation, Recipient, batch_id
from functions.domain.shared.vocabulary import Language, ParticipantRole, ReporterRole

# What the parents' query reads of a case (a projection: never the parent's words).
REPORTER_FIELDS = ["reporter.name", "reporter.email", "reporter.role",
                   "reporter.preferred_language", "centre_id", "created_at"]  # fmt: skip
_PARENTS = {ReporterRole.PARENT.value, ReporterRole.GUARDIAN.value}
_PER_COMMIT = 50  # batch documents a commit (each up to ~60 KB: well within 10 MiB)


class FirestoreForumInvitations(FirestoreAdapter):
    def get(self, invitation_id: str) -> Invitation | None:
        if not valid_id(invitation_id):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORUM_INVITATIONS).document(invitation_id).get(**self._t)
        return Invitation.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def consenting_parents(self) -> Iterator[Recipient]:
        """Every parent or guardian who gave consent and an email on a case (one projected
        query on consent.given: a single-field index); one per case, the newest first (the
        caller keeps a person's first: their latest language and centre)."""
        found = query(self._db.collection(CASES), CASES, {"consent.given": True})
        with storage_errors():
            docs = list(found.select(REPORTER_FIELDS).stream(**self._t))
        oldest = datetime.min.replace(tzinfo=UTC)
        docs.sort(key=lambda doc: (doc.to_dict() or {}).get("created_at") or oldest, reverse=True)
        for doc in docs:
            data = doc.to_dict() or {}
            reporter = data.get("reporter") or {}
            email = reporter.get("email")
            if not email or reporter.get("role", ReporterRole.PARENT.value) not in _PARENTS:
                continue
            language = reporter.get("preferred_language") or Language.ENGLISH.value
            yield Recipient(
                name=(reporter.get("name") or "")[:200], email=email, role=ParticipantRole.PARENT,
                centre_id=data.get("centre_id"),
                language=language if language in Language._value2member_map_ else "en",
            )  # fmt: skip

    # ------------------------------------------------------------------------- the month

    def month_record(self, month: str) -> dict | None:
        with storage_errors():
            snapshot = self._db.collection(FORUM_MONTHS).document(month).get(**self._t)
        return snapshot.to_dict() if snapshot.exists else None

    def mark_queued(self, month: str, batches: int, recipients: int, now: datetime) -> None:
        record = {"month": month, "invitations": "queued", "batches": batches,
                  "recipients": recipients, "queued_at": now}  # fmt: skip
        with storage_errors():
            self._db.collection(FORUM_MONTHS).document(month).set(record, **self._t)

    def save_batches(self, month: str, batches: Sequence[Sequence[Recipient]],
                     expires_at: datetime) -> list[str]:  # fmt: skip
        """Write the month's batches (set: the same batch written again is the same
        document); their ids, in order."""
        ids, collection = [], self._db.collection(FORUM_INVITATION_BATCHES)
        for start in range(0, len(batches), _PER_COMMIT):
            writes = self._db.batch()
            for index in range(start, min(start + _PER_COMMIT, len(batches))):
                ids.append(batch_id(month, index))
                writes.set(collection.document(ids[-1]), {
                    "month": month, "index": index, "expires_at": expires_at,
                    "recipients": [dump(person) for person in batches[index]],
                })  # fmt: skip
            with storage_errors():
                writes.commit(**self._t)
        return ids

    def get_batch(self, batch: str) -> tuple[str, list[Recipient]] | None:
        """(month, recipients) of a batch, or None (unknown, or expired)."""
        if not valid_id(batch):
            return None
        with storage_errors():
            snapshot = self._db.collection(FORUM_INVITATION_BATCHES).document(batch).get(**self._t)
        if not snapshot.exists:
            return None
        data = snapshot.to_dict()
        return data["month"], [Recipient.model_validate(r) for r in data.get("recipients", [])]


class InvitationStore:
    """Invitations inside a unit of work: which exist (one batched read), and new ones
    (created: a commit after someone else created one is refused, and the work runs again)."""

    def __init__(self, unit):
        self._unit = unit

    def _ref(self, invitation_id: str):
        return self._unit._db.collection(FORUM_INVITATIONS).document(invitation_id)

    def existing(self, invitation_ids: Sequence[str]) -> set[str]:
        refs = [self._ref(i) for i in invitation_ids if valid_id(i)]
        if not refs:
            return set()
        with storage_errors():
            snapshots = list(self._unit._db.get_all(refs, field_paths=["month"], **self._unit._t))
        found = set()
        for snapshot in snapshots:
            self._unit.versions[snapshot.reference.path] = (
                snapshot.update_time if snapshot.exists else None)  # fmt: skip
            if snapshot.exists:
                found.add(snapshot.id)
        return found

    def add(self, invitation: Invitation) -> None:
        self._unit.create(self._ref(invitation.invitation_id), dump(invitation))
