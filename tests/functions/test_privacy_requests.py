"""A person's records (POPIA) over the emulator: the export finds them in every kind of
record by their address (however cased) or their number, shows the consents they gave with
their text, and is a download nobody caches; the erasure (page: preview, then a second CSRF
form; API; service) leaves nothing of them in any collection or sub-collection, nor in the
local mailbox, keeps every tally, leaves another person's records alone, and run again, or
after stopping part-way, finishes the job and changes nothing twice; a queued delivery of a
deleted message sends nothing; regional administrators and bad input are refused."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.privacy.person import identify
from functions.services.errors import StorageUnavailable
from functions.services.privacy.erase import KEPT, erase_person
from tests import oidc
from tests.builders import message, write_messages
from tests.functions.local_support import CSRF, LOCAL
from tests.functions.privacy_support import (
    EMAIL,
    NAME,
    OTHER,
    OTHER_NAME,
    PHONE,
    SHARED_TEXT,
    build_world,
    deliver_all,
    found_anywhere,
    mailbox,
    tallies,
    traces,
)
from tests.unit.test_page_templates import Page


@pytest.fixture
def world(local_dev, client_for, tasks) -> dict:
    built = build_world(client_for)
    built["bodies"] = deliver_all(client_for, tasks)
    return built


def export(client_for, who: str, headers=LOCAL):
    return client_for("admin_api").post("/privacy/export", json={"who": who}, headers=headers)


def page_form(client_for, data: dict, headers=LOCAL):
    """The page's form posted with its CSRF token."""
    admin = client_for("admin")
    shown = admin.get("/?page=privacy_request", headers=headers)
    token = CSRF.search(shown.get_data(as_text=True)).group(1)
    return admin.post("/?page=privacy_request", data=data | {"csrf_token": token},
                      headers=headers)  # fmt: skip


def well_formed(answer) -> str:
    """The page's HTML, checked: closed tags, one h1, unique ids, labels pointing at fields,
    no script, relative links only, English, not cached."""
    text = answer.get_data(as_text=True)
    page = Page(text)
    assert not page.nesting_errors, page.nesting_errors
    assert len(page.all("h1")) == 1 and not page.all("script")
    ids = page.ids()
    assert len(ids) == len(set(ids)), ids
    for label in page.all("label"):
        assert page.by_id(label.get("for")).tag in {"input", "select", "textarea"}
    for element in page.elements:
        for attr in ("href", "action"):
            assert not re.match(r"(?i)^(https?:)?//|/", element.get(attr) or ""), element.get(attr)
    assert answer.headers["Content-Language"] == "en"
    return text


def reporter_name(world: dict) -> str | None:
    case = wiring.firestore_client().collection("cases").document(world["mine"]).get()
    return case.to_dict()["reporter"].get("name")


def test_the_export_finds_the_person_in_every_kind_of_record(world, client_for):
    answer = export(client_for, "  THANDIWE.qwabe@example.org ")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"].startswith("attachment; filename=")
    assert EMAIL not in answer.headers["Content-Disposition"].lower()
    assert answer.headers["Cache-Control"] == "no-store"
    found = answer.get_json()
    counts = found["counts"]
    for kind in ("cases", "registrations", "attendance", "survey_responses", "invitations",
                 "invitation_batches", "outbox", "suppression", "acknowledgement_tally",
                 "advisory_selections"):  # fmt: skip
        assert counts[kind] >= 1, kind
    assert counts["cases"] == 1 and counts["directory"] == counts["administrator"] == 0
    case = found["records"]["cases"][0]
    assert case["record"]["reporter"]["name"] == NAME
    assert any("Called" in (e["record"].get("summary") or "") for e in case["history"])
    # Mail to them, and about their case to the centre's staff.
    outbox = found["records"]["outbox"]
    assert {m["record"]["template"] for m in outbox} >= {"case_acknowledgement",
                                                          "case_notification",
                                                          "forum_registration"}  # fmt: skip
    # The compiled summaries' quotes of them: their name, their words.
    quoted = found["records"]["forum_summaries"]
    assert len(quoted) >= 2  # the forum's and the month's
    assert all(q["record"]["quotes"] for q in quoted)
    # Their own entries, not the other people's in the same batch or selection.
    text = json.dumps(found)
    assert OTHER not in text and "other-key" not in text
    # The consents they gave, with the words they agreed to.
    consents = {c["version"]: c["text"] for c in found["consents"]}
    assert set(consents) == {"2026-11", "forum-2026-11"}
    assert all(text and "%(network)s" not in text for text in consents.values())
    assert get_settings().network_name in consents["2026-11"]

    # The page's export is the same download.
    page = page_form(client_for, {"who": EMAIL, "action": "export"})
    assert page.headers["Content-Disposition"].startswith("attachment; filename=")
    assert page.headers["Cache-Control"] == "no-store"
    assert page.get_json()["counts"] == counts
    home = client_for("admin").get("/", headers=LOCAL).get_data(as_text=True)
    assert 'href="admin?page=privacy_request"' in home

    by_phone = export(client_for, "082 555 1234").get_json()
    # Both cases gave the number; the registration too (under the address's key).
    assert by_phone["counts"]["cases"] == 2 and by_phone["counts"]["registrations"] == 1


def test_the_erasure_leaves_nothing_of_them_anywhere(world, client_for, monkeypatch):
    before = tallies()
    other_case = wiring.firestore_client().collection("cases").document(world["theirs"]).get()
    needles = traces(world)
    assert {n for _, n in found_anywhere(needles)} >= {EMAIL, PHONE, NAME.lower()}
    assert any(EMAIL in m.to.lower() for m in mailbox())

    well_formed(client_for("admin").get("/?page=privacy_request", headers=LOCAL))
    preview = page_form(client_for, {"who": EMAIL, "action": "preview"})
    assert preview.status_code == 200
    shown = well_formed(preview)
    assert "Erase these records" in shown and "de-identified (figures kept)" in shown
    assert reporter_name(world) == NAME  # a preview changes nothing

    by_email = page_form(client_for, {"who": EMAIL, "action": "erase"})
    assert by_email.status_code == 200 and "Erased" in well_formed(by_email)
    api = client_for("admin_api")
    by_phone = api.post("/privacy/erase", headers=LOCAL, json={"who": PHONE, "confirm": True})
    by_phone = by_phone.get_json()
    assert by_phone["finished"] is True and by_phone["cases"] == 1  # the case by phone only

    assert found_anywhere(needles) == []
    assert tallies() == before
    assert not [m for m in mailbox() if EMAIL in m.to.lower() or NAME in m.text]
    assert any(m.to == OTHER for m in mailbox())  # another person's mail stays
    db = wiring.firestore_client()
    assert db.collection("cases").document(world["theirs"]).get().to_dict() == other_case.to_dict()
    kept = db.collection("cases").document(world["mine"]).get().to_dict()
    assert kept["category"] == "facilities" and kept["deidentified_at"]
    # The summaries keep the other person's quotes and the text both gave, without her name.
    summaries = [d.to_dict() for d in db.collection("forum_summaries").stream()]
    assert len(summaries) == 2
    for summary in summaries:
        assert OTHER_NAME in summary["body"] and SHARED_TEXT in summary["body"]
        batch = db.collection("forum_invitation_batches").document("batch-1").get().to_dict()
    assert [r["email"] for r in batch["recipients"]] == [OTHER]
    logged = wiring.firestore_databases().collection("privacy_erasures")
    erasures = [d.to_dict() for d in logged.stream()]
    assert len(erasures) == 2 and all(e["finished"] and e["by"] for e in erasures)
    assert "@" not in repr(erasures) and "825551234" not in repr(erasures)

    # Nothing is found any more, by the address or the number.
    for who in (EMAIL, PHONE):
        assert not any(export(client_for, who).get_json()["counts"].values())
    # Deliveries still queued for the deleted messages send nothing: within two minutes of
    # queueing a missing message may be a commit still landing (tried again later), after
    # that it is settled as unknown.
    deliver = client_for("deliver_email")
    for body in world["bodies"]:
        assert deliver.post("/", json=body).status_code in (200, 503)
    later = datetime.now(UTC) + timedelta(minutes=5)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    for body in world["bodies"]:
        assert deliver.post("/", json=body).status_code == 200
    assert not [m for m in mailbox() if EMAIL in m.to.lower()]
    # Run again: nothing left, nothing changed.
    again = erase_person(wiring.dependencies(), identify(EMAIL), "k")
    assert again["finished"] and not any(v for k, v in again.items()
                                         if k not in ("finished", "erasure_id"))  # fmt: skip
    assert tallies() == before


def test_an_erasure_stopped_part_way_is_finished_by_the_next_run(world, client_for):
    before, needles = tallies(), traces(world)
    ticks = iter(range(1000))
    first = erase_person(wiring.dependencies(), identify(EMAIL), "k", page_size=1,
                         seconds=3, monotonic=lambda: next(ticks))  # fmt: skip
    assert first["finished"] is False
    second = erase_person(wiring.dependencies(), identify(EMAIL), "k")
    third = erase_person(wiring.dependencies(), identify(PHONE), "k")
    assert second["finished"] and third["finished"]
    assert found_anywhere(needles) == []
    assert tallies() == before


def test_a_regional_administrator_is_refused(world, client_for, google_idp):
    token = google_idp.mint("admin.gauteng@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    nomsa = {"Authorization": f"Bearer {token}"}
    api = client_for("admin_api")
    assert export(client_for, EMAIL, nomsa).status_code == 403
    erase = api.post("/privacy/erase", json={"who": EMAIL, "confirm": True}, headers=nomsa)
    assert erase.status_code == 403
    home = client_for("admin").get("/", headers=nomsa).get_data(as_text=True)
    assert "privacy_request" not in home
    refused = client_for("admin").get("/?page=privacy_request", headers=nomsa)
    assert refused.status_code == 403 and "network administrator" in well_formed(refused)
    assert reporter_name(world) == NAME


@pytest.mark.parametrize("who", [
    "not an address", "", "x" * 10_000, f"{EMAIL}\r\nBcc: x@evil.example", f"{EMAIL}\u2028",
    f"{EMAIL}\x85", "\ud800@example.org", "=cmd|' /C calc'!A0", None, 27825551234,
    ["a@example.org"], "<script>@example.org",
])  # fmt: skip
def test_bad_input_is_refused_with_400(local_dev, client_for, who):
    api = client_for("admin_api")
    assert api.post("/privacy/export", json={"who": who}, headers=LOCAL).status_code == 400
    answer = api.post("/privacy/erase", json={"who": who, "confirm": True}, headers=LOCAL)
    assert answer.status_code == 400 and answer.get_json()["errors"][0]["field"] == "who"
    # A form cannot carry a lone surrogate (bytes that are not UTF-8 reach the page as their
    # %-escapes, which an address may hold): the JSON API above can.
    if isinstance(who, str) and "\ud800" not in who:
        page = page_form(client_for, {"who": who, "action": "erase"})
        assert page.status_code == 400 and "Nothing was done" in well_formed(page)
        assert "\r\nBcc" not in page.get_data(as_text=True)
    assert not list(wiring.firestore_databases().collection("privacy_erasures").stream())


def test_a_form_without_its_csrf_token_does_nothing(world, client_for):
    answer = client_for("admin").post("/?page=privacy_request", headers=LOCAL,
                                      data={"who": EMAIL, "action": "erase"})  # fmt: skip
    assert answer.status_code == 403
    assert reporter_name(world) == NAME


def test_many_records_are_found_and_erased_a_page_at_a_time(local_dev, client_for):
    """230 messages to them (three pages of 100), written as changes write mail, to their
    address as intake stores it: capitalised as they typed it (found with no other record
    telling how they typed it)."""
    messages = [message("Thandiwe.Qwabe@example.org") for _ in range(230)]
    deps = wiring.dependencies()
    for start in range(0, len(messages), 100):
        write_messages(deps.transactions, messages[start : start + 100])
    assert export(client_for, EMAIL).get_json()["counts"]["outbox"] == 230
    done = erase_person(deps, identify(EMAIL), "k")
    assert done["finished"] and done["outbox"] == 230
    assert export(client_for, EMAIL).get_json()["counts"]["outbox"] == 0


def test_a_staff_member_is_found_in_the_directory_and_their_entry_kept(local_dev, client_for):
    lerato = "lerato@sunflower.example.org"
    found = export(client_for, lerato).get_json()
    assert found["counts"]["directory"] >= 1
    (centre,) = [d for d in found["records"]["directory"] if "sunflower" in d["path"]]
    api = client_for("admin_api")
    plan = api.post("/privacy/erase", json={"who": lerato}, headers=LOCAL).get_json()
    assert {"kind": "directory", "count": 1, "action": KEPT["directory"]} in plan["plan"]
    assert plan["erased"] is False
    api.post("/privacy/erase", json={"who": lerato, "confirm": True}, headers=LOCAL)
    assert lerato in json.dumps(export(client_for, lerato).get_json()["records"]["directory"])


def test_an_erasure_that_crashed_half_way_is_finished_by_the_next(world, client_for,
                                                                 monkeypatch):  # fmt: skip
    """Storage fails at the sixth unit of work: the request answers 503 (try again), what
    was done stays done, and the next request finishes the job."""
    before, needles = tallies(), traces(world)
    real = wiring.transactions()

    class Failing:
        runs = 0

        def run(self, work, *args, **kwargs):
            Failing.runs += 1
            if Failing.runs == 6:
                raise StorageUnavailable("ServiceUnavailable")
            return real.run(work, *args, **kwargs)

    monkeypatch.setattr(wiring, "transactions", Failing)
    api = client_for("admin_api")
    crashed = api.post("/privacy/erase", json={"who": EMAIL, "confirm": True}, headers=LOCAL)
    assert crashed.status_code == 503 and crashed.headers["Retry-After"]
    monkeypatch.setattr(wiring, "transactions", lambda: real)
    for who in (EMAIL, PHONE):
        done = api.post("/privacy/erase", json={"who": who, "confirm": True}, headers=LOCAL)
        assert done.status_code == 200 and done.get_json()["finished"] is True
    assert found_anywhere(needles) == []
    assert tallies() == before
    records = [d.to_dict() for d in wiring.firestore_databases().collection("privacy_erasures")
               .stream()]  # fmt: skip
    assert sorted(r["finished"] for r in records) == [False, True, True]  # the crash shows
