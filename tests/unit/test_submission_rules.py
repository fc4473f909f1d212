import pytest
from pydantic import ValidationError

from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.shared.validation import field_errors
from tests.builders import submission

VALID = submission(kind="complaint", category="facilities",
                   description="The gate latch is broken",
                   reporter={"email": "parent@example.org"})  # fmt: skip


def errors_of(data) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        FeedbackSubmission.model_validate(data)
    return {error.field: error.text for error in field_errors(caught.value)}


def test_south_african_phone_numbers_are_normalised_to_e164():
    for typed in ("082 123 4567", "0821234567", "+27 82 123 4567", "27821234567"):
        submission = FeedbackSubmission.model_validate(VALID | {"reporter": {"phone": typed}})
        assert submission.reporter.phone == "+27821234567"


def test_foreign_numbers_keep_their_country():
    submission = FeedbackSubmission.model_validate(
        VALID | {"reporter": {"phone": "+263 77 123 4567"}}
    )
    assert submission.reporter.phone == "+263771234567"


def test_bad_contact_details_are_named_field_by_field():
    errors = errors_of(VALID | {"reporter": {"email": "parent@", "phone": "12"}})
    assert set(errors) == {"reporter.email", "reporter.phone"}


def test_someone_who_is_not_anonymous_must_be_reachable():
    errors = errors_of(VALID | {"reporter": {"name": "Thandi"}})
    assert "email address or a phone number" in errors["reporter"]


def test_anonymous_feedback_keeps_no_contact_details():
    data = VALID | {"anonymous": True, "reporter": {"name": "Thandi", "email": "t@example.org"}}
    submission = FeedbackSubmission.model_validate(data)
    assert submission.reporter.name is None and submission.reporter.email is None


def test_consent_must_be_given_in_a_known_version():
    errors = errors_of(VALID | {"consent": {"given": False, "version": "1999"}})
    assert set(errors) == {"consent.given", "consent.version"}
    assert "consent" in errors_of({k: v for k, v in VALID.items() if k != "consent"})


def test_only_a_first_name_or_initial_is_kept_for_a_child():
    ok = FeedbackSubmission.model_validate(
        VALID | {"child": {"first_name": "T", "age_group": "toddler"}}
    )
    assert ok.child.first_name == "T"
    assert "child.first_name" in errors_of(VALID | {"child": {"first_name": "Thabo Sipho Mokoena"}})
    empty = FeedbackSubmission.model_validate(VALID | {"child": {"first_name": " "}})
    assert empty.child is None


def test_unknown_kinds_fields_and_blank_descriptions_are_refused():
    errors = errors_of(VALID | {"kind": "rant", "description": "   ", "colour": "red"})
    assert errors["kind"].startswith("Choose one of: complaint")
    assert set(errors) == {"kind", "description", "colour"}


def test_control_characters_are_dropped_but_lines_kept():
    text = "Line one\x00\x07\nLine two"
    submission = FeedbackSubmission.model_validate(VALID | {"description": text})
    assert submission.description == "Line one\nLine two"


def test_a_description_over_4000_characters_is_refused():
    assert "description" in errors_of(VALID | {"description": "x" * 4001})
