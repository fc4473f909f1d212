"""Free text from parents and forms: cleaned of control characters, bounded, or made one line.

Where a text ends up decides the rule: a case keeps line breaks but no control characters and
no more than its limit; a mail header (a subject) holds one line, whatever the text contained.
"""

from __future__ import annotations

import re

# C0 controls and DEL, but tab, line feed and carriage return: a message keeps its lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Everything Python's email library or a mail client may take for a line end (str.splitlines:
# \v \f \x1c-\x1e \x85 \u2028 \u2029, and CR, LF), and every other C0 and C1 control.
_NOT_IN_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
ELLIPSIS = "…"


def clean_text(value: str) -> str:
    """Drop control characters (never line breaks) and surrounding space."""
    return _CONTROL.sub("", value).strip()


def cut(value: str, limit: int) -> str:
    """At most `limit` characters; a longer text is cut and ends with an ellipsis."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + ELLIPSIS


def one_line(value: str) -> str:
    """The text as one line: every line break and control is a space, runs of space one."""
    return " ".join(_NOT_IN_ONE_LINE.sub(" ", value).split())


def breaks_a_line(value: str) -> bool:
    """Whether the text holds anything that may end a header line (or another control)."""
    return _NOT_IN_ONE_LINE.search(value) is not None
