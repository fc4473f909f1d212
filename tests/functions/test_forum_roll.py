"""The admin pages of a forum's attendance over the emulator: the roll (tick, join time,
untick, walk-ins; the same roll twice changes nothing; CSRF), and the upload page's dry run
and import with the figures by role."""

from __future__ import annotations

import io
import re

import pytest

from functions import wiring
from functions.config import get_settings
from functions.domain.shared.vocabulary import ForumFormat, ParticipantRole
from tests.functions.forum_attendance_support import ZOOM, make_forum, register_zoom_people
from tests.functions.local_support import CSRF, LOCAL


@pytest.fixture
def admin(client_for, project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    client = client_for("admin")
    client.environ_base["HTTP_AUTHORIZATION"] = LOCAL["Authorization"]
    return client


def csrf(html: str) -> str:
    return CSRF.search(html).group(1)


def people(forum_id: str) -> dict:
    return {a.name: a for a in wiring.forum_reader().attendance(forum_id)}


def test_the_roll_marks_present_with_join_times_and_again_changes_nothing(admin):
    forum = make_forum("whatsapp", fmt=ForumFormat.WHATSAPP_LIVE_AUDIO)
    registered = register_zoom_people(forum)
    url = "/?page=forum_roll&id=whatsapp"
    page = admin.get(url)
    assert page.status_code == 200 and "Thandiwe Mokoena" in page.text
    listed = re.findall(r'name="listed" value="([^"]+)"', page.text)
    assert len(listed) == 4
    ids = dict(zip([r.name for r in sorted(registered.values(), key=lambda r: r.name)], listed,
                   strict=True))  # fmt: skip
    form = {"csrf_token": csrf(page.text), "action": "roll", "listed": listed,
            "present": [ids["Thandiwe Mokoena"], ids["Zanele Khumalo"]],
            f"joined_{ids['Zanele Khumalo']}": "10:20"}  # fmt: skip
    sent = admin.post(url, data=form)
    assert sent.status_code == 303 and "done=2.0.0.0" in sent.headers["Location"]
    found = people("whatsapp")
    assert set(found) == {"Thandiwe Mokoena", "Zanele Khumalo"}
    assert found["Thandiwe Mokoena"].minutes == 90 and found["Zanele Khumalo"].minutes == 70
    again = admin.post(url, data=form)
    assert "done=0.0.0.2" in again.headers["Location"]
    # Unticked: taken off (no survey went to her yet).
    admin.post(url, data=form | {"present": [ids["Thandiwe Mokoena"]]})
    assert set(people("whatsapp")) == {"Thandiwe Mokoena"}
    shown = admin.get(url).text
    assert "Attended" in shown or "By role" in shown


def test_a_walk_in_is_added_once_with_their_role(admin):
    make_forum("whatsapp", fmt=ForumFormat.WHATSAPP_LIVE_AUDIO)
    url = "/?page=forum_roll&id=whatsapp"
    form = {"csrf_token": csrf(admin.get(url).text), "action": "walk_in",
            "name": "Councillor\r\nDube <b>", "role": "community_leader",
            "phone": "072 555 0199", "joined": "10:30"}  # fmt: skip
    assert admin.post(url, data=form).status_code == 303
    assert admin.post(url, data=form).status_code == 303
    (walk_in,) = wiring.forum_reader().attendance("whatsapp")
    assert walk_in.name == "Councillor Dube <b>" and walk_in.registration_id is None
    assert walk_in.role == ParticipantRole.COMMUNITY_LEADER and walk_in.minutes == 60
    assert "Councillor Dube &lt;b&gt;" in admin.get(url).text
    bad = admin.post(url, data=form | {"name": "", "phone": "not a phone"})
    assert bad.status_code == 422 and "Nothing was changed" in bad.text


def test_a_roll_without_the_csrf_token_changes_nothing(admin):
    forum = make_forum("whatsapp", fmt=ForumFormat.WHATSAPP_LIVE_AUDIO)
    register_zoom_people(forum)
    page = admin.get("/?page=forum_roll&id=whatsapp").text
    listed = re.findall(r'name="listed" value="([^"]+)"', page)
    answer = admin.post("/?page=forum_roll&id=whatsapp",
                        data={"action": "roll", "listed": listed, "present": listed})  # fmt: skip
    assert answer.status_code == 403 and wiring.forum_reader().attendance("whatsapp") == []


def test_the_upload_page_dry_runs_then_imports_and_shows_the_figures(admin):
    forum = make_forum()
    register_zoom_people(forum)
    url = f"/?page=forum_attendance&id={forum.forum_id}"
    page = admin.get(url)
    assert page.status_code == 200 and "Upload the attendance export" in page.text

    def upload(dry: bool):
        form = {"csrf_token": csrf(admin.get(url).text), "source": "zoom",
                "walk_in_role": "parent", "file": (io.BytesIO(ZOOM), "report.csv")}  # fmt: skip
        if dry:
            form["dry_run"] = "1"
        return admin.post(url, data=form, content_type="multipart/form-data")

    dry = upload(True)
    assert dry.status_code == 200 and "Dry run: nothing was changed" in dry.text
    assert wiring.forum_reader().attendance(forum.forum_id) == []
    done = upload(False)
    assert "6 added" in done.text and "walk-in" in done.text
    assert "0 added, 0 changed, 6 unchanged" in upload(False).text
    # The roll shows the people the export recorded, ticked.
    roll = admin.get(f"/?page=forum_roll&id={forum.forum_id}").text
    assert "from zoom" in roll
    refused = admin.post(url, data={"csrf_token": csrf(admin.get(url).text), "source": "zoom",
                                    "file": (io.BytesIO(b"a,b\r\n1,2\r\n"), "x.csv")},
                         content_type="multipart/form-data")  # fmt: skip
    assert refused.status_code == 422 and "Nothing was imported" in refused.text


def test_an_unknown_forum_is_404(admin):
    assert admin.get("/?page=forum_roll&id=nope").status_code == 404
    assert admin.get("/?page=forum_attendance&id=a/b").status_code == 404
