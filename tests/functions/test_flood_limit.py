"""The flood limit on intake, through the deployed functions over the Firestore emulator.

Requests carry X-Forwarded-For as Cloud Run hands it over: whatever the client sent, then
the address Google's front end saw.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.shared.rate_limit import RateLimiter
from tests.builders import delivery, post
from tests.functions.test_feedback_form import csrf_token, filled

ONE = "203.0.113.7"  # a client that floods
OTHER = "198.51.100.23"  # a parent elsewhere at the same time
SUBMISSION = {
    "centre_id": "sunflower-soweto",
    "kind": "suggestion",
    "category": "health_and_nutrition",
    "description": "Could the menu include more fruit?",
    "reporter": {"name": "Thandi", "email": "thandi@example.org"},
    "consent": {"given": True, "version": "2026-11"},
}


def from_(address: str, sent_by_client: str | None = None) -> dict:
    """Headers as Cloud Run passes them on: Google's front end appends the address it saw."""
    forwarded = f"{sent_by_client}, {address}" if sent_by_client else address
    return {"X-Forwarded-For": forwarded}


def submit(api, address: str, n: int, sent_by_client: str | None = None, key: str | None = None):
    headers = from_(address, sent_by_client) | ({"Idempotency-Key": key} if key else {})
    body = SUBMISSION | {"description": f"Suggestion number {n} from {address}"}
    return api.post("/", json=body, headers=headers)


def case_count() -> int:
    return sum(1 for _ in wiring.firestore_client().collection("cases").stream())


@pytest.fixture
def api(client_for):
    return client_for("submit_feedback")


@pytest.fixture
def limit_of(monkeypatch):
    """Set the limit (FLOOD_LIMIT_SUBMISSIONS) for this test."""

    def set_limit(submissions: int):
        monkeypatch.setenv("FLOOD_LIMIT_SUBMISSIONS", str(submissions))
        get_settings.cache_clear()
        wiring.flood_limiter.cache_clear()

    return set_limit


def test_one_client_is_held_at_429_while_another_clients_submissions_are_all_stored(api):
    limit = get_settings().flood_limit_submissions  # the default, 60
    flood, others = [], []
    for n in range(limit + 10):
        flood.append(submit(api, ONE, n))
        if n % 7 == 0:
            others.append(submit(api, OTHER, n))
    assert [a.status_code for a in flood] == [201] * limit + [429] * 10
    for held in flood[limit:]:
        assert 1 <= int(held.headers["Retry-After"]) <= 60  # one a minute comes back
        (error,) = held.get_json()["errors"]
        assert error["field"] == "submissions" and "try again in" in error["message"]
    assert len(others) == 10 and {a.status_code for a in others} == {201}
    for answer in others:
        assert wiring.case_reader().get(answer.get_json()["reference"]) is not None
    assert case_count() == limit + len(others)  # nothing held was stored


def test_thirty_parents_on_one_connection_in_ten_minutes_are_all_accepted(client_for, monkeypatch):
    settings, clock = get_settings(), [0.0]
    limiter = RateLimiter(settings.flood_limit_submissions, settings.flood_limit_window_seconds,
                          clock=lambda: clock[0])  # fmt: skip
    monkeypatch.setattr(wiring, "flood_limiter", lambda: limiter)
    form = client_for("feedback_form")
    for n in range(30):  # each parent opens the form on the centre's Wi-Fi, and sends it
        token = csrf_token(form.get("/", headers=from_(ONE)).get_data(as_text=True))
        answers = filled(token, description=f"Parent {n}: thank you for the meeting")
        sent = form.post("/", data=answers, headers=from_(ONE))
        assert sent.status_code == 303, sent.get_data(as_text=True)[:300]
        clock[0] += 20  # thirty within ten minutes
    assert case_count() == 30


def test_a_forged_leftmost_entry_does_not_escape_the_limit(api, limit_of):
    limit_of(3)
    answers = [submit(api, ONE, n, sent_by_client=f"10.0.0.{n}") for n in range(8)]
    assert [a.status_code for a in answers] == [201] * 3 + [429] * 5
    # Nor does it spend the turns of the address it names.
    forged = [submit(api, ONE, n, sent_by_client=OTHER) for n in range(3)]
    assert {a.status_code for a in forged} == {429}
    assert [submit(api, OTHER, n).status_code for n in range(3)] == [201] * 3


def test_a_redelivery_is_counted_once_and_answered_even_when_held(api, limit_of):
    limit_of(3)
    first = submit(api, ONE, 0, key="retry-me")
    again = [submit(api, ONE, 0, key="retry-me") for _ in range(5)]
    assert first.status_code == 201 and {a.status_code for a in again} == {200}
    assert [submit(api, ONE, n).status_code for n in (1, 2, 3)] == [201, 201, 429]
    # Held now; the first case's answer is still given (its key made a case), uncounted.
    wiring.flood_limiter.cache_clear()  # even on an instance that never saw the first
    for n in (4, 5, 6):
        submit(api, ONE, n)
    late = submit(api, ONE, 0, key="retry-me")
    assert late.status_code == 200
    assert late.get_json()["reference"] == first.get_json()["reference"]
    assert submit(api, ONE, 7, key="a-new-key").status_code == 429  # a new key is held
    assert case_count() == 6


def test_the_held_form_keeps_the_parents_answers_in_their_language(client_for, limit_of):
    limit_of(1)
    form = client_for("feedback_form")
    page = form.get("/?lang=zu", headers=from_(ONE)).get_data(as_text=True)
    assert form.post("/", data=filled(csrf_token(page)), headers=from_(ONE)).status_code == 303
    answers = filled(csrf_token(page), description="Siyabonga ngokudla okusha")
    held = form.post("/", data=answers, headers=from_(ONE))
    html = unescape(held.get_data(as_text=True))
    assert held.status_code == 429 and 1 <= int(held.headers["Retry-After"]) <= 3600
    assert held.headers["Content-Language"] == "zu"
    assert "Kufike imilayezo eminingi" in html  # the notice, in isiZulu
    assert "Siyabonga ngokudla okusha" in html  # the answers are still in the form
    assert re.search(r'name="csrf_token" value="[^"]+"', html)  # and it can be sent again
    assert case_count() == 1
    # Another parent's form, at the same time, is sent; and the held one can still open it.
    elsewhere = client_for("feedback_form")  # another browser
    other = elsewhere.get("/", headers=from_(OTHER)).get_data(as_text=True)
    sent = elsewhere.post("/", data=filled(csrf_token(other)), headers=from_(OTHER))
    assert sent.status_code == 303
    assert form.get("/", headers=from_(ONE)).status_code == 200
    assert case_count() == 2


def test_google_form_deliveries_are_not_limited(api, client_for, limit_of):
    limit_of(1)
    assert [api.post("/", json=SUBMISSION).status_code for _ in range(2)] == [201, 429]
    intake = client_for("intake_google_form")  # signed by Apps Script, from the same address
    assert [post(intake, delivery(f"resp-{n}")).status_code for n in range(3)] == [201] * 3


def test_no_limit_when_it_is_turned_off(api, limit_of):
    limit_of(0)
    assert {submit(api, ONE, n).status_code for n in range(5)} == {201}


def test_a_page_on_an_allowed_origin_can_read_how_long_to_wait(api, limit_of, monkeypatch):
    monkeypatch.setenv("ALLOWED_ORIGINS", "https://forms.ecd.example.org")
    limit_of(1)
    headers = from_(ONE) | {"Origin": "https://forms.ecd.example.org"}
    answers = [api.post("/", json=SUBMISSION, headers=headers) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 429]
    held = answers[1]
    assert held.headers["Access-Control-Allow-Origin"] == "https://forms.ecd.example.org"
    assert "Retry-After" in held.headers["Access-Control-Expose-Headers"]
