"""The forums page and the registration form through their entry points, over the emulator:
register, waitlist, already registered, cancel with promotion, closed forums, hostile input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import pytest

from functions import wiring
from functions.domain.forums.models import RegistrationState
from tests.forum_builders import breakout_forum, forum, store

NOW = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    return NOW


def _token(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def _register(client, forum_id, **fields):
    page = client.get(f"/?forum={forum_id}")
    assert page.status_code == 200
    data = {"csrf_token": _token(page.data), "name": "Thandi", "role": "parent",
            "centre_id": "sunflower-soweto", "email": "thandi@example.org", "language": "en",
            "consent": "yes", "consent_version": "forum-2026-11"} | fields  # fmt: skip
    return client.post(f"/?forum={forum_id}", data={k: v for k, v in data.items() if v is not None})


def _outbox(forum_id):
    db = wiring.firestore_client()
    return [d.to_dict() for d in db.collection("outbox").stream()
            if d.to_dict().get("data", {}).get("forum_id") == forum_id
            and d.to_dict()["template"] == "forum_registration"]  # fmt: skip


def test_the_forums_page_lists_coming_forums_with_places(client_for, clock):
    deps = wiring.dependencies()
    open_one, full = forum(title="Open <b>forum</b>"), forum(title="Full forum", capacity=2,
                                                            places_taken=2)  # fmt: skip
    past = forum(title="Past forum", starts_at=NOW - timedelta(days=3))
    gone = forum(title="Called off", status="cancelled")
    store(deps, open_one, full, past, gone)
    page = client_for("forums").get("/?invite=abc").get_data(as_text=True)
    assert "Open &lt;b&gt;forum&lt;/b&gt;" in page and "<b>forum" not in page
    assert "10 places left" in page and "Full — join the waiting list" in page
    assert "Past forum" not in page and "Called off" not in page
    assert f"forum_registration?forum={open_one.forum_id}&amp;invite=abc" in page
    month = client_for("forums").get(f"/?month={past.month}").get_data(as_text=True)
    assert "Past forum" in month and "This forum has taken place." in month
    assert f"forum={past.forum_id}" not in month
    assert client_for("forums").get("/?month=2025-13").status_code == 400


def test_register_waitlist_already_and_cancel_with_promotion(client_for, clock):
    deps = wiring.dependencies()
    event = forum(capacity=1)
    store(deps, event)
    client = client_for("forum_registration")
    first = _register(client, event.forum_id)
    assert first.status_code == 303
    shown = client.get("/" + first.headers["Location"].removeprefix("forum_registration"))
    assert "You are registered" in shown.get_data(as_text=True)
    second = _register(client, event.forum_id, name="Sipho", email="sipho@example.org")
    waiting = client.get("/" + second.headers["Location"].removeprefix("forum_registration"))
    assert "number 1 on the waiting list" in waiting.get_data(as_text=True)
    again = _register(client, event.forum_id, email="THANDI@example.org")
    assert again.status_code == 200 and "already registered" in again.get_data(as_text=True)
    assert len(_outbox(event.forum_id)) == 2  # nothing new for the repeat
    cancel = parse_qs(urlparse(first.headers["Location"]).query)["registered"][0]
    confirm = client.get("/", query_string={"cancel": cancel})
    assert "Cancel your registration?" in confirm.get_data(as_text=True)
    done = client.post("/", query_string={"cancel": cancel},
                       data={"csrf_token": _token(confirm.data)})  # fmt: skip
    assert done.status_code == 303
    after = client.get("/", query_string={"cancel": cancel}).get_data(as_text=True)
    assert "Your registration is cancelled" in after
    states = {r.email: r.state for r in deps.forums.registrations(event.forum_id)}
    assert states == {"thandi@example.org": RegistrationState.CANCELLED,
                      "sipho@example.org": RegistrationState.REGISTERED}  # fmt: skip
    mails = {(m["to"], m["data"]["moment"]) for m in _outbox(event.forum_id)}
    assert ("sipho@example.org", "promoted") in mails
    assert ("thandi@example.org", "cancelled") in mails
    # Twice: already cancelled, nothing more sent.
    again = client.post("/", query_string={"cancel": cancel},
                        data={"csrf_token": _token(confirm.data)})  # fmt: skip
    assert again.status_code == 303 and len(_outbox(event.forum_id)) == 4


def test_errors_beside_their_fields_and_forum_rules(client_for, clock):
    deps = wiring.dependencies()
    event = breakout_forum(audiences=["parents"])
    store(deps, event)
    client = client_for("forum_registration")
    answer = _register(client, event.forum_id, name="", email="", phone="", consent=None,
                       role="staff")  # fmt: skip
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and 'id="f-name-error"' in page and "f-consent-error" in page
    answer = _register(client, event.forum_id, role="staff")
    assert answer.status_code == 422 and 'id="f-role-error"' in answer.get_data(as_text=True)
    answer = _register(client, event.forum_id)
    assert answer.status_code == 422 and 'id="f-room_id-error"' in answer.get_data(as_text=True)
    assert _register(client, event.forum_id, room_id="a").status_code == 303


def test_closed_unknown_and_forged(client_for, clock):
    deps = wiring.dependencies()
    ended = forum(starts_at=NOW - timedelta(days=1))
    gone = forum(status="cancelled")
    store(deps, ended, gone)
    client = client_for("forum_registration")
    assert client.get(f"/?forum={ended.forum_id}").status_code == 410
    assert client.get(f"/?forum={gone.forum_id}").status_code == 409
    assert client.get("/?forum=nope").status_code == 404
    assert client.get("/?forum=%ED%A0%80%0D%0A").status_code in (400, 404)
    assert client.get("/?cancel=forged").status_code == 404
    assert client.post("/?forum=nope", data={"name": "x"}).status_code == 404


def test_hostile_name_never_reaches_a_header_and_markup_is_escaped(client_for, clock):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    client = client_for("forum_registration")
    name = "Eve\r\nBcc: victim@example.org\u2028<script>alert(1)</script>"
    answer = _register(client, event.forum_id, name=name, needs="<img src=x onerror=alert(1)>")
    assert answer.status_code == 303
    (stored,) = deps.forums.registrations(event.forum_id)
    assert "\r" not in stored.name and "\n" not in stored.name and "\u2028" not in stored.name
    (mail,) = _outbox(event.forum_id)
    email = deps.render(mail["template"], mail["data"] | {"cancel_url": "x", "privacy_url": "y",
                                                        "unsubscribe_url": None}, "en")  # fmt: skip
    assert "<script>" not in email.html and "&lt;script&gt;" in email.html
    assert "\n" not in email.subject
