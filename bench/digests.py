"""Building the daily digests against an in-memory grouping of the same rows, over a real
Firestore emulator.

Seeded (batched writes, not measured): C centres (default 200) of S staff each (default 10,
plus a principal), in regions of 20 centres, and N open cases (default 5,000) spread evenly
over the centres: about 60% assigned to a member, 10% waiting on a parent, a third overdue,
one in ten about staff conduct or a child's safety; plus one compliment for every other
centre since the last digest.

Measured, in the same run, alternating in chunks of centres (each side first in turn) after
an uncounted warm-up:
- the service: services/cases/digest.centre_outgoing for each centre (its open cases and
  its compliments: two queries, a projection of the fields a digest shows; each member's
  digest grouped, ordered and composed into an outbox message) and region_outgoing for each
  region (five count aggregations per centre, two ordered and limited queries for the worst
  overdue). The mail's commit (an outbox message and a once key per digest, no read) is
  left out of this and measured apart, once, after;
- the baseline: the same two queries per centre (the same projection, as raw dicts), the
  rows grouped per recipient in a plain loop (the principal: all; each member: theirs and
  the unassigned), and each region's counts counted from the same rows in memory.
Documents read are counted at the client: a gRPC interceptor on the emulator channel counts
the documents each RunQuery stream yields (a query that yields none counts 1, as Firestore
bills it) and each RunAggregationQuery as 1 (billed 1 per 1,000 entries counted: a centre
never has that many open cases).

Targets: time ratio service / baseline <= 2 (centre digests; all digests with the regions'
shown too). Documents read per digest sent: printed, and judged against 2 honestly (the
floor is the open cases themselves: every one is in its principal's digest). Exit code 0
whatever the result: a benchmark, not a test.

    .venv/bin/python bench/digests.py [--centres 200] [--staff 10] [--cases 5000] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
from functions.devtools.emulators import FirestoreEmulator  # noqa: E402

TARGET_RATIO = 2.0
TARGET_READS = 2.0
CENTRES_PER_REGION = 20
CHUNK = 20  # centres per side before switching
WARMUP_CENTRES = 20
BATCH = 500  # Firestore's most writes per batch
SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2026, 12, 15, 7, 10, tzinfo=SAST)  # a Tuesday: the digest hour of a working day


def _interceptor_bases():
    import grpc

    return grpc.UnaryStreamClientInterceptor, grpc.UnaryUnaryClientInterceptor


class ReadCounter(*_interceptor_bases()):
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
        method = details.method.decode() if isinstance(details.method, bytes) else details.method
        method = method.rsplit("/", 1)[-1]
        self.round_trips += 1
        call = continuation(details, request)
        if method == "RunAggregationQuery":
            self.aggregations += 1
            return call
        if method != "RunQuery":
            return call
        return _CountedStream(call, self)


class _CountedStream:
    def __init__(self, call, counter: ReadCounter):
        self._call, self._counter, self._found, self._done = call, counter, 0, False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            response = next(self._call)
        except StopIteration:
            if not self._done:
                self._done = True
                self._counter.documents += self._found
                self._counter.empty_queries += self._found == 0
            raise
        if "document" in response:
            self._found += 1
        return response

    def __getattr__(self, name):
        return getattr(self._call, name)


def counting_client(counter: ReadCounter, project: str):
    """A Firestore client whose emulator channel goes through `counter`."""
    import grpc
    from google.cloud import firestore

    class _CountingClient(firestore.Client):
        def _emulator_channel(self, transport):
            return grpc.intercept_channel(super()._emulator_channel(transport), counter)

    return _CountingClient(project=project)


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
    batch, in_batch = client.batch(), 0
    for case in docs:
        batch.set(client.collection(CASES).document(case.reference), dump(case))
        in_batch += 1
        if in_batch == BATCH:
            batch.commit()
            batch, in_batch = client.batch(), 0
    if in_batch:
        batch.commit()


# ------------------------------------------------------------------------------- the two sides


def baseline_centre(client, centre, since: datetime, until: datetime) -> int:
    """The same rows by the same two queries, grouped per recipient in a plain loop; the
    number of recipients with something to read."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.adapters.firestore.base import CASES
    from functions.domain.cases.digests import FIELDS

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
    return sum(bool(mine or unassigned or waiting or praise) for mine in per_person.values())


def baseline_region(rows_by_centre: dict[str, list[dict]], centres, now: datetime) -> int:
    """Each centre's counts and the worst overdue, from the rows the centres' side read."""
    counts, late = {}, []
    for centre in centres:
        rows = rows_by_centre.get(centre.centre_id, [])
        overdue = [r for r in rows if r["status"] != "awaiting_parent" and r["clock"]["due"]
                   and r["clock"]["due"] <= now]  # fmt: skip
        unassigned = sum(r.get("assignee") is None and r["kind"] == "complaint" for r in rows)
        waiting = sum(r["status"] == "awaiting_parent" for r in rows)
        counts[centre.centre_id] = (len(rows), len(overdue), unassigned, waiting)
        late += overdue
    late.sort(key=lambda r: r["clock"]["due"])
    return int(any(c[0] for c in counts.values()) or bool(late))


def run(centres_n: int, staff: int, cases: int) -> dict:
    from functions.adapters.firestore.cases import FirestoreCaseReader
    from functions.adapters.firestore.unit_of_work import FirestoreTransactions
    from functions.domain.cases.digests import digest_time, previous_digest_time
    from functions.services.cases.digest import (
        centre_outgoing,
        commit_digests,
        region_outgoing,
    )

    counter = ReadCounter()
    regions, centres = network(centres_n, staff)
    day = NOW.date()
    by_region = {r.region_id: [c for c in centres if c.region_id == r.region_id] for r in regions}
    with FirestoreEmulator() as emulator:
        os.environ["FIRESTORE_EMULATOR_HOST"] = emulator.host
        client = counting_client(counter, f"demo-bench-digests-{uuid.uuid4().hex[:8]}")
        began = time.perf_counter()
        seed(client, centres, cases)
        seed_seconds = time.perf_counter() - began
        deps = SimpleNamespace(cases=FirestoreCaseReader(client), network_name="Bench Network",
                               transactions=FirestoreTransactions(client), queue=_NoQueue(),
                               clock=lambda: NOW)  # fmt: skip

        def service(chunk):
            made = []
            for centre in chunk:
                made += centre_outgoing(centre, day, NOW, deps)
            return made

        def baseline(chunk):
            sent = 0
            for centre in chunk:
                calendar = centre.calendar()
                sent += baseline_centre(client, centre, previous_digest_time(calendar, day),
                                        digest_time(calendar, day))  # fmt: skip
            return sent

        # Warm-up, uncounted: the emulator's JVM, the client's channel, the templates of
        # pydantic's validators.
        service(centres[:WARMUP_CENTRES])
        baseline(centres[:WARMUP_CENTRES])
        counter.reset()

        times = {"service": 0.0, "baseline": 0.0}
        reads = {"service": 0, "baseline": 0}
        outgoing, baseline_digests = [], 0
        for n, start in enumerate(range(0, len(centres), CHUNK)):
            chunk = centres[start : start + CHUNK]
            sides = [("service", service), ("baseline", baseline)]
            for name, side in sides[n % 2 :] + sides[: n % 2]:
                before = counter.reads
                began = time.perf_counter()
                result = side(chunk)
                times[name] += time.perf_counter() - began
                reads[name] += counter.reads - before
                if name == "service":
                    outgoing += result
                else:
                    baseline_digests += result

        # The regions: the service's aggregations against counting the rows in memory.
        rows_by_centre = _rows_by_centre(client)  # read apart, not timed: the centres' rows
        empty = counting_client(counter, f"demo-bench-digests-{uuid.uuid4().hex[:8]}")
        probe = {"seeded": _count_ms(client, centres[0].centre_id),
                 "empty": _count_ms(empty, centres[0].centre_id)}  # fmt: skip
        trips = counter.round_trips
        before, began = counter.reads, time.perf_counter()
        region_mail = []
        for region in regions:
            region_mail += region_outgoing(region, by_region[region.region_id], day, NOW, deps)
        region_seconds = time.perf_counter() - began
        region_reads = counter.reads - before
        region_trips = counter.round_trips - trips
        began = time.perf_counter()
        region_baseline = sum(baseline_region(rows_by_centre, by_region[r.region_id], NOW)
                              for r in regions)  # fmt: skip
        region_baseline_seconds = time.perf_counter() - began

        # The mail's commit, apart: one outbox message and one once key per digest.
        everything = outgoing + region_mail
        before, began = counter.reads, time.perf_counter()
        committed = commit_digests(everything, deps, NOW)
        commit_seconds = time.perf_counter() - began
        commit_reads = counter.reads - before

    digests_n = len(outgoing) + len(region_mail)
    all_reads = reads["service"] + region_reads
    sizes = [len(json.dumps(o.message.data, default=str)) for o in everything]
    return {
        "centres": centres_n, "staff_per_centre": staff, "open_cases": cases,
        "regions": len(regions), "seed_seconds": round(seed_seconds, 1),
        "centre_digests": len(outgoing), "region_digests": len(region_mail),
        "baseline_centre_digests": baseline_digests, "baseline_region_digests": region_baseline,
        "service_seconds": round(times["service"], 3),
        "baseline_seconds": round(times["baseline"], 3),
        "ratio": round(times["service"] / times["baseline"], 3),
        "service_reads": reads["service"], "baseline_reads": reads["baseline"],
        "reads_per_centre_digest": round(reads["service"] / len(outgoing), 3),
        "region_seconds": round(region_seconds, 3), "region_reads": region_reads,
        "region_round_trips": region_trips,
        "count_ms_seeded": probe["seeded"], "count_ms_empty": probe["empty"],
        "region_baseline_seconds": round(region_baseline_seconds, 4),
        "ratio_all": round((times["service"] + region_seconds)
                           / (times["baseline"] + region_baseline_seconds), 3),
        "reads_per_digest": round(all_reads / digests_n, 3),
        "commit_seconds": round(commit_seconds, 3), "commit_reads": commit_reads,
        "committed": committed.sent,
        "message_data_bytes_median": int(statistics.median(sizes)),
        "message_data_bytes_max": max(sizes),
        "target_ratio": TARGET_RATIO, "target_reads": TARGET_READS,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }  # fmt: skip


def _count_ms(client, centre_id: str, times: int = 20) -> float:
    """The median time of one centre's open-case count aggregation, in ms."""
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.adapters.firestore.base import CASES

    query = (client.collection(CASES).where(filter=FieldFilter("centre_id", "==", centre_id))
             .where(filter=FieldFilter("open", "==", True)))  # fmt: skip
    took = []
    for _ in range(times):
        began = time.perf_counter()
        query.count().get()
        took.append(time.perf_counter() - began)
    return round(statistics.median(took) * 1000, 2)


def _rows_by_centre(client) -> dict[str, list[dict]]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    from functions.adapters.firestore.base import CASES
    from functions.domain.cases.digests import FIELDS

    found: dict[str, list[dict]] = {}
    query = client.collection(CASES).where(filter=FieldFilter("open", "==", True))
    for doc in query.select(FIELDS).stream():
        row = doc.to_dict()
        found.setdefault(row["centre_id"], []).append(row)
    return found


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
    print("read + group + compose (the mail's commit apart, below):")
    print(f"  service  {r['service_seconds']:8.3f} s  {r['service_reads']:6d} documents read")
    print(f"  baseline {r['baseline_seconds']:8.3f} s  {r['baseline_reads']:6d} documents read "
          "(same queries, rows grouped in a plain loop)")  # fmt: skip
    verdict = "PASS" if r["ratio"] <= TARGET_RATIO else "OVER"
    print(f"  ratio service / baseline: {r['ratio']:.2f} (target <= {TARGET_RATIO:.0f}) "
          f"{verdict}")  # fmt: skip
    print(f"  regions: service {r['region_seconds']:.3f} s, {r['region_reads']} reads "
          f"(count aggregations, worst overdue); in memory from rows already read "
          f"{r['region_baseline_seconds']:.4f} s")  # fmt: skip
    print(f"    {r['region_round_trips']} round trips, 8 at a time; one count takes "
          f"{r['count_ms_seeded']} ms here against {r['count_ms_empty']} ms over an empty "
          "collection: the emulator has no indexes and scans every case for each query, "
          "where Firestore reads the index range")  # fmt: skip
    verdict = "PASS" if r["ratio_all"] <= TARGET_RATIO else "OVER"
    print(f"  ratio with the regions: {r['ratio_all']:.2f} {verdict}")
    verdict = "PASS" if r["reads_per_digest"] <= TARGET_READS else "OVER"
    print(f"documents read per digest sent: {r['reads_per_digest']:.2f} all digests, "
          f"{r['reads_per_centre_digest']:.2f} centre digests (judged against "
          f"{TARGET_READS:.0f}) {verdict}")  # fmt: skip
    print(f"  floor: the open cases themselves, {r['open_cases']} / {r['centre_digests']} = "
          f"{r['open_cases'] / r['centre_digests']:.2f} (each is read once, for its "
          "centre's digests)")  # fmt: skip
    print(f"the mail's commit, apart: {r['committed']} digests in {r['commit_seconds']:.3f} s, "
          f"{r['commit_reads']} reads (an outbox message and a once key each)")  # fmt: skip
    print(f"message data: median {r['message_data_bytes_median']} bytes, largest "
          f"{r['message_data_bytes_max']} bytes")  # fmt: skip
    print(f"load average (1 min) at the end: {r['load_average_1min']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--centres", type=int, default=200)
    parser.add_argument("--staff", type=int, default=10)
    parser.add_argument("--cases", type=int, default=5000)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    result = run(args.centres, args.staff, args.cases)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
