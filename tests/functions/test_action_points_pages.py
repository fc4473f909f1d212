"""admin?page=action_points and admin_api's /action_points operations over the emulator: a
point added from the form (CSRF required), listed with its owner and due date, flagged
overdue against the clock, marked done and reopened; hostile text kept as typed and escaped;
a regional administrator kept to their region; the query's composite index declared."""

from __future__ import annotations

import json
import re
from datetime import datetime
from html import unescape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.adapters.firestore.base import ACTION_POINTS, QUERY_SHAPES
from tests import oidc
from tests.functions.local_support import CSRF

SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2025, 4, 10, 9, 0, tzinfo=SAST)
PAGE = "/?page=action_points&month=2025-03"
HOSTILE = "<script>alert(1)</script> Fix\r\nthe\u2028gate\x85now & <b>soon</b>"
FORM = {"action": "add", "text": "Phone every parent back within a day.",
        "owner_name": "Thandiwe Mokoena", "owner_email": "thandiwe@example.org",
        "due": "2025-04-09"}  # fmt: skip


@pytest.fixture
def clock(project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)


@pytest.fixture
def signed_in(client_for, google_idp, clock):
    def client(target: str, who: str = "admin@ecd.example.org"):
        made = client_for(target)
        token = google_idp.mint(who, oidc.OAUTH_CLIENT_ID)
        made.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return made

    return client


def csrf(html: str) -> str:
    return CSRF.search(html).group(1)


def test_a_point_is_added_flagged_overdue_done_and_reopened(signed_in):
    admin = signed_in("admin")
    page = admin.get(PAGE)
    assert page.status_code == 200 and "No action points for 2025-03 yet" in page.text
    added = admin.post(PAGE, data=FORM | {"csrf_token": csrf(page.text)})
    assert added.status_code == 303 and "saved=added" in added.headers["Location"]
    shown = admin.get(PAGE).text
    assert "Phone every parent back within a day." in shown and "Thandiwe Mokoena" in shown
    assert "Overdue" in shown and "due 2025-04-09" in shown  # due yesterday, still open
    (point,) = wiring.action_points().action_points(None, "2025-03")
    token = csrf(shown)
    done = admin.post(PAGE, data={"csrf_token": token, "action": "done",
                                  "point_id": point.point_id})  # fmt: skip
    assert done.status_code == 303
    shown = admin.get(PAGE).text
    assert "Overdue" not in shown and "Done" in shown and "Reopen" in shown
    admin.post(PAGE, data={"csrf_token": token, "action": "reopen", "point_id": point.point_id})
    assert "Overdue" in admin.get(PAGE).text
    bad = admin.post(PAGE, data=FORM | {"csrf_token": token, "due": "soon", "owner_name": ""})
    assert bad.status_code == 422 and "Nothing was changed" in bad.text
    assert "Give the due date as YYYY-MM-DD." in bad.text
    assert len(wiring.action_points().action_points(None, "2025-03")) == 1


def test_without_the_csrf_token_nothing_changes(signed_in):
    admin = signed_in("admin")
    assert admin.post(PAGE, data=FORM).status_code == 403
    assert admin.post(PAGE, data=FORM | {"csrf_token": "forged"}).status_code == 403
    assert wiring.action_points().action_points(None, "2025-03") == []


def test_hostile_text_is_kept_on_one_line_and_escaped(signed_in):
    admin = signed_in("admin")
    token = csrf(admin.get(PAGE).text)
    form = FORM | {"csrf_token": token, "text": HOSTILE, "owner_name": "<i>Dube</i>\r\nX"}
    assert admin.post(PAGE, data=form).status_code == 303
    (point,) = wiring.action_points().action_points(None, "2025-03")
    assert point.text == "<script>alert(1)</script> Fix the gate now & <b>soon</b>"
    shown = admin.get(PAGE).text
    assert "<script>alert(1)" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "<i>Dube</i>" not in shown and "&lt;i&gt;Dube&lt;/i&gt; X" in shown
    api = signed_in("admin_api")
    listed = api.get("/action_points?month=2025-03").get_json()
    assert listed["points"][0]["text"] == point.text  # JSON: as typed, the reader escapes
    # Half a surrogate pair (a JSON escape can carry one) is kept as U+FFFD.
    body = {k: v for k, v in FORM.items() if k != "action"} | {"month": "2025-04"}
    added = api.post("/action_points/add", data=json.dumps(body | {"text": "Gate \ud800 now"}),
                     content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and added.get_json()["text"] == "Gate \ufffd now"


def test_a_regional_administrator_sees_and_changes_their_region_only(signed_in):
    network = signed_in("admin")
    token = csrf(network.get(PAGE + "&region=western-cape").text)
    network.post(PAGE + "&region=western-cape", data=FORM | {"csrf_token": token})
    (theirs,) = wiring.action_points().action_points("western-cape", "2025-03")
    gauteng = signed_in("admin", "admin.gauteng@ecd.example.org")
    assert gauteng.get(PAGE + "&region=western-cape").status_code == 404
    page = gauteng.get(PAGE)  # no region: their own
    assert page.status_code == 200 and "Phone every parent" not in page.text
    mark = {"csrf_token": csrf(page.text), "action": "done", "point_id": theirs.point_id}
    assert gauteng.post(PAGE, data=mark).status_code == 404
    assert gauteng.post(PAGE, data=FORM | {"csrf_token": mark["csrf_token"]}).status_code == 303
    assert len(wiring.action_points().action_points("gauteng", "2025-03")) == 1
    api = signed_in("admin_api", "admin.gauteng@ecd.example.org")
    assert api.get("/action_points?month=2025-03&region=western-cape").status_code == 403
    assert api.post("/action_points/done", json={"point_id": theirs.point_id}).status_code == 404
    assert wiring.action_points().action_points("western-cape", "2025-03")[0].state == "open"


def test_the_api_lists_adds_and_marks_done(signed_in):
    api = signed_in("admin_api")
    body = {k: v for k, v in FORM.items() if k != "action"} | {"month": "2025-03"}
    added = api.post("/action_points/add", json=body)
    assert added.status_code == 201, added.get_json()
    point = added.get_json()
    assert point["overdue"] is True and point["state"] == "open" and point["scope"] is None
    listed = api.get("/action_points?month=2025-03").get_json()
    assert listed["count"] == 1 and listed["points"][0]["point_id"] == point["point_id"]
    done = api.post("/action_points/done", json={"point_id": point["point_id"]}).get_json()
    assert done["state"] == "done" and done["overdue"] is False and done["done_at"]
    again = api.post("/action_points/done", json={"point_id": point["point_id"], "done": False})
    assert again.get_json()["state"] == "open"
    assert api.get("/action_points?month=March").status_code == 422
    bad = api.post("/action_points/add", json=body | {"due": "tomorrow"})
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "due"
    assert api.post("/action_points/add", json=body | {"region": "atlantis"}).status_code == 404
    assert api.post("/action_points/done", json={"point_id": "nope"}).status_code == 404


def test_the_scope_and_month_query_has_its_composite_index(project):
    wiring.action_points().action_points("gauteng", "2025-03")
    indexes = json.loads((Path(__file__).parents[2] / "infra/firestore.indexes.json").read_text())
    declared = {(i["collectionGroup"], tuple(f["fieldPath"] for f in i["fields"]))
                for i in indexes["indexes"]}  # fmt: skip
    shapes = [s for s in QUERY_SHAPES if s[0] == ACTION_POINTS]
    assert shapes and all((c, (*f, *o)) in declared for c, f, o in shapes)


def _edit_form(html: str, point_id: str) -> dict:
    """The fields of a point's edit form as the page fills them in."""
    start = re.search(rf'name="point_id" value="{point_id}">\s*<input type="hidden" '
                      r'name="updated_at"', html).start()  # fmt: skip
    form = html[start : html.index("</form>", start)]
    fields = dict(re.findall(r'name="(\w+)"[^>]*?value="([^"]*)"', form))
    fields["text"] = unescape(re.search(r"<textarea[^>]*>([^<]*)</textarea>", form).group(1))
    return {k: unescape(v) for k, v in fields.items()} | {"action": "edit", "point_id": point_id,
                                                           "csrf_token": csrf(html)}  # fmt: skip


def test_a_point_is_edited_from_its_form(signed_in):
    admin = signed_in("admin")
    admin.post(PAGE, data=FORM | {"csrf_token": csrf(admin.get(PAGE).text)})
    (point,) = wiring.action_points().action_points(None, "2025-03")
    page = admin.get(PAGE)
    form = _edit_form(page.text, point.point_id)
    assert form["text"] == FORM["text"] and form["owner_name"] == FORM["owner_name"]
    assert form["due"] == "2025-04-09" and form["updated_at"] == point.updated_at.isoformat()
    edited = admin.post(PAGE, data=form | {"text": HOSTILE, "due": "2025-04-20",
                                           "owner_email": ""})  # fmt: skip
    assert edited.status_code == 303
    assert edited.headers["Location"].endswith(f"saved=edited#point-{point.point_id}")
    shown = admin.get(PAGE + "&saved=edited").text
    assert "The changes were saved." in shown and "due 2025-04-20" in shown
    assert "<script>alert(1)" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert "Overdue" not in shown and "thandiwe@example.org" not in shown
    (stored,) = wiring.action_points().action_points(None, "2025-03")
    assert stored.history[-1].fields == ["due", "owner", "text"]
    # Done, then edited: it stays done.
    admin.post(PAGE, data={"csrf_token": csrf(shown), "action": "done",
                           "point_id": point.point_id})  # fmt: skip
    page = admin.get(PAGE)
    assert "It stays done." in page.text
    admin.post(PAGE, data=_edit_form(page.text, point.point_id) | {"owner_name": "Sipho"})
    (stored,) = wiring.action_points().action_points(None, "2025-03")
    assert stored.state == "done" and stored.owner.name == "Sipho"


def test_an_edit_from_a_page_opened_before_another_change_is_409(signed_in):
    admin = signed_in("admin")
    admin.post(PAGE, data=FORM | {"csrf_token": csrf(admin.get(PAGE).text)})
    (point,) = wiring.action_points().action_points(None, "2025-03")
    mine = _edit_form(admin.get(PAGE).text, point.point_id)  # opened in one tab
    theirs = _edit_form(admin.get(PAGE).text, point.point_id)  # and in another
    assert admin.post(PAGE, data=theirs | {"due": "2025-05-31"}).status_code == 303
    stale = admin.post(PAGE, data=mine | {"text": "My late wording"})
    assert stale.status_code == 409
    assert "Someone changed this point after you opened the page" in stale.text
    assert "due 2025-05-31" in stale.text  # as it stands
    again = _edit_form(stale.text, point.point_id)
    assert again["text"] == "My late wording"  # the edit kept in its form, on top of theirs
    assert again["due"] == "2025-05-31" and again["updated_at"] != mine["updated_at"]
    assert "too: yours is in the form" not in stale.text  # they changed another field
    (stored,) = wiring.action_points().action_points(None, "2025-03")
    assert stored.text == FORM["text"] and stored.due.isoformat() == "2025-05-31"
    assert admin.post(PAGE, data=again).status_code == 303
    (stored,) = wiring.action_points().action_points(None, "2025-03")
    assert stored.text == "My late wording" and stored.due.isoformat() == "2025-05-31"
    # Both changed the due date: theirs is shown, and the form holds this one's.
    mine = _edit_form(admin.get(PAGE).text, point.point_id)
    theirs = _edit_form(admin.get(PAGE).text, point.point_id)
    assert admin.post(PAGE, data=theirs | {"due": "2025-06-30"}).status_code == 303
    stale = admin.post(PAGE, data=mine | {"due": "2025-06-15"})
    assert stale.status_code == 409 and "They changed the due date too" in stale.text
    assert "due 2025-06-30" in stale.text and _edit_form(stale.text, point.point_id)["due"] == (
        "2025-06-15")  # fmt: skip
    assert wiring.action_points().action_points(None, "2025-03")[0].due.isoformat() == (
        "2025-06-30")  # fmt: skip


def test_an_edit_not_right_changes_nothing(signed_in):
    admin = signed_in("admin")
    admin.post(PAGE, data=FORM | {"csrf_token": csrf(admin.get(PAGE).text)})
    (point,) = wiring.action_points().action_points(None, "2025-03")
    form = _edit_form(admin.get(PAGE).text, point.point_id)
    bad = admin.post(PAGE, data=form | {"due": "soon", "owner_name": " "})
    assert bad.status_code == 422 and "Give the due date as YYYY-MM-DD." in bad.text
    assert "<details" in bad.text and "open>\n<summary>Edit this point" in bad.text
    assert _edit_form(bad.text, point.point_id)["due"] == "soon"  # as typed, to correct
    assert admin.post(PAGE, data=form | {"updated_at": "then"}).status_code == 422
    del form["csrf_token"]
    assert admin.post(PAGE, data=form | {"text": "Forged"}).status_code == 403
    unknown = {"csrf_token": csrf(admin.get(PAGE).text), "action": "edit", "point_id": "nope",
               "text": "Lost"}  # fmt: skip
    assert admin.post(PAGE, data=unknown).status_code == 404
    assert wiring.action_points().action_points(None, "2025-03") == [point]


def test_a_regional_administrator_edits_their_region_only(signed_in):
    network = signed_in("admin")
    token = csrf(network.get(PAGE + "&region=western-cape").text)
    network.post(PAGE + "&region=western-cape", data=FORM | {"csrf_token": token})
    (theirs,) = wiring.action_points().action_points("western-cape", "2025-03")
    gauteng = signed_in("admin", "admin.gauteng@ecd.example.org")
    form = {"csrf_token": csrf(gauteng.get(PAGE).text), "action": "edit",
            "point_id": theirs.point_id, "text": "Taken over"}  # fmt: skip
    assert gauteng.post(PAGE, data=form).status_code == 404
    api = signed_in("admin_api", "admin.gauteng@ecd.example.org")
    answer = api.post("/action_points/edit", json={"point_id": theirs.point_id, "text": "X"})
    assert answer.status_code == 404
    assert wiring.action_points().action_points("western-cape", "2025-03") == [theirs]


def test_the_api_edits_a_point(signed_in):
    api = signed_in("admin_api")
    body = {k: v for k, v in FORM.items() if k != "action"} | {"month": "2025-03"}
    point = api.post("/action_points/add", json=body).get_json()
    edit = {"point_id": point["point_id"], "updated_at": point["updated_at"]}
    edited = api.post("/action_points/edit", json=edit | {"due": "2025-05-02",
                                                          "owner_email": None})  # fmt: skip
    assert edited.status_code == 200, edited.get_json()
    answer = edited.get_json()
    assert answer["due"] == "2025-05-02" and answer["owner"]["email"] is None
    assert answer["text"] == FORM["text"] and answer["changes"] == 2
    assert answer["updated_at"] != point["updated_at"]
    stale = api.post("/action_points/edit", json=edit | {"text": "Stale"})
    assert stale.status_code == 409
    assert stale.get_json()["errors"][0]["field"] == "updated_at"
    assert stale.get_json()["point"]["due"] == "2025-05-02"
    fresh = edit | {"updated_at": answer["updated_at"], "text": "Fresh\r\nwords"}
    assert api.post("/action_points/edit", json=fresh).get_json()["text"] == "Fresh words"
    last = api.post("/action_points/edit", json={"point_id": point["point_id"], "text": "Last"})
    assert last.status_code == 200 and last.get_json()["text"] == "Last"  # last write wins
    done = api.post("/action_points/done", json={"point_id": point["point_id"]}).get_json()
    kept = api.post(
        "/action_points/edit", json={"point_id": point["point_id"], "due": "2025-06-01"}
    )
    assert kept.get_json()["state"] == "done" and kept.get_json()["done_at"] == done["done_at"]
    for refused, status in [({"point_id": point["point_id"]}, 422),
                            ({"point_id": point["point_id"], "due": "June"}, 422),
                            ({"point_id": point["point_id"], "text": "x" * 1001}, 422),
                            ({"point_id": point["point_id"], "text": "y", "updated_at": 5}, 422),
                            ({"point_id": point["point_id"], "updated_at": "\ud800",
                              "text": "z"}, 422),
                            ({"point_id": "nope", "text": "y"}, 404),
                            ({"point_id": "../x", "text": "y"}, 404)]:  # fmt: skip
        answer = api.post("/action_points/edit", data=json.dumps(refused),
                          content_type="application/json")  # fmt: skip
        assert answer.status_code == status, refused
    assert api.post("/action_points/edit", json=["not", "an", "object"]).status_code == 422
    (stored,) = wiring.action_points().action_points(None, "2025-03")
    assert stored.text == "Last" and stored.due.isoformat() == "2025-06-01"
