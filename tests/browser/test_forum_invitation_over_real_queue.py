"""A month set up over HTTP, with everything real: the Cloud Tasks emulator runs each
invitation batch and each delivery by calling the entry points back, mail lands in the local
mailbox, and a staff member registers in Chromium at 360 px from the personal link in their
invitation; the confirmation arrives with its calendar file, and its cancel link cancels."""

from __future__ import annotations

import json
import re
import time
import urllib.request

import icalendar

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests.browser.layout import sideways

STAFF = "lerato@sunflower.example.org"  # in the demo directory
MONTH = "2027-03"


def mail_to(address: str, subject_starts: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in LocalMailbox(get_settings().local_mailbox_dir).list()
                 if m.to == address and m.subject.startswith(subject_starts)]  # fmt: skip
        if found:
            return found
        assert time.monotonic() < deadline, f"no {subject_starts!r} mail to {address}"
        time.sleep(0.3)


def link(message, entry_point: str) -> str:
    found = re.search(rf"(https?://\S+/{entry_point}\?\S+)", message.text)
    assert found, entry_point
    return found.group(1)


def set_up(site: str) -> dict:
    request = urllib.request.Request(
        f"{site}/setup_monthly_forums", method="POST", data=json.dumps({"month": MONTH}).encode(),
        headers={"Authorization": "Bearer local-admin-token", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_set_up_invite_register_and_cancel_through_the_real_queue(site, phone):
    first = set_up(site)
    assert first["created"] == 3 and first["invitations"] == "queued"
    assert set_up(site)["changed"] is False  # again: nothing new, nobody invited twice

    (invitation,) = mail_to(STAFF, "You are invited")
    phone.goto(link(invitation, "forums"))
    assert sideways(phone) <= 0
    phone.locator("a[href*='forum_registration']").first.click()
    # The invitation filled in who they are.
    assert phone.input_value("#f-email") == STAFF and phone.input_value("#f-name")
    phone.select_option("#f-role", "staff")
    phone.select_option("#f-centre_id", "sunflower-soweto")
    phone.check("#f-consent")
    phone.click("button[type=submit]")
    assert "registered=" in phone.url

    (confirmation,) = mail_to(STAFF, "You are registered")
    filename, _, content = confirmation.attachment(0)
    assert filename == "invite.ics"
    assert str(icalendar.Calendar.from_ical(content)["METHOD"]) == "REQUEST"

    phone.goto(link(confirmation, "forum_registration"))
    phone.click("button[type=submit]")
    (cancelled,) = mail_to(STAFF, "Registration cancelled")
    assert any(a["filename"] == "invite.ics" for a in cancelled.attachments)
    time.sleep(2)  # a late duplicate delivery would show now
    assert len(mail_to(STAFF, "You are invited")) == 1
