"""The parent's reply (case_reply), over the real Firestore emulator: from the link in the
centre's question mail, and from the status page's form."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from functions import wiring
from functions.domain.cases import lifecycle
from functions.domain.cases.models import Person
from functions.domain.cases.parent_updates import info_request_message, resolution_message
from functions.domain.shared.vocabulary import ActorRole
from functions.http.parent.followup_forms import COOKIE_NAME
from functions.services.cases.changing import change_case, deadlines_of
from tests.builders import submission, tampered
from tests.functions.test_feedback_form import csrf_token
from tests.functions.test_new_case_mail import deliver_all, mailbox

PARENT = "ayanda@example.org"
PRINCIPAL = "principal@fynbos.example.org"
HOSTILE = "<script>alert('x')</script> & \"quotes\"\nline two"


def submit(client_for, anonymous: bool = False) -> tuple[str, str]:
    """A complaint at Fynbos; (reference, status token)."""
    body = submission(centre_id="fynbos-khayelitsha", kind="complaint",
                      category="communication_and_delays",
                      description="Nobody told us the centre closes early on Friday.",
                      reporter={} if anonymous else {"name": "Ayanda", "email": PARENT},
                      anonymous=anonymous)  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body).get_json()
    return answer["reference"], answer["status_url"].split("token=", 1)[1]


def staff_step(reference: str, step: str, text: str) -> None:
    """The principal asks the parent, or resolves the case, as their mailed link would: the
    lifecycle step and the parent's mail in one unit of work."""
    deps = wiring.dependencies()

    def decide(case):
        centre = deps.directory.get_centre(case.centre_id)
        by, now = Person(key=centre.principal.key, name=centre.principal.name), deps.clock()
        act = {"ask": lifecycle.ask_parent, "resolve": lifecycle.resolve}[step]
        change = act(case, by, ActorRole.STAFF, text, deadlines_of(case, deps), now)
        mail = {"ask": info_request_message, "resolve": resolution_message}[step]
        message = mail(change.case, text, deps.network_name, now)
        return change, [message] if message else []

    change_case(reference, decide, deps)


def case(reference: str):
    return wiring.case_reader().get(reference)


def history(reference: str) -> list:
    return wiring.case_reader().list_events(reference)


def outbox(template: str) -> list[dict]:
    docs = wiring.firestore_client().collection("outbox").stream()
    return [d.to_dict() for d in docs if d.to_dict()["template"] == template]


def open_form(client, token: str) -> str:
    page = client.get(f"/?token={token}")
    assert page.status_code == 200
    return csrf_token(page.get_data(as_text=True))


def test_the_link_in_the_question_mail_opens_the_reply_page_and_the_reply_is_recorded(
    client_for, tasks
):
    reference, token = submit(client_for)
    tasks.take()
    staff_step(reference, "ask", "Which Friday was it, and at what time?")
    deliver_all(client_for, tasks)
    mail = mailbox()[PARENT]
    assert "Which Friday was it" in mail.text
    reply_url = re.search(r"https?://\S+/case_reply\?token=\S+", mail.text).group(0)
    path = urlsplit(reply_url)
    assert path.path.endswith("/case_reply")

    replies = client_for("case_reply")
    page = replies.get(f"/?{path.query}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Which Friday was it, and at what time?" in html
    assert "paused" in html and "noindex" in page.headers["X-Robots-Tag"]
    events_before = len(history(reference))
    assert case(reference).status == "awaiting_parent"  # opening the page changed nothing

    form = {"csrf_token": csrf_token(html), "reply": "Friday 12 March, at 12:30."}
    sent = replies.post(f"/?{path.query}", data=form)
    assert sent.status_code == 303
    assert sent.headers["Location"] == f"case_reply?token={token}&sent=1"
    thanks = replies.get(f"/?token={token}&sent=1").get_data(as_text=True)
    assert "Your reply was sent" in thanks and f"case_status?token={token}" in thanks

    after = case(reference)
    assert after.status == "in_progress" and after.clock.paused_at is None
    events = history(reference)
    assert len(events) == events_before + 1
    assert (events[-1].type, events[-1].summary) == ("parent_replied", form["reply"])
    (note,) = outbox("case_reply_received")
    assert note["to"] == PRINCIPAL and note["data"]["actionable"] == [reference]
    assert note["data"]["reply"] == form["reply"]

    # Pressed twice, or refreshed with the same form: one reply.
    again = replies.post(f"/?token={token}", data=form)
    assert again.status_code == 303 and len(history(reference)) == events_before + 1
    assert len(outbox("case_reply_received")) == 1


def test_a_post_without_the_forms_cookie_is_refused_and_keeps_the_text(client_for):
    reference, token = submit(client_for)
    staff_step(reference, "ask", "Which Friday?")
    html = client_for("case_reply").get(f"/?token={token}").get_data(as_text=True)
    stranger = client_for("case_reply")  # another browser: no cookie
    answer = stranger.post(f"/?token={token}",
                           data={"csrf_token": csrf_token(html), "reply": "Friday."})  # fmt: skip
    assert answer.status_code == 403 and "Friday." in answer.get_data(as_text=True)
    assert answer.headers["Set-Cookie"].startswith(f"{COOKIE_NAME}=")  # a fresh form to send
    assert case(reference).status == "awaiting_parent" and len(history(reference)) == 2


def test_an_anonymous_parent_replies_through_the_status_page(client_for):
    reference, token = submit(client_for, anonymous=True)
    assert case(reference).anonymous
    staff_step(reference, "ask", "Which class is your child in?")
    assert not outbox("case_info_request")  # nobody to write to: the status page says it

    status = client_for("case_status").get(f"/?token={token}")
    html = status.get_data(as_text=True)
    assert "We are waiting for your reply" in html and "Which class is your child in?" in html
    assert f'action="case_reply?token={token}"' in html
    nonce = re.search(rf"{COOKIE_NAME}=([^;]+)", status.headers["Set-Cookie"]).group(1)

    replies = client_for("case_reply")
    replies.set_cookie(COOKIE_NAME, nonce)
    answer = replies.post(f"/?token={token}", data={"csrf_token": csrf_token(html),
                                                     "reply": HOSTILE})  # fmt: skip
    assert answer.status_code == 303
    assert history(reference)[-1].summary == HOSTILE
    page = client_for("case_status").get(f"/?token={token}").get_data(as_text=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page
    assert "line two" in page and "We are waiting for your reply" not in page


def test_an_empty_or_too_long_reply_is_shown_again_with_what_is_wrong(client_for):
    reference, token = submit(client_for)
    staff_step(reference, "ask", "Which Friday?")
    replies = client_for("case_reply")
    long = "Friday " * 800  # 5,600 characters
    form = {"csrf_token": open_form(replies, token), "reply": long}
    answer = replies.post(f"/?token={token}", data=form)
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "at most 5,000 characters" in html
    assert long.strip() in html and 'aria-invalid="true"' in html
    form = {"csrf_token": open_form(replies, token), "reply": "  "}
    answer = replies.post(f"/?token={token}", data=form)
    assert answer.status_code == 422 and "Write your reply" in answer.get_data(as_text=True)
    assert len(history(reference)) == 2


def test_a_flood_of_replies_stops_at_the_days_limit_and_mails_nobody_more(client_for, tasks):
    reference, token = submit(client_for)
    replies = client_for("case_reply")
    for n in range(lifecycle.MAX_REPLIES_A_DAY):
        form = {"csrf_token": open_form(replies, token), "reply": f"Another word, number {n}"}
        assert replies.post(f"/?token={token}", data=form).status_code == 303
    form = {"csrf_token": open_form(replies, token), "reply": "And one more"}
    answer = replies.post(f"/?token={token}", data=form)
    assert answer.status_code == 429 and int(answer.headers["Retry-After"]) > 0
    assert "many messages about this case today" in answer.get_data(as_text=True)
    assert "And one more" in answer.get_data(as_text=True)  # kept for tomorrow
    assert len(outbox("case_reply_received")) == lifecycle.MAX_REPLIES_A_DAY


def test_a_resolved_case_takes_no_reply_and_points_to_new_feedback(client_for):
    reference, token = submit(client_for)
    replies = client_for("case_reply")
    csrf = open_form(replies, token)
    staff_step(reference, "resolve", "We now send the hours on Wednesday.")
    page = replies.get(f"/?token={token}").get_data(as_text=True)
    assert "resolved or closed" in page and 'href="feedback_form"' in page
    assert 'name="reply"' not in page
    answer = replies.post(f"/?token={token}", data={"csrf_token": csrf, "reply": "Thanks!"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "resolved or closed" in html and "Thanks!" in html
    assert [e.type for e in history(reference)][-1] == "resolved"


def test_forged_and_missing_tokens_get_the_status_pages_404(client_for):
    _, token = submit(client_for)
    replies, status = client_for("case_reply"), client_for("case_status")
    not_found = status.get(f"/?token={tampered(token)}").get_data(as_text=True)
    for url in (f"/?token={tampered(token)}", "/", "/?token="):
        for answer in (replies.get(url), replies.post(url, data={"reply": "x"})):
            assert answer.status_code == 404
            assert answer.get_data(as_text=True) == not_found


def test_the_reply_and_rating_pages_speak_the_parents_language(client_for):
    reference, token = submit(client_for)
    staff_step(reference, "ask", "Which Friday?")
    page = client_for("case_reply").get(f"/?token={token}&lang=zu")
    assert page.headers["Content-Language"] == "zu"
    assert "Thumela impendulo yakho" in page.get_data(as_text=True)  # Send your reply
    staff_step(reference, "resolve", "Fixed.")
    rate = client_for("rate_case").get(f"/?token={token}&score=2&lang=af")
    html = rate.get_data(as_text=True)
    assert "Wat het verkeerd geloop?" in html and "Stuur jou gradering" in html
