"""The forums page and the registration form in Chromium at 360 px, JavaScript off, from
localhost and 127.0.0.1: nothing scrolls sideways (a 3,000-character word and markup in a
forum's title and in the name typed), errors sit beside their fields, and registering leads
to the confirmation with its cancel link, which cancels."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from functions import wiring
from tests.browser.layout import sideways
from tests.forum_builders import forum, store

WORD = "Ubuntu" * 500  # 3,000 characters, no space to break at
MARKUP = "<b>bold</b><script>document.title='owned'</script>"


def _hostile_forum():
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=5)
    one = forum(title=f"Forum {WORD} {MARKUP}", starts_at=starts)
    store(wiring.dependencies(), one)
    return one


def _fits(phone, what: str) -> None:
    overflow = sideways(phone)
    assert overflow <= 0, f"{what} scrolls sideways by {overflow}px"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_register_from_the_forums_page_on_a_small_phone(site, phone, screenshot, host):
    base = site.replace("127.0.0.1", host)
    event = _hostile_forum()
    phone.goto(f"{base}/forums")
    assert phone.viewport_size["width"] == 360
    _fits(phone, "the forums page")
    assert phone.locator("b", has_text="bold").count() == 0  # the title's markup is text
    assert phone.title() != "owned"
    screenshot(phone, f"forums-{host}")

    phone.locator(f"a[href*='forum={event.forum_id}']").first.click()
    # A click waits only for the navigation to start: wait for the page before measuring it.
    phone.wait_for_load_state()
    assert f"forum={event.forum_id}" in phone.url and phone.url.startswith(base)
    _fits(phone, "the registration form")

    # Sent empty (no JavaScript to stop it): the errors, each beside its field.
    phone.click("button[type=submit]")
    phone.wait_for_load_state()
    assert phone.url.startswith(base)
    _fits(phone, "the form with errors")
    for field in ("name", "role", "consent"):
        error = phone.locator(f"#f-{field}-error")
        expect(error).to_be_visible()
        wrapper = error.locator("xpath=..")
        assert wrapper.locator(f"#f-{field}").count() == 1, f"{field}'s error is not beside it"
        assert phone.locator(f"#f-{field}").get_attribute("aria-describedby") == (
            f"f-{field}-error"
        )
    assert phone.locator(".summary a[href='#f-name']").count() == 1
    screenshot(phone, f"forum-registration-errors-{host}")

    email = f"thandi.{uuid.uuid4().hex[:8]}@example.org"
    phone.fill("#f-name", f"{MARKUP} {WORD}")  # the field keeps 100 characters
    phone.select_option("#f-role", "parent")
    phone.select_option("#f-centre_id", "sunflower-soweto")
    phone.fill("#f-email", email)
    phone.fill("#f-needs", f"{WORD} {MARKUP}")
    phone.check("#f-consent")
    phone.click("button[type=submit]")
    phone.wait_for_load_state()

    assert "registered=" in phone.url and phone.url.startswith(base)
    _fits(phone, "the confirmation")
    assert phone.locator("b", has_text="bold").count() == 0 and phone.title() != "owned"
    cancel = phone.get_by_role("link", name="Cancel my registration")
    expect(cancel).to_be_visible()
    screenshot(phone, f"forum-registered-{host}")
    (registration,) = wiring.dependencies().forums.registrations(event.forum_id)
    assert registration.email == email and registration.state == "registered"
    assert registration.name.startswith(MARKUP)  # kept as typed, shown as text

    cancel.click()
    assert "cancel=" in phone.url
    _fits(phone, "the cancel page")
    phone.click("button[type=submit]")
    _fits(phone, "the cancelled page")
    assert "cancelled" in phone.content().lower()
    (registration,) = wiring.dependencies().forums.registrations(event.forum_id)
    assert registration.state == "cancelled"
