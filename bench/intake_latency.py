"""Warm latency of submit_feedback against a raw commit of the same documents.

Measured in one process, over one Firestore emulator and one Cloud Tasks emulator: each round
POSTs a new submission (with an Idempotency-Key, as the web form and Google Forms always send
one) to the deployed entry point through Flask's test client, and commits, through the same
Firestore client, one batch holding a copy of the documents that request stored (new ids,
same data). The request does everything a parent waits for: parsing and validation, the
centre's lookup, the case, its first event, its mail and the idempotency marker in one
commit, and one Cloud Tasks call for the mail. The baseline is the least any code can do
to store those documents: one commit. The two alternate in each round (order swapped each
round), so machine noise hits both alike.

Targets: p50 ratio ≤ 1.3. Also printed: what the request sent to Firestore (reads and
commits per request), from the adapter's own calls. Exit code 0 whatever the ratio: a
benchmark, not a test.

    .venv/bin/python bench/intake_latency.py [--rounds 300] [--json]
"""

from __future__ import annotations

import itertools
import os
import statistics
import sys
import time
import uuid

from _common import REPO_ROOT, main, verdict
from _submission import SUBMISSION

from functions.devtools.emulators import (
    FirestoreEmulator,
    TasksEmulator,
    queues_from_yaml,
)

TARGET_P50_RATIO = 1.3
TASK = "tasks call alone"
WARM_UP = 30


class Recorder:
    """Counts the request's Firestore reads (every document get) and commits, and keeps the
    writes of the last commit, to copy for the baseline."""

    def __init__(self):
        self.reads = self.commits = 0
        self.last_writes: list = []
        self.counting = True

    def install(self) -> None:
        from google.cloud.firestore_v1.document import DocumentReference

        from functions.adapters.firestore import unit_of_work

        recorder, get, commit = self, DocumentReference.get, unit_of_work._Unit.commit

        def counted_get(ref, *args, **kwargs):
            recorder.reads += recorder.counting
            return get(ref, *args, **kwargs)

        def counted_commit(unit):
            recorder.commits += recorder.counting
            recorder.last_writes = list(unit.writes)
            return commit(unit)

        DocumentReference.get, unit_of_work._Unit.commit = counted_get, counted_commit

    def reset(self) -> None:
        self.reads = self.commits = 0


def copy_of(writes) -> list[tuple[str, dict]]:
    """The same documents under new ids: (path, data); every id in a path is fresh, so the
    case and its subcollection keep their shape."""
    copies, fresh = [], {}
    for _kind, ref, data, _version in writes:
        parts = ref.path.split("/")
        for i in range(1, len(parts), 2):
            parts[i] = fresh.setdefault(parts[i], uuid.uuid4().hex)
        copies.append(("/".join(parts), data))
    return copies


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(seconds: list[float]) -> dict:
    ms = [s * 1000 for s in seconds]
    return {"p50_ms": round(percentile(ms, 0.5), 2), "p99_ms": round(percentile(ms, 0.99), 2),
            "mean_ms": round(statistics.fmean(ms), 2)}  # fmt: skip


def run(rounds: int) -> dict:
    # The service's log lines still get written (their cost is part of a request), to nowhere.
    shown, sys.stdout = sys.stdout, open(os.devnull, "w")  # noqa: SIM115
    try:
        return _run(rounds)
    finally:
        sys.stdout.close()
        sys.stdout = shown


def _run(rounds: int) -> dict:
    with (
        FirestoreEmulator() as firestore,
        TasksEmulator(queues=queues_from_yaml("demo-bench", "local")) as tasks,
    ):
        os.environ.update({
            "FIRESTORE_EMULATOR_HOST": firestore.host, "CLOUD_TASKS_EMULATOR_HOST": tasks.host,
            "GOOGLE_CLOUD_PROJECT": "demo-bench", "NO_GCE_CHECK": "true",
        })  # fmt: skip
        from functions_framework import create_app

        from functions import wiring
        from functions.devtools.seed import seed_demo_data

        seed_demo_data()
        client = create_app("submit_feedback", str(REPO_ROOT / "main.py")).test_client()
        recorder = Recorder()
        recorder.install()
        db = wiring.firestore_client()

        parents = itertools.count(1)

        def submit() -> float:
            # Each submission from a parent of its own, as in life: the flood limit holds one
            # address after 60 (functions/http/flood_limit.py), and is measured, not tripped.
            n = next(parents)
            address = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
            headers = {"Idempotency-Key": uuid.uuid4().hex, "X-Forwarded-For": address}
            began = time.perf_counter()
            answer = client.post("/", json=SUBMISSION, headers=headers)
            elapsed = time.perf_counter() - began
            if answer.status_code != 201:
                raise RuntimeError(f"submit_feedback answered {answer.status_code}")
            return elapsed

        def raw_commit() -> float:
            """What the client does with the documents and nothing else: one batch, one
            create per document (the library turns each into its protobuf), one commit."""
            documents = copy_of(recorder.last_writes)
            began = time.perf_counter()
            batch = db.batch()
            for path, data in documents:
                batch.create(db.document(path), data)
            batch.commit()
            return time.perf_counter() - began

        queue = wiring.task_queue()

        def raw_task() -> float:
            """Not a baseline: the request's one Cloud Tasks call alone, through the same
            client, to show what overlapping it with the commit can hide."""
            from functions.services.ports import Task

            task = Task("deliver_email", {"messages": [{"message_id": uuid.uuid4().hex}]},
                        uuid.uuid4().hex)  # fmt: skip
            began = time.perf_counter()
            queue.enqueue(task)
            return time.perf_counter() - began

        for _ in range(WARM_UP):
            submit(), raw_commit(), raw_task()
        recorder.reset()
        timed: dict[str, list[float]] = {"submit_feedback": [], "raw commit": [], TASK: []}
        for i in range(rounds):
            steps = [("submit_feedback", submit), ("raw commit", raw_commit), (TASK, raw_task)]
            for name, step in steps[:: 1 if i % 2 == 0 else -1]:
                if name == "raw commit" and not recorder.last_writes:
                    continue
                timed[name].append(step())
        documents = len(recorder.last_writes)
    result = {name: _summary(samples) for name, samples in timed.items()}
    p50 = result["submit_feedback"]["p50_ms"] / result["raw commit"]["p50_ms"]
    p99 = result["submit_feedback"]["p99_ms"] / result["raw commit"]["p99_ms"]
    return {
        "rounds": rounds,
        "documents_per_commit": documents,
        "firestore_reads_per_request": round(recorder.reads / rounds, 2),
        "firestore_commits_per_request": round(recorder.commits / rounds, 2),
        "latency": result,
        "p50_ratio": round(p50, 3),
        "p99_ratio": round(p99, 3),
        "target_p50_ratio": TARGET_P50_RATIO,
        "pass": p50 <= TARGET_P50_RATIO,
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def report(result: dict) -> None:
    print(f"warm latency, {result['rounds']} rounds, {result['documents_per_commit']} documents "
          "per commit (ms)")  # fmt: skip
    print(f"  {'':16} {'p50':>8} {'p99':>8} {'mean':>8}")
    for name, t in result["latency"].items():
        print(f"  {name:16} {t['p50_ms']:8.2f} {t['p99_ms']:8.2f} {t['mean_ms']:8.2f}")
    print(
        f"p50 ratio submit_feedback / raw commit: {result['p50_ratio']:.2f} "
        f"{verdict(result['pass'], f'{TARGET_P50_RATIO:.2f}', 'OVER')}; "
        f"p99 ratio {result['p99_ratio']:.2f}"
    )
    print(
        f"per request: {result['firestore_reads_per_request']} Firestore reads, "
        f"{result['firestore_commits_per_request']} commits (+ one Cloud Tasks call)"
    )
    print(f"load average (1 min) at the end: {result['load_average_1min']}")


if __name__ == "__main__":
    sys.exit(main(__doc__, run, report, rounds=(300, "timed rounds")))
