"""Attack: a regional administrator reaching another region's forum (or the network's) through
the attendance entry points: import_attendance, admin?page=forum_attendance and
admin?page=forum_roll. Their names, emails and phones are not theirs to read, and the
records not theirs to write: 404 for a forum they cannot see, 403 for one they see but may
not change (the network's), as admin_api's forum operations answer."""

from __future__ import annotations

import io

import pytest

from functions import wiring
from functions.domain.directory.administrators import Administrator
from functions.domain.shared.vocabulary import ForumFormat
from tests import oidc
from tests.functions.forum_attendance_support import ZOOM, make_forum, register_zoom_people
from tests.functions.local_support import CSRF

GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
NETWORK_ADMIN = "admin@ecd.example.org"


@pytest.fixture
def as_admin(project, google_idp):
    wiring.administrators().save(Administrator(email=GAUTENG_ADMIN, name="Nomsa",
                                               region_id="gauteng"))  # fmt: skip

    def headers(who: str) -> dict:
        return {"Authorization": f"Bearer {google_idp.mint(who, oidc.OAUTH_CLIENT_ID)}"}

    return headers


def _forums():
    theirs = make_forum("forum-wc", region_id="western-cape")
    network = make_forum("forum-network")
    roll = make_forum("forum-wc-roll", fmt=ForumFormat.WHATSAPP_LIVE_AUDIO,
                      region_id="western-cape")  # fmt: skip
    for forum in (theirs, network, roll):
        register_zoom_people(forum)
    return theirs, network, roll


def _upload(client, headers, forum_id):
    return client.post(f"/?forum={forum_id}&source=zoom", data=ZOOM,
                       headers=headers | {"Content-Type": "text/csv"})  # fmt: skip


def test_import_attendance_keeps_to_the_callers_scope(client_for, as_admin):
    theirs, network, _ = _forums()
    api = client_for("import_attendance")
    gauteng = as_admin(GAUTENG_ADMIN)
    assert _upload(api, gauteng, theirs.forum_id).status_code == 404
    assert _upload(api, gauteng, network.forum_id).status_code == 403
    assert wiring.forum_reader().attendance(theirs.forum_id) == []
    assert wiring.forum_reader().attendance(network.forum_id) == []
    mine = make_forum("forum-gp", region_id="gauteng")
    assert _upload(api, gauteng, mine.forum_id).status_code == 200
    assert _upload(api, as_admin(NETWORK_ADMIN), theirs.forum_id).status_code == 200


def test_the_attendance_and_roll_pages_keep_to_the_callers_scope(client_for, as_admin):
    theirs, network, roll = _forums()
    admin = client_for("admin")
    gauteng = as_admin(GAUTENG_ADMIN)
    for page, forum in (("forum_attendance", theirs), ("forum_roll", roll)):
        shown = admin.get(f"/?page={page}&id={forum.forum_id}", headers=gauteng)
        assert shown.status_code == 404, page
        assert "Thandiwe" not in shown.text and "example.org" not in shown.text
    # The network's forum: seen, not written.
    page = admin.get(f"/?page=forum_roll&id={network.forum_id}", headers=gauteng)
    assert page.status_code == 200
    token = CSRF.search(page.text).group(1)
    walk_in = {"csrf_token": token, "action": "walk_in", "name": "Intruder",
               "role": "parent", "phone": "072 555 0199"}  # fmt: skip
    sent = admin.post(f"/?page=forum_roll&id={network.forum_id}", data=walk_in, headers=gauteng)
    assert sent.status_code == 403 and "Not yours to change" in sent.text
    assert wiring.forum_reader().attendance(network.forum_id) == []
    url = f"/?page=forum_attendance&id={network.forum_id}"
    token = CSRF.search(admin.get(url, headers=gauteng).text).group(1)
    upload = admin.post(
        url,
        headers=gauteng,
        data={"csrf_token": token, "source": "zoom", "file": (io.BytesIO(ZOOM), "zoom.csv")},
    )
    assert upload.status_code == 403 and "Not yours to change" in upload.text
    assert wiring.forum_reader().attendance(network.forum_id) == []
