"""An uploaded attendance export as CSV records, or AttendanceFileError saying why not.

Read as the platforms and spreadsheets write these files: UTF-8 with or without a byte-order
mark (Zoom writes one), UTF-16 with or without one (Excel's "Unicode Text", Teams), commas,
semicolons (Excel in a South African or European locale) or tabs, CRLF, LF or CR line ends,
a line break inside a quoted cell. Every limit is checked before the text is split, so a
hostile file costs at most MAX_BYTES of work.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
from typing import NamedTuple

from functions.domain.shared.text import cut, one_line

MAX_BYTES = 5_000_000
MAX_ROWS = 20_000  # data rows: a forum has hundreds; Zoom's participant report lists rejoins
_PREAMBLE_ROWS = 50  # the report's own lines around the tables (title, topic, section names)
NAME_MAX = 200
_DELIMITERS = (",", ";", "\t")
# Invisible characters that change how text is shown or compared: zero-width, bidi controls.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
# What a spreadsheet takes for the start of a formula (see the directory import's list).
_FORMULA_STARTS = "=+-@＝＋－＠"


class AttendanceFileError(ValueError):
    """The whole file is refused: the message says why and what was expected."""


class Record(NamedTuple):
    line: int  # the file's line where the record starts (1-based, as an editor numbers it)
    cells: list[str]


def decode(data: bytes) -> str:
    """The file as text, or AttendanceFileError when it is too large, empty or not text."""
    if len(data) > MAX_BYTES:
        raise AttendanceFileError(
            f"The file is larger than {MAX_BYTES // 1_000_000} MB: "
            "is it the attendance report of one forum?"
        )
    encoding = _encoding(data)
    try:
        text = bytes(data).decode(encoding)
    except UnicodeDecodeError:
        raise AttendanceFileError(
            "The file is not text in UTF-8 or UTF-16: download the report again, "
            "or save it from the spreadsheet as 'CSV UTF-8'"
        ) from None
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise AttendanceFileError("The file is empty")
    if "\x00" in text:
        raise AttendanceFileError("The file holds NUL characters: is it a CSV file?")
    return text


def _encoding(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # the codec reads the mark and drops it
    head = data[:400]
    # UTF-16 without a mark still shows its zero bytes: ASCII text has one in every pair.
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    return "utf-8"


def records(text: str, header_words: tuple[str, ...]) -> list[Record]:
    """The non-blank records of the file, split by the delimiter of its header line (the
    first line holding one of `header_words`, else the first line)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text, header_words))
    found: list[Record] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                found.append(Record(start, cells))
                if len(found) > MAX_ROWS + _PREAMBLE_ROWS:
                    raise AttendanceFileError(
                        f"The file has more than {MAX_ROWS:,} rows: "
                        "is it the attendance report of one forum?"
                    )
            start = reader.line_num + 1
    except csv.Error:
        # A cell over the csv module's limit (131,072 characters), or a stray NUL.
        raise AttendanceFileError(
            f"Line {start} cannot be read as CSV: a cell is far too long or a quote "
            '(") is not closed'
        ) from None
    return found


def _delimiter(text: str, header_words: tuple[str, ...]) -> str:
    lines = [line for line in text[:200_000].splitlines() if line.strip()][:500]
    header = next(
        (line for line in lines if any(word in line.casefold() for word in header_words)),
        lines[0] if lines else "",
    )
    return max(_DELIMITERS, key=header.count)


def header_key(cell: str) -> str:
    """A header cell as compared: compatibility forms, case, spacing and invisibles ignored."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", cell))
    return " ".join(text.casefold().split())


def cell_text(cell: str) -> str:
    """A value cell on one line, without invisible characters and surrounding space."""
    return one_line(_INVISIBLE.sub("", cell)).strip()


def clean_name(cell: str) -> str:
    """A person's name as kept: one line, no invisibles, no leading formula character (a
    name never starts with = + - @, and an export of it must not run as a formula), cut."""
    return cut(cell_text(cell).lstrip(_FORMULA_STARTS + " ").strip(), NAME_MAX)
