"""A centre's local commitments on its charter: read by the charter, edited by administrators.

`commitments_of` is what the charter is built from (services/charters/build.py); the rest
are the administrator's edits, from the admin page, admin_api and `ecd charters commitments`.
An administrator of the centre's region, or of the whole network, may edit them; for anyone
else the centre does not exist (UnknownCentre, 404), as a page of another region's centre.

Each edit is one unit of work: the record is read, changed in the domain
(domain/charters/commitments.py) and written on what was read, so two administrators adding
a commitment at once both land. The whole list replaces the old one (`set_commitments`,
what the page's form sends), or one is added or removed (`add_commitment`,
`remove_commitment`: ecd, the API). A list sent with `seen` (the updated_at it was read
with; the page always sends it) is refused with StaleCommitments when the commitments
changed since, and nothing is changed.

A change makes the centre's charter a new version (its commitments are part of it), which
distribution then sends (services/charters/, distribute_charters).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from functions.domain.charters import commitments as rules
from functions.domain.charters.commitments import CentreCommitments, CommitmentsRefused
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre
from functions.services.errors import ServiceError, UnknownCentre
from functions.services.ports import Dependencies

# Runs of an edit before giving up (503): administrators of a region and of the network may
# edit one centre's commitments at once; each run is one small read and write.
ATTEMPTS = 20


class BadCommitments(ServiceError):
    """The commitments given cannot be kept: nothing was changed (the text says why)."""


class StaleCommitments(ServiceError):
    """The commitments changed after the sender read them: nothing was changed (409)."""

    def __init__(self, record: CentreCommitments | None):
        super().__init__("commitments changed since they were read")
        self.record = record


def commitments_of(deps: Dependencies, centre_id: str) -> list[str]:
    """The centre's local commitments, in order; [] when it has none."""
    record = deps.charter_commitments.get(centre_id)
    return list(record.items) if record is not None else []


def centre_in_scope(deps: Dependencies, caller: Administrator, centre_id: str) -> Centre:
    """The centre, when the caller may administer it; UnknownCentre otherwise (also for
    another region's: its existence is none of the caller's business)."""
    centre = deps.directory.get_centre(centre_id)
    if centre is None or not caller.sees(centre.region_id):
        raise UnknownCentre(centre_id)
    return centre


def read_commitments(deps: Dependencies, caller: Administrator,
                     centre_id: str) -> tuple[Centre, CentreCommitments | None]:  # fmt: skip
    """The centre and its record (None: no commitments ever), for a page or the API."""
    centre = centre_in_scope(deps, caller, centre_id)
    return centre, deps.charter_commitments.get(centre.centre_id)


def set_commitments(deps: Dependencies, caller: Administrator, centre_id: str,
                    items: list[str], seen: datetime | None = None,
                    check_seen: bool = False) -> list[str]:  # fmt: skip
    """Replace the centre's commitments with `items` (cleaned: domain/charters/commitments).
    With `check_seen`, `seen` is the record's updated_at as the sender read it (None: it had
    no commitments then), and a record changed since is StaleCommitments; without, the
    last write wins."""
    kept = _cleaned(items)
    return _change(deps, caller, centre_id, lambda _: kept, seen, check_seen)


def add_commitment(deps: Dependencies, caller: Administrator, centre_id: str,
                   text: str) -> list[str]:  # fmt: skip
    """The centre's commitments with `text` added at the end (kept once if already there)."""
    return _change(deps, caller, centre_id, lambda items: _cleaned([*items, text]))


def remove_commitment(deps: Dependencies, caller: Administrator, centre_id: str,
                      position: int) -> list[str]:  # fmt: skip
    """The centre's commitments without the one at `position` (1 is the first)."""

    def without(items: list[str]) -> list[str]:
        if not 1 <= position <= len(items):
            raise BadCommitments(f"No commitment {position}: the centre has {len(items)}.")
        return items[: position - 1] + items[position:]

    return _change(deps, caller, centre_id, without)


def _cleaned(items: list[str]) -> list[str]:
    try:
        return rules.cleaned(items)
    except CommitmentsRefused as refused:
        raise BadCommitments(str(refused)) from None


def _change(deps: Dependencies, caller: Administrator, centre_id: str,
            change: Callable[[list[str]], list[str]], seen: datetime | None = None,
            check_seen: bool = False) -> list[str]:  # fmt: skip
    centre = centre_in_scope(deps, caller, centre_id)
    now = deps.clock()

    def work(uow) -> list[str]:
        current = uow.charter_commitments.get(centre.centre_id)
        items = change(list(current.items) if current else [])
        record = rules.changed(current, centre_id=centre.centre_id, region_id=centre.region_id,
                               items=items, by=caller.key, now=now)  # fmt: skip
        if record is None:
            return items
        if check_seen and (current.updated_at if current else None) != seen:
            raise StaleCommitments(current)
        uow.charter_commitments.save(record)
        return list(record.items)

    return deps.transactions.run(work, attempts=ATTEMPTS)[0]
