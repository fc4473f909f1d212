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

import base64
import json
import re
from datetime import date, datetime

from flask import Response

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


def export(administrator, person: Person) -> dict:
    from functions.services.privacy.export import export_person

    found = export_person(wiring.dependencies(), person)
    logs.person_exported(administrator.key, found["counts"])
    return found


def preview(person: Person) -> tuple[list[dict], dict]:
    """What an erasure would do (kind, count, action), and the records found."""
    from functions.services.privacy.erase import plan
    from functions.services.privacy.export import find_person

    found = find_person(wiring.dependencies(), person)
    return plan(found), found


def erase(administrator, person: Person) -> dict:
    from functions.services.privacy.erase import erase_person

    settings = get_settings()
    # make run's captured mail is purged too; where mail really goes, there is none.
    mailbox = settings.local_mailbox_dir if settings.mail_transport == "local" else None
    done = erase_person(wiring.dependencies(), person, administrator.key, mailbox)
    logs.person_erased(administrator.key, done)
    return done


def download(found: dict) -> Response:
    """The export as a JSON file to save, never kept by a cache on the way."""
    day = re.sub(r"[^0-9-]", "", str(found.get("generated_at", ""))[:10]) or "export"
    body = json.dumps(found, default=_plain, ensure_ascii=False, indent=1)
    response = Response(body, status=200, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="personal-data-{day}.json"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _plain(value):
    """What JSON has no type for: times in ISO 8601, bytes in base64, the rest as text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    return str(value)
