"""A Google Form survey response read into SurveyAnswers through its mapping (purpose
"forum_survey"): which question feeds which field. Pure: the caller gives the centres.

Choices are read as people and forms write them: "4", "4 – Satisfied"; yes/no in the
network's languages; pain points by their labels (one not in the programme's categories is
kept in the "other" line); the centre by its id or name.
"""

from __future__ import annotations

import re

from functions.domain.forums.survey import OTHER_MAX, TEXT_MAX
from functions.domain.shared.text import clean_text, one_line
from functions.domain.shared.vocabulary import Category, match_choice

SURVEY_FIELDS = frozenset({
    "forum", "email", "satisfaction", "wants_monthly", "pain_points", "pain_points_other",
    "recommendations", "promising_practice", "practice_centre", "advisory_nominee",
    "advisory_consent", "comments", "may_quote_name",
})  # fmt: skip
_YES = {"yes", "y", "true", "ja", "yebo", "ewe", "ee", "1"}
_NO = {"no", "n", "false", "nee", "cha", "hayi", "0", ""}
_SCORE = re.compile(r"\s*([1-5])(?![0-9])")


def _flag(text: str) -> bool | None:
    word = one_line(text).casefold().split(" ")[0] if text.strip() else ""
    return True if word in _YES else False if word in _NO else None


def read_survey(given: dict[str, list[str]], centres: dict[str, str]) -> dict:
    """The SurveyAnswers fields from the answers by field (each a list of the answer's
    parts); `centres`: id -> name. Values it cannot read are left for SurveyAnswers to
    refuse (satisfaction, wants_monthly) or dropped (a centre not known)."""
    text = {field: ", ".join(p.strip() for p in parts if p.strip())
            for field, parts in given.items()}  # fmt: skip
    score = _SCORE.match(text.get("satisfaction", ""))
    points, other = [], [text.get("pain_points_other", "")]
    for part in given.get("pain_points", []):
        found = match_choice(Category, part)
        if found is not None and found != Category.OTHER:
            points.append(found.value)
        elif part.strip() and found is None:
            other.append(part.strip())
    wanted = one_line(text.get("practice_centre", "")).casefold()
    centre = next((cid for cid, name in centres.items()
                   if wanted and wanted in (cid.casefold(), name.casefold())), None)  # fmt: skip
    nominee = bool(_flag(text.get("advisory_nominee", "")))
    return {
        "satisfaction": int(score[1]) if score else None,
        "wants_monthly": _flag(text.get("wants_monthly", "")),
        "pain_points": points,
        "pain_points_other": one_line(", ".join(o for o in other if o))[:OTHER_MAX],
        "recommendations": clean_text(text.get("recommendations", ""))[:TEXT_MAX],
        "promising_practice": clean_text(text.get("promising_practice", ""))[:TEXT_MAX],
        "practice_centre_id": centre,
        "advisory_nominee": nominee,
        "advisory_consent": nominee and bool(_flag(text.get("advisory_consent", ""))),
        "comments": clean_text(text.get("comments", ""))[:TEXT_MAX],
        "may_quote_name": bool(_flag(text.get("may_quote_name", ""))),
    }
