"""The administrators' side of the service charters over the emulator: a centre's local
commitments edited on admin?page=charter (CSRF, stale forms, hostile text kept on one line
and escaped, limits refused), the preview showing the charter as parents read it with its
version, the overview admin?page=charters (sent, displayed since, late confirmations
highlighted, never sent, no principal's address), the panel on the admin home, admin_api's
/charters operations, and a regional administrator kept to their region (404)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.domain.charters import records
from functions.domain.charters.content import charter_version
from functions.domain.directory.models import Contact
from functions.services.charters.build import charter_for
from functions.services.charters.commitments import commitments_of
from tests import oidc
from tests.functions.local_support import CSRF

SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2026, 12, 10, 9, 0, tzinfo=SAST)
CENTRE = "sunflower-soweto"  # Gauteng
OTHER = "fynbos-khayelitsha"  # Western Cape
PAGE = f"/?page=charter&centre={CENTRE}"
OVERVIEW = "/?page=charters"
GAUTENG = "admin.gauteng@ecd.example.org"
HOSTILE = "<script>alert(1)</script> We\r\ngreet\u2028every\x85child & <b>parent</b>"
_UPDATED = re.compile(r'name="updated_at" value="([^"]*)"')


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


def form(html: str, **fields) -> dict:
    return {"csrf_token": csrf(html), "action": "commitments",
            "updated_at": _UPDATED.search(html).group(1)} | fields  # fmt: skip


def version_now(centre_id: str = CENTRE) -> str:
    return charter_version(charter_for(wiring.dependencies(), centre_id))


def record_sent(centre_id: str, version: str, at: datetime, confirmed_at=None) -> None:
    """What distribution would have recorded (services/charters/, B's): sent, confirmed."""
    deps = wiring.dependencies()
    centre = deps.directory.get_centre(centre_id)

    def work(uow):
        record = uow.charters.get(centre_id) or records.blank(centre_id, centre.region_id)
        record = records.sent(record, version, "2026-12", None, centre.principal.email, at,
                              centre.region_id)  # fmt: skip
        if confirmed_at is not None:
            record = records.confirmed(record, confirmed_at)
        uow.charters.save(record)

    deps.transactions.run(work)


def test_commitments_are_saved_from_the_page_and_make_a_new_version(signed_in):
    admin = signed_in("admin")
    before = version_now()
    page = admin.get(PAGE)
    assert page.status_code == 200, page.text
    assert "Charter of Sunflower Educare, Soweto" in page.text and before in page.text
    assert "Never sent" in page.text and "Preview, as parents read it" in page.text
    text = "We answer every call in isiZulu and English.\r\n\r\n A teacher greets every child. "
    saved = admin.post(PAGE, data=form(page.text, commitments=text))
    assert saved.status_code == 303 and "saved=commitments" in saved.headers["Location"]
    assert commitments_of(wiring.dependencies(), CENTRE) == [
        "We answer every call in isiZulu and English.",
        "A teacher greets every child.",
    ]
    after = version_now()
    assert after != before
    shown = admin.get(PAGE).text
    assert after in shown and before not in shown
    preview = shown[shown.index('id="charter-preview"') :]
    assert "We answer every call in isiZulu and English." in preview
    assert "A teacher greets every child." in preview
    # The same again changes nothing, and says so.
    again = admin.post(PAGE, data=form(shown, commitments=text))
    assert "saved=unchanged" in again.headers["Location"] and version_now() == after


def test_without_the_csrf_token_nothing_changes(signed_in):
    admin = signed_in("admin")
    assert admin.post(PAGE, data={"action": "commitments", "commitments": "x"}).status_code == 403
    bad = {"action": "commitments", "commitments": "x", "csrf_token": "forged"}
    assert admin.post(PAGE, data=bad).status_code == 403
    assert commitments_of(wiring.dependencies(), CENTRE) == []


def test_hostile_commitments_are_one_line_and_escaped_and_limits_refused(signed_in):
    admin = signed_in("admin")
    page = admin.get(PAGE).text
    assert admin.post(PAGE, data=form(page, commitments=HOSTILE)).status_code == 303
    # CR/LF ends a commitment (one a line); U+2028 and NEL within one are a space.
    assert commitments_of(wiring.dependencies(), CENTRE) == [
        "<script>alert(1)</script> We",
        "greet every child & <b>parent</b>",
    ]
    page = admin.get(PAGE).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    one = "A\u2028B\x85C <b>D</b> \u2029"
    assert admin.post(PAGE, data=form(page, commitments=one)).status_code == 303
    assert commitments_of(wiring.dependencies(), CENTRE) == ["A B C <b>D</b>"]
    page = admin.get(PAGE).text
    assert "<b>D</b>" not in page and "&lt;b&gt;D&lt;/b&gt;" in page
    long = admin.post(PAGE, data=form(page, commitments="x" * 301))
    assert long.status_code == 422 and "use at most 300" in long.text
    assert "x" * 301 in long.text  # the form keeps what was typed
    many = admin.post(PAGE, data=form(page, commitments="\n".join(f"c{i}" for i in range(11))))
    assert many.status_code == 422 and "at most 10" in many.text
    huge = admin.post(PAGE, data=form(page, commitments="y\n" * 50_000))
    assert huge.status_code == 422
    assert commitments_of(wiring.dependencies(), CENTRE) == ["A B C <b>D</b>"]


def test_a_stale_form_changes_nothing_and_shows_both(signed_in):
    admin = signed_in("admin")
    first = admin.get(PAGE).text
    second = admin.get(PAGE).text
    assert admin.post(PAGE, data=form(first, commitments="Mine")).status_code == 303
    stale = admin.post(PAGE, data=form(second, commitments="Theirs"))
    assert stale.status_code == 409 and "Someone changed" in stale.text
    assert "Theirs" in stale.text and "<li>Mine</li>" in stale.text
    assert commitments_of(wiring.dependencies(), CENTRE) == ["Mine"]
    # Sent again from the refused page (which carries the version as it stands), it lands.
    assert admin.post(PAGE, data=form(stale.text, commitments="Theirs")).status_code == 303
    assert commitments_of(wiring.dependencies(), CENTRE) == ["Theirs"]


def test_the_overview_says_what_each_centre_displays_and_since_when(signed_in):
    deps = wiring.dependencies()
    record_sent(CENTRE, version_now(), NOW - timedelta(days=3),
                confirmed_at=NOW - timedelta(days=2))  # fmt: skip
    record_sent("little-stars-tembisa", "0ld0ld0ld0ld", NOW - timedelta(days=8))
    ubuntu = deps.directory.get_centre("ubuntu-umlazi")
    no_email = ubuntu.model_copy(update={"principal": Contact(name="Nomsa Zulu", email="",
                                                              role="principal")})  # fmt: skip
    deps.directory.save_centre(no_email)
    admin = signed_in("admin")
    page = admin.get(OVERVIEW)
    assert page.status_code == 200, page.text
    html = page.text
    assert "Gauteng: 1 of 2 centres display the current version" in html
    assert "Western Cape: 0 of 2 centres display the current version" in html
    assert "KwaZulu-Natal: 0 of 1 centre displays the current version" in html
    late = html[html.index("Not confirmed 7 days after it was sent") :]
    assert "Little Stars ECD, Tembisa" in late[: late.index("</div>")]
    assert "Sunflower Educare, Soweto" not in late[: late.index("</div>")]
    assert "changed since: send it" in html  # Little Stars' version is not the current one
    assert f"Displayed: <code>{version_now()}</code> since" in html
    never = html[html.index("Never sent:") :]
    assert "Fynbos Early Learning" in never[: never.index("</div>")]
    unsendable = html[html.index("No principal") :]
    assert "Ubuntu Creche, Umlazi" in unsendable[: unsendable.index("</div>")]
    # The home's panel, per region.
    home = admin.get("/").text
    assert "Service charters" in home and "Gauteng</a>: 1 of 2 centres display" in home
    # A commitment changes Sunflower's charter: it no longer displays the current version.
    token = admin.get(PAGE).text
    admin.post(PAGE, data=form(token, commitments="A new promise"))
    assert "Gauteng: 0 of 2 centres display" in admin.get(OVERVIEW).text
    assert "Changed since the last sent version: send it." in admin.get(PAGE).text


def test_a_regional_administrator_sees_and_changes_their_region_only(signed_in):
    gauteng = signed_in("admin", GAUTENG)
    assert gauteng.get(f"/?page=charter&centre={OTHER}").status_code == 404
    assert gauteng.get("/?page=charter&centre=nowhere").status_code == 404
    page = gauteng.get(PAGE).text
    refused = gauteng.post(f"/?page=charter&centre={OTHER}", data=form(page, commitments="X"))
    assert refused.status_code == 404
    assert commitments_of(wiring.dependencies(), OTHER) == []
    assert gauteng.post(PAGE, data=form(page, commitments="Ours")).status_code == 303
    overview = gauteng.get(OVERVIEW)
    assert "Gauteng:" in overview.text and "Western Cape" not in overview.text
    assert gauteng.get(OVERVIEW + "&region=western-cape").status_code == 404
    api = signed_in("admin_api", GAUTENG)
    assert api.get(f"/charters/commitments?centre={OTHER}").status_code == 404
    body = {"centre_id": OTHER, "add": "X"}
    assert api.post("/charters/commitments", json=body).status_code == 404
    assert api.get("/charters?region=western-cape").status_code == 404
    (region,) = api.get("/charters").get_json()["regions"]
    assert region["region_id"] == "gauteng"
    assert commitments_of(wiring.dependencies(), OTHER) == []


def test_the_api_lists_adds_removes_and_replaces(signed_in):
    api = signed_in("admin_api")
    shown = api.get(f"/charters/commitments?centre={CENTRE}").get_json()
    assert shown["commitments"] == [] and shown["updated_at"] is None
    first = shown["version"]
    added = api.post("/charters/commitments", json={"centre_id": CENTRE, "add": "One"})
    assert added.status_code == 200 and added.get_json()["commitments"] == ["One"]
    assert added.get_json()["version"] != first
    api.post("/charters/commitments", json={"centre_id": CENTRE, "add": "Two\r\nlines"})
    now = api.get(f"/charters/commitments?centre={CENTRE}").get_json()
    assert now["commitments"] == ["One", "Two lines"]
    removed = api.post("/charters/commitments", json={"centre_id": CENTRE, "remove": 1})
    assert removed.get_json()["commitments"] == ["Two lines"]
    assert api.post("/charters/commitments",
                    json={"centre_id": CENTRE, "remove": 5}).status_code == 422  # fmt: skip
    stale = api.post("/charters/commitments", json={
        "centre_id": CENTRE, "commitments": ["X"], "updated_at": now["updated_at"]})  # fmt: skip
    assert stale.status_code == 409
    current = api.get(f"/charters/commitments?centre={CENTRE}").get_json()
    replaced = api.post(
        "/charters/commitments",
        json={"centre_id": CENTRE, "commitments": ["X", "Y"], "updated_at": current["updated_at"]},
    )
    assert replaced.status_code == 200 and replaced.get_json()["commitments"] == ["X", "Y"]
    for bad in ({"centre_id": CENTRE}, {"centre_id": CENTRE, "add": 5},
                {"centre_id": CENTRE, "commitments": "X"},
                {"centre_id": CENTRE, "commitments": ["x" * 301]},
                {"centre_id": CENTRE, "commitments": [str(i) for i in range(11)]},
                {"centre_id": CENTRE, "remove": True},
                {"centre_id": CENTRE, "add": "x", "remove": 1},
                {"centre_id": CENTRE, "commitments": ["X"],
                 "updated_at": "yesterday"}):  # fmt: skip
        assert api.post("/charters/commitments", json=bad).status_code == 422, bad
    assert api.post("/charters/commitments", json=["X"]).status_code == 422
    # Half a surrogate pair (a JSON escape can carry one) is kept as U+FFFD.
    raw = f'{{"centre_id": "{CENTRE}", "add": "Gate \\ud800 now"}}'
    half = api.post("/charters/commitments", data=raw, content_type="application/json")
    assert half.status_code == 200 and half.get_json()["commitments"][-1] == "Gate \ufffd now"
    api.post("/charters/commitments", json={"centre_id": CENTRE, "remove": 3})
    assert api.post("/charters/commitments",
                    json={"centre_id": "nowhere", "add": "X"}).status_code == 404  # fmt: skip
    assert commitments_of(wiring.dependencies(), CENTRE) == ["X", "Y"]
    listed = api.get("/charters").get_json()
    centres = {c["centre_id"]: c for r in listed["regions"] for c in r["centres"]}
    assert len(centres) == 5 and centres[CENTRE]["current_version"] == version_now()
    assert centres[CENTRE]["sent_version"] is None and centres[CENTRE]["to_send"] is True


def _queued(tasks) -> list[dict]:
    """The send_charter tasks queued (centre and version: ids only)."""
    import json

    return [json.loads(t["http_request"]["body"]) for t in tasks.tasks
            if t["http_request"]["url"].endswith("/send_charter")]  # fmt: skip


def test_send_now_and_send_every_changed_charter_queue_send_charter_tasks(signed_in, tasks):
    admin = signed_in("admin")
    page = admin.get(PAGE).text
    assert "Not sent yet." in page and "Send this centre's charter now" in page
    assert admin.post(PAGE, data={"action": "send"}).status_code == 403
    assert _queued(tasks) == []
    sent = admin.post(PAGE, data={"csrf_token": csrf(page), "action": "send"})
    assert sent.status_code == 303 and "saved=sent" in sent.headers["Location"]
    assert _queued(tasks) == [{"centre_id": CENTRE, "version": version_now()}]
    again = admin.post(PAGE, data={"csrf_token": csrf(page), "action": "send"})
    assert again.status_code == 303 and len(_queued(tasks)) == 1  # the same task: no other
    # The overview's button: every changed charter of the scope (a region's for its admin).
    gauteng = signed_in("admin", GAUTENG)
    overview = gauteng.get(OVERVIEW).text
    assert "Send every changed charter of your region" in overview
    assert gauteng.post(OVERVIEW, data={"action": "distribute"}).status_code == 403
    done = gauteng.post(OVERVIEW, data={"csrf_token": csrf(overview), "action": "distribute"})
    assert done.status_code == 303 and "queued=2" in done.headers["Location"]
    assert {t["centre_id"] for t in _queued(tasks)} == {CENTRE, "little-stars-tembisa"}
    said = gauteng.get(done.headers["Location"].replace("admin?", "/?")).text
    assert "2 charters are being sent; 0 unchanged" in said
    # The queue out: 503 with Retry-After, nothing said to be sent.
    tasks.unavailable = True
    down = admin.post(OVERVIEW, data={"csrf_token": csrf(overview), "action": "distribute"})
    assert down.status_code == 403  # another sign-in's token: refused before anything
    token = csrf(admin.get(OVERVIEW).text)
    down = admin.post(OVERVIEW, data={"csrf_token": token, "action": "distribute"})
    assert down.status_code == 503 and down.headers.get("Retry-After")
    down = admin.post(f"/?page=charter&centre={OTHER}", data={"csrf_token": token,
                                                              "action": "send"})  # fmt: skip
    assert down.status_code == 503 and down.headers.get("Retry-After")


def test_hostile_queries_answer_404_or_the_page_never_500(signed_in):
    admin = signed_in("admin")
    for centre in ("%0D%0ASet-Cookie:x=1", "..%2Fcentres%2Fsunflower-soweto", "__x__",
                   "%ED%A0%80", "%E2%80%A8", "x" * 100_000, ""):  # fmt: skip
        assert admin.get(f"/?page=charter&centre={centre}").status_code == 404, centre[:20]
    for region in ("%0D%0A", "x" * 100_000, "%ED%A0%80", "atlantis"):
        assert admin.get(f"{OVERVIEW}&region={region}").status_code == 404, region[:20]
    odd = admin.get(PAGE + "&lang=%0D%0A<script>&saved=<b>x</b>")
    assert odd.status_code == 200 and "<script>" not in odd.text and "<b>x</b>" not in odd.text
    counts = admin.get(OVERVIEW + "&queued=<b>&unchanged=99999999999&no_email=-1")
    assert counts.status_code == 200 and "<b>" not in counts.text
    api = signed_in("admin_api")
    for centre in ("%0D%0A", "x" * 100_000, "%ED%A0%80"):
        assert api.get(f"/charters/commitments?centre={centre}").status_code == 404
    body = {"centre_id": CENTRE, "commitments": ["x"] * 1_000}
    assert api.post("/charters/commitments", json=body).status_code == 422
    body = {"centre_id": CENTRE, "add": "x" * 100_000}
    assert api.post("/charters/commitments", json=body).status_code == 422
    body = {"centre_id": {"$ne": 1}, "add": "x"}
    assert api.post("/charters/commitments", json=body).status_code == 404
    assert commitments_of(wiring.dependencies(), CENTRE) == []
