"""A charter's text in one language: what the public page and the PDF both show.

The wording is templates/charters/charter.txt (Jinja2, every string through gettext). Its
output is not used: each `sheet` call in it adds a title, a heading, a paragraph, an item or
a table row to a Sheet, and the page (templates/pages/charter/) and the PDF
(rendering/charter_pdf.py) lay out that same list. So they cannot disagree on a promised
time, and neither parses text: a value (a centre's name) can hold anything and still never
makes a heading or a row of its own.

Values arrive from the Charter as plain text; the page escapes them and the PDF draws them
as text.
"""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.charters.content import Charter, charter_version
from functions.domain.shared.calendar import WEEKDAYS
from functions.domain.shared.vocabulary import Language, label
from functions.rendering.translations import babel_locale, catalogue, supported

TEMPLATE = "charters/charter.txt"


class Block(NamedTuple):
    kind: str  # "para", "item", "head" (the table's header) or "row"
    text: str = ""
    cells: tuple[str, ...] = ()


class Section(NamedTuple):
    key: str  # "intro", "family", "feedback", "times", "escalation", "commitments", "about"
    heading: str  # "" for the intro
    blocks: tuple[Block, ...]


class CharterText(NamedTuple):
    language: str
    title: str
    subtitle: str
    caption: str  # beside the QR code on the printed charter
    sections: tuple[Section, ...]
    version: str  # charter_version: the page and the PDF name the version they show

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


class Sheet:
    """What the template adds, in order (each call answers "": the output is not used)."""

    def __init__(self):
        self.title = self.subtitle = self.caption = ""
        self._sections: list[tuple[str, str, list[Block]]] = [("intro", "", [])]

    def _add(self, block: Block) -> str:
        self._sections[-1][2].append(block)
        return ""

    def set_title(self, text: str) -> str:
        self.title = str(text)
        return ""

    def set_subtitle(self, text: str) -> str:
        self.subtitle = str(text)
        return ""

    def set_caption(self, text: str) -> str:
        self.caption = str(text)
        return ""

    def section(self, key: str, heading: str) -> str:
        self._sections.append((key, str(heading), []))
        return ""

    def para(self, text: str) -> str:
        return self._add(Block("para", str(text)))

    def item(self, text: str) -> str:
        return self._add(Block("item", str(text)))

    def head(self, *cells: str) -> str:
        return self._add(Block("head", cells=tuple(str(c) for c in cells)))

    def row(self, *cells: str) -> str:
        return self._add(Block("row", cells=tuple(str(c) for c in cells)))

    def sections(self) -> tuple[Section, ...]:
        return tuple(Section(key, heading, tuple(blocks))
                     for key, heading, blocks in self._sections if heading or blocks)  # fmt: skip


def _number(language: str):
    from babel.numbers import format_decimal

    def number(n: float) -> str:
        return format_decimal(n, locale=babel_locale(language))

    return number


def _plural(n: float) -> int:
    """gettext chooses a plural form by an integer: 1 is one, 1.5 hours are many."""
    return int(n) if float(n).is_integer() else 2


def _opening(charter: Charter, language: str) -> list[dict]:
    """Runs of days with the same hours: [{first, last (None: one day), hours}]."""
    from babel.dates import get_day_names

    names = get_day_names("wide", locale=babel_locale(language))
    runs: list[dict] = []
    previous = None
    for index, day in enumerate(WEEKDAYS):
        span = charter.opening_hours.get(day)
        if span is None:
            previous = None
            continue
        shown = "\u2013".join(part.strip() for part in span.split("-", 1))
        if previous is not None and runs[-1]["hours"] == shown and previous == index - 1:
            runs[-1]["last"] = names[index]
        else:
            runs.append({"first": names[index], "last": None, "hours": shown})
        previous = index
    return runs


def charter_sections(charter: Charter, language: str | Language) -> CharterText:
    """The charter's text in `language` (English when we do not ship it)."""
    from functions.rendering import environment

    language = supported(str(language))
    gettext = catalogue(language).gettext
    spoken = ", ".join(gettext(label(lang)) for lang in charter.spoken_languages)
    sheet = Sheet()
    environment(language).get_template(TEMPLATE).render(
        charter=charter, sheet=sheet, version=charter_version(charter),
        opening=_opening(charter, language), spoken=spoken, number=_number(language),
        plural=_plural,
    )  # fmt: skip
    return CharterText(language, sheet.title, sheet.subtitle, sheet.caption, sheet.sections(),
                       charter_version(charter))  # fmt: skip
