"""GET /charter?centre=<id>: the centre's Digital Customer Service Charter as a public page,
in the parent's language (?lang= like every parent page): what the centre promised, and
the times the system holds it to. `&format=pdf` is the printable A4 PDF of the same text,
`&format=poster` the A3 poster. Without a centre, the list of centres with a charter.

An unknown or inactive centre gets the one not-found page. The page shows no personal data
beyond what the charter states: the principal's name and the regional administrator's
work name and address (the escalation contact a parent is promised).
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import wiring
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import current_language, error_page, not_found_page, render_page

NAME = "charter"
_FORMATS = {"pdf": False, "poster": True}  # format → poster?
_ID_MAX = 200


def _centres() -> list[dict]:
    """Every active centre by region, each linking to its charter."""
    directory = wiring.centre_directory()
    centres = [c for c in directory.list_centres() if c.active]
    groups = []
    for region in directory.list_regions():
        members = [{"name": c.name, "href": f"{NAME}?centre={quote(c.centre_id, safe='')}"}
                   for c in centres if c.region_id == region.region_id]  # fmt: skip
        if members:
            groups.append({"region": region.name, "centres": members})
    return groups


def _pdf(charter, poster: bool) -> Response:
    from functions.rendering.charter_pdf import charter_pdf

    language = current_language()
    body = charter_pdf(charter, language, poster=poster)
    name = f"charter-{'poster' if poster else 'a4'}-{language}.pdf"
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff", "Content-Language": language,
    })  # fmt: skip


@page(NAME, unavailable=N_("We could not load the charter just now. Please try again in a minute."))
def charter(request: Request) -> Response:
    """The centre's charter (page or PDF), or the list of centres when none is asked for."""
    from functions.rendering.charter_text import charter_sections
    from functions.services.charters.build import FEEDBACK_FORM, charter_for

    centre_id = request.args.get("centre")
    if centre_id is None:
        return render_page("charter/index.html", groups=_centres())
    if not centre_id or len(centre_id) > _ID_MAX:
        return not_found_page()
    shape = request.args.get("format", "html")
    if shape != "html" and shape not in _FORMATS:
        return error_page(400, N_("Choose a format"),
                          N_("The charter is shown as a page, a PDF or a poster."))  # fmt: skip
    found = charter_for(wiring.dependencies(), centre_id)
    if found is None:
        return not_found_page()
    if shape in _FORMATS:
        return _pdf(found, _FORMATS[shape])
    link = quote(found.centre_id, safe="")
    lang = f"&lang={current_language()}"
    # Links of the page are relative (the host the parent is on); the absolute addresses
    # (PUBLIC_BASE_URL) are the printed text's and the QR code's.
    return render_page("charter/charter.html", text=charter_sections(found, current_language()),
                       charter=found, feedback_href=f"{FEEDBACK_FORM}?centre={link}",
                       pdf_url=f"{NAME}?centre={link}&format=pdf{lang}",
                       poster_url=f"{NAME}?centre={link}&format=poster{lang}")  # fmt: skip
