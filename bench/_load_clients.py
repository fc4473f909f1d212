"""The people and systems bench/load.py plays, each as it talks to the service in life.

- A parent's browser on the web form: GET /feedback_form (its CSRF token and cookie), POST
  the answers with both, follow the 303 to the page that shows the reference.
- The network's own app on the JSON API: POST /submit_feedback with an Idempotency-Key.
- The Google Forms Apps Script: POST /intake_google_form, signed (X-Signature) with the
  intake secret over the body, the form's response id naming the response.
- A person registering for a forum: GET /forum_registration?forum=..., POST the form.

Each delivery can be sent again as it is (a double tap, a redelivery): same cookie and token,
same Idempotency-Key, same response id. A 503 or 429 is retried after its Retry-After (at
most MAX_WAIT seconds, ATTEMPTS in all), as the page asks a parent and the script does.
Every parent sends from an address of their own (127.x.y.z: all of 127/8 is loopback), so
the per-address flood limit sees as many clients as in life. A helper, not a benchmark.
"""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from functions.config import LOCAL_INTAKE_SECRET
from functions.devtools.seed import DEMO_DATA
from functions.domain.shared.consent import CURRENT_CONSENT_VERSION
from functions.http.integrations.apps_script_signature import sign

ATTEMPTS = 4
MAX_WAIT = 5.0
TIMEOUT = 90.0
# id -> name, as the demo Google Form lists the demo centres
CENTRES = {centre["centre_id"]: centre["name"]
           for centre in json.loads(DEMO_DATA.read_text(encoding="utf-8"))["centres"]}  # fmt: skip
_HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)"')
_REFERENCE = re.compile(r"\b(FB-[0-9A-Z]{4}-[0-9A-Z]{3})\b")


@dataclass
class Answer:
    """One HTTP exchange as the client saw it."""

    channel: str
    step: str  # "submit" (what stores) or "page" (a GET a browser makes around it)
    status: int  # 0: no answer (connection refused or reset, timed out)
    retry_after: str | None
    began: float  # time.monotonic()
    seconds: float
    error: str = ""


@dataclass
class Delivery:
    """One submission or registration, and everything sent for it."""

    channel: str
    number: int
    address: str
    marker: str
    email: str
    answers: list[Answer] = field(default_factory=list)
    succeeded: int = 0  # deliveries of it answered 2xx (or the form's 303)
    references: set[str] = field(default_factory=set)
    prepared: dict | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


class Http:
    """One request per connection, from a given source address on loopback."""

    def __init__(self, port: int):
        self.port = port

    def __call__(
        self,
        method: str,
        path: str,
        source: str,
        body: bytes | None = None,
        headers: dict | None = None,
    ) -> tuple[int, dict, bytes, float, float, str]:
        """(status, headers with lower-case names, body, began, seconds, error)."""
        began = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT,
                                          source_address=(source, 0))  # fmt: skip
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            named = {}
            for name, value in response.getheaders():
                named.setdefault(name.lower(), []).append(value)
            return response.status, named, data, began, time.monotonic() - began, ""
        except OSError as error:
            return 0, {}, b"", began, time.monotonic() - began, type(error).__name__
        finally:
            conn.close()


def address(n: int) -> str:
    """A parent's own loopback address: 127.x.y.z, never .0 nor .255 at the end."""
    n = n + 2 + 2 * (n // 253)
    return f"127.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Clients:
    """Sends deliveries for every channel to the stack at `port`."""

    def __init__(self, port: int, forum_id: str):
        self.http, self.forum_id = Http(port), forum_id

    # ------------------------------------------------------------------ sending, retried

    def _exchange(self, delivery: Delivery, step: str, method: str, path: str,
                  body: bytes | None = None, headers: dict | None = None):  # fmt: skip
        """Send one request, retrying 503 and 429 after Retry-After; every answer recorded."""
        for attempt in range(ATTEMPTS):
            status, named, data, began, seconds, error = self.http(
                method, path, delivery.address, body() if callable(body) else body,
                headers() if callable(headers) else headers)  # fmt: skip
            retry_after = (named.get("retry-after") or [None])[0]
            with delivery.lock:
                delivery.answers.append(Answer(delivery.channel, step, status, retry_after,
                                               began, seconds, error))  # fmt: skip
            if status not in (429, 503) or attempt == ATTEMPTS - 1:
                return status, named, data
            try:
                wait = min(float(retry_after or MAX_WAIT), MAX_WAIT)
            except ValueError:
                wait = MAX_WAIT
            time.sleep(wait)
        return status, named, data

    def _succeeded(self, delivery: Delivery, reference: str | None = None) -> None:
        with delivery.lock:
            delivery.succeeded += 1
            if reference:
                delivery.references.add(reference)

    # ------------------------------------------------------------------ the JSON API

    def api(self, delivery: Delivery) -> None:
        body = json.dumps(_submission(delivery)).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": delivery.marker}
        status, _, data = self._exchange(delivery, "submit", "POST", "/submit_feedback",
                                         body, headers)  # fmt: skip
        if status in (200, 201):
            self._succeeded(delivery, json.loads(data)["reference"])

    # ------------------------------------------------------------------ the Google Form

    def google_form(self, delivery: Delivery) -> None:
        submission = _submission(delivery)
        answers = [
            {"question": "Centre", "answer": CENTRES[submission["centre_id"]]},
            {"question": "Type of feedback", "answer": "Complaint"},
            {"question": "Topic", "answer": "Facilities"},
            {"question": "Your message", "answer": submission["description"]},
            {"question": "Is a child at risk, or is this urgent?", "answer": "No"},
            {"question": "Your name", "answer": "Load Parent"},
            {"question": "Email address", "answer": delivery.email},
            {"question": "Phone number", "answer": ""},
            {"question": "Consent", "answer": ["I agree"]},
        ]
        body = json.dumps({"form_id": "demo-feedback-form", "response_id": delivery.marker,
                           "submitted_at": "2026-11-23T08:00:00Z", "respondent_email": None,
                           "answers": answers}).encode()  # fmt: skip

        def headers() -> dict:  # signed at each sending, as the script does
            signature = sign(body, LOCAL_INTAKE_SECRET.encode(), int(time.time()))
            return {"Content-Type": "application/json", "X-Signature": signature}

        status, _, data = self._exchange(delivery, "submit", "POST", "/intake_google_form",
                                         body, headers)  # fmt: skip
        if status in (200, 201):
            self._succeeded(delivery, json.loads(data)["reference"])

    # ------------------------------------------------------------------ the web form

    def open_form(self, delivery: Delivery, path: str) -> dict | None:
        """A browser opening a form: its cookie and hidden fields, or None if refused."""
        status, named, data = self._exchange(delivery, "page", "GET", path)
        if status != 200:
            return None
        cookie = SimpleCookie()
        for value in named.get("set-cookie", []):
            cookie.load(value)
        hidden = dict(_HIDDEN.findall(data.decode()))
        return {"cookie": "; ".join(f"{k}={m.value}" for k, m in cookie.items()),
                "hidden": hidden}  # fmt: skip

    def prepare(self, delivery: Delivery) -> None:
        """What a browser does before sending a form: open it (a page's cookie and token).
        Nothing for the API and the Google Form. A form opened once is sent as it is."""
        if delivery.prepared is not None or delivery.channel not in ("web_form", "forum"):
            return
        if delivery.channel == "forum":
            path = f"/forum_registration?forum={urllib.parse.quote(self.forum_id)}"
        else:
            path = "/feedback_form"
        if (form := self.open_form(delivery, path)) is None:
            return
        hidden = form["hidden"]
        if delivery.channel == "forum":
            fields = {
                "csrf_token": hidden["csrf_token"], "name": f"Person {delivery.number}",
                "role": "parent", "centre_id": "sunflower-soweto", "email": delivery.email,
                "phone": "", "language": "en", "consent": "yes",
                "consent_version": hidden["consent_version"], "website": "",
            }  # fmt: skip
        else:
            s = _submission(delivery)
            fields = {
                "csrf_token": hidden["csrf_token"], "centre_id": s["centre_id"],
                "kind": s["kind"], "category": s["category"], "description": s["description"],
                "reporter.name": "Load Parent", "reporter.email": delivery.email,
                "reporter.phone": "", "reporter.role": "parent",
                "reporter.preferred_language": "en", "consent.given": "yes",
                "consent.version": hidden["consent.version"],
                "child.first_name": "T", "child.age_group": "toddler", "website": "",
            }  # fmt: skip
        delivery.prepared = {"path": path, "body": urllib.parse.urlencode(fields).encode(),
                             "headers": {"Content-Type": "application/x-www-form-urlencoded",
                                         "Cookie": form["cookie"]}}  # fmt: skip

    def send(self, delivery: Delivery) -> None:
        """Send the delivery once (retried on 503 and 429), opening its form first if need be."""
        {"api": self.api, "google_form": self.google_form, "web_form": self.web_form,
         "forum": self.register}[delivery.channel](delivery)  # fmt: skip

    def web_form(self, delivery: Delivery) -> None:
        self.prepare(delivery)
        if (sent := delivery.prepared) is None:
            return
        status, named, _ = self._exchange(delivery, "submit", "POST", sent["path"],
                                          sent["body"], sent["headers"])  # fmt: skip
        if status != 303:
            return
        location = named["location"][0]
        status, _, data = self._exchange(delivery, "page", "GET", f"/{location.lstrip('/')}")
        found = _REFERENCE.search(data.decode()) if status == 200 else None
        self._succeeded(delivery, found.group(1) if found else None)

    # ------------------------------------------------------------------ forum registration

    def register(self, delivery: Delivery) -> None:
        self.prepare(delivery)
        if (sent := delivery.prepared) is None:
            return
        status, _, _ = self._exchange(delivery, "submit", "POST", sent["path"], sent["body"],
                                      sent["headers"])  # fmt: skip
        if status in (200, 303):  # 200: "already registered", for a second sending
            self._succeeded(delivery)


def _submission(delivery: Delivery) -> dict:
    centre = list(CENTRES)[delivery.number % len(CENTRES)]
    return {
        "centre_id": centre, "kind": "complaint", "category": "facilities",
        "description": f"The gate latch is broken (load test {delivery.marker})",
        "urgent": False, "anonymous": False,
        "reporter": {"name": "Load Parent", "email": delivery.email, "phone": "",
                     "role": "parent", "preferred_language": "en"},
        "consent": {"given": True, "version": CURRENT_CONSENT_VERSION},
        "child": {"first_name": "T", "age_group": "toddler"},
    }  # fmt: skip
