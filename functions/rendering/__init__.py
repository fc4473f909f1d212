"""One cached Jinja2 environment for every page and email.

Jinja2 is imported on first render, not at import time, so entry points that never
render (JSON APIs, task handlers) do not pay for it on a cold start; css_inline is
imported on the first email only.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from functions.domain.mail.email import MailProblem, RenderedEmail
from functions.domain.shared.text import one_line

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"  # <lang>/LC_MESSAGES/messages.mo

_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+")
_LANGUAGE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")  # also keeps "../" out of gettext's path
_MARKERS = ("{{", "{%", "}}", "%}")
_STYLE_BLOCK = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)


class TemplateProblem(MailProblem):
    """An email could not be rendered cleanly. The message never carries data values."""


@functools.cache
def get_environment():
    """The shared Jinja2 environment: autoescaped, strict about undefined names, i18n-ready.

    Autoescape is on for .html/.htm/.xml and off for anything else (.txt): select_autoescape's
    `default` is False for names that do not match.
    """
    import gettext

    # English ships; translations plug in via gettext catalogues (see _email_environment).
    return _new_environment(gettext.NullTranslations())


def _new_environment(translations):
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.filters["nl2br"] = _nl2br
    env.install_gettext_translations(translations, newstyle=True)
    return env


def render(template_name: str, **context: Any) -> str:
    """Render one template from templates/ with the given context."""
    return get_environment().get_template(template_name).render(**context)


def render_email(template: str, data: dict, language: str = "en") -> RenderedEmail:
    """Render templates/emails/<template>/{subject.txt, body.html, body.txt} with `data`.

    Strings go through gettext in `language` when functions/locales has its catalogue, else
    English. The HTML has its CSS inlined. The subject is made one line whatever its values
    held (a header carries no line break). Raises TemplateProblem for a missing value, an
    empty part or a placeholder left in the output.
    """
    import jinja2

    if not _TEMPLATE_NAME.fullmatch(template):
        raise TemplateProblem("email template names are lower_snake_case")
    if not _LANGUAGE.fullmatch(language):
        raise TemplateProblem(f"{template}: unsupported language tag")
    env, html_lang = _email_environment(language)
    context = {**data, "html_lang": html_lang}
    try:
        parts = [
            env.get_template(f"emails/{template}/{part}").render(context)
            for part in ("subject.txt", "body.html", "body.txt")
        ]
    except jinja2.TemplateError as e:
        raise TemplateProblem(f"{template}: {type(e).__name__}") from None
    subject, html, text = one_line(parts[0]), parts[1], parts[2].strip() + "\n"
    if not (subject and html.strip() and text.strip()):
        raise TemplateProblem(f"{template}: empty subject or body")
    values = _marker_values(data)
    if any(_has_leftovers(part, values) for part in (subject, _STYLE_BLOCK.sub("", html), text)):
        raise TemplateProblem(f"{template}: template placeholder left in the output")
    try:
        html = _css_inliner().inline(html)
    except ValueError as e:  # css_inline.InlineError
        raise TemplateProblem(f"{template}: {type(e).__name__}") from None
    return RenderedEmail(subject=subject, html=html, text=text)


@functools.lru_cache(maxsize=16)
def _email_environment(language: str):
    """The environment whose gettext speaks `language`, and the `lang` its text is really in.

    Installing translations writes the environment's globals, so doing it per render on the
    shared environment would let two threads rendering in different languages swap each
    other's gettext mid-render. So a language with a catalogue gets an environment of its
    own, fully built before it is cached and never changed after: renders only read it.
    Without a catalogue it is the shared (English) environment, with lang "en".

    Not env.overlay(): an overlay shares the parent's globals, filters and policies dicts,
    and its install_gettext_translations is the parent's, bound to the parent — installing
    through it turned the pages' text into the overlay's language (seen in a test here).
    """
    import gettext

    translations = gettext.translation(
        "messages", localedir=LOCALES_DIR, languages=[language], fallback=True
    )
    if not isinstance(translations, gettext.GNUTranslations):
        return get_environment(), "en"
    return _new_environment(translations), language.replace("_", "-")


@functools.cache
def _css_inliner():
    import css_inline

    # Defaults otherwise: <style> blocks are inlined then removed, at-rules dropped.
    return css_inline.CSSInliner(load_remote_stylesheets=False)


def _nl2br(value: Any):
    """Escape user text for HTML and keep its line breaks as <br>."""
    from markupsafe import Markup, escape

    lines = escape(str(value).replace("\r\n", "\n").replace("\r", "\n")).split("\n")
    return Markup("<br>\n").join(lines)


def _marker_values(data: Any) -> list[str]:
    """How data strings that themselves contain `{{`-like markers may appear in the output.

    A parent may well type "{{" in a message; that is their text, not a template left
    unrendered, so those strings (raw, escaped, with <br>s) are set aside before the check.
    """
    from markupsafe import escape

    found: list[str] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str) and any(m in item for m in _MARKERS):
            found += [item, str(escape(item)), str(_nl2br(item))]
    return sorted(set(found), key=len, reverse=True)


def _has_leftovers(rendered: str, values: list[str]) -> bool:
    for value in values:
        rendered = rendered.replace(value, "")
    return any(marker in rendered for marker in _MARKERS)
