"""What a new user tripped over, through the entry points (tests/browser has the rest)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Purpose
from tests.builders import submission
from tests.functions.test_feedback_form import csrf_token, filled


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []
        self.controls: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("href", "action", "src"):
            if name in attrs:
                self.targets.append(attrs[name])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden", "checkbox", "radio", "submit"
        ):  # fmt: skip
            self.controls.append(attrs)
        if tag == "label":
            self._label_for = attrs.get("for")
            self.labels[self._label_for] = ""

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] += data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None


def parsed(html: str) -> _Links:
    links = _Links()
    links.feed(html)
    return links


def every_page(client_for) -> dict[str, str]:
    """Each parent-facing page as a parent meets it, with the status and unsubscribe links real."""
    form = client_for("feedback_form")
    sent = form.post("/", data=filled(csrf_token(form.get("/").get_data(as_text=True))),
                     follow_redirects=True)  # fmt: skip
    token = wiring.signer().sign(Purpose.CASE_STATUS, re.search(
        r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", sent.get_data(as_text=True)).group(0))  # fmt: skip
    unsubscribe = unsubscribe_token("principal@ubuntu.example.org", wiring.signer())
    return {
        "form": form.get("/").get_data(as_text=True),
        "received": sent.get_data(as_text=True),
        "errors": form.post("/", data={"csrf_token": "x"}).get_data(as_text=True),
        "status": client_for("case_status").get(f"/?token={token}").get_data(as_text=True),
        "not found": client_for("case_status").get("/?token=x").get_data(as_text=True),
        "unsubscribe": client_for("unsubscribe")
        .get(f"/?token={unsubscribe}")
        .get_data(as_text=True),  # fmt: skip
        "privacy": client_for("privacy").get("/").get_data(as_text=True),
    }


def test_every_page_links_and_posts_to_addresses_on_the_host_it_came_from(client_for):
    """An absolute http://127.0.0.1 address breaks the pages on localhost (form-action 'self')
    and on any other name the service is reached by."""
    for name, html in every_page(client_for).items():
        for target in parsed(html).targets:
            assert not re.match(r"https?://", target) or "inforegulator" in target, (name, target)
        assert get_settings().public_base_url not in html, name


def test_the_privacy_page_names_the_network_its_contacts_and_its_information_officer(
    client_for, monkeypatch
):
    monkeypatch.setenv("NETWORK_NAME", "Ubuntu Kids Network")
    monkeypatch.setenv("NETWORK_CONTACT_EMAIL", "help@ubuntu-kids.example")
    monkeypatch.setenv("NETWORK_CONTACT_PHONE", "011 555 0199")
    monkeypatch.setenv("INFORMATION_OFFICER", "Nomsa Dlamini")
    monkeypatch.setenv("INFORMATION_OFFICER_EMAIL", "popia@ubuntu-kids.example")
    wiring.reset()
    html = client_for("privacy").get("/").get_data(as_text=True)
    for shown in ("Ubuntu Kids Network", "help@ubuntu-kids.example", "011 555 0199",
                  "Nomsa Dlamini", "popia@ubuntu-kids.example", "see", "deleted",
                  "Information Regulator"):  # fmt: skip
        assert shown in html


def test_pages_mail_and_consent_give_the_network_one_name(client_for, tasks, monkeypatch):
    monkeypatch.setenv("NETWORK_NAME", "Ubuntu Kids Network")
    wiring.reset()
    form_html = client_for("feedback_form").get("/").get_data(as_text=True)
    assert "I agree that Ubuntu Kids Network may keep" in form_html
    assert "ECD network" not in form_html and "ECD Network" not in form_html
    client_for("submit_feedback").post("/", json=submission(reporter={"email": "p@example.org"}))
    for body in tasks.take():
        client_for("deliver_email").post("/", json=body)
    mail = LocalMailbox(get_settings().local_mailbox_dir).list()
    assert mail and all(m.headers["From"].startswith("Ubuntu Kids Network <") for m in mail)
    assert all("Ubuntu Kids Network" in m.text for m in mail)


def test_a_reply_to_any_email_reaches_a_person(client_for, tasks):
    client_for("submit_feedback").post("/", json=submission(reporter={"email": "p@example.org"}))
    for body in tasks.take():
        client_for("deliver_email").post("/", json=body)
    for message in LocalMailbox(get_settings().local_mailbox_dir).list():
        assert message.headers["Reply-To"] == get_settings().network_contact_email
        assert "/privacy" in message.text  # and how to reach us, in every email


def test_every_question_not_required_says_optional_and_no_required_one_does(client_for):
    page = parsed(client_for("feedback_form").get("/").get_data(as_text=True))
    either = {"f-reporter-email", "f-reporter-phone"}  # one of the two: their group says so
    for control in page.controls:
        label = page.labels.get(control["id"], "")
        if control["id"] in either or control["name"] == "website":
            continue
        assert ("required" in control) != ("(optional)" in label), (control["id"], label)


def deliver_and_read(client_for, tasks) -> list:
    for body in tasks.take():
        client_for("deliver_email").post("/", json=body)
    return LocalMailbox(get_settings().local_mailbox_dir).list()


def test_an_anonymous_case_is_not_said_to_hold_personal_information(client_for, tasks):
    client_for("submit_feedback").post("/", json=submission(anonymous=True, reporter={}))
    alerts = deliver_and_read(client_for, tasks)
    assert len(alerts) == 3  # the principal and the two staff members
    for alert in alerts:
        assert "personal information" not in alert.text
        assert "shared in confidence" in alert.text


@pytest.mark.parametrize("category", ["staff_conduct", "child_wellbeing_and_safety"])
def test_complaints_that_may_concern_the_principal_reach_the_region_too(
    client_for, tasks, category
):
    client_for("submit_feedback").post("/", json=submission(kind="complaint", category=category))
    recipients = {m.to for m in deliver_and_read(client_for, tasks)}
    assert recipients == {"principal@sunflower.example.org", "admin.gauteng@ecd.example.org"}


def test_other_complaints_go_to_the_principal_and_the_staff_not_the_region(client_for, tasks):
    complaint = submission(kind="complaint", category="facilities")
    client_for("submit_feedback").post("/", json=complaint)
    recipients = {m.to for m in deliver_and_read(client_for, tasks)}
    assert recipients == {"principal@sunflower.example.org", "lerato@sunflower.example.org",
                          "bongani@sunflower.example.org"}  # fmt: skip
