"""Logs are JSON lines with severity, message and trace, and carry no personal data."""

import json
import re
import time

from functions.config import LOCAL_INTAKE_SECRET
from functions.http.integrations.apps_script_signature import sign

NAME, EMAIL, PHONE = "Nokuthula Xaba-Sentinel", "nokuthula.sentinel@example.org", "0825550177"
STORY = "Sentinel-story: my daughter Lindiwe was left outside"
TRACE = "105445aa7843bc8bf206b12000100000"
PERSONAL = [
    NAME,
    "Nokuthula",
    EMAIL,
    "nokuthula.sentinel",
    PHONE,
    "825550177",
    "Sentinel-story",
    "Lindiwe",
]


def submission(**changes):
    return {
        "centre_id": "sunflower-soweto",
        "kind": "complaint",
        "category": "staff_conduct",
        "description": STORY,
        "urgent": True,
        "reporter": {"name": NAME, "email": EMAIL, "phone": PHONE},
        "consent": {"given": True, "version": "2026-11"},
        "child": {"first_name": "Lindiwe"},
    } | changes


def exercise_every_entry_point(client_for):
    headers = {"X-Cloud-Trace-Context": f"{TRACE}/1;o=1"}
    api = client_for("submit_feedback")
    api.post("/", json=submission(), headers=headers)
    api.post("/", json=submission(reporter={"name": NAME, "email": EMAIL + "@@", "phone": "1"}))
    api.post("/", json=submission(description=STORY * 2000))
    # Field names are the sender's to choose: a made-up one may be a name or an address.
    api.post("/", json=submission(**{STORY: True}, reporter={"phone": PHONE, EMAIL: NAME}))
    form = client_for("feedback_form")
    html = form.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    fields = {
        "csrf_token": token,
        "centre_id": "sunflower-soweto",
        "kind": "complaint",
        "category": "other",
        "description": STORY,
        "reporter.name": NAME,
        "reporter.email": EMAIL,
        "reporter.phone": "not a phone " + PHONE,
        "consent.version": "2026-11",
    }
    form.post("/", data=fields)
    form.post("/", data=fields | {"consent.given": "yes", "reporter.phone": PHONE})
    form.post("/", data=fields | {"csrf_token": "bad"})
    body = json.dumps(
        {
            "form_id": "demo-feedback-form",
            "response_id": "r-log",
            "answers": [
                {"question": "Centre", "answer": NAME},
                {"question": "Your message", "answer": STORY},
                {"question": "Email address", "answer": EMAIL},
                {"question": "Consent", "answer": "yes"},
            ],
        }
    ).encode()
    intake = client_for("intake_google_form")
    for secret in (LOCAL_INTAKE_SECRET, "wrong"):
        intake.post(
            "/",
            data=body,
            content_type="application/json",
            headers={"X-Signature": sign(body, secret.encode(), int(time.time()))},
        )
    client_for("case_status").get("/?token=" + EMAIL)


def test_no_log_line_holds_a_name_email_phone_or_free_text(client_for, capfd):
    exercise_every_entry_point(client_for)
    out, err = capfd.readouterr()
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) >= 6
    for line in lines:
        entry = json.loads(line)
        assert entry["severity"] in {"DEBUG", "INFO", "NOTICE", "WARNING", "ERROR"}
        assert entry["message"]
    for secret in PERSONAL:
        assert secret not in out and secret not in err


def test_log_lines_carry_the_request_trace(client_for, capfd, project):
    client_for("submit_feedback").post(
        "/", json=submission(), headers={"X-Cloud-Trace-Context": f"{TRACE}/1;o=1"}
    )
    entry = json.loads(capfd.readouterr().out.strip().splitlines()[-1])
    assert entry["logging.googleapis.com/trace"] == f"projects/{project}/traces/{TRACE}"
    assert entry["message"] == "case recorded" and entry["urgent"] is True
