"""The case lifecycle's entry points attacked over the real Firestore emulator, as a hostile
parent, a curious staff member, a mail scanner, a flaky network and a second click would."""

from __future__ import annotations

import json
import re
import threading

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases.staff_links import ActionLink
from functions.domain.directory.models import person_key
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import StaffAction
from tests.builders import submission
from tests.functions.test_case_action import (
    ADMIN,
    BONGANI,
    LERATO,
    PRINCIPAL,
    act,
    case,
    events,
    html,
    link,
    new_case,
    open_form,
)
from tests.functions.test_case_reply import case as case_now
from tests.functions.test_case_reply import history, staff_step, submit
from tests.functions.test_case_reply import open_form as open_reply_form
from tests.functions.test_feedback_form import csrf_token
from tests.functions.test_new_case_mail import deliver_all
from tests.functions.test_run_nudges import CREATED, STAFF_AT, nudge_events, nudge_mail, run_at

PARENT = "zanele.parent@example.org"
PARENT_PHONE = "0829998888"


def in_parallel(*calls) -> list:
    """Run the calls at the same moment, each in a thread of its own; their results."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i: int) -> None:
        start.wait()
        results[i] = calls[i]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# ------------------------------------------------------------------------------ case_action


def test_tampered_tokens_open_nothing(client_for):
    reference = new_case(client_for)
    good = link(reference, StaffAction.RESOLVE, LERATO)
    value = ":".join(("resolve", reference, person_key(LERATO), "0" * 20))
    other_purpose = wiring.signer().sign(Purpose.CASE_STATUS, value)  # right value, wrong salt
    unsigned_parts = good.split(".")
    page = client_for("case_action")
    for query in (f"token={good[:-10]}", f"token={good}%ED%A0%80", f"token={good}x",
                  f"token={'A' * 100_000}", f"token={other_purpose}",
                  f"token={unsigned_parts[0]}", f"token=x&token={good}",
                  f"token={good.replace('.', '..', 1)}"):  # fmt: skip
        for answer in (
            page.get(f"/?{query}"),
            page.post(f"/?{query}", data={"csrf_token": "x", "text": "x"}),
        ):
            assert answer.status_code == 404 and "This link is not valid" in html(answer)
    assert len(events(reference)) == 1


def test_a_staff_members_escalate_link_does_not_take_a_case_back_from_the_region(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    assert act(page, link(reference, StaffAction.ESCALATE, BONGANI)).status_code == 303
    assert act(page, link(reference, StaffAction.ESCALATE, PRINCIPAL)).status_code == 303
    assert case(reference)["assignee"]["name"] == "Nomsa Dlamini"
    before = len(events(reference))

    old = link(reference, StaffAction.ESCALATE, LERATO)  # from the new-case alert
    shown = page.get(f"/?token={old}")
    assert shown.status_code == 200 and "<form" not in html(shown)
    assert "already with Nomsa Dlamini" in html(shown)
    refused = page.post(f"/?token={old}", data={"csrf_token": "x"})
    assert refused.status_code == 409 and "This link was not used up" in html(refused)
    assert case(reference)["assignee"]["name"] == "Nomsa Dlamini"
    assert len(events(reference)) == before


@pytest.mark.parametrize("category", ["staff_conduct", "child_wellbeing_and_safety"])
def test_staff_links_open_a_sensitive_complaint_only_while_it_is_theirs(client_for, category):
    reference = new_case(client_for, category=category, description="SECRET about a teacher")
    page = client_for("case_action")
    for action in (StaffAction.NOTE, StaffAction.RESOLVE):
        for answer in (page.get(f"/?token={link(reference, action, LERATO)}"),
                       page.post(f"/?token={link(reference, action, LERATO)}",
                                 data={"csrf_token": "x", "text": "x"})):  # fmt: skip
            assert answer.status_code == 403 and "This case is not with you" in html(answer)
            assert "SECRET" not in html(answer) and reference not in html(answer)
    # The principal gives it to Lerato: she works it; then to Bongani: she no longer sees it.
    assert act(page, link(reference, StaffAction.REASSIGN, PRINCIPAL),
               to=person_key(LERATO)).status_code == 303  # fmt: skip
    noted = act(page, link(reference, StaffAction.NOTE, LERATO), text="Spoke to the parent")
    assert noted.status_code == 303
    assert act(page, link(reference, StaffAction.REASSIGN, PRINCIPAL, "m2"),
               to=person_key(BONGANI)).status_code == 303  # fmt: skip
    done = page.get("/?" + noted.headers["Location"].split("?", 1)[1])
    later = page.get(f"/?token={link(reference, StaffAction.RESOLVE, LERATO)}")
    for answer in (done, later):
        assert answer.status_code == 403 and "SECRET" not in html(answer)
    assert page.get(f"/?token={link(reference, StaffAction.RESOLVE, BONGANI)}").status_code == 200
    assert case(reference)["status"] == "received"


def test_one_link_sent_twice_at_the_same_moment_acts_once(client_for):
    reference = new_case(client_for)
    token = link(reference, StaffAction.NOTE, LERATO)
    browsers = [client_for("case_action") for _ in range(3)]
    forms = [open_form(browser, token)[1] for browser in browsers]
    answers = in_parallel(*(
        lambda b=b, f=f: b.post(f"/?token={token}", data={"csrf_token": f, "text": "Called"})
        for b, f in zip(browsers, forms, strict=True)
    ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [303, 410, 410]
    assert [e["type"] for e in events(reference)].count("note_added") == 1


def test_head_changes_nothing_and_other_methods_are_refused(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    token = link(reference, StaffAction.ACKNOWLEDGE, LERATO)
    assert page.head(f"/?token={token}").status_code == 200
    for method in ("OPTIONS", "PUT", "DELETE", "PATCH"):
        answer = page.open(f"/?token={token}", method=method)
        assert answer.status_code == 405 and "GET" in answer.headers["Allow"]
    assert case(reference)["status"] == "received" and len(events(reference)) == 1


def test_a_forged_reassign_target_and_foreign_tokens_change_nothing(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    token = link(reference, StaffAction.REASSIGN, LERATO)
    for to in (person_key(ADMIN), person_key("principal@littlestars.example.org"), "",
               person_key(LERATO).upper(), "x" * 5000):  # fmt: skip
        assert act(page, token, to=to).status_code == 422
    # Another purpose's CSRF token with its own cookie; another region's administrator.
    reply_token = wiring.signer().sign(Purpose.CASE_REPLY_FORM, "nonce", expires=True)
    page.set_cookie("case_action_form", "nonce")
    forged = page.post(f"/?token={token}", data={"csrf_token": reply_token,
                                                 "to": person_key(BONGANI)})  # fmt: skip
    assert forged.status_code == 403
    foreign = link(reference, StaffAction.NOTE, "admin.kzn@ecd.example.org")
    assert page.get(f"/?token={foreign}").status_code == 403
    assert case(reference)["assignee"] is None and len(events(reference)) == 1


def test_a_principal_replaced_in_the_directory_can_no_longer_act(client_for):
    reference = new_case(client_for)
    centre = wiring.firestore_client().collection("centres").document("sunflower-soweto")
    data = centre.get().to_dict()
    centre.set(data | {"principal": {"name": "New Head", "email": "head@sunflower.example.org",
                                     "role": "principal"}})  # fmt: skip
    wiring.reset()  # a fresh instance (the directory is kept a minute per instance)
    page = client_for("case_action")
    for action in (StaffAction.RESOLVE, StaffAction.ESCALATE, StaffAction.NOTE):
        assert page.get(f"/?token={link(reference, action, PRINCIPAL)}").status_code == 403
    assert case(reference)["status"] == "received"


# ------------------------------------------------------------------------------ the parent


def test_only_a_score_of_1_to_5_sent_by_the_form_records_a_rating(client_for):
    reference, status = submit(client_for)
    staff_step(reference, "resolve", "The gate was fixed")
    rating = wiring.signer().sign(Purpose.CASE_RATING, reference, expires=True)
    page = client_for("rate_case")
    for score in ("0", "6", "-1", "1.0", "1e1", "\u0665", "\uff15", "", "5\x00", "1", "5"):
        assert page.get(f"/?token={rating}&score={score}").status_code in (200, 422)
        assert page.head(f"/?token={rating}&score={score}").status_code in (200, 422)
    assert case_now(reference).rating is None  # a mail scanner opening every link rates nothing
    csrf = csrf_token(page.get(f"/?token={rating}").get_data(as_text=True))
    for score in ("0", "6", "1e1", "\u0665", "\uff15", " "):
        answer = page.post(f"/?token={rating}", data={"csrf_token": csrf, "score": score})
        assert answer.status_code == 422
    assert case_now(reference).rating is None


def test_two_ratings_at_once_record_one_and_the_case_follows_it(client_for):
    reference, status = submit(client_for)
    staff_step(reference, "resolve", "The gate was fixed")
    pages = [client_for("rate_case") for _ in range(2)]
    forms = [csrf_token(p.get(f"/?token={status}").get_data(as_text=True)) for p in pages]
    answers = in_parallel(*(
        lambda p=p, f=f, score=score: p.post(f"/?token={status}",
                                             data={"csrf_token": f, "score": score})
        for p, f, score in zip(pages, forms, ("1", "5"), strict=True)
    ))  # fmt: skip
    assert sorted(a.status_code for a in answers) == [200, 303]
    stored = case_now(reference)
    assert stored.status == ("closed" if stored.rating.score == 5 else "in_progress")
    assert [e.type for e in history(reference)].count("rated") == 1


def test_one_reply_sent_three_times_at_once_is_recorded_once(client_for):
    reference, status = submit(client_for)
    staff_step(reference, "ask", "Which gate?")
    page = client_for("case_reply")
    csrf = open_reply_form(page, status)
    answers = in_parallel(*(
        lambda: page.post(f"/?token={status}", data={"csrf_token": csrf, "reply": "The back one"})
        for _ in range(3)
    ))  # fmt: skip
    assert [a.status_code for a in answers] == [303, 303, 303]
    assert [e.type for e in history(reference)].count("parent_replied") == 1


# ------------------------------------------------------------------------------ nudges


def test_a_nudge_task_delivered_three_times_at_once_nudges_once(client_for, tasks, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "true")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: CREATED)
    body = submission(kind="complaint", category="facilities", description="x",
                      reporter={"email": "parent@example.org"})  # fmt: skip
    reference = client_for("submit_feedback").post("/", json=body).get_json()["reference"]
    assert run_at(client_for, STAFF_AT).get_json()["queued"] == 1
    (task,) = [json.loads(t["http_request"]["body"]) for t in tasks.tasks
               if t["http_request"]["url"].endswith("/send_nudge")]  # fmt: skip
    senders = [client_for("send_nudge") for _ in range(3)]
    answers = in_parallel(*(lambda s=s: s.post("/", json=task) for s in senders))
    results = sorted(a.get_json()["result"] for a in answers)
    assert results == ["nudged", "stale", "stale"]
    assert len(nudge_events(reference)) == 1 and len(nudge_mail(reference)) == 3
    get_settings.cache_clear()


def test_a_nudge_task_for_something_not_a_reference_settles_and_logs_no_text(client_for, capsys):
    send = client_for("send_nudge")
    base = {"stage": "acknowledge", "level": 1, "due": "2027-03-23T13:00:00+02:00"}
    for given in ("a/b", "..", "__x__", "lerato@sunflower.example", "FB-AAAA-AAA\n"):
        answer = send.post("/", json=base | {"reference": given})
        assert answer.status_code == 200 and answer.get_json()["result"] == "not_found"
    logged = capsys.readouterr().out
    assert "lerato" not in logged and "a/b" not in logged and "__x__" not in logged
    assert logged.count('"reference": "not a reference"') == 5


# ------------------------------------------------------------------------------ the whole way


def test_hostile_text_through_every_step_stays_out_of_logs_payloads_subjects_and_the_status_page(
    client_for, tasks, capsys
):
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description="SECRETDESC the gate",
                      reporter={"name": "Zanele Parentname", "email": PARENT,
                                "phone": PARENT_PHONE})  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body).get_json()
    reference, status = answer["reference"], answer["status_url"].split("token=", 1)[1]
    page = client_for("case_action")
    hostile = "<b>x</b>\r\n\u2028\x85\x0b\x0c\x00SECRET"
    steps = [(StaffAction.NOTE, LERATO, {"text": f"{hostile}NOTE"}),
             (StaffAction.REASSIGN, LERATO, {"to": person_key(BONGANI),
                                             "text": f"{hostile}REASSIGN"}),
             (StaffAction.ESCALATE, BONGANI, {"text": f"{hostile}ESCALATE"}),
             (StaffAction.ASK_PARENT, PRINCIPAL, {"text": f"{hostile}QUESTION"})]  # fmt: skip
    for action, who, fields in steps:
        assert act(page, link(reference, action, who), **fields).status_code == 303
    reply = client_for("case_reply")
    csrf = open_reply_form(reply, status)
    assert reply.post(f"/?token={status}", data={"csrf_token": csrf,
                      "reply": f"{hostile}REPLY"}).status_code == 303  # fmt: skip
    assert act(page, link(reference, StaffAction.RESOLVE, PRINCIPAL),
               text=f"{hostile}RESOLUTION").status_code == 303  # fmt: skip
    rate = client_for("rate_case")
    csrf = csrf_token(rate.get(f"/?token={status}").get_data(as_text=True))
    assert rate.post(f"/?token={status}", data={"csrf_token": csrf, "score": "1",
                     "comment": f"{hostile}COMMENT"}).status_code == 303  # fmt: skip
    payloads = [json.dumps(t, default=bytes.decode) for t in tasks.tasks]
    deliver_all(client_for, tasks)
    shown = client_for("case_status").get(f"/?token={status}").get_data(as_text=True)
    logged = capsys.readouterr().out

    personal = ["SECRET", "Zanele", "Parentname", PARENT, PARENT_PHONE, "Lerato", "Bongani",
                "Thandi", "Nomsa", "@"]  # fmt: skip
    for line in logged.splitlines():
        assert not [word for word in personal if word in line], line
    for payload in payloads:
        assert not [word for word in personal[:-1] if word in payload], payload
    # The status page (its source): the parent's steps, never the centre's internal work.
    for word in ("NOTE", "REASSIGN", "ESCALATE", "Lerato", "Bongani", "Thandi", "Nomsa",
                 person_key(LERATO), person_key(PRINCIPAL), "<b>x</b>"):  # fmt: skip
        assert word not in shown, word
    assert "SECRETQUESTION" in shown and "SECRETRESOLUTION" in shown
    mail = LocalMailbox(get_settings().local_mailbox_dir).list()
    assert len(mail) >= 9
    for message in mail:
        assert "SECRET" not in message.subject and "Zanele" not in message.subject
        assert message.subject.isprintable()
        if message.to == PARENT:
            for word in ("NOTE", "REASSIGN", "ESCALATE", "Lerato", "Bongani", "Nomsa"):
                assert word not in message.text + message.html, word
            continue
        assert PARENT not in message.text + message.html
        assert PARENT_PHONE not in message.text + message.html
        tokens = re.findall(r"case_action\?token=([\w.\-]+)", message.text)
        assert tokens
        for token in tokens:
            assert ActionLink.read(token, wiring.signer()).person == person_key(message.to)
