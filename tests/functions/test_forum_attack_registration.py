"""Attack: the public registration form, its cancel link and the survey link over the
emulator: one person however their phone is written, forms and links of another purpose,
oversized fields, a queue outage, and the log lines of every forum flow (no name, email,
phone or free text in them)."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlparse

import pytest

from functions import wiring
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.shared.signing import Purpose
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests.forum_builders import forum, store

NOW = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)
NAME, EMAIL, PHONE = "Zebedee Quixote-Sentinel", "zebedee.sentinel@example.org", "082 555 0147"
NEEDS, OTHER = "Sentinel-needs: sign language", "Sentinel-topic: toilets at the centre"
PERSONAL = [NAME, "Zebedee", EMAIL, "zebedee.sentinel", "825550147", NEEDS, OTHER]


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    return NOW


def _token(page: bytes | str) -> str:
    text = page if isinstance(page, str) else page.decode()
    return re.search(r'name="csrf_token" value="([^"]+)"', text).group(1)


def _register(client, forum_id, **fields):
    page = client.get(f"/?forum={forum_id}")
    data = {"csrf_token": _token(page.data), "name": NAME, "role": "parent",
            "centre_id": "sunflower-soweto", "email": EMAIL, "language": "en",
            "consent": "yes", "consent_version": "forum-2026-11"} | fields  # fmt: skip
    return client.post(f"/?forum={forum_id}", data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("first, second", [
    ("082 123 4567", "+27821234567"), ("0821234567", "+27 (82) 123-4567"),
    ("０８２ １２３ ４５６７", "0027821234567"),
])  # fmt: skip
def test_one_phone_written_two_ways_is_one_person(client_for, clock, first, second):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    client = client_for("forum_registration")
    assert _register(client, event.forum_id, email=None, phone=first).status_code == 303
    again = _register(client, event.forum_id, email=None, phone=second)
    assert again.status_code == 200 and "already registered" in again.text
    assert deps.forums.get(event.forum_id).places_taken == 1


def test_an_email_in_another_case_is_one_person(client_for, clock):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    client = client_for("forum_registration")
    assert _register(client, event.forum_id, email="Thandi@Example.org").status_code == 303
    again = _register(client, event.forum_id, email="  thandi@EXAMPLE.ORG ")
    assert again.status_code == 200 and "already registered" in again.text
    assert deps.forums.get(event.forum_id).places_taken == 1


def test_tokens_of_other_purposes_open_nothing(client_for, clock):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    client = client_for("forum_registration")
    done = _register(client, event.forum_id)
    reg_id = deps.forums.registrations(event.forum_id)[0].registration_id
    for purpose in (Purpose.FORUM_SURVEY, Purpose.FORUM_INVITATION, Purpose.FORUM_SURVEY_FORM,
                    Purpose.FORUM_REGISTRATION_FORM):  # fmt: skip
        forged = quote(deps.signer.sign(purpose, reg_id), safe="")
        assert client.get(f"/?cancel={forged}").status_code == 404, purpose
        assert client.post(f"/?cancel={forged}", data={}).status_code == 404, purpose
        assert client.get(f"/?registered={forged}").status_code == 404, purpose
    # The real link, with a form token of the survey's purpose: refused, nothing cancelled.
    cancel = parse_qs(urlparse(done.headers["Location"]).query)["registered"][0]
    foreign = deps.signer.sign(Purpose.FORUM_SURVEY_FORM, "x")
    refused = client.post("/", query_string={"cancel": cancel}, data={"csrf_token": foreign})
    assert refused.status_code == 403
    assert deps.forums.registrations(event.forum_id)[0].state == "registered"


@pytest.mark.parametrize("field, size", [("name", 100_000), ("needs", 60_000),
                                         ("topics_other", 60_000), ("email", 60_000)])  # fmt: skip
def test_huge_fields_are_refused_clearly(client_for, clock, field, size):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    answer = _register(client_for("forum_registration"), event.forum_id, **{field: "a" * size})
    assert answer.status_code in (413, 422), answer.status_code
    assert deps.forums.registrations(event.forum_id) == []


def test_a_queue_outage_loses_no_registration_and_no_mail(client_for, clock, tasks):
    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    tasks.unavailable = True
    answer = _register(client_for("forum_registration"), event.forum_id)
    assert answer.status_code == 303
    (mail,) = [d.to_dict() for d in wiring.firestore_client().collection("outbox").stream()
               if d.to_dict()["template"] == "forum_registration"]  # fmt: skip
    assert mail["to"] == EMAIL and mail["state"] == "pending"  # the sweep sends it


def test_no_forum_flow_logs_a_name_email_phone_or_free_text(client_for, clock, capfd, tasks,
                                                            monkeypatch, google_idp):  # fmt: skip
    from tests import oidc
    from tests.functions.forum_attendance_support import ZOOM

    token = google_idp.mint("admin@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    LOCAL = {"Authorization": f"Bearer {token}"}  # noqa: N806 - as the attendance tests name it

    deps = wiring.dependencies()
    event = forum(capacity=1)
    store(deps, event)
    client = client_for("forum_registration")
    done = _register(client, event.forum_id, phone=PHONE, needs=NEEDS, topics_other=OTHER)
    _register(client, event.forum_id, phone=PHONE)  # already
    _register(client, event.forum_id, email=EMAIL + "@@", phone="1" + PHONE)  # 422
    _register(client, event.forum_id, email="sentinel.two@example.org", name=NAME + " Two")
    cancel = parse_qs(urlparse(done.headers["Location"]).query)["registered"][0]
    confirm = client.get("/", query_string={"cancel": cancel})
    client.post("/", query_string={"cancel": cancel}, data={"csrf_token": _token(confirm.data)})
    client_for("forums").get(f"/?invite={EMAIL}")
    # After the forum: the roll's walk-in, a Zoom import, the survey page.
    later = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    admin = client_for("admin")
    url = f"/?page=forum_roll&id={event.forum_id}"
    page = admin.get(url, headers=LOCAL)
    walk_in = admin.post(url, headers=LOCAL, data={
        "csrf_token": _token(page.text), "action": "walk_in", "name": NAME, "role": "parent",
        "phone": PHONE, "email": EMAIL})  # fmt: skip
    assert walk_in.status_code == 303
    upload = admin.get(f"/?page=forum_attendance&id={event.forum_id}", headers=LOCAL)
    sent = admin.post(f"/?page=forum_attendance&id={event.forum_id}", headers=LOCAL,
                      data={"csrf_token": _token(upload.text), "source": "zoom",
                            "file": (io.BytesIO(ZOOM), "zoom.csv")})  # fmt: skip
    assert sent.status_code == 200
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM, ZOOM)
    key = attendee_id(event.forum_id, participant_key(EMAIL, None))
    survey = client_for("forum_survey")
    link = f"/?token={quote(survey_token(key, wiring.signer()), safe='')}"
    shown = survey.get(link)
    assert shown.status_code == 200
    answered = survey.post(link, data={"csrf_token": _token(shown.text), "satisfaction": "4",
                                       "wants_monthly": "yes", "recommendations": NEEDS,
                                       "comments": OTHER})  # fmt: skip
    assert answered.status_code == 303
    out, err = capfd.readouterr()
    assert out.strip()
    for secret in PERSONAL + ["Thandiwe", "thandiwe.mokoena", "Mokoena"]:
        assert secret not in out and secret not in err, secret


@pytest.mark.parametrize("csrf", [None, "", "forged", "1.a.b"])
def test_every_forum_post_without_a_good_csrf_token_changes_nothing(
    client_for, clock, csrf, google_idp, monkeypatch
):
    from tests import oidc
    from tests.functions.forum_attendance_support import ZOOM

    deps = wiring.dependencies()
    event = forum()
    store(deps, event)
    client = client_for("forum_registration")
    done = _register(client, event.forum_id)
    token = {"csrf_token": csrf} if csrf is not None else {}
    fields = {"name": "Mallory", "role": "parent", "centre_id": "sunflower-soweto",
              "email": "mallory@example.org", "consent": "yes",
              "consent_version": "forum-2026-11"}  # fmt: skip
    assert client.post(f"/?forum={event.forum_id}", data=fields | token).status_code == 403
    cancel = parse_qs(urlparse(done.headers["Location"]).query)["registered"][0]
    assert client.post("/", query_string={"cancel": cancel}, data=token).status_code == 403
    assert [r.state for r in deps.forums.registrations(event.forum_id)] == ["registered"]
    later = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    bearer = {"Authorization": "Bearer "
              + google_idp.mint("admin@ecd.example.org", oidc.OAUTH_CLIENT_ID)}  # fmt: skip
    admin = client_for("admin")
    roll = admin.post(
        f"/?page=forum_roll&id={event.forum_id}",
        headers=bearer,
        data=token | {"action": "walk_in", "name": "X", "role": "parent"},
    )
    upload = admin.post(
        f"/?page=forum_attendance&id={event.forum_id}",
        headers=bearer,
        data=token | {"source": "zoom", "file": (io.BytesIO(ZOOM), "z.csv")},
    )
    assert roll.status_code == 403 and upload.status_code == 403
    assert deps.forums.attendance(event.forum_id) == []
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM,
                      ZOOM.replace(b"thandiwe.mokoena@example.org", EMAIL.encode()))  # fmt: skip
    key = attendee_id(event.forum_id, participant_key(EMAIL, None))
    link = f"/?token={quote(survey_token(key, wiring.signer()), safe='')}"
    survey = client_for("forum_survey")
    survey.get(link)
    sent = survey.post(link, data=token | {"satisfaction": "4", "wants_monthly": "yes"})
    assert sent.status_code == 403
    assert deps.forums.survey_response(key) is None


@pytest.mark.parametrize("forum_id", ["a/b", "../x", "__x__", "x" * 2000, ".", "%2F", "\u2028"])
def test_a_forum_id_that_is_a_path_or_too_long_is_not_found(client_for, clock, forum_id,
                                                            google_idp):  # fmt: skip
    from tests import oidc

    registration = client_for("forum_registration")
    assert registration.get("/", query_string={"forum": forum_id}).status_code == 404
    assert registration.post("/", query_string={"forum": forum_id}, data={}).status_code == 404
    bearer = {"Authorization": "Bearer "
              + google_idp.mint("admin@ecd.example.org", oidc.OAUTH_CLIENT_ID)}  # fmt: skip
    admin = client_for("admin")
    for page in ("forum_roll", "forum_attendance"):
        shown = admin.get("/", query_string={"page": page, "id": forum_id}, headers=bearer)
        assert shown.status_code == 404, page
    upload = client_for("import_attendance").post(
        "/", query_string={"forum": forum_id, "source": "zoom"}, data=b"a,b\r\n", headers=bearer
    )
    assert upload.status_code in (400, 404)
