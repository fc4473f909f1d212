"""The post-forum survey's form: its choices, and reading what was posted into SurveyAnswers
with an error per field (English marked with N_, shown translated)."""

from __future__ import annotations

from pydantic import ValidationError

from functions.domain.forums.survey import TEXT_MAX, SurveyAnswers
from functions.domain.shared.vocabulary import N_, Category, options

PAIN_POINTS = [o for o in options(Category) if o["value"] != Category.OTHER.value]
SATISFACTION = [
    {"value": 5, "label": N_("5 – Very satisfied")},
    {"value": 4, "label": N_("4 – Satisfied")},
    {"value": 3, "label": N_("3 – Neither satisfied nor dissatisfied")},
    {"value": 2, "label": N_("2 – Dissatisfied")},
    {"value": 1, "label": N_("1 – Very dissatisfied")},
]
TEXTS = ("pain_points_other", "recommendations", "promising_practice", "comments")
_MESSAGES = {
    "satisfaction": N_("Choose how satisfied you were, from 1 to 5"),
    "wants_monthly": N_("Say whether you would like a forum every month"),
    "pain_points": N_("Choose from the list"),
    "practice_centre_id": N_("Choose a centre from the list"),
    "pain_points_other": N_("This can be at most 300 characters"),
    "recommendations": N_("This can be at most 2,000 characters"),
    "promising_practice": N_("This can be at most 2,000 characters"),
    "comments": N_("This can be at most 2,000 characters"),
}
_CHECKED = {"on", "yes", "1", "true"}


def posted(form) -> dict:
    """What the form sent, as the page shows it back (never more than the limits allow)."""
    given = {name: form.get(name, "")[: TEXT_MAX * 2] for name in TEXTS}
    given |= {
        "satisfaction": form.get("satisfaction", "")[:2],
        "wants_monthly": form.get("wants_monthly", "")[:3],
        "pain_points": [p[:60] for p in form.getlist("pain_points")[:20]],
        "practice_centre_id": form.get("practice_centre_id", "")[:200],
    }
    for flag in ("advisory_nominee", "advisory_consent", "may_quote_name"):
        given[flag] = form.get(flag, "").strip().lower() in _CHECKED
    return given


def read_answers(given: dict, centre_ids: set[str]) -> tuple[SurveyAnswers | None, dict]:
    """(the answers, {}) or (None, {field: message})."""
    errors = {}
    monthly = {"yes": True, "no": False}.get(given["wants_monthly"])
    satisfaction = given["satisfaction"] if given["satisfaction"] in set("12345") else None
    centre = given["practice_centre_id"] or None
    if centre is not None and centre not in centre_ids:
        errors["practice_centre_id"] = _MESSAGES["practice_centre_id"]
    values = {name: given[name] for name in TEXTS} | {
        "satisfaction": int(satisfaction) if satisfaction else None,
        "wants_monthly": monthly, "pain_points": given["pain_points"],
        "practice_centre_id": centre, "advisory_nominee": given["advisory_nominee"],
        "advisory_consent": given["advisory_consent"], "may_quote_name": given["may_quote_name"],
    }  # fmt: skip
    try:
        answers = SurveyAnswers.model_validate(values)
    except ValidationError as error:
        for problem in error.errors():
            field = str(problem["loc"][0]) if problem["loc"] else "satisfaction"
            errors.setdefault(field, _MESSAGES.get(field, _MESSAGES["pain_points"]))
        return None, errors
    return (answers, {}) if not errors else (None, errors)


def shown(answers) -> dict:
    """A stored response as the form shows it (to change it)."""
    return {name: getattr(answers, name) for name in TEXTS} | {
        "satisfaction": str(answers.satisfaction),
        "wants_monthly": "yes" if answers.wants_monthly else "no",
        "pain_points": [p.value for p in answers.pain_points],
        "practice_centre_id": answers.practice_centre_id or "",
        "advisory_nominee": answers.advisory_nominee,
        "advisory_consent": answers.advisory_consent, "may_quote_name": answers.may_quote_name,
    }  # fmt: skip


BLANK = {name: "" for name in TEXTS} | {
    "satisfaction": "", "wants_monthly": "", "pain_points": [], "practice_centre_id": "",
    "advisory_nominee": False, "advisory_consent": False, "may_quote_name": False,
}  # fmt: skip
