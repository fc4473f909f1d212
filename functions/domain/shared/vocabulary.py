"""The programme's fixed vocabularies: kinds, categories, statuses, roles and their labels."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    COMPLAINT = "complaint"
    COMPLIMENT = "compliment"
    SUGGESTION = "suggestion"
    QUESTION = "question"


class Category(StrEnum):
    """Drawn from the topics of the programme's digital customer-service forums."""

    COMMUNICATION_AND_DELAYS = "communication_and_delays"
    RIGHTS_OF_PARENTS_AND_CHILDREN = "rights_of_parents_and_children"
    CHILD_WELLBEING_AND_SAFETY = "child_wellbeing_and_safety"
    STAFF_CONDUCT = "staff_conduct"
    LEARNING_PROGRAMME = "learning_programme"
    HEALTH_AND_NUTRITION = "health_and_nutrition"
    FEES_AND_ADMINISTRATION = "fees_and_administration"
    FACILITIES = "facilities"
    OTHER = "other"


class CaseStatus(StrEnum):
    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    AWAITING_PARENT = "awaiting_parent"
    RESOLVED = "resolved"
    CLOSED = "closed"


class ReporterRole(StrEnum):
    PARENT = "parent"
    GUARDIAN = "guardian"
    STAFF = "staff"
    OTHER = "other"


class AgeGroup(StrEnum):
    BABY = "baby"
    TODDLER = "toddler"
    PRESCHOOL = "preschool"
    GRADE_R = "grade_r"


class Language(StrEnum):
    """South African languages a parent may prefer to be answered in."""

    ENGLISH = "en"
    AFRIKAANS = "af"
    ISIZULU = "zu"
    ISIXHOSA = "xh"
    SESOTHO = "st"
    SEPEDI = "nso"
    SETSWANA = "tn"
    XITSONGA = "ts"
    SISWATI = "ss"
    TSHIVENDA = "ve"
    ISINDEBELE = "nr"


class Source(StrEnum):
    WEB_FORM = "web_form"
    API = "api"
    GOOGLE_FORM = "google_form"


class TriageReason(StrEnum):
    UNKNOWN_CENTRE = "unknown_centre"
    UNKNOWN_KIND = "unknown_kind"
    UNKNOWN_TOPIC = "unknown_topic"
    UNCLEAR_URGENCY = "unclear_urgency"
    NO_DESCRIPTION = "no_description"
    INVALID_CONTACT = "invalid_contact"
    NO_CONSENT = "no_consent"
    MESSAGE_CUT = "message_cut"


class EventType(StrEnum):
    SUBMITTED = "submitted"
    STATUS_CHANGED = "status_changed"
    NOTE_ADDED = "note_added"
    TRIAGE_FLAGGED = "triage_flagged"


class StaffRole(StrEnum):
    """Who a directory contact is, for the mail they receive."""

    PRINCIPAL = "principal"
    STAFF = "staff"
    ADMINISTRATOR = "administrator"


class ActorRole(StrEnum):
    """Who did something to a case, as its history shows."""

    PARENT = "parent"
    STAFF = "staff"
    ADMINISTRATOR = "administrator"
    SYSTEM = "system"


LABELS: dict[StrEnum, str] = {
    Kind.COMPLAINT: "Complaint",
    Kind.COMPLIMENT: "Compliment",
    Kind.SUGGESTION: "Suggestion",
    Kind.QUESTION: "Question",
    Category.COMMUNICATION_AND_DELAYS: "Communication and delays",
    Category.RIGHTS_OF_PARENTS_AND_CHILDREN: "Rights of parents and children",
    Category.CHILD_WELLBEING_AND_SAFETY: "Child wellbeing and safety",
    Category.STAFF_CONDUCT: "Staff conduct",
    Category.LEARNING_PROGRAMME: "Learning programme",
    Category.HEALTH_AND_NUTRITION: "Health and nutrition",
    Category.FEES_AND_ADMINISTRATION: "Fees and administration",
    Category.FACILITIES: "Facilities",
    Category.OTHER: "Other",
    CaseStatus.RECEIVED: "Received",
    CaseStatus.IN_PROGRESS: "Being looked into",
    CaseStatus.AWAITING_PARENT: "Waiting for your reply",
    CaseStatus.RESOLVED: "Resolved",
    CaseStatus.CLOSED: "Closed",
    ReporterRole.PARENT: "Parent",
    ReporterRole.GUARDIAN: "Guardian or caregiver",
    ReporterRole.STAFF: "Centre staff",
    ReporterRole.OTHER: "Other",
    AgeGroup.BABY: "Baby (under 1)",
    AgeGroup.TODDLER: "Toddler (1 to 3)",
    AgeGroup.PRESCHOOL: "Pre-school (3 to 5)",
    AgeGroup.GRADE_R: "Grade R (5 to 6)",
    Language.ENGLISH: "English",
    Language.AFRIKAANS: "Afrikaans",
    Language.ISIZULU: "isiZulu",
    Language.ISIXHOSA: "isiXhosa",
    Language.SESOTHO: "Sesotho",
    Language.SEPEDI: "Sepedi",
    Language.SETSWANA: "Setswana",
    Language.XITSONGA: "Xitsonga",
    Language.SISWATI: "siSwati",
    Language.TSHIVENDA: "Tshivenda",
    Language.ISINDEBELE: "isiNdebele",
}

KIND_HINTS: dict[Kind, str] = {
    Kind.COMPLAINT: "Something went wrong and needs fixing",
    Kind.COMPLIMENT: "Something or someone was great",
    Kind.SUGGESTION: "An idea to make things better",
    Kind.QUESTION: "Something you would like to know",
}


def label(value: StrEnum | None) -> str:
    """The label a person sees for a vocabulary value."""
    return LABELS.get(value, str(value)) if value is not None else ""


def options(enum: type[StrEnum]) -> list[dict[str, str]]:
    """[{value, label}] for a select or radio group, in declaration order."""
    return [{"value": member.value, "label": LABELS[member]} for member in enum]


def _normalise(text: str) -> str:
    return " ".join(text.replace("&", "and").split()).casefold()


def match_choice(enum: type[StrEnum], given: str | None) -> StrEnum | None:
    """Find the value whose name or label matches free text, ignoring case and spacing."""
    if not given:
        return None
    wanted = _normalise(given)
    for member in enum:
        names = (member.value, member.value.replace("_", " "), LABELS[member])
        if wanted in {_normalise(name) for name in names}:
            return member
    return None
