"""schemathesis against every other endpoint infra/openapi.yaml describes (submit_feedback and
intake_google_form have tests/functions/test_openapi_fuzz.py): the SNS endpoint, the
administrators' JSON operations, and the parent and staff forms. Whatever is sent, valid by
the document or not, the answer is one the document lists for that path, and never a 5xx.

Each request is made to get past the outer gate, so that the body reaches the parser: forms
carry a good CSRF token and cookie and open a real link (a case's status token, a staff
member's action link, a forum, an attendee's survey link); SNS messages are signed with the
test certificate for an allowed topic; admin operations carry a network administrator's ID
token. Refusing a request without these is tested elsewhere (tests/functions/test_security_*).
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, quote, urlparse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.core import NotSet

from functions import wiring
from functions.adapters.aws import sns
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.forums.attendance import AttendanceSource, attendee_id
from functions.domain.forums.models import participant_key
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import StaffAction
from functions.services.forums.attendance import import_attendance
from functions.services.forums.survey import survey_token
from tests import oidc
from tests.builders import submission
from tests.forum_builders import forum, store
from tests.functions.local_support import CSRF
from tests.fuzzing import examples
from tests.unit.test_openapi_agreement import OPERATIONS, SPEC
from tests.unit.test_sns_signatures import CERT_URL, TOPIC, SnsSigner

PATHS = sorted(set(SPEC["paths"]) - {"/submit_feedback", "/intake_google_form"})
FUZZ = settings(
    max_examples=examples(20, 500), deadline=None, suppress_health_check=list(HealthCheck)
)
NETWORK_ADMIN = "admin@ecd.example.org"
BEFORE_FORUMS = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)
ERRORS = Draft202012Validator(SPEC | {"$ref": "#/components/schemas/Errors"})
_SIGNER = SnsSigner()


class Target:
    """Where a path's fuzz cases go: the client, the URL (query included), what to add."""

    def __init__(self, client, url: str, headers: dict | None = None, csrf_page: str | None = None):
        self.client, self.url, self.headers = client, url, headers or {}
        self.csrf = None
        if csrf_page is not None:
            page = client.get(csrf_page)
            found = CSRF.search(page.get_data(as_text=True))
            assert found, f"no form at {csrf_page}: {page.status_code}"
            self.csrf = found.group(1)

    def post(self, body, media_type: str):
        if isinstance(body, NotSet):  # no body at all (distribute_charters takes none)
            return self.client.post(self.url, headers=self.headers)
        if isinstance(body, bytes):  # a body that is no JSON or form at all
            return self.client.post(self.url, data=body, content_type=media_type,
                                    headers=self.headers)  # fmt: skip
        if media_type == "application/x-www-form-urlencoded":
            fields = dict(body) if isinstance(body, dict) else {}
            if self.csrf:
                fields["csrf_token"] = self.csrf
            data = {k: _form_value(v) for k, v in fields.items()}
            return self.client.post(self.url, data=data, headers=self.headers)
        if media_type == "text/csv":
            raw = _form_text(body).encode()
            return self.client.post(self.url, data=raw, content_type=media_type,
                                    headers=self.headers)  # fmt: skip
        if media_type == "multipart/form-data":
            given = body.get("file", "") if isinstance(body, dict) else body
            upload = (io.BytesIO(_form_text(given).encode()), "report.csv")
            return self.client.post(self.url, data={"file": upload}, headers=self.headers)
        raw = json.dumps(body).encode("utf-8", "surrogatepass")
        return self.client.post(self.url, data=raw, content_type="application/json",
                                headers=self.headers)  # fmt: skip


def _form_value(value):
    if isinstance(value, list):
        return [_form_text(v) for v in value]
    return _form_text(value)


def _form_text(value) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = value if isinstance(value, str) else json.dumps(value)
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _new_case(client_for) -> tuple[str, str]:
    """A case and its status token."""
    body = submission(centre_id="sunflower-soweto", kind="complaint", category="facilities",
                      description="The gate latch is broken",
                      reporter={"email": "parent@example.org"})  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201
    created = answer.get_json()
    return created["reference"], parse_qs(urlparse(created["status_url"]).query)["token"][0]


def _target(path: str, client_for, google_idp, monkeypatch, tasks) -> Target:
    bearer = {"Authorization": "Bearer " + google_idp.mint(NETWORK_ADMIN, oidc.OAUTH_CLIENT_ID)}
    name = path.strip("/").split("/")[0]
    if name == "admin_api":
        return Target(client_for("admin_api"), path.removeprefix("/admin_api"), bearer)
    if name in ("select_advisory_network", "distribute_charters"):
        return Target(client_for(name), "/", bearer)
    if name == "import_attendance":
        event = forum()
        store(wiring.dependencies(), event)
        return Target(client_for(name), f"/?forum={event.forum_id}&source=zoom", bearer)
    if name == "email_events":
        monkeypatch.setattr(sns, "fetch_certificate", _SIGNER.fetch)
        monkeypatch.setattr(sns, "https_get", lambda url: b"")
        monkeypatch.setenv("SNS_TOPIC_ARNS", TOPIC)
        return Target(client_for(name), "/")
    if name == "feedback_form":
        return Target(client_for(name), "/", csrf_page="/")
    if name == "forum_registration":
        monkeypatch.setattr(wiring, "utc_now", lambda: BEFORE_FORUMS)
        event = forum()
        store(wiring.dependencies(), event)
        url = f"/?forum={event.forum_id}"
        return Target(client_for(name), url, csrf_page=url)
    if name == "case_reply":
        _, token = _new_case(client_for)
        return Target(client_for(name), f"/?token={token}", csrf_page=f"/?token={token}")
    if name == "rate_case":
        from tests.functions.test_rate_case import rating_query, resolved

        reference, _ = resolved(client_for)
        url = f"/?{rating_query(reference)}"
        return Target(client_for(name), url, csrf_page=url)
    if name == "case_action":
        reference, _ = _new_case(client_for)
        person = person_key("principal@sunflower.example.org")
        ident = link_id(f"m1-{person}", reference, StaffAction.NOTE)
        token = ActionLink(StaffAction.NOTE, reference, person, ident).token(wiring.signer())
        return Target(client_for(name), f"/?token={token}", csrf_page=f"/?token={token}")
    if name == "forum_survey":
        return _survey_target(client_for, monkeypatch)
    if name == "unsubscribe":
        token = unsubscribe_token("parent@example.org", wiring.signer())
        return Target(client_for(name), f"/?token={token}")
    if name == "confirm_charter":
        return _charter_target(client_for, tasks, bearer)
    if name == "advisory_response":
        from tests.functions.test_security_links import _advisory_token

        url = f"/?token={quote(_advisory_token(client_for, google_idp), safe='')}"
        return Target(client_for(name), url, csrf_page=url)
    pytest.skip(f"{path}: no way to reach its parser here yet")


def _charter_target(client_for, tasks, bearer) -> Target:
    from tests.functions.charter_support import records, replay

    assert client_for("distribute_charters").post("/", json={}, headers=bearer).status_code == 200
    replay(client_for, tasks, "send_charter")
    version = records()["sunflower-soweto"]["version"]
    token = wiring.signer().sign(Purpose.CHARTER_CONFIRM, f"sunflower-soweto:{version}")
    return Target(client_for("confirm_charter"), f"/?token={token}", csrf_page=f"/?token={token}")


def _survey_target(client_for, monkeypatch) -> Target:
    from tests.functions.forum_attendance_support import ZOOM

    monkeypatch.setattr(wiring, "utc_now", lambda: BEFORE_FORUMS)
    deps, event = wiring.dependencies(), forum()
    store(deps, event)
    email = "attendee.fuzz@example.org"
    import_attendance(deps, event.forum_id, AttendanceSource.ZOOM,
                      ZOOM.replace(b"thandiwe.mokoena@example.org", email.encode()))  # fmt: skip
    later = event.ends_at + timedelta(hours=1)
    monkeypatch.setattr(wiring, "utc_now", lambda: later)
    key = attendee_id(event.forum_id, participant_key(email, None))
    url = f"/?token={survey_token(key, wiring.signer())}"
    return Target(client_for("forum_survey"), url, csrf_page=url)


def _signed(body, sign: bool):
    """An SNS-shaped body, signed for the allowed topic, so it reaches the SES event reader."""
    if not (sign and isinstance(body, dict) and isinstance(body.get("Type"), str)):
        return body
    try:
        return _SIGNER.sign(body | {"TopicArn": TOPIC, "SigningCertURL": CERT_URL})
    except (TypeError, ValueError, KeyError, AttributeError, UnicodeError):
        return body  # a field SNS never sends (a number, a surrogate): sent unsigned


def _check(path: str, answer) -> None:
    assert answer.status_code < 500, answer.get_data(as_text=True)[:2000]
    documented = {int(code) for code in SPEC["paths"][path]["post"]["responses"]}
    assert answer.status_code in documented, (answer.status_code, answer.get_data(as_text=True))
    if answer.mimetype == "application/json" and answer.status_code >= 400:
        ERRORS.validate(answer.get_json())


@pytest.mark.parametrize("path", PATHS)
def test_every_answer_is_documented_and_none_is_a_server_error(
    client_for, google_idp, monkeypatch, tasks, path
):
    target = _target(path, client_for, google_idp, monkeypatch, tasks)
    operation = OPERATIONS[path]["POST"]
    cases = st.one_of([operation.as_strategy(generation_mode=m) for m in GenerationMode])

    @given(case=cases, sign=st.booleans())
    @FUZZ
    def run(case, sign):
        body = _signed(case.body, sign) if path == "/email_events" else case.body
        media_type = case.media_type or "application/json"
        _check(path, target.post(body, media_type))

    run()


def test_the_document_describes_every_entry_point_that_takes_a_body():
    """A form or JSON entry point added without its description fails here."""
    import main

    takes_no_body = {
        "case_status", "privacy", "charter", "forums", "forum_report", "dev_mailbox",
        "admin",  # pages; their HTML forms are fuzzed by tests/functions/test_fuzz_admin_forms
    }  # fmt: skip
    jobs_and_tasks = {n for n in main.__all__ if n in oidc.INVOKERS}
    described = {p.strip("/").split("/")[0] for p in SPEC["paths"]}
    assert set(main.__all__) - takes_no_body - jobs_and_tasks <= described
