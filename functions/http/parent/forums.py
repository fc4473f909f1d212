"""GET /forums: the coming monthly forums with the places left and a Register link each;
`?month=YYYY-MM` shows that month, past forums too (marked, with no link); `?invite=<token>`
(the personal link in an invitation) is carried into each Register link, which opens the
form filled in with what the invitation knows."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import quote

from flask import Request, Response

from functions import wiring
from functions.domain.forums.models import Forum
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import error_page, render_page

NAME = "forums"
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
# How far ahead the page looks when no month is asked for (the setup makes next month's).
AHEAD = timedelta(days=120)


def forum_view(forum: Forum, now, invite: str | None, took_part: int | None = None) -> dict:
    """What the page shows of one forum (`took_part`: how many came, for one that ended)."""
    ended = now >= forum.ends_at
    link = None
    if not ended and not forum.cancelled:
        link = f"forum_registration?forum={quote(forum.forum_id, safe='')}"
        if invite:
            link += f"&invite={quote(invite, safe='')}"
    return {"forum": forum, "ended": ended, "register_url": link,
            "places_left": forum.places_left, "took_part": took_part}  # fmt: skip


@page(NAME, unavailable=N_("We could not load the forums just now. Please try again in a minute."))
def forums(request: Request) -> Response:
    """The forums: coming ones by default, or one month's (past ones marked)."""
    deps = wiring.dependencies()
    now = deps.clock()
    month = request.args.get("month")
    invite = request.args.get("invite")
    invite = invite if isinstance(invite, str) and 0 < len(invite) <= 512 else None
    if month is not None:
        if not _MONTH.fullmatch(month):
            return error_page(400, N_("Choose a month"),
                              N_("Give the month as year and month, like 2025-03."))  # fmt: skip
        shown = [f for f in deps.forums.in_month(month) if not f.cancelled or now < f.ends_at]
    else:
        found = deps.forums.starting_between(now - timedelta(days=1), now + AHEAD)
        shown = [f for f in found if now < f.ends_at and not f.cancelled]
    # A month that is over shows how many took part: one count each (a month has a few).
    views = [forum_view(f, now, invite,
                        deps.forums.count_attended(f.forum_id) if now >= f.ends_at else None)
             for f in shown]  # fmt: skip
    return render_page("forums/list.html", month=month, forums=views,
                       invite=invite)  # fmt: skip
