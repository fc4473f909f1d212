"""Jinja2 for every page and email, one environment per language.

Each language's environment is built once, with its gettext catalogue and its filters
(labels, dates) installed, and never changed after: renders only read it, so two threads
rendering in different languages never swap each other's text. (Not env.overlay(): an
overlay shares its parent's globals and filters, and installing a language through it
turned the parent's pages into that language — seen in a test here.)

This package is imported on first render, not at import time, so entry points that never
render (the JSON APIs, the jobs) do not build an environment or load Babel and css_inline on
a cold start. (Jinja2 itself comes with Flask.)
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from functions.domain.mail.email import MailProblem, RenderedEmail
from functions.domain.shared.text import one_line
from functions.rendering.filters import filters_for, nl2br
from functions.rendering.translations import LANGUAGES, catalogue, supported

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"

_TEMPLATE_NAME = re.compile(r"[a-z0-9_]+")
_MARKERS = ("{{", "{%", "}}", "%}")
_STYLE_BLOCK = re.compile(r"<style\b.*?</style>", re.DOTALL | re.IGNORECASE)


class TemplateProblem(MailProblem):
    """An email could not be rendered cleanly. The message never carries data values."""


@functools.cache
def environment(language: str = "en"):
    """The Jinja2 environment of one language: autoescaped (.html, .htm, .xml; not .txt),
    strict about undefined names, its gettext and filters in that language."""
    import jinja2

    language = supported(language)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    translations = catalogue(language)
    env.install_gettext_translations(translations, newstyle=True)
    env.filters.update(filters_for(language, translations.gettext))
    env.globals.update(language=language, languages=LANGUAGES)
    return env


def get_environment():
    """The English environment (templates' tests read its loader and filters)."""
    return environment("en")


def render(template_name: str, language: str = "en", **context: Any) -> str:
    """Render one template from templates/ in `language` (English when we do not ship it)."""
    return environment(language).get_template(template_name).render(**context)


def render_email(template: str, data: dict, language: str = "en") -> RenderedEmail:
    """Render templates/emails/<template>/{subject.txt, body.html, body.txt} with `data`.

    Strings go through gettext in `language` when we ship it, else English. The HTML has its
    CSS inlined. The subject is made one line whatever its values held (a header carries no
    line break). Raises TemplateProblem for a missing value, an empty part or a placeholder
    left in the output.
    """
    import jinja2

    if not _TEMPLATE_NAME.fullmatch(template):
        raise TemplateProblem("email template names are lower_snake_case")
    language = supported(language)
    env = environment(language)
    context = {**data, "html_lang": language}
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


@functools.cache
def _css_inliner():
    import css_inline

    # Defaults otherwise: <style> blocks are inlined then removed, at-rules dropped.
    return css_inline.CSSInliner(load_remote_stylesheets=False)


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
            found += [item, str(escape(item)), str(nl2br(item))]
    return sorted(set(found), key=len, reverse=True)


def _has_leftovers(rendered: str, values: list[str]) -> bool:
    for value in values:
        rendered = rendered.replace(value, "")
    return any(marker in rendered for marker in _MARKERS)
