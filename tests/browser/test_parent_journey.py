"""A parent on a phone, JavaScript off: the form, its errors, the confirmation, the status page."""

import re
import time

from playwright.sync_api import expect

from tests.browser.layout import sideways


def test_a_parent_fixes_a_mistake_sends_feedback_and_follows_the_case(site, phone, screenshot):
    phone.goto(f"{site}/feedback_form")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    phone.get_by_label("Your child's centre").select_option(
        label="Fynbos Early Learning, Khayelitsha"
    )
    phone.locator("#f-kind-complaint").check()
    phone.get_by_label("Topic", exact=True).select_option(label="Communication and delays")
    phone.locator("#f-description").fill("Nobody told us the centre closes early on Friday.")
    phone.locator("#f-reporter-name").fill("Ayanda")
    phone.locator("#f-reporter-phone").fill("082 12")  # a typo
    phone.get_by_role("button", name="Send feedback").click()

    summary = phone.get_by_role("alert")
    expect(summary).to_contain_text("There is a problem")
    expect(phone.locator("#f-reporter-phone-error")).to_contain_text("082 123 4567")
    expect(phone.locator("#f-consent-given-error")).to_be_visible()
    expect(phone.locator("#f-description")).to_have_value(
        "Nobody told us the centre closes early on Friday."
    )
    screenshot(phone, "feedback_form_errors")
    # The error summary's link takes the parent to the field.
    summary.get_by_role("link").first.click()
    assert phone.url.endswith("#f-reporter-phone")

    phone.locator("#f-reporter-phone").fill("082 123 4567")
    phone.locator("#f-consent-given").check()
    phone.get_by_role("button", name="Send feedback").click()
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()

    body = phone.locator("main")
    expect(body).to_contain_text("Fynbos Early Learning, Khayelitsha")
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", body.inner_text()).group(0)
    screenshot(phone, "feedback_received")

    phone.get_by_role("link", name=re.compile("Follow your case")).click()
    expect(phone.locator("main")).to_contain_text(reference)
    expect(phone.locator("main")).to_contain_text("Received")
    expect(phone.locator("main")).to_contain_text("Feedback received")
    screenshot(phone, "case_status")


def test_pages_fit_a_small_phone_without_sideways_scrolling(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for path in ("/feedback_form", "/case_status?token=nope"):
        page.goto(site + path)
        overflow = sideways(page)
        assert overflow <= 0, path
    context.close()


def test_the_parent_and_the_centre_team_get_their_mail_within_seconds(site, phone, screenshot):
    """Through the real Cloud Tasks emulator, which calls deliver_email back."""
    phone.goto(f"{site}/feedback_form")
    phone.get_by_label("Your child's centre").select_option(label="Ubuntu Creche, Umlazi")
    phone.locator("#f-kind-compliment").check()
    phone.get_by_label("Topic", exact=True).select_option(label="Learning programme")
    phone.locator("#f-description").fill("The new reading corner is wonderful.")
    phone.locator("#f-reporter-name").fill("Zodwa")
    phone.locator("#f-reporter-email").fill("zodwa@example.org")
    phone.locator("#f-consent-given").check()
    phone.get_by_role("button", name="Send feedback").click()
    phone.wait_for_load_state()
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", phone.locator("main").inner_text())[0]

    deadline = time.monotonic() + 30  # the queue and the server may be slow, not wrong
    while True:
        phone.goto(f"{site}/dev_mailbox")
        listing = phone.locator("main").inner_text()
        if listing.count(reference) >= 4 or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert "zodwa@example.org" in listing and "principal@ubuntu.example.org" in listing
    # the parent, the principal and the centre's two staff members
    assert listing.count(reference) == 4
    phone.get_by_role("link", name=re.compile("received|Thank", re.I)).first.click()
    expect(phone.locator("main")).to_contain_text(reference)
    screenshot(phone, "dev_mailbox_acknowledgement")
