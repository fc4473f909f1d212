"""The catalogues: complete, faithful to the English's placeholders and markup, and used.

The check that fails when a catalogue misses a string is functions.devtools.translations
.problems() (also `python -m functions.devtools.translations check`); the tests below also
show that it does fail, on a copy of the catalogues with a string taken out.
"""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime

import pytest

from functions import rendering
from functions.devtools import translations as tooling
from functions.rendering import translations as catalogues
from functions.rendering.filters import filters_for

SHIPPED = [code for code in catalogues.LANGUAGES if code != catalogues.ENGLISH]
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def messages(language: str):
    from babel.messages.pofile import read_po

    path = catalogues.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as file:
        return [m for m in read_po(file, locale=language) if m.id]


def test_every_string_people_read_is_translated_in_every_language():
    assert tooling.problems() == {}


def test_the_check_fails_when_a_catalogue_misses_a_string(tmp_path, monkeypatch):
    shutil.copytree(catalogues.LOCALES_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "af" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    cut = re.sub(r'msgid "Send feedback"\nmsgstr "[^"]*"\n', "", text, count=1)
    assert cut != text
    path.write_text(cut, encoding="utf-8")
    monkeypatch.setattr(tooling, "LOCALES_DIR", tmp_path)

    assert tooling.problems() == {"af": ["missing: 'Send feedback'"]}


def test_the_check_fails_when_a_string_is_left_empty_or_fuzzy(tmp_path, monkeypatch):
    shutil.copytree(catalogues.LOCALES_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "zu" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'(msgid "Send feedback"\nmsgstr )"[^"]*"', r'\1""', text, count=1)
    text = re.sub(r'(\n)(msgid "Your message"\n)', r"\1#, fuzzy\n\2", text, count=1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(tooling, "LOCALES_DIR", tmp_path)

    assert tooling.problems() == {
        "zu": ["not translated: 'Send feedback'", "fuzzy: 'Your message'"]
    }


@pytest.mark.parametrize("language", SHIPPED)
def test_each_catalogue_says_a_native_speaker_should_review_it(language):
    path = catalogues.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    header = path.read_text(encoding="utf-8").split("msgid", 1)[0]
    assert "native speaker should review" in " ".join(header.replace("#", " ").split())


@pytest.mark.parametrize("language", SHIPPED)
def test_translations_keep_the_placeholders_and_the_markup(language):
    for message in messages(language):
        # A plural's English and translation are tuples (its forms): each form keeps them all.
        english = message.id[-1] if isinstance(message.id, tuple) else message.id
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in forms:
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(english)), (
                message.id
            )
            assert sorted(TAG.findall(text)) == sorted(TAG.findall(english)), message.id
            assert text.strip() != "", message.id


@pytest.mark.parametrize("language", SHIPPED)
def test_a_translation_is_not_just_the_english_copied(language):
    """Some strings may rightly stay the same (names, "Email"); most must not."""
    shown = messages(language)
    same = [m.id for m in shown if m.string == m.id]
    assert len(same) <= len(shown) // 10, same


def test_a_string_the_catalogue_lacks_is_shown_in_english(tmp_path, monkeypatch):
    shutil.copytree(catalogues.LOCALES_DIR, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "zu" / "LC_MESSAGES" / "messages.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'msgid "Send feedback"\nmsgstr "[^"]*"\n', "", text), "utf-8")
    monkeypatch.setattr(catalogues, "LOCALES_DIR", tmp_path)
    catalogues.catalogue.cache_clear()
    rendering.environment.cache_clear()
    try:
        zulu = catalogues.catalogue("zu")
        assert zulu.gettext("Send feedback") == "Send feedback"
        assert zulu.gettext("Your message") != "Your message"  # the rest stays isiZulu
    finally:
        catalogues.catalogue.cache_clear()
        rendering.environment.cache_clear()


@pytest.mark.parametrize(
    ("language", "month", "weekday"),
    [("en", "December", "Wednesday"), ("af", "Desember", "Woensdag"),
     ("zu", "Disemba", "ULwesithathu")],
)  # fmt: skip
def test_dates_are_written_in_the_readers_language_and_south_african_time(language, month, weekday):
    filters = filters_for(language, catalogues.catalogue(language).gettext)
    late_evening_utc = datetime(2026, 12, 1, 22, 30, tzinfo=UTC)  # 00:30 on the 2nd in SAST
    assert filters["date"](late_evening_utc) == f"{weekday} 2 {month} 2026"
    assert filters["datetime"](late_evening_utc) == f"2 {month} 2026, 00:30"
