"""Whatever arrives, the rules answer with a result or a validation error, never a crash."""

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from functions.domain.cases.google_forms import FormMapping, FormResponse, interpret
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.directory.models import Centre, Contact
from functions.domain.shared.validation import field_errors

MAPPING = FormMapping.model_validate_json(
    (Path(__file__).parents[2] / "infra/google_forms/mappings/demo-feedback-form.json").read_text()
)
CENTRES = [
    Centre(centre_id="c1", name="Sunflower Educare, Soweto", region_id="gauteng",
           principal=Contact(name="P", email="p@example.org"))
]  # fmt: skip
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=20,
)  # fmt: skip
submission_fields = st.fixed_dictionaries(
    {},
    optional={
        "centre_id": json_values, "kind": st.sampled_from(["complaint", "x"]) | json_values,
        "category": json_values, "description": json_values, "urgent": json_values,
        "anonymous": json_values, "consent": json_values, "child": json_values,
        "reporter": st.fixed_dictionaries({}, optional={
            "name": json_values, "email": st.text() | st.emails(), "phone": st.text(),
            "role": json_values, "preferred_language": json_values,
        }) | json_values,
    },
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(submission_fields)
def test_any_json_submission_validates_or_names_its_errors(data):
    try:
        FeedbackSubmission.model_validate(data)
    except ValidationError as error:
        assert all(problem.field and problem.message for problem in field_errors(error))


answers = st.lists(
    st.fixed_dictionaries({
        "question": st.sampled_from(list(MAPPING.questions)) | st.text(max_size=30),
        "answer": st.text() | st.lists(st.text(), max_size=3),
    }),
    max_size=12,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(answers, st.none() | st.text() | st.emails())
def test_any_google_form_response_is_read_without_failing(answers, respondent_email):
    response = FormResponse.model_validate({
        "form_id": "demo-feedback-form", "response_id": "r", "answers": answers,
        "respondent_email": respondent_email,
    })  # fmt: skip
    reading = interpret(response, MAPPING, CENTRES)
    assert reading.reasons or (reading.centre and reading.kind and reading.description)
