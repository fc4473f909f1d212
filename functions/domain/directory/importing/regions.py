"""Who receives each region's alerts (Region.administrator: urgent, triage, staff-conduct
and child-safety alerts, the third rung of nudges, the region's digest).

A region row may name them (`email`: an active administrator of that region or of the
network). Otherwise the region keeps whoever it has, refreshed from their administrator row
(a new name), unless the import deactivates them; a region then (and a new region) takes
its first active regional administrator, in the file's order, then as stored. A region
nobody would be alerted for is an error: the import changes nothing.
"""

from __future__ import annotations

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.importing.columns import RowError, RowKind
from functions.domain.directory.importing.entries import Entry, entry
from functions.domain.directory.importing.rows import DirectoryFile
from functions.domain.directory.importing.snapshot import Directory
from functions.domain.directory.models import Contact, Region, person_key
from functions.domain.shared.vocabulary import StaffRole


def _contact(admin: Administrator) -> Contact:
    return Contact(name=admin.name, email=admin.email, role=StaffRole.ADMINISTRATOR)


def _texts(region: Region) -> dict[str, str]:
    return {"name": region.name, "email": region.administrator.email}


def alert_contacts(
    file: DirectoryFile,
    current: Directory,
    caller: Administrator,
    admins: dict[str, Administrator | None],
    entries: list[Entry],
    errors: list[RowError],
) -> list[Region]:
    """The regions to write (named, or their alerts moved); their lines added to entries."""

    def now(key: str) -> Administrator | None:
        return admins.get(key) or current.administrators.get(key)

    changed = {key for key, admin in admins.items() if admin is not None}
    ids = list(file.regions) + sorted(
        r.region_id
        for r in current.regions_seen_by(caller)
        if r.region_id not in file.regions and r.administrator.key in changed
    )
    candidates = [now(row.key) for row in file.administrators.values()]
    candidates += [
        now(a.key)  # as the plan leaves them (deactivated, perhaps)
        for a in sorted(current.administrators.values(), key=lambda a: a.email)
        if a.key not in file.administrators
    ]
    written = []
    for region_id in ids:
        row, stored = file.regions.get(region_id), current.regions.get(region_id)
        where = (row.row, "email") if row else (None, None)
        contact = None
        if row and row.alerts:
            admin = now(person_key(row.alerts))
            if admin is None or not admin.active or admin.region_id not in (None, region_id):
                errors.append(
                    RowError(
                        *where,
                        "Not an active administrator of this region or "
                        "of the network: add an administrator row for them",
                    )
                )
                continue
            contact = _contact(admin)
        elif stored is not None:
            admin = now(stored.administrator.key)
            if admin is None:
                contact = stored.administrator
            elif admin.active:
                contact = _contact(admin)
        if contact is None:
            chosen = next(
                (a for a in candidates if a and a.active and a.region_id == region_id), None
            )
            if chosen is None:
                errors.append(
                    RowError(
                        *where,
                        f"Nobody would receive region {region_id}'s "
                        "alerts: add an administrator row for the region",
                    )
                )
                continue
            contact = _contact(chosen)
        region = Region(
            region_id=region_id, name=row.name if row else stored.name, administrator=contact
        )
        line = entry(
            RowKind.REGION,
            region_id,
            region.name,
            "",
            _texts(stored) if stored else None,
            _texts(region),
            False,
        )
        if line:
            entries.append(line)
            written.append(region)
    return written
