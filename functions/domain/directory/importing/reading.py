"""A directory file's text as a header and rows, or the errors that stop it being read.

Read as spreadsheets write CSV: UTF-8 with or without a byte-order mark, CRLF or LF line
ends, a line break inside a quoted cell (the row keeps one number, as the spreadsheet shows
it), commas or semicolons (a South African Excel saves with semicolons), rows shorter than
the header (the empty cells at their end left out). A cell the export escaped against formula
injection ('=…, escape below) is read back as it was stored.
"""

from __future__ import annotations

import codecs
import csv
import io
from typing import NamedTuple

from functions.domain.directory.importing.columns import COLUMNS, RowError, header_name

MAX_BYTES = 1_500_000  # a network of thousands of people; the admin pages take 2 MiB
MAX_ROWS = 20_000
# What a spreadsheet takes for a formula at the start of a cell (OWASP's list: = + - @, tab,
# CR), with LF and the full-width forms (Japanese and Chinese Excel read ＝ as =); a cell is
# looked at after any leading space, which some spreadsheets trim before they look. Exports
# put an apostrophe before such a cell; imports take one away.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


class Row(NamedTuple):
    number: int  # as the spreadsheet numbers it: the header is row 1
    cells: dict[str, str]  # column -> text, for the columns the header has


class Table(NamedTuple):
    columns: tuple[str, ...]  # the header's columns, as the format names them
    rows: list[Row]


def _formula_like(cell: str) -> bool:
    return cell.startswith(FORMULA_STARTS) or cell.lstrip().startswith(FORMULA_STARTS)


def unescape(cell: str) -> str:
    """A cell as the export meant it: one apostrophe before a formula-like cell (or before
    another apostrophe) is taken away; any other apostrophe ('t Hooft) is the text's own."""
    rest = cell[1:]
    return rest if cell.startswith("'") and (_formula_like(rest) or rest.startswith("'")) else cell


def escape(cell: str) -> str:
    """A cell as an export writes it: one a spreadsheet would run as a formula is text, and
    one whose own apostrophe the import would take away keeps it (unescape(escape(x)) == x)."""
    return "'" + cell if _formula_like(cell) or unescape(cell) != cell else cell


def decode(data: bytes | str) -> str:
    """The file as text (ValueError, with the line, when it is not UTF-8)."""
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as problem:
        line = data[: problem.start].count(b"\n") + 1
        raise ValueError(f"Line {line} is not UTF-8 text: save the file as 'CSV UTF-8'") from None


def _delimiter(first_line: str) -> str:
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_table(data: bytes | str) -> Table | list[RowError]:
    """The header and the rows that hold anything (blank rows are skipped, their numbers
    kept); or why the file cannot be read as a table."""
    if len(data) > MAX_BYTES:
        return [RowError(None, None, f"The file is over {MAX_BYTES:,} bytes: split it by region")]
    try:
        text = decode(data)
    except ValueError as problem:
        return [RowError(None, None, str(problem))]
    if not text.strip():
        return [
            RowError(
                None,
                None,
                "The file is empty: it needs a header row, then one row "
                "for each region, centre and person",
            )
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return [RowError(None, None, f"Line {line} holds a NUL character: is this a CSV file?")]
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[0]), strict=True
    )
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                return [RowError(None, None, f"More than {MAX_ROWS:,} rows: split the file")]
    except csv.Error:
        return [
            RowError(
                len(records) + 1,
                None,
                "A quoted cell is not closed, or text follows its closing quote: "
                'check the quotes (") in this row',
            )
        ]
    return _table(records)


def _table(records: list[list[str]]) -> Table | list[RowError]:
    header, errors = _header(records[0])
    named = [i for i, column in enumerate(header) if column]
    rows = []
    for number, record in enumerate(records[1:], start=2):
        cells = [unescape(cell) for cell in record]
        if not any(cell.strip() for cell in cells):
            continue
        extra = [
            i
            for i, cell in enumerate(cells)
            if cell.strip() and (i >= len(header) or not header[i])
        ]
        if extra:
            errors.append(
                RowError(
                    number,
                    None,
                    f"Cell {extra[0] + 1} is under no column of "
                    "the header: is a comma or quote missing?",
                )
            )
            continue
        rows.append(Row(number, {header[i]: cells[i] if i < len(cells) else "" for i in named}))
    if errors:
        return errors
    if not rows:
        return [RowError(None, None, "The file has a header but no rows")]
    return Table(tuple(header[i] for i in named), rows)


def _header(cells: list[str]) -> tuple[list[str], list[RowError]]:
    errors: list[RowError] = []
    header: list[str] = []
    for cell in cells:
        column = header_name(cell)
        if column and column not in COLUMNS:
            known = ", ".join(COLUMNS)
            errors.append(RowError(1, cell.strip(), f"Unknown column; the columns are {known}"))
        elif column and column in header:
            errors.append(RowError(1, column, "This column is there twice"))
        header.append(column)
    if "kind" not in header:
        errors.append(
            RowError(
                1,
                "kind",
                "The header has no kind column: each row says what "
                "it is (region, centre, principal, staff or "
                "administrator)",
            )
        )
    return header, errors
