"""GET/POST /forum_survey?token=<the attendee's signed link>: the post-forum survey.

The link in the survey mail is signed over the attendance record (Purpose.FORUM_SURVEY), so
only attendees open it (a no-show has no record, so no link). GET shows the form (with the
answers given so far: a second submission updates the first while the survey is open) and
changes nothing; POST records (CSRF: Purpose.FORUM_SURVEY_FORM, bound to a cookie) and
answers 303 to the thanks. Before the forum has ended, or after the survey closes
(forum.ends_at + survey_days), or for a cancelled forum, a page says so and takes nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Request, Response

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.forums.survey import OTHER_MAX, TEXT_MAX
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import N_
from functions.entrypoints import page
from functions.http.pages import NOINDEX, not_found_page, render_page
from functions.http.parent import followup_forms as forms
from functions.http.parent import forum_survey_form as survey_form

NAME = "forum_survey"
_EXPIRED = N_("Your page had been open a long time, so your answers were not sent yet. They "
              "are still below: please send them again.")  # fmt: skip


def _centres() -> list[dict]:
    centres = wiring.dependencies().directory.list_centres()
    return [{"value": c.centre_id, "label": c.name} for c in sorted(centres, key=lambda c: c.name)]


def _form(request: Request, status: int, view, token: str, given: dict,
          errors: dict | None = None, notice: str | None = None) -> Response:  # fmt: skip
    issued, nonce = forms.issue(request, Purpose.FORUM_SURVEY_FORM)
    response = render_page(
        "forum_survey/form.html", status, headers=NOINDEX, forum=view.forum,
        attendee=view.attendee, answered=view.response is not None, closes_at=view.closes_at,
        action=f"{NAME}?token={quote(token, safe='')}", given=given, errors=errors or {},
        notice=notice, csrf_token=issued[Purpose.FORUM_SURVEY_FORM], centres=_centres(),
        satisfaction=survey_form.SATISFACTION, pain_points=survey_form.PAIN_POINTS,
        text_max=TEXT_MAX, other_max=OTHER_MAX,
    )  # fmt: skip
    return forms.bind(response, nonce)


def _state(status: int, state: str, view=None) -> Response:
    """Thanks, not open yet, closed."""
    return render_page("forum_survey/state.html", status, headers=NOINDEX, state=state,
                       forum=view.forum if view else None,
                       closes_at=view.closes_at if view else None)  # fmt: skip


def _post(request: Request, token: str, view) -> Response:
    from functions.services.forums.survey import NotAnAttendee, SurveyClosed, submit_survey

    given = survey_form.posted(request.form)
    try:
        forms.check(request, Purpose.FORUM_SURVEY_FORM)
    except forms.FormTokenRejected as rejection:
        logs.parent_step_refused(NAME, f"form token: {rejection}")
        return _form(request, 403, view, token, given, notice=_EXPIRED)
    centre_ids = {c["value"] for c in _centres()}
    answers, errors = survey_form.read_answers(given, centre_ids)
    if errors:
        logs.input_rejected(NAME, 422, list(errors))
        return _form(request, 422, view, token, given, errors)
    try:
        response, changed = submit_survey(wiring.dependencies(), view.attendee.attendee_id,
                                          answers)  # fmt: skip
    except SurveyClosed:
        return _state(409, "closed", view)
    except NotAnAttendee:
        return not_found_page()
    if changed:
        logs.forum_survey_recorded(view.forum.forum_id, view.attendee.attendee_id,
                                   response.version, "web")  # fmt: skip
    # A redirect (303: the browser GETs it), so a refresh sends nothing again.
    return Response(status=303, headers={"Location": f"{NAME}?token={quote(token, safe='')}"
                                                     f"&sent=1"})  # fmt: skip


@page(NAME, methods=("GET", "POST"), max_body=lambda: get_settings().max_body_bytes,
      unavailable=N_("We could not record or load the survey just now. Please try again in a "
                     "minute: your answers will not be counted twice."))  # fmt: skip
def forum_survey(request: Request) -> Response:
    """GET shows the survey (answers so far filled in); POST records the answers."""
    from functions.services.forums.survey import survey_view

    token = request.args.get("token")
    view = survey_view(wiring.dependencies(), token)
    if view is None:
        return not_found_page()
    if "sent" in request.args and view.response is not None:
        return _state(200, "thanks", view)
    if not view.open:
        ended = view.forum.ends_at <= wiring.dependencies().clock()
        closed = view.forum.cancelled or ended
        return _state(410 if closed else 409, "closed" if closed else "not_yet", view)
    if request.method == "POST":
        return _post(request, token, view)
    given = survey_form.shown(view.response) if view.response else dict(survey_form.BLANK)
    return _form(request, 200, view, token, given)
