import json
from pathlib import Path

from functions.domain.cases.google_forms import FormMapping, FormResponse, interpret
from functions.domain.directory.models import Centre, Contact
from functions.domain.shared.vocabulary import Category, Kind, TriageReason

MAPPING = FormMapping.model_validate_json(
    (Path(__file__).parents[2] / "infra/google_forms/mappings/demo-feedback-form.json").read_text()
)
CENTRES = [
    Centre(
        centre_id="sunflower-soweto",
        name="Sunflower Educare, Soweto",
        region_id="gauteng",
        principal=Contact(name="T", email="p@example.org"),
    )
]


def response(**answers) -> FormResponse:
    titles = {
        "centre": "Centre",
        "kind": "Type of feedback",
        "topic": "Topic",
        "message": "Your message",
        "urgent": "Is a child at risk, or is this urgent?",
        "name": "Your name",
        "email": "Email address",
        "phone": "Phone number",
        "consent": "Consent",
    }
    defaults = {
        "centre": "Sunflower Educare, Soweto",
        "kind": "Complaint",
        "topic": "Facilities",
        "message": "The gate is broken",
        "urgent": "No",
        "name": "Thandi",
        "email": "thandi@example.org",
        "consent": ["I agree"],
    }
    merged = defaults | answers
    return FormResponse.model_validate(
        {
            "form_id": "demo-feedback-form",
            "response_id": "r1",
            "answers": [
                {"question": titles[k], "answer": v} for k, v in merged.items() if v is not None
            ],
        }
    )


def test_a_complete_response_maps_onto_case_fields_without_triage():
    reading = interpret(response(), MAPPING, CENTRES)
    assert reading.centre.centre_id == "sunflower-soweto"
    assert (reading.kind, reading.category) == (Kind.COMPLAINT, Category.FACILITIES)
    assert reading.reporter.email == "thandi@example.org" and reading.consent_given
    assert reading.reasons == [] and not reading.urgent


def test_centre_type_and_topic_match_names_and_labels_ignoring_case_and_spacing():
    reading = interpret(
        response(
            centre="  sunflower educare,  SOWETO ",
            kind="COMPLIMENT",
            topic="child wellbeing & safety",
        ),
        MAPPING,
        CENTRES,
    )
    assert reading.centre is not None and reading.kind == Kind.COMPLIMENT
    assert reading.category == Category.CHILD_WELLBEING_AND_SAFETY
    assert interpret(response(centre="SUNFLOWER-SOWETO"), MAPPING, CENTRES).centre is not None


def test_unmatched_answers_are_kept_as_given_and_flagged_for_triage():
    reading = interpret(
        response(centre="Rainbow Kids", kind="Rant", topic="Transport"), MAPPING, CENTRES
    )
    assert reading.centre is None and reading.kind is None
    assert reading.category == Category.OTHER
    assert reading.given == {"centre": "Rainbow Kids", "kind": "Rant", "topic": "Transport"}
    assert reading.reasons == [
        TriageReason.UNKNOWN_CENTRE,
        TriageReason.UNKNOWN_KIND,
        TriageReason.UNKNOWN_TOPIC,
    ]


def test_urgency_is_read_from_yes_answers_and_unclear_ones_are_flagged():
    assert interpret(response(urgent="Yes - a child may be at risk"), MAPPING, CENTRES).urgent
    unclear = interpret(response(urgent="maybe"), MAPPING, CENTRES)
    assert not unclear.urgent and TriageReason.UNCLEAR_URGENCY in unclear.reasons


def test_without_consent_the_case_is_kept_but_contact_details_are_not():
    reading = interpret(response(consent=None, phone="082 123 4567"), MAPPING, CENTRES)
    assert reading.description == "The gate is broken"
    assert reading.reporter.email is None and reading.reporter.phone is None
    assert reading.reporter.name is None
    assert TriageReason.NO_CONSENT in reading.reasons


def test_bad_contact_details_are_flagged_not_fatal_and_phones_are_normalised():
    reading = interpret(response(email="not-an-email", phone="0821234567"), MAPPING, CENTRES)
    assert reading.reporter.email is None and reading.reporter.phone == "+27821234567"
    assert TriageReason.INVALID_CONTACT in reading.reasons


def test_the_respondent_email_collected_by_google_is_used_when_no_email_was_typed():
    base = json.loads(response(email=None).model_dump_json())
    base["respondent_email"] = "collected@example.org"
    reading = interpret(FormResponse.model_validate(base), MAPPING, CENTRES)
    assert reading.reporter.email == "collected@example.org"


def test_questions_not_in_the_mapping_are_ignored_and_titles_match_loosely():
    data = json.loads(response().model_dump_json())
    data["answers"].append({"question": "How did you hear about us?", "answer": "Radio"})
    data["answers"][0]["question"] = "  centre "
    reading = interpret(FormResponse.model_validate(data), MAPPING, CENTRES)
    assert reading.centre is not None and reading.reasons == []
