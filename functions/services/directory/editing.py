"""One centre at a time, from its admin page: its fields, a new centre, a staff member added,
deactivated (their open cases back to the centre) or back again, a new principal.

Each edit is the rows a file would hold for it, planned and applied as an import that adds
and changes only (importing.apply_rows with full=False): the same checks, the same plan,
the same hand-back of a leaver's cases. An error names the file's column, which the page
shows beside its field.
"""

from __future__ import annotations

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.changes import Leaver
from functions.domain.directory.importing.columns import COLUMNS, RowError
from functions.domain.directory.importing.reading import Row, Table
from functions.domain.directory.models import Centre, Contact
from functions.services.directory.importing import Applied, Planned, apply_rows
from functions.services.directory.leavers import hand_back, held_by

# The centre's fields a page edits, as the file names them: all but what names the row.
CENTRE_COLUMNS = tuple(column for column in COLUMNS if column not in {"kind", "id", "centre"})


def _table(*rows: dict[str, str]) -> Table:
    columns = tuple(dict.fromkeys(column for row in rows for column in row))
    return Table(columns, [Row(number, row) for number, row in enumerate(rows, start=2)])


def _refused(message: str, column: str | None = None) -> Applied:
    return Applied(Planned(None, [RowError(None, column, message)], {}), False, False, 0, 0)


def _person(contact: Contact, centre_id: str, kind: str, active: bool) -> dict[str, str]:
    return {
        "kind": kind,
        "centre": centre_id,
        "name": contact.name,
        "email": contact.email,
        "active": "yes" if active else "no",
    }


def save_centre(
    centre_id: str,
    fields: dict[str, str],
    caller: Administrator,
    deps,
    principal: dict[str, str] | None = None,
) -> Applied:
    """A centre's fields as typed (CENTRE_COLUMNS); a new centre comes with its principal
    ({"name", "email"})."""
    row = {"kind": "centre", "id": centre_id}
    row |= {column: fields.get(column, "") for column in CENTRE_COLUMNS}
    rows = [row]
    if principal is not None:
        rows.append({"kind": "principal", "centre": centre_id, **principal})
    return apply_rows(_table(*rows), caller, deps, full=False)


def add_staff(centre_id: str, name: str, email: str, caller: Administrator, deps) -> Applied:
    row = {"kind": "staff", "centre": centre_id, "name": name, "email": email, "active": "yes"}
    return apply_rows(_table(row), caller, deps, full=False)


def _member(centre: Centre, key: str) -> Contact | None:
    people = [centre.principal, *centre.staff, *centre.former_staff]
    return next((person for person in people if person.key == key), None)


def set_active(centre: Centre, key: str, active: bool, caller: Administrator, deps) -> Applied:
    """A staff member deactivated (they left: their open cases go back to the centre) or
    active again. A principal is replaced, never deactivated."""
    person = _member(centre, key)
    if person is None:
        return _refused("This person is not on this centre's team")
    if person.key == centre.principal.key:
        return _refused("Name another principal first: a centre always has one")
    row = _person(person, centre.centre_id, "staff", active)
    return apply_rows(_table(row), caller, deps, full=False)


def make_principal(centre: Centre, key: str, caller: Administrator, deps) -> Applied:
    """A staff member becomes the principal; the principal stays, as staff."""
    person = _member(centre, key)
    if person is None or not person.active:
        return _refused("Only an active member of this centre's team can be its principal")
    if person.key == centre.principal.key:
        return _refused("This person is the principal already")
    rows = (
        _person(person, centre.centre_id, "principal", True),
        _person(centre.principal, centre.centre_id, "staff", True),
    )
    return apply_rows(_table(*rows), caller, deps, full=False)


def _former(centre: Centre) -> list[Leaver]:
    return [Leaver(p.key, p.name, centre.centre_id) for p in centre.former_staff]


def cases_held_by_former_staff(centre: Centre, deps) -> int:
    """Open cases of the centre still assigned to someone who left (a hand-back cut short
    by an outage): the centre's page offers to give them back."""
    if not centre.former_staff:
        return 0
    return sum(len(refs) for refs in held_by(_former(centre), deps.directory).values())


def hand_back_former(centre: Centre, caller: Administrator, deps) -> int:
    """Give back to the centre every open case its former staff still hold."""
    return hand_back(_former(centre), caller, deps)
