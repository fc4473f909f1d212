"""What a checked directory file changes in the stored directory: the dry run's list of what
will be added, changed and deactivated, and the documents that say it.

Nothing is ever deleted. A full import is the whole directory of the caller's scope: a
centre of that scope the file no longer lists is deactivated (its team kept as it was, for
its open cases), and so is a person of a centre the file lists who is no longer in it, and
an administrator of the scope no longer listed (never the caller). Without `full`, the file
adds and changes only; a principal it replaces still leaves (unless listed as staff).
People who leave a centre (deactivated, or moved to another) are the plan's leavers: their
open cases there go back to the whole centre (functions/services/directory/leavers.py).
The same file read twice against what the first wrote plans nothing.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.importing.columns import RowError, RowKind
from functions.domain.directory.importing.entries import Action, Entry, FieldChange, entry
from functions.domain.directory.importing.regions import alert_contacts
from functions.domain.directory.importing.rows import DirectoryFile
from functions.domain.directory.importing.snapshot import Directory, Member
from functions.domain.directory.importing.values import (
    centre_fields,
    centre_texts,
    display,
    stored_fields,
)
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.shared.vocabulary import StaffRole

__all__ = ["Action", "Entry", "FieldChange", "Leaver", "Plan", "plan"]


class Leaver(NamedTuple):
    key: str
    name: str
    centre_id: str  # the centre they leave: their open cases there go back to it


class Plan(NamedTuple):
    entries: list[Entry]
    regions: list[Region]  # to write, as they will be
    centres: list[Centre]
    administrators: list[Administrator]
    leavers: list[Leaver]
    errors: list[RowError]

    def count(self, action: Action) -> int:
        return sum(1 for entry in self.entries if entry.action == action)

    @property
    def fingerprint(self) -> str:
        """Names this plan: applying checks it is still the plan the administrator saw."""
        text = json.dumps([[*e[:5], [list(c) for c in e.changes]] for e in self.entries])
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan(file: DirectoryFile, current: Directory, caller: Administrator, full: bool) -> Plan:
    """The plan of a file read without errors (rows.read_file), or its errors when the whole
    it makes is not a directory (a centre left without a principal, a region without anyone
    to alert, a full file naming a centre it does not list)."""
    errors: list[RowError] = []
    entries: list[Entry] = []
    admins = _administrators(file, current, caller, full, entries)
    centres = _centres(file, current, caller, full, entries, errors)
    people, leavers, touched = _people(file, current, caller, full, entries, errors)
    written = _teams(centres, people, touched, current, file, errors)
    regions = alert_contacts(file, current, caller, admins, entries, errors)
    order = {
        RowKind.REGION: 0,
        RowKind.CENTRE: 1,
        RowKind.PRINCIPAL: 2,
        RowKind.STAFF: 2,
        RowKind.ADMINISTRATOR: 3,
    }
    entries.sort(key=lambda e: order[e.kind])
    if errors:
        return Plan([], [], [], [], [], sorted(errors, key=lambda e: (e.row or 0, e.column or "")))
    return Plan(
        entries, regions, written, [a for a in admins.values() if a is not None], leavers, []
    )


def _administrators(
    file: DirectoryFile, current: Directory, caller: Administrator, full: bool, entries: list[Entry]
) -> dict[str, Administrator | None]:
    """key -> the administrator as the plan leaves them (None: unchanged, as stored)."""
    result: dict[str, Administrator | None] = {}

    def text(admin: Administrator) -> dict:
        return {
            "name": admin.name,
            "email": admin.email,
            "region": admin.region_id or "",
            "active": display(admin.active),
        }

    for row in file.administrators.values():
        stored = current.administrators.get(row.key)
        active = row.active if row.active is not None else (stored.active if stored else True)
        admin = Administrator(
            email=row.email, name=row.name, region_id=row.region_id, active=active
        )
        line = entry(
            RowKind.ADMINISTRATOR,
            row.email,
            row.name,
            row.region_id or "",
            text(stored) if stored else None,
            text(admin),
            bool(stored and stored.active and not active),
        )
        result[row.key] = admin if line else None
        if line:
            entries.append(line)
    if full:
        for stored in current.administrators_seen_by(caller):
            if stored.key in file.administrators or not stored.active or stored.key == caller.key:
                continue
            gone = stored.model_copy(update={"active": False})
            entries.append(
                entry(
                    RowKind.ADMINISTRATOR,
                    stored.email,
                    stored.name,
                    stored.region_id or "",
                    text(stored),
                    text(gone),
                    True,
                )
            )
            result[stored.key] = gone
    return result


def _centres(
    file: DirectoryFile,
    current: Directory,
    caller: Administrator,
    full: bool,
    entries: list[Entry],
    errors: list[RowError],
) -> dict[str, dict]:
    """centre id -> its fields as the plan leaves them, for each centre whose fields change
    (added, changed, deactivated; teams apart)."""
    result: dict[str, dict] = {}
    for row in file.centres.values():
        stored = current.centres.get(row.centre_id)
        fields = centre_fields(stored, {"centre_id": row.centre_id, **row.fields})
        line = entry(
            RowKind.CENTRE,
            row.centre_id,
            fields["name"],
            fields["region_id"],
            centre_texts(stored_fields(stored)) if stored else None,
            centre_texts(fields),
            bool(stored and stored.active and not fields["active"]),
        )
        if line:
            entries.append(line)
            result[row.centre_id] = fields
    if full:
        for stored in current.centres_seen_by(caller):
            if stored.centre_id in file.centres or not stored.active:
                continue
            fields = stored_fields(stored) | {"active": False}
            result[stored.centre_id] = fields
            entries.append(
                entry(
                    RowKind.CENTRE,
                    stored.centre_id,
                    stored.name,
                    stored.region_id,
                    centre_texts(stored_fields(stored)),
                    centre_texts(fields),
                    True,
                )
            )
        for person in file.people.values():
            if person.centre_id not in file.centres:
                errors.append(
                    RowError(
                        person.row,
                        "centre",
                        "A full import lists every centre: "
                        "add this centre's row (or import without 'full')",
                    )
                )
    return result


def _member_texts(member: Member) -> dict[str, str]:
    return {
        "name": member.contact.name,
        "email": member.contact.email,
        "centre": member.centre_id,
        "kind": "principal" if member.principal else "staff",
        "active": display(member.active),
    }


def _people(
    file: DirectoryFile,
    current: Directory,
    caller: Administrator,
    full: bool,
    entries: list[Entry],
    errors: list[RowError],
) -> tuple[dict[str, Member], list[Leaver], set[str]]:
    """key -> each person as the plan leaves them (changed ones only), the leavers, and the
    centres whose team changes."""
    result: dict[str, Member] = {}
    leavers: list[Leaver] = []
    touched: set[str] = set()

    def change(before: Member | None, after: Member) -> None:
        kind = RowKind.PRINCIPAL if after.principal else RowKind.STAFF
        line = entry(
            kind,
            after.contact.email,
            after.contact.name,
            after.centre_id,
            _member_texts(before) if before else None,
            _member_texts(after),
            bool(before and before.active and not after.active),
        )
        if line is None:
            return
        entries.append(line)
        result[after.contact.key] = after
        touched.update({after.centre_id, *([before.centre_id] if before else [])})
        if before and before.active and (not after.active or before.centre_id != after.centre_id):
            leavers.append(Leaver(before.contact.key, before.contact.name, before.centre_id))

    for row in file.people.values():
        stored = current.people.get(row.key)
        active = row.active if row.active is not None else (stored.active if stored else True)
        role = StaffRole.PRINCIPAL if row.principal else StaffRole.STAFF
        contact = Contact(name=row.name, email=row.email, role=role, active=active)
        change(stored, Member(contact, row.centre_id, row.principal))
    named = {p.centre_id for p in file.people.values() if p.principal}
    for stored in current.people.values():
        if stored.contact.key in file.people or not stored.active:
            continue
        omitted = full and stored.centre_id in file.centres
        replaced = stored.principal and stored.centre_id in named
        if (omitted or replaced) and caller.sees(current.region_of(stored.centre_id)):
            contact = stored.contact.model_copy(update={"active": False, "role": StaffRole.STAFF})
            change(stored, Member(contact, stored.centre_id, False))
    return result, leavers, touched


def _teams(
    centres: dict[str, dict],
    people: dict[str, Member],
    touched: set[str],
    current: Directory,
    file: DirectoryFile,
    errors: list[RowError],
) -> list[Centre]:
    """Every centre whose fields or team change, as it will be stored."""
    teams: dict[str, list[Member]] = {}
    for member in current.people.values():
        if member.contact.key not in people:
            teams.setdefault(member.centre_id, []).append(member)
    for member in people.values():
        teams.setdefault(member.centre_id, []).append(member)
    written = []
    for centre_id in [*centres, *sorted(touched - set(centres))]:
        fields = centres.get(centre_id) or stored_fields(current.centres[centre_id])
        team = teams.get(centre_id, [])
        principals = [m for m in team if m.principal and m.active]
        if not principals:
            row = file.centres.get(centre_id)
            errors.append(
                RowError(
                    row.row if row else None,
                    "id" if row else None,
                    f"Centre {centre_id} would have no principal: add a row of "
                    "kind principal for it",
                )
            )
            continue
        staff = [m.contact for m in team if not m.principal]
        written.append(Centre(**fields, principal=principals[0].contact, staff=staff))
    return written
