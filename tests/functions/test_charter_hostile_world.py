"""The service charter (issue 12) attacked as a hostile world would, over the emulator and
through the entry points: invisible direction controls in the directory's text, a version
sent again after another replaced it, a principal's address that cannot be used or changes
only in case, and hostile queries, tokens and bodies (4xx, never 500, nothing changed)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from functions import wiring
from tests import oidc
from tests.functions import charter_support
from tests.functions.charter_support import (
    NETWORK_ADMIN,
    START,
    inbox,
    outbox,
    queued,
    records,
    replay,
    save_centre,
)
from tests.functions.test_feedback_form import csrf_token

# The fixtures every test here uses (pytest finds them as this module's names).
clock, distribute = charter_support.clock, charter_support.distribute
CENTRE = "sunflower-soweto"
SUNFLOWER = "principal@sunflower.example.org"
# Bidi embeddings, overrides, isolates and marks: each reorders the text around it.
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture
def send_all(distribute, client_for, tasks):
    """Distribute, run the send_charter tasks and deliver the mail, as the queue would."""

    def run() -> None:
        assert distribute().status_code == 200
        replay(client_for, tasks, "send_charter")
        replay(client_for, tasks, "deliver_email")

    return run


@pytest.fixture
def api(client_for, google_idp):
    client = client_for("admin_api")
    token = google_idp.mint(NETWORK_ADMIN, oidc.OAUTH_CLIENT_ID)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def _link(mail) -> str:
    found = re.search(r"https?://[^/\s]+/confirm_charter(\?[^\s\"<>]*)", mail.text)
    assert found, mail.subject
    return "/" + found.group(1)


def _confirm(client, link: str):
    page = client.get(link)
    assert page.status_code == 200, page.text
    return client.post(link, data={"csrf_token": csrf_token(page.text)})


def _status(api, centre_id: str) -> dict:
    regions = api.get("/charters").get_json()["regions"]
    return next(c for r in regions for c in r["centres"] if c["centre_id"] == centre_id)


def test_direction_controls_in_the_directory_never_reorder_the_charter_or_its_email(
    send_all, client_for, api
):
    # "\u202e" (RIGHT-TO-LEFT OVERRIDE) left open would show the rest of a line backwards: "is
    # part of the network" turned round, a subject's "please display it" reversed.
    save_centre(CENTRE, name="Sunflower \u202eCreche\u2066 \u200f",
                address="12 \u202dVilakazi St")  # fmt: skip
    body = {"centre_id": CENTRE, "add": "We greet \u2067every\u202b child"}
    assert api.post("/charters/commitments", json=body).status_code == 200
    page = client_for("charter").get(f"/?centre={CENTRE}")
    assert page.status_code == 200
    shown = page.get_data(as_text=True)
    assert "Sunflower Creche" in shown and "We greet every child" in shown
    assert not BIDI.search(shown)
    send_all()
    (mail,) = inbox(SUNFLOWER)
    assert mail.subject.startswith("Service charter for Sunflower Creche (")
    assert not BIDI.search(mail.subject + mail.text)


def test_a_version_sent_again_after_another_is_confirmed_and_reminded_afresh(
    send_all, client_for, clock
):
    # v1 is sent and confirmed; v2 (a new phone) replaces it; the phone goes back, so v1 is
    # sent again: what is on the wall is unknown again (v2 may hang there), so v1 must be
    # confirmed afresh, reminded about 7 days on, and not shown as displayed meanwhile.
    send_all()
    clock.now = START + timedelta(days=8)  # v1 reminded about, then confirmed
    assert client_for("remind_charters").post("/").get_json()["reminded"] == 5
    confirm, link = client_for("confirm_charter"), _link(inbox(SUNFLOWER)[0])
    assert _confirm(confirm, link).status_code == 303
    first = records()[CENTRE]
    assert first["reminded_version"] == first["confirmed_version"] == first["version"]
    phone = wiring.centre_directory().get_centre(CENTRE).phone
    save_centre(CENTRE, phone="+27115550199")
    send_all()
    clock.now = START + timedelta(days=9)
    assert client_for("remind_charters").post("/").get_json()["reminded"] == 0
    save_centre(CENTRE, phone=phone)
    send_all()
    again = records()[CENTRE]
    assert again["version"] == first["version"] and again["sent_at"] > first["confirmed_at"]
    assert again["confirmed_version"] is None and again["reminded_version"] is None
    assert len(inbox(SUNFLOWER)) == 4  # v1, its reminder, v2, v1 again
    assert sorted(_link(m) == link for m in inbox(SUNFLOWER)) == [False, True, True, True]
    page = confirm.get(link)  # the version's link (the same signed value) asks again
    assert "Confirm the charter is displayed" in page.get_data(as_text=True)
    clock.now = START + timedelta(days=16)
    assert client_for("remind_charters").post("/").get_json() == {
        "due": 1, "reminded": 1, "already": 0, "skipped": 0}  # fmt: skip
    reminders = [m for m in outbox("charter_reminder") if m["to"] == SUNFLOWER]
    assert [m["data"]["version"] for m in reminders] == [first["version"]] * 2
    assert _confirm(confirm, link).status_code == 303
    assert records()[CENTRE]["confirmed_version"] == first["version"]


def test_a_principal_address_that_cannot_be_used_is_listed_as_none(
    distribute, api, tasks, client_for
):
    # Distribution cannot send to it (no_email): the status must not say it has one.
    save_centre(CENTRE, principal={"name": "Thandi", "email": "thandi at sunflower"})
    assert distribute().status_code == 200
    answers = replay(client_for, tasks, "send_charter")
    assert {"outcome": "no_email"} in answers and outbox() and len(outbox()) == 4
    assert distribute().get_json()["no_email"] == 1
    line = _status(api, CENTRE)
    assert line["principal_has_email"] is False and line["to_send"]


def test_an_address_changed_only_in_case_sends_nothing_again(send_all, distribute, tasks):
    # The same mailbox: a task for it is named by the same person key (refused by the queue
    # as a repeat); distribution must not count it as queued, nor the task send it again.
    send_all()
    centre = wiring.centre_directory().get_centre(CENTRE)
    save_centre(CENTRE, principal=centre.principal.model_dump() | {"email": SUNFLOWER.upper()})
    assert distribute().get_json()["queued"] == 0
    assert queued(tasks, "send_charter") == []
    assert len(inbox(SUNFLOWER)) == 1


def test_hostile_queries_tokens_and_bodies_are_4xx_and_change_nothing(
    send_all, client_for, distribute, google_idp
):
    send_all()
    page = client_for("charter")
    for query in ("centre=%0d%0a", "centre=../x", "centre=%ED%A0%80", "centre=" + "a" * 100_000,
                  "centre=%F0%9F", "centre=nobody&format=pdf"):  # fmt: skip
        assert page.get(f"/?{query}").status_code == 404, query[:40]
    for query in ("format=PDF", "format=%3Cscript%3E", "format=pdf%0d%0a"):
        assert page.get(f"/?centre={CENTRE}&{query}").status_code == 400, query
    escaped = page.get(f"/?centre={CENTRE}&lang=%3Cscript%3E")
    assert escaped.status_code == 200 and "<script>" not in escaped.get_data(as_text=True)
    head = page.head(f"/?centre={CENTRE}")
    assert head.status_code == 200 and head.get_data() == b""
    assert head.headers["Cache-Control"] == "no-store"
    confirm = client_for("confirm_charter")
    link = _link(inbox(SUNFLOWER)[0])
    token = link.split("token=", 1)[1]
    broken = (f"token={token}x", f"token={token[:-2]}", f"token={token[:-6]}AAAAAA")
    for query in ("token=" + "x" * 100_000, "token=%ED%A0%80", "token=", "", "token[]=1", *broken):
        assert confirm.get(f"/?{query}").status_code == 404, query[:40]
        assert confirm.post(f"/?{query}", data={"csrf_token": "x"}).status_code == 404
    for form in ({}, {"csrf_token": "forged"}, {"csrf_token": "x" * 4_000}):
        assert confirm.post(link, data=form).status_code == 403
    assert records()[CENTRE].get("confirmed_version") is None
    headers = {"Authorization": f"Bearer {google_idp.mint(NETWORK_ADMIN, oidc.OAUTH_CLIENT_ID)}",
               "Content-Type": "application/json"}  # fmt: skip
    deep = '{"region_id": "gauteng", "x": ' + "[" * 4000 + "]" * 4000 + "}"
    for name in ("distribute_charters", "admin_api"):
        path = "/" if name == "distribute_charters" else "/charters/commitments"
        assert client_for(name).post(path, data=deep, headers=headers).status_code == 400
    for body in (
        {"region_id": 5},
        {"region_id": {"$ne": 1}},
        [1],
        {"region_id": "\ud800"},
        {"region_id": "gauteng", "extra": 1},
        {"region_id": ["gauteng"] * 10_000},
    ):
        assert 400 <= distribute(body).status_code < 500, str(body)[:40]
    assert outbox() and len(outbox()) == 5  # nothing new was written


def test_the_world_changing_between_distribution_and_the_task(distribute, client_for, tasks):
    # Queued for one version; by the time the task runs the centre changed (the current one
    # is sent and recorded), another was deactivated, another lost its principal's address,
    # another moved region: each settles 200, nothing is sent for what no longer stands.
    assert distribute().get_json()["queued"] == 5
    queued_for = {t["centre_id"]: t["version"] for t in queued(tasks, "send_charter")}
    save_centre(CENTRE, phone="+27115550177")
    save_centre("ubuntu-umlazi", active=False)
    save_centre("little-stars-tembisa", principal={"name": "Sipho", "email": ""})
    save_centre("fynbos-khayelitsha", region_id="gauteng")
    answers = replay(client_for, tasks, "send_charter")
    assert sorted(a["outcome"] for a in answers) == [
        "no_email", "sent", "sent", "sent", "unknown_centre"]  # fmt: skip
    stored = records()
    assert stored[CENTRE]["version"] != queued_for[CENTRE]  # the charter as it is now
    assert outbox()[0] and {m["data"]["version"] for m in outbox()
                            if m["to"] == SUNFLOWER} == {stored[CENTRE]["version"]}  # fmt: skip
    assert "ubuntu-umlazi" not in stored
    assert stored["little-stars-tembisa"]["unsent_reason"] == "no_email"
    assert stored["fynbos-khayelitsha"]["region_id"] == "gauteng"
    # The task queued for the newer version finds it sent: nothing twice.
    assert distribute().get_json()["queued"] == 0
    assert len(outbox()) == 3


def test_two_confirmations_and_two_sends_at_once_write_once(send_all, client_for, tasks):
    from concurrent.futures import ThreadPoolExecutor

    send_all()
    link = _link(inbox(SUNFLOWER)[0])
    clients = [client_for("confirm_charter") for _ in range(4)]
    forms = [(c, csrf_token(c.get(link).get_data(as_text=True))) for c in clients]
    with ThreadPoolExecutor(4) as pool:
        codes = list(pool.map(lambda f: f[0].post(link, data={"csrf_token": f[1]}).status_code,
                              forms))  # fmt: skip
    assert codes == [303] * 4
    confirmed = [e for e in records()[CENTRE]["history"] if e["step"] == "confirmed"]
    assert len(confirmed) == 1
    save_centre(CENTRE, phone="+27115550166")
    assert distribute_twice(client_for, tasks) == 1
    (body,) = queued(tasks, "send_charter")
    senders = [client_for("send_charter") for _ in range(4)]
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda c: c.post("/", json=body).get_json()["outcome"], senders))
    assert sorted(answers) == ["already"] * 3 + ["sent"]
    assert len([m for m in outbox() if m["to"] == SUNFLOWER]) == 2


def distribute_twice(client_for, tasks) -> int:
    """Two distributions at once queue each task once (by name)."""
    from concurrent.futures import ThreadPoolExecutor

    from functions import wiring as w
    from functions.services.charters.distribute import distribute as run

    with ThreadPoolExecutor(2) as pool:
        done = list(pool.map(lambda _: run(w.dependencies()), range(2)))
    assert all(d.queued == 1 for d in done)
    return len(queued(tasks, "send_charter"))
