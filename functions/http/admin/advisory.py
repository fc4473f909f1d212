"""GET admin?page=advisory&id=<selection>: one advisory network selection explained, for its
region's administrators and the network's (English): the region, the period, the seed, the
rules as recorded, and for each seat type everyone eligible in the recorded order with why
they were selected or placed in the reserve and where they stand now; then who was not
eligible or not drawn and why (no email address: rule 6), the history of answers (a reserve
passed over for want of an address included), and how many eligible nominees came after the
selection ran and are not in it (a new seed makes a selection that includes them). Another
region's selection is 404.

Names are read from the attendance records (administrators see who the people are); the
stored record keeps ids only.
"""

from __future__ import annotations

from flask import Request, Response

from functions import logs, wiring
from functions.domain.advisory.selection import SeatType
from functions.http.admin.session import admin_view
from functions.http.callers import caller
from functions.http.pages import not_found_page
from functions.services.advisory.selecting import came_later, gather, months_between

NAME = "admin"


def advisory_page(request: Request) -> Response:
    administrator = caller(request)
    deps = wiring.dependencies()
    selection_id = request.args.get("id", "")[:100]
    record = deps.transactions.run(lambda uow: uow.advisory.get(selection_id))[0]
    if record is None or not administrator.sees(record.region_id):
        if record is not None:
            logs.admin_refused(NAME, 404, "out_of_scope", administrator.key)
        return not_found_page()
    ids = [n.attendee_id for n in record.nominees]
    people = deps.forums.attendees(sorted(set(ids))) if ids else {}
    names = {a.attendee_id: a.name for a in people.values()}
    centres = {c.centre_id: c.name for c in deps.directory.list_centres()}
    region = deps.directory.get_region(record.region_id)
    keys = {}
    for drawn_list in record.selection.order.values():
        keys.update({d.attendee_key: d.attendee_id for d in drawn_list})
    history = [
        (change, names.get(keys.get(change.attendee_key, ""), "")) for change in record.history
    ]
    region_name = region.name if region else record.region_id
    return admin_view(
        request, "advisory.html", f"Advisory network selection: {region_name}",
        record=record, region_name=region_name,
        seat_types=list(SeatType), names=names, centres=centres, history=history,
        months=len(months_between(record.period_from, record.period_to)),
        came_later=_came_later(deps, record),
    )  # fmt: skip


def _came_later(deps, record) -> int:
    """Eligible nominees of the period now who are not in the recorded selection."""
    months = months_between(record.period_from, record.period_to)
    return came_later(record, gather(deps, record.region_id, months)[0])
