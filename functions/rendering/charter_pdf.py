"""A centre's charter as a printable PDF: A4 for the folder at reception, A3 for the notice
board (fpdf2, pure Python), with a QR code that leads to the centre's feedback form.

The text is charter_sections' (rendering/charter_text.py), the same the public page shows,
so the two cannot disagree on a promised time. It is set in the DejaVu Sans subset the forum
report uses (deployed functions have no system fonts; isiZulu and Afrikaans need more than
Latin-1); a character the font lacks prints as "?", controls and line separators as spaces.

The QR code is segno's matrix drawn as vector squares (one rectangle per run of dark
modules in a row): sharp at any print size, and no image library at run time.

The bytes are the same for the same charter and language: no creation time is written and
fpdf2's file id is a hash of the content, so a retried delivery attaches the same file.
fpdf2 and segno are imported only when a PDF is made (cold start).
"""

from __future__ import annotations

from datetime import UTC, datetime

from functions.domain.charters.content import Charter
from functions.domain.shared.vocabulary import Language
from functions.rendering.charter_text import CharterText, charter_sections
from functions.rendering.forum_report_pdf import FONT_TEXT, clean

__all__ = ["charter_pdf", "charter_sections", "qr_matrix"]

TEAL, INK, RULE, PANEL = (11, 93, 87), (34, 34, 34), (190, 190, 190), (232, 243, 241)
_FONT = "DejaVu"


# How much the type may shrink to keep the charter on one sheet (a notice board takes one;
# the smallest A4 body is 8 pt): tried in turn, the first that fits is used, else the last.
FITS = (1.0, 0.92, 0.85, 0.8)


class _Layout:
    """Sizes for one paper size: the poster is the A4 layout with type a fifth larger on A3
    (A4 × √2); `fit` shrinks the running text (not the title or the QR code) to keep it to
    one sheet."""

    def __init__(self, poster: bool, fit: float = 1.0):
        scale = (1.2 if poster else 1.0) * fit
        self.paper = "A3" if poster else "A4"
        self.margin = 15 * scale
        # The poster's title and QR code are read from across the room; its text up close.
        self.qr = 70.0 if poster else 38.0  # mm, quiet zone included
        self.title, self.subtitle = (36, 20) if poster else (22, 14)
        self.heading = 13 * scale
        self.body, self.small = 10 * scale, 8.5 * scale
        self.scale = scale


def qr_matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The QR code of `url` as rows of dark (True) modules, its quiet zone (4) included."""
    import segno

    code = segno.make(url, error="m", micro=False)
    return tuple(tuple(bool(m) for m in row) for row in code.matrix_iter(border=4))


def _draw_qr(pdf, url: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(url)
    module = size / len(matrix)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            pdf.rect(x + start * module, y + r * module, (c - start) * module, module, style="F")


def _text(pdf, text: str, size: float, colour=INK, gap: float = 1.5, width: float = 0) -> None:
    pdf.set_font(_FONT, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(width, size * 0.45, clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(gap)


def _item(pdf, text: str, layout: _Layout) -> None:
    indent = 5 * layout.scale
    pdf.set_font(_FONT, size=layout.body)
    pdf.set_text_color(*INK)
    pdf.set_x(pdf.l_margin)
    pdf.cell(indent, layout.body * 0.45, "\u2022")
    pdf.multi_cell(0, layout.body * 0.45, clean(text), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(0.8 * layout.scale)


def _table(pdf, rows: list[tuple[str, ...]], layout: _Layout) -> None:
    from fpdf.fonts import FontFace

    pdf.set_font(_FONT, size=layout.body)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    heading = FontFace(family=_FONT, emphasis="", color=TEAL, fill_color=PANEL)
    with pdf.table(col_widths=(34, 33, 33), text_align="LEFT", borders_layout="HORIZONTAL_LINES",
                   headings_style=heading, line_height=layout.body * 0.5,
                   padding=1.5 * layout.scale) as table:  # fmt: skip
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(clean(cell))
    pdf.ln(2 * layout.scale)


def _header(pdf, text: CharterText, charter: Charter, layout: _Layout) -> None:
    # The QR code first, on the first page's top right: a title long enough to run onto the
    # next page must not carry it along.
    top, width = pdf.get_y(), pdf.w - 2 * layout.margin - layout.qr - 5 * layout.scale
    x = pdf.w - layout.margin - layout.qr
    _draw_qr(pdf, charter.feedback_url, x, top, layout.qr)
    pdf.set_xy(x, top + layout.qr)
    pdf.set_font(_FONT, size=layout.small)
    pdf.set_text_color(*INK)
    pdf.multi_cell(layout.qr, layout.small * 0.45, clean(text.caption), align="C",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    below = pdf.get_y()
    pdf.set_xy(layout.margin, top)
    _text(pdf, text.title, layout.title, TEAL, gap=2, width=width)
    _text(pdf, text.subtitle, layout.subtitle, gap=2, width=width)
    if pdf.page == 1:
        pdf.set_y(max(pdf.get_y(), below) + 3 * layout.scale)


def _dated(charter: Charter) -> datetime:
    """The file's creation date: the first of its wording's month (TEMPLATE_VERSION is
    "YYYY-MM"), never the time it was made, so the same charter gives the same bytes."""
    try:
        return datetime.strptime(charter.template_version[:7], "%Y-%m").replace(tzinfo=UTC)
    except ValueError:
        return datetime(2026, 1, 1, tzinfo=UTC)


def charter_pdf(charter: Charter, language: Language | str, poster: bool = False) -> bytes:
    """The charter in `language` as PDF bytes: A4, or an A3 poster; on one sheet when the
    type can shrink enough (FITS), else on as many as it takes at the smallest."""
    text = charter_sections(charter, language)
    for fit in FITS:
        pdf = _render(charter, text, _Layout(poster, fit))
        if pdf.pages_count == 1:
            break
    return bytes(pdf.output())


def _render(charter: Charter, text: CharterText, layout: _Layout):
    from fpdf import FPDF

    from functions.rendering.forum_report_pdf import _font_file

    pdf = FPDF(format=layout.paper, unit="mm")
    pdf.set_creation_date(_dated(charter))
    pdf.set_title(clean(f"{text.title}: {charter.centre_name}"[:200]))
    pdf.set_lang(text.language)
    pdf.set_auto_page_break(True, margin=layout.margin)
    pdf.add_font(_FONT, "", _font_file())
    pdf.set_margins(layout.margin, layout.margin, layout.margin)
    pdf.add_page()
    _header(pdf, text, charter, layout)
    for section in text.sections:
        if section.heading:
            if pdf.get_y() > pdf.h - layout.margin - 20 * layout.scale:
                pdf.add_page()  # a heading is not left alone at the foot of a page
            pdf.ln(1.5 * layout.scale)
            _text(pdf, section.heading, layout.heading, TEAL, gap=1.5)
        rows: list[tuple[str, ...]] = []
        for block in section.blocks:
            if block.kind in ("head", "row"):
                rows.append(block.cells)
                continue
            if rows:
                _table(pdf, rows, layout)
                rows = []
            if block.kind == "item":
                _item(pdf, block.text, layout)
            else:
                _text(pdf, block.text, layout.body)
        if rows:
            _table(pdf, rows, layout)
    return pdf


assert FONT_TEXT.exists()  # the font ships beside the forum report's
