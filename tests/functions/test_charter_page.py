"""The public charter page (issue 12) through the deployed `charter` function over the
emulator: the live policy's times on the page and in its PDF alike, a changed policy shown
at once, unknown or inactive centres 404, hostile directory text escaped, hostile queries
refused; the feedback form and every acknowledgement email link the charter."""

from __future__ import annotations

import html
import re

import pytest

from functions import wiring
from functions.adapters.firestore.service_levels import policy_from_file
from tests.functions.test_new_case_mail import SUBMISSION, deliver_all, mailbox
from tests.unit.test_charter_pdf import pdf_text, qr_from_pdf

CENTRE = "sunflower-soweto"


@pytest.fixture
def page(client_for):
    return client_for("charter")


def shown(answer) -> str:
    """The page's visible text, one space between words."""
    body = answer.get_data(as_text=True)
    body = re.sub(r"<style.*?</style>", " ", body, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def set_policy(**ack_hours) -> None:
    """Put a changed policy in force: each kind's acknowledge hours as given."""
    policy = policy_from_file()
    targets = [t.model_copy(update={"acknowledge_hours": ack_hours[t.kind.value]})
               if t.kind is not None and t.kind.value in ack_hours and not t.urgent else t
               for t in policy.targets]  # fmt: skip
    changed = policy.model_copy(update={"targets": targets, "version": "test-changed"})
    wiring.service_levels().save(changed, wiring.utc_now().year)


def test_the_page_shows_the_live_policy_s_times_and_the_pdf_the_same(page):
    answer = page.get(f"/?centre={CENTRE}")
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    text = shown(answer)
    assert "Customer service charter of Sunflower" in text
    pdf = page.get(f"/?centre={CENTRE}&format=pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    printed = pdf_text(pdf.get_data())
    for row in ("Complaint 8 working hours 30 working hours",
                "Anything urgent 2 hours 24 hours"):  # fmt: skip
        assert row in text and row in printed
    # The principal and the regional administrator (the escalation contact) are named.
    assert "admin.gauteng@ecd.example.org" in text


def test_a_changed_policy_is_on_the_page_and_in_the_pdf_at_once(page):
    set_policy(complaint=4, question=6)
    text = shown(page.get(f"/?centre={CENTRE}"))
    printed = pdf_text(page.get(f"/?centre={CENTRE}&format=poster").get_data())
    for row in ("Complaint 4 working hours 30 working hours",
                "Question 6 working hours 20 working hours"):  # fmt: skip
        assert row in text and row in printed


def test_the_printed_qr_code_leads_to_the_centre_s_feedback_form(page, client_for):
    data = page.get(f"/?centre={CENTRE}&format=pdf").get_data()
    url = qr_from_pdf(data)
    assert url.endswith(f"/feedback_form?centre={CENTRE}")
    form = client_for("feedback_form").get(f"/?centre={CENTRE}").get_data(as_text=True)
    assert f'<option value="{CENTRE}" selected>' in form  # the form opens with it chosen
    assert f'href="charter?centre={CENTRE}"' in form


@pytest.mark.parametrize("language", ["zu", "af"])
def test_the_page_in_the_parent_s_language(page, language):
    answer = page.get(f"/?centre={CENTRE}&lang={language}")
    assert answer.status_code == 200 and answer.headers["Content-Language"] == language
    assert f'lang="{language}"' in answer.get_data(as_text=True)


def test_unknown_and_inactive_centres_are_not_found(page):
    directory = wiring.centre_directory()
    centre = directory.get_centre("little-stars-tembisa")
    directory.save_centre(centre.model_copy(update={"active": False}))
    for query in ("centre=nowhere", "centre=little-stars-tembisa", "centre=", "centre=a%2Fb",
                  "centre=" + "x" * 5000, "centre=%00", "centre=..",
                  "centre=little-stars-tembisa&format=pdf"):  # fmt: skip
        answer = page.get(f"/?{query}")
        assert answer.status_code == 404, query
        assert "text/html" in answer.content_type
    assert page.get(f"/?centre={CENTRE}&format=exe").status_code == 400


def test_without_a_centre_the_list_of_charters(page):
    answer = page.get("/")
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'href="charter?centre={CENTRE}"' in text and "Gauteng" in text


def test_hostile_directory_text_is_escaped_on_the_page_and_text_in_the_pdf(page):
    directory = wiring.centre_directory()
    centre = directory.get_centre(CENTRE)
    hostile = '<script>alert(1)</script>"\r\nX-Injected: 1\u2028' + "w" * 5000
    directory.save_centre(centre.model_copy(update={"name": hostile, "address": hostile}))
    answer = page.get(f"/?centre={CENTRE}")
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "X-Injected" not in str(answer.headers)
    pdf = page.get(f"/?centre={CENTRE}&format=pdf")
    assert pdf.status_code == 200 and "<script>alert(1)</script>" in pdf_text(pdf.get_data())


def test_every_acknowledgement_links_the_centre_s_charter(client_for, tasks, page):
    client_for("submit_feedback").post("/", json=SUBMISSION)
    deliver_all(client_for, tasks)
    acknowledgement = mailbox()[SUBMISSION["reporter"]["email"]]
    link = re.search(r"(\S+/charter\?centre=[\w-]+)", acknowledgement.text).group(1)
    assert link.endswith(f"charter?centre={SUBMISSION['centre_id']}")
    assert "charter?centre=" in acknowledgement.html
    assert page.get(link[link.index("?") :].replace("?", "/?", 1)).status_code == 200
