"""A Google Form answer an attacker (or a broken phone keyboard) wrote, followed from intake to
the mail it causes: the case is kept, and every alert reaches its person once.

Before this was fixed, these centre answers stopped the administrators' alerts of an urgent
case: line-break characters made every delivery answer 500 and stay in "sending", and a
350,000-character answer made the outbox record too large to mark as sent, so it went out
again after every lease (5 copies in 22 minutes).
"""

from __future__ import annotations

import json

import pytest

from functions import wiring
from functions.adapters.mail.local_mailbox import LocalMailbox
from functions.config import get_settings
from functions.domain.cases.models import GIVEN_TEXT_MAX
from tests.builders import delivery, post

ADMINISTRATORS = {"admin.gauteng@ecd.example.org", "admin.kzn@ecd.example.org",
                  "admin.westerncape@ecd.example.org"}  # fmt: skip
HOSTILE_CENTRES = {
    "u2028": "Sunflower\u2028Soweto",
    "crlf-bcc": "Nowhere\r\nBcc: evil@attacker.org",
    "nul": "Nowhere\x00Subject: hi",
    "every-line-end": "a\vb\fc\x1cd\x1de\x1ef\x85g\u2029h\ri\nj",
    "markup": '<script>alert(1)</script><img src=x onerror="alert(2)">',
    "lone-surrogate": "Sunflower \ud83d",
    "350k": "Sunflower Soweto " * 20_600,
    "523k": "x" * 523_700,  # with the rest of the response, just under the 512 KiB limit
}


def urgent_response(centre: str, response_id: str) -> bytes:
    return delivery(response_id, [
        {"question": "Centre", "answer": centre},
        {"question": "Type of feedback", "answer": "Complaint"},
        {"question": "Your message", "answer": "A child was hurt at the gate today."},
        {"question": "Is a child at risk, or is this urgent?", "answer": "Yes"},
        {"question": "Email address", "answer": "parent@example.org"},
        {"question": "Consent", "answer": ["I agree"]},
    ])  # fmt: skip


def deliver_until_settled(client_for, tasks, rounds: int = 3) -> list[str]:
    """Replay the queued tasks through deliver_email as Cloud Tasks would; every answer."""
    deliver, results = client_for("deliver_email"), []
    for _ in range(rounds):
        for body in tasks.take():
            answer = deliver.post("/", json=body)
            assert answer.status_code == 200, answer.get_data(as_text=True)
            results.extend(answer.get_json()["results"])
    return results


@pytest.mark.parametrize("centre", HOSTILE_CENTRES.values(), ids=HOSTILE_CENTRES.keys())
def test_every_administrator_gets_the_urgent_alert_once_whatever_the_centre_answer(
    client_for, tasks, centre
):
    body = urgent_response(centre, "resp-hostile")
    assert len(body) <= get_settings().max_form_response_bytes
    answer = post(client_for("intake_google_form"), body)
    assert answer.status_code == 201  # a 4xx or 503 here would be retried by Apps Script forever
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert case.urgent and "unknown_centre" in case.triage.reasons
    assert len(case.centre_name) <= GIVEN_TEXT_MAX and "\n" not in case.centre_name

    results = deliver_until_settled(client_for, tasks)
    assert results == ["sent"] * 4  # the parent's acknowledgement and three administrators
    mail = LocalMailbox(get_settings().local_mailbox_dir).list()
    assert sorted(m.to for m in mail) == sorted(ADMINISTRATORS | {"parent@example.org"})
    for message in mail:
        assert message.subject.isprintable() and "evil@attacker.org" not in str(message.headers)
        assert "Bcc" not in message.headers and "Subject: hi" not in message.subject
    alert = next(m for m in mail if m.to == "admin.gauteng@ecd.example.org")
    expected = f"URGENT: Complaint about a centre we do not recognise ({case.reference})"
    assert alert.subject == expected
    assert "<script>" not in alert.html

    # Each outbox record holds the parent's text once, and stays small enough to update.
    for record in wiring.firestore_client().collection("outbox").stream():
        assert record.get("state") == "sent"
        assert len(json.dumps(record.to_dict(), default=str)) < 64 * 1024


def test_a_long_message_is_cut_once_and_flagged_and_its_alerts_are_sent(client_for, tasks):
    answers = json.loads(urgent_response("sunflower-soweto", "resp-long"))["answers"]
    answers[2]["answer"] = "The gate is broken again. " * 20_000  # 520,000 characters
    body = delivery("resp-long", answers)
    answer = post(client_for("intake_google_form"), body)
    assert answer.status_code == 201
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert case.triage.reasons == ["message_cut"] and case.centre_id == "sunflower-soweto"
    # the parent, the principal, the two staff members and the region
    assert deliver_until_settled(client_for, tasks) == ["sent"] * 5
    alert = next(m for m in LocalMailbox(get_settings().local_mailbox_dir).list()
                 if m.to == "admin.gauteng@ecd.example.org")  # fmt: skip
    assert "the form's responses hold all of it" in alert.text
    assert alert.subject == f"URGENT: Complaint about Sunflower Educare, Soweto ({case.reference})"
