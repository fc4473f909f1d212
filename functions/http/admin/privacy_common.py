"""What the privacy page and the privacy operations share (privacy.py, privacy_api.py): who
may ask (network administrators only), reading the person asked about, running the export
or the erasure, and the export as a JSON download.

Scope: a person's records span regions (a parent may have reported at a centre of one
region and registered for a forum of another, or the network's), and an export or an
erasure is all of them or it is not what the law asks for. A regional administrator cannot
see another region's people, so only network administrators (region None) may do either;
a regional one is refused (403) and asks a network administrator.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

from flask import Response, stream_with_context

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.privacy.person import Person, identify

REFUSED_SCOPE = ("Only a network administrator may export or erase a person's records: they "
                 "span every region. Ask a network administrator.")  # fmt: skip


def may_ask(administrator) -> bool:
    return administrator.whole_network


def person_asked(given: object) -> Person:
    """The person named in the request, or NotAPerson (the caller answers 400)."""
    return identify(given)


def export(administrator, person: Person) -> tuple[Iterator[str], str]:
    """The export's JSON text in pieces (its first already made: an outage while reading a
    usual person's records is still answered 503), and the day it was made."""
    from functions.services.privacy.export_stream import export_chunks

    deps = wiring.dependencies()
    now = deps.clock()
    logged = lambda counts: logs.person_exported(administrator.key, counts)  # noqa: E731
    chunks = export_chunks(deps, person, now, logged)
    first = next(chunks)
    return itertools.chain((first,), chunks), now.date().isoformat()


def preview(person: Person) -> tuple[list[dict], list[str]]:
    """What an erasure would do (kind, count, action), counted a page at a time (none
    kept), and the other addresses and numbers their records give (records found by those
    alone are not among these: the administrator erases by each that is theirs too)."""
    from functions.services.privacy.erase import plan
    from functions.services.privacy.export import walk

    counts: dict[str, int] = {}
    also: set[str] = set()
    for kind, entries in walk(wiring.dependencies(), person):
        counts[kind] = counts.get(kind, 0) + len(entries)
        for entry in entries:
            also.update(_contacts(kind, entry["record"]))
    # An address once, however its records spell it (a key folds case): lower-cased.
    also = {a.lower() if "@" in a else a for a in also if a and not person.is_address(a)}
    return plan(counts), sorted(also)


def _contacts(kind: str, record: dict):
    """The address and number a case or a forum row gives (None where it gives none)."""
    held = (record.get("reporter") or {}) if kind == "cases" else record
    if kind in ("cases", "registrations", "attendance") and isinstance(held, dict):
        for field in ("email", "phone"):
            if isinstance(held.get(field), str):
                yield held[field]


def erase(administrator, person: Person) -> dict:
    from functions.services.privacy.erase import erase_person

    settings = get_settings()
    # make run's captured mail is purged too; where mail really goes, there is none.
    mailbox = settings.local_mailbox_dir if settings.mail_transport == "local" else None
    done = erase_person(wiring.dependencies(), person, administrator.key, mailbox)
    logs.person_erased(administrator.key, done)
    return done


def download(export: tuple[Iterator[str], str]) -> Response:
    """The export as a JSON file to save, streamed, never kept by a cache on the way."""
    chunks, day = export
    day = re.sub(r"[^0-9-]", "", day) or "export"
    response = Response(stream_with_context(chunks), status=200, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="personal-data-{day}.json"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
