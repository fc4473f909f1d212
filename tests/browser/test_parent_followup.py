"""A parent on a small phone, JavaScript off, follows their case: the centre's question on
the status page, their reply, then the resolution and its rating."""

import re

from playwright.sync_api import expect

from tests.browser.layout import sideways
from tests.functions.test_case_reply import staff_step

QUESTION = "Which Friday was it, and at what time did you arrive?"
REPLY = "Friday 12 March. I arrived at 12:30 and the gate was locked."


def test_a_parent_answers_the_centre_and_rates_the_resolution(site, phone, screenshot):
    phone.goto(f"{site}/feedback_form")
    phone.get_by_label("Your child's centre").select_option(
        label="Fynbos Early Learning, Khayelitsha"
    )
    phone.locator("#f-kind-complaint").check()
    phone.get_by_label("Topic", exact=True).select_option(label="Communication and delays")
    phone.locator("#f-description").fill("Nobody told us the centre closes early on Friday.")
    phone.locator("#f-reporter-phone").fill("082 123 4567")  # no email: the page is all there is
    phone.locator("#f-consent-given").check()
    phone.get_by_role("button", name="Send feedback").click()
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", phone.locator("main").inner_text())[0]
    phone.get_by_role("link", name=re.compile("Follow your case")).click()
    status_url = phone.url
    main = phone.locator("main")
    expect(main).to_contain_text(reference)
    expect(main).to_contain_text("Add something to your case")  # open: a word may be added

    staff_step(reference, "ask", QUESTION)
    phone.reload()
    expect(main).to_contain_text("We are waiting for your reply")
    expect(main).to_contain_text(QUESTION)
    expect(main).to_contain_text("paused until you reply")
    screenshot(phone, "case_status_question")

    phone.get_by_label(re.compile("Your message to")).fill(REPLY)
    phone.get_by_role("button", name="Send your reply").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Your reply was sent")
    screenshot(phone, "case_reply_sent")
    phone.get_by_role("link", name="See your case").click()
    phone.wait_for_load_state()  # loaded: what must be absent is truly absent
    expect(main).to_contain_text("Reply received")
    expect(main).to_contain_text(REPLY)
    expect(main).not_to_contain_text("We are waiting for your reply")
    expect(main).to_contain_text("Being looked into")

    staff_step(reference, "resolve", "From now on we send the closing time by Wednesday.")
    phone.goto(status_url)
    expect(main).to_contain_text("From now on we send the closing time by Wednesday.")
    expect(phone.get_by_role("heading", name="How did we do?")).to_be_visible()
    expect(phone.get_by_label("Your message to", exact=False)).to_have_count(0)  # resolved
    screenshot(phone, "case_status_rating")
    phone.get_by_label("2 – Poor").check()
    phone.locator("#f-comment").fill("The message still came on Friday morning.")
    phone.get_by_role("button", name="Send your rating").click()
    phone.wait_for_load_state()  # loaded: the rating form's absence means something

    assert phone.url == status_url  # back on the status page, its history told
    expect(main).to_contain_text("You rated the resolution 2 out of 5.")
    expect(main).to_contain_text("the principal will look into it again")
    expect(main).to_contain_text("Being looked into")
    expect(phone.get_by_role("button", name="Send your rating")).to_have_count(0)
    screenshot(phone, "case_status_reopened")


def test_the_status_page_with_its_forms_fits_a_small_phone(site, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{site}/feedback_form")
    page.get_by_label("Your child's centre").select_option(label="Ubuntu Creche, Umlazi")
    page.locator("#f-kind-question").check()
    page.get_by_label("Topic", exact=True).select_option(label="Fees and administration")
    page.locator("#f-description").fill("When are the December fees due?")
    page.locator("#f-anonymous").check()
    page.locator("#f-consent-given").check()
    page.get_by_role("button", name="Send feedback").click()
    page.wait_for_load_state()
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", page.locator("main").inner_text())[0]
    page.get_by_role("link", name=re.compile("Follow your case")).click()
    staff_step(reference, "ask", "Which child is it about? " + "Please tell us more. " * 20)
    page.reload()
    expect(page.locator("main")).to_contain_text("We are waiting for your reply")
    overflow = sideways(page)
    assert overflow <= 0
    context.close()
