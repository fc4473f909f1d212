"""Malformed requests get a clear 4xx, never a 500; other methods get 405 with Allow.

Each request here answered 500 (or 200 to a method the entry point does not take) before
these were fixed; they came from attacking a live `make run`.
"""

from __future__ import annotations

import json
import re
import time

import pytest

import main
from functions import wiring
from functions.http.parent import form_tokens as _form_tokens
from tests.builders import delivery, post
from tests.functions.test_feedback_form import csrf_token, filled

NOW = int(time.time())
SIGNED_BODY = delivery()


@pytest.mark.parametrize(
    "header",
    [
        "t=²,v1=00",  # "²".isdigit() is True; int("²") raises
        "t=" + "9" * 5000 + ",v1=00",  # int() refuses more than 4,300 digits
        f"t={NOW},v1=é",  # hmac.compare_digest raises on non-ASCII text
        f"t={NOW},v1=\ud800",
        f"t={NOW}",
        "v1=00",
        ",,,=",
    ],
    ids=["superscript-two", "5000-digits", "non-ascii", "surrogate", "no-v1", "no-t", "commas"],
)
def test_a_malformed_signature_is_401_and_stores_nothing(client_for, header, project):
    answer = client_for("intake_google_form").post(
        "/", data=SIGNED_BODY, content_type="application/json", headers={"X-Signature": header}
    )
    assert answer.status_code == 401
    assert answer.get_json()["errors"][0]["field"] == "X-Signature"
    assert list(wiring.firestore_client().collection("cases").stream()) == []


@pytest.mark.parametrize(
    "token",
    ["1.a.é", "².a.b", "1.é.b", f"{NOW}.{'x' * 5000}.ab", "...", ""],
    ids=["non-ascii-signature", "superscript", "non-ascii-nonce", "long-nonce", "dots", "empty"],
)
def test_a_malformed_form_token_shows_the_form_again_with_403(client_for, token):
    form = client_for("feedback_form")
    form.get("/")
    answer = form.post("/", data=filled(token))
    assert answer.status_code == 403
    assert "Your form had expired" in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "cookie", ["é", "\u2028", "a" * 4000, "x;y"], ids=["non-ascii", "u2028", "long", "semicolon"]
)
def test_a_valid_token_with_a_foreign_cookie_is_403_and_the_next_form_works(client_for, cookie):
    form = client_for("feedback_form")
    token, _ = _form_tokens.issue(wiring.signer())
    form.set_cookie(_form_tokens.COOKIE_NAME, cookie)
    refused = form.post("/", data=filled(token))
    assert refused.status_code == 403
    # The page that refused it issued a fresh nonce: sending again from it works.
    again = form.post("/", data=filled(csrf_token(refused.get_data(as_text=True))),
                      follow_redirects=True)  # fmt: skip
    assert again.status_code == 200 and "We have your feedback" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "suffix", ["%C3%A9", "%ED%A0%80", "", "." + "a" * 5000], ids=["e-acute", "surrogate", "", "dot"]
)
def test_a_malformed_unsubscribe_token_is_the_same_404(client_for, suffix):
    client = client_for("unsubscribe")
    token = "ab" * 32 + "." + suffix
    assert client.get(f"/?token={token}").status_code == 404
    one_click = {"List-Unsubscribe": "One-Click"}
    assert client.post(f"/?token={token}", data=one_click).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{"Type": []}, {"Type": {}}, {"Type": None}, {}, [], "Notification", {"Type": "Notification"}],
)
def test_a_malformed_sns_envelope_is_400(client_for, body):
    answer = client_for("email_events").post(
        "/", data=json.dumps(body), content_type="application/json"
    )
    assert answer.status_code == 400


def test_a_google_form_answer_with_a_lone_surrogate_is_kept_with_a_replacement_character(
    client_for,
):
    """JavaScript strings may hold half an emoji; Apps Script would retry a refusal forever,
    so the answer is read as browsers read broken text, and the case (and its alerts) stand."""
    answers = [
        {"question": "Centre", "answer": "Fynbos Early Learning, Khayelitsha"},
        {"question": "Type of feedback", "answer": "Complaint"},
        {"question": "Your message", "answer": "Help \ud83d now \udc4d and \ud83d\ude00"},
        {"question": "Is a child at risk, or is this urgent?", "answer": "Yes"},
        {"question": "Consent", "answer": ["I agree"]},
    ]
    body = delivery("resp-surrogate", answers)
    assert b"\\ud83d now" in body  # json.dumps escapes the lone halves as JSON would
    answer = post(client_for("intake_google_form"), body)
    assert answer.status_code == 201
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert case.description == "Help \ufffd now \ufffd and \U0001f600"
    assert case.urgent


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32-le"])
def test_a_google_form_body_whose_bytes_hold_a_lone_surrogate_is_read_the_same_way(
    client_for, encoding
):
    """Bytes that decode to half a surrogate pair (UTF-8's ED A0 80, or UTF-16/32 with an
    unpaired half) once reached storage and answered 500, losing an urgent case."""
    answers = [
        {"question": "Centre", "answer": "Ubuntu Creche, Umlazi"},
        {"question": "Your message", "answer": "help \ud800 now"},
        {"question": "Your name", "answer": "Zo\udfff"},
        {"question": "Phone number", "answer": "082 123 4567"},
        {"question": "Is a child at risk, or is this urgent?", "answer": "Yes"},
        {"question": "Consent", "answer": ["I agree"]},
    ]
    text = json.loads(delivery(f"resp-raw-{encoding}", answers))
    raw = json.dumps(text, ensure_ascii=False).encode(encoding, "surrogatepass")
    answer = post(client_for("intake_google_form"), raw)
    assert answer.status_code == 201
    case = wiring.case_reader().get(answer.get_json()["reference"])
    assert case.urgent and "\ud800" not in case.description and "help" in case.description
    assert "\udfff" not in case.reporter.name


def test_a_json_submission_with_a_lone_surrogate_is_read_the_same_way(client_for):
    body = json.dumps({
        "centre_id": "sunflower-soweto", "kind": "question", "category": "other",
        "description": "Why \ud800?", "reporter": {"phone": "082 123 4567"},
        "consent": {"given": True, "version": "2026-11"},
    })  # fmt: skip
    answer = client_for("submit_feedback").post("/", data=body, content_type="application/json")
    assert answer.status_code == 201
    assert wiring.case_reader().get(answer.get_json()["reference"]).description == "Why \ufffd?"


# Every deployed entry point and the methods it takes; a method it does not take is 405.
METHODS = {
    "feedback_form": "GET, HEAD, POST",
    "submit_feedback": "OPTIONS, POST",
    "intake_google_form": "POST",
    "case_status": "GET, HEAD",
    "case_reply": "GET, HEAD, POST",
    "rate_case": "GET, HEAD, POST",
    "charter": "GET, HEAD",
    "case_action": "GET, HEAD, POST",
    "admin": "GET, HEAD, POST",
    "admin_api": "GET, HEAD, POST",
    "deliver_email": "POST",
    "sweep_outbox": "POST",
    "run_nudges": "POST",
    "send_nudge": "POST",
    "send_digests": "POST",
    "send_digest": "POST",
    "setup_monthly_forums": "POST",
    "invite_to_forums": "POST",
    "import_attendance": "POST",
    "forum_survey": "GET, HEAD, POST",
    "run_forum_followups": "POST",
    "compile_forum_summaries": "POST",
    "forum_report": "GET, HEAD",
    "send_forum_surveys": "POST",
    "forums": "GET, HEAD",
    "forum_registration": "GET, HEAD, POST",
    "send_forum_reminders": "POST",
    "tell_forum_change": "POST",
    "select_advisory_network": "POST",
    "advisory_response": "GET, HEAD, POST",
    "send_advisory_notices": "POST",
    "distribute_charters": "POST",
    "send_charter": "POST",
    "confirm_charter": "GET, HEAD, POST",
    "remind_charters": "POST",
    "retain_records": "POST",
    "unsubscribe": "GET, HEAD, POST",
    "privacy": "GET, HEAD",
    "email_events": "POST",
    "dev_mailbox": "GET, HEAD",
}


def test_every_entry_point_is_listed_here():
    assert sorted(METHODS) == sorted(main.__all__)


@pytest.mark.parametrize("name", sorted(METHODS))
def test_other_methods_are_405_with_allow_and_change_nothing(client_for, name):
    client = client_for(name)
    allowed = set(METHODS[name].split(", "))
    for method in sorted({"GET", "POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"} - allowed):
        answer = client.open("/", method=method, data=b"x" * 100)
        assert answer.status_code == 405, (name, method)
        assert answer.headers["Allow"] == METHODS[name]
    assert list(wiring.firestore_client().collection("cases").stream()) == []


@pytest.mark.parametrize(
    ("name", "limit"),
    [("feedback_form", 64), ("submit_feedback", 64), ("intake_google_form", 512),
     ("deliver_email", 8), ("sweep_outbox", 8), ("unsubscribe", 8), ("email_events", 1024),
     ("case_reply", 64), ("rate_case", 64), ("case_action", 64), ("run_nudges", 8),
     ("send_nudge", 8), ("send_digests", 8), ("send_digest", 8),
     ("select_advisory_network", 8), ("advisory_response", 8), ("send_advisory_notices", 8),
     ("setup_monthly_forums", 8), ("invite_to_forums", 8), ("import_attendance", 5120),
     ("forum_survey", 64), ("run_forum_followups", 8), ("send_forum_surveys", 8),
     ("forum_registration", 64), ("send_forum_reminders", 8), ("tell_forum_change", 8),
     ("compile_forum_summaries", 8), ("distribute_charters", 8), ("send_charter", 8),
     ("confirm_charter", 8), ("remind_charters", 8), ("retain_records", 8)],
)  # fmt: skip
def test_a_body_over_the_limit_is_413_whether_declared_or_streamed(client_for, name, limit):
    client = client_for(name)
    over = b"a=" + b"x" * (limit * 1024)
    declared = client.post("/", data=over, content_type="application/x-www-form-urlencoded")
    assert declared.status_code == 413
    # No Content-Length: the server reads up to the limit and stops there.
    status, text = _post_chunked(client, _Chunked(over))
    assert status == 413 and re.search(r"at most|too long", text)


class _Chunked:
    """A body of unknown length, read in pieces (what a chunked upload looks like to WSGI)."""

    def __init__(self, data: bytes):
        self._data, self.read_so_far = data, 0

    def read(self, size: int = -1) -> bytes:
        size = len(self._data) if size is None or size < 0 else size
        piece = self._data[self.read_so_far : self.read_so_far + size]
        self.read_so_far += len(piece)
        return piece

    readline = read


def _post_chunked(client, body: _Chunked) -> tuple[int, str]:
    """POST a body with no declared length, as a server hands over a chunked upload (the test
    client would measure the stream first, so the app is called as the server calls it)."""
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    environ = EnvironBuilder(path="/", method="POST", content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ.update({"wsgi.input": body, "wsgi.input_terminated": True})
    chunks, status, _ = run_wsgi_app(client.application, environ, buffered=True)
    return int(status.split()[0]), b"".join(chunks).decode()


class _BrokenChunks(_Chunked):
    """What werkzeug's dechunker does with a chunk header that is not hex."""

    def read(self, size: int = -1) -> bytes:
        raise OSError("Invalid chunk header")

    readline = read


@pytest.mark.parametrize("name", ["submit_feedback", "feedback_form", "intake_google_form"])
def test_a_body_that_cannot_be_read_is_400(client_for, name):
    status, text = _post_chunked(client_for(name), _BrokenChunks(b""))
    assert status == 400 and ("could not be read" in text or "did not arrive whole" in text)


def test_a_streamed_body_is_read_only_up_to_the_limit(client_for):
    body = _Chunked(b"x" * (5 * 1024 * 1024))
    status, _ = _post_chunked(client_for("submit_feedback"), body)
    assert status == 413
    assert body.read_so_far <= 64 * 1024 + 1
