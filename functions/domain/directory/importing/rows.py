"""Each row of a directory file checked on its own, then against the others and what is
stored: every error is collected (row, column, message), none stops the others being found.

A column left out of the header leaves that field as it is stored (a new centre gets the
default); an empty cell in a column that is there clears the field (or sets the default).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.importing import cells
from functions.domain.directory.importing.columns import (
    PEOPLE,
    USES,
    RowError,
    RowKind,
    row_kind,
)
from functions.domain.directory.importing.reading import Row, Table
from functions.domain.directory.importing.snapshot import Directory
from functions.domain.directory.models import person_key


class RegionRow(NamedTuple):
    row: int
    region_id: str
    name: str
    alerts: str | None  # the email of whoever receives the region's alerts; None: unchanged


class CentreRow(NamedTuple):
    row: int
    centre_id: str
    fields: dict[str, Any]  # Centre field -> value, for the columns the file has


class PersonRow(NamedTuple):
    row: int
    email: str
    name: str
    centre_id: str
    principal: bool
    active: bool | None  # None: no `active` column (as stored; a new person is active)

    @property
    def key(self) -> str:
        return person_key(self.email)


class AdministratorRow(NamedTuple):
    row: int
    email: str
    name: str
    region_id: str | None  # None: the whole network
    active: bool | None

    @property
    def key(self) -> str:
        return person_key(self.email)


class DirectoryFile(NamedTuple):
    columns: frozenset[str]
    regions: dict[str, RegionRow]
    centres: dict[str, CentreRow]
    people: dict[str, PersonRow]  # by person key
    administrators: dict[str, AdministratorRow]  # by person key


# column -> (Centre field, parser of the cell)
_CENTRE_FIELDS: dict[str, tuple[str, Callable[[str], Any]]] = {
    "name": ("name", cells.parse_name),
    "region": ("region_id", cells.parse_id),
    "email": ("email", lambda text: cells.parse_email(text) if text.strip() else None),
    "phone": ("phone", cells.parse_phone),
    "whatsapp": ("whatsapp", cells.parse_phone),
    "address": ("address", cells.parse_address),
    "hours": ("opening_hours", cells.parse_opening_hours),
    "timezone": ("timezone", cells.parse_timezone),
    "languages": ("languages", cells.parse_languages),
    "share_staff_names": ("share_staff_names", lambda text: cells.parse_yes_no(text, False)),
    "active": ("active", lambda text: cells.parse_yes_no(text, True)),
}


class _Reader:
    """One row's cells, parsed column by column; each problem noted, none raised."""

    def __init__(self, row: Row, kind: RowKind, columns: tuple[str, ...], errors: list[RowError]):
        self.row, self.kind, self.columns, self.errors = row, kind, columns, errors
        self.incomplete = False  # a value it needs is missing (its column is not in the file)

    def has(self, column: str) -> bool:
        return column in self.columns

    def text(self, column: str) -> str:
        return self.row.cells.get(column, "")

    def value(self, column: str, parse: Callable[[str], Any]) -> Any:
        text = self.text(column)
        if USES[self.kind].get(column) and not text.strip():
            self.incomplete = True
            if self.has(column):  # a header without it is reported once, for the file
                self.errors.append(
                    RowError(self.row.number, column, f"A {self.kind} row needs this")
                )
            return None
        try:
            return parse(text)
        except ValueError as problem:
            self.errors.append(RowError(self.row.number, column, str(problem)))
            return None


def _active(reader: _Reader) -> bool | None:
    if not reader.has("active"):
        return None
    return reader.value("active", lambda text: cells.parse_yes_no(text, True))


def _read_row(row: Row, table: Table, errors: list[RowError]):
    """The row as its kind's entry; None when something in it is wrong (noted in errors)."""
    kind = row_kind(row.cells.get("kind", ""))
    if kind is None:
        errors.append(
            RowError(row.number, "kind", "Write region, centre, principal, staff or administrator")
        )
        return None
    before = len(errors)
    for column, text in row.cells.items():
        if column != "kind" and text.strip() and column not in USES[kind]:
            errors.append(RowError(row.number, column, f"Not used in a {kind} row: leave it empty"))
    read = _Reader(row, kind, table.columns, errors)
    if kind == RowKind.REGION:
        alerts = None
        if read.text("email").strip():
            alerts = read.value("email", cells.parse_email)
        entry = RegionRow(
            row.number,
            read.value("id", cells.parse_id),
            read.value("name", cells.parse_name),
            alerts,
        )
    elif kind == RowKind.CENTRE:
        fields = {
            field: read.value(column, parse)
            for column, (field, parse) in _CENTRE_FIELDS.items()
            if read.has(column)
        }
        entry = CentreRow(row.number, read.value("id", cells.parse_id), fields)
    elif kind in PEOPLE:
        entry = PersonRow(
            row.number,
            read.value("email", cells.parse_email),
            read.value("name", cells.parse_name),
            read.value("centre", cells.parse_id),
            kind == RowKind.PRINCIPAL,
            _active(read),
        )
        if kind == RowKind.PRINCIPAL and entry.active is False:
            errors.append(
                RowError(
                    row.number,
                    "active",
                    "A principal is active: to replace "
                    "one, name the new principal and list this person as staff "
                    "(active no if they left)",
                )
            )
    else:
        region = read.value("region", cells.parse_id) if read.text("region").strip() else None
        entry = AdministratorRow(
            row.number,
            read.value("email", cells.parse_email),
            read.value("name", cells.parse_name),
            region,
            _active(read),
        )
    return entry if len(errors) == before and not read.incomplete else None


def _missing_columns(table: Table) -> list[RowError]:
    kinds = {row_kind(row.cells.get("kind", "")) for row in table.rows} - {None}
    needed = {column for kind in kinds for column, required in USES[kind].items() if required}
    return [
        RowError(1, column, "The header has no such column, and rows of this file need it")
        for column in sorted(needed - set(table.columns))
    ]


def read_file(
    table: Table, current: Directory, caller: Administrator
) -> tuple[DirectoryFile, list[RowError]]:
    """Every row checked: on its own, against the other rows (each region, centre and person
    once, one principal per centre, a centre's region and a person's centre known), and
    against the caller's scope. Nothing is returned usable unless the errors are none."""
    errors = _missing_columns(table)
    found = DirectoryFile(frozenset(table.columns), {}, {}, {}, {})
    for row in table.rows:
        entry = _read_row(row, table, errors)
        if entry is not None:
            _add(found, entry, errors)
    _check_regions(found, current, caller, errors)
    _check_centres(found, current, caller, errors)
    _check_people(found, current, caller, errors)
    _check_administrators(found, current, caller, errors)
    return found, sorted(errors, key=lambda e: (e.row or 0, e.column or ""))


def _add(found: DirectoryFile, entry, errors: list[RowError]) -> None:
    if isinstance(entry, RegionRow):
        book, key, column, what = found.regions, entry.region_id, "id", "region"
    elif isinstance(entry, CentreRow):
        book, key, column, what = found.centres, entry.centre_id, "id", "centre"
    elif isinstance(entry, PersonRow):
        book, key, column, what = found.people, entry.key, "email", "person"
    else:
        book, key, column, what = found.administrators, entry.key, "email", "administrator"
    if key in book:
        errors.append(
            RowError(entry.row, column, f"This {what} is also on row {book[key].row}: one row each")
        )
        return
    book[key] = entry


def _outside(caller: Administrator) -> str:
    return f"Outside your region ({caller.region_id}): you administer that region only"


def _check_regions(
    found: DirectoryFile, current: Directory, caller: Administrator, errors: list[RowError]
) -> None:
    for region in found.regions.values():
        if not caller.sees(region.region_id):
            errors.append(RowError(region.row, "id", _outside(caller)))


def _check_centres(
    found: DirectoryFile, current: Directory, caller: Administrator, errors: list[RowError]
) -> None:
    for centre in found.centres.values():
        stored = current.centres.get(centre.centre_id)
        region_id = centre.fields.get("region_id")
        if stored is not None and not caller.sees(stored.region_id):
            errors.append(
                RowError(
                    centre.row,
                    "id",
                    "This centre is in another region: you administer your region only",
                )
            )
        elif region_id not in found.regions and region_id not in current.regions:
            errors.append(
                RowError(centre.row, "region", "No region has this id: add a region row for it")
            )
        elif not caller.sees(region_id):
            errors.append(RowError(centre.row, "region", _outside(caller)))


def _check_people(
    found: DirectoryFile, current: Directory, caller: Administrator, errors: list[RowError]
) -> None:
    principals: dict[str, int] = {}
    for person in found.people.values():
        listed = found.centres.get(person.centre_id)
        region_id = (
            listed.fields.get("region_id") if listed else current.region_of(person.centre_id)
        )
        stored = current.people.get(person.key)
        if region_id is None:
            errors.append(
                RowError(person.row, "centre", "No centre has this id: add a centre row for it")
            )
            continue
        if not caller.sees(region_id):
            errors.append(RowError(person.row, "centre", _outside(caller)))
        elif stored is not None and not caller.sees(current.region_of(stored.centre_id)):
            errors.append(
                RowError(
                    person.row,
                    "email",
                    "This person is on the team of a "
                    "centre in another region: its administrator moves them",
                )
            )
        if person.principal:
            if person.centre_id in principals:
                errors.append(
                    RowError(
                        person.row,
                        "kind",
                        "This centre already has a principal "
                        f"on row {principals[person.centre_id]}: one each",
                    )
                )
            principals.setdefault(person.centre_id, person.row)


def _check_administrators(
    found: DirectoryFile, current: Directory, caller: Administrator, errors: list[RowError]
) -> None:
    for admin in found.administrators.values():
        stored = current.administrators.get(admin.key)
        if stored is not None and not caller.sees(stored.region_id):
            # A network administrator, or another region's: not the caller's to move or end.
            errors.append(
                RowError(
                    admin.row,
                    "email",
                    "This administrator is not in your region: "
                    "their access is changed by a network administrator",
                )  # fmt: skip
            )
        elif admin.region_id is None and not caller.whole_network:
            errors.append(
                RowError(
                    admin.row, "region", "Only a network administrator names network administrators"
                )
            )
        elif admin.region_id is not None and not caller.sees(admin.region_id):
            errors.append(RowError(admin.row, "region", _outside(caller)))
        elif admin.region_id is not None and (
            admin.region_id not in found.regions and admin.region_id not in current.regions
        ):
            errors.append(
                RowError(admin.row, "region", "No region has this id: add a region row for it")
            )
        if admin.key == caller.key and (
            admin.active is False or admin.region_id != caller.region_id
        ):
            errors.append(
                RowError(
                    admin.row,
                    "active" if admin.active is False else "region",
                    "You cannot change your own access: another network administrator can",
                )
            )
