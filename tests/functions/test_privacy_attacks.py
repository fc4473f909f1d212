"""Attacks on a person's export and erasure (POPIA), each found by trying: another person's
name in the export through a quote both gave; mail delivered into the local mailbox while
an erasure runs, after the mailbox was purged."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.forums.attendance import attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.privacy.person import identify
from functions.services.mail.dispatch import delivery_task
from functions.services.privacy import erase_steps
from functions.services.privacy.erase import erase_person
from functions.services.reports.compile import compile_forum, compile_month
from tests.builders import message, write_messages
from tests.functions.local_support import LOCAL
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
    submit,
)
from tests.functions.test_privacy_requests import export


@pytest.fixture
def world(project, monkeypatch, client_for, tasks) -> dict:
    """The person's records (privacy_support.build_world), their mail delivered, under
    make run's settings (the local mailbox)."""
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    built = build_world(client_for)
    built["bodies"] = deliver_all(client_for, tasks)
    return built


def test_the_export_names_nobody_else_in_a_quote_both_gave(world, client_for):
    """Both gave the same recommendation under the same pain point: the summary quotes it
    once, naming both. Her export has the quote, naming her alone."""
    deps, db = wiring.dependencies(), wiring.firestore_client()
    event = world["forum"]
    other = attendee_id(event.forum_id, participant_key(OTHER, None))
    answers = db.collection("forum_survey_responses")
    answers.document(other).update({"pain_points": ["facilities"]})
    later = event.ends_at + timedelta(days=3)
    compile_forum(deps, deps.forums.get(event.forum_id), later)
    compile_month(deps, event.month, None, [deps.forums.get(event.forum_id)], later)
    stored = [d.to_dict()["body"] for d in db.collection("forum_summaries").stream()]
    assert all(OTHER_NAME in body for body in stored)  # the summaries name both

    found = export(client_for, EMAIL).get_json()
    shared = [q for s in found["records"]["forum_summaries"] for q in s["record"]["quotes"]
              if q["text"] == SHARED_TEXT]  # fmt: skip
    assert shared and all(q["people"] == [{"name": NAME, "role": "parent"}] for q in shared)
    assert all(q["name"] == NAME for q in shared)
    assert OTHER_NAME not in json.dumps(found, ensure_ascii=False)


def test_mail_delivered_while_the_erasure_runs_leaves_the_mailbox(world, client_for,
                                                                  monkeypatch):  # fmt: skip
    """A delivery task runs after the erasure purged the local mailbox and before it deleted
    the message: the mail it wrote goes too."""
    deps = wiring.dependencies()
    late = message(EMAIL, name=NAME)
    write_messages(deps.transactions, [late])
    task = delivery_task([(late.message_id, None)], f"test:{late.message_id}")
    deliver = client_for("deliver_email")
    real = erase_steps.Steps.advisory

    def delivered_meanwhile(steps):
        assert deliver.post("/", json=task.payload).status_code == 200
        assert any(m.to == EMAIL for m in mailbox())  # it landed after the purge
        return real(steps)

    monkeypatch.setattr(erase_steps.Steps, "advisory", delivered_meanwhile)
    done = erase_person(deps, identify(EMAIL), "k", get_settings().local_mailbox_dir)
    assert done["finished"]
    assert not [m for m in mailbox() if EMAIL in m.to.lower() or NAME in m.text]


def test_nothing_of_a_fuller_life_is_left(world, client_for, tasks):
    """Besides privacy_support's world: an urgent case naming her child, a case with a reply
    thread, resolved and closed with a rating's comment, and a bounce. Erased by her address
    and by her number, nothing she wrote, no name, address, number or key is left."""
    from functions.domain.mail.suppression import SuppressionReason
    from functions.domain.shared.signing import Purpose
    from functions.services.cases.rating import rate_case
    from functions.services.cases.reply import record_reply
    from tests.functions.privacy_support import traces
    from tests.functions.test_case_reply import staff_step

    deps = wiring.dependencies()
    texts = ("Zinhlekazi", "Nobuhle-urgent fell from the jungle gym",
             "Qhawekazi-reply it was Tuesday", "Mandlakazi-rating better now")  # fmt: skip
    intake = client_for("submit_feedback")
    urgent = intake.post("/", json={
        "centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
        "description": texts[1], "urgent": True, "child": {"first_name": texts[0]},
        "reporter": {"name": NAME, "email": EMAIL.upper().replace("@EXAMPLE.ORG", "@Example.org")},
        "consent": {"given": True, "version": "2026-11"}})  # fmt: skip
    assert urgent.status_code == 201
    thread = intake.post("/", json={
        "centre_id": "sunflower-soweto", "kind": "complaint", "category": "facilities",
        "description": "The gate again.", "reporter": {"name": NAME, "email": EMAIL},
        "consent": {"given": True, "version": "2026-11"}}).get_json()  # fmt: skip
    reference, token = thread["reference"], thread["status_url"].split("token=", 1)[1]
    staff_step(reference, "ask", "Which day was it?")
    record_reply(token, texts[2], "nonce-1", deps)
    staff_step(reference, "resolve", "We fixed the latch.")
    rating = deps.signer.sign(Purpose.CASE_RATING, reference, expires=True)
    rate_case(rating, 4, texts[3], deps)
    wiring.suppression_list().add(EMAIL, SuppressionReason.BOUNCED, deps.clock())
    deliver_all(client_for, tasks)

    needles = (*traces(world), *texts)
    assert {n for _, n in found_anywhere(needles)} >= set(texts)
    api = client_for("admin_api")
    for who in (EMAIL, PHONE):
        done = api.post("/privacy/erase", headers=LOCAL, json={"who": who, "confirm": True})
        assert done.status_code == 200 and done.get_json()["finished"], done.get_json()
    assert found_anywhere(needles) == []
    assert not [m for m in mailbox() if any(t in m.text for t in texts)]


def test_two_erasures_at_once_both_finish_and_leave_nothing(world):
    """Two administrators press Erase together (one by the address, one by the number)."""
    from concurrent.futures import ThreadPoolExecutor

    from tests.functions.privacy_support import tallies, traces

    before, needles = tallies(), traces(world)
    folder = get_settings().local_mailbox_dir

    def erase(who):
        return erase_person(wiring.dependencies(), identify(who), "k", folder, page_size=2)

    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(erase, (EMAIL, EMAIL, PHONE, EMAIL.upper())))
    assert all(d["finished"] for d in done)
    assert found_anywhere(needles) == []
    assert tallies() == before


def test_a_staff_members_export_holds_their_entry_not_their_colleagues(project, monkeypatch,
                                                                      client_for):  # fmt: skip
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    found = export(client_for, "Lerato@sunflower.example.org").get_json()
    (centre,) = found["records"]["directory"]
    assert centre["path"] == "centres/sunflower-soweto"
    assert centre["record"]["staff"] == [{"name": "Lerato Khumalo", "active": True,
                                          "email": "lerato@sunflower.example.org",
                                          "role": "staff"}]  # fmt: skip
    text = json.dumps(found)
    for colleague in ("Thandi Mokoena", "principal@sunflower", "Bongani", "bongani@"):
        assert colleague not in text


def test_a_principals_export_holds_no_parents_words_from_her_mail(world, client_for):
    """The principal was mailed every case at her centre (a parent's name, words, address):
    that mail is about the parents; her export shows only that it was sent to her."""
    found = export(client_for, "principal@sunflower.example.org").get_json()
    mail = found["records"]["outbox"]
    assert mail and {m["record"]["template"] for m in mail} == {"case_notification"}
    assert all(m["record"]["data"] is None and m["record"]["to"] for m in mail)
    text = json.dumps(found, ensure_ascii=False)
    for theirs in (NAME, "gate is broken", "roof leaks", OTHER, EMAIL, "fees went up"):
        assert theirs not in text
    # The parent's own export keeps the centre's mail about her case whole.
    hers = export(client_for, EMAIL).get_json()["records"]["outbox"]
    about = [m for m in hers if m["record"]["template"] == "case_notification"]
    assert about and all("gate is broken" in m["record"]["data"]["description"] for m in about)


def test_very_many_records_are_exported_a_page_at_a_time(project, monkeypatch, client_for,
                                                          tmp_path):  # fmt: skip
    """Messages to them by the thousand (a flood of cases under their address would make as
    many): the download is streamed, whole and valid, and what is held while it is made
    does not grow with it (600 messages, then 2,400: ids only)."""
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    deps = wiring.dependencies()
    assert export(client_for, OTHER).status_code == 200  # the modules it needs, imported
    measured = []
    for batches in (6, 18):
        for _ in range(batches):
            write_messages(deps.transactions, [message(EMAIL, name=NAME) for _ in range(100)])
        measured.append(_exported(client_for, tmp_path / f"{batches}.json"))
    (few, few_size, _), (many, many_size, found) = measured
    assert found["counts"]["outbox"] == 2400 and len(found["records"]["outbox"]) == 2400
    # Holding the messages themselves would hold more than their JSON; their ids alone come
    # to about a quarter of it (a string and a set slot each), so a half leaves room for noise.
    assert many - few < (many_size - few_size) / 2, measured[:1] + [(many, many_size)]


def _exported(client_for, saved) -> tuple[int, int, dict]:
    """(most memory held while the export was made, its size, the export)."""
    import tracemalloc

    api = client_for("admin_api")
    tracemalloc.start()
    try:
        answer = api.post("/privacy/export", json={"who": EMAIL}, headers=LOCAL, buffered=False)
        assert answer.status_code == 200 and answer.is_streamed
        assert answer.headers["Cache-Control"] == "no-store"
        with saved.open("wb") as out:
            for piece in answer.response:
                out.write(piece if isinstance(piece, bytes) else piece.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, saved.stat().st_size, json.loads(saved.read_text(encoding="utf-8"))


def test_the_sweep_passes_over_a_stuck_message_erased_meanwhile(project):
    """The outbox sweep lists a message stuck in pending; an erasure deletes it before the
    sweep re-enqueues it: the sweep carries on (no 500 for the scheduler to retry)."""
    from types import SimpleNamespace

    from functions.services.mail.dispatch import sweep_outbox

    deps = wiring.dependencies()
    stuck = message(EMAIL)
    write_messages(deps.transactions, [stuck])
    outbox = deps.outbox

    def erased_meanwhile(*args, **kwargs):
        found = outbox.list_stuck(*args, **kwargs)
        erase_person(deps, identify(EMAIL), "k")
        return found

    later = stuck.created_at + timedelta(hours=1)
    sweeping = SimpleNamespace(outbox=SimpleNamespace(list_stuck=erased_meanwhile,
                                                      record_dispatch=outbox.record_dispatch,
                                                      update_if_unchanged=outbox.update_if_unchanged),
                               queue=deps.queue, mail=deps.mail, clock=lambda: later)  # fmt: skip
    done = sweep_outbox(sweeping)
    assert done["stuck"] == 1 and done["requeued"] == 0
    assert (
        not wiring.firestore_client().collection("outbox").document(stuck.message_id).get().exists
    )


def test_the_keys_of_the_mail_told_to_their_registration_go(world):
    """A reminder told to her registration is kept as a hashed key (so it is told once)
    derived from her registration's id, so from her address: the erasure deletes it; a
    new registration of hers for the same forum is reminded again."""
    from functions.adapters.firestore.unit_of_work import once_id
    from functions.domain.forums.registration_mail import Moment
    from functions.services.forums.registering import register
    from functions.services.forums.telling import tell_registrants
    from tests.forum_builders import form

    deps, db = wiring.dependencies(), wiring.firestore_client()
    event = world["forum"]
    registration = deps.transactions.run(
        lambda uow: uow.registrations.get(world["registration"]))[0]  # fmt: skip
    key = f"reminder:{event.forum_id}:24h:{event.starts_at.isoformat()}"
    assert tell_registrants(deps, event, [registration], Moment.REMINDER, key, deps.clock(),
                            offset="24h") == 1  # fmt: skip
    derived = once_id(f"forum:{key}:{world['registration']}")
    assert db.collection("once").document(derived).get().exists

    done = erase_person(deps, identify(EMAIL), "k", get_settings().local_mailbox_dir)
    assert done["finished"] and done["once_keys"] == 1
    assert not db.collection("once").document(derived).get().exists
    again = register(deps, form(event.forum_id, name="T", email=EMAIL), "web_form",
                     deps.clock()).registration  # fmt: skip
    assert again.registration_id == world["registration"]
    assert tell_registrants(deps, event, [again], Moment.REMINDER, key, deps.clock(),
                            offset="24h") == 1  # fmt: skip


def test_the_retention_jobs_place_forgets_their_row(world):
    """The retention job stopped inside her forum, at her attendance row (its id is a hash
    of her address): after her erasure its place holds no id of hers, and the job still
    carries on in that forum."""
    db = wiring.firestore_client()
    place = db.collection("retention").document("forums")
    within = {"forum_id": world["forum"].forum_id, "kind": "attendance",
              "after": world["attendee"]}  # fmt: skip
    place.set({"at": None, "id": None, "within": within})
    erase_person(wiring.dependencies(), identify(EMAIL), "k")
    kept = place.get().to_dict()["within"]
    assert kept == within | {"after": None}


def test_the_preview_names_the_numbers_their_records_also_give(world, client_for):
    """Erased by her address alone, her case given by phone only (her name, her number)
    would stay: the preview says her records also give her number, to erase by it too."""
    from tests.functions.test_privacy_requests import page_form

    api = client_for("admin_api")
    plan = api.post("/privacy/erase", json={"who": EMAIL}, headers=LOCAL).get_json()
    assert plan["erased"] is False and plan["also"] == [PHONE]
    page = page_form(client_for, {"who": EMAIL, "action": "preview"}).get_data(as_text=True)
    assert f"Their records also give {PHONE}" in page
    by_phone = api.post("/privacy/erase", json={"who": "082 555 1234"}, headers=LOCAL)
    assert by_phone.get_json()["also"] == [EMAIL]  # her registration gives both


def test_an_alert_owed_to_an_erased_principal_still_goes(world, client_for, tasks):
    """The principal's address is erased while a new case's alert to her waits: the alert is
    about another parent's case and owed to the centre (it may be urgent), so it is kept and
    delivered; what she was sent before goes, and an erasure after the alert went takes it."""
    principal = "principal@sunflower.example.org"
    db = wiring.firestore_client()

    def to_her():
        from google.cloud.firestore_v1.base_query import FieldFilter

        mine = db.collection("outbox").where(filter=FieldFilter("to", "==", principal))
        return {d.id: d.to_dict()["state"] for d in mine.stream()}

    assert to_her() and set(to_her().values()) == {"sent"}
    submit(client_for, {"name": "Zodwa", "email": "zodwa@example.org"}, "The tap is leaking")
    waiting = {i for i, state in to_her().items() if state == "pending"}
    assert waiting

    done = erase_person(wiring.dependencies(), identify(principal), "k")
    assert done["finished"] and done["staff_mail_waiting"] == len(waiting)
    assert set(to_her()) == waiting  # what was sent went; the owed alert stayed

    deliver_all(client_for, tasks)
    alerts = [m for m in mailbox() if principal in m.to and "leaking" in m.text]
    assert len(alerts) == 1
    assert set(to_her().values()) == {"sent"}
    again = erase_person(wiring.dependencies(), identify(principal), "k")
    assert again["finished"] and again["staff_mail_waiting"] == 0 and to_her() == {}


def test_a_case_typed_in_odd_capitals_is_found_and_erased_by_the_address(
    project, monkeypatch, client_for
):
    """A parent with no other record typed their address in capitals of their own: their
    case and its mail are found by the address however it is given, and erased."""
    monkeypatch.setenv("LOCAL_DEV", "1")  # the development administrator's token
    get_settings.cache_clear()
    typed = "tHaNdEkA.zUlU@Example.ORG"  # stored as typed (the domain folded)
    reference = submit(client_for, {"name": "Thandeka Zulu", "email": typed},
                       "The sandpit is full of glass")  # fmt: skip
    for given in ("thandeka.zulu@example.org", "THANDEKA.ZULU@EXAMPLE.ORG"):
        found = export(client_for, given).get_json()
        assert [c["path"] for c in found["records"]["cases"]] == [f"cases/{reference}"]
        assert found["records"]["outbox"]  # the acknowledgement to them
    done = erase_person(wiring.dependencies(), identify("thandeka.zulu@example.org"), "k")
    assert done["finished"] and done["cases"] == 1
    assert found_anywhere(("tHaNdEkA", "Thandeka", "sandpit")) == []
