"""The printed charter (issue 12): the promised times the policy gives, read back from the
PDF as text; the same words the page shows (charter_sections); the same bytes for the same
charter; A4 and an A3 poster; a QR code that decodes to the centre's feedback form; and
hostile text that prints as text."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from functions.rendering.charter_pdf import charter_pdf, qr_matrix
from functions.rendering.charter_text import charter_sections
from tests.unit.test_charter_content import build, centre, policy

A4, A3 = (595.28, 841.89), (841.89, 1190.55)  # points


def pdf_text(data: bytes) -> str:
    """The PDF's words, one space between each (line breaks fall anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def qr_from_pdf(data: bytes) -> str:
    """Draw the PDF's first page's filled squares (the QR code is the only shape on the top
    right) at 4 pixels a point, and decode what they show."""
    import zxingcpp
    from PIL import Image, ImageDraw

    page = PdfReader(io.BytesIO(data)).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    stream = page.get_contents().get_data().decode("latin-1")
    boxes = [tuple(map(float, m.groups())) for m in re.finditer(
        r"([\d.]+) ([\d.]+) ([\d.]+) (-[\d.]+) re f", stream)]  # fmt: skip
    boxes = [b for b in boxes if b[0] > width / 2 and b[1] > height * 0.7]
    assert boxes, "no QR code drawn"
    scale = 4
    image = Image.new("L", (int(width * scale), int(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, w, h in boxes:
        top = height - y  # PDF y grows upwards
        draw.rectangle([x * scale, top * scale, (x + w) * scale - 1, (top - h) * scale - 1],
                       fill=0)  # fmt: skip
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    return found[0].text


def test_the_pdf_shows_the_policy_s_times_as_the_page_text_does():
    the_policy = policy({("complaint", False): {"acknowledge_hours": 5, "resolve_hours": 33}})
    charter = build(the_policy=the_policy)
    text = pdf_text(charter_pdf(charter, "en"))
    assert "Complaint 5 working hours 33 working hours" in text
    assert "Anything urgent 2 hours 24 hours" in text
    assert "Compliment 20 working hours Shared with the whole team" in text
    # Every block of the sections the page shows is in the PDF, word for word.
    sections = charter_sections(charter, "en")
    for section in sections.sections:
        assert flat(section.heading) in text
        for block in section.blocks:
            assert flat(block.text or " ".join(block.cells)) in text, block


def test_a_changed_policy_prints_the_new_times():
    before = pdf_text(charter_pdf(build(), "en"))
    faster = build(the_policy=policy({(None, True): {"acknowledge_hours": 1}}))
    after = pdf_text(charter_pdf(faster, "en"))
    assert "Anything urgent 2 hours" in before and "Anything urgent 1 hour 24 hours" in after


def test_the_same_charter_gives_the_same_bytes_and_a_change_other_bytes():
    charter = build()
    first = charter_pdf(charter, "en")
    assert charter_pdf(charter, "en") == first
    assert charter_pdf(build(commitments=["We greet every child by name."]), "en") != first
    assert b"/CreationDate (D:20261201" in first  # the wording's month, not the time made


def test_a4_and_an_a3_poster_each_with_the_feedback_form_s_qr_code():
    charter = build()
    for poster, size in ((False, A4), (True, A3)):
        data = charter_pdf(charter, "en", poster=poster)
        box = PdfReader(io.BytesIO(data)).pages[0].mediabox
        assert (round(float(box.width), 1), round(float(box.height), 1)) == (
            round(size[0], 1), round(size[1], 1))  # fmt: skip
        assert qr_from_pdf(data) == charter.feedback_url


def test_the_qr_matrix_is_segno_s_code_of_the_url():
    import segno

    url = "https://f.example/feedback_form?centre=sunflower-soweto"
    matrix = qr_matrix(url)
    assert len(matrix) == len(matrix[0]) == segno.make(url, error="m").symbol_size()[0]


@pytest.mark.parametrize("language", ["zu", "af"])
def test_isizulu_and_afrikaans_versions_print_their_own_words(language):
    charter = build()
    text = pdf_text(charter_pdf(charter, language))
    sections = charter_sections(charter, language)
    rows = [b for b in sections.section("times").blocks if b.kind == "row"]
    assert flat(" ".join(rows[0].cells)) in text
    assert "?" not in text.replace("?centre=", "")  # every character has a glyph


def test_hostile_text_prints_as_text_on_pages_of_its_own():
    hostile = "<b>Sun</b>\r\nBcc: x@evil \u2028 \ud800 " + "y" * 5000
    charter = build(centre(name=hostile, address=hostile), commitments=[hostile] * 3)
    data = charter_pdf(charter, "en")
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) > 2  # long words wrap onto more pages, nothing is lost off the edge
    text = pdf_text(data)
    assert "<b>Sun</b> Bcc: x@evil" in text
    poster = charter_pdf(charter, "en", poster=True)
    assert qr_from_pdf(poster) == charter.feedback_url


def test_the_poster_and_the_english_a4_each_fit_one_sheet():
    """A notice board takes one sheet: the type shrinks (within FITS) until the charter fits;
    ten long commitments still print whole, on more pages at the smallest size."""
    charter = build(commitments=["We phone you the same day if your child is unwell."])
    assert len(PdfReader(io.BytesIO(charter_pdf(charter, "en", poster=True))).pages) == 1
    assert len(PdfReader(io.BytesIO(charter_pdf(charter, "en"))).pages) == 1
    long = build(commitments=[f"Commitment {n}: " + "we keep our word. " * 15 for n in range(10)])
    printed = charter_pdf(long, "en", poster=True)
    assert len(PdfReader(io.BytesIO(printed)).pages) > 1
    assert "Commitment 9:" in pdf_text(printed)
