"""A staff member on a phone, JavaScript off, acting on a case from the link in their mail."""

from __future__ import annotations

import re
import time

import requests
from playwright.sync_api import expect

from functions import wiring
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.shared.vocabulary import StaffAction
from tests.browser.layout import sideways
from tests.builders import submission


def new_case(site: str) -> str:
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description="The gate latch is broken " * 20,
                      reporter={"email": "parent@example.org"})  # fmt: skip
    answer = requests.post(f"{site}/submit_feedback", json=body, timeout=10)
    assert answer.status_code == 201
    return answer.json()["reference"]


def url(site: str, reference: str, action: StaffAction, email: str) -> str:
    person = person_key(email)
    ident = link_id(f"browser-{time.monotonic_ns()}", reference, action)
    token = ActionLink(action, reference, person, ident).token(wiring.signer())
    return f"{site}/case_action?token={token}"


def fits(page) -> bool:
    return sideways(page) <= 0


def test_a_staff_member_asks_the_parent_from_a_phone(site, phone, screenshot):
    reference = new_case(site)
    phone.goto(url(site, reference, StaffAction.ASK_PARENT, "lerato@sunflower.example.org"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(reference)
    assert fits(phone)
    screenshot(phone, "case_action_form")

    phone.get_by_role("button", name="Ask the parent").click()  # empty: the browser refuses
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Ask the parent")

    phone.get_by_label("Your question for the parent").fill("Is it the front gate or the back?")
    phone.get_by_role("button", name="Ask the parent").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Done")
    main = phone.locator("main")
    expect(main).to_contain_text("Waiting for the parent's reply")
    expect(main).to_contain_text("Is it the front gate or the back?")
    expect(main).to_contain_text("Lerato Khumalo (you)")
    assert fits(phone)
    screenshot(phone, "case_action_done")

    phone.go_back()
    phone.reload()  # the form again, from the browser's history: the link has done its work
    expect(phone.get_by_role("heading", level=1)).to_contain_text("already used")


def test_the_reassign_choices_fit_a_small_phone(site, browser):
    reference = new_case(site)
    context = browser.new_context(viewport={"width": 320, "height": 640},
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.goto(url(site, reference, StaffAction.REASSIGN, "principal@sunflower.example.org"))
    expect(page.get_by_role("radio")).to_have_count(3)
    page.get_by_role("radio", name=re.compile("Bongani Zulu")).check()
    assert fits(page)
    page.get_by_role("button", name="Reassign").click()
    expect(page.locator("main")).to_contain_text("The case is now with Bongani Zulu")
    context.close()
