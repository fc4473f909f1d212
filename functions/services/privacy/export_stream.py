"""The export (POPIA's right of access) as JSON text, a page of records at a time
(export.walk), so a person with very many records (a flood of cases under their address)
is never held in memory whole, nor answered as one body (Cloud Run refuses a response over
32 MiB unless it is streamed). The text is gathered into pieces of about 64 KB: the first
piece is made before anything is sent, so most exports are read whole before the answer
starts and an outage while reading them is still answered 503.

{"about", "generated_at", "records": {kind: [entries]}, "consents", "counts"}: the counts
come last, when they are known.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime

from functions.domain.privacy.consents import consents_given
from functions.domain.privacy.person import Person
from functions.services.ports import Dependencies
from functions.services.privacy.export import walk

PIECE = 64 * 1024  # characters gathered before a piece is handed on


def export_chunks(deps: Dependencies, person: Person, now: datetime,
                  done: Callable[[dict], None] = lambda counts: None) -> Iterator[str]:  # fmt: skip
    """The export's JSON text in pieces; `done(counts)` once it is all written."""
    return _gathered(_pieces(deps, person, now, done))


def _pieces(deps, person, now, done) -> Iterator[str]:
    encode = json.JSONEncoder(default=plain, ensure_ascii=False).encode
    about = {"kind": person.kind, "value": person.value}
    yield f'{{"about": {encode(about)}, "generated_at": {encode(now.isoformat())}, "records": {{'
    counts: dict[str, int] = {}
    consents: list[dict] = []
    for kind, entries in walk(deps, person):
        if kind not in counts:
            yield ("" if not counts else "\n],") + f"\n{encode(kind)}: ["
            counts[kind] = 0
        for entry in entries:
            yield ("\n" if not counts[kind] else ",\n") + encode(entry)
            counts[kind] += 1
        if kind in ("cases", "registrations"):
            consents += consents_given({kind: entries}, deps.network_name)
    yield f'\n]}},\n"consents": {encode(consents)},\n"counts": {encode(counts)}}}\n'
    done(counts)


def _gathered(pieces: Iterator[str]) -> Iterator[str]:
    buffer: list[str] = []
    size = 0
    for piece in pieces:
        buffer.append(piece)
        size += len(piece)
        if size >= PIECE:
            yield "".join(buffer)
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer)


def plain(value):
    """What JSON has no type for: times in ISO 8601, bytes in base64, the rest as text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
