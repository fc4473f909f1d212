"""The email templates, rendered through functions.rendering.render_email with sample data."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from functions import rendering
from functions.devtools.preview_emails import EMAILS_DIR, previews
from functions.rendering import TemplateProblem, get_environment, render_email
from functions.rendering import translations as catalogues

TEMPLATES = sorted(p.name for p in EMAILS_DIR.iterdir() if p.is_dir())
NASTY = "He said \"hi\" & <script>alert('x')</script>\nSecond line"
MARKERS = ("{{", "{%", "}}", "%}")


def sample(name: str, **overrides) -> dict:
    data = json.loads((EMAILS_DIR / name / "sample.json").read_text(encoding="utf-8"))
    return data | overrides


# --------------------------------------------------------------------------- every template


def test_there_are_templates_and_the_environment_escapes_only_html():
    assert {"case_acknowledgement", "case_notification"} <= set(TEMPLATES)
    env = get_environment()
    assert env.autoescape("emails/case_notification/body.html") is True
    assert env.autoescape("emails/case_notification/body.txt") is False
    assert env.autoescape("emails/case_notification/subject.txt") is False


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_folder_has_its_three_parts_and_sample_data(name):
    folder = EMAILS_DIR / name
    for part in ("subject.txt", "body.html", "body.txt", "sample.json"):
        assert (folder / part).is_file(), f"{name}/{part}"
    assert '{% extends "emails/base.html" %}' in (folder / "body.html").read_text()
    assert isinstance(json.loads((folder / "sample.json").read_text()), dict)


@pytest.mark.parametrize("preview", previews(), ids=lambda p: p.name)
def test_every_sample_renders_both_parts_cleanly(preview):
    email = render_email(preview.template, preview.data)
    assert email.subject and "\n" not in email.subject and email.subject == email.subject.strip()
    assert email.html.strip() and email.text.strip()
    for part in (email.subject, email.html, email.text):
        assert not any(marker in part for marker in MARKERS)
        # A case's reference, for a forum's mail its title, for the advisory network's its
        # region names what the mail is about.
        about = preview.data.get("forum_title", preview.data.get("region_name"))
        assert preview.data.get("reference", about) in part
    assert email.html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in email.html
    assert preview.data["network_name"] in email.html and preview.data["network_name"] in email.text


@pytest.mark.parametrize("name", TEMPLATES)
def test_css_is_inlined_and_no_style_block_is_left(name):
    # css_inline's defaults: <style> rules become style="" attributes and the block is removed
    # (at-rules such as @media are dropped, so the layout must not need them).
    html = render_email(name, sample(name)).html
    assert "<style" not in html.lower()
    body = re.search(r"<body[^>]*>", html).group(0)
    assert 'style="' in body and "font-family" in body
    header = re.search(r'<td class="header"[^>]*>', html).group(0)
    assert "background: #0b5d57" in header
    assert "max-width: 600px" in html


# --------------------------------------------------------------------------- user text


def test_the_description_is_escaped_in_html_and_verbatim_in_text():
    email = render_email("case_notification", sample("case_notification", description=NASTY))
    assert "<script>" not in email.html
    assert "&lt;script&gt;alert(" in email.html
    assert "&amp; &lt;script&gt;" in email.html
    assert "<br>\nSecond line" in email.html  # line breaks kept
    assert NASTY in email.text


def test_a_parent_may_type_template_like_braces():
    email = render_email(
        "case_notification", sample("case_notification", description="Fees {{ R450 }} {% x %}")
    )
    assert "Fees {{ R450 }} {% x %}" in email.text
    assert "Fees {{ R450 }} {% x %}" in email.html


def test_the_subject_is_plain_text_but_the_html_is_escaped():
    email = render_email("case_notification", sample("case_notification", centre_name="Sun & Moon"))
    assert "Sun & Moon" in email.subject
    assert "Sun &amp; Moon" in email.html and "Sun & Moon" in email.text


def test_the_acknowledgement_never_echoes_the_description():
    secret = "My daughter Lindiwe told me the cook shouts at her"
    email = render_email("case_acknowledgement", sample("case_acknowledgement", description=secret))
    for part in (email.subject, email.html, email.text):
        assert "Lindiwe" not in part and "cook" not in part


# --------------------------------------------------------------------------- problems


def test_a_missing_value_is_a_template_problem_without_data_in_the_message():
    data = sample("case_acknowledgement")
    del data["respond_by"]
    with pytest.raises(TemplateProblem) as caught:
        render_email("case_acknowledgement", data)
    assert str(caught.value) == "case_acknowledgement: UndefinedError"
    assert isinstance(caught.value, ValueError)


LINE_ENDS = ["\n", "\r", "\r\n", "\x00", "\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028",
             "\u2029"]  # fmt: skip


@pytest.mark.parametrize("name", TEMPLATES)
@pytest.mark.parametrize("line_end", LINE_ENDS, ids=[repr(end) for end in LINE_ENDS])
def test_a_line_break_reaching_the_subject_is_folded_into_one_line(name, line_end):
    """Every character Python's email library or SMTP takes for a line end (str.splitlines,
    CR, LF, NUL): whatever a value holds, the subject stays one header line."""
    value = f"FB-7K3M{line_end}Bcc: victim@example.org"
    email = render_email(name, sample(name, reference=value, centre_name=value, forum_title=value,
                                      region_name=value))  # fmt: skip
    assert "FB-7K3M Bcc: victim@example.org" in email.subject
    assert len(email.subject.splitlines()) == 1 and not re.search(r"[\x00-\x1f]", email.subject)


def test_unknown_templates_and_odd_names_are_template_problems():
    with pytest.raises(TemplateProblem, match="no_such_email: TemplateNotFound"):
        render_email("no_such_email", {})
    with pytest.raises(TemplateProblem):
        render_email("../pages/base", {})
    # A language we do not ship (or a path posing as one) is English, never a file lookup.
    odd = render_email("case_acknowledgement", sample("case_acknowledgement"), "../../etc")
    assert odd.subject.startswith("We received your feedback")


# --------------------------------------------------------------------------- the messages


def test_an_urgent_notification_says_so_first():
    calm = render_email("case_notification", sample("case_notification"))
    urgent = render_email("case_notification", sample("case_notification", urgent=True))
    assert urgent.subject.startswith("URGENT: ")
    assert not calm.subject.startswith("URGENT")
    banner = urgent.html.index("A child may be at risk. Act now.")
    assert banner < urgent.html.index("<h1")
    assert "border: 3px solid #b3261e" in urgent.html[urgent.html.rindex("<div", 0, banner) :]
    assert urgent.text.startswith("A CHILD MAY BE AT RISK. ACT NOW.")
    assert "A child may be at risk" not in calm.html + calm.text


def test_triage_reasons_are_listed_only_when_there_are_some():
    triage = [{"reason": "unknown_centre", "given": ""},
              {"reason": "unknown_topic", "given": "“bullying”"}]  # fmt: skip
    flagged = render_email("case_notification", sample("case_notification", triage=triage))
    plain = render_email("case_notification", sample("case_notification", triage=[]))
    for reason in ("Centre not recognised", "Topic not recognised: “bullying”"):
        assert re.search(rf"<li[^>]*>{re.escape(reason)}</li>", flagged.html)
        assert f"- {reason}" in flagged.text
    assert "Check this case first" in flagged.text and "Check this case first" not in plain.text


def test_an_anonymous_parent_is_named_as_such():
    email = render_email("case_notification", sample("case_notification", reporter_contact=None))
    assert "Anonymous: no contact details" in email.text


def test_the_acknowledgement_gives_emergency_numbers_only_when_urgent():
    calm = render_email("case_acknowledgement", sample("case_acknowledgement"))
    urgent = render_email("case_acknowledgement", sample("case_acknowledgement", urgent=True))
    for part in (urgent.html, urgent.text):
        assert "10111" in part and "116" in part
    assert 'href="tel:10111"' in urgent.html
    assert "10111" not in calm.html and "10111" not in calm.text


@pytest.mark.parametrize("url", ["https://feedback.example.org/unsubscribe?token=abc", None])
def test_the_unsubscribe_link_appears_only_when_there_is_one(url):
    email = render_email("case_notification", sample("case_notification", unsubscribe_url=url))
    assert ("Stop these notifications" in email.html) is bool(url)
    assert ("Stop these notifications" in email.text) is bool(url)
    if url:
        assert f'href="{url}"' in email.html and url in email.text


def test_the_acknowledgement_has_no_unsubscribe_link():
    email = render_email("case_acknowledgement", sample("case_acknowledgement"))
    assert "Stop these notifications" not in email.html + email.text


# --------------------------------------------------------------------------- translations


def _po(messages: dict[str, str]) -> str:
    """A gettext catalogue's text, as a translator writes one."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ['msgid ""', 'msgstr "Content-Type: text/plain; charset=UTF-8\\n"', ""]
    for msgid, msgstr in messages.items():
        lines += [f"msgid {quoted(msgid)}", f"msgstr {quoted(msgstr)}", ""]
    return "\n".join(lines)


@pytest.fixture
def locales(tmp_path, monkeypatch):
    """A locales folder of our own; returns a function that writes one language's catalogue."""
    monkeypatch.setattr(catalogues, "LOCALES_DIR", tmp_path)
    catalogues.catalogue.cache_clear()
    rendering.environment.cache_clear()

    def write(language: str, messages: dict[str, str]) -> None:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "messages.po").write_text(_po(messages), encoding="utf-8")

    yield write
    catalogues.catalogue.cache_clear()
    rendering.environment.cache_clear()


ZULU = {
    "We received your feedback (reference %(reference)s)": (
        "Siyitholile imibono yakho (inombolo %(reference)s)"
    ),
    "Your reference": "Inombolo yakho",
    "Follow your case": "Landela udaba lwakho",
    "Hello %(reporter_name)s,": "Sawubona %(reporter_name)s,",
}


def test_a_catalogue_changes_the_text_for_its_language_only(locales):
    locales("zu", ZULU)
    data = sample("case_acknowledgement")
    zulu = render_email("case_acknowledgement", data, "zu")
    english = render_email("case_acknowledgement", data, "en")

    assert zulu.subject == "Siyitholile imibono yakho (inombolo FB-7K3M-Q9P)"
    assert "Inombolo yakho: FB-7K3M-Q9P" in zulu.text
    assert "Sawubona Ayanda," in zulu.text
    assert '<html lang="zu">' in zulu.html and "Landela udaba lwakho" in zulu.html
    assert english.subject == "We received your feedback (reference FB-7K3M-Q9P)"
    assert "Your reference: FB-7K3M-Q9P" in english.text
    assert '<html lang="en">' in english.html and "Follow your case" in english.html


def test_a_language_without_a_catalogue_is_english_and_says_so(locales):
    email = render_email("case_acknowledgement", sample("case_acknowledgement"), "xh")
    assert email.subject.startswith("We received your feedback")
    assert '<html lang="en">' in email.html


def test_languages_rendered_at_once_on_many_threads_never_mix(locales):
    locales("zu", ZULU)
    data = sample("case_acknowledgement")
    jobs = ["zu", "en"] * 40
    with ThreadPoolExecutor(max_workers=8) as pool:
        emails = list(pool.map(lambda lang: render_email("case_acknowledgement", data, lang), jobs))
    subjects = [email.subject for email in emails]
    for language, subject in zip(jobs, subjects, strict=True):
        assert subject.startswith("Siyitholile" if language == "zu" else "We received")


def test_a_translation_that_leaves_a_placeholder_is_a_template_problem(locales):
    locales("af", {"Your reference": "Jou verwysing {{ reference }}"})
    with pytest.raises(TemplateProblem, match="placeholder"):
        render_email("case_acknowledgement", sample("case_acknowledgement"), "af")


def test_pages_still_render_in_english_through_the_shared_environment(locales):
    locales("zu", ZULU)
    render_email("case_acknowledgement", sample("case_acknowledgement"), "zu")
    page = get_environment().from_string('{{ _("Your reference") }}').render()
    assert page == "Your reference"
