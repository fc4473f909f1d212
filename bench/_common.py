"""What the benchmarks share: the repository on the path, their command line and how a judged
line ends; a Firestore emulator, clients whose RPCs a gRPC interceptor sees, and the seeding's
batched writes.

A helper, not a benchmark (`make bench` skips bench/_*.py). A bench imports it before any of
the repository's code, which importing it puts on the path (bench/ is, as a script's folder):

    from _common import main, verdict

    from functions.domain... import ...
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
BATCH = 500  # Firestore's most writes per batch


def main(doc: str, run: Callable[..., dict], report: Callable[[dict], None],
         **options: tuple[int, str]) -> int:  # fmt: skip
    """A bench's command line: `--NAME N` for each option (its default, what it counts), and
    --json; then run(NAME=N, ...), its result printed by `report` or as JSON. The description
    is the first paragraph of the bench's docstring. Exit code 0 whatever the result: a
    benchmark, not a test."""
    parser = argparse.ArgumentParser(description=" ".join(doc.split("\n\n")[0].split()))
    for name, (default, meaning) in options.items():
        parser.add_argument(f"--{name}", type=int, default=default,
                            help=f"{meaning} (default {default})")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = vars(parser.parse_args())
    as_json = args.pop("json")
    result = run(**args)
    if as_json:
        print(json.dumps(result, indent=2))
    else:
        report(result)
    return 0


_STARTED = time.monotonic()


def progress(message: str) -> None:
    """A line on stderr, with the seconds since the bench started: where a long run is, and
    where it stood when it was stopped (stdout keeps the result alone)."""
    print(f"[{time.monotonic() - _STARTED:7.1f} s] {message}", file=sys.stderr, flush=True)


def verdict(ok: bool, target: str, failed: str = "MISS") -> str:
    """How a line that judges a measure ends: "(target <= 1.50) PASS", or `failed`."""
    return f"(target <= {target}) {'PASS' if ok else failed}"


# ------------------------------------------------------------------------------- Firestore


@contextmanager
def firestore_emulator() -> Iterator[None]:
    """A Firestore emulator for the run, FIRESTORE_EMULATOR_HOST set for the clients made in
    it."""
    from functions.devtools.emulators import FirestoreEmulator

    with FirestoreEmulator() as emulator:
        os.environ["FIRESTORE_EMULATOR_HOST"] = emulator.host
        yield


class Interceptor(grpc.UnaryUnaryClientInterceptor, grpc.UnaryStreamClientInterceptor):
    """The base of the benches' counters: a client interceptor that lets every RPC through,
    names the method a call is for, and counts a stream's documents."""

    def intercept_unary_unary(self, continuation, details, request):
        return continuation(details, request)

    def intercept_unary_stream(self, continuation, details, request):
        return continuation(details, request)

    @staticmethod
    def method(details) -> str:
        """The method an intercepted call is for: RunQuery, Commit, BatchGetDocuments..."""
        method = details.method
        method = method.decode() if isinstance(method, bytes) else method
        return method.rsplit("/", 1)[-1]

    @staticmethod
    def counted(call, key: str, done: Callable[[int], None]) -> CountedStream:
        """`call`, a server stream, counting the responses that hold `key` ("document" in a
        RunQuery's, "found" in a BatchGetDocuments'): `done` is given the count at its end."""
        return CountedStream(call, key, done)


class CountedStream:
    """A server-streaming call that counts the responses holding a key (Interceptor.counted)."""

    def __init__(self, call, key: str, done: Callable[[int], None]):
        self._call, self._key, self._done = call, key, done
        self._found, self._ended = 0, False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            response = next(self._call)
        except StopIteration:
            if not self._ended:
                self._ended = True
                self._done(self._found)
            raise
        if self._key in response:
            self._found += 1
        return response

    def __getattr__(self, name):  # cancel, code, add_callback...: the call's own
        return getattr(self._call, name)


def counting_client(interceptor: Interceptor, name: str):
    """A Firestore client of a project of its own (demo-bench-NAME-<random>) on the emulator,
    its channel going through `interceptor`.

    The library builds its emulator channel in BaseClient._emulator_channel (insecure, with
    its message-size options and an owner token) and hands it to FirestoreGrpcTransport; we
    take that very channel and intercept it, so everything else stays the library's own.
    """
    from google.cloud import firestore

    class _CountingClient(firestore.Client):
        def _emulator_channel(self, transport):
            return grpc.intercept_channel(super()._emulator_channel(transport), interceptor)

    return _CountingClient(project=f"demo-bench-{name}-{uuid.uuid4().hex[:8]}")


def write_all(client, collection: str, documents: Iterable[tuple[str, dict]]) -> None:
    """Set each (id, data) of `documents` in `collection`: the seeding, in batched writes."""
    batch, in_batch = client.batch(), 0
    for key, data in documents:
        batch.set(client.collection(collection).document(key), data)
        in_batch += 1
        if in_batch == BATCH:
            batch.commit()
            batch, in_batch = client.batch(), 0
    if in_batch:
        batch.commit()


class BilledReads(Interceptor):
    """Documents read as Firestore bills them (each document a query or batched get yields, 1
    for an empty query, 1 for each aggregation), the writes committed, and the RPCs by method."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.rpcs, self.documents, self.empty, self.aggregations = Counter(), 0, 0, 0
        self.writes = 0

    @property
    def reads(self) -> int:
        return self.documents + self.empty + self.aggregations

    def intercept_unary_unary(self, continuation, details, request):
        method = self.method(details)
        with self.lock:
            self.rpcs[method] += 1
            if method == "Commit":
                self.writes += len(request.writes)
        return continuation(details, request)

    def intercept_unary_stream(self, continuation, details, request):
        method = self.method(details)
        with self.lock:
            self.rpcs[method] += 1
        call = continuation(details, request)
        if method == "RunAggregationQuery":
            with self.lock:
                self.aggregations += 1
            return call
        if method == "RunQuery":
            return self.counted(call, "document", self._query_done)
        if method == "BatchGetDocuments":
            return self.counted(call, "found", self._got)
        return call

    def _query_done(self, found: int) -> None:
        with self.lock:
            self.documents += found
            self.empty += found == 0

    def _got(self, found: int) -> None:
        with self.lock:
            self.documents += found


class RecordingQueue:
    """Cloud Tasks as a list: every enqueue is a call; a name already used is a no-op."""

    def __init__(self):
        self.lock, self.calls, self.names, self.pending = threading.Lock(), 0, set(), []

    def enqueue(self, task) -> None:
        with self.lock:
            self.calls += 1
            if (task.handler, task.dedupe_key) not in self.names:
                self.names.add((task.handler, task.dedupe_key))
                self.pending.append(task)

    def cancel(self, task) -> None:
        with self.lock:
            self.calls += 1

    def take(self, handler: str) -> list:
        with self.lock:
            taken = [task for task in self.pending if task.handler == handler]
            self.pending = [task for task in self.pending if task.handler != handler]
        return taken
