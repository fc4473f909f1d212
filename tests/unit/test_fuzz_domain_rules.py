"""The mapping and domain rules under hypothesis: whatever a form, a Google Form or a stored
record holds, each rule answers with its result or its own refusal, never a crash, and what
it accepts keeps the rule's promises (one-line names, bounded texts, consent given, capacity
exact, nothing personal left after retention, a changed link opening nothing).

Examples per test come from the profile (tests/fuzzing.py): short under make test, long
under make fuzz.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import assume, example, given
from hypothesis import strategies as st
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from functions.domain.cases.google_forms import AnswersRefused, FormMapping, FormResponse
from functions.domain.directory.models import Centre, Contact
from functions.domain.forums import capacity
from functions.domain.forums.google_form_answers import forum_id_of, read_registration
from functions.domain.forums.models import Registration, RegistrationState
from functions.domain.forums.registration import RegistrationForm, problems_with
from functions.domain.forums.survey import OTHER_MAX, TEXT_MAX, SurveyAnswers
from functions.domain.forums.survey_form_answers import SURVEY_FIELDS, read_survey
from functions.domain.privacy import retention
from functions.domain.shared.signing import Purpose, Signer
from functions.domain.shared.validation import field_errors
from functions.http.parent import forum_survey_form
from tests.forum_builders import forum

MAPPINGS = Path(__file__).parents[2] / "infra/google_forms/mappings"
REGISTRATION = FormMapping.model_validate_json(
    (MAPPINGS / "demo-forum-registration.json").read_text()
)
CENTRES = [
    Centre(centre_id="sunflower-soweto", name="Sunflower Educare, Soweto", region_id="gauteng",
           principal=Contact(name="P", email="p@example.org")),
]  # fmt: skip
FORUM = forum(forum_id="forum-fuzz")
# Text as the entry points hand it on (they read a lone surrogate as U+FFFD: tests/unit/
# test_parser_fuzz.py): line breaks of every kind, controls, direction marks, markup, formulas.
HOSTILE = st.sampled_from(["<script>alert(1)</script>", "=cmd|' /C calc'!A0", "\u2028", "\x85",
                           "\r\n", "\u202e", "\x00", "\ufffd", "a" * 5000, "@SUM(1)"])  # fmt: skip
TEXT = st.text(st.characters(codec="utf-8"), max_size=60) | HOSTILE
LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")


def _answers(questions):
    return st.lists(
        st.fixed_dictionaries({
            "question": st.sampled_from(questions) | TEXT,
            "answer": TEXT | st.lists(TEXT, max_size=3),
        }),
        max_size=14,
    )  # fmt: skip


@given(_answers(list(REGISTRATION.questions)), st.none() | TEXT)
@example([{"question": "Your name", "answer": "Zo\u2028<b>Lee</b>"},
          {"question": "Email address", "answer": "zo@example.org"},
          {"question": "Consent", "answer": "I agree"}], None)  # fmt: skip
def test_a_registration_google_form_registers_or_names_each_problem(answers, respondent):
    try:  # the entry point's own 422 (an over-long question, say)
        response = FormResponse.model_validate(
            {"form_id": "f", "response_id": "r", "answers": answers, "respondent_email": respondent}
        )
    except ValidationError:
        return
    forum_id_of(response, REGISTRATION)  # any answer: an id or None
    try:
        form = read_registration(response, REGISTRATION, FORUM, CENTRES)
    except AnswersRefused as refused:
        assert refused.errors and all(e.field and e.message for e in refused.errors)
        assert len({e.field for e in refused.errors}) == len(refused.errors)
        return
    assert form.forum_id == FORUM.forum_id and form.consent is True
    assert form.name and not any(c in form.name for c in LINE_BREAKS)
    assert form.email or form.phone
    assert form.centre_id in (None, "sunflower-soweto")


registration_fields = st.fixed_dictionaries(
    {"forum_id": st.just("forum-fuzz")},
    optional={
        "name": TEXT, "role": st.sampled_from(["parent", "staff", "x"]) | TEXT,
        "centre_id": st.none() | st.just("sunflower-soweto") | TEXT,
        "email": st.none() | st.emails() | TEXT, "phone": st.none() | TEXT,
        "needs": TEXT, "topics": st.lists(TEXT | st.just("staff_training_needs"), max_size=4),
        "topics_other": TEXT, "room_id": st.none() | TEXT, "language": TEXT | st.just("zu"),
        "consent": st.booleans() | TEXT, "consent_version": st.just("forum-2026-11") | TEXT,
    },
)  # fmt: skip


@given(registration_fields)
def test_a_web_registration_validates_or_names_its_errors_and_fits_or_says_why(data):
    try:
        form = RegistrationForm.model_validate(data)
    except ValidationError as error:
        assert all(problem.field and problem.message for problem in field_errors(error))
        return
    assert not any(c in form.name for c in LINE_BREAKS) and form.consent is True
    problems = problems_with(form, FORUM, {"sunflower-soweto"})
    assert set(problems) <= {"role", "centre_id", "topics", "room_id"}


@given(st.dictionaries(st.sampled_from(sorted(SURVEY_FIELDS)) | TEXT,
                       st.lists(TEXT, max_size=4), max_size=14))  # fmt: skip
@example({"satisfaction": ["44"], "wants_monthly": ["Yebo"], "advisory_consent": ["yes"]})
def test_a_survey_google_form_reads_into_answers_or_a_refusal(given_):
    values = read_survey(given_, {"sunflower-soweto": "Sunflower Educare, Soweto"})
    try:
        answers = SurveyAnswers.model_validate(values)
    except ValidationError as error:
        assert {p.field.split(".")[0] for p in field_errors(error)} <= {
            "satisfaction",
            "wants_monthly",
        }
        return
    assert 1 <= answers.satisfaction <= 5
    assert len(answers.pain_points_other) <= OTHER_MAX
    assert all(len(t) <= TEXT_MAX for t in (answers.recommendations, answers.comments))
    assert not answers.advisory_consent or answers.advisory_nominee


@given(st.lists(st.tuples(st.sampled_from(sorted(forum_survey_form.TEXTS) + [
    "satisfaction", "wants_monthly", "pain_points", "practice_centre_id", "advisory_nominee",
    "advisory_consent", "may_quote_name"]) | TEXT, TEXT), max_size=20))  # fmt: skip
def test_the_survey_page_reads_any_post_into_answers_or_messages(pairs):
    given_ = forum_survey_form.posted(MultiDict(pairs))
    answers, errors = forum_survey_form.read_answers(given_, {"sunflower-soweto"})
    assert (answers is None) == bool(errors)
    assert all(isinstance(m, str) and m for m in errors.values())


@given(st.lists(st.sampled_from(["register", "cancel"]) | st.integers(0, 30), max_size=60),
       st.integers(1, 6))  # fmt: skip
def test_places_and_the_waiting_list_stay_exact_whatever_the_order(steps, places):
    """Registering, cancelling and promoting in any order: never more registered than the
    capacity, never a negative count, and the counters say what the people are."""
    now = datetime(2030, 2, 1, tzinfo=UTC)
    event, people = forum(capacity=places), []
    for step in steps:
        if step == "register":
            event, state, _ = capacity.place_or_waitlist(event, now)
            people.append(Registration.model_construct(state=state, sequence=0))
            continue
        active = [p for p in people if p.state != RegistrationState.CANCELLED]
        if not active:
            continue
        leaving = active[(step if isinstance(step, int) else 0) % len(active)]
        event = capacity.release(event, leaving, now)
        was_registered = leaving.state == RegistrationState.REGISTERED
        people[people.index(leaving)] = leaving.model_copy(
            update={"state": RegistrationState.CANCELLED}
        )
        waiting = [p for p in people if p.state == RegistrationState.WAITLISTED]
        if was_registered and waiting and event.places_left > 0:
            event, promoted = capacity.promote(event, waiting[0], now)
            people[people.index(waiting[0])] = promoted
        registered = sum(p.state == RegistrationState.REGISTERED for p in people)
        assert event.places_taken == registered <= event.capacity
        assert event.waitlisted == sum(p.state == RegistrationState.WAITLISTED for p in people)


SECRET = "Sentinel-7f3a"
json_leaves = st.none() | st.booleans() | st.integers() | st.just(SECRET) | st.text(max_size=8)
stored = st.recursive(json_leaves, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                      max_leaves=12)  # fmt: skip
PERSONAL = ("description", "resolution", "reporter", "child", "triage", "rating", "notes")


@given(st.dictionaries(st.sampled_from(PERSONAL) | st.text(max_size=12), stored, max_size=8),
       st.fixed_dictionaries({"name": st.just(SECRET), "email": st.just(SECRET),
                              "phone": st.just(SECRET), "role": st.just("parent")}))  # fmt: skip
def test_a_retained_case_keeps_nothing_personal_whatever_it_held(doc, reporter):
    """Every field not known to be a figure goes, whatever a future model adds; the
    reporter's name, email and phone never survive."""
    now = datetime(2030, 1, 1, tzinfo=UTC)
    kept = retention.case(doc | {"reporter": reporter, "description": SECRET}, now)
    assert kept[retention.DEIDENTIFIED_AT] == now
    figures = {k: v for k, v in kept.items() if k in retention._CASE_KEPT}
    others = {k: v for k, v in kept.items() if k not in retention._CASE_KEPT}
    assert SECRET not in json.dumps(others, default=str), others
    assert set(kept["reporter"]) <= {"role", "preferred_language"}
    assert figures.keys() <= doc.keys()
    assert retention.deidentified(kept) and not retention.case_due(kept, now)


@given(st.fixed_dictionaries({"summary": st.none() | TEXT,
                              "actor": st.none() | st.fixed_dictionaries(
                                  {"role": st.sampled_from(["parent", "staff", "other", None])},
                                  optional={"display_name": st.just(SECRET),
                                            "key": st.just(SECRET)})}))  # fmt: skip
def test_a_retained_history_line_keeps_no_text_and_no_parents_name(doc):
    changed = retention.event(doc)
    after = changed or doc
    assert not after.get("summary")
    actor = after.get("actor")
    if isinstance(actor, dict) and actor.get("role") not in ("staff", "administrator", "system"):
        assert SECRET not in json.dumps(actor, default=str)


@given(st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)), st.integers(0, 600))  # fmt: skip
def test_the_retention_cutoff_is_that_many_calendar_months_back(now, months):
    cut = retention.cutoff(now, months)
    assert (now.year * 12 + now.month) - (cut.year * 12 + cut.month) == months
    assert cut.day <= now.day and cut.time() == now.time() and cut <= now
    opened = {"open": False, "updated_at": cut - timedelta(seconds=1)}
    assert retention.case_due(opened, cut) and not retention.case_due(opened | {"open": True}, cut)


SIGNER = Signer([b"new-key", b"old-key"])


@given(st.sampled_from(list(Purpose)), st.text(st.characters(codec="utf-8"), max_size=40),
       st.booleans(), st.integers(0, 10_000), st.characters(codec="ascii"))  # fmt: skip
def test_a_signed_link_changed_anywhere_opens_nothing(purpose, value, expires, where, char):
    """Flip any one character of any token (or cut it): it never opens, and no token opens
    for another purpose."""
    token = SIGNER.sign(purpose, value, expires=expires)
    max_age = 3600 if expires else None
    assert SIGNER.unsign(purpose, token, max_age) == value
    at = where % len(token)
    assume(token[at] != char)
    for changed in (token[:at] + char + token[at + 1 :], token[:at], token + char):
        assert SIGNER.unsign(purpose, changed, max_age) is None, changed
    other = next(p for p in Purpose if p != purpose)
    assert SIGNER.unsign(other, token, max_age) is None
    assert Signer([b"someone-elses-key"]).unsign(purpose, token, max_age) is None
