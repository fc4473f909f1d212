"""Extract the strings people read, and keep every language's catalogue in step with them.

    python -m functions.devtools.translations update   # make translations
    python -m functions.devtools.translations check    # what tests/unit/test_translations.py checks

Strings come from the templates ({% trans %} blocks and _() calls, read with Jinja2's own
extractor and the environment's whitespace settings) and from Python, where English text a
page or email shows is marked with N_() (functions/domain/shared/vocabulary.py). `update`
writes functions/locales/messages.pot and merges it into each language's messages.po: new
strings arrive empty (shown in English until translated), changed ones fuzzy, gone ones are
dropped. Catalogues are compiled when first used (functions/rendering/translations.py).
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from functions.rendering.translations import ENGLISH, LANGUAGES, LOCALES_DIR

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = LOCALES_DIR / "messages.pot"
_METHODS = [
    ("templates/**.html", "jinja2.ext:babel_extract"),
    ("templates/**.txt", "jinja2.ext:babel_extract"),
    ("functions/**.py", "python"),
]
_JINJA = {
    "trimmed": "false",
    "trim_blocks": "true",
    "lstrip_blocks": "true",
    "newstyle_gettext": "true",
}
_OPTIONS = {"templates/**.html": _JINJA, "templates/**.txt": _JINJA}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
REVIEW_NOTE = (
    "Machine-assisted translation, not yet reviewed: a native speaker should review every "
    "string before the network relies on it."
)


def extract():
    """Every string the templates and the code show, as a Babel catalogue (the template)."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="ECD customer service", charset="utf-8")
    found = extract_from_dir(str(REPO_ROOT), _METHODS, _OPTIONS, _KEYWORDS, strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        if _local_only(filename):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _local_only(filename: str) -> bool:
    """Local-only code and pages (the dev mailbox) are never deployed, so never translated."""
    path = Path(filename)
    return "devtools" in path.parts or path.name.startswith("dev_")


def _read(path: Path, language: str | None = None):
    from babel.messages.pofile import read_po

    with path.open("rb") as file:
        return read_po(file, locale=language)


def update() -> list[Path]:
    """Write the template and merge it into every language's catalogue; the files written."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    template = extract()
    LOCALES_DIR.mkdir(parents=True, exist_ok=True)
    with TEMPLATE.open("wb") as file:
        write_po(file, template, omit_header=False, sort_output=True, width=100)
    written = [TEMPLATE]
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        catalog = _read(path, language) if path.exists() else Catalog(locale=language)
        catalog.update(template, update_header_comment=False)
        catalog.project, catalog.revision_date = "ECD customer service", datetime.now(UTC)
        title = f"{LANGUAGES[language]} for the ECD customer service."
        catalog.header_comment = f"# {title}\n# {REVIEW_NOTE}"
        catalog.obsolete.clear()
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, sort_output=True, width=100, ignore_obsolete=True)
        written.append(path)
    return written


def problems() -> dict[str, list[str]]:
    """Per language, every string the catalogue lacks, leaves empty or marks fuzzy, and every
    translation whose placeholders differ from the English (Babel's own checks)."""
    expected = {message.id for message in extract() if message.id}
    found: dict[str, list[str]] = {}
    for language in LANGUAGES:
        if language == ENGLISH:
            continue
        path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
        if not path.exists():
            found[language] = [f"{path} is missing: run `make translations`"]
            continue
        catalog, issues = _read(path, language), []
        header = " ".join((catalog.header_comment or "").replace("#", " ").split())
        if REVIEW_NOTE not in header:  # as written, whatever the line wrapping
            issues.append("the header does not say that a native speaker should review it")
        for msgid in sorted(expected, key=str):
            message = catalog.get(msgid)
            if message is None:
                issues.append(f"missing: {msgid!r}")
            elif not message.string or (isinstance(message.string, tuple)
                                         and not all(message.string)):  # fmt: skip
                issues.append(f"not translated: {msgid!r}")
            elif message.fuzzy:
                issues.append(f"fuzzy: {msgid!r}")
        for message, errors in catalog.check():
            issues += [f"{message.id!r}: {error}" for error in errors]
        if issues:
            found[language] = issues
    return found


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "update"
    if command == "update":
        for path in update():
            print(f"wrote {path.relative_to(REPO_ROOT)}")
        return 0
    if command == "check":
        found = problems()
        for language, issues in found.items():
            print(f"{language}: {len(issues)} problem(s)")
            for issue in issues:
                print(f"  {issue}")
        return 1 if found else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
