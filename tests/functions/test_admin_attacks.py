"""Attacks on the administrators' features over the emulator: a regional administrator
reaching past their region, hostile directory files, forged or misplaced tokens."""

from __future__ import annotations

import pytest

from functions import wiring
from functions.domain.directory.models import person_key
from tests import oidc

HEADER = (
    "kind,id,name,region,centre,email,phone,whatsapp,address,hours,timezone,languages,"
    "share_staff_names,active\r\n"
)
NETWORK_ADMIN = "admin@ecd.example.org"
WESTERN_CAPE_ADMIN = "admin.westerncape@ecd.example.org"


@pytest.fixture
def api(client_for):
    return client_for("admin_api")


@pytest.fixture
def nomsa(project, google_idp) -> dict:
    """Gauteng's administrator, with a real Google ID token."""
    token = google_idp.mint("admin.gauteng@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    return {"Authorization": f"Bearer {token}"}


def stored_admin(email: str) -> dict:
    db = wiring.firestore_databases()
    return db.collection("administrators").document(person_key(email)).get().to_dict()


@pytest.mark.parametrize(
    ("email", "region", "active"),
    [
        (NETWORK_ADMIN, "gauteng", "yes"),  # a network administrator made regional
        (NETWORK_ADMIN, "gauteng", "no"),  # ... or deactivated
        (WESTERN_CAPE_ADMIN, "gauteng", "yes"),  # another region's administrator taken over
        (WESTERN_CAPE_ADMIN, "gauteng", "no"),
    ],
)
def test_a_regional_administrator_cannot_change_an_administrator_outside_their_region(
    api, nomsa, email, region, active
):
    before = stored_admin(email)
    row = f"administrator,,Someone,{region},,{email.upper()},,,,,,,,{active}\r\n"
    for apply in (False, True):
        answer = api.post(
            "/directory/import",
            json={"csv": HEADER + row, "apply": apply, "full": False},
            headers=nomsa,
        )
        assert answer.status_code == 422, answer.get_json()
        assert any(e["column"] in ("email", "region") for e in answer.get_json()["errors"])
    assert stored_admin(email) == before


def test_the_admin_api_takes_no_session_cookie_so_no_other_site_can_post_to_it(
    api, project, google_idp
):
    """The pages' cookie is the sign-in of a browser: a form of another site could post a
    text/plain "JSON" body with it. The API is for the ecd tool, which sends a Bearer token."""
    token = google_idp.mint("admin.gauteng@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    api.set_cookie("admin_session", token)
    body = '{"csv": "kind\\r\\nregion", "apply": true, "full": true}'
    answer = api.post("/directory/import", data=body, content_type="text/plain")
    assert answer.status_code == 401
    assert api.get("/whoami").status_code == 401
