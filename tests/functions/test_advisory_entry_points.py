"""select_advisory_network (an administrator's JSON), the nominee's accept/decline page
(advisory_response) and the page explaining a selection (admin?page=advisory), over the
Firestore emulator; the demo region's selection runs and re-runs identically."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import quote

import pytest

from functions import wiring
from functions.devtools.seed import seed_forums
from functions.domain.advisory.selection import SeatType
from functions.domain.shared.signing import Purpose
from tests import oidc
from tests.functions.advisory_support import advisory_mail, gauteng_month
from tests.functions.test_feedback_form import csrf_token

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)
NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
BODY = {"region_id": "gauteng", "parents": 3, "staff": 2, "seed": "board-2025",
        "period": {"from": "2025-03", "to": "2025-03"}}  # fmt: skip
CENTRES = ["sunflower-soweto", "little-stars-tembisa", "fynbos-khayelitsha",
           "protea-mitchells-plain", "ubuntu-umlazi"]  # fmt: skip


@pytest.fixture
def select(client_for, project, monkeypatch, google_idp):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    client = client_for("select_advisory_network")

    def call(body, who: str | None = NETWORK_ADMIN):
        headers = {"Authorization": f"Bearer {google_idp.mint(who, oidc.OAUTH_CLIENT_ID)}"} \
            if who else {}  # fmt: skip
        return client.post("/", json=body, headers=headers)

    return call


def test_an_administrator_runs_it_once_and_gets_the_same_answer_again(select):
    gauteng_month()
    first = select(BODY)
    assert first.status_code == 201, first.text
    answer = first.json
    assert answer["created"] and answer["emailed"] == 14
    assert answer["page_url"].endswith(f"admin?page=advisory&id={answer['selection_id']}")
    parents = [d for d in answer["order"]["parents"] if d["selected"]]
    assert sorted(
        sum(d["centre_id"] == c for d in parents) for c in {d["centre_id"] for d in parents}
    ) == [1, 2]  # fmt: skip
    again = select(BODY)
    assert again.status_code == 200 and not again.json["created"]
    assert again.json["order"] == answer["order"] and again.json["emailed"] == 0
    assert len(advisory_mail()) == 14


def test_refusals(select):
    gauteng_month()
    assert select(BODY, who=None).status_code == 401
    assert select(BODY | {"region_id": "western-cape"}, who=GAUTENG_ADMIN).status_code == 403
    assert select(BODY, who=GAUTENG_ADMIN).status_code == 201
    assert select(BODY | {"region_id": "atlantis"}).status_code == 404
    for bad in ({"seed": ""}, {"seed": "a\nb"}, {"parents": -1}, {"parents": "6"},
                {"period": {"from": "2025-13", "to": "2025-03"}},
                {"period": {"from": "2025-04", "to": "2025-03"}},
                {"period": {"from": "2020-01", "to": "2025-03"}}, {"extra": 1}):  # fmt: skip
        assert select(BODY | bad).status_code == 422, bad
    assert len(advisory_mail()) == 14  # only the one selection that ran wrote mail


def _link(selection_id: str, key: str, answer: str = "accept") -> str:
    token = wiring.signer().sign(Purpose.ADVISORY_RESPONSE, f"{selection_id}:{key}")
    return f"/?token={quote(token, safe='')}&answer={answer}"


def test_a_nominee_declines_from_their_link_and_the_next_is_offered(select, client_for):
    gauteng_month()
    answer = select(BODY).json
    first = answer["order"]["parents"][0]
    page = client_for("advisory_response")
    url = _link(answer["selection_id"], first["attendee_key"], "decline")
    shown = page.get(url)
    assert shown.status_code == 200 and "Decline the seat" in shown.text
    assert "Nominee" in shown.text  # their name, from the attendance record
    # GET changed nothing (a mail scanner following the link answers nothing).
    assert all(m.data["outcome"] != "offered" for m in advisory_mail())
    assert page.post(url, data={"answer": "decline"}).status_code == 403  # no CSRF token
    done = page.post(url, data={"answer": "decline", "csrf_token": csrf_token(shown.text)})
    assert done.status_code == 303 and "done=1" in done.headers["Location"]
    assert "you have declined the seat" in page.get(url + "&done=1").text
    offers = [m for m in advisory_mail() if m.data["outcome"] == "offered"]
    assert len(offers) == 1
    # The same link again: refused as already answered, nothing more offered.
    again = page.get(url)
    assert "already declined" in again.text
    assert "<form" not in again.text.split("<main")[-1].split("</main>")[0]
    repeat = page.post(url, data={"answer": "accept", "csrf_token": csrf_token(shown.text)})
    assert repeat.status_code == 409
    assert len([m for m in advisory_mail() if m.data["outcome"] == "offered"]) == 1
    # One thank-you for the decline, written with it; the repeated POST wrote nothing.
    (thanks,) = advisory_mail("advisory_answer")
    assert thanks.data["outcome"] == "declined"


def test_forged_or_foreign_links_are_404(select, client_for):
    gauteng_month()
    answer = select(BODY).json
    first = answer["order"]["parents"][0]
    page = client_for("advisory_response")
    good = _link(answer["selection_id"], first["attendee_key"])
    survey = wiring.signer().sign(Purpose.FORUM_SURVEY,
                                  f"{answer['selection_id']}:{first['attendee_key']}")  # fmt: skip
    for url in (good.replace("token=", "token=x"), f"/?token={quote(survey, safe='')}",
                "/?token=", "/", _link(answer["selection_id"], "nobody"),
                _link("no-such-selection", first["attendee_key"])):  # fmt: skip
        assert page.get(url).status_code == 404, url
        assert page.post(url, data={"answer": "accept"}).status_code == 404


def test_the_admin_page_explains_each_choice(select, client_for, google_idp, monkeypatch):
    gauteng_month()
    answer = select(BODY).json
    admin = client_for("admin")
    token = google_idp.mint(GAUTENG_ADMIN, oidc.OAUTH_CLIENT_ID)
    admin.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    shown = admin.get(f"/?page=advisory&id={answer['selection_id']}")
    assert shown.status_code == 200
    text = shown.text
    assert "board-2025" in text and "Spread across centres" in text
    assert "first from centre sunflower-soweto" in text or "first from centre little" in text
    assert "did not consent to be considered" in text and "Nominee 0" in text
    assert admin.get("/?page=advisory&id=nope").status_code == 404
    # Another region's administrator does not see it.
    from functions.domain.directory.administrators import Administrator

    wiring.administrators().save(Administrator(email="wc@ecd.example.org", name="W",
                                               region_id="western-cape"))  # fmt: skip
    admin.environ_base["HTTP_AUTHORIZATION"] = (
        f"Bearer {google_idp.mint('wc@ecd.example.org', oidc.OAUTH_CLIENT_ID)}")  # fmt: skip
    assert admin.get(f"/?page=advisory&id={answer['selection_id']}").status_code == 404


def test_no_personal_data_in_the_logs(select, client_for, capfd):
    gauteng_month()
    capfd.readouterr()
    answer = select(BODY).json
    first = answer["order"]["parents"][0]
    page = client_for("advisory_response")
    url = _link(answer["selection_id"], first["attendee_key"], "decline")
    shown = page.get(url)
    page.post(url, data={"answer": "decline", "csrf_token": csrf_token(shown.text)})
    page.post(url, data={"answer": "maybe", "csrf_token": "x"})
    logged = capfd.readouterr()
    text = logged.out + logged.err
    assert "Nominee" not in text and "@example.org" not in text
    assert "advisory selection run" in text and "advisory seat answered" in text


def test_the_demo_region_selects_and_reselects_identically(select):
    seed_forums(CENTRES)
    body = {"region_id": "gauteng", "parents": 6, "staff": 6, "seed": "demo-2025-03",
            "period": {"from": "2025-03", "to": "2025-03"}}  # fmt: skip
    first = select(body)
    assert first.status_code == 201, first.text
    order = first.json["order"]
    assert len([d for d in order["parents"] if d["selected"]]) == 6
    # The demo month has fewer Gauteng staff nominees than seats: every one of them is chosen.
    assert 0 < len(order["staff"]) <= 6 and all(d["selected"] for d in order["staff"])
    both = {"sunflower-soweto", "little-stars-tembisa"}
    assert {d["centre_id"] for d in order["parents"]} <= both
    again = select(body)
    assert again.status_code == 200 and again.json["order"] == order
    # Anyone re-running the recorded inputs with the seed gets the same order.
    from functions.domain.advisory.selection import select as draw

    record = wiring.transactions().run(
        lambda uow: uow.advisory.get(first.json["selection_id"]))[0]  # fmt: skip
    redrawn = draw(record.nominees, record.selection.seats, record.seed)
    assert redrawn == record.selection
    assert [d.attendee_key for d in redrawn.order[SeatType.PARENTS]] == [
        d["attendee_key"] for d in order["parents"]]  # fmt: skip
    assert re.fullmatch(r"[0-9a-f]{24}", first.json["selection_id"])
