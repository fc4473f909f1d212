"""What a new user tripped over on `make run`, in a phone-sized Chromium with JavaScript off."""

import re

import pytest
from playwright.sync_api import expect

from functions import wiring

REFERENCE = re.compile(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}")


def fill_the_form(page, **changes):
    page.get_by_label("Your child's centre").select_option(label="Ubuntu Creche, Umlazi")
    page.locator("#f-kind-question").check()
    page.get_by_label("Topic", exact=True).select_option(label="Fees and administration")
    page.locator("#f-description").fill(changes.get("description", "When are fees due?"))
    page.locator("#f-reporter-phone").fill(changes.get("phone", "082 123 4567"))
    if changes.get("consent", True):
        page.locator("#f-consent-given").check()


def cases_for(reference: str) -> int:
    from google.cloud.firestore_v1.base_query import FieldFilter

    cases = wiring.firestore_client().collection("cases")
    return len(list(cases.where(filter=FieldFilter("reference", "==", reference)).stream()))


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_the_form_sends_from_either_host_and_a_refresh_sends_nothing_again(site, phone, host):
    """It posted to an absolute 127.0.0.1 address, which the page's form-action 'self' blocks
    on localhost; and the thanks page was the POST's answer, so a refresh re-posted."""
    phone.goto(site.replace("127.0.0.1", host) + "/feedback_form")
    fill_the_form(phone)
    phone.get_by_role("button", name="Send feedback").click()
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("We have your feedback")
    assert phone.url.startswith(site.replace("127.0.0.1", host))  # never sent to another host
    reference = REFERENCE.search(phone.locator("main").inner_text()).group(0)
    phone.reload()  # a GET: no "resend the form?" question, nothing sent again
    expect(phone.locator("main")).to_contain_text(reference)
    assert cases_for(reference) == 1
    phone.get_by_role("link", name="Follow your case").click()
    expect(phone.locator("main")).to_contain_text(reference)


FIELD = "xpath=ancestor::div[contains(@class, 'field')][1]"


@pytest.mark.parametrize(
    ("summary_text", "focused", "group", "label_text"),
    [
        ("Choose what you would like", "f-kind-complaint", "#f-kind", "What would you like"),
        ("Give an email address or a phone", "f-reporter-email", "#f-reporter-contact",
         "How can we reply to you?"),
        ("Tell us what happened", "f-description", FIELD, "Your message"),
    ],
)  # fmt: skip
def test_each_error_summary_link_focuses_its_field_with_label_and_error_in_view(
    site, phone, summary_text, focused, group, label_text
):
    phone.goto(f"{site}/feedback_form")
    phone.get_by_label("Your child's centre").select_option(label="Ubuntu Creche, Umlazi")
    phone.get_by_role("button", name="Send feedback").click()  # nearly everything missing
    phone.wait_for_load_state()  # rendered before the summary's link moves the focus
    phone.get_by_role("alert").get_by_role("link", name=re.compile(summary_text)).click()
    assert phone.evaluate("document.activeElement.id") == focused
    field = phone.locator(f"#{focused}")
    group = field.locator(group) if group.startswith("xpath") else phone.locator(group)
    for part in (group.get_by_text(label_text, exact=False).first,
                 group.locator(".error").first):  # fmt: skip
        box = part.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= 740, (part, box)


def test_the_email_or_phone_hint_and_its_error_sit_together(site, phone):
    phone.goto(f"{site}/feedback_form")
    fill_the_form(phone, phone="")
    phone.get_by_role("button", name="Send feedback").click()
    group = phone.locator("#f-reporter-contact")
    expect(group.locator(".hint").first).to_contain_text("an email, a phone number, or both")
    expect(group.locator("#f-reporter-contact-error")).to_contain_text("email address or a phone")


def test_every_page_leads_to_the_privacy_notice_and_how_to_reach_a_person(site, phone):
    for path in ("/feedback_form", "/case_status?token=nope", "/unsubscribe?token=nope"):
        phone.goto(site + path)
        phone.get_by_role("link", name="Privacy and contact").click()
        main = phone.locator("main")
        expect(main).to_contain_text("info@ecd.example.org")
        expect(main).to_contain_text("Information Officer")
        expect(main).to_contain_text("Information Regulator")
