"""The installed `ecd` (.venv/bin/ecd, written by the Makefile) against the real stack: every
entry point served over HTTP on loopback as `make run` serves them (LOCAL_DEV, a seeded
project on the Firestore emulator), the tool run as a subprocess with the development token,
and its effect read back from Firestore."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from functions import wiring
from functions.cli.auth import GCLOUD_CLIENT_ID
from functions.devtools.emulators import free_port
from functions.devtools.serve import build_dev_app
from tests.builders import ANSWERS, delivery, post

ROOT = Path(__file__).parents[2]
ECD = ROOT / ".venv" / "bin" / "ecd"
SAMPLE = (ROOT / "infra/demo/directory.csv").read_text(encoding="utf-8")
BONGANI = "bongani@sunflower.example.org"


@pytest.fixture
def stack(project, monkeypatch):
    """The entry points of main.py at http://127.0.0.1:<port>/<name>, under LOCAL_DEV."""
    monkeypatch.setenv("LOCAL_DEV", "1")
    wiring.reset()
    port = free_port()
    server = make_server("127.0.0.1", port, build_dev_app(str(ROOT / "main.py")), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    server.server_close()


def ecd(stack: str, *args: str, check: bool = True, local: bool = True,
        env: dict | None = None) -> subprocess.CompletedProcess:  # fmt: skip
    """`.venv/bin/ecd [--local] --url <stack> ARGS`, from another directory, as a person runs
    it (`local`: with the development token; else as whoever gcloud on PATH signs in)."""
    if not ECD.exists():
        pytest.fail(f"{ECD} is missing: `make setup` (or make run / make test) writes it")
    skip = {"LOCAL_ADMIN_TOKEN", "ECD_URL", "GOOGLE_APPLICATION_CREDENTIALS"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment |= {"COLUMNS": "200", **(env or {})}
    where = ["--local", "--url", stack] if local else ["--url", stack]
    done = subprocess.run([str(ECD), *where, *args], capture_output=True, text=True,
                          timeout=60, cwd="/", env=environment)  # fmt: skip
    assert "Traceback" not in done.stderr, done.stderr
    if check:
        assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_whoami_is_the_demo_network_administrator(stack):
    done = ecd(stack, "whoami")
    assert "admin@ecd.example.org" in done.stdout
    assert "the whole network" in done.stdout
    answer = json.loads(ecd(stack, "--json", "whoami").stdout)
    assert answer["email"] == "admin@ecd.example.org" and answer["region_id"] is None


def test_without_local_dev_the_development_token_is_refused(stack, monkeypatch):
    monkeypatch.delenv("LOCAL_DEV")
    wiring.reset()
    done = ecd(stack, "whoami", check=False)
    assert done.returncode == 3
    assert "Not signed in (HTTP 401)" in done.stderr


def test_a_gcloud_identity_is_a_regional_administrator_over_their_region_only(
    stack, google_idp, monkeypatch, tmp_path
):
    """Deployed mode: the token `gcloud auth print-identity-token` prints for a person (gcloud's
    client id as audience), verified by google-auth as in production against the test key."""
    monkeypatch.delenv("LOCAL_DEV")
    monkeypatch.setenv("ADMIN_AUDIENCES", GCLOUD_CLIENT_ID)
    wiring.reset()
    token = google_idp.mint("admin.gauteng@ecd.example.org", GCLOUD_CLIENT_ID)
    gcloud = tmp_path / "gcloud"
    gcloud.write_text(f"#!/bin/sh\necho '{token}'\n")
    gcloud.chmod(0o755)
    path = f"{tmp_path}:/usr/bin:/bin"
    done = ecd(stack, "whoami", local=False, env={"PATH": path})
    assert "admin.gauteng@ecd.example.org" in done.stdout and "region gauteng" in done.stdout
    assert "Sunflower" in ecd(stack, "region", "show", "gauteng", local=False,
                              env={"PATH": path}).stdout  # fmt: skip
    other = ecd(stack, "region", "show", "western-cape", local=False, env={"PATH": path},
                check=False)  # fmt: skip
    assert other.returncode == 3 and "Not allowed (HTTP 403)" in other.stderr
    # The same person's token for another audience is refused, with the hint.
    token = google_idp.mint("admin.gauteng@ecd.example.org", "someone-else")
    gcloud.write_text(f"#!/bin/sh\necho '{token}'\n")
    refused = ecd(stack, "whoami", local=False, env={"PATH": path}, check=False)
    assert refused.returncode == 3 and "ADMIN_AUDIENCES" in refused.stderr


def test_a_directory_file_is_checked_then_applied_once_and_a_bad_one_changes_nothing(
    stack, tmp_path
):
    rows = list(csv.reader(io.StringIO(SAMPLE, newline="")))
    rows = [row for row in rows if BONGANI not in row]  # Bongani left Sunflower
    rows += [
        ["centre", "acacia-diepsloot", "Acacia Creche, Diepsloot", "gauteng", "", "",
         "011 555 0199", "", "1 Main Road, Diepsloot", "mon-fri 07:00-17:00",
         "Africa/Johannesburg", "en, zu", "no", "yes"],
        ["principal", "", "Naledi Sithole", "", "acacia-diepsloot", "principal@acacia.example.org",
         "", "", "", "", "", "", "", ""],
    ]  # fmt: skip
    file = tmp_path / "directory.csv"
    file.write_text(_csv(rows), encoding="utf-8")
    before = stored()

    dry = ecd(stack, "directory", "import", str(file))
    assert "would add 2" in dry.stdout and "would deactivate 1" in dry.stdout
    assert "acacia-diepsloot" in dry.stdout and "Bongani Zulu" in dry.stdout
    assert stored() == before, "a dry run changed the directory"

    fingerprint = json.loads(ecd(stack, "--json", "directory", "import", str(file)).stdout)[
        "fingerprint"
    ]
    applied = ecd(stack, "directory", "import", str(file), "--apply", "--expect", fingerprint)
    assert "added 2" in applied.stdout and "deactivated 1" in applied.stdout
    centres = wiring.firestore_client().collection("centres")
    acacia = centres.document("acacia-diepsloot").get().to_dict()
    assert acacia["principal"]["email"] == "principal@acacia.example.org"
    sunflower = centres.document("sunflower-soweto").get().to_dict()
    assert BONGANI not in [person["email"] for person in sunflower["staff"]]
    assert BONGANI in [person["email"] for person in sunflower["former_staff"]]

    after = stored()
    again = ecd(stack, "directory", "import", str(file), "--apply")
    assert "Nothing to change" in again.stdout
    assert stored() == after

    rows[-1][5] = "not an address"
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv(rows), encoding="utf-8")
    refused = ecd(stack, "directory", "import", str(bad), "--apply", check=False)
    assert refused.returncode == 1
    assert f"row {len(rows)}, column email:" in refused.stderr
    assert "bad.csv has errors; nothing was changed" in refused.stderr
    assert stored() == after


def test_the_template_downloads(stack, tmp_path):
    out = tmp_path / "template.csv"
    ecd(stack, "directory", "template", "-o", str(out))
    # utf-8-sig: the template starts with the byte-order mark spreadsheets look for.
    assert out.read_text(encoding="utf-8-sig").startswith("kind,id,name,")


def test_a_case_waiting_for_triage_is_listed_and_given_to_its_centre(stack, client_for):
    answers = [dict(answer) for answer in ANSWERS]
    answers[0]["answer"] = "Rainbow Kids Creche"  # no such centre: waits for triage
    reference = post(client_for("intake_google_form"), delivery("resp-ecd", answers)).get_json()[
        "reference"
    ]
    listed = ecd(stack, "triage", "list")
    assert reference in listed.stdout and "Rainbow Kids Creche" in listed.stdout
    assert "region_id" not in listed.stdout  # headers are words

    done = ecd(stack, "triage", "assign", reference, "sunflower-soweto")
    assert f"{reference} is now Sunflower Educare, Soweto's" in done.stdout
    case = wiring.case_reader().get(reference)
    assert case.centre_id == "sunflower-soweto" and case.triage.resolved
    assert "No case is waiting for triage" in ecd(stack, "triage", "list").stdout
    again = ecd(stack, "triage", "assign", reference, "sunflower-soweto")
    assert "already" in again.stdout

    region = ecd(stack, "region", "show", "gauteng").stdout
    assert "Gauteng (gauteng)" in region and "sunflower-soweto" in region


def test_the_launcher_runs_this_repositorys_tool():
    text = ECD.read_text()
    assert str(ROOT) in text and "-m functions.cli" in text


def stored() -> dict[str, dict]:
    db = wiring.firestore_databases()
    return {name: {d.id: d.to_dict() for d in db.collection(name).stream()}
            for name in ("regions", "centres", "administrators")}  # fmt: skip


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()
