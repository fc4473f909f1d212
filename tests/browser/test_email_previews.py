"""Every email preview in Chromium on a small phone: it fits, and the reference is visible."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from functions.devtools.preview_emails import previews
from functions.rendering import render_email
from tests.browser.layout import sideways

PREVIEWS = previews()


@pytest.mark.parametrize("preview", PREVIEWS, ids=lambda p: p.name)
def test_each_email_fits_a_small_phone_and_shows_its_reference(preview, phone, screenshot):
    email = render_email(preview.template, preview.data)
    phone.set_content(email.html)
    assert phone.viewport_size == {"width": 360, "height": 740}
    screenshot(phone, f"email-{preview.name}")

    overflow = sideways(phone)
    assert overflow <= 0, f"{preview.name} scrolls sideways by {overflow}px"
    # A case's reference, a forum's title, or an advisory network's region names what the
    # mail is about (as the template tests hold every email to).
    data = preview.data
    named = data.get("reference") or data.get("forum_title") or data.get("region_name")
    assert named, f"{preview} names nothing it is about"
    reference = phone.get_by_text(named).filter(visible=True).first
    expect(reference).to_be_visible()
    assert phone.locator("h1").bounding_box()["y"] < 740  # the point is on the first screen
    if preview.data.get("urgent"):
        banner = phone.get_by_role("alert")
        expect(banner).to_be_visible()
        box = banner.bounding_box()
        assert box["y"] + box["height"] <= 740, "the urgent banner is not on the first screen"
        assert box["y"] < phone.locator("h1").bounding_box()["y"]
    # The hidden preview text stays hidden.
    expect(phone.locator("body > div").first).to_be_hidden()
