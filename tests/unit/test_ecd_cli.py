"""The `ecd` tool (functions/cli) against a fake admin API: a real HTTP server on loopback that
records each request and answers what the test scripted. What is checked is what crosses the
wire (path, query, body, Authorization) and what the administrator sees (output, exit code)."""

from __future__ import annotations

import base64
import json
import re
import socket
import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from typer.testing import CliRunner

from functions.cli import auth, directory
from functions.cli.app import app

ROOT = Path(__file__).parents[2]
NETWORK_ADMIN = {"email": "admin@ecd.example.org", "name": "Demo network administrator",
                 "region_id": None}  # fmt: skip


class FakeApi:
    """answer(method, path, status, body, headers) scripts a reply; .requests records calls."""

    def __init__(self):
        self.answers: dict[tuple[str, str], tuple[int, object, dict]] = {}
        self.requests: list[dict] = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self):
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                api.requests.append({
                    "method": self.command, "path": parts.path, "query": parse_qs(parts.query),
                    "authorization": self.headers.get("Authorization"),
                    "content_type": self.headers.get("Content-Type"), "raw": raw,
                })  # fmt: skip
                unknown = (404, {"errors": [{"field": "path", "message": "unknown"}]}, {})
                status, body, headers = api.answers.get((self.command, parts.path), unknown)
                if isinstance(body, (dict, list)):
                    data, kind = json.dumps(body).encode(), "application/json"
                else:
                    data, kind = str(body).encode(), "text/plain; charset=utf-8"
                self.send_response(status)
                self.send_header("Content-Type", headers.pop("Content-Type", kind))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _reply

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, method, path, status=200, body=None, headers=None):
        self.answers[(method, f"/admin_api{path}")] = (status, body, dict(headers or {}))

    def body(self, index=-1) -> dict:
        return json.loads(self.requests[index]["raw"])


@pytest.fixture
def api():
    fake = FakeApi()
    thread = threading.Thread(target=fake.server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def environment(monkeypatch, tmp_path):
    """No real gcloud, credentials or settings of the machine reach these tests."""
    for name in ("ECD_URL", "ECD_AUDIENCE", "LOCAL_ADMIN_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
                 "HTTP_PORT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps at the terminal's width (80 in a pipe)
    empty = tmp_path / "no-gcloud"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))


def ecd(*args: str, **kwargs):
    result = CliRunner().invoke(app, list(args), **kwargs)
    assert "Traceback" not in result.output, result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), repr(result.exception)
    return result


def local(api: FakeApi, *args: str, **kwargs):
    return ecd("--local", "--url", api.url, *args, **kwargs)


def fake_gcloud(tmp_path: Path, monkeypatch, script: str) -> Path:
    """A `gcloud` on PATH running `script` (sh); its arguments are left in gcloud-args."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    gcloud = folder / "gcloud"
    args = tmp_path / "gcloud-args"
    gcloud.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{args}'\n{script}\n")
    gcloud.chmod(gcloud.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(folder))
    return args


# --- who the tool signs in as ----------------------------------------------------------------


def test_whoami_locally_sends_the_development_token_and_says_who_and_over_what(api):
    api.answer("GET", "/whoami", body=NETWORK_ADMIN)
    result = local(api, "whoami")
    assert result.exit_code == 0, result.output
    (request,) = api.requests
    assert (request["method"], request["path"]) == ("GET", "/admin_api/whoami")
    assert request["authorization"] == "Bearer local-admin-token"
    assert "Demo network administrator <admin@ecd.example.org>" in result.stdout
    assert "the whole network" in result.stdout
    assert "development token" in result.stdout


def test_the_development_token_is_the_one_the_stack_is_given(api, monkeypatch):
    monkeypatch.setenv("LOCAL_ADMIN_TOKEN", "another-token")
    api.answer("GET", "/whoami", body={**NETWORK_ADMIN, "region_id": "gauteng",
                                       "region_name": "Gauteng"})  # fmt: skip
    result = local(api, "whoami")
    assert api.requests[0]["authorization"] == "Bearer another-token"
    assert "region gauteng (Gauteng)" in result.stdout


def test_ecd_url_and_a_url_ending_in_admin_api_both_reach_the_api(api, monkeypatch):
    api.answer("GET", "/whoami", body=NETWORK_ADMIN)
    monkeypatch.setenv("ECD_URL", api.url + "/")
    assert ecd("--local", "whoami").exit_code == 0
    assert ecd("--local", "--url", f"{api.url}/admin_api", "whoami").exit_code == 0
    assert [r["path"] for r in api.requests] == ["/admin_api/whoami"] * 2


def test_json_prints_the_answer_as_it_came(api):
    api.answer("GET", "/whoami", body=NETWORK_ADMIN)
    result = ecd("--local", "--url", api.url, "--json", "whoami")
    assert json.loads(result.stdout) == NETWORK_ADMIN


def test_text_from_the_server_is_printed_as_text_not_markup(api):
    api.answer("GET", "/whoami", body={**NETWORK_ADMIN, "name": "[bold red]Eve[/bold red]"})
    assert "[bold red]Eve[/bold red]" in local(api, "whoami").stdout


def test_no_place_to_call_is_a_usage_error_and_calls_nothing(api):
    result = ecd("whoami")
    assert result.exit_code == 2
    assert "--local" in result.stderr and "--url" in result.stderr
    assert api.requests == []
    # Help needs no place to call.
    assert ecd("directory", "--help").exit_code == 0


def test_a_google_identity_is_never_sent_unencrypted(tmp_path, monkeypatch):
    args = fake_gcloud(tmp_path, monkeypatch, "echo token")
    result = ecd("--url", "http://ecd.example.org", "whoami")
    assert result.exit_code == 2
    assert "https" in result.stderr
    assert not args.exists(), "gcloud was asked for a token"


# --- a deployed stack: the caller's Google identity --------------------------------------------


def test_the_deployed_functions_get_the_token_gcloud_prints(api, tmp_path, monkeypatch):
    args = fake_gcloud(tmp_path, monkeypatch, "echo 'id-token-of-the-caller'")
    api.answer("GET", "/whoami", body=NETWORK_ADMIN)
    api.answer("GET", "/triage", body={"cases": []})
    result = ecd("--url", api.url, "whoami")
    assert result.exit_code == 0, result.output
    assert api.requests[0]["authorization"] == "Bearer id-token-of-the-caller"
    assert args.read_text().split() == ["auth", "print-identity-token", "--quiet"]
    assert "your Google identity" in result.stdout
    # An audience of one's choice goes to gcloud (which allows it for service accounts).
    ecd("--url", api.url, "--audience", "https://ecd.example.org/admin_api", "triage", "list")
    assert "--audiences=https://ecd.example.org/admin_api" in args.read_text().split()


def test_gcloud_missing_says_how_to_sign_in_and_calls_nothing(api):
    result = ecd("--url", api.url, "whoami")
    assert result.exit_code == 3
    assert "gcloud" in result.stderr and "gcloud auth login" in result.stderr
    assert api.requests == []


def test_gcloud_without_an_account_says_what_gcloud_said(api, tmp_path, monkeypatch):
    fake_gcloud(tmp_path, monkeypatch, "echo 'ERROR: (gcloud.auth.print-identity-token) You do "
                "not currently have an active account selected.' >&2; exit 1")  # fmt: skip
    result = ecd("--url", api.url, "whoami")
    assert result.exit_code == 3
    assert "You do not currently have an active account selected" in result.stderr
    assert "gcloud auth login" in result.stderr
    assert api.requests == []


def test_a_service_account_key_gets_its_token_from_google_auth(api, tmp_path, monkeypatch):
    """GOOGLE_APPLICATION_CREDENTIALS: google-auth signs a JWT with the key and trades it at
    the key file's token_uri (here the fake) for an ID token of the audience asked for."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()  # fmt: skip
    keyfile = tmp_path / "key.json"
    keyfile.write_text(json.dumps({
        "type": "service_account", "project_id": "demo-ecd", "private_key_id": "k1",
        "private_key": pem, "client_email": "ecd-ops@demo-ecd.iam.gserviceaccount.com",
        "client_id": "1", "token_uri": f"{api.url}/token",
    }))  # fmt: skip
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(keyfile))
    minted = _unsigned_jwt({"exp": int(time.time()) + 3600, "aud": "x"})
    api.answers[("POST", "/token")] = (200, {"id_token": minted}, {})
    api.answer("GET", "/whoami", body=NETWORK_ADMIN)
    result = ecd("--url", api.url, "whoami")
    assert result.exit_code == 0, result.output
    grant, call = api.requests
    assertion = parse_qs(grant["raw"].decode())["assertion"][0]
    claims = json.loads(_b64(assertion.split(".")[1]))
    assert claims["target_audience"] == f"{api.url}/admin_api"  # the default audience
    assert call["authorization"] == f"Bearer {minted}"


def test_a_key_google_auth_cannot_use_is_a_sign_in_problem(api, tmp_path, monkeypatch):
    keyfile = tmp_path / "key.json"
    keyfile.write_text("{}")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(keyfile))
    result = ecd("--url", api.url, "whoami")
    assert result.exit_code == 3
    assert "GOOGLE_APPLICATION_CREDENTIALS" in result.stderr
    assert api.requests == []


# --- refusals and failures: a message and an exit code, never a traceback ------------------


@pytest.mark.parametrize(
    ("status", "code", "said"),
    [
        (401, 3, "Not signed in (HTTP 401)"),
        (403, 3, "Not allowed (HTTP 403)"),
        (404, 1, "Not found (HTTP 404)"),
        (422, 1, "Refused (HTTP 422)"),
        (503, 4, "unavailable for now (HTTP 503): try again in 5 s"),
    ],
)
def test_api_refusals_are_said_with_their_errors_and_exit_codes(api, status, code, said):
    errors = [{"field": "Authorization", "message": "The server's own words"}]
    headers = {"Retry-After": "5"} if status == 503 else {}
    api.answer("GET", "/region", status, {"errors": errors}, headers)
    result = local(api, "region", "show", "gauteng")
    assert result.exit_code == code
    assert said in result.stderr
    assert "Authorization: The server's own words" in result.stderr


def test_a_401_locally_hints_at_the_development_token_and_deployed_at_the_audience(
    api, tmp_path, monkeypatch
):
    api.answer("GET", "/whoami", 401, {"errors": [{"field": "Authorization", "message": "no"}]})
    assert "LOCAL_ADMIN_TOKEN" in local(api, "whoami").stderr
    fake_gcloud(tmp_path, monkeypatch, "echo token")
    result = ecd("--url", api.url, "whoami")
    assert auth.GCLOUD_CLIENT_ID in result.stderr and "ADMIN_AUDIENCES" in result.stderr


def test_refusals_with_json_are_json_on_stdout(api):
    api.answer("GET", "/whoami", 403, {"errors": [{"field": "Authorization", "message": "no"}]})
    result = local(api, "--json", "whoami")
    assert result.exit_code == 3
    answer = json.loads(result.stdout)
    assert answer["status"] == 403
    assert answer["errors"] == [{"field": "Authorization", "message": "no"}]


def test_an_answer_that_is_not_json_is_quoted(api):
    api.answer("GET", "/whoami", 502, "<html>Bad gateway from the proxy</html>")
    result = local(api, "whoami")
    assert result.exit_code == 4
    assert "HTTP 502" in result.stderr and "Bad gateway from the proxy" in result.stderr


def test_a_redirect_is_not_followed(api):
    api.answer("GET", "/whoami", 302, "", {"Location": "https://accounts.example.org/"})
    result = local(api, "whoami")
    assert result.exit_code == 1
    assert "redirected to https://accounts.example.org/" in result.stderr
    assert len(api.requests) == 1


def test_nothing_listening_is_explained(api):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = ecd("--local", "--url", f"http://127.0.0.1:{port}", "whoami")
    assert result.exit_code == 4
    assert "Could not connect" in result.stderr and "make run" in result.stderr


# --- the directory ---------------------------------------------------------------------------

# As functions/http/admin/directory_api.py answers.
PLAN = {
    "applied": False, "stale": False, "fingerprint": "3f9a0c1d2e4b5a69",
    "counts": {"add": 2, "change": 1, "deactivate": 1, "cases_to_hand_back": 3},
    "changes": [
        {"action": "add", "kind": "centre", "id": "acacia-tembisa", "name": "Acacia Creche",
         "where": "gauteng", "details": ""},
        {"action": "add", "kind": "staff", "id": "tm@acacia.example.org", "name": "T. Mokoena",
         "where": "acacia-tembisa", "details": ""},
        {"action": "change", "kind": "centre", "id": "sunflower-soweto", "name": "Sunflower",
         "where": "gauteng", "details": "address: 12 Vilakazi St → 14 Vilakazi St"},
        {"action": "deactivate", "kind": "staff", "id": "pd@sunflower.example.org",
         "name": "P. Dube", "where": "sunflower-soweto", "details": "active: yes → no"},
    ],
}  # fmt: skip


@pytest.fixture
def csv_file(tmp_path) -> Path:
    path = tmp_path / "directory.csv"
    # As a spreadsheet's "CSV UTF-8" saves it: a byte-order mark first.
    path.write_bytes("\ufeffkind,id,name\ncentre,acacia-tembisa,Acacia Crèche\n".encode())
    return path


def test_a_dry_run_sends_the_file_and_shows_counts_and_changes(api, csv_file):
    api.answer("POST", "/directory/import", body=PLAN)
    result = local(api, "directory", "import", str(csv_file))
    assert result.exit_code == 0, result.output
    request = api.requests[0]
    assert request["path"] == "/admin_api/directory/import"
    assert request["content_type"] == "application/json"
    assert api.body() == {"csv": "kind,id,name\ncentre,acacia-tembisa,Acacia Crèche\n",
                          "apply": False, "full": True}  # fmt: skip
    out = result.stdout
    assert "would add 2, would change 1, would deactivate 1, cases to hand back 3" in out
    for text in ("acacia-tembisa", "Acacia Creche", "P. Dube", "deactivate",
                 "address: 12 Vilakazi St → 14 Vilakazi St", "sunflower-soweto"):  # fmt: skip
        assert text in out
    assert "nothing was changed" in out
    assert "--apply --expect 3f9a0c1d2e4b5a69" in out


def test_apply_applies_and_says_what_changed(api, csv_file):
    counts = {"add": 2, "change": 1, "deactivate": 1, "cases_returned": 3}
    api.answer("POST", "/directory/import", body={**PLAN, "applied": True, "counts": counts})
    result = local(api, "directory", "import", str(csv_file), "--apply")
    assert result.exit_code == 0
    assert api.body()["apply"] is True and "expect" not in api.body()
    assert "added 2, changed 1, deactivated 1, cases returned 3" in result.stdout
    assert "--apply" not in result.stdout


def test_partial_and_expect_are_sent(api, csv_file):
    api.answer("POST", "/directory/import", body={**PLAN, "applied": True})
    result = local(api, "directory", "import", str(csv_file), "--partial", "--apply",
                   "--expect", "3f9a0c1d2e4b5a69")  # fmt: skip
    assert result.exit_code == 0
    body = api.body()
    assert (body["full"], body["apply"], body["expect"]) == (False, True, "3f9a0c1d2e4b5a69")
    # --expect alone would apply nothing: a usage error, nothing sent.
    assert local(api, "directory", "import", str(csv_file), "--expect", "x").exit_code == 2
    assert len(api.requests) == 1


def test_a_plan_that_changed_since_the_dry_run_is_shown_and_nothing_applied(api, csv_file):
    now = {**PLAN, "stale": True, "fingerprint": "0000aaaa1111bbbb"}
    api.answer("POST", "/directory/import", 409, now)
    result = local(api, "directory", "import", str(csv_file), "--apply", "--expect", "old")
    assert result.exit_code == 1
    assert "changed since that dry run: nothing was applied" in result.stderr
    assert "would add 2" in result.stdout and "--expect 0000aaaa1111bbbb" in result.stdout
    with_json = local(api, "--json", "directory", "import", str(csv_file), "--apply",
                      "--expect", "old")  # fmt: skip
    assert with_json.exit_code == 1
    assert json.loads(with_json.stdout)["fingerprint"] == "0000aaaa1111bbbb"


def test_the_same_file_again_changes_nothing_and_says_so(api, csv_file):
    nothing = {"counts": {"add": 0, "change": 0, "deactivate": 0}, "changes": []}
    api.answer("POST", "/directory/import", body=nothing)
    result = local(api, "directory", "import", str(csv_file), "--apply")
    assert result.exit_code == 0
    assert "Nothing to change" in result.stdout


def test_rows_in_error_are_each_named_by_row_and_column_and_exit_1(api, csv_file):
    errors = [
        {"row": 3, "column": "email", "message": "Not an email address"},
        {"row": 7, "column": "centre", "message": "No such centre"},
        {"row": None, "column": None, "message": "Region limpopo has nobody to alert"},
    ]
    api.answer("POST", "/directory/import", 422, {"errors": errors})
    result = local(api, "directory", "import", str(csv_file), "--apply")
    assert result.exit_code == 1
    assert "directory.csv has errors; nothing was changed" in result.stderr
    assert "row 3, column email: Not an email address" in result.stderr
    assert "row 7, column centre: No such centre" in result.stderr
    assert "  Region limpopo has nobody to alert" in result.stderr


def test_errors_in_a_dry_runs_answer_also_exit_1(api, csv_file):
    api.answer("POST", "/directory/import", body={"counts": {}, "changes": [],
               "errors": [{"row": 2, "column": "kind", "message": "Unknown kind"}]})  # fmt: skip
    result = local(api, "directory", "import", str(csv_file))
    assert result.exit_code == 1
    assert "row 2, column kind: Unknown kind" in result.stderr


def test_errors_with_only_a_field_name_it(api, csv_file):
    api.answer("POST", "/directory/import", 422,
               {"errors": [{"field": "csv", "message": "No header row"}]})  # fmt: skip
    assert "csv: No header row" in local(api, "directory", "import", str(csv_file)).stderr


def test_a_file_that_is_not_utf8_is_refused_before_sending(api, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("kind,name\ncentre,Crèche\n".encode("latin-1"))
    result = local(api, "directory", "import", str(path))
    assert result.exit_code == 1
    assert "CSV UTF-8" in result.stderr
    assert api.requests == []


def test_a_file_too_large_for_one_request_is_refused_before_sending(api, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("kind,name\n" + "centre,x\n" * (directory.MAX_BODY // 9 + 1))
    result = local(api, "directory", "import", str(path))
    assert result.exit_code == 1
    assert "too large" in result.stderr
    assert api.requests == []


def test_a_missing_file_is_a_usage_error(api, tmp_path):
    assert local(api, "directory", "import", str(tmp_path / "none.csv")).exit_code == 2
    assert api.requests == []


@pytest.mark.parametrize("command", ["template", "export"])
def test_the_template_and_the_export_are_written_where_asked(api, tmp_path, command):
    api.answer("GET", f"/directory/{command}", body={"csv": "kind,id,name\nregion,a,A\n"})
    out = tmp_path / "directory.csv"
    result = local(api, "directory", command, "-o", str(out))
    assert result.exit_code == 0
    assert out.read_text() == "kind,id,name\nregion,a,A\n"
    assert str(out) in result.stderr
    assert local(api, "directory", command).stdout == "kind,id,name\nregion,a,A\n"
    assert {r["path"] for r in api.requests} == {f"/admin_api/directory/{command}"}


# --- triage and regions ----------------------------------------------------------------------


def test_triage_list_shows_the_waiting_cases(api):
    cases = [{"reference": "FB-7K3M-Q9P", "received_at": "2026-11-30T06:00:00+00:00",
              "urgent": True, "status": "received", "kind": "complaint", "category": "other",
              "centre_id": None, "centre_name": "Sunflower, Soweeto", "centre_known": False,
              "region_id": None, "reasons": ["unknown_centre"],
              "given": {"centre": "Sunflower, Soweeto"}, "description": "The gate"}]  # fmt: skip
    api.answer("GET", "/triage", body={"cases": cases, "count": 1, "more": True})
    result = local(api, "triage", "list")
    assert result.exit_code == 0
    assert api.requests[0]["path"] == "/admin_api/triage"
    for text in ("FB-7K3M-Q9P", "unknown_centre", "centre: Sunflower, Soweeto", "yes",
                 "complaint", "there are more", "ecd triage assign"):  # fmt: skip
        assert text in result.stdout


def test_an_empty_triage_says_so(api):
    api.answer("GET", "/triage", body={"cases": []})
    assert "No case is waiting for triage" in local(api, "triage", "list").stdout


def test_triage_assign_posts_the_case_and_centre(api):
    placed = {"reference": "FB-7K3M-Q9P", "centre_id": "sunflower-soweto",
              "centre_name": "Sunflower Creche", "region_id": "gauteng", "already": False,
              "alerted": 3}  # fmt: skip
    api.answer("POST", "/triage/assign", body=placed)
    result = local(api, "triage", "assign", "fb-7k3m-q9p", "sunflower-soweto")
    assert result.exit_code == 0
    assert api.body() == {"reference": "FB-7K3M-Q9P", "centre_id": "sunflower-soweto"}
    assert "FB-7K3M-Q9P is now Sunflower Creche's; 3 alert(s) sent" in result.stdout
    api.answer("POST", "/triage/assign", body={**placed, "already": True, "alerted": 0})
    result = local(api, "triage", "assign", "FB-7K3M-Q9P", "sunflower-soweto")
    assert "was already at Sunflower Creche: nothing changed" in result.stdout


def test_triage_assign_refused_says_why(api):
    api.answer("POST", "/triage/assign", 422,
               {"errors": [{"field": "reference", "message": "Already assigned"}]})  # fmt: skip
    result = local(api, "triage", "assign", "FB-7K3M-Q9P", "sunflower-soweto")
    assert result.exit_code == 1
    assert "FB-7K3M-Q9P was not assigned" in result.stderr
    assert "reference: Already assigned" in result.stderr


def test_region_show_asks_for_the_region_and_shows_its_centres(api):
    counts = {"open": 3, "overdue": 1, "unassigned_complaints": 1, "waiting": 0}
    api.answer("GET", "/region", body={
        "region": {"region_id": "gauteng", "name": "Gauteng"},
        "as_of": "2026-11-30T06:00:00+00:00", "complete": True, "totals": counts,
        "not_placed": {"open": 0, "overdue": 0, "unassigned_complaints": 0, "waiting": 0},
        "centres": [{"centre_id": "sunflower-soweto", "name": "Sunflower", "active": True,
                     **counts}],
        "failed_mail": {"count": 1, "at_least": False, "newest": [
            {"template": "case_assigned", "at": "2026-11-29T10:00:00+00:00",
             "last_error": "550 mailbox unavailable", "case_reference": "FB-7K3M-Q9P",
             "recipient_role": "staff"}]},
        "triage": {"count": 2, "more": False, "references": ["FB-AAAA-BBB", "FB-CCCC-DDD"]},
    })  # fmt: skip
    result = local(api, "region", "show", "gauteng")
    assert result.exit_code == 0
    assert api.requests[0]["query"] == {"id": ["gauteng"]}
    for text in ("Gauteng (gauteng), as of 2026-11-30T06:00:00+00:00",
                 "Open cases: open 3, overdue 1, unassigned complaints 1, waiting 0",
                 "sunflower-soweto", "Mail that failed: 1", "550 mailbox unavailable",
                 "Waiting for triage: 2 (FB-AAAA-BBB, FB-CCCC-DDD)"):  # fmt: skip
        assert text in result.stdout
    assert "At no centre yet" not in result.stdout


# --- where it lives: never deployed, and on its own -------------------------------------------


def test_the_tool_is_never_deployed_and_nothing_deployed_imports_it():
    terraform = (ROOT / "infra/terraform/functions.tf").read_text()
    assert '!startswith(f, "functions/cli/")' in terraform
    assert "rm -rf build/function-source/functions/cli" in (ROOT / "cloudbuild.yaml").read_text()
    for module in (ROOT / "functions").rglob("*.py"):
        if "cli" not in module.relative_to(ROOT).parts:
            assert not re.search(r"^\s*(from|import)\s+functions\.cli\b", module.read_text(), re.M)
    assert "functions.cli" not in (ROOT / "main.py").read_text()


def test_the_tool_imports_nothing_of_the_functions_but_itself():
    for module in (ROOT / "functions/cli").glob("*.py"):
        imported = re.findall(r"^\s*(?:from|import)\s+(functions\.\w+)", module.read_text(), re.M)
        assert set(imported) <= {"functions.cli"}, module.name


def test_the_size_limit_is_admin_apis():
    from functions.http.admin import api

    assert directory.MAX_BODY == api.MAX_BODY


def test_the_default_local_token_is_the_servers():
    from functions.config import Settings

    assert Settings().local_admin_token.get_secret_value() == auth.DEFAULT_LOCAL_TOKEN


def _unsigned_jwt(claims: dict) -> str:
    def part(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.c2ln"


def _b64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
