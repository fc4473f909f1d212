"""Attacks on the directory file's formula escaping (issue 9), against OWASP's advice for CSV
injection: no cell a spreadsheet opens may start a formula, however it is split, and a file
exported then imported changes nothing."""

from __future__ import annotations

import csv
import io

import pytest

from functions.domain.directory.importing import writing
from functions.domain.directory.importing.reading import escape, read_table, unescape
from functions.domain.directory.importing.snapshot import Directory
from functions.domain.directory.models import Contact
from tests.unit.test_directory_import import NETWORK, demo, planned

HOSTILE = [
    "=1+2",
    " =1+2",  # a space first: some spreadsheets trim before they look
    "\t=1+2",
    "\n=1+2",  # a line break first
    "\r=1+2",
    "＝1+2",  # full-width ＝ ＋ － ＠: Japanese and Chinese Excel take them as = + - @
    "＋1",
    "－1",
    "＠SUM(1)",
    "'=1+2",  # an apostrophe already there: must come back with it
    "''=1+2",
    "'",
    "'t Hooft",
    "@SUM(1)",
    "-2+3",
    "+27",
]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


@pytest.mark.parametrize("value", HOSTILE)
def test_an_escaped_cell_reads_back_as_it_was(value):
    assert unescape(escape(value)) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_no_escaped_cell_starts_like_a_formula_even_after_leading_space(value):
    cell = escape(value)
    assert not cell.lstrip().startswith(TRIGGERS), repr(cell)
    assert not cell.startswith(TRIGGERS), repr(cell)


def test_plain_cells_are_left_alone():
    for value in ("Naledi Mokoena", "O'Brien", "'t Hooft", "mon-fri 07:00-17:00", "082 555 0100"):
        assert escape(value) == value and unescape(value) == value


def test_a_cell_holding_a_semicolon_is_quoted_so_a_semicolon_spreadsheet_cannot_split_it():
    """South African Excel opens a CSV with ';' between cells: an unquoted 'x;=HYPERLINK(…)'
    would become a cell starting with '='. OWASP: quote such cells."""
    text = writing.write_csv([{"kind": "staff", "name": "x;=HYPERLINK(A1);"}])
    for line in text.lstrip("\ufeff").splitlines()[1:]:
        for piece in _split_outside_quotes(line, ";"):
            assert not piece.lstrip().startswith(TRIGGERS), piece
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[1][2] == "x;=HYPERLINK(A1);"


def _split_outside_quotes(line: str, separator: str) -> list[str]:
    pieces, current, quoted = [], "", False
    for char in line:
        if char == '"':
            quoted = not quoted
        if char == separator and not quoted:
            pieces.append(current)
            current = ""
        else:
            current += char
    return [*pieces, current]


def test_an_export_of_hostile_names_imports_back_as_no_change():
    current = demo()
    centre = current.centres["sunflower-soweto"]
    names = ["'=1+2", "''=x", "＝1+2", "＠SUM(1)", "'t Hooft", "a;=1+2"]
    hostile = centre.model_copy(
        update={
            "name": "＋27 Educare",
            "address": '14 Main Road\n=HYPERLINK("http://x")',
            "staff": [Contact(name=n, email=f"s{i}@example.org") for i, n in enumerate(names)],
        }
    )
    current = Directory(list(current.regions.values()), [hostile], [NETWORK])
    text = writing.export(current, NETWORK)
    table = read_table(text)
    assert [row.cells.get("name") for row in table.rows if row.cells["kind"] == "staff"] == names
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")):
        for cell in row:
            assert not cell.lstrip().startswith(TRIGGERS), cell
    assert planned(text, current).entries == []
