"""What the case_action pages show: the case in the centre's time zone, the one form its
link allows, and the plain pages of a link that opens nothing. English only (staff pages)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from flask import Response

from functions.domain.cases.parent_updates import reachable
from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.http.pages import NOINDEX, render_page
from functions.services.cases.acting import LinkProblem
from functions.services.cases.action_steps import ActionContext

ENTRY_POINT = "case_action"
TEXT_MAX = 5_000  # characters, for every text a staff member writes here

# A link that opens nothing: its status, heading and message. Nothing changes on any of them.
_PROBLEMS = {
    LinkProblem.NOT_VALID: (404, "This link is not valid",
        "It may have been cut short or changed when it was copied. Open it again from the "
        "email itself."),
    LinkProblem.EXPIRED: (410, "This link has expired",
        "The links in case emails work for 7 days. Use the links in a newer email about this "
        "case: every reminder and daily digest carries fresh ones."),
    LinkProblem.USED: (410, "This link was already used",
        "Each link in an email does its action once, and this one already has. To do "
        "something else with this case, use another link in the same email."),
    LinkProblem.UNKNOWN_CASE: (404, "This case is not available",
        "It may have been removed under our retention or privacy rules."),
    LinkProblem.NOT_ALLOWED: (403, "This link cannot act on this case",
        "It was sent to someone who is not, or is no longer, a member of this case's centre "
        "or the administrator of its region. If you think that is wrong, ask your principal "
        "or regional administrator to check the directory."),
    LinkProblem.NOT_YOURS: (403, "This case is not with you",
        "A complaint about staff conduct or a child's safety is seen only by the principal, "
        "the regional administrator and the staff member it is given to, and this one is not "
        "with you now. If you have just handed it on, that was done."),
}  # fmt: skip


def local_time(zone: str):
    """A formatter of UTC datetimes in the centre's time zone: 'Mon 30 Nov 2026, 14:05'."""
    from zoneinfo import ZoneInfo

    from babel.dates import format_datetime

    tz = ZoneInfo(zone)

    def local(moment: datetime | None) -> str:
        if moment is None:
            return ""
        return format_datetime(moment, "EEE d MMM y, HH:mm", tzinfo=tz, locale="en_ZA")

    return local


def action_url(token: str, **extra) -> str:
    """Relative, so the page works on whichever host serves it."""
    return f"{ENTRY_POINT}?{urlencode({'token': token, **extra})}"


def link_problem_page(problem: LinkProblem, context: ActionContext | None = None) -> Response:
    """The plain page of a link that opens nothing; a used link's holder also sees where the
    case is now (they may act on it: the directory said so)."""
    status, heading, message = _PROBLEMS[problem]
    shown = context.case if context and problem != LinkProblem.NOT_YOURS else None
    return render_page("staff/link_problem.html", status, NOINDEX, english_only=True,
                       page_title=heading, heading=heading, message=message,
                       case=shown)  # fmt: skip


def case_page(context: ActionContext, token: str, mode: str, now: datetime, status: int = 200,
              **extra) -> Response:  # fmt: skip
    """The case and, by `mode`: "form" (the link's one action), "refused" (what happened
    instead), "done" (what the link did)."""
    case = context.case
    zone = context.centre.timezone if context.centre else DEFAULT_TIMEZONE
    extra.setdefault("values", {})
    extra.setdefault("errors", {})
    return render_page(
        "case_action.html", status, NOINDEX, english_only=True,
        page_title=f"Case {case.reference}", mode=mode, context=context, case=case,
        action=context.link.action.value, events=context.events, acting=context.acting,
        me=context.acting.contact.key, zone=zone, local=local_time(zone), now=now,
        reachable=reachable(case), form_url=action_url(token), text_max=TEXT_MAX, **extra,
    )  # fmt: skip
