"""confirm_charter (the principal's signed link) and remind_charters (the daily job) over the
Firestore emulator, through the entry points, from the links in the delivered mail: GET
changes nothing, POST with the form's token confirms once; a link is for one centre and one
version, and cannot be forged; a principal who has not confirmed 7 days on is reminded once
per version."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.shared.signing import Purpose, Signer
from tests.functions import charter_support
from tests.functions.charter_support import (
    START,
    inbox,
    outbox,
    records,
    replay,
    save_centre,
)
from tests.functions.test_feedback_form import csrf_token

# The fixtures every test here uses (pytest finds them as this module's names).
clock, distribute = charter_support.clock, charter_support.distribute
SUNFLOWER = "principal@sunflower.example.org"


@pytest.fixture
def sent(distribute, client_for, tasks):
    """Every demo centre's charter sent and delivered; sent(): again after a change."""

    def send() -> None:
        assert distribute().status_code == 200
        replay(client_for, tasks, "send_charter")
        replay(client_for, tasks, "deliver_email")

    send()
    return send


def _link(mail) -> str:
    """The path and query of the mail's confirm_charter link."""
    found = re.search(r"https?://[^/\s]+/confirm_charter(\?[^\s\"<>]*)", mail.text)
    assert found, mail.subject
    return "/" + found.group(1)


def _confirm(client, link: str):
    page = client.get(link)
    assert page.status_code == 200, page.text
    return client.post(link, data={"csrf_token": csrf_token(page.text)})


def test_the_principal_confirms_from_the_link_in_the_email(sent, client_for, clock):
    (mail,) = inbox(SUNFLOWER)
    link, client = _link(mail), client_for("confirm_charter")
    before = records()
    page = client.get(link)
    assert page.status_code == 200 and "Confirm the charter is displayed" in page.text
    assert 'method="post"' in page.text and before["sunflower-soweto"]["version"] in page.text
    assert records() == before  # a mail scanner following the link confirms nothing
    forged = client_for("confirm_charter").post(link, data={"csrf_token": "x"})
    assert forged.status_code == 403 and records() == before
    clock.now = START + timedelta(days=2)
    done = client.post(link, data={"csrf_token": csrf_token(page.text)})
    assert done.status_code == 303 and done.headers["Location"].endswith("&done=1")
    record = records()["sunflower-soweto"]
    assert record["confirmed_version"] == record["version"]
    assert record["confirmed_at"] == clock.now
    assert [e["step"] for e in record["history"]] == ["sent", "confirmed"]
    thanks = client.get("/" + done.headers["Location"].split("confirm_charter", 1)[1])
    assert "you have confirmed that the charter is on display" in thanks.text
    assert 'href="charter?centre=sunflower-soweto"' in thanks.text
    clock.now = START + timedelta(days=3)
    # The form sent again (back, then the button again) changes nothing.
    again = client.post(link, data={"csrf_token": csrf_token(page.text)})
    assert again.status_code == 303 and records()["sunflower-soweto"] == record
    assert "already confirmed" in client.get(link).text
    others = {k: v for k, v in records().items() if k != "sunflower-soweto"}
    assert all(r["confirmed_version"] is None for r in others.values())


def test_a_link_for_an_old_version_says_a_newer_charter_was_sent(sent, client_for):
    (old_mail,) = inbox(SUNFLOWER)
    save_centre("sunflower-soweto", phone="+27115550100")
    sent()
    new_mail = inbox(SUNFLOWER)[0]  # newest first
    assert new_mail.subject.startswith("New service charter")
    client = client_for("confirm_charter")
    page = client.get(_link(old_mail))
    assert page.status_code == 200 and "A newer charter was sent" in page.text
    assert 'method="post"' not in page.text
    refused = client.post(_link(old_mail), data={"csrf_token": csrf_token(
        client.get(_link(new_mail)).text)})  # fmt: skip
    assert refused.status_code == 409 and "A newer charter was sent" in refused.text
    assert records()["sunflower-soweto"]["confirmed_version"] is None
    assert _confirm(client, _link(new_mail)).status_code == 303
    record = records()["sunflower-soweto"]
    assert record["confirmed_version"] == record["version"] != record["history"][0]["version"]


def test_a_confirmation_link_opens_one_centre_and_cannot_be_forged(sent, client_for):
    link = _link(inbox(SUNFLOWER)[0])
    token = link.split("token=", 1)[1]
    version = records()["sunflower-soweto"]["version"]
    other_key = Signer([b"not our key"]).sign(
        Purpose.CHARTER_CONFIRM, f"sunflower-soweto:{version}"
    )
    wrong_purpose = wiring.signer().sign(Purpose.ADVISORY_RESPONSE, f"sunflower-soweto:{version}")
    gone = wiring.signer().sign(Purpose.CHARTER_CONFIRM, f"atlantis:{version}")
    client = client_for("confirm_charter")
    before = records()
    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), other_key,
                wrong_purpose, gone, "", "x" * 10_000, "a%0D%0Ab", "%ED%A0%80", "%00"):  # fmt: skip
        for method in ("GET", "POST"):
            answer = client.open(f"/?token={bad}", method=method, data={"csrf_token": "x"})
            assert answer.status_code == 404, (bad[:20], method)
    assert client.get("/").status_code == 404
    assert records() == before
    # The link of one centre confirms that centre only.
    assert _confirm(client, link).status_code == 303
    confirmed = {k for k, r in records().items() if r["confirmed_version"]}
    assert confirmed == {"sunflower-soweto"}


def test_unconfirmed_centres_are_reminded_once_a_version_seven_days_on(
    sent, client_for, clock, tasks
):
    assert _confirm(client_for("confirm_charter"), _link(inbox(SUNFLOWER)[0])).status_code == 303
    remind = client_for("remind_charters")
    clock.now = START + timedelta(days=6, hours=23)
    assert remind.post("/").json == {"due": 0, "reminded": 0, "already": 0, "skipped": 0}
    clock.now = START + timedelta(days=7)
    assert remind.post("/").json == {"due": 4, "reminded": 4, "already": 0, "skipped": 0}
    assert remind.post("/").json == {"due": 0, "reminded": 0, "already": 0, "skipped": 0}
    reminders = outbox("charter_reminder")
    assert len(reminders) == 4 and SUNFLOWER not in {m["to"] for m in reminders}
    assert all(m["data"]["charter"] is not None for m in reminders)  # the PDFs again
    replay(client_for, tasks, "deliver_email")
    (reminder, _) = inbox("principal@ubuntu.example.org")
    assert reminder.subject.startswith("Reminder: is the service charter on display")
    assert [a["filename"] for a in reminder.attachments] == [
        "charter-en.pdf", "charter-zu.pdf", "charter-poster-en.pdf"]  # fmt: skip
    assert _confirm(client_for("confirm_charter"), _link(reminder)).status_code == 303
    record = records()["ubuntu-umlazi"]
    assert record["reminded_version"] == record["confirmed_version"] == record["version"]
    # A new version starts again: reminded once, 7 days after it was sent.
    save_centre("fynbos-khayelitsha", phone="+27215550100")
    clock.now = START + timedelta(days=8)
    sent()
    clock.now = START + timedelta(days=14, hours=23)
    assert remind.post("/").json == {"due": 0, "reminded": 0, "already": 0, "skipped": 0}
    clock.now = START + timedelta(days=15)
    assert remind.post("/").json == {"due": 1, "reminded": 1, "already": 0, "skipped": 0}
    latest = [m for m in outbox("charter_reminder") if m["to"] == "principal@fynbos.example.org"]
    assert len(latest) == 2 and latest[0]["data"]["version"] != latest[1]["data"]["version"]


def test_the_job_takes_the_schedulers_token_and_a_local_time_under_make_run_only(
    sent, client_for, clock, monkeypatch
):
    assert client_for("remind_charters", signed=False).post("/").status_code == 401
    remind = client_for("remind_charters")
    assert remind.post("/?now=2026-12-09T08:00:00%2B02:00").status_code == 400
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    early = remind.post("/?now=2026-12-07T08:00:00%2B02:00").json
    assert early["reminded"] == 0 and early["now"] == "2026-12-07T08:00:00+02:00"
    assert remind.post("/?now=2026-12-09T08:00:00%2B02:00").json["reminded"] == 5
    assert remind.post("/?now=yesterday").status_code == 400
    assert len(outbox("charter_reminder")) == 5
