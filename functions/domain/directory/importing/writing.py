"""Directory files written: the template (the header and a row of each kind) and the export
of a scope's directory, which imports back as "no changes".

Every cell a spreadsheet would take for a formula (= + - @, tab, CR, LF or a full-width
＝ ＋ － ＠ first, after any spaces) is written with an apostrophe before it (reading.escape),
so a name someone typed as =HYPERLINK(…) opens as text; the import takes the apostrophe away
again, and a value that itself starts with an apostrophe before such a cell ('=… typed on a
page) is written with one more, so it comes back as it was. A cell holding a comma,
semicolon, quote, tab or line break is quoted, so a spreadsheet that splits at ';' cannot
start a formula mid-cell (OWASP's CSV injection advice). Files start with a UTF-8 byte-order mark
so that Excel reads their accents, and end their lines with CRLF as spreadsheets do.
"""

from __future__ import annotations

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.importing.columns import COLUMNS, RowKind
from functions.domain.directory.importing.reading import escape
from functions.domain.directory.importing.snapshot import Directory
from functions.domain.directory.importing.values import centre_texts, display, stored_fields
from functions.domain.directory.models import Centre, Contact

TEMPLATE_ROWS = [
    {
        "kind": "region",
        "id": "north-west",
        "name": "North West",
        "email": "admin.northwest@example.org",
    },
    {
        "kind": "centre",
        "id": "rainbow-mahikeng",
        "name": "Rainbow Educare, Mahikeng",
        "region": "north-west",
        "email": "hello@rainbow.example.org",
        "phone": "018 555 0100",
        "whatsapp": "082 555 0100",
        "address": "14 Main Road\nMahikeng, 2745",
        "hours": "mon-fri 06:30-17:30; sat 08:00-12:00",
        "timezone": "Africa/Johannesburg",
        "languages": "tn, en",
        "share_staff_names": "no",
        "active": "yes",
    },
    {
        "kind": "principal",
        "name": "Naledi Mokoena",
        "centre": "rainbow-mahikeng",
        "email": "principal@rainbow.example.org",
    },
    {
        "kind": "staff",
        "name": "Tumelo Sithole",
        "centre": "rainbow-mahikeng",
        "email": "tumelo@rainbow.example.org",
        "active": "yes",
    },
    {
        "kind": "administrator",
        "name": "Kabelo Dube",
        "region": "north-west",
        "email": "admin.northwest@example.org",
        "active": "yes",
    },
]


def _quoted(cell: str) -> str:
    """A cell as CSV text: in quotes (its own doubled) when it holds a comma, a semicolon
    (South African Excel splits cells at ';': OWASP's 'new cell mid-text'), a quote, a tab
    or a line break."""
    if any(char in cell for char in ',;"\t\r\n'):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_csv(rows: list[dict[str, str]]) -> str:
    lines = [",".join(COLUMNS)]
    for row in rows:
        lines.append(",".join(_quoted(escape(row.get(column, ""))) for column in COLUMNS))
    return "\ufeff" + "".join(line + "\r\n" for line in lines)


def template() -> str:
    return write_csv(TEMPLATE_ROWS)


def _person(contact: Contact, centre_id: str, kind: RowKind) -> dict[str, str]:
    return {
        "kind": kind.value,
        "name": contact.name,
        "centre": centre_id,
        "email": contact.email,
        "active": display(contact.active),
    }


def _centre(centre: Centre) -> list[dict[str, str]]:
    texts = centre_texts(stored_fields(centre))
    rows = [{"kind": RowKind.CENTRE.value, "id": centre.centre_id, **texts}]
    rows.append(_person(centre.principal, centre.centre_id, RowKind.PRINCIPAL))
    for person in [*centre.staff, *centre.former_staff]:
        rows.append(_person(person, centre.centre_id, RowKind.STAFF))
    return rows


def export(current: Directory, caller: Administrator) -> str:
    """What the caller administers, as a file they can edit and import again."""
    rows: list[dict[str, str]] = []
    for region in sorted(current.regions_seen_by(caller), key=lambda r: r.region_id):
        # Named only when an administrator (as the import checks); else kept as it is.
        admin = current.administrators.get(region.administrator.key)
        named = admin is not None and admin.active and admin.region_id in (None, region.region_id)
        rows.append(
            {
                "kind": RowKind.REGION.value,
                "id": region.region_id,
                "name": region.name,
                "email": region.administrator.email if named else "",
            }
        )
    for centre in sorted(current.centres_seen_by(caller), key=lambda c: (c.region_id, c.centre_id)):
        rows.extend(_centre(centre))
    admins = sorted(
        current.administrators_seen_by(caller), key=lambda a: (a.region_id or "", a.email)
    )
    for admin in admins:
        rows.append(
            {
                "kind": RowKind.ADMINISTRATOR.value,
                "name": admin.name,
                "region": admin.region_id or "",
                "email": admin.email,
                "active": display(admin.active),
            }
        )
    return write_csv(rows)
