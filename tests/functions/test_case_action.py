"""The case_action entry point over the real Firestore emulator: staff act on a case from the
links in their mail, without a login."""

from __future__ import annotations

import re
import threading
import time
from html import unescape

import itsdangerous

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import StaffAction
from tests.builders import submission, tampered
from tests.functions.local_support import CSRF

PRINCIPAL = "principal@sunflower.example.org"
LERATO = "lerato@sunflower.example.org"
BONGANI = "bongani@sunflower.example.org"
OTHER_CENTRE = "principal@littlestars.example.org"
ADMIN = "admin.gauteng@ecd.example.org"


def new_case(client_for, **changes) -> str:
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description="The gate latch is broken",
                      reporter={"email": "parent@example.org"}) | changes  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201
    return answer.get_json()["reference"]


def link(reference: str, action: StaffAction, email: str, message_id: str = "m1") -> str:
    person = person_key(email)
    ident = link_id(f"{message_id}-{person}", reference, action)
    return ActionLink(action, reference, person, ident).token(wiring.signer())


def events(reference: str) -> list[dict]:
    ref = wiring.firestore_client().collection("cases").document(reference)
    return sorted((d.to_dict() for d in ref.collection("events").stream()), key=lambda e: e["at"])


def case(reference: str) -> dict:
    return wiring.firestore_client().collection("cases").document(reference).get().to_dict()


def outbox(reference: str) -> list[dict]:
    docs = wiring.firestore_client().collection("outbox").stream()
    return [d.to_dict() for d in docs if d.to_dict().get("case_reference") == reference]


def html(answer) -> str:
    return unescape(answer.get_data(as_text=True))


def open_form(client, token: str, **headers):
    """GET the link's page; (answer, the form's CSRF token)."""
    answer = client.get(f"/?token={token}", headers=headers)
    found = CSRF.search(answer.get_data(as_text=True))
    return answer, found.group(1) if found else None


def act(client, token: str, **fields):
    """Open the form and send it, as a browser does (the cookie comes with the client)."""
    _, csrf = open_form(client, token)
    return client.post(f"/?token={token}", data={"csrf_token": csrf, **fields})


# ------------------------------------------------------------------------------ the page


def test_the_page_shows_the_case_its_whole_history_and_the_one_form_in_english(client_for):
    reference = new_case(client_for, urgent=False)
    page = client_for("case_action")
    noted = act(page, link(reference, StaffAction.NOTE, BONGANI), text="Parent owes fees")
    assert noted.status_code == 303
    answer, csrf = open_form(page, link(reference, StaffAction.RESOLVE, LERATO, "m2") + "&lang=zu",
                             **{"Accept-Language": "zu"})  # fmt: skip
    text = html(answer)
    assert answer.status_code == 200 and csrf
    for shown in (reference, "Sunflower Educare, Soweto", "Complaint", "Facilities",
                  "New: not acknowledged yet", "The whole centre", "Acknowledge by", "Resolve by",
                  "Africa/Johannesburg", "The gate latch is broken", "Parent by email",
                  "Parent owes fees", "Bongani Zulu", "Internal", "Feedback received",
                  "What was done, for the parent"):  # fmt: skip
        assert shown in text, shown
    assert text.count("<form") == 1 and 'name="text"' in text and 'maxlength="5000"' in text
    assert answer.headers["Content-Language"] == "en" and 'lang="en"' in text
    assert "noindex" in answer.headers["X-Robots-Tag"]
    assert "script-src" not in answer.headers["Content-Security-Policy"]  # default-src 'none'
    assert "<script" not in text and 'hreflang="zu"' not in text
    assert "case_action_form=" in answer.headers["Set-Cookie"]


def test_the_mailed_link_acknowledges_and_the_confirmation_shows_the_case_as_it_is(
    client_for, tasks
):
    reference = new_case(client_for)
    deliver = client_for("deliver_email")
    for body in tasks.take():
        assert deliver.post("/", json=body).status_code == 200
    mail = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    url = re.search(r"Acknowledge: (\S+)", mail[LERATO].text).group(1)
    token = url.split("token=", 1)[1]
    page = client_for("case_action")
    sent = act(page, token)
    assert sent.status_code == 303 and sent.headers["Location"].endswith("&done=1")
    done = page.get("/?" + sent.headers["Location"].split("?", 1)[1])
    assert done.status_code == 200 and "You acknowledged the case" in html(done)
    assert "In progress" in html(done) and "Lerato Khumalo (you)" in html(done)
    stored = case(reference)
    assert stored["status"] == "in_progress" and stored["assignee"]["name"] == "Lerato Khumalo"
    last = events(reference)[-1]
    assert last["type"] == "acknowledged" and last["actor"]["key"] == person_key(LERATO)
    # Sent again (a refresh of the POST, the back button): nothing more, and it says so.
    again = page.post(f"/?token={token}", data={"csrf_token": "x"})
    assert again.status_code == 410 and "This link was already used" in html(again)
    assert len(events(reference)) == 2
    reopened = page.get(f"/?token={token}")
    assert reopened.status_code == 410 and "<form" not in html(reopened)


def test_a_post_without_or_with_a_wrong_csrf_token_does_nothing(client_for):
    reference = new_case(client_for)
    token = link(reference, StaffAction.NOTE, LERATO)
    page = client_for("case_action")
    none = page.post(f"/?token={token}", data={"text": "A note"})
    _, csrf = open_form(page, token)
    # A CSRF token of ours, but the feedback form's, with a nonce of its own.
    other_purpose = wiring.signer().sign(Purpose.FEEDBACK_FORM, "nonce", expires=True)
    wrong = page.post(f"/?token={token}", data={"csrf_token": other_purpose, "text": "A note"})
    elsewhere = client_for("case_action")  # another browser: no cookie
    stolen = elsewhere.post(f"/?token={token}", data={"csrf_token": csrf, "text": "A note"})
    for answer in (none, wrong, stolen):
        assert answer.status_code == 403
        assert "nothing was done" in html(answer) and "A note</textarea>" in html(answer)
    assert len(events(reference)) == 1
    assert page.post(f"/?token={token}", data={"csrf_token": csrf, "text": "A note"}
                     ).status_code == 303  # fmt: skip


def test_expired_forged_and_other_centres_links_say_so_and_change_nothing(client_for, monkeypatch):
    reference = new_case(client_for)
    good = link(reference, StaffAction.ACKNOWLEDGE, LERATO)
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    expired = link(reference, StaffAction.ACKNOWLEDGE, LERATO)
    monkeypatch.undo()
    page = client_for("case_action")
    expected = {
        expired: (410, "This link has expired"),
        tampered(good): (404, "This link is not valid"),
        "": (404, "This link is not valid"),
        link(reference, StaffAction.ACKNOWLEDGE, OTHER_CENTRE): (403, "cannot act on this case"),
        link("FB-AAAA-BBB", StaffAction.ACKNOWLEDGE, LERATO): (404, "not available"),
    }
    for token, (status, words) in expected.items():
        for answer in (page.get(f"/?token={token}"),
                       page.post(f"/?token={token}", data={"csrf_token": "x"})):  # fmt: skip
            assert answer.status_code == status and words in html(answer)
            assert "Nothing was changed" in html(answer) and "<form" not in html(answer)
    assert case(reference)["status"] == "received" and len(events(reference)) == 1


# ------------------------------------------------------------------------------ the actions


def test_ask_parent_pauses_the_case_and_writes_the_parents_mail(client_for):
    reference = new_case(client_for)
    before = {m["message_id"] for m in outbox(reference)}
    answer = act(client_for("case_action"), link(reference, StaffAction.ASK_PARENT, PRINCIPAL),
                 text="Which gate: front or back?")  # fmt: skip
    assert answer.status_code == 303
    assert case(reference)["status"] == "awaiting_parent"
    (question,) = [m for m in outbox(reference) if m["message_id"] not in before]
    assert question["template"] == "case_info_request" and question["to"] == "parent@example.org"
    assert question["data"]["question"] == "Which gate: front or back?"
    assert events(reference)[-1]["clock"] == "paused"


def test_resolve_writes_the_resolution_mail_and_then_acknowledge_says_what_happened(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    answer = act(page, link(reference, StaffAction.RESOLVE, PRINCIPAL),
                 text="The latch was replaced today")  # fmt: skip
    assert answer.status_code == 303
    assert [m["template"] for m in outbox(reference)].count("case_resolved") == 1
    late = link(reference, StaffAction.ACKNOWLEDGE, LERATO)
    shown = page.get(f"/?token={late}")
    assert shown.status_code == 200 and "<form" not in html(shown)
    assert re.search(r"was resolved on .+ by Thandi Mokoena", html(shown))
    refused = page.post(f"/?token={late}", data={"csrf_token": "x"})
    assert refused.status_code == 409 and "This link was not used up" in html(refused)
    assert [e["type"] for e in events(reference)] == ["submitted", "resolved"]


def test_a_parent_without_email_is_warned_of_before_asking(client_for):
    reference = new_case(client_for, reporter={"phone": "0821234567"})
    answer, _ = open_form(client_for("case_action"),
                          link(reference, StaffAction.ASK_PARENT, LERATO))  # fmt: skip
    assert "The parent cannot be emailed" in html(answer)
    assert "only see your question on their status page" in html(answer)


def test_reassign_and_escalate_hand_the_case_on_and_mail_the_new_owner(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    form, _ = open_form(page, link(reference, StaffAction.REASSIGN, PRINCIPAL))
    assert "Bongani Zulu" in html(form) and "Lerato Khumalo" in html(form)
    answer = act(page, link(reference, StaffAction.REASSIGN, PRINCIPAL), to=person_key(BONGANI),
                 text="You fixed it last time")  # fmt: skip
    assert answer.status_code == 303 and case(reference)["assignee"]["name"] == "Bongani Zulu"
    same = act(page, link(reference, StaffAction.REASSIGN, LERATO), to=person_key(BONGANI))
    assert same.status_code == 422 and "already has this case" in html(same)

    assert act(page, link(reference, StaffAction.ESCALATE, BONGANI),
               text="Parent is upset").status_code == 303  # fmt: skip
    assert case(reference)["assignee"]["name"] == "Thandi Mokoena"
    assert act(page, link(reference, StaffAction.ESCALATE, PRINCIPAL)).status_code == 303
    assert case(reference)["assignee"]["name"] == "Nomsa Dlamini"
    top = page.get(f"/?token={link(reference, StaffAction.ESCALATE, ADMIN)}")
    assert "nobody to escalate this case to" in html(top) and "<form" not in html(top)
    mail = {(m["template"], m["to"]) for m in outbox(reference)}
    assert {("case_assigned", BONGANI), ("case_escalated", PRINCIPAL),
            ("case_escalated", ADMIN)} <= mail  # fmt: skip
    kinds = [e["type"] for e in events(reference)]
    assert kinds == ["submitted", "reassigned", "escalated", "escalated"]


def test_two_staff_acknowledging_at_once_leave_one_acknowledgement(client_for):
    reference = new_case(client_for)
    tokens = [link(reference, StaffAction.ACKNOWLEDGE, who) for who in (LERATO, BONGANI)]
    pages = [client_for("case_action") for _ in tokens]
    forms = [open_form(page, token)[1] for page, token in zip(pages, tokens, strict=True)]
    start, answers = threading.Barrier(2), [None, None]

    def send(i: int) -> None:
        start.wait()
        answers[i] = pages[i].post(f"/?token={tokens[i]}", data={"csrf_token": forms[i]})

    threads = [threading.Thread(target=send, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [303, 409]
    loser = next(a for a in answers if a.status_code == 409)
    assert "already acknowledged by" in html(loser)
    acknowledged = [e for e in events(reference) if e["type"] == "acknowledged"]
    assert len(acknowledged) == 1
    stored = case(reference)
    assert stored["status"] == "in_progress"
    assert stored["assignee"]["key"] == acknowledged[0]["actor"]["key"]


# ------------------------------------------------------------------------------ hostile text


def test_hostile_text_is_kept_escaped_and_bounded(client_for):
    reference = new_case(client_for)
    page = client_for("case_action")
    token = link(reference, StaffAction.NOTE, LERATO)
    _, csrf = open_form(page, token)
    too_long = page.post(f"/?token={token}", data={"csrf_token": csrf, "text": "é" * 5001})
    assert too_long.status_code == 422 and "5,000 characters" in html(too_long)
    assert "é" * 5001 in html(too_long)  # kept, to shorten
    empty = page.post(f"/?token={token}", data={"csrf_token": csrf, "text": " \r\n "})
    assert empty.status_code == 422 and "Write the note first" in html(empty)
    huge = page.post(f"/?token={token}", data={"csrf_token": csrf, "text": "x" * 70_000})
    assert huge.status_code == 413
    assert len(events(reference)) == 1
    hostile = (
        "<script>alert(1)</script>%0D%0Aline%E2%80%A8two%C2%85three%00"
        "%ED%A0%80half"
    )  # a lone surrogate, as bytes no browser should send
    body = f"csrf_token={csrf}&text={hostile.replace('<', '%3C').replace('>', '%3E')}"
    answer = page.post(f"/?token={token}", data=body,
                       content_type="application/x-www-form-urlencoded")  # fmt: skip
    assert answer.status_code == 303
    note = events(reference)[-1]["summary"]
    assert note.startswith("<script>alert(1)</script>\nline\ntwo\nthree")
    assert "\x00" not in note and note.endswith("half")
    shown = page.get("/?" + answer.headers["Location"].split("?", 1)[1]).get_data(as_text=True)
    assert "<script>alert" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
