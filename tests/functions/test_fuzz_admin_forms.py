"""hypothesis against every form of the administrators' pages (the HTML forms infra/openapi.yaml
does not describe: they are pages, not an API): each form found by following every
admin?page= link from the home page is posted with its own valid CSRF token and fields
holding any text at all. Whatever is sent, never a 5xx.
"""

from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.forum_builders import forum, store
from tests.functions.security_support import NETWORK_ADMIN, bearer
from tests.functions.test_security_csrf import HOST, _admin_pages, _parse, _where
from tests.fuzzing import examples

HOSTILE = st.sampled_from(["", " ", "0", "-1", "9" * 30, "2030-02-30", "25:61", "\u2028",
                           "<script>", "=1+1", "a" * 5000, "x\r\ny", "\x00", "\ufffd",
                           "forum-does-not-exist", "../admin", "%00"])  # fmt: skip
VALUE = st.text(st.characters(codec="utf-8"), max_size=40) | HOSTILE
FUZZ = settings(max_examples=examples(4, 60), deadline=None,
                suppress_health_check=list(HealthCheck))  # fmt: skip


def _forms(client, headers) -> dict[tuple, tuple[str, list]]:
    """One of each kind of form (its target page and field names): target -> fields."""
    found = {}
    for _, path in _admin_pages(client, headers):
        page = client.get(path, headers=headers).get_data(as_text=True)
        for form in _parse(page).forms:
            entry, target = _where(f"{HOST}/admin{path[1:]}", form["action"])
            if entry != "admin" or "signout" in target or "signin" in target:
                continue
            names = tuple(sorted({name for name, _ in form["fields"]}))
            found.setdefault((target.split("&")[0], names), (target, form["fields"]))
    return found


def test_no_admin_form_answers_a_server_error_whatever_its_fields_hold(
    client_for, google_idp, tasks
):
    from functions import wiring
    from tests.functions.test_admin_home import form_answer

    store(wiring.dependencies(), forum())
    form_answer(client_for, "resp-fuzz")
    client, headers = client_for("admin", signed=False), bearer(google_idp, NETWORK_ADMIN)
    forms = _forms(client, headers)
    assert len(forms) >= 10, sorted(forms)
    for target, fields in forms.values():
        _fuzz(client, headers, target, fields)


def _fuzz(client, headers, target: str, fields: list) -> None:
    names = [name for name, _ in fields if name != "csrf_token"]
    token = dict(fields)["csrf_token"]

    @given(values=st.fixed_dictionaries({name: VALUE for name in names}),
           dropped=st.sets(st.sampled_from(names)) if names else st.just(set()))  # fmt: skip
    @FUZZ
    def run(values, dropped):
        data = {k: v for k, v in values.items() if k not in dropped} | {"csrf_token": token}
        answer = client.post(target, data=data, headers=headers)
        assert answer.status_code < 500, (target, data, answer.get_data(as_text=True)[:500])

    run()


def test_no_attendance_upload_answers_a_server_error_whatever_it_holds(client_for, google_idp):
    """import_attendance (a Zoom or Meet CSV, raw or multipart) with any bytes, any source
    and any forum id: never a 5xx."""
    from functions import wiring
    from tests.functions.forum_attendance_support import ZOOM

    event = forum()
    store(wiring.dependencies(), event)
    client, headers = client_for("import_attendance"), bearer(google_idp, NETWORK_ADMIN)
    lines = ZOOM.splitlines(keepends=True)

    @given(
        source=st.sampled_from(["zoom", "meet", ""]) | VALUE,
        forum_id=st.just(event.forum_id) | VALUE,
        body=st.binary(max_size=400)
        | st.lists(st.sampled_from(lines) | st.binary(max_size=60), max_size=30).map(b"".join),
        multipart=st.booleans(),
    )
    @settings(parent=FUZZ, max_examples=examples(20, 400))
    def run(source, forum_id, body, multipart):
        query = {"forum": forum_id, "source": source}
        if multipart:
            answer = client.post("/", query_string=query, headers=headers,
                                 data={"file": (io.BytesIO(body), "report.csv")})  # fmt: skip
        else:
            answer = client.post("/", query_string=query, data=body,
                                 headers=headers | {"Content-Type": "text/csv"})  # fmt: skip
        assert answer.status_code < 500, answer.get_data(as_text=True)[:500]

    run()
