"""The directory over the emulator: importing the CSV (dry run, all or nothing, twice is no
change) through the `ecd` tool's operation and through the admin pages, editing a centre one
field or person at a time, and a staff member who leaves: their open cases go back to the
centre with an event by the administrator, their past events as they were, and no more mail
or actions for them. The development token (LOCAL_DEV) stands for the network administrator;
Gauteng's administrator signs in with a real minted ID token (tests/oidc.py)."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest

from functions import wiring
from functions.domain.cases.lifecycle import acknowledge
from functions.domain.cases.models import Person
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.directory.models import person_key
from functions.domain.shared.vocabulary import ActorRole, StaffAction
from functions.services.cases.changing import change_case, deadlines_of
from tests import oidc
from tests.builders import submission
from tests.functions.local_support import CSRF, LOCAL
from tests.unit.test_page_templates import Page

SAMPLE = (Path(__file__).parents[2] / "infra/demo/directory.csv").read_text(encoding="utf-8")
LERATO = "lerato@sunflower.example.org"


@pytest.fixture
def api(client_for, local_dev):
    return client_for("admin_api")


@pytest.fixture
def admin(client_for, local_dev):
    return client_for("admin")


@pytest.fixture
def nomsa(project, google_idp) -> dict:
    """Gauteng's administrator (on the demo allow-list), with a real Google ID token."""
    token = google_idp.mint("admin.gauteng@ecd.example.org", oidc.OAUTH_CLIENT_ID)
    return {"Authorization": f"Bearer {token}"}


def stored() -> dict[str, dict]:
    """Every document of the directory's collections, as stored."""
    db = wiring.firestore_databases()
    return {
        name: {d.id: d.to_dict() for d in db.collection(name).stream()}
        for name in ("regions", "centres", "administrators")
    }


def import_csv(api, text: str, apply: bool, headers=LOCAL, **more):
    return api.post(
        "/directory/import", json={"csv": text, "apply": apply, **more}, headers=headers
    )


def without(text: str, needle: str) -> str:
    return "".join(line for line in text.splitlines(keepends=True) if needle not in line)


GAUTENG = ("sunflower-soweto", "little-stars-tembisa")


def keep_rows(keep, text: str = SAMPLE) -> str:
    """The file with only the rows `keep(cells)` keeps."""
    out = io.StringIO()
    csv.writer(out).writerows(row for row in csv.reader(io.StringIO(text, newline="")) if keep(row))
    return out.getvalue()


def row_of(needle: str, text: str = SAMPLE) -> int:
    """The row (as a spreadsheet numbers it: a quoted line break stays in its row) that holds
    `needle`."""
    rows = csv.reader(io.StringIO(text, newline=""))
    return next(number for number, row in enumerate(rows, start=1) if needle in ",".join(row))


def new_case(client_for) -> str:
    body = submission(
        centre_id="sunflower-soweto",
        kind="complaint",
        category="facilities",
        description="The gate latch is broken",
    )
    answer = client_for("submit_feedback").post("/", json=body)
    assert answer.status_code == 201
    return answer.get_json()["reference"]


def acknowledged_by_lerato(reference: str) -> None:
    """Lerato acknowledges the case: it is hers (the lifecycle gives it to its first answer)."""
    deps = wiring.dependencies()
    lerato = Person(key=person_key(LERATO), name="Lerato Khumalo")

    def decide(case):
        return acknowledge(
            case, lerato, ActorRole.STAFF, deadlines_of(case, deps), deps.clock()
        ), []

    change_case(reference, decide, deps)


def case_of(reference: str) -> dict:
    return wiring.firestore_client().collection("cases").document(reference).get().to_dict()


def events_of(reference: str) -> list[dict]:
    ref = wiring.firestore_client().collection("cases").document(reference)
    return sorted((d.to_dict() for d in ref.collection("events").stream()), key=lambda e: e["at"])


def recipients(reference: str) -> set[str]:
    docs = wiring.firestore_client().collection("outbox").stream()
    return {d.to_dict()["to"] for d in docs if d.to_dict().get("case_reference") == reference}


# ------------------------------------------------------------------------ the ecd operation


def test_a_dry_run_changes_nothing_then_applying_does_and_the_same_file_again_changes_nothing(
    api,
):
    before = stored()
    dry = import_csv(api, SAMPLE, apply=False)
    assert dry.status_code == 200, dry.get_json()
    answer = dry.get_json()
    assert answer["applied"] is False
    assert answer["counts"] == {"add": 0, "change": 5, "deactivate": 0, "cases_to_hand_back": 0}
    sunflower = next(c for c in answer["changes"] if c["id"] == "sunflower-soweto")
    assert "hours: mon-fri 07:00-17:00 → mon-fri 06:30-17:30" in sunflower["details"]
    assert stored() == before

    applied = import_csv(api, SAMPLE, apply=True, expect=answer["fingerprint"])
    assert applied.status_code == 200 and applied.get_json()["applied"] is True
    centre = stored()["centres"]["sunflower-soweto"]
    assert centre["opening_hours"]["mon"] == "06:30-17:30" and centre["phone"] == "+27115550101"
    assert centre["languages"] == ["en", "zu", "st"] and centre["share_staff_names"] is True
    assert centre["address"] == "12 Vilakazi Street\nOrlando West, Soweto, 1804"
    after = stored()

    for apply in (False, True):
        again = import_csv(api, SAMPLE, apply=apply).get_json()
        assert again["counts"] == {"add": 0, "change": 0, "deactivate": 0} | (
            {"cases_returned": 0} if apply else {"cases_to_hand_back": 0}
        )
        assert again["changes"] == []
    assert stored() == after


def test_one_bad_row_changes_nothing_and_names_its_row_and_column(api):
    before = stored()
    row = row_of("bongani@")
    broken = SAMPLE.replace("bongani@sunflower.example.org", "bongani@")
    broken += "staff,,New Person,,sunflower-soweto,new@sunflower.example.org\n"
    for apply in (False, True):
        answer = import_csv(api, broken, apply=apply)
        assert answer.status_code == 422
        errors = answer.get_json()["errors"]
        assert [(e["row"], e["column"]) for e in errors] == [(row, "email")], errors
    assert stored() == before


def test_a_plan_that_changed_since_the_dry_run_is_not_applied(api):
    fingerprint = import_csv(api, SAMPLE, apply=False).get_json()["fingerprint"]
    import_csv(api, SAMPLE.replace("Sunflower Educare", "Sunflower ECD"), apply=True)
    before = stored()
    answer = import_csv(api, SAMPLE, apply=True, expect=fingerprint)
    assert answer.status_code == 409 and answer.get_json()["stale"] is True
    assert stored() == before


def test_the_template_and_the_export_are_csv_that_imports_back_as_no_change(api):
    template = api.get("/directory/template", headers=LOCAL).get_json()["csv"]
    assert template.startswith("\ufeffkind,id,name,region,centre,email,phone,")
    import_csv(api, SAMPLE, apply=True)
    formula = "kind,name,email,centre\nstaff,=1+2,eq@sunflower.example.org,sunflower-soweto\n"
    assert import_csv(api, formula, apply=True, full=False).status_code == 200
    export = api.get("/directory/export", headers=LOCAL).get_json()["csv"]
    assert ",'=1+2," in export and ",=" not in export
    answer = import_csv(api, export, apply=False).get_json()
    assert answer["changes"] == [], answer["changes"]


# -------------------------------------------------------------------------------- leavers


def test_a_deactivated_staff_members_open_cases_go_back_to_the_centre_and_they_get_no_more_mail(
    client_for, api
):
    reference = new_case(client_for)
    acknowledged_by_lerato(reference)
    history = events_of(reference)
    assert case_of(reference)["assignee"]["key"] == person_key(LERATO)
    token = ActionLink(
        StaffAction.NOTE, reference, person_key(LERATO), link_id("m1", reference, StaffAction.NOTE)
    ).token(wiring.signer())

    dry = import_csv(api, without(SAMPLE, LERATO), apply=False).get_json()
    assert dry["counts"]["deactivate"] == 1 and dry["counts"]["cases_to_hand_back"] == 1
    assert case_of(reference)["assignee"]["key"] == person_key(LERATO)
    applied = import_csv(api, without(SAMPLE, LERATO), apply=True).get_json()
    assert applied["counts"]["cases_returned"] == 1

    case = case_of(reference)
    assert case["assignee"] is None and case["open"] is True
    events = events_of(reference)
    assert events[: len(history)] == history  # Lerato's acknowledgement, as it was
    (handed,) = events[len(history) :]
    assert handed["type"] == "reassigned" and handed["to"] is None and not handed["public"]
    assert handed["actor"]["role"] == "administrator"
    assert handed["actor"]["display_name"] == "Demo network administrator"
    assert "Lerato Khumalo has left the centre" in handed["summary"]

    centre = stored()["centres"]["sunflower-soweto"]
    assert [p["email"] for p in centre["staff"]] == ["bongani@sunflower.example.org"]
    assert [(p["email"], p["active"]) for p in centre["former_staff"]] == [(LERATO, False)]
    assert LERATO not in recipients(new_case(client_for))  # no alerts
    assert client_for("case_action").get(f"/?token={token}").status_code == 403  # nor acting

    again = import_csv(api, without(SAMPLE, LERATO), apply=True).get_json()
    assert again["changes"] == [] and again["counts"]["cases_returned"] == 0


# ----------------------------------------------------------------------------- the pages


def csrf(page) -> str:
    return CSRF.search(page.get_data(as_text=True)).group(1)


def well_formed(answer) -> str:
    """The page's HTML, checked: closed tags, one h1, unique ids, every label and description
    pointing at something, no script, relative links only; English."""
    text = answer.get_data(as_text=True)
    page = Page(text)
    assert not page.nesting_errors, page.nesting_errors
    assert len(page.all("h1")) == 1 and not page.all("script")
    ids = page.ids()
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for label in page.all("label"):
        if label.get("for"):
            assert page.by_id(label.get("for")).tag in {"input", "select", "textarea"}
    for element in page.elements:
        for ref in (element.get("aria-describedby") or "").split():
            page.by_id(ref)
        for attr in ("href", "action"):
            assert not re.match(r"(?i)^(https?:)?//|/", element.get(attr) or ""), element.get(attr)
    assert answer.headers["Content-Language"] == "en"
    return text


def test_the_import_pages_show_the_dry_run_then_apply_it_with_a_csrf_form(admin):
    form = admin.get("/?page=import", headers=LOCAL)
    assert form.status_code == 200 and 'enctype="multipart/form-data"' in well_formed(form)
    before = stored()
    upload = {
        "csrf_token": csrf(form),
        "mode": "full",
        "file": (io.BytesIO(SAMPLE.encode()), "directory.csv"),
    }
    dry = admin.post(
        "/?page=import", data=upload, headers=LOCAL, content_type="multipart/form-data"
    )
    text = html.unescape(well_formed(dry))
    assert dry.status_code == 200, text
    assert "nothing has changed yet" in text and "Changed: 5" in text
    assert "hours: mon-fri 07:00-17:00 → mon-fri 06:30-17:30" in text
    assert stored() == before
    fields = dict(
        re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', dry.get_data(as_text=True))
    )
    fields = {name: html.unescape(value) for name, value in fields.items()}
    assert fields["csv"].replace("\r\n", "\n") == SAMPLE.replace("\r\n", "\n")

    forged = admin.post(
        "/?page=import",
        data=fields | {"csrf_token": "forged"},
        headers=LOCAL,
        content_type="multipart/form-data",
    )
    assert forged.status_code == 403 and stored() == before
    done = admin.post(
        "/?page=import", data=fields, headers=LOCAL, content_type="multipart/form-data"
    )
    assert done.status_code == 303, done.get_data(as_text=True)
    assert done.headers["Location"] == "admin?page=directory&imported=0.5.0.0"
    assert stored()["centres"]["ubuntu-umlazi"]["languages"] == ["zu", "en"]
    listing = well_formed(admin.get("/?page=directory&imported=0.5.0.0", headers=LOCAL))
    assert "The import is applied" in listing and "Ubuntu Creche, Umlazi" in listing


def test_a_file_with_errors_shows_each_with_its_row_and_column_on_the_page(admin):
    form = admin.get("/?page=import", headers=LOCAL)
    bad = SAMPLE.replace("011 555 0102", "not a phone").replace(
        "kwazulu-natal,,,031", "nowhere,,,031"
    )
    upload = {"csrf_token": csrf(form), "file": (io.BytesIO(bad.encode()), "d.csv")}
    answer = admin.post(
        "/?page=import", data=upload, headers=LOCAL, content_type="multipart/form-data"
    )
    text = html.unescape(re.sub(r"<[^>]+>", "", well_formed(answer)))
    assert answer.status_code == 422
    assert "The file has 2 errors: nothing was changed" in text
    assert f"Row {row_of('011 555 0102')}, column phone: Not a South African phone" in text
    assert f"Row {row_of('ubuntu-umlazi,')}, column region: No region has this id" in text
    assert "Apply these changes" not in text


def test_a_centre_page_edits_fields_adds_and_deactivates_staff(client_for, admin):
    reference = new_case(client_for)
    acknowledged_by_lerato(reference)
    page = admin.get("/?page=centre&id=sunflower-soweto", headers=LOCAL)
    assert page.status_code == 200 and "Lerato Khumalo" in well_formed(page)
    token = csrf(page)
    url = "/?page=centre&id=sunflower-soweto"
    fields = {
        "csrf_token": token,
        "action": "save",
        "name": "Sunflower Educare, Soweto",
        "region": "gauteng",
        "phone": "011 555 0199",
        "hours": "mon-fri 07:00-18:00",
        "timezone": "Africa/Johannesburg",
        "languages": "en zu",
        "active": "yes",
        "share_staff_names": "no",
        "address": "",
        "email": "",
        "whatsapp": "",
    }
    bad = admin.post(url, data=fields | {"phone": "12"}, headers=LOCAL)
    assert bad.status_code == 422
    shown = well_formed(bad)
    assert re.search(r'id="save-phone-error">Not a South African phone number', shown)
    assert 'value="12"' in shown  # what was typed is kept
    assert stored()["centres"]["sunflower-soweto"].get("phone") is None
    saved = admin.post(url, data=fields, headers=LOCAL)
    assert saved.status_code == 303 and saved.headers["Location"].endswith("&done=saved")
    centre = stored()["centres"]["sunflower-soweto"]
    assert centre["phone"] == "+27115550199" and centre["opening_hours"]["fri"] == "07:00-18:00"

    added = admin.post(
        url,
        data={
            "csrf_token": token,
            "action": "add_staff",
            "name": "Naledi Dube",
            "email": "naledi@sunflower.example.org",
        },
        headers=LOCAL,
    )
    assert added.status_code == 303
    assert "naledi@sunflower.example.org" in recipients(new_case(client_for))

    gone = admin.post(
        url,
        data={"csrf_token": token, "action": "deactivate", "key": person_key(LERATO)},
        headers=LOCAL,
    )
    assert gone.status_code == 303 and gone.headers["Location"].endswith("&returned=1")
    assert case_of(reference)["assignee"] is None
    shown = well_formed(
        admin.get("/?page=centre&id=sunflower-soweto&done=deactivated&returned=1", headers=LOCAL)
    )
    assert "Former staff" in shown and "1 open case went back to the whole centre" in shown
    assert LERATO not in recipients(new_case(client_for))


# -------------------------------------------------------------------- a regional administrator


def test_a_regional_administrator_cannot_import_or_edit_another_region(client_for, nomsa):
    api, admin = client_for("admin_api"), client_for("admin")
    before = stored()
    answer = import_csv(api, SAMPLE, apply=True, headers=nomsa)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} >= {
        (row_of("region,western-cape"), "id"),
        (row_of("centre,fynbos"), "id"),
        (row_of("principal@fynbos"), "centre"),
    }
    assert stored() == before
    assert admin.get("/?page=centre&id=fynbos-khayelitsha", headers=nomsa).status_code == 403
    posted = admin.post(
        "/?page=centre&id=fynbos-khayelitsha",
        headers=nomsa,
        data={"action": "deactivate", "key": person_key("zintle@fynbos.example.org")},
    )
    assert posted.status_code == 403 and stored() == before

    gauteng = keep_rows(
        lambda row: row[0] == "kind" or "gauteng" in row or row[1] in GAUTENG or row[4] in GAUTENG
    )
    mine = import_csv(api, gauteng, apply=True, headers=nomsa)
    assert mine.status_code == 200, mine.get_json()
    assert mine.get_json()["counts"]["change"] == 2
    listing = admin.get("/?page=directory", headers=nomsa).get_data(as_text=True)
    assert "Sunflower" in listing and "Fynbos" not in listing


def test_a_new_centre_is_added_with_its_principal_and_a_staff_member_can_become_principal(admin):
    form = admin.get("/?page=centre", headers=LOCAL)
    assert form.status_code == 200 and "Add a centre" in well_formed(form)
    fields = {
        "csrf_token": csrf(form),
        "action": "create",
        "id": "acacia-diepsloot",
        "name": "Acacia Creche, Diepsloot",
        "region": "gauteng",
        "hours": "",
        "timezone": "",
        "languages": "en zu",
        "active": "yes",
        "share_staff_names": "no",
        "principal_name": "Naledi Sithole",
        "principal_email": "naledi@",
    }
    refused = admin.post("/?page=centre", data=fields, headers=LOCAL)
    assert refused.status_code == 422
    assert 'id="create-principal_email-error"' in well_formed(refused)
    assert "acacia-diepsloot" not in stored()["centres"]

    created = admin.post(
        "/?page=centre",
        headers=LOCAL,
        data=fields | {"principal_email": "naledi@acacia.example.org"},
    )
    assert created.status_code == 303
    assert created.headers["Location"] == "admin?page=centre&id=acacia-diepsloot&done=created"
    acacia = stored()["centres"]["acacia-diepsloot"]
    assert acacia["principal"]["email"] == "naledi@acacia.example.org"
    assert acacia["opening_hours"]["mon"] == "07:00-17:00" and acacia["timezone"]

    url, token = "/?page=centre&id=acacia-diepsloot", fields["csrf_token"]
    admin.post(
        url,
        headers=LOCAL,
        data={
            "csrf_token": token,
            "action": "add_staff",
            "name": "Sipho Nkosi",
            "email": "sipho@example.org",
        },
    )
    promoted = admin.post(
        url,
        headers=LOCAL,
        data={"csrf_token": token, "action": "principal", "key": person_key("sipho@example.org")},
    )
    assert promoted.status_code == 303
    acacia = stored()["centres"]["acacia-diepsloot"]
    assert acacia["principal"]["email"] == "sipho@example.org"
    assert [p["email"] for p in acacia["staff"]] == ["naledi@acacia.example.org"]
    no_principal = admin.post(
        url,
        headers=LOCAL,
        data={"csrf_token": token, "action": "deactivate", "key": person_key("sipho@example.org")},
    )
    assert no_principal.status_code == 422 and "Name another principal first" in well_formed(
        no_principal
    )


def test_cases_a_former_staff_member_still_holds_are_offered_back_to_the_centre(client_for, admin):
    """A hand-back cut short (an outage after the directory was written) is finished from
    the centre's page."""
    reference = new_case(client_for)
    acknowledged_by_lerato(reference)
    centres = wiring.firestore_client().collection("centres")
    sunflower = centres.document("sunflower-soweto").get().to_dict()
    lerato = next(p for p in sunflower["staff"] if p["email"] == LERATO)
    sunflower["staff"].remove(lerato)
    sunflower["former_staff"] = [lerato | {"active": False}]
    centres.document("sunflower-soweto").set(sunflower)  # written, cases not handed back

    url = "/?page=centre&id=sunflower-soweto"
    page = admin.get(url, headers=LOCAL)
    assert "1 open case is still assigned to someone who left" in well_formed(page)
    done = admin.post(url, headers=LOCAL, data={"csrf_token": csrf(page), "action": "hand_back"})
    assert done.status_code == 303 and done.headers["Location"].endswith("&returned=1")
    assert case_of(reference)["assignee"] is None
    assert "still assigned" not in admin.get(url, headers=LOCAL).get_data(as_text=True)


def test_a_network_of_hundreds_of_centres_is_written_in_batches_and_imports_twice_as_no_change(
    api,
):
    rows = [["kind", "id", "name", "region", "centre", "email", "phone", "hours", "languages"]]
    for c in range(600):  # 600 centres and 1,800 people: two batches of writes
        rows.append(
            [
                "centre",
                f"centre-{c:03d}",
                f"Centre {c}",
                "gauteng",
                "",
                "",
                f"011 555 {c:04d}",
                "mon-fri 07:00-17:00",
                "en, zu",
            ]
        )
        rows.append(
            [
                "principal",
                "",
                f"Principal {c}",
                "",
                f"centre-{c:03d}",
                f"p{c}@centres.example.org",
                "",
                "",
                "",
            ]
        )
        rows += [
            [
                "staff",
                "",
                f"Staff {c}.{s}",
                "",
                f"centre-{c:03d}",
                f"s{c}.{s}@centres.example.org",
                "",
                "",
                "",
            ]
            for s in range(2)
        ]
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    answer = import_csv(api, out.getvalue(), apply=True, full=False)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["counts"]["add"] == 600 * 4
    centres = stored()["centres"]
    assert sum(1 for key in centres if key.startswith("centre-")) == 600
    assert len(centres["centre-599"]["staff"]) == 2
    again = import_csv(api, out.getvalue(), apply=False, full=False).get_json()
    assert again["changes"] == []
