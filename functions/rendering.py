"""One cached Jinja2 environment for every page and email.

Jinja2 is imported on first render, not at import time, so entry points that never
render (JSON APIs, task handlers) do not pay for it on a cold start.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def get_environment():
    """The shared Jinja2 environment: autoescaped, strict about undefined names, i18n-ready."""
    import gettext

    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # English ships; translations plug in here via gettext catalogues.
    env.install_gettext_translations(gettext.NullTranslations(), newstyle=True)
    return env


def render(template_name: str, **context: Any) -> str:
    """Render one template from templates/ with the given context."""
    return get_environment().get_template(template_name).render(**context)
