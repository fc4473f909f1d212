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
    NOTE_ADDED = "note_added"  # internal: staff only
    TRIAGE_FLAGGED = "triage_flagged"
    ACKNOWLEDGED = "acknowledged"
    INFO_REQUESTED = "info_requested"  # staff asked the parent; the clock pauses
    PARENT_REPLIED = "parent_replied"  # the clock runs again
    RESOLVED = "resolved"
    REASSIGNED = "reassigned"  # internal
    ESCALATED = "escalated"  # internal
    NUDGED = "nudged"  # internal: a missed deadline's reminder went out
    RATED = "rated"
    REOPENED = "reopened"
    CLOSED = "closed"


class StaffAction(StrEnum):
    """What a staff member's signed link lets them do to a case (one action per link)."""

    ACKNOWLEDGE = "acknowledge"
    NOTE = "note"
    RESOLVE = "resolve"
    REASSIGN = "reassign"
    ESCALATE = "escalate"
    ASK_PARENT = "ask_parent"


class ClockChange(StrEnum):
    """What an event did to the service clock, as the history shows it."""

    PAUSED = "paused"
    RESUMED = "resumed"


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


# ------------------------------------------------------------------------ the monthly forums


class ForumFormat(StrEnum):
    ZOOM_WEBINAR = "zoom_webinar"
    WHATSAPP_LIVE_AUDIO = "whatsapp_live_audio"
    GOOGLE_MEET_BREAKOUTS = "google_meet_breakouts"
    IN_PERSON = "in_person"


class ForumTopic(StrEnum):
    """The programme's discussion topics (the March 2025 forums covered all six)."""

    RIGHTS_OF_PARENTS_AND_CHILDREN = "parent_and_child_rights"
    COMPLAINTS_AND_COMMUNICATION_DELAYS = "complaints_and_communication_delays"
    FEEDBACK_TOOLS_AND_CASE_REPORTING = "feedback_tools_and_case_reporting"
    CHILD_CENTRED_RESPECTFUL_SERVICE = "child_centred_respectful_service"
    STAFF_TRAINING_NEEDS = "staff_training_needs"
    COMPLIMENTS_AND_COMPLAINTS = "compliments_and_complaints"


class Audience(StrEnum):
    """Who a forum is for: the network's own people, and from now on its partners too."""

    PARENTS = "parents"
    STAFF = "staff"
    COMMUNITY_LEADERS = "community_leaders"
    DISTRICT_OFFICIALS = "district_officials"
    SERVICE_PARTNERS = "service_partners"


class ParticipantRole(StrEnum):
    """The role a forum participant registers or attends as (attendance is counted by it)."""

    PARENT = "parent"
    STAFF = "staff"
    COMMUNITY_LEADER = "community_leader"
    DISTRICT_OFFICIAL = "district_official"
    SERVICE_PARTNER = "service_partner"


# Which audience a role belongs to: a forum takes registrations from its audiences' roles.
AUDIENCE_OF_ROLE: dict[ParticipantRole, Audience] = {
    ParticipantRole.PARENT: Audience.PARENTS,
    ParticipantRole.STAFF: Audience.STAFF,
    ParticipantRole.COMMUNITY_LEADER: Audience.COMMUNITY_LEADERS,
    ParticipantRole.DISTRICT_OFFICIAL: Audience.DISTRICT_OFFICIALS,
    ParticipantRole.SERVICE_PARTNER: Audience.SERVICE_PARTNERS,
}


def N_(message: str) -> str:
    """Marks English text for translation: `make translations` extracts it, and templates
    show it through gettext (rendering/filters.py) in the reader's language."""
    return message


# The English label of each value: what templates translate, and what free text from a form
# is matched against.
LABELS: dict[StrEnum, str] = {
    Kind.COMPLAINT: N_("Complaint"),
    Kind.COMPLIMENT: N_("Compliment"),
    Kind.SUGGESTION: N_("Suggestion"),
    Kind.QUESTION: N_("Question"),
    Category.COMMUNICATION_AND_DELAYS: N_("Communication and delays"),
    Category.RIGHTS_OF_PARENTS_AND_CHILDREN: N_("Rights of parents and children"),
    Category.CHILD_WELLBEING_AND_SAFETY: N_("Child wellbeing and safety"),
    Category.STAFF_CONDUCT: N_("Staff conduct"),
    Category.LEARNING_PROGRAMME: N_("Learning programme"),
    Category.HEALTH_AND_NUTRITION: N_("Health and nutrition"),
    Category.FEES_AND_ADMINISTRATION: N_("Fees and administration"),
    Category.FACILITIES: N_("Facilities"),
    Category.OTHER: N_("Other"),
    CaseStatus.RECEIVED: N_("Received"),
    CaseStatus.IN_PROGRESS: N_("Being looked into"),
    CaseStatus.AWAITING_PARENT: N_("Waiting for your reply"),
    CaseStatus.RESOLVED: N_("Resolved"),
    CaseStatus.CLOSED: N_("Closed"),
    ReporterRole.PARENT: N_("Parent"),
    ReporterRole.GUARDIAN: N_("Guardian or caregiver"),
    ReporterRole.STAFF: N_("Centre staff"),
    ReporterRole.OTHER: N_("Other"),
    AgeGroup.BABY: N_("Baby (under 1)"),
    AgeGroup.TODDLER: N_("Toddler (1 to 3)"),
    AgeGroup.PRESCHOOL: N_("Pre-school (3 to 5)"),
    AgeGroup.GRADE_R: N_("Grade R (5 to 6)"),
    Language.ENGLISH: N_("English"),
    Language.AFRIKAANS: N_("Afrikaans"),
    Language.ISIZULU: N_("isiZulu"),
    Language.ISIXHOSA: N_("isiXhosa"),
    Language.SESOTHO: N_("Sesotho"),
    Language.SEPEDI: N_("Sepedi"),
    Language.SETSWANA: N_("Setswana"),
    Language.XITSONGA: N_("Xitsonga"),
    Language.SISWATI: N_("siSwati"),
    Language.TSHIVENDA: N_("Tshivenda"),
    Language.ISINDEBELE: N_("isiNdebele"),
    TriageReason.UNKNOWN_CENTRE: N_("Centre not recognised"),
    TriageReason.UNKNOWN_KIND: N_("Type of feedback not recognised"),
    TriageReason.UNKNOWN_TOPIC: N_("Topic not recognised"),
    TriageReason.UNCLEAR_URGENCY: N_("Unclear whether it is urgent"),
    TriageReason.NO_DESCRIPTION: N_("No message was written"),
    TriageReason.INVALID_CONTACT: N_("Contact details could not be read"),
    TriageReason.NO_CONSENT: N_("Consent not given: contact details were not kept"),
    TriageReason.MESSAGE_CUT: N_(
        "The message was longer than 10,000 characters and was cut there; the form's "
        "responses hold all of it"
    ),
    EventType.SUBMITTED: N_("Feedback received"),
    EventType.STATUS_CHANGED: N_("Status changed"),
    EventType.NOTE_ADDED: N_("Note added"),
    EventType.TRIAGE_FLAGGED: N_("Flagged for checking"),
    EventType.ACKNOWLEDGED: N_("Acknowledged"),
    EventType.INFO_REQUESTED: N_("More information asked for"),
    EventType.PARENT_REPLIED: N_("Reply received"),
    EventType.RESOLVED: N_("Resolved"),
    EventType.REASSIGNED: N_("Reassigned"),
    EventType.ESCALATED: N_("Escalated"),
    EventType.NUDGED: N_("Reminder sent"),
    EventType.RATED: N_("Rated"),
    EventType.REOPENED: N_("Reopened"),
    EventType.CLOSED: N_("Closed"),
    StaffAction.ACKNOWLEDGE: N_("Acknowledge"),
    StaffAction.NOTE: N_("Add a note"),
    StaffAction.RESOLVE: N_("Resolve"),
    StaffAction.REASSIGN: N_("Reassign"),
    StaffAction.ESCALATE: N_("Escalate"),
    StaffAction.ASK_PARENT: N_("Ask the parent"),
    ClockChange.PAUSED: N_("The response clock is paused until the parent replies"),
    ClockChange.RESUMED: N_("The response clock runs again"),
}

# The forums' vocabularies reuse words the cases' use ("parent", "staff") for other labels, so
# their labels are kept by type as well as value: a role is not an audience.
_FORUM_ENUMS = (ForumFormat, ForumTopic, Audience, ParticipantRole)
FORUM_LABELS: dict[tuple[type, str], str] = {
    (type(member), member.value): text
    for member, text in (
        (ForumFormat.ZOOM_WEBINAR, N_("Zoom webinar")),
        (ForumFormat.WHATSAPP_LIVE_AUDIO, N_("WhatsApp with live audio")),
        (ForumFormat.GOOGLE_MEET_BREAKOUTS, N_("Google Meet with breakout rooms")),
        (ForumFormat.IN_PERSON, N_("In person")),
        (
            ForumTopic.RIGHTS_OF_PARENTS_AND_CHILDREN,
            N_("Understanding the rights of parents and children in service delivery"),
        ),
        (
            ForumTopic.COMPLAINTS_AND_COMMUNICATION_DELAYS,
            N_("Common complaints and delays in communication"),
        ),
        (
            ForumTopic.FEEDBACK_TOOLS_AND_CASE_REPORTING,
            N_("Using the feedback tools and digital case reporting"),
        ),
        (
            ForumTopic.CHILD_CENTRED_RESPECTFUL_SERVICE,
            N_("Building a child-centred, respect-based service environment"),
        ),
        (
            ForumTopic.STAFF_TRAINING_NEEDS,
            N_("Staff training needs in emotional intelligence and conflict resolution"),
        ),
        (
            ForumTopic.COMPLIMENTS_AND_COMPLAINTS,
            N_("Recognising and responding to compliments and complaints"),
        ),
        (Audience.PARENTS, N_("Parents")),
        (Audience.STAFF, N_("Centre staff")),
        (Audience.COMMUNITY_LEADERS, N_("Community leaders")),
        (Audience.DISTRICT_OFFICIALS, N_("District education officials")),
        (Audience.SERVICE_PARTNERS, N_("Local service partners")),
        (ParticipantRole.PARENT, N_("Parent or guardian")),
        (ParticipantRole.STAFF, N_("Centre staff member")),
        (ParticipantRole.COMMUNITY_LEADER, N_("Community leader")),
        (ParticipantRole.DISTRICT_OFFICIAL, N_("District education official")),
        (ParticipantRole.SERVICE_PARTNER, N_("Local service partner")),
    )
}
# A plain string ("zoom_webinar" in a mail's data) a case label does not claim: its forum label.
_FORUM_LABEL_OF_VALUE: dict[str, str] = {}
for (_, _value), _text in FORUM_LABELS.items():
    _FORUM_LABEL_OF_VALUE.setdefault(_value, _text)

KIND_HINTS: dict[Kind, str] = {
    Kind.COMPLAINT: N_("Something went wrong and needs fixing"),
    Kind.COMPLIMENT: N_("Something or someone was great"),
    Kind.SUGGESTION: N_("An idea to make things better"),
    Kind.QUESTION: N_("Something you would like to know"),
}


def label(value: StrEnum | None) -> str:
    """The label a person sees for a vocabulary value (a plain string: the cases' label of
    that value, as stored records and mail data hold them)."""
    if value is None:
        return ""
    if isinstance(value, _FORUM_ENUMS):
        return FORUM_LABELS[(type(value), value.value)]
    return LABELS.get(value) or _FORUM_LABEL_OF_VALUE.get(str(value), str(value))


def options(enum: type[StrEnum]) -> list[dict[str, str]]:
    """[{value, label}] for a select or radio group, in declaration order."""
    return [{"value": member.value, "label": label(member)} for member in enum]


def _normalise(text: str) -> str:
    return " ".join(text.replace("&", "and").split()).casefold()


def match_choice(enum: type[StrEnum], given: str | None) -> StrEnum | None:
    """Find the value whose name or label matches free text, ignoring case and spacing."""
    if not given:
        return None
    wanted = _normalise(given)
    for member in enum:
        names = (member.value, member.value.replace("_", " "), label(member))
        if wanted in {_normalise(name) for name in names}:
            return member
    return None
