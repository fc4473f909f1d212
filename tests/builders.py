"""Builders every test shares: valid requests, signed Google Form deliveries, outbox messages,
and readers of what Firestore holds (so production code keeps no test-only methods)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from functions.config import LOCAL_INTAKE_SECRET
from functions.domain.mail.links import MailLinks
from functions.domain.mail.outbox import MessageKind, OutboxMessage, new_message_id
from functions.domain.mail.suppression import address_key
from functions.http.integrations.apps_script_signature import sign
from functions.services.mail.deliver import MailSetup
from functions.services.mail.dispatch import dispatch, sweep_outbox


def submission(**changes) -> dict:
    """A JSON submission the API accepts (a question about fees, reachable by phone)."""
    return {
        "centre_id": "sunflower-soweto",
        "kind": "question",
        "category": "other",
        "description": "Is the centre open on 16 December?",
        "reporter": {"phone": "0821234567"},
        "consent": {"given": True, "version": "2026-11"},
    } | changes


# --------------------------------------------------------------------- Google Form deliveries

ANSWERS = [
    {"question": "Centre", "answer": "Fynbos Early Learning, Khayelitsha"},
    {"question": "Type of feedback", "answer": "Compliment"},
    {"question": "Topic", "answer": "Learning programme"},
    {"question": "Your message", "answer": "Teacher Chantal is wonderful with the toddlers."},
    {"question": "Is a child at risk, or is this urgent?", "answer": "No"},
    {"question": "Your name", "answer": "Ayesha"},
    {"question": "Email address", "answer": "ayesha@example.org"},
    {"question": "Phone number", "answer": ""},
    {"question": "Consent", "answer": ["I agree"]},
]


def delivery(response_id="resp-1", answers=ANSWERS, form_id="demo-feedback-form", **extra):
    body = {
        "form_id": form_id,
        "response_id": response_id,
        "submitted_at": "2026-11-23T08:00:00Z",
        "respondent_email": None,
        "answers": answers,
    } | extra
    return json.dumps(body).encode()


def post(client, body: bytes, secret=LOCAL_INTAKE_SECRET, offset=0, header=None):
    at = int(time.time()) + offset
    signature = header if header is not None else sign(body, secret.encode(), at)
    return client.post(
        "/", data=body, content_type="application/json", headers={"X-Signature": signature}
    )


# ---------------------------------------------------------------------------- outbox messages

SAMPLES = Path(__file__).parents[1] / "templates" / "emails"
SETUP = MailSetup(
    sender="ECD Network <no-reply@ecd.example.org>",
    reply_to=None,
    retention=timedelta(days=90),
    links=MailLinks("http://127.0.0.1:8080/case_status", "http://127.0.0.1:8080/unsubscribe",
                    b"secret"),
)  # fmt: skip


def message(to: str, template="case_acknowledgement", kind=MessageKind.TRANSACTIONAL, **data):
    now = datetime.now(UTC)
    sample = json.loads((SAMPLES / template / "sample.json").read_text())
    sample.pop("status_url", None)
    sample.pop("unsubscribe_url", None)
    return OutboxMessage(
        message_id=new_message_id(), template=template, to=to, data=sample | data, kind=kind,
        case_reference="FB-7K3M-Q9P", created_at=now, updated_at=now,
    )  # fmt: skip


def sweep(outbox, queue, now: datetime) -> dict[str, int]:
    return sweep_outbox(outbox=outbox, queue=queue, clock=lambda: now, retention=SETUP.retention)


def queue_up(outbox, queue, messages):
    for item in messages:
        outbox.add(item)
    dispatch(messages, queue)


# ---------------------------------------------------------------- what Firestore holds, read raw


def stored_message(client, message_id: str) -> OutboxMessage | None:
    """The outbox message as stored (the delivery code reads it its own way)."""
    snapshot = client.collection("outbox").document(message_id).get()
    return OutboxMessage.model_validate(snapshot.to_dict()) if snapshot.exists else None


def suppression_reasons(client, address: str) -> set[str]:
    snapshot = client.collection("suppressions").document(address_key(address)).get()
    return set((snapshot.to_dict() or {}).get("reasons", {})) if snapshot.exists else set()
