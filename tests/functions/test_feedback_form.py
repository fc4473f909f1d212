"""The parent's web form, GET and POST, through the deployed function over the emulator."""

import re
from html import unescape

import pytest

from functions import wiring


@pytest.fixture
def form(client_for):
    return client_for("feedback_form")


def csrf_token(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


def filled(token: str, **changes) -> dict:
    values = {
        "csrf_token": token,
        "website": "",
        "centre_id": "ubuntu-umlazi",
        "kind": "suggestion",
        "category": "health_and_nutrition",
        "description": "Could the menu include more fruit? <script>alert(1)</script>",
        "child.first_name": "Z",
        "child.age_group": "preschool",
        "reporter.name": "Zodwa",
        "reporter.email": "",
        "reporter.phone": "083 555 0101",
        "reporter.role": "parent",
        "reporter.preferred_language": "zu",
        "consent.given": "yes",
        "consent.version": "2026-11",
    }
    return values | changes


def all_cases():
    return [d.to_dict() for d in wiring.firestore_client().collection("cases").stream()]


def test_the_form_offers_the_centres_grouped_by_region(form):
    page = form.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<optgroup label="Gauteng">' in html and "Ubuntu Creche, Umlazi" in html
    assert "feedback_form=" in page.headers["Set-Cookie"]
    assert "HttpOnly" in page.headers["Set-Cookie"]


def test_a_parent_submits_and_sees_the_reference_and_status_link(form, client_for):
    token = csrf_token(form.get("/").get_data(as_text=True))
    answer = form.post("/", data=filled(token), follow_redirects=True)
    html = answer.get_data(as_text=True)
    # Sent, then redirected (303) to a page a refresh can reload without sending again.
    assert [r.status_code for r in answer.history] == [303] and answer.status_code == 200
    assert answer.history[0].headers["Location"].startswith("feedback_form?received=")
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", html).group(0)
    status_link = unescape(re.search(r'href="([^"]*case_status\?token=[^"]+)"', html).group(1))
    (case,) = all_cases()
    assert case["reference"] == reference and case["source"] == "web_form"
    assert case["reporter"]["phone"] == "+27835550101" and case["child"]["first_name"] == "Z"
    status = client_for("case_status").get("/?" + status_link.split("?", 1)[1])
    assert status.status_code == 200 and reference in status.get_data(as_text=True)


def test_sending_twice_or_refreshing_records_one_case(form):
    token = csrf_token(form.get("/").get_data(as_text=True))
    first = form.post("/", data=filled(token), follow_redirects=True)
    second = form.post("/", data=filled(token), follow_redirects=True).get_data(as_text=True)
    reference = re.search(r"FB-[0-9A-Z]{4}-[0-9A-Z]{3}", first.get_data(as_text=True)).group(0)
    assert reference in second and len(all_cases()) == 1
    refreshed = form.get(first.request.full_path)  # the browser's refresh: a GET, never a POST
    assert reference in refreshed.get_data(as_text=True) and len(all_cases()) == 1


def test_errors_are_shown_beside_each_field_and_typed_values_are_kept(form):
    token = csrf_token(form.get("/").get_data(as_text=True))
    answer = form.post(
        "/",
        data=filled(
            token,
            kind="",
            **{"reporter.phone": "12345", "consent.given": "", "reporter.name": 'Zodwa "Z" <b>'},
        ),
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "There is a problem" in html
    for field_id, target in (("f-kind", "f-kind-complaint"), ("f-reporter-phone", None),
                             ("f-consent-given", None)):  # fmt: skip
        assert f'href="#{target or field_id}"' in html and f'id="{field_id}-error"' in html
    assert "Zodwa &#34;Z&#34; &lt;b&gt;" in html or "Zodwa &quot;Z&quot; &lt;b&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert 'value="83 555 0101"' not in html and "12345" in html
    assert all_cases() == []


def test_a_post_without_a_valid_token_keeps_the_answers_and_stores_nothing(form, client_for):
    answer = form.post("/", data=filled("1.forged.token"))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 403
    assert "expired" in html and "Could the menu include more fruit?" in html
    # The page carries a fresh token, so sending again works.
    assert form.post("/", data=filled(csrf_token(html))).status_code == 303
    other_browser = client_for("feedback_form")
    token = csrf_token(form.get("/").get_data(as_text=True))
    assert other_browser.post("/", data=filled(token)).status_code == 403


def test_the_honeypot_thanks_a_bot_and_stores_nothing(form):
    token = csrf_token(form.get("/").get_data(as_text=True))
    answer = form.post("/", data=filled(token, website="http://spam.example"))
    assert answer.status_code == 200 and "FB-" not in answer.get_data(as_text=True)
    assert all_cases() == []


def test_an_oversized_post_gets_413(form):
    token = csrf_token(form.get("/").get_data(as_text=True))
    answer = form.post("/", data=filled(token, description="x" * 70_000))
    assert answer.status_code == 413 and all_cases() == []


def test_anonymous_parents_need_no_contact_details(form):
    token = csrf_token(form.get("/").get_data(as_text=True))
    data = filled(token, anonymous="yes", **{"reporter.phone": "", "reporter.name": "Zodwa"})
    assert form.post("/", data=data).status_code == 303
    (case,) = all_cases()
    assert case["anonymous"] and case["reporter"]["name"] is None
