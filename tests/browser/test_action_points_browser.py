"""The action points page in Chromium at 360 px, JavaScript off: a point whose text is one
1,000-character word, with an owner's name as wide as allowed, overdue, never scrolls
sideways; the add form sent from the phone adds a point; a refused one fits too; the
widest point's edit form, unfolded, fits and edits it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions import wiring
from functions.config import get_settings
from functions.domain.directory.administrators import Administrator
from functions.services.reports.action_points import add_point
from tests.browser.layout import sideways


def test_the_action_points_page_fits_a_small_screen(site, phone, screenshot):
    month = datetime.now(UTC).strftime("%Y-%m")
    admin = Administrator(email=get_settings().local_admin_email, name="Local")
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    wide = add_point(wiring.dependencies(), admin, None, month,
                     {"text": "T" * 1000, "owner_name": "N" * 200,
                      "owner_email": "o" * 60 + "@example.org", "due": yesterday})  # fmt: skip
    phone.context.add_cookies([{"name": "admin_session", "value": "local-admin-token",
                                "url": f"{site}/admin"}])  # fmt: skip
    phone.goto(f"{site}/admin?page=action_points&month={month}")
    assert "T" * 1000 in phone.content() and "Overdue" in phone.content()
    assert sideways(phone) <= 0
    screenshot(phone, "admin_action_points")
    phone.fill("#ap-text", "Share the weekly menu with parents.")
    phone.fill("#ap-owner", "Lerato Molefe")
    phone.fill("#ap-due", (datetime.now(UTC) + timedelta(days=20)).date().isoformat())
    phone.click("#add ~ form button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "The action point was added." in phone.content()
    assert "Share the weekly menu with parents." in phone.content()
    assert sideways(phone) <= 0
    phone.fill("#ap-text", "W" * 1000)
    phone.fill("#ap-owner", "Lerato Molefe")
    phone.fill("#ap-email", "not-an-address@")
    phone.fill("#ap-due", "2030-01-01")
    phone.evaluate("document.querySelector('#ap-email').type = 'text'")  # past the browser's check
    phone.click("#add ~ form button[type=submit]")
    phone.wait_for_load_state()
    assert "Nothing was changed" in phone.content()
    assert sideways(phone) <= 0
    screenshot(phone, "admin_action_points_refused")
    # The widest point's edit form, unfolded, fits too; an edit sent from it lands.
    point = f"#point-{wide.point_id}"
    phone.click(f"{point} summary")
    assert phone.is_visible(f"#ed-due-{wide.point_id}")
    assert sideways(phone) <= 0
    screenshot(phone, "admin_action_points_edit")
    phone.fill(f"#ed-text-{wide.point_id}", "Fix the gate latch at the Soweto centre.")
    phone.fill(
        f"#ed-due-{wide.point_id}", (datetime.now(UTC) + timedelta(days=9)).date().isoformat()
    )
    phone.click(f"{point} details button[type=submit]")
    phone.wait_for_load_state()
    assert "The changes were saved." in phone.content()
    assert "Fix the gate latch at the Soweto centre." in phone.content()
    assert "T" * 1000 not in phone.content() and "Overdue" not in phone.content()
    assert sideways(phone) <= 0
