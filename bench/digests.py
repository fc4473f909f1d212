"""Building the daily digests against an in-memory grouping of the same rows, over a real
Firestore emulator.

Seeded (batched writes, not measured): C centres (default 200) of S staff each (default 10,
plus a principal), in regions of 20 centres, and N open cases (default 5,000) spread evenly
over the centres: about 60% assigned to a member, 10% waiting on a parent, a third overdue,
one in ten about staff conduct or a child's safety; plus one compliment for every other
centre since the last digest.

Measured, in the same run, after an uncounted warm-up:
- the centres, alternating in chunks of centres (each side first in turn):
  - the service: services/cases/digest.centre_outgoing for each centre (its open cases and
    its compliments: two queries, a projection of the fields a digest shows; each member's
    digest grouped, ordered and composed into an outbox message; the centre's summary of the
    day for its region from the same rows);
  - the baseline: the same two queries per centre (the same projection, as raw dicts), the
    rows grouped per recipient in a plain loop (the principal: all; each member: theirs and
    the unassigned);
- the regions, once the centres' digests and summaries are committed (as each centre's task
  commits them: measured apart, below):
  - the service: services/cases/digest.region_outgoing for each region (its centres'
    summaries of the day: one query; the counts per centre and the ten worst overdue
    composed into the administrator's digest);
  - the baseline: each region's counts and worst overdue counted in memory from the rows
    the baseline's centres read.
The commits (per centre: its digests, their once keys and its summary; then the regions'
digests) are measured apart, as is a region digest made with no summary there at all (every
centre counted from its open cases: the fallback when a centre's task has not run).
Documents read are counted at the client: a gRPC interceptor on the emulator channel counts
the documents each RunQuery stream yields (a query that yields none counts 1, as Firestore
bills it) and each RunAggregationQuery as 1.

Target: time ratio service / baseline <= 2 for building all digests (centres and regions).
Documents read per digest sent: printed with their floor (every open case is read once, for
its centre's digests: open cases / digests sent), which is above 2 with these numbers.
Exit code 0 whatever the result: a benchmark, not a test.

    .venv/bin/python bench/digests.py [--centres 200] [--staff 10] [--cases 5000] [--json]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from _common import Interceptor, counting_client, firestore_emulator, main, verdict, write_all

TARGET_RATIO = 2.0
CENTRES_PER_REGION = 20
CHUNK = 20  # centres per side before switching
WARMUP_CENTRES = 20
SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2026, 12, 15, 7, 10, tzinfo=SAST)  # a Tuesday: the digest hour of a working day


class ReadCounter(Interceptor):
    """Documents read as Firestore bills them: each document a query yields, 1 for a query
    that yields none, 1 for each count aggregation; and the round trips."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        self.documents = self.empty_queries = self.aggregations = self.round_trips = 0

    @property
    def reads(self) -> int:
        return self.documents + self.empty_queries + self.aggregations

    def intercept_unary_unary(self, continuation, details, request):
        self.round_trips += 1
        return continuation(details, request)

    def intercept_unary_stream(self, continuation, details, request):
        method = self.method(details)
        self.round_trips += 1
        call = continuation(details, request)
        if method == "RunAggregationQuery":
            self.aggregations += 1
            return call
        if method != "RunQuery":
            return call
        return self.counted(call, "document", self._query_done)

    def _query_done(self, found: int) -> None:
        self.documents += found
        self.empty_queries += found == 0


# ------------------------------------------------------------------------------- the network


def network(centres: int, staff: int):
    from functions.domain.directory.models import Centre, Contact, Region

    regions, made = [], []
    for r in range((centres + CENTRES_PER_REGION - 1) // CENTRES_PER_REGION):
        admin = Contact(name=f"Admin {r}", email=f"admin{r}@bench.example.org",
                        role="administrator")  # fmt: skip
        regions.append(Region(region_id=f"r{r:02d}", name=f"Region {r}", administrator=admin))
    for c in range(centres):
        made.append(Centre(
            centre_id=f"c{c:03d}", name=f"Centre {c:03d}",
            region_id=f"r{c // CENTRES_PER_REGION:02d}",
            principal=Contact(name=f"Principal {c}", email=f"p{c}@bench.example.org",
                              role="principal"),
            staff=[Contact(name=f"Staff {c}.{s}", email=f"s{c}.{s}@bench.example.org")
                   for s in range(staff)],
        ))  # fmt: skip
    return regions, made


def seed(client, centres, cases: int) -> None:
    """The open cases (and a few compliments), written in batches."""
    from functions.adapters.firestore.base import CASES, dump
    from functions.adapters.firestore.service_levels import policy_from_file
    from functions.domain.cases.models import Consent, Person, Reporter
    from functions.domain.cases.opening import open_case
    from functions.domain.cases.references import new_reference
    from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, Source

    rng, policy = random.Random(8), policy_from_file()
    templates = {}
    for kind in (Kind.COMPLAINT, Kind.QUESTION, Kind.SUGGESTION, Kind.COMPLIMENT):
        templates[kind], _ = open_case(
            reference="FB-AAAA-AAA", source=Source.API, centre=centres[0], kind=kind,
            category=Category.FACILITIES, description="The gate latch is broken. " * 4,
            urgent=False, reporter=Reporter(email="parent@example.org", name="A parent"),
            consent=Consent(given=True, version="2026-11", recorded_at=NOW), child=None,
            triage=None, policy=policy, now=NOW - timedelta(days=3),
        )  # fmt: skip
    kinds = [Kind.COMPLAINT] * 6 + [Kind.QUESTION] * 2 + [Kind.SUGGESTION] * 2
    other = [c for c in Category if c not in (Category.STAFF_CONDUCT,
                                              Category.CHILD_WELLBEING_AND_SAFETY)]  # fmt: skip
    docs = []
    for n in range(cases):
        centre = centres[n % len(centres)]
        kind, roll = rng.choice(kinds), rng.random()
        case = templates[kind]
        owner = rng.choice(centre.members()) if roll < 0.6 else None
        status = CaseStatus.AWAITING_PARENT if roll > 0.9 else (
            CaseStatus.IN_PROGRESS if owner else CaseStatus.RECEIVED)  # fmt: skip
        due = NOW + timedelta(hours=rng.uniform(-60, 120))
        clock = case.clock.model_copy(update={
            "due": due, "paused_at": NOW - timedelta(days=1)
            if status == CaseStatus.AWAITING_PARENT else None})  # fmt: skip
        sensitive = rng.random() < 0.1
        category = (rng.choice([Category.STAFF_CONDUCT, Category.CHILD_WELLBEING_AND_SAFETY])
                    if sensitive else rng.choice(other))  # fmt: skip
        docs.append(case.model_copy(update={
            "reference": new_reference(), "centre_id": centre.centre_id,
            "centre_name": centre.name, "region_id": centre.region_id, "status": status,
            "category": category, "clock": clock, "next_nudge_at": due, "open": True,
            "assignee": Person(key=owner.key, name=owner.name) if owner else None,
            "created_at": NOW - timedelta(hours=rng.uniform(1, 300)),
        }))  # fmt: skip
    for centre in centres[::2]:
        docs.append(templates[Kind.COMPLIMENT].model_copy(update={
            "reference": new_reference(), "centre_id": centre.centre_id,
            "centre_name": centre.name, "region_id": centre.region_id, "open": False,
            "created_at": NOW - timedelta(hours=rng.uniform(1, 23)),
        }))  # fmt: skip
    write_all(client, CASES, ((case.reference, dump(case)) for case in docs))


# ------------------------------------------------------------------------------- the two sides


def baseline_centre(client, centre, since: datetime, until: datetime) -> tuple[int, list[dict]]:
    """The same rows by the same two queries, grouped per recipient in a plain loop: the
    number of recipients with something to read, and the open rows (for the region)."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.adapters.firestore.base import CASES
    from functions.domain.cases.digest_cases import FIELDS

    here = client.collection(CASES).where(filter=FieldFilter("centre_id", "==", centre.centre_id))
    rows = [d.to_dict() for d in
            here.where(filter=FieldFilter("open", "==", True)).select(FIELDS).stream()]  # fmt: skip
    recent = (here.where(filter=FieldFilter("kind", "==", "compliment"))
              .where(filter=FieldFilter("created_at", ">=", since)))  # fmt: skip
    praise = [row for row in (d.to_dict() for d in recent.select(FIELDS).stream())
              if row["created_at"] < until]  # fmt: skip
    per_person = {member.key: [] for member in centre.members()}
    unassigned, waiting = [], []
    for row in rows:
        owner = (row.get("assignee") or {}).get("key")
        if row["status"] == "awaiting_parent":
            waiting.append(row)
        elif owner in per_person:
            per_person[owner].append(row)
        elif owner is None and row["kind"] == "complaint":
            unassigned.append(row)
    per_person[centre.principal.key] = rows
    sent = sum(bool(mine or unassigned or waiting or praise) for mine in per_person.values())
    return sent, rows


def baseline_region(rows_by_centre: dict[str, list[dict]], centres, now: datetime) -> int:
    """Each centre's counts and the ten worst overdue, from the rows the baseline's centres
    read; 1 when the region has something to tell."""
    counts, late = {}, []
    for centre in centres:
        rows = rows_by_centre.get(centre.centre_id, [])
        overdue = [r for r in rows if r["status"] != "awaiting_parent" and r["clock"]["due"]
                   and r["clock"]["due"] <= now]  # fmt: skip
        unassigned = sum(r.get("assignee") is None and r["kind"] == "complaint" for r in rows)
        waiting = sum(r["status"] == "awaiting_parent" for r in rows)
        counts[centre.centre_id] = (len(rows), len(overdue), unassigned, waiting)
        late += overdue
    late = sorted(late, key=lambda r: r["clock"]["due"])[:10]
    return int(any(c[0] for c in counts.values()) or bool(late))


def run(centres: int, staff: int, cases: int) -> dict:
    from functions.adapters.firestore.cases import FirestoreCaseReader
    from functions.adapters.firestore.unit_of_work import FirestoreTransactions
    from functions.domain.cases.digest_times import digest_time, previous_digest_time
    from functions.services.cases.digest import (
        centre_outgoing,
        commit_digests,
        region_outgoing,
    )

    counter = ReadCounter()
    regions, centre_list = network(centres, staff)
    day = NOW.date()
    by_region = {
        r.region_id: [c for c in centre_list if c.region_id == r.region_id] for r in regions
    }
    with firestore_emulator():
        client = counting_client(counter, "digests")
        began = time.perf_counter()
        seed(client, centre_list, cases)
        seed_seconds = time.perf_counter() - began
        deps = SimpleNamespace(cases=FirestoreCaseReader(client), network_name="Bench Network",
                               transactions=FirestoreTransactions(client), queue=_NoQueue(),
                               clock=lambda: NOW)  # fmt: skip

        def service(chunk):
            return [centre_outgoing(centre, day, NOW, deps) for centre in chunk]

        def baseline(chunk):
            made = []
            for centre in chunk:
                calendar = centre.calendar()
                made.append(baseline_centre(client, centre, previous_digest_time(calendar, day),
                                            digest_time(calendar, day)))  # fmt: skip
            return made

        # Warm-up, uncounted: the emulator's JVM, the client's channel, the templates of
        # pydantic's validators.
        service(centre_list[:WARMUP_CENTRES])
        baseline(centre_list[:WARMUP_CENTRES])
        counter.reset()

        times = {"service": 0.0, "baseline": 0.0}
        reads = {"service": 0, "baseline": 0}
        centre_days, baseline_rows, baseline_digests = [], {}, 0
        for n, start in enumerate(range(0, len(centre_list), CHUNK)):
            chunk = centre_list[start : start + CHUNK]
            sides = [("service", service), ("baseline", baseline)]
            for name, side in sides[n % 2 :] + sides[: n % 2]:
                before = counter.reads
                began = time.perf_counter()
                result = side(chunk)
                times[name] += time.perf_counter() - began
                reads[name] += counter.reads - before
                if name == "service":
                    centre_days += result
                else:
                    baseline_digests += sum(sent for sent, _ in result)
                    baseline_rows.update((c.centre_id, rows) for c, (_, rows)
                                         in zip(chunk, result, strict=True))  # fmt: skip

        # The centres' commits, apart: per centre its digests, once keys and summary.
        before, began = counter.reads, time.perf_counter()
        committed = sum(commit_digests(cd.outgoing, deps, NOW, cd.summary).sent
                        for cd in centre_days)  # fmt: skip
        commit_seconds = time.perf_counter() - began
        commit_reads = counter.reads - before

        # The regions, from the summaries: against counting the rows in memory.
        trips = counter.round_trips
        before, began = counter.reads, time.perf_counter()
        region_days = [region_outgoing(region, by_region[region.region_id], day, NOW, deps)
                       for region in regions]  # fmt: skip
        region_seconds = time.perf_counter() - began
        region_reads = counter.reads - before
        region_trips = counter.round_trips - trips
        began = time.perf_counter()
        region_baseline = sum(baseline_region(baseline_rows, by_region[r.region_id], NOW)
                              for r in regions)  # fmt: skip
        region_baseline_seconds = time.perf_counter() - began
        region_mail = [o for rd in region_days for o in rd.outgoing]
        counted_directly = sum(len(rd.counted_directly) for rd in region_days)
        before, began = counter.reads, time.perf_counter()
        committed += commit_digests(region_mail, deps, NOW).sent
        commit_seconds += time.perf_counter() - began
        commit_reads += counter.reads - before

        # The fallback, apart: a day no centre summed up (every centre counted directly).
        before, began = counter.reads, time.perf_counter()
        fallback = [region_outgoing(region, by_region[region.region_id],
                                    day + timedelta(days=1), NOW, deps)
                    for region in regions]  # fmt: skip
        fallback_seconds = time.perf_counter() - began
        fallback_reads = counter.reads - before
        assert [[o.message.data["totals"] for o in rd.outgoing] for rd in fallback] == [
            [o.message.data["totals"] for o in rd.outgoing] for rd in region_days
        ]

    outgoing = [o for cd in centre_days for o in cd.outgoing]
    digests_n = len(outgoing) + len(region_mail)
    all_reads = reads["service"] + region_reads
    service_all = times["service"] + region_seconds
    baseline_all = times["baseline"] + region_baseline_seconds
    sizes = [len(json.dumps(o.message.data, default=str)) for o in outgoing + region_mail]
    return {
        "centres": centres, "staff_per_centre": staff, "open_cases": cases,
        "regions": len(regions), "seed_seconds": round(seed_seconds, 1),
        "centre_digests": len(outgoing), "region_digests": len(region_mail),
        "baseline_centre_digests": baseline_digests, "baseline_region_digests": region_baseline,
        "centre_service_seconds": round(times["service"], 3),
        "centre_baseline_seconds": round(times["baseline"], 3),
        "centre_ratio": round(times["service"] / times["baseline"], 3),
        "centre_service_reads": reads["service"], "centre_baseline_reads": reads["baseline"],
        "region_seconds": round(region_seconds, 3), "region_reads": region_reads,
        "region_round_trips": region_trips, "counted_directly": counted_directly,
        "region_baseline_seconds": round(region_baseline_seconds, 4),
        "service_seconds": round(service_all, 3), "baseline_seconds": round(baseline_all, 3),
        "ratio": round(service_all / baseline_all, 3),
        "reads": all_reads, "digests": digests_n,
        "reads_per_digest": round(all_reads / digests_n, 3),
        "reads_floor_per_digest": round(cases / digests_n, 3),
        "commit_seconds": round(commit_seconds, 3), "commit_reads": commit_reads,
        "committed": committed,
        "fallback_seconds": round(fallback_seconds, 3), "fallback_reads": fallback_reads,
        "message_data_bytes_median": int(statistics.median(sizes)),
        "message_data_bytes_max": max(sizes),
        "target_ratio": TARGET_RATIO,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }  # fmt: skip


class _NoQueue:
    """The mail's delivery is not part of this: a queue that takes everything."""

    def enqueue(self, task) -> None:
        return None

    def cancel(self, task) -> None:
        return None


def report(r: dict) -> None:
    print(f"{r['centres']} centres of {r['staff_per_centre']} staff and a principal, "
          f"{r['regions']} regions, {r['open_cases']} open cases (seeded in "
          f"{r['seed_seconds']} s); digest hour {NOW.isoformat()}")  # fmt: skip
    print(f"centre digests: {r['centre_digests']} (the baseline's plain grouping: "
          f"{r['baseline_centre_digests']}), region digests: {r['region_digests']} "
          f"({r['baseline_region_digests']})")  # fmt: skip
    print("read + group + compose (the commits apart, below):")
    print(f"  centres  service {r['centre_service_seconds']:8.3f} s "
          f"{r['centre_service_reads']:6d} documents read; baseline "
          f"{r['centre_baseline_seconds']:8.3f} s {r['centre_baseline_reads']:6d} "
          f"(same queries, rows grouped in a plain loop): {r['centre_ratio']:.2f}")  # fmt: skip
    print(f"  regions  service {r['region_seconds']:8.3f} s {r['region_reads']:6d} documents "
          f"read (the centres' summaries: one query per region, {r['region_round_trips']} "
          f"round trips; {r['counted_directly']} centres counted directly); baseline "
          f"{r['region_baseline_seconds']:.4f} s in memory from the rows its centres "
          "read")  # fmt: skip
    print(f"  all digests: service {r['service_seconds']:.3f} s, baseline "
          f"{r['baseline_seconds']:.3f} s: ratio {r['ratio']:.2f} "
          f"{verdict(r['ratio'] <= TARGET_RATIO, f'{TARGET_RATIO:.0f}')}")  # fmt: skip
    print(f"documents read per digest sent: {r['reads_per_digest']:.2f} ({r['reads']} reads / "
          f"{r['digests']} digests)")  # fmt: skip
    print(f"  floor: every open case is read once, for its centre's digests: "
          f"{r['open_cases']} / {r['digests']} = {r['reads_floor_per_digest']:.2f}; above it: "
          f"{r['reads'] - r['open_cases']} reads (the compliments, 1 for each centre's "
          "compliments query that finds none, the regions' summaries)")  # fmt: skip
    print(f"the commits, apart: {r['committed']} digests and {r['centres']} summaries in "
          f"{r['commit_seconds']:.3f} s, {r['commit_reads']} reads (per centre one commit: "
          "an outbox message and a once key per digest, the summary)")  # fmt: skip
    print(f"no summary at all (every centre counted from its open cases, the fallback): "
          f"{r['fallback_seconds']:.3f} s, {r['fallback_reads']} reads for the "
          f"{r['regions']} regions, the same totals")  # fmt: skip
    print(f"message data: median {r['message_data_bytes_median']} bytes, largest "
          f"{r['message_data_bytes_max']} bytes")  # fmt: skip
    print(f"load average (1 min) at the end: {r['load_average_1min']}")


if __name__ == "__main__":
    sys.exit(main(__doc__, run, report, centres=(200, "centres"), staff=(10, "staff per centre"),
                  cases=(5000, "open cases")))  # fmt: skip
