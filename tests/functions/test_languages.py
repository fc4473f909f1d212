"""Pages and mail in the parent's language: asked for with ?lang= (and remembered), else the
browser's Accept-Language, else English; the acknowledgement in the language the parent
prefers. Expected text comes from the catalogues themselves, so a reviewer's better wording
never breaks these tests, while an English page where isiZulu was asked for does."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import urlencode

import pytest

from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.rendering.translations import catalogue
from tests.builders import submission
from tests.functions.test_feedback_form import csrf_token, filled
from tests.functions.test_new_case_mail import deliver_all

HEADING = "Tell us about your child's centre"  # the form's <h1>


def in_(language: str, english: str) -> str:
    return catalogue(language).gettext(english)


def heading(answer) -> str:
    return unescape(re.search(r"<h1[^>]*>(.*?)</h1>", answer.get_data(as_text=True), re.S)[1])


def page_language(answer) -> str:
    return re.search(r'<html lang="([^"]+)"', answer.get_data(as_text=True))[1]


@pytest.fixture
def form(client_for):
    return client_for("feedback_form")


def test_the_catalogues_translate_the_forms_heading():
    assert in_("zu", HEADING) != HEADING and in_("af", HEADING) != HEADING


@pytest.mark.parametrize("language", ["zu", "af"])
def test_a_language_asked_for_is_shown_and_remembered(form, language):
    first = form.get(f"/?lang={language}")
    assert page_language(first) == language and first.headers["Content-Language"] == language
    assert heading(first) == in_(language, HEADING)
    cookie = next(c for c in first.headers.getlist("Set-Cookie") if c.startswith("lang="))
    assert (
        cookie.startswith(f"lang={language};") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    )

    later = form.get("/")  # the test client sends the cookie back
    assert page_language(later) == language and heading(later) == in_(language, HEADING)


@pytest.mark.parametrize(
    ("accept", "shown"),
    [("af-ZA,af;q=0.9,en;q=0.5", "af"), ("zu", "zu"), ("en-ZA", "en"), ("fr, de;q=0.8", "en"),
     ("xh-ZA,zu;q=0.7", "zu"), ("", "en"), ("*;q=x,,;;", "en")],
)  # fmt: skip
def test_without_a_choice_the_browsers_languages_decide(form, accept, shown):
    answer = form.get("/", headers={"Accept-Language": accept})
    assert answer.status_code == 200 and page_language(answer) == shown
    assert "Accept-Language" in answer.headers["Vary"]


@pytest.mark.parametrize("asked", ["xx", "../zu", "zu\r\nSet-Cookie: a=b", "ZU", "e" * 5000])
def test_a_language_we_do_not_ship_is_english_and_not_remembered(form, asked):
    answer = form.get("/", query_string={"lang": asked})
    assert answer.status_code == 200 and page_language(answer) == "en"
    assert not any(c.startswith("lang=") for c in answer.headers.getlist("Set-Cookie"))


def test_a_choice_in_the_address_beats_the_cookie_and_the_browser(form):
    form.get("/?lang=af")
    answer = form.get("/?lang=zu", headers={"Accept-Language": "af"})
    assert page_language(answer) == "zu"


@pytest.mark.parametrize("target", ["feedback_form", "privacy", "case_status"])
def test_every_parent_page_offers_the_three_languages(client_for, target):
    answer = client_for(target).get("/?lang=af")
    html = answer.get_data(as_text=True)
    assert page_language(answer) == "af"
    switcher = re.search(r'<nav class="langs".*?</nav>', html, re.S)[0]
    assert re.findall(r'hreflang="(\w+)"', switcher) == ["en", "zu", "af"]
    assert 'lang="af" hreflang="af" aria-current="true"' in switcher


def test_the_switcher_on_a_status_page_keeps_its_link(client_for):
    token = client_for("submit_feedback").post("/", json=submission()).get_json()["status_url"]
    token = token.split("token=", 1)[1]
    page = client_for("case_status").get(f"/?token={token}&lang=zu")
    assert page.status_code == 200 and page_language(page) == "zu"
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)"', page.get_data(as_text=True))
    assert ("?token=" + token + "&amp;lang=af", "af") in links


def test_a_not_found_page_in_another_language_does_not_echo_the_address(client_for):
    page = client_for("case_status").get("/?token=not-ours&lang=zu")
    html = page.get_data(as_text=True)
    assert page.status_code == 404 and page_language(page) == "zu"
    assert "not-ours" not in html and 'href="?lang=en"' in html


def test_the_form_in_isizulu_proposes_isizulu_for_the_reply_and_the_mail_follows(
    form, client_for, tasks
):
    page = form.get("/?lang=zu").get_data(as_text=True)
    assert re.search(r'<option value="zu" selected', page)
    values = filled(csrf_token(page), **{"reporter.email": "zodwa@example.org"})
    answer = form.post("/", data=values, follow_redirects=True)
    assert answer.status_code == 200 and page_language(answer) == "zu"

    deliver_all(client_for, tasks)
    mail = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    acknowledgement = mail["zodwa@example.org"]
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", acknowledgement.subject)[0]
    subject = "We received your feedback (reference %(reference)s)"
    assert acknowledgement.subject == in_("zu", subject) % {"reference": reference}
    assert in_("zu", "Your reference") + ": " + reference in acknowledgement.text
    # Staff read the alert in English: the parent's language is theirs, not the principal's.
    alert = mail["principal@ubuntu.example.org"]
    assert "We received" not in alert.subject and alert.subject.isascii()


@pytest.mark.parametrize(("preferred", "language"), [("af", "af"), ("xh", "en"), (None, "en")])
def test_the_acknowledgement_of_a_json_submission_is_in_the_preferred_language(
    client_for, tasks, preferred, language
):
    reporter = {"name": "Anke", "email": "anke@example.org", "phone": "0821234567"}
    if preferred:
        reporter["preferred_language"] = preferred
    client_for("submit_feedback").post("/", json=submission(reporter=reporter))
    deliver_all(client_for, tasks)
    mail = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", mail["anke@example.org"].subject)[0]
    subject = "We received your feedback (reference %(reference)s)"
    assert mail["anke@example.org"].subject == in_(language, subject) % {"reference": reference}


def test_every_error_the_form_shows_is_in_the_pages_language(form):
    """The validators' own messages, with and without placeholders, not only the page's."""
    page = form.get("/?lang=zu").get_data(as_text=True)
    values = filled(
        csrf_token(page),
        **{"description": "x" * 4_001, "reporter.email": "not-an-address",
           "reporter.phone": "12", "child.first_name": "Thandi 2", "consent.given": ""},
    )  # fmt: skip
    html = unescape(form.post("/", data=values).get_data(as_text=True))
    shown = [
        " ".join(e.split()) for e in re.findall(r'<p class="error"[^>]*>(.*?)</p>', html, re.S)
    ]
    assert len(shown) >= 4, shown
    english = [
        "Use at most 4000 characters", "Enter an email address like name@example.com",
        "Enter a phone number like 082 123 4567 or +27 82 123 4567",
        "Give only your child's first name or initial",
        "Tick the box to agree, so that we can accept your feedback",
    ]  # fmt: skip
    for message in english:
        assert message not in html
    assert in_("zu", "Use at most %(count)s characters") % {"count": 4_000} in html
    assert in_("zu", "Give only your child's first name or initial") in html


def test_the_json_api_still_answers_in_english_with_its_placeholders_filled(client_for):
    answer = client_for("submit_feedback").post(
        "/", json=submission(description="x" * 4_001), headers={"Accept-Language": "zu"}
    )
    assert answer.status_code == 422
    assert {"field": "description", "message": "Use at most 4000 characters"} in (
        answer.get_json()["errors"]
    )


HOSTILE_TEXT = {
    "crlf-bcc": "Zodwa\r\nBcc: evil@attacker.org",
    "every-line-end": "a\vb\fc\x1cd\x1de\x1ef\x85g\u2028h\u2029i\rj\nk",
    "markup": '<script>alert(1)</script><img src=x onerror="alert(2)">{{ 7*7 }}%(x)s',
    "lone-surrogate": "Zodwa \ud83d",
}


@pytest.mark.parametrize("language", ["zu", "af"])
@pytest.mark.parametrize("text", HOSTILE_TEXT.values(), ids=HOSTILE_TEXT.keys())
def test_hostile_text_in_a_translated_form_and_its_mail(form, client_for, tasks, language, text):
    """A parent's words pass through translated sentences (the greeting names the parent):
    escaped in HTML, never in a header, and an urgent alert still reaches its person."""
    page = form.get(f"/?lang={language}").get_data(as_text=True)
    values = filled(
        csrf_token(page),
        **{"reporter.name": text, "description": text + " " + "x" * 3_900,
           "reporter.email": "zodwa@example.org", "urgent": "yes",
           "reporter.preferred_language": language},
    )  # fmt: skip
    # As a browser would send a lone surrogate: its bytes, which are not UTF-8.
    body = urlencode(values, encoding="utf-8", errors="surrogatepass")
    answer = form.post("/", data=body, content_type="application/x-www-form-urlencoded",
                       follow_redirects=True)  # fmt: skip
    assert answer.status_code == 200 and page_language(answer) == language
    assert "<script>" not in answer.get_data(as_text=True)

    assert set(deliver_all(client_for, tasks)) == {"sent"}
    mail = {m.to: m for m in LocalMailbox(get_settings().local_mailbox_dir).list()}
    assert {"zodwa@example.org", "principal@ubuntu.example.org",
            "admin.kzn@ecd.example.org"} <= set(mail)  # fmt: skip
    for message in mail.values():
        assert message.subject.isprintable() and "evil@attacker.org" not in str(message.headers)
        assert "Bcc" not in message.headers and "<script>" not in message.html
        # {{ 7*7 }} never evaluated (the random reference itself may hold a "49")
        assert "49" not in re.sub(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", "", message.subject)
    acknowledgement = mail["zodwa@example.org"]
    assert acknowledgement.subject.startswith(
        in_(language, "We received your feedback (reference %(reference)s)").split("%")[0]
    )
