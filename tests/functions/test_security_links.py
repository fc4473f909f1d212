"""The signed links people are mailed (a parent's status, reply and rating links, a staff
member's case action, a forum's cancel and survey links, a principal's charter confirmation,
an unsubscribe link) cannot be forged, carried to another purpose, reused where single-use,
or pointed at another case, centre or person.

Each genuine token is shown to every link entry point that expects another purpose, and
its forgeries (its value signed with another key, one character changed, cut, lengthened,
re-cased) to every link entry point, by GET and POST: always a 4xx, and nothing stored
changes. (A token's one spelling, and tampering per link, have their own tests; this is the
whole matrix.) Then a genuine link beside another case's or centre's id, a parent's two
cases, and a single-use link used twice.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from functions import wiring
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Purpose, Signer
from functions.domain.shared.vocabulary import StaffAction
from functions.services.forums.attendance import import_attendance
from functions.services.forums.cancelling import cancel_token
from functions.services.forums.survey import survey_token
from tests.builders import submission
from tests.forum_builders import START, forum, store
from tests.functions.security_support import NETWORK_ADMIN, bearer, changed, everything

# entry point -> the query parameter its link carries
LINKS = {
    "case_status": "token", "case_reply": "token", "rate_case": "token", "case_action": "token",
    "forum_survey": "token", "confirm_charter": "token", "unsubscribe": "token",
    "advisory_response": "token", "forum_registration": "cancel",
}  # fmt: skip
PRINCIPAL = "principal@sunflower.example.org"


def _case(client_for, email: str, text: str) -> tuple[str, str]:
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description=text, reporter={"email": email})  # fmt: skip
    created = client_for("submit_feedback").post("/", json=body).get_json()
    return created["reference"], parse_qs(urlsplit(created["status_url"]).query)["token"][0]


def _action(reference: str, action=StaffAction.NOTE, message: str = "m1") -> str:
    person = person_key(PRINCIPAL)
    ident = link_id(f"{message}-{person}", reference, action)
    return ActionLink(action, reference, person, ident).token(wiring.signer())


@pytest.fixture
def world(client_for, monkeypatch, tasks, google_idp):
    """Two cases, a resolved one, a forum with a registration and an attendee, the charters
    sent; the clock just after the forum. Gives {entry point: (purpose, genuine token)}."""
    from tests.functions.charter_support import records, replay
    from tests.functions.forum_attendance_support import ZOOM
    from tests.functions.test_rate_case import resolved

    monkeypatch.setattr(wiring, "utc_now", lambda: START - timedelta(days=30))
    deps, signer = wiring.dependencies(), wiring.signer()
    case_a, status_a = _case(client_for, "parent@example.org", "Case A: the gate latch")
    case_b, status_b = _case(client_for, "parent@example.org", "Case B: the sandpit")
    closed, _ = resolved(client_for)
    event = forum()
    store(deps, event)
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM, ZOOM)
    key = attendee_id(event.forum_id, participant_key("thandiwe.mokoena@example.org", None))
    from tests.functions.forum_attendance_support import register

    registration = register(event, "Zola Dube", "zola@example.org").registration_id
    client_for("distribute_charters").post("/", json={}, headers=bearer(google_idp, NETWORK_ADMIN))
    replay(client_for, tasks, "send_charter")
    version = records()["sunflower-soweto"]["version"]
    advisory = _advisory_token(client_for, google_idp)
    later = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    return {
        "cases": (case_a, case_b, status_a, status_b),
        "tokens": {
            "case_status": (Purpose.CASE_STATUS, status_a),
            "case_reply": (Purpose.CASE_STATUS, status_a),
            "rate_case": (Purpose.CASE_RATING, signer.sign(Purpose.CASE_RATING, closed, True)),
            "case_action": (Purpose.CASE_ACTION, _action(case_a)),
            "forum_survey": (Purpose.FORUM_SURVEY, survey_token(key, signer)),
            "confirm_charter": (Purpose.CHARTER_CONFIRM, signer.sign(
                Purpose.CHARTER_CONFIRM, f"sunflower-soweto:{version}")),
            "unsubscribe": (Purpose.UNSUBSCRIBE, unsubscribe_token("parent@example.org", signer)),
            "forum_registration": (Purpose.FORUM_CANCEL, cancel_token(deps, registration)),
            "advisory_response": (Purpose.ADVISORY_RESPONSE, advisory),
        },
    }  # fmt: skip


def _advisory_token(client_for, google_idp) -> str:
    """A nominee's link of a Gauteng advisory selection (tests/functions/advisory_support)."""
    from tests.functions.advisory_support import gauteng_month
    from tests.functions.test_advisory_entry_points import BODY

    gauteng_month()
    ran = client_for("select_advisory_network").post(
        "/", json=BODY, headers=bearer(google_idp, NETWORK_ADMIN)
    )
    assert ran.status_code == 201, ran.get_json()
    chosen = next(d for d in ran.get_json()["order"]["parents"] if d["selected"])
    value = f"{ran.get_json()['selection_id']}:{chosen['attendee_key']}"
    return wiring.signer().sign(Purpose.ADVISORY_RESPONSE, value)


def _value(purpose: Purpose, token: str) -> str:
    signer = wiring.signer()
    value = signer.unsign(purpose, token) or signer.unsign(purpose, token, max_age=10**9)
    assert value is not None, purpose
    return value


def _flip(token: str) -> str:
    at = len(token) // 3
    return token[:at] + ("A" if token[at] != "A" else "B") + token[at + 1 :]


# What each link entry point takes: the status page's own forms post to case_reply and
# rate_case with the status token, so those take it too.
ACCEPTS = {
    "case_status": {Purpose.CASE_STATUS}, "case_reply": {Purpose.CASE_STATUS},
    "rate_case": {Purpose.CASE_RATING, Purpose.CASE_STATUS},
    "case_action": {Purpose.CASE_ACTION}, "forum_survey": {Purpose.FORUM_SURVEY},
    "confirm_charter": {Purpose.CHARTER_CONFIRM}, "unsubscribe": {Purpose.UNSUBSCRIBE},
    "advisory_response": {Purpose.ADVISORY_RESPONSE},
    "forum_registration": {Purpose.FORUM_CANCEL, Purpose.FORUM_INVITATION},
}  # fmt: skip


def _forgeries(purpose: Purpose, token: str) -> list[str]:
    """What an attacker without our key can make of a genuine token."""
    value = _value(purpose, token)
    made = [Signer([b"another network's key"]).sign(purpose, value, e) for e in (False, True)]
    return made + [_flip(token), token[:-1], token + "A", token.upper(), token.lower()]


def test_the_genuine_links_open_their_pages(client_for, world):
    for entry, (_, token) in world["tokens"].items():
        answer = client_for(entry).get(f"/?{LINKS[entry]}={quote(token, safe='')}")
        assert answer.status_code == 200, (entry, answer.status_code)


def _refused_everywhere(client_for, attempts) -> list:
    """attempts: (label, token, entry points to try) -> those that were not refused."""
    opened = []
    for label, token, entries in attempts:
        for entry in entries:
            url = f"/?{LINKS[entry]}={quote(token, safe='')}"
            for method in ("GET", "POST"):
                answer = client_for(entry).open(url, method=method, data={"csrf_token": "x"})
                if not 400 <= answer.status_code < 500:
                    opened.append((label, entry, method, answer.status_code))
    return opened


def test_a_forged_or_changed_link_opens_nothing_anywhere(client_for, world):
    before = everything()
    attempts = [(source, forged, list(LINKS))
                for source, (purpose, token) in world["tokens"].items()
                for forged in _forgeries(purpose, token)]  # fmt: skip
    assert _refused_everywhere(client_for, attempts) == []
    assert changed(before, everything()) == []


def test_a_genuine_link_opens_nothing_where_another_purpose_is_expected(client_for, world):
    before = everything()
    attempts = [(source, token, [e for e in LINKS if purpose not in ACCEPTS[e]])
                for source, (purpose, token) in world["tokens"].items()]  # fmt: skip
    assert _refused_everywhere(client_for, attempts) == []
    assert changed(before, everything()) == []


def test_a_link_for_one_case_acts_on_that_case_whatever_else_the_url_names(client_for, world):
    """Another case's, centre's or person's id beside a genuine token changes nothing of
    theirs: the token alone says what the link opens."""
    case_a, case_b, status_a, status_b = world["cases"]
    read = wiring.case_reader()
    b_before = read.get(case_b)
    extras = (f"reference={case_b}", f"case={case_b}", f"id={case_b}",
              "centre=little-stars-tembisa", f"token={quote(status_b, safe='')}")  # fmt: skip
    for entry, token in (("case_action", _action(case_a)), ("case_reply", status_a)):
        client = client_for(entry)
        for extra in extras:
            page = client.get(f"/?token={quote(token, safe='')}&{extra}")
            text = page.get_data(as_text=True)
            assert "Case B" not in text, (entry, extra)  # (an id typed in is echoed, escaped)
    assert read.get(case_b) == b_before


def test_a_parents_status_page_shows_that_case_only(client_for, world):
    """Two cases of one parent: each status token shows its own case, never the other's
    reference or description."""
    case_a, case_b, status_a, status_b = world["cases"]
    client = client_for("case_status")
    a = client.get(f"/?token={quote(status_a, safe='')}").get_data(as_text=True)
    b = client.get(f"/?token={quote(status_b, safe='')}").get_data(as_text=True)
    assert case_a in a and case_b not in a and "Case B" not in a
    assert case_b in b and case_a not in b and "Case A" not in b


def test_a_single_use_link_used_again_changes_nothing_more(client_for, world):
    """A staff member's resolve link and a principal's confirmation act once; used again
    (a second click, a mail scanner, a forwarded mail) they change nothing."""
    import re

    case_a = world["cases"][0]
    link = f"/?token={quote(_action(case_a, StaffAction.RESOLVE, 'm9'), safe='')}"
    client = client_for("case_action")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(link).get_data(as_text=True))
    first = client.post(link, data={"csrf_token": token[1], "text": "Fixed the latch."})
    assert first.status_code in (200, 303)
    after_first = everything()
    again = client.get(link)
    token = re.search(r'name="csrf_token" value="([^"]+)"', again.get_data(as_text=True))
    if token:  # the page may still offer the form: sending it does nothing more
        client.post(link, data={"csrf_token": token[1], "text": "Fixed it twice."})
    assert changed(after_first, everything()) == []
