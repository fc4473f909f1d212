"""From the web form to a rated resolution, through the links in the delivered mail only.

Everything real: the dev server on loopback, the Firestore and Cloud Tasks emulators (the
queue calls deliver_email back), the local mailbox, and Chromium at 360 px without JavaScript
for the parent and for the staff member, who never logs in.
"""

import re
import time

from playwright.sync_api import expect

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings

PARENT = "naledi@example.org"
STAFF = "lerato@sunflower.example.org"
REFERENCE = re.compile(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}")


def mail_to(address: str, reference: str, containing: str, timeout: float = 30.0):
    """The newest message to `address` about the case whose text holds `containing`."""
    deadline = time.monotonic() + timeout
    while True:
        found = [
            m for m in LocalMailbox(get_settings().local_mailbox_dir).list()
            if m.to == address and reference in m.subject + m.text and containing in m.text
        ]  # fmt: skip
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no mail to {address} with {containing!r}"
        time.sleep(0.3)


def link(text: str, label: str) -> str:
    """The URL on the line `- <label>: <url>` (staff mail), or the first URL to `label`."""
    found = re.search(rf"{re.escape(label)}: (http\S+)", text) or re.search(
        rf"(http\S*{re.escape(label)}\S*)", text
    )
    assert found, label
    return found.group(1)


def submit(page, text: str | None = None) -> None:
    if text is not None:
        page.locator("main textarea").first.fill(text)
    page.locator("main form button[type=submit], main form input[type=submit]").last.click()


def test_a_complaint_goes_from_the_form_to_a_rated_resolution_by_mail_links(
    site, browser, phone, screenshot
):
    # The parent sends a complaint from a phone.
    phone.goto(f"{site}/feedback_form")
    phone.get_by_label("Your child's centre").select_option(label="Sunflower Educare, Soweto")
    phone.locator("#f-kind-complaint").check()
    phone.get_by_label("Topic", exact=True).select_option(label="Facilities")
    phone.locator("#f-description").fill("The gate latch is broken <b>again</b>.")
    phone.locator("#f-reporter-name").fill("Naledi")
    phone.locator("#f-reporter-email").fill(PARENT)
    phone.locator("#f-consent-given").check()
    phone.get_by_role("button", name="Send feedback").click()
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    reference = REFERENCE.search(phone.locator("main").inner_text())[0]
    status_url = phone.get_by_role("link", name=re.compile("Follow your case")).get_attribute(
        "href"
    )
    status_url = status_url if status_url.startswith("http") else f"{site}/{status_url}"

    # A staff member acts from the alert in their mail, on their own phone, without a login.
    staff_context = browser.new_context(viewport={"width": 360, "height": 740},
                                        java_script_enabled=False)  # fmt: skip
    staff = staff_context.new_page()
    alert = mail_to(STAFF, reference, "case_action?token=")
    staff.goto(link(alert.text, "Acknowledge"))
    expect(staff.locator("main")).to_contain_text(reference)
    submit(staff)
    expect(staff.locator("main")).to_contain_text("Acknowledged")

    staff.goto(link(alert.text, "Ask the parent"))
    submit(staff, "Which gate: the front one or the side one?")
    expect(staff.locator("main")).to_contain_text("Which gate")

    # The parent gets the question by mail and answers from its link.
    question = mail_to(PARENT, reference, "case_reply?token=")
    assert "Which gate" in question.text
    phone.goto(link(question.text, "case_reply?token="))
    submit(phone, "The side gate, near the sandpit.")
    phone.goto(status_url)
    expect(phone.locator("main")).to_contain_text("Which gate")
    expect(phone.locator("main")).to_contain_text("The side gate, near the sandpit.")

    # The staff member resolves it from the same alert (each link works once).
    staff.goto(link(alert.text, "Resolve"))
    submit(staff, "We replaced the latch on the side gate this morning.")
    expect(staff.locator("main")).to_contain_text("Resolved")
    staff.goto(link(alert.text, "Acknowledge"))  # used: changes nothing, says so
    expect(staff.locator("main")).to_contain_text(re.compile("already used", re.I))
    staff_context.close()

    # The parent reads the resolution and rates it 5 from the mail.
    resolution = mail_to(PARENT, reference, "rate_case?token=")
    assert "replaced the latch" in resolution.text
    five = next(u for u in re.findall(r"http\S*rate_case\?token=\S+", resolution.text)
                if u.endswith("score=5"))  # fmt: skip
    phone.goto(five)
    submit(phone)

    phone.goto(status_url)
    main = phone.locator("main")
    for step in ("Acknowledged", "Which gate", "The side gate", "replaced the latch", "Closed"):
        expect(main).to_contain_text(step)
    expect(main).not_to_contain_text("Lerato")  # the centre keeps staff names internal
    screenshot(phone, "case_status_after_resolution")
