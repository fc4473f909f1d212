"""run_nudges' scan against reading the cases due directly, over a real Firestore emulator.

Seeded (batched writes, not measured): N open cases (default 10,000), of which D (default 50)
are due for a nudge (next_nudge_at in the past) and the rest later (in the future).

Measured, in the same run and alternating (each side first in turn, after an uncounted
warm-up):
- the scan: FirestoreCaseReader.due_for_nudge(now, SCAN_LIMIT + 1), as scan_nudges calls it
  (one range on next_nudge_at: a single-field index), giving Case models;
- the baseline: the D due documents read by reference (client.get_all), given the same Case
  models: the least any scan could read;
- not a target, a floor: the same scan over a collection holding only the D due cases. The
  emulator has no indexes and runs a query over every document of the collection (seen here:
  the same 50-document query took ~20 ms over 50 cases and ~65 ms over 10,000, while
  get_all stayed ~19 ms); Firestore answers it from the next_nudge_at index, at a cost that
  follows the documents returned. The floor shows what the query path itself costs over the
  baseline, apart from the emulator's scan.
Documents read are counted at the client: a gRPC interceptor on the emulator channel counts
the documents each RunQuery and BatchGetDocuments stream yields; a query that yields none
counts 1, as Firestore bills it.

Targets: reads per scan <= due + 1; time ratio scan / baseline (medians) <= 1.5. Exit code 0
whatever the result: a benchmark, not a test.

    .venv/bin/python bench/nudge_scan.py [--cases 10000] [--due 50] [--rounds 30] [--json]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from _common import Interceptor, counting_client, firestore_emulator, main, verdict, write_all

TARGET_RATIO = 1.5
WARMUP = 10


class DocumentCounter(Interceptor):
    """Counts the documents that RunQuery and BatchGetDocuments streams yield to the client,
    and the queries that yield none (billed as one read each)."""

    def __init__(self):
        self.documents = self.empty_queries = self.queries = self.gets = 0

    def intercept_unary_stream(self, continuation, details, request):
        method = self.method(details)
        call = continuation(details, request)
        if method not in ("RunQuery", "BatchGetDocuments"):
            return call
        key = "document" if method == "RunQuery" else "found"
        return self.counted(call, key, lambda found: self.finished(method, found))

    def finished(self, method: str, found: int) -> None:
        self.documents += found
        if method == "RunQuery":
            self.queries += 1
            self.empty_queries += found == 0
        else:
            self.gets += 1

    @property
    def billed_reads(self) -> int:
        return self.documents + self.empty_queries

    def reset(self) -> None:
        self.documents = self.empty_queries = self.queries = self.gets = 0


def _template_case(now: datetime):
    from functions.adapters.firestore.service_levels import policy_from_file
    from functions.domain.cases.models import Consent, Reporter
    from functions.domain.cases.opening import open_case
    from functions.domain.directory.models import Centre, Contact
    from functions.domain.shared.vocabulary import Category, Kind, Source

    centre = Centre(centre_id="bench-centre", name="Bench Centre", region_id="bench-region",
                    principal=Contact(name="P", email="p@bench.example.org"))  # fmt: skip
    case, _ = open_case(
        reference="FB-AAAA-AAA", source=Source.API, centre=centre, kind=Kind.COMPLAINT,
        category=Category.FACILITIES, description="The gate latch is broken", urgent=False,
        reporter=Reporter(email="parent@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=now), child=None,
        triage=None, policy=policy_from_file(), now=now,
    )  # fmt: skip
    return case


def seed(client, cases: int, due: int, now: datetime) -> list[str]:
    """Write `cases` open cases in batches; `due` of them due by `now`. The due references."""
    from functions.adapters.firestore.base import CASES, dump
    from functions.domain.cases.references import new_reference

    template = _template_case(now - timedelta(days=3))
    references: set[str] = set()
    while len(references) < cases:
        references.add(new_reference())
    ordered = sorted(references)
    due_refs = set(ordered[:: max(1, cases // due)][:due])  # spread over the collection
    docs = []
    for n, reference in enumerate(ordered):
        late = reference in due_refs
        when = now - timedelta(minutes=5 + n % 600) if late else now + timedelta(hours=1 + n % 900)
        case = template.model_copy(update={"reference": reference, "next_nudge_at": when})
        docs.append((reference, dump(case)))
    write_all(client, CASES, docs)
    return sorted(due_refs)


def _median_ms(seconds: list[float]) -> float:
    return round(statistics.median(seconds) * 1000, 3)


def run(cases: int, due: int, rounds: int, warmup: int = WARMUP) -> dict:
    from functions.adapters.firestore.base import CASES
    from functions.adapters.firestore.cases import FirestoreCaseReader
    from functions.domain.cases.models import Case
    from functions.services.cases.nudge import SCAN_LIMIT

    counter = DocumentCounter()
    now = datetime.now(UTC)
    with firestore_emulator():
        client = counting_client(counter, "nudges")
        began = time.perf_counter()
        due_refs = seed(client, cases, due, now)
        seed_seconds = time.perf_counter() - began
        reader = FirestoreCaseReader(client)
        refs = [client.collection(CASES).document(reference) for reference in due_refs]
        only_due = counting_client(counter, "nudges")
        seed(only_due, due, due, now)
        floor_reader = FirestoreCaseReader(only_due)

        def scan() -> list:
            return reader.due_for_nudge(now, SCAN_LIMIT + 1)

        def baseline() -> list:
            return [Case.model_validate(s.to_dict()) for s in client.get_all(refs) if s.exists]

        def floor() -> list:
            return floor_reader.due_for_nudge(now, SCAN_LIMIT + 1)

        for _ in range(warmup):
            scan()
            baseline()
            floor()
        found = {case.reference for case in scan()}
        if found != set(due_refs):
            raise RuntimeError(f"the scan found {len(found)} cases, not the {due} due")

        sides = {"scan": scan, "baseline": baseline, "floor": floor}
        times: dict[str, list[float]] = {name: [] for name in sides}
        reads: dict[str, list[int]] = {name: [] for name in sides}
        order = list(sides)
        for n in range(rounds):
            for name in order[n % 3 :] + order[: n % 3]:  # each goes first in turn
                counter.reset()
                start = time.perf_counter()
                got = sides[name]()
                times[name].append(time.perf_counter() - start)
                reads[name].append(counter.billed_reads)
                if len(got) != due:
                    raise RuntimeError(f"{name} gave {len(got)} cases, not {due}")

        counter.reset()
        nothing = reader.due_for_nudge(now - timedelta(days=30), SCAN_LIMIT + 1)
        empty_reads = counter.billed_reads

    scan_reads = max(reads["scan"])
    ratio = _median_ms(times["scan"]) / _median_ms(times["baseline"])
    return {
        "cases": cases,
        "due": due,
        "rounds": rounds,
        "seed_seconds": round(seed_seconds, 1),
        "scan_reads": scan_reads,
        "baseline_reads": max(reads["baseline"]),
        "target_reads": due + 1,
        "reads_pass": scan_reads <= due + 1,
        "empty_scan_reads": empty_reads,
        "empty_scan_found": len(nothing),
        "scan_median_ms": _median_ms(times["scan"]),
        "baseline_median_ms": _median_ms(times["baseline"]),
        "floor_median_ms": _median_ms(times["floor"]),
        "floor_ratio": round(_median_ms(times["floor"]) / _median_ms(times["baseline"]), 3),
        "ratio": round(ratio, 3),
        "target_ratio": TARGET_RATIO,
        "ratio_pass": ratio <= TARGET_RATIO,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def report(result: dict) -> None:
    reads_target = f"due + 1 = {result['target_reads']}"
    print(f"{result['cases']} open cases, {result['due']} due for a nudge, Firestore "
          f"emulator (seeded in {result['seed_seconds']} s; {result['rounds']} rounds per "
          f"side)")  # fmt: skip
    print(f"documents read per scan (counted at the client): {result['scan_reads']} "
          f"{verdict(result['reads_pass'], reads_target)}; "
          f"reading the due ones by reference: {result['baseline_reads']}")  # fmt: skip
    print(f"  a scan with nothing due reads {result['empty_scan_reads']} "
          f"(Firestore bills an empty query as 1)")  # fmt: skip
    print(f"time per scan (median): {result['scan_median_ms']:.2f} ms; the due documents by "
          f"reference (client.get_all): {result['baseline_median_ms']:.2f} ms")  # fmt: skip
    print(f"ratio scan / by reference: {result['ratio']:.2f} "
          f"{verdict(result['ratio_pass'], f'{TARGET_RATIO:.2f}')}")  # fmt: skip
    print(f"  floor, not a target: the same scan over only the {result['due']} due cases "
          f"{result['floor_median_ms']:.2f} ms, {result['floor_ratio']:.2f} x by reference "
          f"(the rest is the emulator reading every case: it has no indexes)")  # fmt: skip
    print(f"load average (1 min) at the end: {result['load_average_1min']}")


if __name__ == "__main__":
    sys.exit(main(__doc__, run, report, cases=(10_000, "open cases"), due=(50, "of which due"),
                  rounds=(30, "measured per side")))  # fmt: skip
