"""admin_api's forum operations (functions/http/admin/forums_api.py) over the emulator:
sign-in, scope (network forums are the network administrators' to change; a region's, its
administrator's too), creating, listing, showing, setting a month up and bad input."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions import wiring
from functions.domain.directory.administrators import Administrator
from tests import oidc

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
DRAFT = {"title": "Forum for <b>partners</b>\r\nBcc: x@y", "format": "in_person",
         "starts_at": "2026-12-09T10:00:00+02:00", "ends_at": "2026-12-09T12:00:00+02:00",
         "capacity": 40, "audiences": ["service_partners", "district_officials"],
         "topics": ["staff_training_needs"]}  # fmt: skip


@pytest.fixture
def api(client_for, project, monkeypatch, google_idp):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    wiring.administrators().save(Administrator(email=GAUTENG_ADMIN, name="Nomsa",
                                               region_id="gauteng"))  # fmt: skip
    client = client_for("admin_api")

    def call(method: str, path: str, who: str | None = NETWORK_ADMIN, **kwargs):
        headers = {"Authorization": f"Bearer {google_idp.mint(who, oidc.OAUTH_CLIENT_ID)}"} \
            if who else {}  # fmt: skip
        return client.open(path, method=method, headers=headers, **kwargs)

    return call


def test_no_sign_in_is_401(api):
    assert api("GET", "/forums?month=2026-12", who=None).status_code == 401
    assert api("POST", "/forums/setup", who=None, json={"month": "2026-12"}).status_code == 401


def test_a_network_administrator_sets_up_lists_creates_and_shows(api, tasks):
    setup = api("POST", "/forums/setup", json={"month": "2026-12"})
    assert setup.status_code == 200 and setup.get_json()["created"] == 3
    again = api("POST", "/forums/setup", json={"month": "2026-12"}).get_json()
    assert again["created"] == 0 and again["changed"] is False
    created = api("POST", "/forums/create", json=DRAFT)
    assert created.status_code == 201, created.get_json()
    forum = created.get_json()
    assert forum["month"] == "2026-12" and forum["title"] == DRAFT["title"]  # kept as typed
    listed = api("GET", "/forums?month=2026-12").get_json()
    assert len(listed["forums"]) == 4 and listed["invitations"] == "queued"
    starts = [f["starts_at"] for f in listed["forums"]]
    assert starts == sorted(starts)
    shown = api("GET", f"/forums/show?id={forum['forum_id']}").get_json()
    assert shown["capacity"] == 40 and shown["places_taken"] == 0


def test_a_regional_administrator_works_in_their_region_only(api, tasks):
    assert api("POST", "/forums/setup", who=GAUTENG_ADMIN, json={"month": "2026-12"}) \
        .status_code == 403  # fmt: skip
    assert api("POST", "/forums/create", who=GAUTENG_ADMIN, json=DRAFT).status_code == 403
    mine = api("POST", "/forums/create", who=GAUTENG_ADMIN, json=DRAFT | {"region_id": "gauteng"})
    assert mine.status_code == 201
    theirs = api("POST", "/forums/create", json=DRAFT | {"region_id": "western-cape"}).get_json()
    # Another region's forum is not even there for them; the network's they see, not change.
    assert api("GET", f"/forums/show?id={theirs['forum_id']}", who=GAUTENG_ADMIN) \
        .status_code == 404  # fmt: skip
    assert api("POST", "/forums/cancel", who=GAUTENG_ADMIN,
               json={"forum_id": theirs["forum_id"]}).status_code == 404  # fmt: skip
    network = api("POST", "/forums/create", json=DRAFT).get_json()
    assert api("POST", "/forums/cancel", who=GAUTENG_ADMIN,
               json={"forum_id": network["forum_id"]}).status_code == 403  # fmt: skip
    months = api("GET", "/forums?month=2026-12", who=GAUTENG_ADMIN).get_json()["forums"]
    assert {f["region_id"] for f in months} == {None, "gauteng"}


BAD_MONTHS = [{"month": "2026-10"}, {"month": "2026-1"}, {"month": "x" * 5000}, {},
              {"month": 202612}]  # fmt: skip


@pytest.mark.parametrize("bad", BAD_MONTHS)
def test_a_bad_setup_month_is_422(api, bad):
    assert api("POST", "/forums/setup", json=bad).status_code == 422
    assert list(wiring.firestore_client().collection("forums").stream()) == []


@pytest.mark.parametrize("change", [
    {"starts_at": "2026-11-01T10:00:00+02:00", "ends_at": "2026-11-01T11:00:00+02:00"},
    {"ends_at": "2026-12-09T09:00:00+02:00"}, {"capacity": 0}, {"format": "telepathy"},
    {"audiences": []}, {"timezone": "Mars/Olympus"}, {"starts_at": "2026-12-09T10:00:00"},
    {"breakout_rooms": [{"room_id": "a", "name": "A"}]}, {"extra": 1}])  # fmt: skip
def test_a_bad_draft_is_422_and_nothing_is_created(api, change):
    answer = api("POST", "/forums/create", json=DRAFT | change)
    assert answer.status_code == 422, change
    assert list(wiring.firestore_client().collection("forums").stream()) == []


def test_unknown_forums_are_404(api):
    assert api("GET", "/forums/show?id=../../x").status_code == 404
    assert api("POST", "/forums/cancel", json={"forum_id": "nope"}).status_code == 404
    assert api("POST", "/forums/edit", json={"forum_id": "nope", "changes": {"capacity": 3}}) \
        .status_code == 404  # fmt: skip
