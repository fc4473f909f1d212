"""A parent switches the pages to isiZulu or Afrikaans in a phone-sized Chromium, JavaScript
off, and the choice follows them through the form, the thanks page, their case page and the
acknowledgement email. Expected words come from the catalogues, not copied here."""

import re

import pytest
from playwright.sync_api import expect

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.rendering.translations import catalogue
from tests.browser.layout import sideways

REFERENCE = re.compile(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}")


def in_(language: str, english: str) -> str:
    return catalogue(language).gettext(english)


@pytest.fixture
def browser_in(browser):
    """A phone whose browser asks for `accept` (Accept-Language)."""
    contexts = []

    def open_phone(accept: str):
        context = browser.new_context(
            viewport={"width": 360, "height": 740}, java_script_enabled=False, locale=accept
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_phone
    for context in contexts:
        context.close()


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_a_parent_switches_to_isizulu_and_stays_in_it(site, phone, host, screenshot):
    base = site.replace("127.0.0.1", host)
    phone.goto(f"{base}/feedback_form")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    switcher = phone.get_by_role("navigation", name="Language")
    switcher.get_by_role("link", name="isiZulu").click()

    expect(phone.locator("html")).to_have_attribute("lang", "zu")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        in_("zu", "Tell us about your child's centre")
    )
    assert sideways(phone) <= 0  # no sideways scroll
    screenshot(phone, f"feedback-form-zu-{host}")
    # The language of the reply follows the page's unless the parent picks another.
    expect(phone.locator("#f-reporter-preferred_language")).to_have_value("zu")
    phone.locator("#f-centre_id").select_option(label="Ubuntu Creche, Umlazi")
    phone.locator("#f-kind-question").check()
    phone.locator("#f-category").select_option(value="fees_and_administration")
    phone.locator("#f-description").fill("Imali yesikole ikhokhwa nini?")
    phone.locator("#f-reporter-email").fill(f"nomsa.{host}@example.org")
    phone.locator("#f-consent-given").check()
    phone.get_by_role("button", name=in_("zu", "Send feedback")).click()
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()

    expect(phone.locator("html")).to_have_attribute("lang", "zu")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        in_("zu", "Thank you. We have your feedback.")
    )
    reference = REFERENCE.search(phone.locator("main").inner_text())[0]
    phone.get_by_role("link", name=in_("zu", "Follow your case")).click()
    expect(phone.locator("main")).to_contain_text(reference)
    expect(phone.locator("html")).to_have_attribute("lang", "zu")

    # Back to English from the case page: the same case, in English.
    phone.get_by_role("navigation", name=in_("zu", "Language")).get_by_role(
        "link", name="English"
    ).click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator("main")).to_contain_text(reference)

    mailbox = LocalMailbox(get_settings().local_mailbox_dir)
    acknowledgement = _wait_for_mail(mailbox, f"nomsa.{host}@example.org")
    subject = in_("zu", "We received your feedback (reference %(reference)s)")
    assert acknowledgement.subject == subject % {"reference": reference}


def test_an_afrikaans_browser_gets_afrikaans_without_choosing(site, browser_in):
    phone = browser_in("af-ZA")
    phone.goto(f"{site}/feedback_form")
    expect(phone.locator("html")).to_have_attribute("lang", "af")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        in_("af", "Tell us about your child's centre")
    )
    current = phone.locator('nav.langs a[aria-current="true"]')
    expect(current).to_have_text("Afrikaans")
    phone.get_by_role("link", name=in_("af", "Privacy and contact")).first.click()
    expect(phone.locator("html")).to_have_attribute("lang", "af")


def _wait_for_mail(mailbox: LocalMailbox, to: str, seconds: float = 30.0):
    """The message to `to` once the Cloud Tasks emulator has called deliver_email."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = [m for m in mailbox.list() if m.to == to]
        if found:
            return found[0]
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} within {seconds} s")
