"""A compiled forum summary as a printable A4 PDF (fpdf2, pure Python): the page's figures
in the same words (Rate.text: "91% (127 of 140)"), the rounding rule once, and small bar
charts drawn as rectangles with the figures in text beside them.

fpdf2 is imported here only, when a PDF is asked for (cold start). The text is set in DejaVu
Sans (functions/rendering/fonts/: a subset kept as base64 text, its licence and how it was
made beside it): deployed functions have no system fonts, and names in isiZulu, Afrikaans or
French need more than Latin-1. A character the font has no glyph for (an emoji) is printed
as "?"; line breaks and other controls inside a name or quote become spaces, so no text can
forge a line of its own.
"""

from __future__ import annotations

import base64
import io
import tempfile
import unicodedata
from datetime import UTC
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from functions.domain.reports.export import ROUNDING
from functions.domain.reports.summary import MonthSummary, Rate
from functions.domain.shared.vocabulary import label
from functions.rendering.filters import TIME_ZONE

FONT_TEXT = Path(__file__).parent / "fonts" / "DejaVuSans-subset.ttf.b64"
BAR_WIDTH = 60.0  # mm for 100%
TEAL, AMBER, GREEN, TRACK = (11, 93, 87), (178, 106, 0), (47, 125, 50), (230, 224, 213)


@cache
def _font_bytes() -> bytes:
    return base64.b64decode(FONT_TEXT.read_text("ascii"))


@cache
def _font_file() -> str:
    """The font as a file (fpdf2 reads a path), written once per instance to its /tmp."""
    with tempfile.NamedTemporaryFile(suffix=".ttf", delete=False) as out:
        out.write(_font_bytes())
    return out.name


@cache
def _glyphs() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(io.BytesIO(_font_bytes()), lazy=True).getBestCmap())


def clean(text: object) -> str:
    """Text the font can print: controls and separators as spaces, no glyph as '?'."""
    glyphs, out = _glyphs(), []
    for ch in str(text):
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(" ")
        else:
            out.append(ch if ord(ch) in glyphs else "?")
    return "".join(out)


def rate(r: Rate) -> str:
    return r.text


class _Report:
    def __init__(self):
        from fpdf import FPDF

        self.pdf = FPDF(format="A4", unit="mm")
        self.pdf.set_auto_page_break(True, margin=15)
        self.pdf.add_font("DejaVu", "", _font_file())
        self.pdf.set_margins(15, 15, 15)
        self.pdf.add_page()

    def text(self, text: str, size: float = 10, gap: float = 1.5) -> None:
        self.pdf.set_font("DejaVu", size=size)
        self.pdf.multi_cell(0, size * 0.5, clean(text), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(gap)

    def heading(self, text: str) -> None:
        self.pdf.ln(2)
        self.text(text, size=13, gap=1)

    def bar(self, caption: str, percent: int | None, colour) -> None:
        """A bar of `percent` (0-100) with its caption (the figures) written beside it."""
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 25:
            pdf.add_page()
        y, share = pdf.get_y() + 1, max(0, min(percent or 0, 100)) / 100
        pdf.set_fill_color(*TRACK)
        pdf.rect(pdf.l_margin, y, BAR_WIDTH, 3, style="F")
        if share:
            pdf.set_fill_color(*colour)
            pdf.rect(pdf.l_margin, y, BAR_WIDTH * share, 3, style="F")
        pdf.set_font("DejaVu", size=9)
        pdf.set_x(pdf.l_margin + BAR_WIDTH + 3)
        pdf.multi_cell(0, 4.5, clean(caption), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.8)


def render_pdf(summary: MonthSummary, title: str, scope_name: str, points=()) -> bytes:
    """The summary as PDF bytes (A4), with the figures the report page shows."""
    report, totals = _Report(), summary.totals
    report.text(title, size=16, gap=1)
    # South African time, as the page and the email show it (compiled_at may carry any offset).
    at = summary.compiled_at
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # naive: UTC, as filters.py reads it
    compiled = at.astimezone(ZoneInfo(TIME_ZONE))
    report.text(f"{scope_name}, {summary.month}. Version {summary.version}, compiled "
                f"{compiled:%Y-%m-%d %H:%M} South African time.", size=9)  # fmt: skip
    report.text(ROUNDING, size=9, gap=3)
    report.text(
        f"Attended: {totals.total.attended} of {totals.total.registered} registered "
        f"({totals.total.walk_ins} walk-ins, {totals.total.no_shows} no-shows)"
    )
    report.text(f"Satisfied (rated 4 or 5): {rate(totals.satisfied)}")
    report.text(f"Want monthly sessions: {rate(totals.wants_monthly)}")
    report.text(f"Answered the survey: {rate(totals.response_rate)} of those who attended")
    report.heading("Attendance by role and forum")
    biggest = max([1] + [f.total.attended for f in summary.forums])
    for forum in summary.forums:
        report.text(f"{forum.title} ({forum.starts_at:%Y-%m-%d}, {label(forum.format)})"
                    + (": cancelled" if forum.cancelled else ""), size=10, gap=0.5)  # fmt: skip
        report.text(f"All roles: {forum.total.attended} attended of {forum.total.registered} "
                    f"registered; {rate(forum.response_rate)} answered the survey", size=9,
                    gap=0.5)  # fmt: skip
        for r in forum.roles:
            if r.attended or r.registered:
                report.bar(f"{label(r.role)}: {r.attended} attended of {r.registered} registered",
                           round(100 * r.attended / biggest), TEAL)  # fmt: skip
        report.bar(f"Satisfied: {rate(forum.satisfied)}", forum.satisfied.percent, GREEN)
        report.text(f"Want monthly sessions: {rate(forum.wants_monthly)}", size=9, gap=1)
    report.heading("Pain points")
    report.text(f"What the {totals.respondents} respondents named, beside the "
                f"{summary.cases_total} cases received in the month.", size=9)  # fmt: skip
    for point in summary.pain_points:
        cases = f"{point.cases} case" + ("" if point.cases == 1 else "s")
        report.bar(f"{label(point.category)}: named by {rate(point.survey)}; {cases}",
                   point.survey.percent, AMBER)  # fmt: skip
    if summary.recommendations:
        report.heading("Recommendations")
        for group in summary.recommendations:
            report.text(label(group.category) if group.category else "Other recommendations",
                        size=10, gap=0.5)  # fmt: skip
            for q in group.quotes:
                report.text("\u2022 " + _quote(q.text, q.count, q.people), size=9, gap=0.5)
    report.heading("Centres that rank best")
    report.text(f"A centre ranks with at least {summary.rank_minimum} resolved cases "
                f"({summary.centres_ranked} did).", size=9)  # fmt: skip
    for c in summary.best_centres:
        satisfied = (f"{rate(c.satisfied)} satisfied" if c.satisfied
                     else f"satisfaction withheld ({c.rated} ratings)")  # fmt: skip
        report.text(
            f"{c.rank}. {c.centre_name}: {c.cases} cases; "
            f"{rate(c.resolved_in_time)} resolved in time; {satisfied}",
            size=9,
        )
    if summary.practices:
        report.heading("Promising practices")
        for p in summary.practices:
            where = f" ({p.centre_name})" if p.centre_name else ""
            report.text("\u2022 " + _quote(p.quote.text, p.quote.count, p.quote.people) + where,
                        size=9, gap=0.5)  # fmt: skip
    if points:
        report.heading("Action points")
        for p in points:
            report.text(f"\u2022 {p.text} ({p.owner.name}; due {p.due:%Y-%m-%d}; {p.state.value})",
                        size=9, gap=0.5)  # fmt: skip
    report.text("Names appear only where the respondent agreed to be quoted.", size=8, gap=0)
    return bytes(report.pdf.output())


def _quote(text: str, count: int, people) -> str:
    said = f"\u201c{text}\u201d" + (f" ({count} respondents)" if count > 1 else "")
    if people:
        said += " \u2014 " + ", ".join(f"{p.name} ({label(p.role)})" for p in people)
    return said
