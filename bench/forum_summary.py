"""Compiling a month's forum summaries from Firestore, against the same figures computed in
memory.

What "compiling" is here, so that the ratio is honest: compile_due (the daily
compile_forum_summaries job's service, services/reports/compile.py) run for a month whose
every survey has closed: each forum's summary and the month's roll-up, with everything they
read (the forums, each forum's role tally, every survey response, the month's case tallies,
one a centre) and everything they write (each summary and its version, the email through the
outbox, its delivery queued). The baseline is the pure functions (domain/reports/compile.py)
over the same rows already in memory: each forum's role table counted from its records, the
month's cases tallied, then the same summaries. Both in the same run, after a warm-up of each
(a small month in a project of its own).

The emulator is seeded first, outside the measurement: CENTRES centres, FORUMS network-wide
forums in one month whose registrations, attendance and RESPONSES survey responses (a
quarter with a text of their own, the rest one of five common ones) are the demo month's
shape scaled up, and CASES cases received that month at those centres. Cases, registrations
and attendance are written through the unit of work as the system writes them, so their
tallies (functions/domain/reports/tallies.py) are kept as they would be: the counting a
compile once did is done, a few increments at a time, by the writes. Documents read are
counted as Firestore bills them (each document a query or batched get yields, 1 for an
empty query, 1 for each aggregation), by a gRPC interceptor on the client's channel.

Target: compiling at most 2 times the in-memory computation. Exit code 0 whatever the result:
a benchmark, not a test.

    .venv/bin/python bench/forum_summary.py [--responses 10000] [--cases 50000] [--timeout 10]
"""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from _common import (
    BilledReads,
    RecordingQueue,
    counting_client,
    firestore_emulator,
    main,
    verdict,
    write_all,
)

TARGET = 2.0
ZONE = ZoneInfo("Africa/Johannesburg")
MONTH = "2025-03"  # the demo month's forum ids and dates (functions/devtools/demo_forums.py)
NOW = datetime(2025, 4, 12, 6, 0, tzinfo=ZONE)  # every forum's survey closed, within recompiling


# ------------------------------------------------------------------------------- the rows


def month_rows(forums: int, responses: int, centre_ids: list[str]) -> dict:
    """The month's forums and their records: the demo month's shape (functions/devtools/
    demo_forums.py) scaled to `responses` answers in all; a quarter of the answers carry a
    text of their own, so the summaries' merging and budgets have work to do."""
    from functions.devtools import demo_forums as demo
    from functions.domain.shared.vocabulary import ForumFormat

    formats = list(ForumFormat)[:3]
    rows = {"forums": [], "registrations": [], "attendance": [], "responses": []}
    for slot in range(forums):
        answers = responses // forums + (slot < responses % forums)
        attended = answers * 9 // 8 + 1
        parents, staff = (attended + 1) // 2, attended // 2
        spec = demo.DemoForum(
            slot, f"Bench forum {slot}", formats[slot % 3], 3 + 7 * slot, attended * 2,
            (parents + parents // 10, staff + staff // 10), (parents, staff), answers,
            answers * 9 // 10, answers * 7 // 8,
        )  # fmt: skip
        everyone = demo.people(spec, centre_ids)
        regs = demo.registrations(spec, everyone)
        came = demo.attendance(spec, regs, everyone)
        said = demo.responses(spec, came)
        for n, answer in enumerate(said):
            if n % 4 == 0 and answer.recommendations:
                said[n] = answer.model_copy(update={
                    "recommendations": f"{answer.recommendations} At {answer.centre_id}: {n}.",
                    "comments": f"Forum {slot}, answer {n}: more evening sessions please.",
                })  # fmt: skip
        rows["forums"].append(demo.forum(spec))
        rows["registrations"] += regs
        rows["attendance"] += came
        rows["responses"] += said
    return rows


def month_cases(count: int, centres: list[str]) -> list:
    from functions.domain.cases.models import Case, Consent, Outcome, Rating, Reporter
    from functions.domain.shared.vocabulary import Category

    draw, categories = random.Random("bench-forum-summary"), list(Category)
    start = datetime(2025, 3, 1, tzinfo=ZONE)
    made = []
    for n in range(count):
        created = start + timedelta(seconds=draw.randrange(31 * 24 * 3600))
        resolved = draw.random() < 0.7
        in_time = (draw.random() < 0.8) if resolved else None
        score = draw.choice([None, 2, 3, 4, 5, 5]) if resolved else None
        centre = centres[n % len(centres)]
        made.append(Case(
            reference=f"FB-BNCH-{n:06d}", source="web_form", centre_id=centre,
            centre_name=f"Centre {centre}", region_id="bench", kind="complaint",
            category=draw.choice(categories), description="A bench case.", urgent=False,
            anonymous=False, reporter=Reporter(name=f"Parent {n}"),
            consent=Consent(given=True, version="2026-11", recorded_at=created),
            created_at=created, updated_at=created, respond_by=created + timedelta(days=2),
            open=not resolved,
            outcome=Outcome(hours_to_resolve=5.0 if resolved else None, resolved_in_time=in_time),
            rating=Rating(score=score, at=created + timedelta(days=3)) if score else None,
        ))  # fmt: skip
    return made


def seed(client, rows: dict, cases: list, centres: list[str]) -> None:
    """The records, the tallied ones (cases, registrations, attendance) written through the
    unit of work as the system writes them, so their tallies are kept as they would be."""
    from functions.adapters.firestore import base
    from functions.devtools.records import create_all
    from functions.domain.directory.models import Centre, Contact, Region

    admin = Contact(name="Admin", email="admin@bench.example.org")
    write_all(client, base.REGIONS, [("bench", base.dump(Region(
        region_id="bench", name="Bench", administrator=admin)))])  # fmt: skip
    write_all(client, base.CENTRES, ((c, base.dump(Centre(
        centre_id=c, name=f"Centre {c}", region_id="bench",
        principal=Contact(name=f"Principal {c}", email=f"{c}@centre.example.org"))))
        for c in centres))  # fmt: skip
    write_all(client, base.FORUMS, ((f.forum_id, base.dump(f)) for f in rows["forums"]))
    write_all(client, base.FORUM_SURVEY_RESPONSES,
              ((r.attendee_id, base.dump(r)) for r in rows["responses"]))  # fmt: skip
    create_all(client, (
        *((base.FORUM_REGISTRATIONS, r.registration_id, r) for r in rows["registrations"]),
        *((base.FORUM_ATTENDANCE, a.attendee_id, a) for a in rows["attendance"]),
        *((base.CASES, c.reference, c) for c in cases),
    ))  # fmt: skip


# ------------------------------------------------------------------------------- the measures


def deps_for(client, timeout: float):
    from functions.adapters.firestore.administrators import FirestoreAdministrators
    from functions.adapters.firestore.cases import FirestoreCaseReader
    from functions.adapters.firestore.directory import FirestoreCentreDirectory
    from functions.adapters.firestore.forums import FirestoreForumReader
    from functions.adapters.firestore.outbox import FirestoreOutbox
    from functions.adapters.firestore.unit_of_work import FirestoreTransactions

    t = float(timeout)
    return SimpleNamespace(
        forums=FirestoreForumReader(client, t), cases=FirestoreCaseReader(client, t),
        directory=FirestoreCentreDirectory(client, t, cache_seconds=600),
        administrators=FirestoreAdministrators(client, t), outbox=FirestoreOutbox(client, t),
        transactions=FirestoreTransactions(client, t), queue=RecordingQueue(),
        clock=lambda: NOW, network_name="Bench ECD Network",
    )  # fmt: skip


def in_memory(rows: dict, cases: list, centre_names: dict) -> list:
    """The same summaries from the rows in memory: each forum's, then the month's (the
    month's cases tallied once, as a compile reads their tallies once)."""
    from functions.domain.reports.compile import compile_summary, roles_from_records
    from functions.domain.reports.tallies import case_tallies

    forums = rows["forums"]
    regs, came, said = {}, {}, {}
    for r in rows["registrations"]:
        regs.setdefault(r.forum_id, []).append(r)
    for a in rows["attendance"]:
        came.setdefault(a.forum_id, []).append(a)
    for s in rows["responses"]:
        said.setdefault(s.forum_id, []).append(s)
    roles = {f.forum_id: roles_from_records(regs.get(f.forum_id, []), came.get(f.forum_id, []))
             for f in forums}  # fmt: skip
    quoted = {s.attendee_id for s in rows["responses"] if s.may_quote_name}
    names = {a.attendee_id: a.name for a in rows["attendance"] if a.attendee_id in quoted}
    common = dict(month=MONTH, scope=None, roles=roles, tallies=case_tallies(cases), names=names,
                  compiled_at=NOW, centre_names=centre_names)  # fmt: skip
    made = [compile_summary(forums=[f], responses=said.get(f.forum_id, []),
                            forum_id=f.forum_id, **common) for f in forums]  # fmt: skip
    made.append(compile_summary(forums=forums, responses=rows["responses"], **common))
    return made


def run(responses: int, cases: int, forums: int, centres: int, timeout: int) -> dict:
    from functions.services.errors import StorageUnavailable
    from functions.services.reports.compile import compile_due

    counter = BilledReads()
    centre_ids = [f"c{n:03d}" for n in range(centres)]
    small = max(1, responses // 50), max(1, cases // 50)
    big_rows, big_cases = month_rows(forums, responses, centre_ids), month_cases(cases, centre_ids)
    warm_rows, warm_cases = (
        month_rows(forums, small[0], centre_ids),
        month_cases(small[1], centre_ids),
    )
    names = {c: f"Centre {c}" for c in centre_ids}
    with firestore_emulator():
        warm, client = counting_client(counter, "warm"), counting_client(counter, "summary")
        started = time.perf_counter()
        seed(warm, warm_rows, warm_cases, centre_ids)
        seed(client, big_rows, big_cases, centre_ids)
        seeding = time.perf_counter() - started

        in_memory(warm_rows, warm_cases, names)  # warm-up of each
        compile_due(deps_for(warm, timeout), NOW)

        started = time.perf_counter()
        expected = in_memory(big_rows, big_cases, names)
        memory = time.perf_counter() - started

        deps = deps_for(client, timeout)
        counter.reset()
        started = time.perf_counter()
        try:
            counts = compile_due(deps, NOW)
        except StorageUnavailable as error:  # a call outlived its deadline: say so, exit 0
            return {"failed": f"{type(error).__name__} {error} after "
                    f"{time.perf_counter() - started:.1f} s with a {timeout} s deadline a call",
                    "rpcs": dict(counter.rpcs), "documents": counter.documents}  # fmt: skip
        compiling = time.perf_counter() - started
        first = {"reads": counter.reads, "documents": counter.documents,
                 "aggregations": counter.aggregations, "writes": counter.writes,
                 "rpcs": dict(counter.rpcs)}  # fmt: skip

        counter.reset()
        started = time.perf_counter()
        again = compile_due(deps_for(client, timeout), NOW)
        rerun = time.perf_counter() - started
        second = {"reads": counter.reads, "rpcs": dict(counter.rpcs)}

        stored = [deps.forums.summary(s.summary_id) for s in expected]
        # The stored figures equal the in-memory ones (their datetimes compared as instants:
        # Firestore hands them back in UTC, so the fingerprints' text differs by the zone).
        same = all(s is not None and s.model_dump(exclude={"fingerprint"})
                   == e.model_dump(exclude={"fingerprint"})
                   for s, e in zip(stored, expected, strict=True))  # fmt: skip
    return {
        "responses": len(big_rows["responses"]), "attendance": len(big_rows["attendance"]),
        "registrations": len(big_rows["registrations"]), "cases": len(big_cases),
        "forums": forums, "centres": centres, "seeding_seconds": round(seeding, 2),
        "compile_counts": counts, "rerun_counts": again,
        "compile_seconds": round(compiling, 3), "in_memory_seconds": round(memory, 3),
        "rerun_seconds": round(rerun, 3), "first": first, "rerun": second,
        "same_figures": same, "ratio": round(compiling / memory, 3) if memory else None,
    }  # fmt: skip


def report(r: dict) -> None:
    if "failed" in r:
        print(f"Compiling FAILED: {r['failed']}; RPCs so far {r['rpcs']}, "
              f"{r['documents']} documents read")  # fmt: skip
        print(f"Ratio compiling/in memory: none {verdict(False, f'{TARGET:.2f}')}")
        return
    print(
        f"Seeded ({r['seeding_seconds']:.0f} s, not measured): {r['forums']} forums, "
        f"{r['registrations']} registrations, {r['attendance']} attended, "
        f"{r['responses']} survey responses, {r['cases']} cases at {r['centres']} centres"
    )
    c = r["compile_counts"]
    print(f"Compiled: {c['forums']} forum summaries and {c['months']} month; {c['sent']} emails")
    print(f"Same figures stored as computed in memory: {r['same_figures']}")
    first = r["first"]
    print(
        f"Firestore reads: {first['reads']} billed ({first['documents']} documents, "
        f"{first['aggregations']} aggregations); writes {first['writes']}"
    )
    print(f"Firestore RPCs:  {first['rpcs']}")
    print(f"In memory (the pure functions over the rows)  : {r['in_memory_seconds']:.2f} s")
    print(f"Compiling (compile_due, reads and writes):     {r['compile_seconds']:.2f} s")
    print(
        f"A re-run (nothing changed, nothing written):   {r['rerun_seconds']:.2f} s, "
        f"{r['rerun']['reads']} reads"
    )
    ratio = r["ratio"]
    print(f"Ratio compiling/in memory: {ratio:.2f} {verdict(ratio <= TARGET, f'{TARGET:.2f}')}")


if __name__ == "__main__":
    raise SystemExit(main(__doc__, run, report,
                          responses=(10_000, "survey responses in the month"),
                          cases=(50_000, "cases received in the month"),
                          forums=(4, "network-wide forums in the month"),
                          centres=(250, "centres (the cases are spread over them)"),
                          timeout=(10, "seconds a Firestore call may take (FIRESTORE_TIMEOUT_"
                                       "SECONDS: production's default is 10)")))  # fmt: skip
