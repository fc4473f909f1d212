"""GET/POST admin?page=charter&centre=<id>[&preview=<code>]: one centre's service charter, for
its administrators (English around the preview; no script, 360 px wide). The preview's
language is `preview`, not `lang`: ?lang= is the parents' pages' choice, remembered in a
cookie, and an administrator previewing the isiZulu charter keeps the pages they read in
their own language.

The page shows the charter as parents read it on the public page (the same text:
rendering/charter_text.py charter_sections, in each language the centre's charter is made
in), with its version; what was sent and confirmed, and when; whether the charter changed
since the version last sent, with a button that sends this centre's charter now; and the
form of the centre's local commitments, one a line (services/charters/commitments.py).

The commitments form carries their updated_at as shown: when someone changed them since,
nothing is changed and the page answers 409 with the form as sent, beside the commitments
as they stand. A commitment too long, or too many, answers 422 with the form as sent. Every
form carries the CSRF token; a change answers 303 back to the page (a refresh sends nothing
twice). A centre of another region, or none: 404.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.domain.charters.commitments import ITEM_MAX, MAX_ITEMS
from functions.domain.charters.content import charter_version
from functions.domain.charters.records import CONFIRM_WITHIN
from functions.http.admin.session import admin_view, check_csrf
from functions.http.answers import try_later_headers
from functions.http.callers import caller
from functions.http.pages import error_page, not_found_page
from functions.services.charters import commitments as service
from functions.services.charters.overview import centre_charter
from functions.services.errors import QueueUnavailable, UnknownCentre

NAME = "admin"
_LINES = re.compile(r"\r\n|\r|\n")
_FORM_MAX = 20_000  # characters of the commitments' box: ten of 300 and their line ends
_SAVED = {
    "commitments": "The local commitments are saved: the charter has a new version.",
    "unchanged": "Nothing needed changing.",
    "sent": "This centre's charter is being sent to its principal.",
    "current": "The principal already has this version: nothing was sent.",
    "no_email": "The principal has no email address: nothing was sent.",
}
_STALE = ("Someone changed this centre's commitments after you opened the page, so nothing "
          "was changed. They are shown below as they stand; your text is still in the form: "
          "check it and save again.")  # fmt: skip


def where(centre_id: str, **extra: str) -> str:
    query = "".join(f"&{k}={quote(v, safe='')}" for k, v in extra.items())
    return f"admin?page=charter&centre={quote(centre_id, safe='')}{query}"


def charter_centre_page(request: Request) -> Response:
    administrator, deps = caller(request), wiring.dependencies()
    centre_id = request.args.get("centre", "")[:200]
    try:
        centre, stored = service.read_commitments(deps, administrator, centre_id)
    except UnknownCentre:
        logs.admin_refused(NAME, 404, "unknown_centre", administrator.key)
        return not_found_page()
    errors, status, typed = [], 200, None
    if request.method == "POST":
        if (refused := check_csrf(request)) is not None:
            return refused
        action = request.form.get("action", "")
        if action == "send":
            return _send(deps, centre)
        typed = request.form.get("commitments", "")
        try:
            saved = _save(deps, administrator, centre.centre_id, typed,
                          request.form.get("updated_at", ""))  # fmt: skip
            return Response(status=303, headers={"Location": where(centre.centre_id,
                                                                   saved=saved)})  # fmt: skip
        except service.BadCommitments as bad:
            logs.input_rejected(NAME, 422, ["commitments"])
            errors, status = [str(bad)], 422
        except service.StaleCommitments as stale:
            logs.admin_refused(NAME, 409, "stale_commitments", administrator.key)
            errors, status, stored = [_STALE], 409, stale.record
    return _page(request, deps, centre, stored, errors, status, typed)


def _save(deps, administrator, centre_id: str, typed: str, seen_text: str) -> str:
    """Save the box's commitments (one a line); what the page then says ("commitments" or
    "unchanged")."""
    if len(typed) > _FORM_MAX:
        raise service.BadCommitments(f"Too much text: at most {MAX_ITEMS} commitments of "
                                     f"{ITEM_MAX} characters.")  # fmt: skip
    seen = _seen(seen_text)
    before = service.commitments_of(deps, centre_id)
    items = service.set_commitments(deps, administrator, centre_id, _LINES.split(typed),
                                    seen=seen, check_seen=True)  # fmt: skip
    return "unchanged" if items == before else "commitments"


def _seen(text: str) -> datetime | None:
    """The updated_at the form was shown with ("" : there were no commitments then)."""
    text = text.strip()[:64]
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise service.BadCommitments("The form was damaged: reload the page.") from None


def _send(deps, centre) -> Response:
    """Send this centre's charter now, if it changed since the version last sent (the
    caller's scope was checked: the centre was read through it)."""
    from functions.services.charters.distribute import distribute

    try:
        done = distribute(deps, centre.region_id, [centre.centre_id])
    except QueueUnavailable:
        return queue_unavailable()
    saved = "sent" if done.queued else ("no_email" if done.no_email else "current")
    return Response(status=303, headers={"Location": where(centre.centre_id, saved=saved)})


def queue_unavailable() -> Response:
    logs.charters_not_queued(NAME)
    return error_page(503, "Nothing was sent yet", "The task queue is briefly unavailable: "
                      "send it again in a minute (nothing is sent twice).",
                      try_later_headers())  # fmt: skip


def _page(request: Request, deps, centre, stored, errors: list[str], status: int,
          typed: str | None) -> Response:  # fmt: skip
    from functions.rendering.charter_text import charter_sections
    from functions.services.charters.build import charter_for

    charter = charter_for(deps, centre.centre_id)
    line = centre_charter(deps, centre, deps.charters.charter_record(centre.centre_id),
                          deps.clock())  # fmt: skip
    languages = [lang.value for lang in charter.languages] if charter else []
    asked = (request.args.get("preview") or request.args.get("lang") or "")[:10]
    language = asked if asked in languages else (languages[0] if languages else "en")
    text = charter_sections(charter, language) if charter else None
    items = list(stored.items) if stored else []
    saved = request.args.get("saved", "")
    return admin_view(
        request, "charters_centre.html", f"Charter of {centre.name}", status,
        centre=centre, line=line, charter=charter, text=text, preview_language=language,
        preview_languages=languages, version=charter_version(charter) if charter else None,
        items=items, stored=stored, errors=errors,
        typed="\n".join(items) if typed is None else typed,
        updated_at=stored.updated_at.isoformat() if stored else "",
        saved=_SAVED.get(saved, ""), sending=saved == "sent",
        here=where(centre.centre_id, preview=language),
        public_href=f"charter?centre={quote(centre.centre_id, safe='')}&lang={language}",
        max_items=MAX_ITEMS, item_max=ITEM_MAX, parts=parts(text) if text else [],
        can_send=can_send(), confirm_days=CONFIRM_WITHIN.days,
    )  # fmt: skip


def parts(text) -> list[tuple[str, list[tuple]]]:
    """The charter's sections as HTML lays them out: each heading with its blocks, runs of
    items one list, a header and its rows one table (the text is not parsed: the blocks say
    what each is)."""
    grouped = []
    for section in text.sections:
        blocks: list[tuple] = []
        for block in section.blocks:
            last = blocks[-1] if blocks else None
            if block.kind == "item":
                if last and last[0] == "list":
                    last[1].append(block.text)
                else:
                    blocks.append(("list", [block.text]))
            elif block.kind == "head":
                blocks.append(("table", block.cells, []))
            elif block.kind == "row":
                if last and last[0] == "table":
                    last[2].append(block.cells)
                else:
                    blocks.append(("table", (), [block.cells]))
            else:
                blocks.append(("para", block.text))
        grouped.append((section.heading, blocks))
    return grouped


def can_send() -> bool:
    """Whether distribution is there to send one centre's charter (services/charters/)."""
    from importlib.util import find_spec

    return find_spec("functions.services.charters.distribute") is not None
