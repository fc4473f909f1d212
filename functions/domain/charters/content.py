"""What one centre's charter says, language-free: the values the template fills in.

A charter is a promise to parents, so its times are never typed: they are the live
service-level policy's (domain/cases/service_levels.py), its hours the centre's calendar, its
people the directory's. `build_charter` gathers them into one record; the wording lives in
templates/charters/ (read by rendering/charter_pdf.py's `charter_sections`, which the page and
the PDF both show). `charter_version` is a short hash of that record: the same inputs give
the same version, and any change (a new TEMPLATE_VERSION, a changed service level, changed
centre details or commitments) a new one, which is what distribution sends again.

Text from the directory and the administrator reaches a notice board, a page and a PDF, so it
is made one line here (no CR/LF, U+2028 or control can start a line of its own) and half a
surrogate pair becomes U+FFFD (no page or PDF can encode it); bidi controls are dropped (one
left open would reorder the text after it). Markup is kept: every template
escapes it and the PDF draws it as text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from enum import StrEnum

from pydantic import Field

from functions.domain.cases.service_levels import Escalation, ServiceLevelPolicy, Target
from functions.domain.directory.models import Centre, Region
from functions.domain.shared.calendar import WEEKDAYS
from functions.domain.shared.records import Record
from functions.domain.shared.text import one_line
from functions.domain.shared.vocabulary import Kind, Language

# Bump when the charter's wording (templates/charters/) changes: every centre's version
# changes with it, so every centre is sent the new wording.
TEMPLATE_VERSION = "2026-12"
# The kinds a charter promises times for, in the order a parent reads them.
KINDS = (Kind.COMPLAINT, Kind.QUESTION, Kind.SUGGESTION, Kind.COMPLIMENT)
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Bidi embeddings, overrides, isolates and marks: one left open in a centre's name would show
# the rest of its line backwards ("please display it" in a subject, the page's sentences).
# Hebrew or Arabic letters need none of them to read right to left.
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Unit(StrEnum):
    """What a promised time counts: the centre's open hours, or the clock (urgent)."""

    WORKING_HOURS = "working_hours"
    CLOCK_HOURS = "clock_hours"


class Promise(Record):
    """How fast one kind of feedback is answered (kind None: anything urgent, or any kind
    without a target of its own)."""

    kind: Kind | None
    urgent: bool
    acknowledge_hours: float
    resolve_hours: float | None  # None: not worked to a resolution (a compliment)
    unit: Unit


class ChannelKind(StrEnum):
    WEB_FORM = "web_form"
    EMAIL = "email"
    PHONE = "phone"
    WHATSAPP = "whatsapp"


class Channel(Record):
    kind: ChannelKind
    value: str  # a URL, an address or an E.164 number


class Charter(Record):
    """Everything one centre's charter shows, in no language."""

    template_version: str
    policy_version: str
    centre_id: str
    centre_name: str
    principal_name: str
    region_id: str
    region_name: str
    escalation_name: str  # the regional administrator: the ladder's top
    escalation_email: str
    network_name: str = ""
    address: str | None = None
    # Weekday ("mon".."sun") → "HH:MM-HH:MM", in weekday order; a day not listed is closed.
    opening_hours: dict[str, str]
    timezone: str
    # The versions produced (English first, then the centre's languages we have text in).
    languages: list[Language]
    # Every language the centre speaks with parents (the charter names them all).
    spoken_languages: list[Language] = Field(default_factory=list)
    promises: list[Promise]
    escalation: Escalation
    channels: list[Channel]
    commitments: list[str] = Field(default_factory=list)
    feedback_url: str
    charter_url: str

    def promise(self, kind: Kind | None, urgent: bool) -> Promise | None:
        return next((p for p in self.promises if p.kind == kind and p.urgent == urgent), None)


def _text(value: str | None) -> str:
    return one_line(_BIDI.sub("", _SURROGATE.sub("\ufffd", value or "")))


def _promise(target: Target, kind: Kind | None, urgent: bool) -> Promise:
    unit = Unit.CLOCK_HOURS if urgent else Unit.WORKING_HOURS
    return Promise(kind=kind, urgent=urgent, acknowledge_hours=target.acknowledge_hours,
                   resolve_hours=target.resolve_hours, unit=unit)  # fmt: skip


def promises_of(policy: ServiceLevelPolicy) -> list[Promise]:
    """Each kind's everyday times (its own target, else the policy's default), then anything
    urgent (the urgent default), then any kind the policy gives urgent times of its own."""
    everyday = [_promise(policy.target(kind, False), kind, False) for kind in KINDS]
    urgent = [_promise(policy.target(None, True), None, True)]
    urgent += [_promise(t, t.kind, True) for t in policy.targets
               if t.urgent and t.kind is not None and t.kind in KINDS]  # fmt: skip
    return everyday + urgent


def _channels(centre: Centre, feedback_url: str) -> list[Channel]:
    found = [Channel(kind=ChannelKind.WEB_FORM, value=feedback_url)]
    for kind, value in ((ChannelKind.EMAIL, centre.email), (ChannelKind.PHONE, centre.phone),
                        (ChannelKind.WHATSAPP, centre.whatsapp)):  # fmt: skip
        if value and _text(value):
            found.append(Channel(kind=kind, value=_text(value)))
    return found


def _languages(spoken: Iterable[Language], shipped: Iterable[str]) -> list[Language]:
    shipped = set(shipped)
    produced = [Language.ENGLISH]
    produced += [lang for lang in spoken if lang.value in shipped and lang not in produced]
    return produced


def build_charter(centre: Centre, region: Region, policy: ServiceLevelPolicy,
                  commitments: list[str], feedback_url: str, charter_url: str, *,
                  network_name: str = "",
                  shipped: Iterable[str] = ("en",)) -> Charter:  # fmt: skip
    """One centre's charter from the directory, the live policy and the local commitments.
    `shipped`: the languages the charter's text exists in (rendering/translations.LANGUAGES);
    the centre's languages among them are the versions produced, English always."""
    spoken = list(dict.fromkeys(centre.languages)) or [Language.ENGLISH]
    hours = {day: centre.opening_hours[day] for day in WEEKDAYS if day in centre.opening_hours}
    kept = [_text(item) for item in commitments]
    return Charter(
        template_version=TEMPLATE_VERSION,
        policy_version=policy.version,
        centre_id=centre.centre_id,
        centre_name=_text(centre.name),
        principal_name=_text(centre.principal.name),
        region_id=region.region_id,
        region_name=_text(region.name),
        escalation_name=_text(region.administrator.name),
        escalation_email=_text(region.administrator.email),
        network_name=_text(network_name),
        address=_text(centre.address) or None,
        opening_hours=hours,
        timezone=centre.timezone,
        languages=_languages(spoken, shipped),
        spoken_languages=spoken,
        promises=promises_of(policy),
        escalation=policy.escalation,
        channels=_channels(centre, feedback_url),
        commitments=[item for item in kept if item],
        feedback_url=feedback_url,
        charter_url=charter_url,
    )


def charter_version(charter: Charter) -> str:
    """A short hash of everything the charter shows (its template version included): the
    same inputs give the same version, any change a new one."""
    text = json.dumps(charter.model_dump(mode="json"), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
