"""The columns of the directory file, which kinds of row use them, and the errors found."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class RowKind(StrEnum):
    REGION = "region"
    CENTRE = "centre"
    PRINCIPAL = "principal"
    STAFF = "staff"
    ADMINISTRATOR = "administrator"


PEOPLE = (RowKind.PRINCIPAL, RowKind.STAFF)

# Every column, in the template's order.
COLUMNS = (
    "kind",
    "id",
    "name",
    "region",
    "centre",
    "email",
    "phone",
    "whatsapp",
    "address",
    "hours",
    "timezone",
    "languages",
    "share_staff_names",
    "active",
)

# column -> whether a row of the kind must fill it; a column a kind does not use stays empty.
USES: dict[RowKind, dict[str, bool]] = {
    RowKind.REGION: {"id": True, "name": True, "email": False},
    RowKind.CENTRE: {
        "id": True,
        "name": True,
        "region": True,
        "email": False,
        "phone": False,
        "whatsapp": False,
        "address": False,
        "hours": False,
        "timezone": False,
        "languages": False,
        "share_staff_names": False,
        "active": False,
    },
    RowKind.PRINCIPAL: {"centre": True, "name": True, "email": True, "active": False},
    RowKind.STAFF: {"centre": True, "name": True, "email": True, "active": False},
    RowKind.ADMINISTRATOR: {"name": True, "email": True, "region": False, "active": False},
}

# Other spellings a spreadsheet may carry, normalised as header cells are (see header_name).
_ALIASES = {
    "type": "kind",
    "center": "centre",
    "centre_id": "centre",
    "center_id": "centre",
    "region_id": "region",
    "opening_hours": "hours",
    "time_zone": "timezone",
    "language": "languages",
    "phone_number": "phone",
    "whatsapp_number": "whatsapp",
    "e_mail": "email",
}
_KIND_ALIASES = {"center": RowKind.CENTRE, "admin": RowKind.ADMINISTRATOR}


def header_name(cell: str) -> str:
    """A header cell as a column name: case, surrounding space, spaces and hyphens do not
    matter ("Share staff names" is share_staff_names)."""
    name = "_".join(cell.strip().lower().replace("-", " ").split())
    return _ALIASES.get(name, name)


def row_kind(cell: str) -> RowKind | None:
    text = cell.strip().lower()
    try:
        return RowKind(text)
    except ValueError:
        return _KIND_ALIASES.get(text)


class RowError(NamedTuple):
    """What is wrong, where: `row` as a spreadsheet numbers it (the header is row 1; a row
    with a line break inside a quoted cell is still one row), None for the file as a whole;
    `column` as the format names it, None for the whole row."""

    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}
