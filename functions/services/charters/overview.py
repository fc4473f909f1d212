"""Which centres display which charter version, and since when: what the administrators see
(admin?page=charters, the panel on the admin home, admin_api GET /charters).

For each active centre in the caller's scope: the version its charter has now (built as the
public page and distribution build it: services/charters/build.py charter_for), the version
last sent and when (B's CharterRecord, domain/charters/records.py), the version the principal
confirmed is on the wall and since when, and whether a confirmation is late (sent
CONFIRM_WITHIN ago, 7 days, and not confirmed).

A page of a few hundred centres reads few documents: the directory's lists (kept a minute by
each instance), the policy (kept briefly), ONE query of the scope's charter records and one
batched read of its centres' commitments; each charter is then built from what was read (the
build reads the centre and its commitments through `_Prefetched`, which answers from those
reads). Records are queried by region: a centre moved from another region shows as never
sent there until its charter (which names its region, so changed) is sent again.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.charters.commitments import CentreCommitments
from functions.domain.charters.content import charter_version
from functions.domain.charters.records import CharterRecord
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre
from functions.services.admin.scope import regions_in_scope
from functions.services.charters.distribute import principal_address
from functions.services.ports import Dependencies


class CentreCharter(NamedTuple):
    """One centre's charter as an administrator sees it."""

    centre_id: str
    name: str
    region_id: str
    current: str | None  # the version its charter has now (None: it cannot be built)
    record: CharterRecord | None  # what was sent and confirmed (None: never sent)
    has_email: bool  # the principal has an address to send it to
    late: bool  # sent CONFIRM_WITHIN ago or more, and not confirmed

    @property
    def sent(self) -> str | None:
        return self.record.version if self.record else None

    @property
    def confirmed(self) -> str | None:
        return self.record.confirmed_version if self.record else None

    @property
    def to_send(self) -> bool:
        """The charter changed since the version last sent (or none was sent)."""
        return self.current is not None and self.current != self.sent

    @property
    def displays_current(self) -> bool:
        return self.current is not None and self.confirmed == self.current


class RegionCharters(NamedTuple):
    region_id: str
    name: str
    centres: list[CentreCharter]  # by name

    @property
    def displaying(self) -> int:
        """How many of its centres confirmed that the current version is on the wall."""
        return sum(c.displays_current for c in self.centres)

    @property
    def late(self) -> int:
        return sum(c.late for c in self.centres)

    @property
    def to_send(self) -> int:
        return sum(c.to_send for c in self.centres)


class Overview(NamedTuple):
    regions: list[RegionCharters]
    as_of: datetime


def overview(deps: Dependencies, caller: Administrator,
             region_id: str | None = None) -> Overview:  # fmt: skip
    """The caller's scope (or one region of it: UnknownRegion, OutOfScope), region by region."""
    now = deps.clock()
    regions = regions_in_scope(caller, deps, region_id)
    scope = region_id or caller.region_id
    wanted = {r.region_id for r in regions}
    centres = [c for c in deps.directory.list_centres() if c.region_id in wanted]
    records = {r.centre_id: r for r in deps.charters.charter_records(scope)}
    commitments = deps.charter_commitments.of_centres([c.centre_id for c in centres])
    built = _Prefetched(deps, centres, commitments)
    lines: dict[str, list[CentreCharter]] = {r.region_id: [] for r in regions}
    for centre in centres:
        lines[centre.region_id].append(centre_charter(built, centre, records.get(centre.centre_id),
                                                      now))  # fmt: skip
    return Overview(
        [RegionCharters(r.region_id, r.name,
                        sorted(lines[r.region_id], key=lambda c: c.name.casefold()))
         for r in regions],
        now,
    )  # fmt: skip


def centre_charter(deps: Dependencies, centre: Centre, record: CharterRecord | None,
                   now: datetime) -> CentreCharter:  # fmt: skip
    """One centre's line: its current version built now, beside its record."""
    from functions.services.charters.build import charter_for

    charter = charter_for(deps, centre.centre_id)
    return CentreCharter(
        centre.centre_id, centre.name, centre.region_id,
        charter_version(charter) if charter is not None else None, record,
        principal_address(centre) is not None,  # what distribution can send to
        record is not None and record.awaiting_confirmation(now),
    )  # fmt: skip


class _Known:
    """Commitments as read at once: a centre not among them has none."""

    def __init__(self, found: dict[str, CentreCommitments]):
        self._found = found

    def get(self, centre_id: str) -> CentreCommitments | None:
        return self._found.get(centre_id)


class _Directory:
    """The directory, answering for the centres already listed without reading them again."""

    def __init__(self, directory, centres: list[Centre]):
        self._directory, self._centres = directory, {c.centre_id: c for c in centres}

    def get_centre(self, centre_id: str) -> Centre | None:
        return self._centres.get(centre_id) or self._directory.get_centre(centre_id)

    def __getattr__(self, name):
        return getattr(self._directory, name)


class _Prefetched:
    """The dependencies, with the centres and commitments already read (see the module)."""

    def __init__(self, deps: Dependencies, centres: list[Centre],
                 commitments: dict[str, CentreCommitments]):  # fmt: skip
        self._deps = deps
        self.directory = _Directory(deps.directory, centres)
        self.charter_commitments = _Known(commitments)

    def __getattr__(self, name):
        return getattr(self._deps, name)
