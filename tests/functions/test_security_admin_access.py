"""Every administrators' entry point refuses a caller who is not one, and keeps a regional
administrator to their region.

Enumerated, not listed by hand: every page of admin (PAGES), every operation of admin_api
(OPERATIONS) and every other entry point an administrator's token opens, so a page or
operation added later is swept too. Each is called without a token, with a malformed one, a
Google token of someone not on the allow-list, an administrator's token for another
audience, and the development token (refused when deployed): 401 or 403, nothing changed,
no data in the answer. Then a Gauteng administrator asks each for the Western Cape: a
refusal, or an answer that names nothing of the Western Cape.
"""

from __future__ import annotations

import pytest

from functions.http.admin.api import OPERATIONS
from functions.http.admin.pages import PAGES
from tests.functions.security_support import (
    GAUTENG_ADMIN,
    NETWORK_ADMIN,
    WESTERN_CAPE_MARKS,
    bearer,
    changed,
    everything,
)

# entry point -> (method, path) of the other entry points an administrator's token opens
OTHERS = {
    "select_advisory_network": ("POST", "/"),
    "distribute_charters": ("POST", "/"),
    "import_attendance": ("POST", "/?forum=forum-x&source=zoom"),
    "forum_report": ("GET", "/?forum=forum-x"),
    "setup_monthly_forums": ("POST", "/"),
}
REQUESTS = (
    [("admin", "GET", f"/?page={page}") for page in PAGES]
    + [("admin", "POST", f"/?page={page}") for page in PAGES]
    + [("admin_api", *operation.split(" ", 1)) for operation in OPERATIONS]
    + [(name, method, path) for name, (method, path) in OTHERS.items()]
)
SECRET_MARKS = ("sunflower-soweto", "Sunflower", "principal@", "@example.org", "FB-")


def _callers(google_idp) -> dict[str, dict]:
    return {
        "no token": {},
        "a malformed token": {"Authorization": "Bearer not-a-token"},
        "someone not on the allow-list": bearer(google_idp, "stranger@example.org"),
        "another audience": bearer(google_idp, GAUTENG_ADMIN, "https://elsewhere.example.org"),
        "the development token": {"Authorization": "Bearer local-admin-token"},
    }


def _call(client, method: str, path: str, headers: dict):
    body = {"region_id": "gauteng", "seed": "x", "reference": "FB-0000-000"}
    if method == "GET":
        return client.get(path, headers=headers)
    return client.open(path, method=method, headers=headers, json=body)


def test_every_admin_entry_point_refuses_whoever_is_not_an_administrator(client_for, google_idp):
    before = everything()
    wrong = []
    for who, headers in _callers(google_idp).items():
        for name, method, path in REQUESTS:
            answer = _call(client_for(name, signed=False), method, path, headers)
            text = answer.get_data(as_text=True)
            if name == "admin" and path.endswith(("=signin", "=signout")):
                ok = answer.status_code < 500  # open by design: signing in, and out (no data)
            elif name == "forum_report" and not headers:
                ok = answer.status_code == 303  # a browser is sent to sign in on the admin page
            elif name == "admin" and not headers and method == "GET":
                ok = answer.status_code in (401, 403) and "Sign in" in text  # the sign-in page
            else:
                ok = answer.status_code in (401, 403)
            leaked = [mark for mark in SECRET_MARKS if mark in text]
            if not ok or leaked:
                wrong.append((who, name, method, path, answer.status_code, leaked))
    assert wrong == [], "\n".join(map(str, wrong))
    assert changed(before, everything()) == []


# A Gauteng administrator asking for the Western Cape's things, every way a query names one.
ASKING_FOR_ANOTHER_REGION = [
    "region=western-cape", "id=western-cape", "centre=fynbos-khayelitsha",
    "id=fynbos-khayelitsha", "region=western-cape&month=2030-03",
]  # fmt: skip


def test_a_regional_administrator_sees_nothing_of_another_region_on_any_page_or_read(
    client_for, google_idp
):
    from functions import wiring
    from tests.forum_builders import forum, store

    theirs = forum(region_id="western-cape", title="Kx9 Western Cape forum")
    store(wiring.dependencies(), theirs)
    marks = (*WESTERN_CAPE_MARKS, "Kx9 Western Cape")
    queries = [*ASKING_FOR_ANOTHER_REGION, f"id={theirs.forum_id}", f"forum={theirs.forum_id}"]
    headers = bearer(google_idp, GAUTENG_ADMIN)
    reads = [("admin", f"/?page={page}&") for page in PAGES if page not in ("signout",)] + [
        ("admin_api", path.split(" ", 1)[1] + "?") for path in OPERATIONS if path.startswith("GET ")
    ] + [("forum_report", "/?")]  # fmt: skip
    leaks = []
    for name, path in reads:
        client = client_for(name, signed=False)
        for query in queries:
            answer = client.get(path + query, headers=headers)
            text = answer.get_data(as_text=True)
            assert answer.status_code < 500, (path, query, answer.status_code)
            found = [mark for mark in marks if mark in text]
            if answer.status_code == 200 and found:
                leaks.append((path, query, found))
    assert leaks == []
    # The marks are there to be seen: the network's administrator is shown them.
    network = bearer(google_idp, NETWORK_ADMIN)
    shown = client_for("admin_api", signed=False).get("/region?id=western-cape", headers=network)
    assert any(mark in shown.get_data(as_text=True) for mark in WESTERN_CAPE_MARKS)
    page = client_for("admin", signed=False).get(f"/?page=forum&id={theirs.forum_id}",
                                                  headers=network)  # fmt: skip
    assert "Kx9 Western Cape" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "name, path, body",
    [
        ("distribute_charters", "/", {"region_id": "western-cape"}),
        ("select_advisory_network", "/", {"region_id": "western-cape", "seed": "s"}),
        ("admin_api", "/action_points/add",
         {"region": "western-cape", "month": "2030-03", "title": "x", "text": "x"}),
        ("admin_api", "/charters/commitments",
         {"centre_id": "fynbos-khayelitsha", "add": "We answer in a day"}),
        ("admin_api", "/forums/create",
         {"title": "x", "format": "zoom_webinar", "starts_at": "2030-03-05T16:00:00Z",
          "ends_at": "2030-03-05T17:00:00Z", "capacity": 5, "audiences": ["parents"],
          "region_id": "western-cape"}),
        ("admin_api", "/forums/setup", {"month": "2030-03"}),
        ("admin_api", "/directory/import",
         {"csv": "kind,id,name,region\r\nregion,western-cape,Renamed,\r\n", "apply": True,
          "full": False}),
    ],
)  # fmt: skip
def test_a_regional_administrator_changes_nothing_of_another_region(
    client_for, google_idp, name, path, body
):
    before = everything()
    answer = client_for(name, signed=False).post(
        path, json=body, headers=bearer(google_idp, GAUTENG_ADMIN)
    )
    assert answer.status_code in (400, 403, 404, 422), (answer.status_code, answer.get_json())
    assert changed(before, everything()) == []
