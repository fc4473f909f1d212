"""A parent's word longer than the screen (a pasted link, a key held down) never makes a page
scroll sideways at 360 px: the staff page that quotes it wraps it."""

import json
import re
import time
import urllib.request

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests.browser.layout import sideways


def test_a_word_wider_than_the_screen_wraps_on_the_staff_page(site, phone):
    body = {"centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
            "description": "x" * 3_000, "reporter": {"phone": "082 123 4567"},
            "consent": {"given": True, "version": "2026-11"}}  # fmt: skip
    request = urllib.request.Request(f"{site}/submit_feedback", json.dumps(body).encode(),
                                     {"Content-Type": "application/json"})  # fmt: skip
    reference = json.load(urllib.request.urlopen(request))["reference"]
    deadline = time.monotonic() + 30
    while True:
        alerts = [m for m in LocalMailbox(get_settings().local_mailbox_dir).list()
                  if reference in m.subject and m.to.startswith("principal@")]  # fmt: skip
        if alerts:
            break
        assert time.monotonic() < deadline, f"no alert about {reference} to a principal in 30 s"
        time.sleep(0.3)
    phone.goto(re.search(r"Acknowledge: (http\S+)", alerts[0].text)[1])
    assert "x" * 100 in phone.content()
    assert sideways(phone) <= 0
