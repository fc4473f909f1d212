"""The languages parents read us in, and their gettext catalogues.

Each catalogue is functions/locales/<language>/LC_MESSAGES/messages.po, read and compiled on
first use (Babel), so the .po a translator edits is the only copy: there is no build step, and
a deploy carries text files only. A string a catalogue lacks, or marks fuzzy, stays English.
`make translations` extracts the strings and merges them into every catalogue;
tests/unit/test_translations.py fails when a catalogue misses one.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
ENGLISH = "en"
# The languages the parent-facing pages and emails ship in, with the name each calls itself.
LANGUAGES: dict[str, str] = {"en": "English", "zu": "isiZulu", "af": "Afrikaans"}
# Babel's locales for dates: South African formats and names.
_LOCALES = {"en": "en_ZA", "zu": "zu_ZA", "af": "af_ZA"}


def supported(language: object) -> str:
    """`language` if we ship it, else English (any other value, any other language)."""
    return language if isinstance(language, str) and language in LANGUAGES else ENGLISH


def babel_locale(language: str) -> str:
    return _LOCALES[supported(language)]


@functools.cache
def catalogue(language: str) -> gettext.NullTranslations:
    """The catalogue of a shipped language (English: none), compiled from its .po."""
    language = supported(language)
    source = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    if language == ENGLISH or not source.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they stay English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
