"""Inviting a month's recipients to the forums, end to end, against rendering the same emails.

What "an invitation" is here, so that the ratio is honest: the whole pipeline that ends with
each person's email rendered and handed to a transport — setup_month (the month's forums in
one unit of work, the recipients gathered from one projected query of the cases and the
directory, written in batches of 200, one invite_to_forums task each), every invite task run
(invitation records and outbox messages, one commit per batch, delivery queued while
committing), then every deliver_email task run (claim, render, "send" to a transport that
records, mark sent). The baseline is rendering the same emails alone: the same recipients'
messages built in memory, their links signed and render_email called, nothing stored or sent.
Both in the same run, after a warm-up of each (templates compiled, the emulator's JIT).

The emulator is seeded first, outside the measurement: CENTRES centres of STAFF people each
and enough parents' cases (every 20th a second case of a parent already there, and some
with no email or no consent) to make RECIPIENTS distinct addresses. The task queue is a
recording one (its calls counted, its tasks replayed here, `--workers` at a time, as Cloud
Tasks dispatches a queue's tasks concurrently: 1 is one handler instance at a time).
Firestore writes are the mutations in every Commit, counted by a gRPC interceptor on the
client's channel.

Target: inviting — setup and every invitation written with its delivery queued, the work this
issue adds — at most 1.5 times rendering the same emails, per 1,000. Delivering them is the
outbox's deliver_email, whose own target (against rendering and sending bare) is
bench/email_pipeline.py's; the whole pipeline's ratio is printed beside it, not judged here.
Exit code 0 whatever the result: a benchmark, not a test.

    .venv/bin/python bench/forum_invitations.py [--recipients 20000] [--workers 8] [--json]
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from _common import (
    BilledReads,
    RecordingQueue,
    counting_client,
    firestore_emulator,
    main,
    verdict,
    write_all,
)

TARGET = 1.5
MONTH = "2027-03"
NOW = datetime(2027, 2, 1, 6, 0, tzinfo=UTC)
STAFF = 5  # people a centre (a principal and four staff)
NETWORK = "Bench ECD Network"


class RecordingTransport:
    def __init__(self):
        self.lock, self.sent = threading.Lock(), 0

    def send(self, email) -> str:
        with self.lock:
            self.sent += 1
            return f"bench-{self.sent}"


def seed(client, recipients: int) -> dict:
    """Centres with staff, and parents' cases: `recipients` distinct addresses in all."""
    from functions.adapters.firestore.base import CASES, CENTRES, REGIONS, dump
    from functions.domain.directory.models import Centre, Contact, Region

    centres = max(1, recipients // 20 // STAFF)  # a twentieth of the recipients are staff
    write_all(client, REGIONS, [("bench", dump(Region(region_id="bench", name="Bench",
              administrator=Contact(name="Admin", email="admin@bench.example.org"))))])  # fmt: skip
    write_all(client, CENTRES, (
        (f"c{n}", dump(Centre(centre_id=f"c{n}", name=f"Centre {n}", region_id="bench",
         principal=Contact(name=f"Principal {n}", email=f"p{n}@centre.example.org"),
         staff=[Contact(name=f"Staff {n}.{s}", email=f"s{n}.{s}@centre.example.org")
                for s in range(STAFF - 1)])))
        for n in range(centres)))  # fmt: skip
    parents = recipients - centres * STAFF

    def cases():
        for n in range(parents):
            yield _case(f"case{n}", f"parent{n}@example.org", n)
            if n % 20 == 0:  # a second case of the same parent: invited once
                yield _case(f"case{n}b", f"Parent{n}@Example.org", n)
            if n % 50 == 0:  # anonymous, and no consent: neither is invited
                yield _case(f"anon{n}", None, n)
                yield {**_case(f"nocon{n}", f"nocon{n}@example.org", n)[0],
                       "consent": {"given": False}}, None  # fmt: skip

    write_all(client, CASES, ((data["reference"], data) for data, _ in cases()))
    return {"centres": centres, "staff": centres * STAFF, "parents": parents}


def _case(reference: str, email: str | None, n: int):
    # What the invitations' projected query reads of a case (the rest of a case is not read).
    reporter = {
        "name": f"Parent {n}",
        "role": "parent",
        "preferred_language": ("en", "zu", "af")[n % 3],
    } | ({"email": email} if email else {})
    return {"reference": reference, "centre_id": f"c{n % 50}", "consent": {"given": True},
            "reporter": reporter}, None  # fmt: skip


def run(recipients: int, workers: int) -> dict:
    from functions.adapters.firestore.directory import FirestoreCentreDirectory
    from functions.adapters.firestore.forum_invitations import FirestoreForumInvitations
    from functions.adapters.firestore.forum_plan import plan_from_file
    from functions.adapters.firestore.forums import FirestoreForumReader
    from functions.adapters.firestore.outbox import FirestoreOutbox
    from functions.adapters.firestore.unit_of_work import FirestoreTransactions
    from functions.domain.forums.invitations import forums_for, invitation
    from functions.domain.forums.invitations import recipients as everyone
    from functions.domain.mail.links import MailLinks
    from functions.domain.shared.signing import Signer
    from functions.rendering import render_email
    from functions.services.forums.invitations import invite_batch, staff_recipients
    from functions.services.forums.setup import setup_month
    from functions.services.mail.deliver import deliver_batch
    from functions.services.ports import MailSetup

    counter, queue, transport = BilledReads(), RecordingQueue(), RecordingTransport()
    links = MailLinks("https://b.example.org/case_status", "https://b.example.org/unsubscribe",
                      Signer([b"bench-key"]), "https://b.example.org/privacy",
                      forums_page="https://b.example.org/forums")  # fmt: skip
    plan = plan_from_file()
    with firestore_emulator():
        client = counting_client(counter, "invitations")
        seeded = seed(client, recipients)
        deps = SimpleNamespace(
            directory=FirestoreCentreDirectory(client, cache_seconds=600),
            forums=FirestoreForumReader(client),
            forum_invitations=FirestoreForumInvitations(client),
            forum_plan=SimpleNamespace(current=lambda: plan),
            transactions=FirestoreTransactions(client),
            outbox=FirestoreOutbox(client), queue=queue, transport=transport, render=render_email,
            clock=lambda: NOW, network_name=NETWORK,
            mail=MailSetup("Bench <no-reply@b.example.org>", None, timedelta(days=90), links),
        )  # fmt: skip

        # The baseline's messages: the same people, the same forums, built in memory.
        from functions.domain.forums.plan import forums_for_month

        forums = forums_for_month(plan, MONTH, NOW)
        people = everyone(staff_recipients(deps), deps.forum_invitations.consenting_parents())
        messages = [invitation(p, MONTH, forums_for(forums, p.role, NOW), NOW, NETWORK)[1]
                    for p in people]  # fmt: skip

        def render(message) -> None:
            data = {**message.data, **links.for_message(message)}
            render_email(message.template, data, message.language)

        for message in messages[:300]:  # warm-up: templates of each language compiled
            render(message)
        started = time.perf_counter()
        for message in messages:
            render(message)
        rendering = time.perf_counter() - started

        counter.rpcs.clear()
        counter.writes = 0
        handled = Counter()

        def one(task):
            if task.handler == "invite_to_forums":
                invite_batch(deps, task.payload["batch_id"], NOW)
            else:
                deliver_batch([(m["message_id"], m["recipient_key"])
                               for m in task.payload["messages"]], deps)  # fmt: skip
            return task.handler

        def drain(handler: str) -> None:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                while tasks := queue.take(handler):
                    handled.update(pool.map(one, tasks))

        started = time.perf_counter()
        outcome = setup_month(deps, MONTH, NOW)
        drain("invite_to_forums")  # every invitation written, its delivery queued
        fanned_out = time.perf_counter()
        drain("deliver_email")  # every email claimed, rendered, sent, recorded
        delivered = time.perf_counter()
        fan_out, delivery, pipeline = (
            fanned_out - started,
            delivered - fanned_out,
            delivered - started,
        )
    invited = outcome["recipients"]
    per_k = lambda seconds: round(seconds / max(1, invited) * 1000, 3)  # noqa: E731
    return {
        "seeded": seeded, "recipients": invited, "batches": outcome["batches"],
        "emails_sent": transport.sent, "workers": workers,
        "tasks_handled": dict(handled), "cloud_tasks_calls": queue.calls,
        "firestore_writes": counter.writes, "firestore_rpcs": dict(counter.rpcs),
        "pipeline_seconds": round(pipeline, 3), "rendering_seconds": round(rendering, 3),
        "fan_out_seconds": round(fan_out, 3), "delivery_seconds": round(delivery, 3),
        "fan_out_s_per_1000": per_k(fan_out), "delivery_s_per_1000": per_k(delivery),
        "pipeline_s_per_1000": per_k(pipeline), "rendering_s_per_1000": per_k(rendering),
        "ratio": round(fan_out / rendering, 3) if rendering else None,
        "pipeline_ratio": round(pipeline / rendering, 3) if rendering else None,
    }  # fmt: skip


def report(r: dict) -> None:
    k = max(1, r["recipients"]) / 1000
    print(
        f"Seeded: {r['seeded']['centres']} centres ({r['seeded']['staff']} staff), "
        f"{r['seeded']['parents']} parents with email and consent (some with two cases)"
    )
    print(
        f"Invited: {r['recipients']} recipients in {r['batches']} batches; "
        f"{r['emails_sent']} emails rendered and sent to a recording transport"
    )
    print(f"Tasks handled ({r['workers']} at a time): {r['tasks_handled']}")
    print(
        f"Cloud Tasks calls: {r['cloud_tasks_calls']} ({r['cloud_tasks_calls'] / k:.1f} per 1,000)"
    )
    print(f"Firestore writes:  {r['firestore_writes']} ({r['firestore_writes'] / k:.0f} per 1,000)")
    print(f"Firestore RPCs:    {r['firestore_rpcs']}")
    print(
        f"Rendering the same emails alone: {r['rendering_seconds']:.2f} s, "
        f"{r['rendering_s_per_1000']:.3f} s per 1,000"
    )
    print(
        f"Inviting (setup, invitations written, delivery queued): {r['fan_out_seconds']:.2f} s, "
        f"{r['fan_out_s_per_1000']:.3f} s per 1,000"
    )
    print(
        f"Delivering (deliver_email: claim, render, send, record): "
        f"{r['delivery_seconds']:.2f} s, {r['delivery_s_per_1000']:.3f} s per 1,000"
    )
    print(
        f"Whole pipeline against rendering: {r['pipeline_ratio']:.2f} (not judged here: "
        "delivery's own target is bench/email_pipeline.py's)"
    )
    ratio = r["ratio"]
    print(f"Ratio inviting/rendering: {ratio:.2f} {verdict(ratio <= TARGET, f'{TARGET:.2f}')}")


if __name__ == "__main__":
    raise SystemExit(main(__doc__, run, report,
                          recipients=(20_000, "distinct addresses to invite"),
                          workers=(8, "tasks at a time (Cloud Tasks' concurrency)")))  # fmt: skip
