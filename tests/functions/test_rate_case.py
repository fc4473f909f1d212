"""The parent's rating (rate_case), over the real Firestore emulator: the resolution mail's
one-click links (which change nothing when opened), the form's POST, and the status page's."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from functions import wiring
from functions.domain.mail.links import RATING_LINK_SECONDS
from functions.domain.shared.signing import Purpose
from functions.http.parent.followup_forms import COOKIE_NAME
from tests.builders import tampered
from tests.functions.test_case_reply import (
    PARENT,
    PRINCIPAL,
    case,
    history,
    outbox,
    staff_step,
    submit,
)
from tests.functions.test_feedback_form import csrf_token
from tests.functions.test_new_case_mail import deliver_all, mailbox


def resolved(client_for, tasks=None) -> tuple[str, str]:
    """A case resolved by the principal (`tasks`: its intake mail left undelivered)."""
    reference, token = submit(client_for)
    if tasks is not None:
        tasks.take()
    staff_step(reference, "resolve", "From now on we send the closing time by Wednesday.")
    return reference, token


def rating_query(reference: str) -> str:
    return f"token={wiring.signer().sign(Purpose.CASE_RATING, reference, expires=True)}"


def test_the_mails_links_show_the_page_with_the_score_chosen_and_change_nothing(client_for, tasks):
    reference, _ = resolved(client_for, tasks)
    deliver_all(client_for, tasks)
    mail = mailbox()[PARENT]
    links = re.findall(r"https?://\S+/rate_case\?\S+", mail.text)
    assert [link[-7:] for link in links] == [f"score={n}" for n in range(1, 6)]
    rate = client_for("rate_case")
    events = len(history(reference))
    for n, link in enumerate(links, 1):
        page = rate.get(f"/?{urlsplit(link).query}")  # as a link scanner would, five times
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "From now on we send the closing time" in html
        assert re.search(rf'value="{n}"\s+checked', html)
        assert ("What went wrong?" in html) is (n <= 2)
        assert "noindex" in page.headers["X-Robots-Tag"]
    after = case(reference)
    assert after.status == "resolved" and after.rating is None
    assert len(history(reference)) == events


def test_a_rating_of_1_reopens_the_case_for_the_principal_and_says_so(client_for):
    reference, _ = resolved(client_for)
    rate, query = client_for("rate_case"), rating_query(reference)
    html = rate.get(f"/?{query}&score=1").get_data(as_text=True)
    form = {"csrf_token": csrf_token(html), "score": "1", "comment": "Still on Friday morning."}
    sent = rate.post(f"/?{query}", data=form)
    assert sent.status_code == 303 and sent.headers["Location"] == f"rate_case?{query}&sent=1"
    thanks = rate.get(f"/?{query}&sent=1").get_data(as_text=True)
    assert "Thank you for your rating" in thanks and "reopened" in thanks

    after = case(reference)
    assert after.status == "in_progress" and after.rating.score == 1
    assert after.rating.comment == "Still on Friday morning."
    centre = wiring.centre_directory().get_centre("fynbos-khayelitsha")
    assert after.assignee.key == centre.principal.key and after.next_nudge_at is not None
    (note,) = outbox("case_reopened")
    assert note["to"] == PRINCIPAL and note["data"]["actionable"] == [reference]

    # A second rating, from the same form or a fresh one, changes nothing.
    events = len(history(reference))
    for attempt in (form, {**form, "score": "5", "csrf_token": csrf_token(html)}):
        again = rate.post(f"/?{query}", data=attempt)
        assert again.status_code == 200 and "already rated" in again.get_data(as_text=True)
    assert len(history(reference)) == events and case(reference).rating.score == 1
    assert len(outbox("case_reopened")) == 1


def test_a_post_without_the_forms_cookie_is_refused(client_for):
    reference, _ = resolved(client_for)
    query = rating_query(reference)
    html = client_for("rate_case").get(f"/?{query}&score=4").get_data(as_text=True)
    stranger = client_for("rate_case")
    answer = stranger.post(f"/?{query}", data={"csrf_token": csrf_token(html), "score": "4"})
    assert answer.status_code == 403 and re.search(r'value="4"\s+checked', answer.text)
    assert case(reference).status == "resolved" and case(reference).rating is None


def test_an_expired_link_says_so_plainly_and_changes_nothing(client_for, monkeypatch):
    from itsdangerous.timed import TimestampSigner

    reference, _ = resolved(client_for)
    old = int(time.time()) - RATING_LINK_SECONDS - 60
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: old)
        query = rating_query(reference)
    rate = client_for("rate_case")
    for answer in (rate.get(f"/?{query}&score=5"), rate.post(f"/?{query}", data={"score": "5"})):
        assert answer.status_code == 410
        assert "This rating link has expired" in answer.get_data(as_text=True)
    assert case(reference).rating is None


def test_a_score_outside_1_to_5_gets_a_clear_message(client_for):
    reference, _ = resolved(client_for)
    rate, query = client_for("rate_case"), rating_query(reference)
    for score in ("0", "6", "9", "x", "", "1.5", "%C2%B2", "05"):
        page = rate.get(f"/?{query}&score={score}")
        assert page.status_code == 422, score
        assert "Choose a score from 1 (very poor) to 5 (very good)" in page.get_data(as_text=True)
    html = rate.get(f"/?{query}").get_data(as_text=True)  # no score: nothing chosen yet
    answer = rate.post(f"/?{query}", data={"csrf_token": csrf_token(html), "score": "7"})
    assert answer.status_code == 422 and "Choose a score" in answer.get_data(as_text=True)
    assert case(reference).rating is None


def test_the_status_page_offers_the_rating_form_and_a_5_closes_the_case(client_for):
    reference, token = resolved(client_for)
    status = client_for("case_status").get(f"/?token={token}")
    html = status.get_data(as_text=True)
    assert f'action="rate_case?token={token}"' in html and 'name="reply"' not in html
    nonce = re.search(rf"{COOKIE_NAME}=([^;]+)", status.headers["Set-Cookie"]).group(1)
    rate = client_for("rate_case")
    rate.set_cookie(COOKIE_NAME, nonce)
    forms = re.findall(r'name="csrf_token" value="([^"]+)"', html)
    sent = rate.post(f"/?token={token}", data={"csrf_token": forms[-1], "score": "5"})
    assert sent.status_code == 303 and sent.headers["Location"] == f"case_status?token={token}"
    assert case(reference).status == "closed" and case(reference).rating.score == 5
    page = client_for("case_status").get(f"/?token={token}").get_data(as_text=True)
    assert "You rated the resolution 5 out of 5." in page and 'name="score"' not in page
    assert not outbox("case_reopened")


def test_a_case_not_resolved_is_not_waiting_for_a_rating(client_for):
    reference, _ = submit(client_for)
    page = client_for("rate_case").get(f"/?{rating_query(reference)}&score=5")
    assert page.status_code == 409 and "not waiting for a rating" in page.get_data(as_text=True)


def test_forged_and_missing_tokens_get_the_status_pages_404(client_for):
    reference, token = resolved(client_for)
    not_found = client_for("case_status").get("/?token=x").get_data(as_text=True)
    rate = client_for("rate_case")
    forged = rating_query(reference).split("=", 1)[1]
    for url in (f"/?token={tampered(forged)}&score=5", "/?score=5", f"/?token={tampered(token)}"):
        for answer in (rate.get(url), rate.post(url, data={"score": "5"})):
            assert answer.status_code == 404
            assert answer.get_data(as_text=True) == not_found
    assert case(reference).rating is None
