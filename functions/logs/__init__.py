"""Structured logs: one JSON line per event, read by Cloud Logging.

Each event has its own helper (one module per feature, all reached as `logs.<event>`), and
helpers take only ids, enums and counts, so no parent's name, email, phone or free text can
reach a log line.
"""

from functions.logs._core import bind_trace
from functions.logs.admin import *  # noqa: F403
from functions.logs.advisory import *  # noqa: F403
from functions.logs.cases import *  # noqa: F403
from functions.logs.charter_distribution import *  # noqa: F403
from functions.logs.forums import *  # noqa: F403
from functions.logs.mail import *  # noqa: F403
from functions.logs.privacy import *  # noqa: F403
from functions.logs.reports import *  # noqa: F403
from functions.logs.requests import *  # noqa: F403

__all__ = ["bind_trace"]
