"""Charters distributed over HTTP with everything real, as under `make run`: the Cloud Tasks
emulator runs each send_charter task and each delivery by calling the entry points back;
every demo principal's charter lands in the local mailbox with its PDFs; one principal
confirms the display in Chromium at 360 px from the link in their email, and the
administrators' status says so. Distributing again sends nothing."""

from __future__ import annotations

import json
import re
import time
import urllib.request

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from tests.browser.layout import sideways

PRINCIPALS = {"principal@sunflower.example.org", "principal@littlestars.example.org",
              "principal@fynbos.example.org", "principal@protea.example.org",
              "principal@ubuntu.example.org"}  # fmt: skip
ADMIN = {"Authorization": "Bearer local-admin-token", "Content-Type": "application/json"}


def mailbox() -> list:
    return LocalMailbox(get_settings().local_mailbox_dir).list()


def settled_mailbox(quiet: float = 3.0, timeout: float = 30.0) -> set[str]:
    """The ids in the mailbox once nothing has arrived for `quiet` seconds: the stack is
    shared with the other browser tests, whose queued mail may still be on its way."""
    deadline, seen, since = time.monotonic() + timeout, None, time.monotonic()
    while time.monotonic() < deadline:
        ids = {m.id for m in mailbox()}
        if ids != seen:
            seen, since = ids, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.3)
    return seen or set()


def charters_sent(before: set[str], timeout: float = 60.0) -> list:
    """The charters that reached the principals since `before` (the ids already in the
    mailbox: the stack is shared with the other browser tests, which may have sent some)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mailbox() if m.id not in before
                 and "charter" in m.subject and m.to in PRINCIPALS]  # fmt: skip
        if {m.to for m in found} == PRINCIPALS:
            return found
        assert time.monotonic() < deadline, f"charters to {sorted({m.to for m in found})}"
        time.sleep(0.3)


def call(site: str, path: str, body: dict | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{site}/{path}", data=data, headers=ADMIN,
                                     method="GET" if body is None else "POST")  # fmt: skip
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.loads(answer.read())


def test_distribute_then_a_principal_confirms_from_the_email(site, phone):
    before = settled_mailbox()
    first = call(site, "distribute_charters", {})
    assert first["centres"] == 5 and first["queued"] == 5
    mails = charters_sent(before)
    assert len(mails) == 5, [(m.to, m.headers.get("Message-ID"), m.sent_at) for m in mails]
    (sunflower,) = [m for m in mails if m.to == "principal@sunflower.example.org"]
    # Sunflower speaks English and isiZulu with parents (infra/demo/demo_data.json): an A4
    # charter in each, and the poster.
    assert [a["filename"] for a in sunflower.attachments] == [
        "charter-en.pdf", "charter-zu.pdf", "charter-poster-en.pdf"]  # fmt: skip
    assert sunflower.attachment(0)[2].startswith(b"%PDF")

    link = re.search(r"(https?://\S+/confirm_charter\?\S+)", sunflower.text).group(1)
    phone.goto(link)
    assert sideways(phone) <= 0
    phone.click("button[type=submit]")
    # A click waits only for the navigation to start: wait for the page before reading it.
    phone.wait_for_load_state()
    assert "you have confirmed that the charter is on display" in phone.content()
    phone.click("a[href^='charter?centre=']")
    assert "charter?centre=sunflower-soweto" in phone.url

    status = call(site, "admin_api/charters?region=gauteng")
    centres = {c["centre_id"]: c for c in status["regions"][0]["centres"]}
    assert centres["sunflower-soweto"]["displays_current"] is True
    assert centres["little-stars-tembisa"]["displays_current"] is False

    again = call(site, "distribute_charters", {})
    assert again["queued"] == 0 and again["unchanged"] == 5
    time.sleep(2)  # a late duplicate delivery would show now
    assert len(charters_sent(before)) == 5
