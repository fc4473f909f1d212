"""The administrators' charter pages in Chromium at 360 px, JavaScript off: a centre's page
with ten commitments each one 300-character word, the charter's preview and its times table,
never scrolls sideways; commitments typed on the phone are saved and shown in the preview;
a refused list keeps what was typed and fits; the overview and the admin home's panel fit,
and the page's button sends the centre's charter."""

from __future__ import annotations

from functions import wiring
from functions.config import get_settings
from functions.domain.directory.administrators import Administrator
from functions.services.charters.commitments import set_commitments
from tests.browser.layout import sideways

CENTRE = "little-stars-tembisa"


def test_the_charter_pages_fit_a_small_screen(site, phone, screenshot):
    admin = Administrator(email=get_settings().local_admin_email, name="Local")
    wide = [chr(ord("A") + n) * 300 for n in range(10)]
    set_commitments(wiring.dependencies(), admin, CENTRE, wide)
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    phone.goto(f"{site}/admin?page=charter&centre={CENTRE}")
    html = phone.content()
    assert "Charter of Little Stars ECD, Tembisa" in html and "J" * 300 in html
    preview = phone.inner_text("#charter-preview")
    assert "A" * 300 in preview
    assert sideways(phone) <= 0
    screenshot(phone, "admin_charter_centre")
    phone.fill("#ch-commitments", "We greet every child by name.\nCalls answered in isiZulu.")
    phone.click("#commitments ~ form button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "The local commitments are saved" in phone.content()
    assert "We greet every child by name." in phone.inner_text("#charter-preview")
    assert "A" * 300 not in phone.content()
    assert sideways(phone) <= 0
    phone.fill("#ch-commitments", "W" * 301)
    phone.click("#commitments ~ form button[type=submit]")
    phone.wait_for_load_state()
    assert "Nothing was changed" in phone.content() and "W" * 301 in phone.content()
    assert sideways(phone) <= 0
    screenshot(phone, "admin_charter_centre_refused")
    phone.goto(f"{site}/admin?page=charter&centre={CENTRE}")
    phone.click("text=Send this centre's charter now")
    phone.wait_for_load_state()
    assert "This centre's charter is being sent to its principal." in phone.content()
    phone.goto(f"{site}/admin?page=charters")
    assert "Little Stars ECD, Tembisa" in phone.content()
    assert sideways(phone) <= 0
    screenshot(phone, "admin_charters")
    phone.goto(f"{site}/admin")
    assert "Service charters" in phone.content()
    assert sideways(phone) <= 0
