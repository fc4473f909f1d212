"""A centre's charter in Chromium at 360 px (issue 12): the whole page, its times table
stacked a kind a block, fits without sideways scroll, in English and isiZulu, also with a
name a key held down made; the feedback form's link opens it, and its PDF link answers a PDF."""

from __future__ import annotations

from playwright.sync_api import expect

from functions import wiring
from tests.browser.conftest import SCREENSHOTS
from tests.browser.layout import sideways

CENTRE = "sunflower-soweto"


def no_sideways_scroll(page) -> bool:
    return sideways(page) <= 0


def test_the_charter_fits_a_small_phone_and_is_reached_from_the_form(site, phone):
    phone.goto(f"{site}/feedback_form?centre={CENTRE}")
    phone.get_by_role("link", name="Read the service charter").click()
    # A click waits only for the navigation to start: wait for the page before measuring it.
    phone.wait_for_load_state()
    assert phone.url.endswith(f"/charter?centre={CENTRE}")
    expect(phone.get_by_role("heading", name="How fast we answer")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "charter-360.png"), full_page=True)
    assert no_sideways_scroll(phone)
    # Stacked at this width: each kind a block, each time beside its label.
    row = phone.locator("table tr", has_text="Complaint").first
    box = row.bounding_box()
    assert box["width"] <= 360 and "8 working hours" in row.inner_text()
    phone.goto(f"{site}/charter?centre={CENTRE}&lang=zu")
    assert no_sideways_scroll(phone)
    pdf = phone.request.get(f"{site}/charter?centre={CENTRE}&format=pdf")
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


def test_a_name_wider_than_the_screen_wraps(site, phone):
    directory = wiring.centre_directory()
    centre = directory.get_centre(CENTRE)
    try:
        directory.save_centre(centre.model_copy(update={"name": "W" * 400, "address": "y" * 400}))
        phone.goto(f"{site}/charter?centre={CENTRE}")
        assert "W" * 100 in phone.content() and no_sideways_scroll(phone)
    finally:
        directory.save_centre(centre)
