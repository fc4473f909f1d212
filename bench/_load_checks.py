"""After a bench/load.py run: let the mail finish, then check what the service promised.

Draining. The Cloud Tasks emulator delivers what was queued; what it gave up on (it retries
at once, a few times, with no backoff: a 10 s outage outlasts that) is the outbox sweep's to
recover. The sweep only takes mail pending past its grace (10 min) or sending past its
lease (5 min); rather than wait those out, once the queue has been quiet for QUIET seconds
the sweep runs here with its clock that far ahead (nothing is sending any more, so a lapsed
lease is what it would find on the real clock) and the tasks it queues are awaited in turn.

The checks, over Firestore and the SMTP sink:
- every submission answered 2xx (or the form's 303) has exactly one case (its marker is in
  the description), whose reference is the one every answer gave; none has two (duplicates
  and retries made none); no case is there that nobody sent;
- every registration answered has exactly one registration; the forum's places never exceed
  its capacity and its counters match the registrations;
- every answer was 2xx/303, a 503 or 429 with Retry-After, or a 4xx; no 5xx but 503, none
  without Retry-After, no connection dropped;
- every mail owed is in the outbox once (an acknowledgement and the centre's alerts per case,
  a confirmation per registration) and went out exactly once: each sent outbox message's
  Message-ID reached the sink once, none twice, and none was left unsent.
A helper, not a benchmark.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections import Counter, defaultdict
from datetime import timedelta

from _common import progress

from functions import wiring
from functions.domain.mail.outbox import FINAL_STATES
from functions.services.mail.dispatch import PENDING_GRACE

QUIET = 10.0  # seconds without progress before the sweep runs
DRAIN_TIMEOUT = 1500.0  # the Cloud Tasks emulator dispatches a few dozen a second
_MARKER = re.compile(r"\(load test (load-\d{6})\)")
_MESSAGE_ID = re.compile(r"<([^@>]+)@")


def outbox_states() -> Counter:
    db = wiring.firestore_client()
    return Counter(doc.get("state") for doc in db.collection("outbox").select(["state"]).stream())


def drain(stack) -> dict:
    """Wait for the mail to settle, sweeping the outbox as its scheduler would; returns
    what was done ({"sweeps", "requeued", "seconds", "unsettled"})."""
    from functions.services.mail.dispatch import sweep_outbox

    class Later(wiring.Wired):
        """The services' bundle, its clock past the sweep's grace and every lease."""

        clock = property(lambda self: lambda: wiring.utc_now() + PENDING_GRACE
                         + timedelta(minutes=1))  # fmt: skip

    began, sweeps, requeued = time.monotonic(), 0, 0
    last, still_since, shown_at = None, time.monotonic(), 0.0
    while time.monotonic() - began < DRAIN_TIMEOUT:
        states = outbox_states()
        unsettled = sum(n for state, n in states.items() if state not in FINAL_STATES)
        seen = (unsettled, stack.sink.accepted)
        if seen != last:
            last, still_since = seen, time.monotonic()
        if time.monotonic() - shown_at >= 5:
            progress(f"outbox {dict(states)}, {stack.sink.accepted} accepted by SMTP")
            shown_at = time.monotonic()
        if unsettled == 0 and time.monotonic() - still_since >= 2:
            break
        if unsettled and time.monotonic() - still_since >= QUIET:
            requeued += sweep_outbox(Later())["requeued"]
            sweeps += 1
            still_since = time.monotonic()
        time.sleep(1)
    # The scheduler's own call, as deployed: answers 2xx (nothing left to do) or says why not.
    request = urllib.request.Request(
        f"{stack.url}/sweep_outbox",
        method="POST",
        headers={"Authorization": "Bearer local-admin-token"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        answer.read()
    return {"sweeps": sweeps, "requeued": requeued, "unsettled": unsettled,
            "seconds": round(time.monotonic() - began, 1)}  # fmt: skip


def check(stack, traffic, forum_id: str, capacity: int) -> dict:
    db = wiring.firestore_client()
    cases = defaultdict(list)  # marker -> references
    strays = 0
    for doc in db.collection("cases").select(["description"]).stream():
        found = _MARKER.search(doc.get("description") or "")
        if found:
            cases[found.group(1)].append(doc.id)
        else:
            strays += 1
    result = {"cases": sum(map(len, cases.values())), "cases_nobody_sent": strays}
    lost = duplicated = wrong_reference = stored_though_refused = 0
    sent = {item.marker for item in traffic.submissions}
    for item in traffic.submissions:
        stored = cases.get(item.marker, [])
        duplicated += len(stored) > 1
        if item.succeeded:
            lost += not stored
            wrong_reference += bool(item.references - set(stored[:1])) or len(item.references) > 1
        else:
            stored_though_refused += bool(stored)
    strays += sum(len(refs) for marker, refs in cases.items() if marker not in sent)
    result |= {
        "lost": lost,
        "duplicated": duplicated,
        "wrong_reference": wrong_reference,
        "stored_though_refused": stored_though_refused,
        "cases_nobody_sent": strays,
    }

    from google.cloud.firestore_v1.base_query import FieldFilter

    mine = db.collection("forum_registrations").where(
        filter=FieldFilter("forum_id", "==", forum_id)
    )
    registrations = [doc.to_dict() for doc in mine.stream()]
    by_email = Counter(r["email"] for r in registrations)
    answered = [item for item in traffic.registrations if item.succeeded]
    forum = db.collection("forums").document(forum_id).get().to_dict()
    placed = sum(r["state"] == "registered" for r in registrations)
    waiting = sum(r["state"] == "waitlisted" for r in registrations)
    result["registrations"] = {
        "people": len(traffic.registrations), "answered": len(answered), "stored": len(by_email),
        "lost": sum(not by_email[item.email] for item in answered),
        "duplicated": sum(n > 1 for n in by_email.values()), "capacity": capacity,
        "registered": placed, "waitlisted": waiting,
        "overbooked": max(0, placed - capacity),
        "counters_match": forum["places_taken"] == placed and forum["waitlisted"] == waiting,
    }  # fmt: skip
    result["mail"] = _mail(stack, db, cases, registrations)
    return result


def _mail(stack, db, cases: dict, registrations: list[dict]) -> dict:
    messages = [doc.to_dict() for doc in db.collection("outbox").stream()]
    states = Counter(m["state"] for m in messages)
    owed_twice = Counter()
    for m in messages:
        about = m.get("case_reference") or m.get("data", {}).get("registration_id")
        owed_twice[
            (m["template"], m["to"].lower(), about, str(m.get("data", {}).get("percent")))
        ] += 1
    references = {ref for refs in cases.values() for ref in refs}
    acknowledged = {m.get("case_reference") for m in messages
                    if m["template"] == "case_acknowledgement"}  # fmt: skip
    alerted = {m.get("case_reference") for m in messages if m["template"] == "case_notification"}
    confirmed = Counter(m["to"].lower() for m in messages if m["template"] == "forum_registration")
    sink = stack.sink.message_ids
    received = Counter()
    for header, n in sink.items():
        found = _MESSAGE_ID.search(header)
        received[found.group(1) if found else header] += n
    sent_ids = {m["message_id"] for m in messages if m["state"] == "sent"}
    return {
        "outbox": len(messages), "states": dict(states),
        "owed_twice": sum(n > 1 for n in owed_twice.values()),
        "cases_without_acknowledgement": len(references - acknowledged),
        "cases_without_alert": len(references - alerted),
        "registrations_without_confirmation": sum(
            not confirmed[(r.get("email") or "").lower()] for r in registrations),
        "smtp_accepted": stack.sink.accepted,
        "sent_not_received": sum(not received[i] for i in sent_ids),
        "received_twice": sum(n > 1 for n in received.values()),
        "received_not_in_outbox": sum(1 for i in received if i not in sent_ids),
        "unsent": sum(n for state, n in states.items() if state != "sent"),
    }  # fmt: skip
