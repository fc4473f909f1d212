"""The parent-facing HTML pages, checked the way a person (or a screen reader) meets them.

Each page is rendered through functions.rendering.render with sample context and parsed with
the stdlib html.parser; no browser and no extra dependencies.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any

import jinja2
import pytest

from functions.rendering import get_environment, render
from functions.rendering.filters import filters_for
from functions.rendering.translations import LANGUAGES

NETWORK = "SayPro ECD Network"
STATUS_URL = "https://feedback.example.org/status/FB-7K3M-Q9P?t=abc123"
NASTY = "He said \"hi\" & <script>alert('x')</script>"

FIELD_NAMES = [
    "csrf_token",
    "website",
    "centre_id",
    "kind",
    "category",
    "description",
    "urgent",
    "child.first_name",
    "child.age_group",
    "anonymous",
    "reporter.name",
    "reporter.email",
    "reporter.phone",
    "reporter.role",
    "reporter.preferred_language",
    "consent.given",
    "consent.version",
]

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


# --------------------------------------------------------------------------- parsing


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element] = []
        self.text_parts: list[str] = []

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    @property
    def text(self) -> str:
        parts = list(self.text_parts)
        return " ".join(" ".join(parts).split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class Page(HTMLParser):
    """A tiny DOM: every element with attributes, its text, and nesting errors."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.stack = [self.root]
        self.elements: list[Element] = []
        self.text_nodes: list[tuple[str, Element]] = []
        self.nesting_errors: list[str] = []
        self.doctype = ""
        self.feed(html)
        self.close()
        if len(self.stack) != 1:
            self.nesting_errors.append(f"unclosed: {[e.tag for e in self.stack[1:]]}")

    def handle_decl(self, decl):
        self.doctype = decl

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if self.stack[-1].tag != tag:
            self.nesting_errors.append(f"</{tag}> closes <{self.stack[-1].tag}>")
            return
        self.stack.pop()

    def handle_data(self, data):
        for element in self.stack:
            element.text_parts.append(data)
        self.text_nodes.append((data, self.stack[-1]))

    # queries

    def all(self, tag: str | None = None, **attrs: str) -> list[Element]:
        found = []
        for element in self.elements:
            if tag is not None and element.tag != tag:
                continue
            if all(element.get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items()):
                found.append(element)
        return found

    def one(self, tag: str | None = None, **attrs: str) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Element:
        found = [e for e in self.elements if e.get("id") == element_id]
        assert len(found) == 1, f"expected one element with id={element_id!r}, got {len(found)}"
        return found[0]

    def ids(self) -> list[str]:
        return [e.get("id") for e in self.elements if e.get("id")]

    def named(self, name: str) -> list[Element]:
        return [
            e
            for e in self.elements
            if e.tag in {"input", "select", "textarea", "button"} and e.get("name") == name
        ]

    def title(self) -> str:
        return self.one("title").text


# --------------------------------------------------------------------------- sample context


def form_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "network_name": NETWORK,
        "action_url": "/feedback",
        "csrf_token": "csrf-abc123",
        "centre_groups": [
            {
                "region": "Gauteng",
                "centres": [
                    {"id": "gp-001", "name": "Sunshine Creche"},
                    {"id": "gp-002", "name": "Little Stars ECD"},
                ],
            },
            {"region": "Western Cape", "centres": [{"id": "wc-001", "name": "Ubuntu Kids"}]},
        ],
        "kinds": [
            {"value": "complaint", "label": "Complaint", "hint": "Something went wrong"},
            {"value": "compliment", "label": "Compliment", "hint": "Something went well"},
            {"value": "suggestion", "label": "Suggestion", "hint": "An idea"},
            {"value": "question", "label": "Question", "hint": "Something to ask"},
        ],
        "categories": [
            {"value": "child_wellbeing_and_safety", "label": "Child wellbeing and safety"},
            {"value": "health_and_nutrition", "label": "Health and nutrition"},
        ],
        "age_groups": [
            {"value": "baby", "label": "Baby (under 1)"},
            {"value": "preschool", "label": "Pre-school (3 to 5)"},
        ],
        "roles": [
            {"value": "parent", "label": "Parent"},
            {"value": "guardian", "label": "Guardian"},
        ],
        "languages": [
            {"value": "en", "label": "English"},
            {"value": "zu", "label": "isiZulu"},
            {"value": "af", "label": "Afrikaans"},
        ],
        "values": {},
        "errors": {},
        "notice": None,
        "consent_statement": "We, %(network)s, share what you write with the centre.",
        "consent_version": "2026-01",
    }
    context.update(overrides)
    return context


FILLED = {
    "centre_id": "gp-002",
    "kind": "suggestion",
    "category": "health_and_nutrition",
    "description": NASTY,
    "urgent": "yes",
    "child.first_name": "T.",
    "child.age_group": "preschool",
    "anonymous": "",
    "reporter.name": 'Thandi "TK" <b>Khumalo</b>',
    "reporter.email": "thandi@example.org",
    "reporter.phone": "082 123 4567",
    "reporter.role": "guardian",
    "reporter.preferred_language": "zu",
    "consent.given": "yes",
}

ERRORS = {
    "centre_id": "Choose your child's centre",
    "kind": "Choose what you would like to share",
    "reporter.email": "Enter an email address like name@example.com",
    "consent.given": "Tick the box to agree",
}


def received_context(**overrides: Any) -> dict[str, Any]:
    context: dict[str, Any] = {
        "network_name": NETWORK,
        "reference": "FB-7K3M-Q9P",
        "status_url": STATUS_URL,
        "centre_name": "Sunshine Creche",
        "kind": "complaint",
        "urgent": False,
        "respond_by": datetime(2026, 11, 25, 13, 0, tzinfo=UTC),
    }
    context.update(overrides)
    return context


def status_context(**case_overrides: Any) -> dict[str, Any]:
    case = {
        "reference": "FB-7K3M-Q9P",
        "centre_name": "Sunshine Creche",
        "kind": "complaint",
        "category": "child_wellbeing_and_safety",
        "status": "in_progress",
        "created_at": datetime(2026, 11, 23, 7, 14, tzinfo=UTC),
        "respond_by": datetime(2026, 11, 25, 7, 14, tzinfo=UTC),
        "resolve_by": datetime(2026, 12, 7, 7, 14, tzinfo=UTC),
        "urgent": False,
    }
    case.update(case_overrides)
    at = datetime(2026, 11, 23, 7, 14, tzinfo=UTC)
    return {
        "network_name": NETWORK,
        "case": case,
        "events": [
            {"at": at, "type": "submitted", "status": "received", "summary": None},
            {"at": at, "type": "status_changed", "status": "in_progress", "summary": "We met."},
            {"at": at, "type": "note_added", "status": None, "summary": "Call us."},
        ],
        "question": None,
        "reply_form": {"action": "case_reply?token=abc.def", "csrf_token": "csrf-reply"},
        "rating_form": None,
        "scores": SCORES,
        "reply_max": 5000,
    }


def _step(type_: str, summary: str | None = None, **fields: Any) -> dict[str, Any]:
    at = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    event = {"at": at, "type": type_, "status": None, "summary": summary, "clock": None,
             "score": None, "actor": {"role": "staff", "display_name": None}}  # fmt: skip
    return event | fields


def awaiting_context() -> dict[str, Any]:
    """Waiting on the parent: the question, and every kind of step a parent sees."""
    context = status_context(status="awaiting_parent")
    context["question"] = NASTY
    context["events"] += [
        _step("acknowledged", status="in_progress",
              actor={"role": "staff", "display_name": "Thandi Mokoena"}),
        _step("info_requested", "Which day was it?", status="awaiting_parent", clock="paused"),
        _step("parent_replied", "Friday.", status="in_progress", clock="resumed",
              actor={"role": "parent", "display_name": None}),
        _step("info_requested", NASTY, status="awaiting_parent", clock="paused"),
    ]  # fmt: skip
    return context


def resolved_context() -> dict[str, Any]:
    """Resolved and not rated yet: the rating form, no reply form."""
    context = status_context(status="resolved")
    context["events"] += [
        _step("resolved", "We now send the hours by Wednesday.", status="resolved"),
        _step("rated", "Still late.", status="in_progress", score=2,
              actor={"role": "parent", "display_name": None}),
    ]  # fmt: skip
    context["reply_form"] = None
    context["rating_form"] = {"action": "rate_case?token=abc.def", "csrf_token": "csrf-rate"}
    return context


SCORE_LABELS = ["1 – Very poor", "2 – Poor", "3 – Fair", "4 – Good", "5 – Very good"]
SCORES = [{"value": n, "label": label} for n, label in enumerate(SCORE_LABELS, 1)]
FOLLOWED_CASE = {"reference": "FB-7K3M-Q9P", "centre_name": "Sunshine Creche", "kind": "complaint",
                 "status": "awaiting_parent", "resolution": "We now send the hours by Wednesday.",
                 "rating": None}  # fmt: skip


def reply_context(**overrides: Any) -> dict[str, Any]:
    context = {"network_name": NETWORK, "case": FOLLOWED_CASE, "question": "Which day was it?",
               "open": True, "action": "case_reply?token=abc.def", "csrf_token": "csrf-reply",
               "text": "", "error": None, "notice": None,
               "status_url": "case_status?token=abc.def", "reply_max": 5000}  # fmt: skip
    return context | overrides


def rate_context(**overrides: Any) -> dict[str, Any]:
    context = {"network_name": NETWORK, "case": FOLLOWED_CASE | {"status": "resolved"},
               "scores": SCORES, "chosen": 4, "comment": "", "errors": {}, "notice": None,
               "action": "rate_case?token=abc.def", "csrf_token": "csrf-rate",
               "status_url": None}  # fmt: skip
    return context | overrides


def rated_context(state: str, **overrides: Any) -> dict[str, Any]:
    case = FOLLOWED_CASE | {"status": "in_progress", "rating": {"score": 1}}
    context = {"network_name": NETWORK, "state": state, "status_url": "case_status?token=abc.def",
               "case": None if state == "expired" else case}  # fmt: skip
    return context | overrides


PAGES = {
    "pages/feedback_form.html": lambda: form_context(),
    "pages/feedback_form.html#errors": lambda: form_context(values=FILLED, errors=ERRORS),
    "pages/feedback_received.html": lambda: received_context(urgent=True),
    "pages/case_status.html": lambda: status_context(),
    "pages/case_status.html#awaiting": awaiting_context,
    "pages/case_status.html#resolved": resolved_context,
    "pages/case_reply.html": lambda: reply_context(),
    "pages/case_reply.html#error": lambda: reply_context(
        text=NASTY, error="Write your reply before sending it", notice="Your page had been open"
    ),
    "pages/case_reply.html#closed": lambda: reply_context(open=False, text=NASTY),
    "pages/case_reply.html#unasked": lambda: reply_context(question=None),
    "pages/case_reply_sent.html": lambda: {
        "network_name": NETWORK,
        "case": FOLLOWED_CASE,
        "status_url": "case_status?token=abc.def",
    },
    "pages/rate_case.html": lambda: rate_context(),
    "pages/rate_case.html#low": lambda: rate_context(chosen=1, status_url="case_status?t=1"),
    "pages/rate_case.html#errors": lambda: rate_context(
        chosen=None, comment=NASTY, errors={"score": "Choose a score", "comment": "Too long"}
    ),
    "pages/case_rated.html#thanks": lambda: rated_context("thanks"),
    "pages/case_rated.html#already": lambda: rated_context("already", status_url=None),
    "pages/case_rated.html#expired": lambda: rated_context("expired", status_url=None),
    "pages/case_rated.html#not_waiting": lambda: rated_context("not_waiting"),
    "pages/not_found.html": lambda: {"network_name": NETWORK},
    "pages/error.html": lambda: {
        "network_name": NETWORK,
        "heading": "Sorry, we could not save that",
        "message": "Please try again in a minute.",
    },
    "pages/thanks.html": lambda: {"network_name": NETWORK},
    "pages/unsubscribe.html": lambda: {"network_name": NETWORK, "token": "abc.def"},
    "pages/unsubscribed.html": lambda: {"network_name": NETWORK},
}

STATUS_PAGES = [
    "pages/feedback_received.html",
    "pages/case_status.html",
    "pages/case_status.html#awaiting",
    "pages/case_reply.html",
    "pages/case_reply_sent.html",
    "pages/rate_case.html",
    "pages/case_rated.html#thanks",
    "pages/case_rated.html#expired",
    "pages/not_found.html",
    "pages/error.html",
    "pages/thanks.html",
    "pages/unsubscribe.html",
    "pages/unsubscribed.html",
]


def render_page(key: str) -> tuple[str, Page]:
    html = render(key.split("#")[0], **PAGES[key]())
    return html, Page(html)


# --------------------------------------------------------------------------- every page


@pytest.mark.parametrize("key", PAGES)
def test_page_has_the_basic_landmarks(key):
    html, page = render_page(key)
    assert page.doctype.lower() == "doctype html"
    assert page.one("html").get("lang") == "en"
    assert page.one("meta", charset="utf-8")
    viewport = page.one("meta", name="viewport").get("content")
    assert "width=device-width" in viewport
    assert NETWORK in page.title()
    main = page.one("main")
    skip = page.all("a")[0]
    assert skip.get("href") == f"#{main.get('id')}", "the first link skips to <main>"
    assert len(page.all("h1")) == 1
    assert page.one("h1").text
    assert not page.nesting_errors


@pytest.mark.parametrize("key", PAGES)
def test_page_loads_nothing_from_anywhere_else(key):
    html, page = render_page(key)
    assert not page.all("script")
    assert not page.all("img")
    assert not page.all("link")
    assert not page.all("iframe")
    styles = page.all("style")
    assert len(styles) == 1
    css = styles[0].text
    assert "@import" not in css
    assert "url(" not in css
    for element in page.elements:
        for attr in ("src", "href", "action", "srcset", "poster", "data", "formaction"):
            value = (element.get(attr) or "").strip()
            if value == STATUS_URL and attr == "href":
                continue
            assert not re.match(r"(?i)^(https?:)?//", value), f"<{element.tag} {attr}={value!r}>"


@pytest.mark.parametrize("key", PAGES)
def test_ids_are_unique_and_references_resolve(key):
    html, page = render_page(key)
    ids = page.ids()
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for label in page.all("label"):
        target = label.get("for")
        assert target, "every label names its control"
        assert page.by_id(target).tag in {"input", "select", "textarea"}
    for element in page.elements:
        for ref in (element.get("aria-describedby") or "").split():
            page.by_id(ref)
        if element.get("aria-labelledby"):
            page.by_id(element.get("aria-labelledby"))
        href = element.get("href") or ""
        if element.tag == "a" and href.startswith("#"):
            page.by_id(href[1:])


@pytest.mark.parametrize("key", STATUS_PAGES)
def test_status_pages_are_not_indexed(key):
    _, page = render_page(key)
    assert page.one("meta", name="robots").get("content") == "noindex"


def _collect_strings(value: Any, out: set[str]) -> set[str]:
    if isinstance(value, str):
        out.add(" ".join(value.split()))
    elif isinstance(value, dict):
        for item in value.values():
            _collect_strings(item, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect_strings(item, out)
    return out


@pytest.mark.parametrize("key", PAGES)
def test_every_visible_string_goes_through_gettext(key):
    """Render with a fake catalogue that brackets every message: no bare English may remain."""
    base = get_environment()
    env = jinja2.Environment(
        loader=base.loader,
        autoescape=base.autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )

    def bracketed(message: str) -> str:
        return f"\u27e6{message}\u27e7"

    env.install_gettext_callables(
        gettext=bracketed,
        ngettext=lambda s, p, n: bracketed(s if n == 1 else p),
        newstyle=True,
    )
    shown_as_data: set[str] = set()  # dates are Babel's, in the page's language: data

    def recorded(name):
        def show(value):
            text = filters_for("en", bracketed)[name](value)
            shown_as_data.add(text)
            return text

        return show

    env.filters.update(filters_for("en", bracketed))
    env.filters.update(date=recorded("date"), datetime=recorded("datetime"))
    env.globals.update(language="en", languages=LANGUAGES)
    context = PAGES[key]()
    html = env.get_template(key.split("#")[0]).render(**context)
    page = Page(html)
    allowed = _collect_strings(context, set())
    allowed |= shown_as_data
    depth = 0
    untranslated = []
    for data, element in page.text_nodes:
        if element.tag in {"style", "title"} or any(a.tag == "head" for a in element.ancestors()):
            continue
        outside = []
        for char in data:
            if char == "\u27e6":
                depth += 1
            elif char == "\u27e7":
                depth -= 1
            elif depth == 0:
                outside.append(char)
        bare = " ".join("".join(outside).split())
        if re.search(r"[A-Za-z]", bare) and " ".join(data.split()) not in allowed:
            untranslated.append(bare)
    assert depth == 0
    assert not untranslated, f"strings not wrapped for translation: {untranslated}"


# --------------------------------------------------------------------------- feedback form


def test_form_posts_to_action_url_with_csrf_token():
    _, page = render_page("pages/feedback_form.html")
    form = page.one("form")
    assert form.get("action") == "/feedback"
    assert form.get("method") == "post"
    csrf = page.named("csrf_token")[0]
    assert (csrf.get("type"), csrf.get("value")) == ("hidden", "csrf-abc123")
    version = page.named("consent.version")[0]
    assert (version.get("type"), version.get("value")) == ("hidden", "2026-01")
    assert page.one("button", type="submit").text == "Send feedback"


def test_every_field_appears_exactly_once():
    _, page = render_page("pages/feedback_form.html")
    controls = [e for e in page.elements if e.tag in {"input", "select", "textarea"}]
    names = [c.get("name") for c in controls]
    radios = [c for c in controls if c.get("type") == "radio"]
    assert {r.get("name") for r in radios} == {"kind"}
    assert len(radios) == 4
    group_names = [n for n in names if n != "kind"] + ["kind"]
    assert sorted(group_names) == sorted(FIELD_NAMES)
    assert len(group_names) == len(set(group_names))


def test_fields_use_the_right_controls_and_hints_for_a_phone():
    _, page = render_page("pages/feedback_form.html")
    email = page.named("reporter.email")[0]
    assert (email.get("type"), email.get("autocomplete")) == ("email", "email")
    phone = page.named("reporter.phone")[0]
    assert (phone.get("type"), phone.get("autocomplete"), phone.get("inputmode")) == (
        "tel",
        "tel",
        "tel",
    )
    assert page.named("reporter.name")[0].get("autocomplete") == "name"
    description = page.named("description")[0]
    assert description.tag == "textarea"
    assert description.get("maxlength") == "4000"
    for name in ("centre_id", "kind", "description", "consent.given"):
        assert all("required" in c.attrs for c in page.named(name)), name
    for name in ("child.first_name", "child.age_group", "reporter.name", "anonymous"):
        assert all("required" not in c.attrs for c in page.named(name)), name
    for name, value in (("urgent", "yes"), ("anonymous", "yes"), ("consent.given", "yes")):
        box = page.named(name)[0]
        assert (box.get("type"), box.get("value")) == ("checkbox", value)
    assert "082 123 4567" in page.by_id("f-reporter-phone-hint").text
    urgent_hint = page.by_id("f-urgent-hint").text
    assert "10111" in urgent_hint and "116" in urgent_hint
    assert "anonymous" in page.by_id("f-anonymous-hint").text


def test_fields_come_in_a_sensible_order():
    _, page = render_page("pages/feedback_form.html")
    order = []
    for element in page.elements:
        name = element.get("name")
        if element.tag in {"input", "select", "textarea"} and name not in order:
            order.append(name)
    wanted = [
        "centre_id",
        "kind",
        "category",
        "description",
        "urgent",
        "child.first_name",
        "reporter.email",
        "consent.given",
    ]
    positions = [order.index(name) for name in wanted]
    assert positions == sorted(positions)


def test_centres_are_grouped_by_region_after_an_empty_choice():
    _, page = render_page("pages/feedback_form.html")
    select = page.named("centre_id")[0]
    first = select.children[0]
    assert (first.tag, first.get("value"), first.text) == (
        "option",
        "",
        "Choose your child's centre",
    )
    groups = [c for c in select.children if c.tag == "optgroup"]
    assert [g.get("label") for g in groups] == ["Gauteng", "Western Cape"]
    assert [(o.get("value"), o.text) for o in groups[0].children] == [
        ("gp-001", "Sunshine Creche"),
        ("gp-002", "Little Stars ECD"),
    ]


def test_kind_is_a_radio_group_in_a_fieldset_with_a_legend():
    _, page = render_page("pages/feedback_form.html")
    fieldset = page.by_id("f-kind")
    assert fieldset.tag == "fieldset"
    assert fieldset.children[0].tag == "legend"
    assert fieldset.children[0].text == "What would you like to share?"
    radios = [e for e in page.named("kind")]
    assert all(fieldset in list(r.ancestors()) for r in radios)
    assert [r.get("id") for r in radios] == [
        "f-kind-complaint",
        "f-kind-compliment",
        "f-kind-suggestion",
        "f-kind-question",
    ]
    assert "Something went wrong" in page.by_id(radios[0].get("aria-describedby")).text


def test_every_visible_control_has_a_label():
    _, page = render_page("pages/feedback_form.html")
    labelled = {label.get("for") for label in page.all("label")}
    for element in page.elements:
        if element.tag in {"select", "textarea"} or (
            element.tag == "input" and element.get("type") != "hidden"
        ):
            assert element.get("id") in labelled, element.get("name")


def test_honeypot_is_hidden_from_people_and_assistive_tech():
    html, page = render_page("pages/feedback_form.html#errors")
    trap = page.named("website")[0]
    assert trap.get("type") == "text"
    assert trap.get("tabindex") == "-1"
    assert trap.get("autocomplete") == "off"
    assert trap.get("value", "") == ""
    wrapper = trap.parent
    assert wrapper.get("aria-hidden") == "true"
    hidden_class = wrapper.get("class")
    assert re.search(r"\." + re.escape(hidden_class) + r"\{[^}]*left:-\d+px", html)
    assert page.one("label", for_="f-website").text == "Leave this empty"


def test_consent_statement_is_shown_above_the_checkbox():
    _, page = render_page("pages/feedback_form.html")
    shown = "We, SayPro ECD Network, share what you write with the centre."
    statement = [e for e in page.elements if e.text == shown]
    assert statement
    box = page.named("consent.given")[0]
    assert page.elements.index(statement[-1]) < page.elements.index(box)


def test_clean_form_has_no_error_summary_or_invalid_fields():
    _, page = render_page("pages/feedback_form.html")
    assert not page.title().startswith("Error")
    assert not page.all(role="alert")
    assert not [e for e in page.elements if e.get("aria-invalid")]
    assert not page.all("p", **{"class": "error"})


def test_notice_banner_shows_only_when_given():
    notice = "Your form had expired, so nothing was sent. Please check your answers."
    page = Page(render("pages/feedback_form.html", **form_context(notice=notice)))
    assert notice in page.one("main").text
    page = Page(render("pages/feedback_form.html", **form_context(notice=None)))
    assert "expired" not in page.one("main").text


def test_error_summary_links_to_each_field():
    _, page = render_page("pages/feedback_form.html#errors")
    assert page.title().startswith("Error: ")
    summary = page.one(role="alert")
    assert summary.get("tabindex") == "-1"
    assert "There is a problem" in summary.text
    assert page.elements.index(summary) < page.elements.index(page.one("form"))
    links = [e for e in page.elements if e.tag == "a" and summary in list(e.ancestors())]
    assert [(a.get("href"), a.text) for a in links] == [
        ("#f-centre_id", ERRORS["centre_id"]),
        ("#f-kind-complaint", ERRORS["kind"]),
        ("#f-reporter-email", ERRORS["reporter.email"]),
        ("#f-consent-given", ERRORS["consent.given"]),
    ]
    for link in links:
        page.by_id(link.get("href")[1:])
    assert page.by_id("f-kind").tag == "fieldset"


@pytest.mark.parametrize(
    ("name", "field_id"),
    [
        ("centre_id", "f-centre_id"),
        ("reporter.email", "f-reporter-email"),
        ("consent.given", "f-consent-given"),
    ],
)
def test_field_with_error_says_so_beside_it(name, field_id):
    _, page = render_page("pages/feedback_form.html#errors")
    control = page.by_id(field_id)
    assert control.get("name") == name
    assert control.get("aria-invalid") == "true"
    described = control.get("aria-describedby").split()
    assert f"{field_id}-error" in described
    message = page.by_id(f"{field_id}-error")
    assert message.tag == "p" and "error" in message.get("class").split()
    assert ERRORS[name] in message.text
    # the message sits next to its own control, inside the same field wrapper
    assert control.parent is message.parent or message.parent in list(control.ancestors())


def test_error_and_hint_are_both_described():
    errors = {"reporter.phone": "Enter a phone number like 082 123 4567"}
    page = Page(render("pages/feedback_form.html", **form_context(errors=errors)))
    phone = page.by_id("f-reporter-phone")
    assert phone.get("aria-describedby").split() == [
        "f-reporter-phone-hint",
        "f-reporter-phone-error",
    ]


def test_radio_group_error_is_announced_with_the_group():
    _, page = render_page("pages/feedback_form.html#errors")
    fieldset = page.by_id("f-kind")
    assert "f-kind-error" in fieldset.get("aria-describedby").split()
    assert all(r.get("aria-invalid") == "true" for r in page.named("kind"))


def test_unknown_error_keys_are_listed_without_a_broken_link():
    errors = {"form": "Something went wrong, please try again"}
    page = Page(render("pages/feedback_form.html", **form_context(errors=errors)))
    summary = page.one(role="alert")
    assert errors["form"] in summary.text
    assert not [e for e in page.elements if e.tag == "a" and summary in list(e.ancestors())]


def test_typed_values_are_kept_and_escaped():
    html, page = render_page("pages/feedback_form.html#errors")
    assert "<script>" not in html
    assert "<b>Khumalo" not in html
    assert page.named("description")[0].text == " ".join(NASTY.split())
    assert page.named("reporter.name")[0].get("value") == FILLED["reporter.name"]
    assert page.named("reporter.phone")[0].get("value") == "082 123 4567"
    assert page.named("child.first_name")[0].get("value") == "T."
    for name in (
        "centre_id",
        "category",
        "child.age_group",
        "reporter.role",
        "reporter.preferred_language",
    ):
        selected = [
            o
            for o in page.elements
            if o.tag == "option"
            and "selected" in o.attrs
            and page.named(name)[0] in list(o.ancestors())
        ]
        assert [o.get("value") for o in selected] == [FILLED[name]], name
    checked = [r.get("value") for r in page.named("kind") if "checked" in r.attrs]
    assert checked == ["suggestion"]
    assert "checked" in page.named("urgent")[0].attrs
    assert "checked" in page.named("consent.given")[0].attrs
    assert "checked" not in page.named("anonymous")[0].attrs


def test_empty_form_selects_nothing_but_the_placeholders():
    _, page = render_page("pages/feedback_form.html")
    assert not [r for r in page.named("kind") if "checked" in r.attrs]
    for name in ("urgent", "anonymous", "consent.given"):
        assert "checked" not in page.named(name)[0].attrs
    for name in ("reporter.name", "reporter.email", "reporter.phone", "child.first_name"):
        assert page.named(name)[0].get("value") == ""
    assert page.named("description")[0].text == ""


# --------------------------------------------------------------------------- confirmation


def test_confirmation_shows_reference_and_links_to_status():
    html, page = render_page("pages/feedback_received.html")
    main = page.one("main")
    reference = [e for e in page.elements if e.text == "FB-7K3M-Q9P"]
    assert reference and "ref" in reference[-1].get("class", "").split()
    assert "screenshot" in main.text
    follow = [a for a in page.all("a") if a.get("href") == STATUS_URL]
    assert [a.text for a in follow] == ["Follow your case"]
    assert "Sunshine Creche" in main.text
    assert "Wednesday 25 November 2026" in main.text
    assert any("another" in a.text.lower() or "other" in a.text.lower() for a in page.all("a"))


def test_urgent_confirmation_says_the_administrator_was_alerted():
    page = Page(render("pages/feedback_received.html", **received_context(urgent=True)))
    main = page.one("main").text
    assert "regional administrator" in main
    assert "10111" in main and "116" in main
    assert {"tel:10111", "tel:116"} <= {a.get("href") for a in page.all("a")}


def test_non_urgent_confirmation_does_not_mention_an_alert():
    page = Page(render("pages/feedback_received.html", **received_context(urgent=False)))
    assert "alerted" not in page.one("main").text


def test_confirmation_escapes_its_context():
    context = received_context(centre_name="<i>Sun</i> & Co", reference="FB-<b>")
    html = render("pages/feedback_received.html", **context)
    assert "<i>Sun</i>" not in html and "FB-<b>" not in html
    assert "&lt;i&gt;Sun&lt;/i&gt; &amp; Co" in html


# --------------------------------------------------------------------------- status page


def test_status_page_lists_events_in_order():
    _, page = render_page("pages/case_status.html")
    timeline = page.one("ol")
    items = [c for c in timeline.children if c.tag == "li"]
    labels = [item.text for item in items]
    assert len(items) == 2  # the note is the centre's own: never shown, even if passed
    assert "Received" in labels[0] and "Feedback received" in labels[0]
    assert "Being looked into" in labels[1] and "We met." in labels[1]
    assert "Call us." not in page.one("main").text and "Note added" not in page.one("main").text
    assert "None" not in page.one("main").text


@pytest.mark.parametrize(
    ("status", "shown"),
    [("received", "Received"), ("in_progress", "Being looked into"),
     ("awaiting_parent", "Waiting for your reply"), ("resolved", "Resolved"),
     ("closed", "Closed")],
)  # fmt: skip
def test_status_badge_is_styled_by_status(status, shown):
    html = render("pages/case_status.html", **status_context(status=status))
    page = Page(html)
    badges = [e for e in page.elements if "badge" in (e.get("class") or "").split()]
    assert len(badges) == 1
    assert status in badges[0].get("class").split()
    assert badges[0].text == shown


def test_status_page_without_a_due_date():
    page = Page(render("pages/case_status.html", **status_context(respond_by=None)))
    main = page.one("main").text
    assert "FB-7K3M-Q9P" in main
    assert "None" not in main


def test_status_page_with_no_events_yet():
    context = status_context()
    context["events"] = []
    page = Page(render("pages/case_status.html", **context))
    assert "FB-7K3M-Q9P" in page.one("main").text


# --------------------------------------------------------------------------- simple pages


def test_not_found_page_gives_no_detail():
    _, page = render_page("pages/not_found.html")
    assert "couldn't find" in page.one("h1").text
    assert "expired" in page.one("main").text


def test_error_page_shows_heading_and_message_escaped():
    context = {"network_name": NETWORK, "heading": "Try <again>", "message": "Busy & slow"}
    html = render("pages/error.html", **context)
    page = Page(html)
    assert page.one("h1").text == "Try <again>"
    assert "Busy & slow" in page.one("main").text
    assert "<again>" not in html


def test_thanks_page_has_no_reference():
    _, page = render_page("pages/thanks.html")
    main = page.one("main").text
    assert "Thank you" in main
    assert "FB-" not in main
