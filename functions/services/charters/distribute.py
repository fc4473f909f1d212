"""Distributing the charters: every active centre in scope whose charter changed since it was
last sent gets one `send_charter` task (services/charters/send.py).

The charter is built as it stands now (services/charters/build.py charter_for) and its
version compared with the one recorded as sent (domain/charters/records.py). A task is named
by the centre, the version and the principal's address (hashed), so distributing twice, or
again after a crash or a queue outage half way, queues nothing new (Cloud Tasks refuses a
name it has seen; the task is idempotent anyway). The address is in the name so that a
principal given an address after a version could not be sent is sent it at once.

Nothing is written here: the task records what was sent in the unit of work that writes the
email, so a distribution that fails half way leaves nothing to undo.
"""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.charters.content import charter_version
from functions.domain.charters.records import CharterRecord
from functions.domain.directory.models import Centre, person_key
from functions.domain.shared.contact import normalise_email
from functions.services.ports import Dependencies, Task

HANDLER = "send_charter"
NO_EMAIL = "no_email"


class Distributed(NamedTuple):
    """How a distribution went: counts only (the admin page and `ecd` show them)."""

    centres: int = 0  # active centres in scope
    queued: int = 0  # a send_charter task queued (or found queued)
    unchanged: int = 0  # the version recorded as sent is the current one
    no_email: int = 0  # changed, but the principal has no address: recorded as not sent


def principal_address(centre: Centre) -> str | None:
    """The principal's address as mail is sent to it, or None (none, or not one we can use)."""
    try:
        return normalise_email(centre.principal.email or "")
    except ValueError:
        return None


def send_task(centre_id: str, version: str, address: str | None) -> Task:
    """The task sending `version` of the centre's charter (ids only in the payload)."""
    recipient = person_key(address) if address else "none"
    return Task(HANDLER, {"centre_id": centre_id, "version": version},
                f"charter:{centre_id}:{version}:{recipient}")  # fmt: skip


def needs_sending(record: CharterRecord | None, version: str, address: str | None) -> bool:
    """Whether `version` is still to go to `address` (None: no address: recorded as not sent,
    nothing to send until there is one)."""
    if record is None:
        return True
    if address is None:
        return record.unsent_version != version or record.unsent_reason != NO_EMAIL
    return record.version != version or not same_address(record.sent_to, address)


def same_address(sent_to: str | None, address: str) -> bool:
    """Whether the version went to this mailbox: compared as the task's name does (person_key,
    case-blind), so an address retyped in capitals is no new principal to send it to."""
    return sent_to is not None and person_key(sent_to) == person_key(address)


def centres_in_scope(deps: Dependencies, region_id: str | None) -> list[Centre]:
    """The active centres of the region (None: the whole network), by id."""
    centres = deps.directory.list_centres()
    found = [c for c in centres if c.active and region_id in (None, c.region_id)]
    return sorted(found, key=lambda c: c.centre_id)


def distribute(deps: Dependencies, region_id: str | None = None,
               centre_ids: list[str] | None = None) -> Distributed:  # fmt: skip
    """Queue the charters that changed in the region (None: the network); `centre_ids`: only
    these centres of the scope (the admin page's "send this centre's now"). Raises
    QueueUnavailable when the queue cannot take a task: the same call again queues the rest."""
    from functions.services.charters.build import charter_for

    centres = centres_in_scope(deps, region_id)
    if centre_ids is not None:
        wanted = set(centre_ids)
        centres = [c for c in centres if c.centre_id in wanted]
    records = {r.centre_id: r for r in deps.charters.charter_records(region_id)}
    queued = unchanged = no_email = 0
    for centre in centres:
        charter = charter_for(deps, centre.centre_id)
        if charter is None:  # its region is gone: nothing to promise
            continue
        version, address = charter_version(charter), principal_address(centre)
        record = records.get(centre.centre_id)
        if record is None and region_id is not None:  # new, or listed under its old region
            record = deps.charters.charter_record(centre.centre_id)
        if not needs_sending(record, version, address):
            if address is None:
                no_email += 1
            else:
                unchanged += 1
            continue
        deps.queue.enqueue(send_task(centre.centre_id, version, address))
        queued += 1
    return Distributed(len(centres), queued, unchanged, no_email)
