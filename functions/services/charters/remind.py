"""Reminding principals who have not confirmed their charter is displayed (remind_charters, a
daily job).

A centre sent a version CONFIRM_WITHIN (7 days) ago or more, and not confirmed, gets one
reminder for that version: the centre's record (reminded_version) and a once key, written in
the reminder's unit of work, so a job run twice, or retried by the scheduler, reminds nobody
twice; a newer version starts again (and so does a version sent again after another replaced
it: an undone change gives the same version). The reminder carries the confirmation link,
and the charter again (its PDFs) when the version sent is still the current one. Centres no longer
active, or whose principal has no usable address, are skipped (the admin page lists them
as unconfirmed all the same).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from functions.domain.charters import records as rules
from functions.domain.charters.content import charter_version
from functions.services.charters.distribute import principal_address
from functions.services.charters.send import charter_mail, commit_with_mail
from functions.services.ports import Dependencies, UnitOfWork

TEMPLATE = "charter_reminder"
# Longer than a version is ever left unconfirmed and reminded about.
ONCE_RETENTION = timedelta(days=400)


class Reminded(NamedTuple):
    due: int = 0  # records awaiting a reminder when the job ran
    reminded: int = 0  # reminders written now
    already: int = 0  # reminded before (another run got there first)
    skipped: int = 0  # the centre is gone or inactive, or its principal has no address


def reminder_key(centre_id: str, version: str, sent_at: datetime) -> str:
    """Once per sending of a version: a version sent again after another replaced it (a
    change undone gives the same version) is reminded about afresh."""
    return f"charter-reminder:{centre_id}:{version}:{sent_at.astimezone(UTC):%Y%m%dT%H%M%S%f}"


def remind_charters(deps: Dependencies, now: datetime | None = None) -> Reminded:
    """Write the reminders due at `now` (default: the clock)."""
    now = now or deps.clock()
    due = [r for r in deps.charters.charter_records(None) if r.due_reminder(now)]
    counts = {"reminded": 0, "already": 0, "skipped": 0}
    for record in due:
        counts[_remind(deps, record.centre_id, now)] += 1
    return Reminded(due=len(due), **counts)


def _remind(deps: Dependencies, centre_id: str, now: datetime) -> str:
    from functions.services.charters.build import charter_for

    centre = deps.directory.get_centre(centre_id)
    address = principal_address(centre) if centre is not None and centre.active else None
    charter = charter_for(deps, centre_id) if address else None
    if charter is None:
        return "skipped"
    current = charter_version(charter)

    def work(uow: UnitOfWork) -> str:
        record = uow.charters.get(centre_id)
        if record is None or not record.due_reminder(now):
            return "already"
        key = reminder_key(centre_id, record.version, record.sent_at)
        if uow.once.used(key):
            return "already"
        message = charter_mail(charter, record.version, address, deps.network_name, now,
                               template=TEMPLATE)  # fmt: skip
        data = {**message.data, "sent_at": record.sent_at.isoformat()}
        if current != record.version:  # changed since: the next distribution sends it
            data["charter"] = None
        message = message.model_copy(update={"data": data})
        uow.charters.save(rules.reminded(record, now))
        uow.once.add(key, now, now + ONCE_RETENTION)
        uow.outbox.add(message)
        return "reminded"

    return commit_with_mail(deps, work)
